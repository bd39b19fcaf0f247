"""Generate ``zoom_async/_generated`` from ``openapi/zoom-v2.yaml``.

openapi-python-client (pinned 0.29.1) parses the spec and renders our templates in
``generator/templates``; this script adds the facts the templates need (rate-limit labels,
pagination item fields, Python types), formats the output with ruff and writes it — or, with
``--check``, compares it byte for byte with what is checked in.

    python generator/generate.py --spec openapi/zoom-v2.yaml --out zoom_async/_generated [--check]
"""

from __future__ import annotations

import argparse
import copy
import filecmp
import json
import re
import shutil
import string
import subprocess
import sys
import tempfile
from collections.abc import Mapping
from pathlib import Path
from typing import Any

from openapi_python_client import Project, _get_document
from openapi_python_client.config import Config, ConfigFile, MetaType
from openapi_python_client.parser import GeneratorData
from openapi_python_client.parser.properties import (
    AnyProperty,
    BooleanProperty,
    ConstProperty,
    DateProperty,
    DateTimeProperty,
    EnumProperty,
    FileProperty,
    FloatProperty,
    IntProperty,
    ListProperty,
    ModelProperty,
    NoneProperty,
    StringProperty,
    UnionProperty,
    UuidProperty,
)
from openapi_python_client.strings import PythonIdentifier

