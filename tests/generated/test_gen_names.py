"""Generated class and member names say what things are, and one shape is one class.

Read from the generated package's source and the checked-in spec, so every enum and model an
operation brings (now or when one is un-parked) is held to the same rules: no ``VALUE_N``
members, no class name ending in a digit, no ``InlineResponse…``, no two enum classes with the
same members, no two models of one structure, and every enum query/path parameter using a
shared enum component.
"""

from __future__ import annotations

import ast
import re
from pathlib import Path
from typing import Any

import yaml

ROOT = Path(__file__).resolve().parents[2]
GENERATED = ROOT / "zoom_async" / "_generated"
SPEC = ROOT / "openapi" / "zoom-v2.yaml"
ENUM_BASES = {"OpenStrEnum", "OpenIntEnum"}
MEMBER = re.compile(r"[A-Z][A-Z0-9]*(?:_[A-Z0-9]+)*")


def classes(sources: dict[str, str]) -> dict[str, tuple[str, ast.ClassDef]]:
    """Every class defined in ``sources`` (module name -> code), by name."""
    found: dict[str, tuple[str, ast.ClassDef]] = {}
    for module, code in sources.items():
        for node in ast.walk(ast.parse(code)):
            if isinstance(node, ast.ClassDef):
                assert node.name not in found, f"{node.name} defined in {module} and elsewhere"
                found[node.name] = (module, node)
    return found


def members(node: ast.ClassDef) -> dict[str, Any]:
    return {
        stmt.targets[0].id: ast.literal_eval(stmt.value)
        for stmt in node.body
        if isinstance(stmt, ast.Assign) and isinstance(stmt.targets[0], ast.Name)
    }


def is_enum(node: ast.ClassDef) -> bool:
    return any(isinstance(b, ast.Name) and b.id in ENUM_BASES for b in node.bases)


def name_problems(sources: dict[str, str]) -> list[str]:
    """What breaks the naming rules in generated code (empty when it is clean)."""
    problems = []
    found = classes(sources)
    shapes: dict[tuple[str, frozenset[tuple[str, Any]]], list[str]] = {}
    for name, (module, node) in sorted(found.items()):
        if name[-1].isdigit():
            problems.append(f"{module}: class {name} ends in a digit")
        if "inlineresponse" in name.lower().replace("_", ""):
            problems.append(f"{module}: class {name} is an InlineResponse name")
        if not is_enum(node):
            continue
        values = members(node)
        for member in values:
            if re.fullmatch(r"VALUE_(?:NEGATIVE_)?\d+", member):
                problems.append(f"{module}: {name}.{member} is named by position, not meaning")
            elif not MEMBER.fullmatch(member):
                problems.append(f"{module}: {name}.{member} is not an UPPER_CASE name")
        base = next(b.id for b in node.bases if isinstance(b, ast.Name) and b.id in ENUM_BASES)
        shapes.setdefault((base, frozenset(values.items())), []).append(name)
    for twins in shapes.values():
        if len(twins) > 1:
            problems.append(f"structurally identical enum classes: {sorted(twins)}")
    return problems


def generated_sources() -> dict[str, str]:
    return {
        path.relative_to(GENERATED).as_posix(): path.read_text(encoding="utf-8")
        for path in sorted(GENERATED.rglob("*.py"))
    }


def test_generated_names_follow_the_rules() -> None:
    sources = generated_sources()
    found = classes(sources)
    assert sum(is_enum(node) for _, node in found.values()) > 100  # the scan saw the enums
    assert name_problems(sources) == []


def test_the_rules_catch_each_kind_of_bad_name() -> None:
    bad = {
        "a.py": (
            "class Color(OpenStrEnum):\n    RED = 'red'\n    VALUE_1 = '1-2'\n"
            "class Colour(OpenStrEnum):\n    VALUE_1 = '1-2'\n    RED = 'red'\n"
            "class Meeting2:\n    pass\n"
            "class InlineResponse200:\n    pass\n"
            "class Size(OpenIntEnum):\n    small = 1\n"
        )
    }
    problems = "\n".join(name_problems(bad))
    assert "Color.VALUE_1 is named by position" in problems
    assert "['Color', 'Colour']" in problems
    assert "class Meeting2 ends in a digit" in problems
    assert "InlineResponse200 is an InlineResponse name" in problems
    assert "Size.small is not an UPPER_CASE name" in problems
    # Same values under different member names are different enums (ApprovalType's 0/1/2 is
    # not WaitingRoom's 0/1/2).
    ok = {"b.py": "class A(OpenIntEnum):\n    ON = 1\nclass B(OpenIntEnum):\n    YES = 1\n"}
    assert name_problems(ok) == []


