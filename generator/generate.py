"""Generate ``zoom_async/_generated`` from ``openapi/zoom-v2.yaml``.

openapi-python-client (pinned 0.29.1) parses the spec and renders our templates in
``generator/templates``; this script adds the facts the templates need (rate-limit labels,
pagination item fields, Python types), formats the output with ruff and writes it — or, with
``--check``, compares it byte for byte with what is checked in.

    python generator/generate.py --spec openapi/zoom-v2.yaml --out zoom_async/_generated [--check]
"""

from __future__ import annotations

import argparse
import filecmp
import json
import re
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path
from typing import Any

from openapi_python_client import Project, _get_document
from openapi_python_client.config import Config, ConfigFile, MetaType
from openapi_python_client.parser import GeneratorData
from openapi_python_client.parser.properties import (
    AnyProperty,
    BooleanProperty,
    DateProperty,
    DateTimeProperty,
    EnumProperty,
    FloatProperty,
    IntProperty,
    ListProperty,
    ModelProperty,
    StringProperty,
    UnionProperty,
)

ROOT = Path(__file__).resolve().parent.parent
TEMPLATES = ROOT / "generator" / "templates"
CONFIG = ROOT / "generator" / "config.yaml"
RATE_LIMITS = ("light", "medium", "heavy", "resource-intensive")
# Files openapi-python-client always writes, renamed to say what our templates put in them.
RENAMES = {"client.py": "methods.py", "types.py": "spec_data.py"}
DROP = {"errors.py"}


class SpecError(Exception):
    """The spec lacks something the client depends on."""


def py_type(prop: Any) -> str:
    """The annotation for a property, without ``| None``.

    Enum fields also accept the plain value (``action="end"``); decoding yields the member.
    """
    if isinstance(prop, EnumProperty):
        plain = "int" if prop.value_type is int else "str"
        return f"{text(prop.class_info.name)} | {plain}"
    if isinstance(prop, ModelProperty):
        return text(prop.class_info.name)
    if isinstance(prop, ListProperty):
        return f"list[{py_type(prop.inner_property)}]"
    if isinstance(prop, UnionProperty):
        return " | ".join(py_type(p) for p in prop.inner_properties)
    simple = {
        DateTimeProperty: "datetime.datetime",
        DateProperty: "datetime.date",
        StringProperty: "str",
        IntProperty: "int",
        FloatProperty: "float",
        BooleanProperty: "bool",
        AnyProperty: "Any",
    }
    for cls, name in simple.items():
        if isinstance(prop, cls):
            return name
    raise SpecError(f"unsupported property type {type(prop).__name__} for {prop.name}")


def model_refs(prop: Any) -> set[str]:
    """Model and enum classes a property refers to."""
    if isinstance(prop, ModelProperty | EnumProperty):
        return {text(prop.class_info.name)}
    if isinstance(prop, ListProperty):
        return model_refs(prop.inner_property)
    if isinstance(prop, UnionProperty):
        return set().union(*(model_refs(p) for p in prop.inner_properties))
    return set()


def text(value: Any) -> str:
    """Plain text of a parser value (openapi-python-client wraps spec strings)."""
    getter = getattr(value, "get_untrusted_value", None)
    return str(getter()) if getter else str(value)


def one_line(value: Any) -> str:
    value = text(value or "").strip().splitlines()
    return value[0].strip().replace('"""', "'''") if value else ""