ROOT = Path(__file__).resolve().parent.parent
TEMPLATES = ROOT / "generator" / "templates"
CONFIG = ROOT / "generator" / "config.yaml"
RATE_LIMITS = ("light", "medium", "heavy", "resource-intensive")
# Files openapi-python-client always writes, renamed to say what our templates put in them.
RENAMES = {"client.py": "methods.py", "types.py": "spec_data.py", "errors.py": "raw_methods.py"}
SPEC_DATA = "spec_data.json"
# The attribute that keeps keys a model does not declare (zoom_async.serde.EXTRA_FIELD).
EXTRA = "extra"
# The method paginated page models get, so Paginator can type their items (pagination.Page).
PAGE_ITEMS = "page_items"
SUCCESS_WITHOUT_BODY = (204,)


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
        names: list[str] = []
        for inner in prop.inner_properties:
            for name in py_type(inner).split(" | "):
                if name not in names:
                    names.append(name)
        return " | ".join(names)
    if isinstance(prop, ConstProperty):
        return f"Literal[{text(prop.value)}]"
    simple = {
        DateTimeProperty: "datetime.datetime",
        DateProperty: "datetime.date",
        FileProperty: "Upload",
        NoneProperty: "None",
        UuidProperty: "str",
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


def extension(schema: Any, key: str) -> Any:
    """An ``x-`` extension of a parsed schema (the parser keeps unknown keys as extras)."""
    return (getattr(schema, "model_extra", None) or {}).get(key)


def fields_of(model: Any) -> list[Any]:
    """A parsed model's properties, required first."""
    return list(model.required_properties or []) + list(model.optional_properties or [])


def walk_models(prop: Any, seen: set[str], models: Mapping[str, Any]) -> None:
    """Collect the class names of every model reachable from ``prop``.

    Fields are read from ``models`` (class name -> the parser's finished model): a reference
    the parser resolved before its target was complete is a copy without fields.
    """
    if isinstance(prop, ModelProperty):
        name = text(prop.class_info.name)
        if name in seen:
            return
        seen.add(name)
        for inner in fields_of(models.get(name, prop)):
            walk_models(inner, seen, models)
    elif isinstance(prop, ListProperty):
        walk_models(prop.inner_property, seen, models)
    elif isinstance(prop, UnionProperty):
        for inner in prop.inner_properties:
            walk_models(inner, seen, models)


def limits_text(schema: Any) -> list[str]:
    """The spec's constraints on a value, in short words for docstrings."""
    if schema is None:
        return []
    words = []
    if getattr(schema, "maxLength", None) is not None:
        words.append(f"at most {schema.maxLength} characters")
    if getattr(schema, "minLength", None):
        words.append(f"at least {schema.minLength} characters")
    low, high = getattr(schema, "minimum", None), getattr(schema, "maximum", None)
    if low is not None and high is not None:
        words.append(f"{low:g} to {high:g}")
    elif high is not None:
        words.append(f"at most {high:g}")
    elif low is not None:
        words.append(f"at least {low:g}")
    if getattr(schema, "maxItems", None) is not None:
        words.append(f"at most {schema.maxItems} items")
    if getattr(schema, "pattern", None):
        words.append(f"matches ``{schema.pattern}``")
    return words


def describe(
    prop: Any, schema: Any, annotation: str, *, default: Any = None, doc: Any = None
) -> str:
    """One docstring line for a field or parameter: type, limits, members, default, notes."""
    parts = [f"``{annotation}``"]
    parts += limits_text(schema)
    if isinstance(prop, EnumProperty):
        values = ", ".join(json.dumps(v) for v in prop.values.values())
        parts.append(f"one of {values}")
    if default is not None:
        parts.append(f"default {json.dumps(default)}")
    if getattr(schema, "deprecated", None):
        parts.append("deprecated")
    if extension(schema, "x-zoom-secret"):
        parts.append("secret: hidden in repr")
    head = "; ".join(parts)
    doc = one_line(prop.description or doc)
    return f"{head}. {doc}" if doc else f"{head}."


class Codec:
    """Straight-line decode/encode source for one model's fields (see zoom_async.serde).

    Each field becomes one expression reading the wire dict ``o`` with ``g = o.get`` and
    converting inline: the common case (orjson produced the right type) is one class check,
    and only a mismatch calls a serde helper that converts (a numeric ID sent as a number) or
    raises TypeError. This mirrors serde's runtime decoders for hand-written classes.
    """

    # Scalar properties whose wire value is usable as is when it has this class.
    CHECKS: dict[type, str] = {
        StringProperty: "str",
        UuidProperty: "str",
        FloatProperty: "float",
        BooleanProperty: "bool",
        IntProperty: "int",
    }

    def __init__(self, facts: Facts, model: str) -> None:
        self.facts = facts
        self.model = model
        self.refs: set[str] = set()  # hook functions of other model modules to import
        self.constants: dict[str, str] = {}  # module-level name -> expression

    def hook(self, kind: str, prop: Any) -> str:
        name = text(prop.class_info.name)
        function = f"{kind}_{self.facts.modules[name]}"
        if name != self.model:
            module = self.facts.modules[name]
            self.refs.add(f"from zoom_async._generated.models.{module} import {function}")
        return function

    def constant(self, stem: str, expression: str) -> str:
        name = f"_{stem}"
        self.constants[name] = expression
        return name

    @staticmethod
    def non_null(prop: Any) -> tuple[Any, bool]:
        """``(inner, True)`` for a union of one type with null, else ``(prop, False)``."""
        if isinstance(prop, UnionProperty):
            rest = [p for p in prop.inner_properties if not isinstance(p, NoneProperty)]
            if len(rest) < len(prop.inner_properties):
                names = {py_type(p) for p in rest}
                if len(rest) == 1 or len(names) == 1:
                    return rest[0], True
                return prop, True
        return prop, False

    def structure(self, prop: Any, v: str) -> str:
        """An expression converting the non-None wire value ``v``."""
        prop, _ = self.non_null(prop)
        if isinstance(prop, AnyProperty):
            return v
        for cls, name in self.CHECKS.items():
            if isinstance(prop, cls):
                return f"({v} if {v}.__class__ is {name} else to_{name}({v}))"
        if isinstance(prop, DateTimeProperty):
            return f"(fromisoformat({v}) if {v}.__class__ is str and {v} else to_datetime({v}))"
        if isinstance(prop, DateProperty):
            return f"to_date({v})"
        if isinstance(prop, EnumProperty):
            # The lookup Enum.__call__ starts with, without its call overhead; anything it
            # misses (open-enum values, "1" for 1) goes through the class itself.
            enum = text(prop.class_info.name)
            table = self.constant(f"{enum}_members", f"{enum}._value2member_map_")
            return f"(_m if (_m := {table}.get({v}, MISSING)) is not MISSING else {enum}({v}))"
        if isinstance(prop, ModelProperty):
            return f"{self.hook('structure', prop)}({v})"
        if isinstance(prop, ListProperty):
            items = f"({v} if {v}.__class__ is list else to_list({v}))"
            inner, nullable = self.non_null(prop.inner_property)
            if isinstance(inner, ModelProperty) and not nullable:
                return f"list(map({self.hook('structure', inner)}, {items}))"
            if isinstance(inner, StringProperty | UuidProperty) and inner is prop.inner_property:
                return f"to_strs({v})"
            element = self.structure(prop.inner_property, "_x")
            if nullable and element != "_x":
                element = f"(None if _x is None else {element})"
            return items if element == "_x" else f"[{element} for _x in {items}]"
        # Unions (anyOf/oneOf), constants, files: the converter's own hooks.
        annotation = py_type(prop)
        key = re.sub(r"\W+", "_", annotation).strip("_")
        return f"structure_as({v}, {self.constant(f'type_{key}', annotation)})"

    def unstructure(self, prop: Any, v: str) -> str:
        """An expression writing the model value ``v`` (not None) as JSON-ready data."""
        prop, _ = self.non_null(prop)
        for cls, name in self.CHECKS.items():
            if isinstance(prop, cls):
                return f"({v} if {v}.__class__ is {name} else unstructure({v}))"
        if isinstance(prop, EnumProperty):
            enum = text(prop.class_info.name)
            return f"({v}._value_ if {v}.__class__ is {enum} else unstructure({v}))"
        if isinstance(prop, ModelProperty):
            model = text(prop.class_info.name)
            hook = self.hook("unstructure", prop)
            return f"({hook}({v}) if {v}.__class__ is {model} else unstructure({v}))"
        if isinstance(prop, ListProperty):
            inner, nullable = self.non_null(prop.inner_property)
            element = self.unstructure(inner, "_x")
            if nullable:
                element = f"(None if _x is None else {element})"
            return f"[{element} for _x in {v}]"
        # Date-times (or the ISO strings users may give), unions, Any: by the value's class.
        return f"unstructure({v})"


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
        # A shared model's other public names (x-zoom-aliases): a module that re-exports it.
        self.aliases: dict[str, str] = {}
        for name, schema in sorted(self.schemas.items()):
            for alias in schema.get("x-zoom-aliases", []):
                module = str(PythonIdentifier(alias, "field_"))
                if alias in self.modules or module in self.modules.values():
                    raise SpecError(f"alias {alias} of {name} clashes with a generated class")
                self.aliases[alias] = name
                self.modules[alias] = module

        # The parser renames path parameters, so match paths with their parameters blanked.
        self.by_route = {
            (method.upper(), re.sub(r"{[^}]+}", "{}", path)): (path, raw)
            for path, item in spec["paths"].items()
            for method, raw in item.items()
            if isinstance(raw, dict) and "responses" in raw
        }
        self.endpoints = [
            endpoint
            for collection in openapi.endpoint_collections_by_tag.values()
            for endpoint in collection.endpoints
        ]
        self._check_every_operation_generated()

        # Models only ever decoded from responses get list fields that default to [];
        # a model also sent as a body keeps None (leave the field out) as the default.
        sent: set[str] = set()
        received: set[str] = set()
        models = {text(model.class_info.name): model for model in openapi.models}
        for endpoint in self.endpoints:
            for body in endpoint.bodies:
                walk_models(body.prop, sent, models)
            for response in endpoint.responses.patterns:
                walk_models(response.prop, received, models)
        self.response_only = received - sent
        problems = self._collect(self._success, self.endpoints)
        if problems:
            raise SpecError("\n".join(problems))
        self.pages = self._page_models()
        # Check everything before rendering, to report every problem in one run.
        problems = self._collect(self.operation, self.endpoints)
        problems += self._collect(self.model, openapi.models)
        if problems:
            raise SpecError("\n".join(problems))

    @staticmethod
    def _collect(check: Any, items: list[Any]) -> list[str]:
        problems = []
        for item in items:
            try:
                check(item)
            except SpecError as exc:
                problems.append(str(exc))
        return problems

    def _check_every_operation_generated(self) -> None:
        seen: dict[str, int] = {}
        for endpoint in self.endpoints:
            key = (text(endpoint.method).upper(), re.sub(r"{[^}]+}", "{}", text(endpoint.path)))
            seen[key] = seen.get(key, 0) + 1
        missing = [
            f"{method} {path} ({raw.get('operationId')})"
            for (method, _), (path, raw) in self.by_route.items()
            if (method, re.sub(r"{[^}]+}", "{}", path)) not in seen
        ]
        if missing:
            raise SpecError("operations not generated:\n  " + "\n  ".join(missing))
        twice = [f"{m} {p}" for (m, p), n in seen.items() if n > 1]
        if twice:
            raise SpecError(f"operations generated more than once (several tags?): {twice}")

    def route(self, endpoint: Any) -> tuple[str, dict[str, Any]]:
        """The spec's own path template and operation for a parsed endpoint."""
        return self.by_route[
            (text(endpoint.method).upper(), re.sub(r"{[^}]+}", "{}", text(endpoint.path)))
        ]

    def import_line(self, class_name: str) -> str:
        return f"from zoom_async._generated.models.{self.modules[class_name]} import {class_name}"

    def _page_models(self) -> dict[str, dict[str, str]]:
        """Response models of paginated operations: their items field and item type."""
        pages: dict[str, dict[str, str]] = {}
        for endpoint in self.endpoints:
            _, raw = self.route(endpoint)
            prop = self._success(endpoint)[0]
            items = self._items_field(raw, prop)
            if items is None:
                continue
            fields = {text(p.name): p for p in fields_of(prop)}
            item = fields[items]
            assert isinstance(item, ListProperty)
            pages[text(prop.class_info.name)] = {
                "field": text(item.python_name),
                "item_type": py_type(item.inner_property),
            }
        return pages

    def model(self, model: Any) -> dict[str, Any]:
        name = text(model.class_info.name)
        try:
            return self._model(model, name)
        except SpecError as exc:
            raise SpecError(f"schema {name}: {exc}") from None

    def _model(self, model: Any, name: str) -> dict[str, Any]:
        fields = []
        refs: set[str] = set()
        codec = Codec(self, name)
        list_defaults = name in self.response_only
        for prop in fields_of(model):
            annotation = py_type(prop)
            refs |= model_refs(prop)
            wire = text(prop.name)
            python_name = text(prop.python_name)
            if python_name in (EXTRA, PAGE_ITEMS):
                raise SpecError(
                    f"field {wire!r} clashes with the generated attribute {python_name!r}"
                )
            schema = (model.data.properties or {}).get(wire)
            metadata: dict[str, Any] = {}
            if wire != python_name:
                metadata["wire"] = wire
            if extension(schema, "x-zoom-secret"):
                metadata["secret"] = True
            list_default = list_defaults and not prop.required and isinstance(prop, ListProperty)
            if prop.required or list_default:
                field_type = annotation
            else:
                field_type = f"{annotation} | None"
            # Annotations are evaluated when the class is defined (no string annotations:
            # resolving those costs a compile each on first use); only a reference to the
            # class itself must stay a string.
            refers_to_self = re.search(rf"\b{name}\b", field_type) is not None
            read, write = self._codec_lines(codec, prop, python_name, wire, list_default)
            fields.append(
                {
                    "read": read,
                    "write": write,
                    "name": python_name,
                    "type": field_type,
                    "annotation": repr(field_type) if refers_to_self else field_type,
                    "metadata": repr(metadata) if metadata else None,
                    "required": prop.required,
                    "list_default": list_default,
                    "doc": describe(prop, schema, field_type),
                }
            )
        fields.sort(key=lambda f: not f["required"])  # keeps spec order within each group
        refs.discard(name)
        joined = " ".join(f["type"] for f in fields)
        page = self.pages.get(name)
        if page:
            joined += " " + page["item_type"]
        return {
            "name": name,
            "doc": one_line(model.description) or f"The {name} object.",
            "deprecated": bool(getattr(model.data, "deprecated", None)),
            "fields": fields,
            "page": page,
            "imports": sorted(self.import_line(r) for r in refs),
            "needs_datetime": "datetime." in joined,
            "needs_upload": "Upload" in joined,
            "needs_literal": "Literal[" in joined,
            "needs_absent": any(f["list_default"] for f in fields),
            "uses_get": any(re.search(r"\bg\(", f["read"]) for f in fields),
            "wire_names": sorted(text(p.name) for p in fields_of(model)),
            "hook_imports": sorted(codec.refs),
            "constants": sorted(codec.constants.items()),
            "module": self.modules[name],
        }

    @staticmethod
    def _codec_lines(
        codec: Codec, prop: Any, name: str, wire: str, list_default: bool
    ) -> tuple[str, list[str]]:
        """The field's decode expression and its encode statements (serde's semantics)."""
        key = repr(wire)
        inner, nullable = codec.non_null(prop)
        conversion = codec.structure(prop, "_v")
        if list_default:
            # An absent (or null) list becomes an empty AbsentList, written back as absent.
            read = f"(AbsentList() if (_v := g({key})) is None else {conversion})"
        else:
            # A missing key is a KeyError for a required field: a bad response.
            get = f"o[{key}]" if prop.required else f"g({key})"
            if conversion == "_v":
                read = get
            elif nullable or not prop.required or isinstance(inner, EnumProperty):
                read = f"(None if (_v := {get}) is None else {conversion})"
            else:
                read = f"((_v := {get}), {conversion})[1]"
        value = codec.unstructure(prop, "v")
        if list_default:
            # An empty list Zoom sent stays; only an AbsentList (never sent) is left out.
            write = [
                f"if (v := obj.{name}).__class__ is not AbsentList or v:",
                f"    d[{key}] = None if v is None else {value}",
            ]
        elif prop.required:
            write = [f"d[{key}] = None if (v := obj.{name}) is None else {value}"]
        else:
            write = [f"if (v := obj.{name}) is not None:", f"    d[{key}] = {value}"]
        return read, write

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

    def _success(self, endpoint: Any) -> tuple[Any, int]:
        """The parsed success response and its status; fails if the parse lost it."""
        _, raw = self.route(endpoint)
        documented = sorted(k for k in raw["responses"] if str(k).isdigit() and 200 <= int(k) < 300)
        if not documented:
            raise SpecError(f"{raw['operationId']}: no 2xx response in the spec")
        bodies = [k for k in documented if (raw["responses"][k].get("content") or {})]
        if len(documented) > 1 and bodies:
            raise SpecError(
                f"{raw['operationId']}: several 2xx responses ({', '.join(map(str, documented))}),"
                f" {', '.join(map(str, bodies))} with a body: keep the one Zoom sends (often the"
                " others are error examples documented as successes)"
            )
        status = int(documented[0])
        for response in endpoint.responses.patterns:
            if text(response.status_code.pattern) == str(documented[0]):
                prop = response.prop
                break
        else:
            raise SpecError(f"{raw['operationId']}: the {status} response was not parsed")
        content = raw["responses"][documented[0]].get("content") or {}
        has_body = any("schema" in media for media in content.values())
        if has_body and isinstance(prop, NoneProperty | AnyProperty):
            raise SpecError(
                f"{raw['operationId']}: the {status} response's schema was lost in parsing"
            )
        if status in SUCCESS_WITHOUT_BODY and has_body:
            raise SpecError(f"{raw['operationId']}: a {status} response cannot have a body")
        return (prop if has_body else None), status

    def _items_field(self, raw: dict[str, Any], prop: Any) -> str | None:
        """The array field holding a paginated operation's items (wire name).

        The response's one array field, or the operation's ``x-zoom-page-items`` where a
        page has several arrays.
        """
        params = [p["name"] for p in raw.get("parameters", [])]
        if "next_page_token" not in params:
            return None
        if not isinstance(prop, ModelProperty):
            raise SpecError(f"{raw['operationId']}: a paginated response must be an object")
        fields = fields_of(prop)
        if "next_page_token" not in {text(p.name) for p in fields}:
            # The token pages a nested list (getDashboardZoomRoom's past_meetings), not the
            # response: the caller passes it, paginate() cannot follow it.
            return None
        arrays = [text(p.name) for p in fields if isinstance(p, ListProperty)]
        chosen = raw.get("x-zoom-page-items")
        if chosen is not None:
            if chosen not in arrays:
                raise SpecError(
                    f"{raw['operationId']}: x-zoom-page-items {chosen!r} is not an array field"
                    f" of {prop.class_info.name}: {arrays}"
                )
            return str(chosen)
        if len(arrays) != 1:
            raise SpecError(
                f"{raw['operationId']}: paginated {prop.class_info.name} needs exactly one array"
                f" field (or x-zoom-page-items): {arrays}"
            )
        return arrays[0]

    def operation(self, endpoint: Any) -> dict[str, Any]:
        try:
            return self._operation(endpoint)
        except SpecError as exc:
            raise SpecError(
                f"operation {text(endpoint.method).upper()} {text(endpoint.path)}: {exc}"
            ) from None

    def _operation(self, endpoint: Any) -> dict[str, Any]:
        spec_path, raw = self.route(endpoint)
        rate = raw.get("x-zoom-rate-limit")
        if rate not in RATE_LIMITS:
            raise SpecError(
                f"{raw.get('operationId')}: x-zoom-rate-limit must be one of {RATE_LIMITS}"
            )
        response_prop, status = self._success(endpoint)
        refs: set[str] = model_refs(response_prop) if response_prop is not None else set()
        response_type = py_type(response_prop) if response_prop is not None else None
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
                    "doc": describe(prop, None, "int | str"),
                }
            )
        query_params = []
        for prop in endpoint.query_parameters:
            param = raw_params[text(prop.name)]
            schema = param.get("schema", {})
            annotation = py_type(prop)
            refs |= model_refs(prop)
            if isinstance(prop, EnumProperty):
                kind = "int" if prop.value_type is int else "text"
            elif isinstance(prop, DateTimeProperty):
                annotation, kind = "datetime.datetime | str", "datetime"
            elif isinstance(prop, DateProperty):
                annotation, kind = "datetime.date | str", "date"
            elif isinstance(prop, IntProperty):
                kind = "int"
            elif isinstance(prop, BooleanProperty):
                kind = "bool"
            elif isinstance(prop, StringProperty):
                kind = "text"
            else:
                raise SpecError(
                    f"query parameter {text(prop.name)}: unsupported type {type(prop).__name__}"
                )
            default = schema.get("default")
            optional = not prop.required and default is None
            param_type = f"{annotation} | None" if optional else annotation
            query_params.append(
                {
                    "name": text(prop.python_name),
                    "wire": text(prop.name),
                    "type": param_type,
                    "default": None if prop.required else repr(default),
                    "required": prop.required,
                    # Zoom pages start at 1; the spec gives only the upper bound.
                    "minimum": schema.get("minimum", 1 if "maximum" in schema else None),
                    "maximum": schema.get("maximum"),
                    "max_length": schema.get("maxLength"),
                    "kind": kind,
                    "doc": describe(
                        prop,
                        _Limits(schema, param),
                        param_type,
                        default=default,
                        doc=param.get("description"),
                    ),
                }
            )
        body = None
        if endpoint.bodies:
            if len(endpoint.bodies) > 1:
                kinds = [text(b.content_type) for b in endpoint.bodies]
                raise SpecError(f"more than one request body content type: {kinds}")
            parsed = endpoint.bodies[0]
            content_type = text(parsed.content_type)
            if content_type not in ("application/json", "multipart/form-data"):
                raise SpecError(f"unsupported request body content type {content_type}")
            if content_type == "multipart/form-data" and not isinstance(parsed.prop, ModelProperty):
                raise SpecError("a multipart/form-data body must be an object schema")
            body = {
                "type": py_type(parsed.prop),
                "union": isinstance(parsed.prop, UnionProperty),
                "multipart": content_type == "multipart/form-data",
                "doc": one_line(raw.get("requestBody", {}).get("description")),
            }
            refs |= model_refs(parsed.prop)
        elif raw.get("requestBody"):
            raise SpecError("the request body was not parsed")
        items_field = self._items_field(raw, response_prop)
        summary = one_line(raw.get("summary") or raw.get("description"))
        joined = " ".join(q["type"] for q in query_params)
        by_wire = {p["wire"]: p for p in path_params}
        # The path as literal text and parameters in path order, for build_request to join.
        path_pieces: list[dict[str, Any]] = []
        for literal, field, _, _ in string.Formatter().parse(spec_path):
            if literal:
                path_pieces.append({"text": literal, "param": None})
            if field is not None:
                path_pieces.append({"text": "", "param": by_wire[field]})
        return {
            "module": text(endpoint.name),
            "method_name": text(endpoint.name),
            "operation_id": raw["operationId"],
            "http_method": endpoint.method.upper(),
            "path": spec_path,
            "path_params": path_params,
            "query_params": query_params,
            # No query parameter is required or has a default: a call may send no query.
            "query_all_optional": all(q["default"] == "None" for q in query_params),
            "path_pieces": path_pieces,
            "body": body,
            "rate_limit": rate,
            "daily_limit": daily_limit(raw, spec_path, text(endpoint.tags[0])),
            "items_field": items_field,
            "response_type": response_type,
            # A top-level oneOf/anyOf: not a class, so decoded (and checked) as a union.
            "response_union": isinstance(response_prop, UnionProperty),
            "success_status": status,
            "deprecated": bool(raw.get("deprecated")),
            "summary": summary,
            "imports": sorted(self.import_line(r) for r in refs),
            "needs_datetime": "datetime." in joined,
            "tag": text(endpoint.tags[0]),
        }

    def spec_data(self) -> dict[str, Any]:
        """Schemas and per-operation facts, for the sandbox (validation and responses)."""

        def strip(node: Any, names: bool = False) -> Any:
            # Prose and examples go; a `properties` mapping keeps every key, since a field may
            # itself be called `description` or `summary` (roles, tracking fields).
            if isinstance(node, dict):
                return {
                    k: strip(v, names=k == "properties" and not names)
                    for k, v in node.items()
                    if names or k not in ("description", "example", "examples", "summary")
                }
            if isinstance(node, list):
                return [strip(v) for v in node]
            return node

        operations = {}
        for path, item in self.spec["paths"].items():
            for method, raw in item.items():
                if method not in ("get", "post", "put", "patch", "delete"):
                    continue
                content = raw.get("requestBody", {}).get("content", {})
                content_type = next(iter(content), None)
                body = content.get(content_type, {}) if content_type else {}
                ok = min((str(k) for k in raw["responses"] if str(k).startswith("2")), default=None)
                response = raw["responses"][ok] if ok else {}
                ref = response.get("$ref", "")
                if ref.startswith("#/components/responses/"):
                    response = self.spec["components"]["responses"][ref.rsplit("/", 1)[1]]
                media = (response.get("content") or {}).get("application/json", {})
                examples = [media["example"]] if "example" in media else []
                examples += [
                    e["value"] for e in (media.get("examples") or {}).values() if "value" in e
                ]
                operations[raw["operationId"]] = {
                    "method": method.upper(),
                    "path": path,
                    "rate_limit": raw.get("x-zoom-rate-limit"),
                    "daily_limit": raw.get("x-zoom-daily-limit"),
                    "deprecated": bool(raw.get("deprecated")),
                    "parameters": strip([*item.get("parameters", []), *raw.get("parameters", [])]),
                    "request_content_type": content_type,
                    "request_schema": strip(body.get("schema")),
                    "success_status": int(ok) if ok else None,
                    "response_schema": strip(media.get("schema")),
                    "response_examples": examples,
                }
        return {"schemas": strip(self.schemas), "operations": operations}