def spec() -> dict[str, Any]:
    loaded: dict[str, Any] = yaml.safe_load(SPEC.read_text(encoding="utf-8"))
    return loaded


def test_spec_enum_components_are_shared_and_named() -> None:
    schemas = spec()["components"]["schemas"]
    shapes: dict[str, list[str]] = {}
    for name, schema in schemas.items():
        assert not name[-1].isdigit() and "InlineResponse" not in name, name
        if "enum" not in schema:
            continue
        names = schema.get("x-enum-varnames")
        assert names is not None and len(names) == len(schema["enum"]), name
        assert len(set(names)) == len(names), name
        key = repr((schema.get("type"), sorted(zip(map(str, schema["enum"]), names, strict=True))))
        shapes.setdefault(key, []).append(name)
    assert [sorted(v) for v in shapes.values() if len(v) > 1] == []


def test_enum_parameters_use_a_shared_component_with_their_values() -> None:
    doc = spec()
    schemas = doc["components"]["schemas"]
    seen = 0
    for path, item in doc["paths"].items():
        for method, op in item.items():
            for param in op.get("parameters", []):
                schema = param["schema"]
                if "enum" not in schema:
                    continue
                seen += 1
                where = f"{method.upper()} {path} {param['name']}"
                component = schemas.get(schema.get("x-zoom-enum", ""))
                assert component is not None, f"{where}: no x-zoom-enum component"
                assert sorted(map(str, component["enum"])) == sorted(map(str, schema["enum"])), (
                    where
                )
                assert component["type"] == schema["type"], where
    assert seen > 30


def model_key(schema: dict[str, Any]) -> str:
    """A model's structure: everything but examples and prose (a field may be called
    ``description``, so field names are kept)."""

    def strip(node: Any, fields: bool = False) -> Any:
        if isinstance(node, dict):
            return {
                k: strip(v, fields=k == "properties" and not fields)
                for k, v in node.items()
                if fields or k not in ("example", "description", "x-zoom-aliases")
            }
        if isinstance(node, list):
            return [strip(v) for v in node]
        return node

    return repr(strip(schema))


def sent_models(doc: dict[str, Any]) -> set[str]:
    """Models a request body reaches (their list fields default differently)."""
    schemas = doc["components"]["schemas"]
    found: set[str] = set()
    todo = [op.get("requestBody") for item in doc["paths"].values() for op in item.values()]
    while todo:
        node = todo.pop()
        if isinstance(node, dict):
            ref = node.get("$ref", "")
            name = ref.rsplit("/", 1)[-1]
            if ref.startswith("#/components/schemas/") and name not in found:
                found.add(name)
                todo.append(schemas[name])
            todo.extend(node.values())
        elif isinstance(node, list):
            todo.extend(node)
    return found


def test_one_model_class_per_structure() -> None:
    doc = spec()
    sent = sent_models(doc)
    shapes: dict[tuple[str, bool], list[str]] = {}
    for name, schema in doc["components"]["schemas"].items():
        if "properties" in schema:
            shapes.setdefault((model_key(schema), name in sent), []).append(name)
    assert len(shapes) > 300
    assert [sorted(v) for v in shapes.values() if len(v) > 1] == []


def test_aliases_name_the_shared_class() -> None:
    from zoom_async import models

    aliased = {
        alias: name
        for name, schema in spec()["components"]["schemas"].items()
        for alias in schema.get("x-zoom-aliases", [])
    }
    assert aliased  # e.g. UpdateMeetingPollRequest, the first 32's name for a shared shape
    for alias, name in aliased.items():
        assert getattr(models, alias) is getattr(models, name), alias
        assert alias in models.__all__