class Facts:
    """What the templates need beyond openapi-python-client's parse: read from the raw spec."""

    def __init__(self, spec: dict[str, Any], openapi: GeneratorData) -> None:
        self.spec = spec
        self.schemas: dict[str, Any] = spec.get("components", {}).get("schemas", {})
        self.modules = {
            text(m.class_info.name): text(m.class_info.module_name) for m in openapi.models
        }
        self.modules.update(
            {text(e.class_info.name): text(e.class_info.module_name) for e in openapi.enums}
        )

        # The parser renames path parameters, so match paths with their parameters blanked.
        self.by_route = {
            (method.upper(), re.sub(r"{[^}]+}", "{}", path)): (path, raw)
            for path, item in spec["paths"].items()
            for method, raw in item.items()
            if isinstance(raw, dict) and "responses" in raw
        }

    def route(self, endpoint: Any) -> tuple[str, dict[str, Any]]:
        """The spec's own path template and operation for a parsed endpoint."""
        return self.by_route[
            (text(endpoint.method).upper(), re.sub(r"{[^}]+}", "{}", text(endpoint.path)))
        ]

    def import_line(self, class_name: str) -> str:
        return f"from zoom_async._generated.models.{self.modules[class_name]} import {class_name}"

    def model(self, model: Any) -> dict[str, Any]:
        fields = []
        refs: set[str] = set()
        for prop in list(model.required_properties) + list(model.optional_properties):
            annotation = py_type(prop)
            refs |= model_refs(prop)
            wire = text(prop.name)
            metadata: dict[str, Any] = {}
            if wire != text(prop.python_name):
                metadata["wire"] = wire
            metadata.update(self._constraints(model, wire))
            fields.append(
                {
                    "name": text(prop.python_name),
                    "type": annotation if prop.required else f"{annotation} | None",
                    "metadata": repr(metadata) if metadata else None,
                    "required": prop.required,
                    "doc": one_line(prop.description),
                }
            )
        fields.sort(key=lambda f: not f["required"])  # keeps spec order within each group
        refs.discard(text(model.class_info.name))
        joined = " ".join(f["type"] for f in fields)
        return {
            "name": text(model.class_info.name),
            "doc": one_line(model.description) or f"The {model.class_info.name} object.",
            "fields": fields,
            "imports": sorted(self.import_line(r) for r in refs),
            "needs_datetime": "datetime." in joined,
            "needs_any": "Any" in joined,
        }

    def _constraints(self, model: Any, wire: str) -> dict[str, Any]:
        """The spec's limits on a field, checked on request bodies before they are sent."""
        schema = (model.data.properties or {}).get(wire)
        limits = {
            "max_length": getattr(schema, "maxLength", None),
            "minimum": getattr(schema, "minimum", None),
            "maximum": getattr(schema, "maximum", None),
            "max_items": getattr(schema, "maxItems", None),
        }
        return {key: value for key, value in limits.items() if value is not None}

    def enum(self, enum: Any) -> dict[str, Any]:
        members = []
        for name, value in enum.values.items():
            members.append({"name": str(name), "value": json.dumps(value)})
        return {
            "name": text(enum.class_info.name),
            "base": "OpenIntEnum" if enum.value_type is int else "OpenStrEnum",
            "doc": one_line(enum.description)
            or f"Values of {enum.class_info.name} (open: new values pass through).",
            "members": members,
        }

    def _response_class(self, endpoint: Any) -> tuple[str | None, int]:
        for response in endpoint.responses.patterns:
            status = text(response.status_code.pattern)
            if status.isdigit() and 200 <= int(status) < 300:
                prop = response.prop
                if isinstance(prop, ModelProperty):
                    return text(prop.class_info.name), int(status)
                return None, int(status)
        raise SpecError(f"{endpoint.name}: no success response")

    def _items_field(self, raw: dict[str, Any], response_class: str | None) -> str | None:
        params = [p["name"] for p in raw.get("parameters", [])]
        if "next_page_token" not in params:
            return None
        ok = next(v for k, v in raw["responses"].items() if k.startswith("2"))
        ref = ok["content"]["application/json"]["schema"]["$ref"].rsplit("/", 1)[-1]
        arrays = [
            name
            for name, schema in self.schemas[ref].get("properties", {}).items()
            if schema.get("type") == "array"
        ]
        if len(arrays) != 1:
            raise SpecError(
                f"{raw['operationId']}: paginated {ref} needs exactly one array field: {arrays}"
            )
        return arrays[0]

    def operation(self, endpoint: Any) -> dict[str, Any]:
        spec_path, raw = self.route(endpoint)
        rate = raw.get("x-zoom-rate-limit")
        if rate not in RATE_LIMITS:
            raise SpecError(
                f"{raw.get('operationId')}: x-zoom-rate-limit must be one of {RATE_LIMITS}"
            )
        response_class, status = self._response_class(endpoint)
        refs: set[str] = {response_class} if response_class else set()
        raw_params = {p["name"]: p for p in raw.get("parameters", [])}

        path_params = []
        for prop in endpoint.path_parameters:
            is_int = isinstance(prop, IntProperty)
            path_params.append(
                {
                    "name": text(prop.python_name),
                    "wire": text(prop.name),
                    "type": "int | str",
                    "check": "check_id" if is_int else "check_path_text",
                }
            )
        query_params = []
        for prop in endpoint.query_parameters:
            schema = raw_params[text(prop.name)].get("schema", {})
            annotation = py_type(prop)
            if isinstance(prop, EnumProperty):
                refs.add(text(prop.class_info.name))
            elif isinstance(prop, DateProperty):
                annotation = "datetime.date | str"
            default = schema.get("default")
            query_params.append(
                {
                    "name": text(prop.python_name),
                    "wire": text(prop.name),
                    "type": annotation
                    if prop.required or default is not None
                    else f"{annotation} | None",
                    "default": None if prop.required else repr(default),
                    "required": prop.required,
                    # Zoom pages start at 1; the spec gives only the upper bound.
                    "minimum": schema.get("minimum", 1 if "maximum" in schema else None),
                    "maximum": schema.get("maximum"),
                    "max_length": schema.get("maxLength"),
                    "kind": "int"
                    if isinstance(prop, IntProperty)
                    else "bool"
                    if isinstance(prop, BooleanProperty)
                    else "text",
                }
            )
        body = None
        if endpoint.bodies:
            prop = endpoint.bodies[0].prop
            body = {"type": py_type(prop)}
            refs |= model_refs(prop)
        items_field = self._items_field(raw, response_class)
        summary = one_line(raw.get("summary") or raw.get("description"))
        joined = " ".join(q["type"] for q in query_params)
        return {
            "module": text(endpoint.name),
            "method_name": text(endpoint.name),
            "operation_id": raw["operationId"],
            "http_method": endpoint.method.upper(),
            "path": spec_path,
            "path_params": path_params,
            "query_params": query_params,
            "body": body,
            "rate_limit": rate,
            "items_field": items_field,
            "response_class": response_class,
            "success_status": status,
            "summary": summary,
            "imports": sorted(self.import_line(r) for r in refs),
            "needs_datetime": "datetime." in joined,
            "tag": text(endpoint.tags[0]),
        }

    def spec_data(self) -> dict[str, Any]:
        """Request/response schemas and parameters, for the sandbox's validation."""

        def strip(node: Any) -> Any:
            if isinstance(node, dict):
                return {
                    k: strip(v)
                    for k, v in node.items()
                    if k not in ("description", "example", "summary")
                }
            if isinstance(node, list):
                return [strip(v) for v in node]
            return node

        operations = {}
        for path, item in self.spec["paths"].items():
            for method, raw in item.items():
                if method not in ("get", "post", "put", "patch", "delete"):
                    continue
                body = raw.get("requestBody", {}).get("content", {}).get("application/json", {})
                ok = next((k for k in raw["responses"] if k.startswith("2")), None)
                operations[raw["operationId"]] = {
                    "method": method.upper(),
                    "path": path,
                    "rate_limit": raw.get("x-zoom-rate-limit"),
                    "parameters": strip(raw.get("parameters", [])),
                    "request_schema": strip(body.get("schema")),
                    "success_status": int(ok) if ok else None,
                }
        return {"schemas": strip(self.schemas), "operations": operations}