def daily_limit(raw: dict[str, Any], path: str, tag: str) -> tuple[int, str, str] | None:
    """``x-zoom-daily-limit`` for the client: (requests, the path parameter it is counted
    per, a counter per tag). Zoom states it per host; the host is the path's one parameter
    for a create, while an update names only its meeting (or webinar), counted per that."""
    limit = raw.get("x-zoom-daily-limit")
    if limit is None:
        return None
    names = re.findall(r"{(\w+)}", path)
    if len(names) != 1:
        raise SpecError(f"{raw.get('operationId')}: a daily limit needs one path parameter")
    return (int(limit), names[0], tag.lower())


class _Limits:
    """A raw parameter schema (a dict) read like a parsed one, for :func:`limits_text`."""

    def __init__(self, schema: dict[str, Any], param: dict[str, Any]) -> None:
        self._schema = schema
        self.deprecated = param.get("deprecated") or schema.get("deprecated")

    def __getattr__(self, name: str) -> Any:
        return self._schema.get(name)


def for_parser(document: dict[str, Any]) -> dict[str, Any]:
    """The spec as openapi-python-client reads it: a parameter whose enum is a shared component
    (``x-zoom-enum``) refers to it, so one class serves every parameter and field of that shape.
    The templates read the inline schema (values, default, limits) from ``document``."""
    parsed = copy.deepcopy(document)
    for item in parsed.get("paths", {}).values():
        for raw in item.values():
            for param in raw.get("parameters", []) if isinstance(raw, dict) else []:
                name = param.get("schema", {}).get("x-zoom-enum")
                if name:
                    param["schema"] = {"$ref": f"#/components/schemas/{name}"}
    return parsed


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
    openapi = GeneratorData.from_dict(for_parser(document), config=config)
    if not isinstance(openapi, GeneratorData):
        raise SpecError(f"cannot parse {spec_path}: {openapi}")
    # Every parser message is fatal: a "warning" means a schema or endpoint silently missing.
    problems = [
        *openapi.errors,
        *(e for c in openapi.endpoint_collections_by_tag.values() for e in c.parse_errors),
    ]
    if problems:
        # The parser prints some spec strings as object reprs; the header names the route.
        unreadable = re.compile(r" <openapi_python_client[^>]*>")
        raise SpecError(
            f"openapi-python-client reported {len(problems)} problem(s):\n"
            + "\n".join(unreadable.sub("", f"  {e.header}: {e.detail}") for e in problems)
        )
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
    alias_template = project.env.get_template("alias.py.jinja")
    for alias, name in facts.aliases.items():
        code = alias_template.render(alias=alias, name=name, module=facts.modules[name])
        (out_dir / "models" / f"{facts.modules[alias]}.py").write_text(code, encoding="utf-8")
    # Spec facts are data, read by request-body checks and the sandbox: JSON loads in a
    # fraction of the time (and memory) of importing the same structure as a Python literal.
    data = json.dumps(facts.spec_data(), sort_keys=True, indent=1, ensure_ascii=False)
    (out_dir / SPEC_DATA).write_text(data + "\n", encoding="utf-8")
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