def render(spec_path: Path, out_dir: Path) -> None:
    config = Config.from_sources(
        ConfigFile.load_from_path(CONFIG),
        MetaType.NONE,
        spec_path,
        "utf-8",
        overwrite=True,
        output_path=out_dir,
    )
    document = _get_document(source=spec_path, timeout=5)
    if not isinstance(document, dict):
        raise SpecError(f"cannot read {spec_path}: {document}")
    openapi = GeneratorData.from_dict(document, config=config)
    if not isinstance(openapi, GeneratorData):
        raise SpecError(f"cannot parse {spec_path}: {openapi}")
    project = Project(openapi=openapi, config=config, custom_template_path=TEMPLATES)
    facts = Facts(document, openapi)
    project.env.globals.update(
        facts=facts,
        source=spec_path.relative_to(ROOT).as_posix()
        if spec_path.is_relative_to(ROOT)
        else spec_path.name,
        pyrepr=repr,
    )
    errors = project.build()
    if errors:
        raise SpecError("\n".join(f"{e.header}: {e.detail}" for e in errors))
    for old, new in RENAMES.items():
        (out_dir / old).rename(out_dir / new)
    for name in DROP:
        (out_dir / name).unlink()
    beside = Path(sys.executable).parent / "ruff"
    ruff = str(beside) if beside.exists() else shutil.which("ruff") or "ruff"
    pyproject = str(ROOT / "pyproject.toml")
    subprocess.run(
        [
            ruff,
            "check",
            "--quiet",
            "--fix-only",
            "--select",
            "I,F401",
            "--config",
            pyproject,
            str(out_dir),
        ],
        check=True,
    )
    subprocess.run([ruff, "format", "--quiet", "--config", pyproject, str(out_dir)], check=True)
    shutil.rmtree(out_dir / ".ruff_cache", ignore_errors=True)


def tree(root: Path) -> set[Path]:
    return {
        p.relative_to(root)
        for p in root.rglob("*")
        if p.is_file() and "__pycache__" not in p.parts and ".ruff_cache" not in p.parts
    }


def compare(fresh: Path, current: Path) -> list[str]:
    problems = []
    new, old = tree(fresh), tree(current) if current.exists() else set()
    problems += [f"missing: {p}" for p in sorted(new - old)]
    problems += [f"not generated (remove it): {p}" for p in sorted(old - new)]
    for p in sorted(new & old):
        if not filecmp.cmp(fresh / p, current / p, shallow=False):
            problems.append(f"differs: {p}")
    return problems


def main() -> int:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--spec", type=Path, default=ROOT / "openapi" / "zoom-v2.yaml")
    parser.add_argument("--out", type=Path, default=ROOT / "zoom_async" / "_generated")
    parser.add_argument(
        "--check", action="store_true", help="fail if the checked-in output differs"
    )
    args = parser.parse_args()
    spec = args.spec.resolve()
    out = args.out.resolve()
    with tempfile.TemporaryDirectory() as tmp:
        fresh = Path(tmp) / "_generated"
        try:
            render(spec, fresh)
        except SpecError as exc:
            print(f"generate: {exc}", file=sys.stderr)
            return 2
        if args.check:
            problems = compare(fresh, out)
            if problems:
                print(f"{out} is not what {spec.name} generates:", file=sys.stderr)
                print("\n".join(f"  {p}" for p in problems), file=sys.stderr)
                print(
                    "Run `make generate` (and never edit generated files by hand).", file=sys.stderr
                )
                return 1
            print(f"{out} is up to date ({len(tree(fresh))} files)")
            return 0
        shutil.rmtree(out, ignore_errors=True)
        shutil.copytree(fresh, out, ignore=shutil.ignore_patterns("__pycache__", ".ruff_cache"))
        print(f"wrote {len(tree(out))} files to {out}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
