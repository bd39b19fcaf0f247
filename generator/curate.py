"""Build ``openapi/zoom-v2.yaml`` from Zoom's published specs and ``openapi/operations.yaml``.

Zoom's specs (in ``../shared/reference``) give the facts: routes, parameters, types, enums,
limits, examples, rate-limit labels. ``openapi/operations.yaml`` chooses which operations we
cover and how they are named, and carries our overrides of Zoom's mistakes;
``openapi/descriptions.yaml`` holds the project's own words for summaries and fields. The
output is deterministic: the same inputs give the same bytes.

    python generator/curate.py [--reference DIR] [--out FILE] [--check]

What it does to Zoom's schemas, so the generator sees one clean shape per thing:

- resolves ``$ref``, flattens ``allOf``, merges ``oneOf``/``anyOf`` of objects into one object
  (an ``anyOf`` of an object and a scalar stays a union);
- takes the union of every field any of the four specs documents for the same response;
- fixes string-typed integer enums, upper-case parameter styles, optional path parameters;
- drops ``title`` (the cause of duplicate class names) and Zoom's prose;
- drops 2xx "responses" that are really error notes (e.g. groupCreate's 200); a 200 without a
  body, or with ``{}``, becomes the 204 (or 201 with its body) another spec documents; a ``{}``
  success stays JSON without a schema (``example: {}``), so its method returns None;
- keeps the source spec's shape where another spec disagrees on list vs object, and moves an
  enum Zoom writes on a list onto its items;
- repairs Zoom's examples that break their own schema (type, enum, email format), and makes an
  upload's file field (``file_parts``) a required binary part, each recorded in
  ``x-zoom-spec-repairs``;
- moves every object and enum (parameters' enums too) into a named, shared component
  (structurally identical shapes share one class, named order-independently; no name ends in
  a digit), and names enum members from Zoom's value lists or the values' own words;
- records the rate-limit label (``x-zoom-rate-limit``) and credential fields (``x-zoom-secret``).
"""

from __future__ import annotations

import argparse
import copy
import html
import json
import re
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

import yaml

ROOT = Path(__file__).resolve().parent.parent
REFERENCE = ROOT.parent / "shared" / "reference"
OPERATIONS = ROOT / "openapi" / "operations.yaml"
DESCRIPTIONS = ROOT / "openapi" / "descriptions.yaml"
OUT = ROOT / "openapi" / "zoom-v2.yaml"
METHODS = ("get", "post", "put", "patch", "delete")
RATE_LIMITS = {
    "light": "light",
    "medium": "medium",
    "heavy": "heavy",
    "resource-intensive": "resource-intensive",
    "resource intensive": "resource-intensive",
}
# Schema keys that carry facts we keep; everything else (title, description, x-*) is dropped.
FACTS = (
    "type",
    "format",
    "enum",
    "default",
    "minimum",
    "maximum",
    "maxLength",
    "minLength",
    "maxItems",
    "minItems",
    "deprecated",
    "example",
)
ERRORS = {
    "300": "LegacyError",
    "400": "BadRequest",
    "401": "Unauthorized",
    "403": "Forbidden",
    "404": "NotFound",
    "429": "TooManyRequests",
}
# Documented only where one of Zoom's specs lists it for the route (a name or email in use).
CONFLICT = ("409", "Conflict")
# Property names too generic to be a class name on their own: prefixed with the owner's name.
GENERIC = {
    "settings",
    "type",
    "status",
    "items",
    "data",
    "detail",
    "details",
    "info",
    "option",
    "options",
    "result",
    "results",
    "value",
    "values",
    "method",
    "role",
    "action",
    "mode",
    "level",
    "source",
    "category",
    "format",
    "language",
    "answer",
    "answers",
    "question",
    "questions",
    "field",
    "fields",
    "record",
    "records",
    "file",
    "files",
    "config",
    "setting",
    "list",
    "policy",
    "user",
    "member",
    "device",
    "devices",
}


# Member names from Zoom's text keep its first 5 words, more where that leaves two alike.
SHORT_LABEL, LABEL_WORDS = 5, 12


class CurationError(Exception):
    """Zoom's specs and our overrides do not give a usable answer."""


def pascal(name: str) -> str:
    words = re.split(r"[^0-9A-Za-z]+|(?<=[a-z0-9])(?=[A-Z])", name)
    return "".join(w[:1].upper() + w[1:] for w in words if w)


def camel(snake: str) -> str:
    head, *rest = snake.split("_")
    return head + "".join(w[:1].upper() + w[1:] for w in rest)


def singular(word: str) -> str:
    if word.endswith("ies") and len(word) > 4:
        return word[:-3] + "y"
    if word.endswith(("sses", "shes", "ches", "xes")):
        return word[:-2]
    if word.endswith("s") and not word.endswith(("ss", "us", "is")):
        return word[:-1]
    return word


def route_key(method: str, path: str) -> tuple[str, str]:
    """A route with its parameter names blanked: specs disagree on them."""
    return method.lower(), re.sub(r"{[^}]+}", "{}", path)


def rate_label(text: str) -> str | None:
    match = re.search(r"Rate Limit Label[^`]*`([^`]+)`", text or "")
    return RATE_LIMITS.get(match.group(1).strip().lower()) if match else None


def daily_limit(text: str) -> int | None:
    """Zoom's per-host daily cap where its text states one ("**100 requests per day**")."""
    match = re.search(r"\*\*(?:up to )?(\d[\d,]*) requests per day\*\*", text or "", re.I)
    return int(match.group(1).replace(",", "")) if match else None


# --- reading Zoom's specs ------------------------------------------------------------------


class Spec:
    """One of Zoom's specs, with ``$ref`` resolution."""

    def __init__(self, alias: str, path: Path) -> None:
        self.alias = alias
        self.doc = json.loads(path.read_text(encoding="utf-8"))
        self.routes = {
            route_key(method, path): (path, op)
            for path, item in self.doc["paths"].items()
            for method, op in item.items()
            if method in METHODS
        }

    def resolve(self, node: Any, seen: tuple[str, ...] = ()) -> Any:
        """``node`` with every ``$ref`` replaced by (a copy of) its target."""
        if isinstance(node, list):
            return [self.resolve(v, seen) for v in node]
        if not isinstance(node, dict):
            return node
        ref = node.get("$ref")
        if isinstance(ref, str):
            if ref in seen:
                return {"type": "object"}  # a cycle: Zoom has none today; stay finite
            target: Any = self.doc
            for part in ref.lstrip("#/").split("/"):
                target = target[part]
            return self.resolve(target, (*seen, ref))
        return {k: self.resolve(v, seen) for k, v in node.items()}


# --- normalising schemas -------------------------------------------------------------------


def is_object(schema: dict[str, Any]) -> bool:
    return schema.get("type") == "object" or "properties" in schema


def merge(a: dict[str, Any], b: dict[str, Any], required: str) -> dict[str, Any]:
    """Union of two normalised schemas; ``a`` wins on conflicting facts.

    ``required`` says how required lists combine: ``union`` (allOf), ``meet`` (variants of a
    oneOf: only what all require) or ``first`` (another spec's view of the same response).
    """
    if is_object(a) and is_object(b):
        out = {k: v for k, v in a.items() if k not in ("properties", "required")}
        for k, v in b.items():
            out.setdefault(k, v) if k not in ("properties", "required") else None
        out["type"] = "object"
        props = dict(a.get("properties", {}))
        for name, schema in b.get("properties", {}).items():
            props[name] = merge(props[name], schema, required) if name in props else schema
        if props:
            out["properties"] = props
        ra, rb = a.get("required", []), b.get("required", [])
        if required == "union":
            req = ra + [r for r in rb if r not in ra]
        elif required == "meet":
            req = [r for r in ra if r in rb]
        else:
            req = list(ra)
        if req:
            out["required"] = req
        return out
    if a.get("type") == "array" and b.get("type") == "array":
        out = dict(a)
        if "items" in a and "items" in b:
            out["items"] = merge(a["items"], b["items"], required)
        elif "items" in b:
            out["items"] = b["items"]
        return out
    if "anyOf" in a or "anyOf" in b or not a:
        return a or b
    if {a.get("type"), b.get("type")} & {"array", "object"} and a.get("type") != b.get("type"):
        return a  # one spec says a list, another an object (custom_attributes): a's shape only
    out = dict(a)
    for k, v in b.items():
        out.setdefault(k, v)
    return out


def scalar_union(variants: list[dict[str, Any]]) -> dict[str, Any] | None:
    """One schema for variants of one scalar type (e.g. a date-time or ``""``), else None."""
    types = {v.get("type") for v in variants}
    if len(types) != 1 or None in types:
        return None
    out = dict(variants[0])
    formats = {v.get("format") for v in variants}
    if len(formats) > 1:
        out.pop("format", None)
    if all("enum" in v for v in variants):
        values: list[Any] = []
        for v in variants:
            values += [e for e in v["enum"] if e not in values]
        out["enum"] = values
    else:
        out.pop("enum", None)
    return out


def normalize(node: Any) -> dict[str, Any]:
    """A resolved Zoom schema reduced to facts, with allOf/oneOf/anyOf taken apart."""
    if not isinstance(node, dict):
        return {}
    rest = {k: v for k, v in node.items() if k not in ("allOf", "oneOf", "anyOf")}
    out = base_facts(rest)
    if "allOf" in node:
        for part in node["allOf"]:
            out = merge(out, normalize(part), "union") if out else normalize(part)
    for key in ("oneOf", "anyOf"):
        if key not in node:
            continue
        variants = [normalize(v) for v in node[key]]
        variants = [v for v in variants if v]
        objects = [v for v in variants if is_object(v)]
        others = [v for v in variants if not is_object(v)]
        combined: dict[str, Any] | None
        if objects and not others:
            combined = objects[0]
            for v in objects[1:]:
                combined = merge(combined, v, "meet")
        elif others and not objects:
            combined = scalar_union(others)
            if combined is None:
                combined = {"anyOf": others}
        else:
            obj = objects[0]
            for v in objects[1:]:
                obj = merge(obj, v, "meet")
            scalars: list[dict[str, Any]] = []
            for v in others:
                if v not in scalars:
                    scalars.append(v)
            combined = {"anyOf": [obj, *scalars]}
        out = merge(out, combined, "union") if out else combined
    return out


def base_facts(node: dict[str, Any]) -> dict[str, Any]:
    out: dict[str, Any] = {k: copy.deepcopy(node[k]) for k in FACTS if k in node}
    if isinstance(out.get("type"), list):  # 3.1-style type lists: keep the first non-null
        out["type"] = next((t for t in out["type"] if t != "null"), "string")
    if "properties" in node and isinstance(node["properties"], dict):
        out["type"] = "object"
        out["properties"] = {
            name: normalize(schema) or {} for name, schema in node["properties"].items()
        }
        req = [r for r in node.get("required", []) if r in out["properties"]]
        if req:
            out["required"] = req
    if "items" in node:
        out["type"] = "array"
        out["items"] = normalize(node["items"])
        if "enum" in out and "enum" not in out["items"]:
            out["items"]["enum"] = out.pop("enum")  # Zoom puts a list's values on the list
    enum = out.get("enum")
    if enum is not None:
        if out.get("type") == "string" and all(
            isinstance(e, int) and not isinstance(e, bool) for e in enum
        ):
            out["type"] = "integer"  # Zoom: `type: string` with values 1..6
        if out.get("type") == "boolean" or not enum:
            out.pop("enum")
        elif out.get("type") == "string":
            out["enum"] = [str(e) for e in enum]
        out = with_labels(out, node)
    if out.get("type") == "integer" and isinstance(out.get("example"), str):
        if re.fullmatch(r"-?\d+", out["example"]):
            out["example"] = int(out["example"])
        else:
            out.pop("example")
    if out.get("type") in ("string",) and isinstance(out.get("example"), int | float):
        out["example"] = str(out["example"])
    example = out.get("example")
    if isinstance(example, str) and not (
        out.get("minLength", 0) <= len(example) <= out.get("maxLength", len(example))
    ):
        out.pop("example")  # Zoom's example breaks its own length limit
    if "default" in out and out.get("type") == "integer" and isinstance(out["default"], str):
        out.pop("default")
    if "default" in out and "enum" in out and out["default"] not in out["enum"]:
        out.pop("default")
    if out.get("type") == "object" and "properties" not in out and "additionalProperties" in node:
        extra = node["additionalProperties"]
        if isinstance(extra, dict) and extra:
            out["additionalProperties"] = normalize(extra)
    return out


def with_labels(schema: dict[str, Any], raw: dict[str, Any]) -> dict[str, Any]:
    """Enums of numbers (integers, or digits as strings) get member names from Zoom's value list
    (``1`` - Instant meeting …)."""
    if schema.get("type") not in ("integer", "string") or "enum" not in schema:
        return schema
    text = html.unescape(str(raw.get("description") or ""))
    labels: dict[int, str] = {}
    for value, label in re.findall(
        r"`?(-?\d+)`?\s*(?:-|:|&mdash;|\u2014|\u2013|=)\s*([A-Za-z][^\n*`<;.,(]*)", text
    ):
        words = re.findall(r"[A-Za-z0-9]+", label)
        while words and words[0].lower() in ("a", "an", "the"):
            words = words[1:]
        words = words[:LABEL_WORDS]
        if words and int(value) not in labels:
            labels[int(value)] = "_".join(words).upper()
    numbers = {str(v): int(v) for v in schema["enum"] if re.fullmatch(r"-?\d+", str(v))}
    schema["x-labels"] = {v: labels[n] for v, n in numbers.items() if n in labels}
    if not schema["x-labels"] and schema["type"] == "string":
        schema.pop("x-labels")
    return schema


# --- naming and sharing components ---------------------------------------------------------


class Components:
    """Named schemas; structurally identical shapes share one component."""

    def __init__(
        self, pinned_enums: dict[str, dict[str, str]], value_names: dict[str, str]
    ) -> None:
        self.schemas: dict[str, dict[str, Any]] = {}
        self.by_shape: dict[str, str] = {}
        self.pinned_enums = pinned_enums
        self.value_names = value_names
        self.class_names: dict[str, str] = {}
        self.fields: dict[str, str] = {}  # an enum's name -> its field's, as a class name
        # Model names that stay importable when their class is shared (the first 32
        # operations' and every name operations.yaml pins): the other names become aliases.
        self.kept: set[str] = set()
        # Names operations.yaml pins, and every name a shared component was asked for: the
        # sharing pass picks the final name from these, whatever order operations came in.
        self.pinned: set[str] = set()
        self.aliases: dict[str, set[str]] = {}

    @staticmethod
    def shape(schema: dict[str, Any]) -> str:
        def strip(node: Any) -> Any:
            if isinstance(node, dict):
                return {
                    k: strip(v)
                    for k, v in node.items()
                    if k not in ("example", "description", "default")
                }
            if isinstance(node, list):
                return [strip(v) for v in node]
            return node

        return json.dumps(strip(schema), sort_keys=True)

    def free(self, candidates: list[str]) -> str:
        for name in candidates:
            if name not in self.schemas:
                return name
        base = candidates[-1]
        n = 2
        while f"{base}{n}" in self.schemas:
            n += 1
        return f"{base}{n}"

    def add(self, schema: dict[str, Any], candidates: list[str], key: str) -> dict[str, str]:
        if key in self.by_shape:
            known = self.by_shape[key]
            self.aliases.setdefault(known, {known}).add(candidates[0])
            return {"$ref": f"#/components/schemas/{known}"}
        name = self.free(candidates)
        self.schemas[name] = schema
        self.by_shape[key] = name
        self.aliases.setdefault(name, {name}).add(candidates[0])
        return {"$ref": f"#/components/schemas/{name}"}

    def hoist(
        self, schema: dict[str, Any], loc: str, owner: str, prop: str, pins: dict[str, str]
    ) -> dict[str, Any]:
        """Replace objects and enums under ``schema`` by references to named components.

        ``loc`` is the schema's place in its operation (``response.settings``, ``request``,
        ``response.meetings[]``) for pinned names; ``owner`` the enclosing component's name.
        """
        if "anyOf" in schema:
            return {
                "anyOf": [
                    self.hoist(v, f"{loc}|{i}", owner, prop, pins)
                    for i, v in enumerate(schema["anyOf"])
                ]
            }
        if schema.get("type") == "array" and "items" in schema:
            out = dict(schema)
            out["items"] = self.hoist(schema["items"], f"{loc}[]", owner, singular(prop), pins)
            return out
        if "enum" in schema and schema.get("type") in ("string", "integer"):
            return self._enum(schema, loc, owner, prop, pins)
        if not schema.get("properties"):
            return schema
        pinned = pins.get(loc)
        own = class_word(singular(prop))
        candidates = [own] if prop.lower() not in GENERIC else []
        candidates.append(f"{strip_suffix(owner)}{own}")
        candidates.append(f"{owner}{own}")  # request and response each have one
        if pinned:
            candidates = [pinned]
            self.pinned.add(pinned)
        name = self.free(candidates) if not pinned else pinned
        out = {k: v for k, v in schema.items() if k != "properties"}
        out["properties"] = {
            key: self.hoist(value, f"{loc}.{key}", name, key, pins)
            for key, value in schema["properties"].items()
        }
        twin = self.schemas.get(pinned) if pinned else None
        if pinned and twin is not None and self.shape(twin) != self.shape(out):
            # The same pinned name at two places with different shapes: merge them, so one
            # class declares every field either place documents.
            self.schemas[pinned] = merge(self.schemas[pinned], out, "meet")
            self.by_shape[self.shape(out)] = pinned
            return {"$ref": f"#/components/schemas/{pinned}"}
        if pinned:
            # A pinned name keeps its own class even when a structural twin exists.
            key = self.shape(out)
            self.schemas[pinned] = out
            self.by_shape.setdefault(key, pinned)
            return {"$ref": f"#/components/schemas/{pinned}"}
        return self.add(out, [name], self.shape(out))

    def _enum(
        self, schema: dict[str, Any], loc: str, owner: str, prop: str, pins: dict[str, str]
    ) -> dict[str, Any]:
        out = {k: v for k, v in schema.items() if k != "x-labels"}
        pinned = pins.get(loc)
        own = class_word(prop)
        # Owner + field, as openapi-python-client names inline enums (and the 32 always had).
        name = pinned or f"{owner}{own}"
        if pinned:
            self.pinned.add(pinned)
        if prop.lower() not in GENERIC:
            self.fields[name] = own
        labels = dict(schema.get("x-labels", {}))
        labels.update(self.pinned_enums.get(name, {}))
        out["x-enum-varnames"] = self.member_names(out["enum"], labels, prop)
        key = json.dumps(
            [prop, out.get("type"), out["enum"], out.get("x-enum-varnames")], sort_keys=True
        )
        if pinned:
            known = self.schemas.get(pinned)
            if known is not None:
                # One enum pinned at several places: it holds every value any of them allows.
                for i, value in enumerate(out["enum"]):
                    if value not in known["enum"]:
                        known["enum"].append(value)
                        if "x-enum-varnames" in known:
                            known["x-enum-varnames"].append(out["x-enum-varnames"][i])
                if "x-enum-varnames" in known:
                    named = zip(map(str, known["enum"]), known["x-enum-varnames"], strict=True)
                    known["x-enum-varnames"] = self.member_names(known["enum"], dict(named), prop)
                return {"$ref": f"#/components/schemas/{pinned}"}
            self.schemas[pinned] = out
            self.by_shape.setdefault(key, pinned)
            return {"$ref": f"#/components/schemas/{pinned}"}
        return self.add(out, [name, f"{owner}{own}"], key)

    def member_names(self, values: list[Any], labels: dict[str, str], prop: str) -> list[str]:
        """Member names, unique within the enum: Zoom's label for a number where its text gives
        one, else a string's own words (``""`` EMPTY, ``1-20`` FROM_1_TO_20), else the field
        and the value (``ARCHIVE_RETENTION_30``). ``value_names`` in operations.yaml names
        values whose words make no name (``.7z``)."""
        snake = re.sub(r"(?<=[a-z0-9])(?=[A-Z])", "_", prop)
        stem = "_".join(re.findall(r"[A-Z0-9]+", snake.upper())) or "MEMBER"
        words: list[list[str]] = []
        cut: list[int] = []
        for value in values:
            label = labels.get(str(value))
            cut.append(SHORT_LABEL if label else LABEL_WORDS)
            if label is None and isinstance(value, str):
                label = self.value_names.get(value) or spell(value)
            if not label:
                label = f"{stem}_{value}".replace("-", "MINUS_")
            words.append(re.findall(r"[A-Z0-9]+", label.upper()))
        while True:  # labels alike in their first words: each takes a word more
            seen: dict[str, list[int]] = {}
            for i, w in enumerate(words):
                seen.setdefault("_".join(w[: cut[i]]), []).append(i)
            longer = [i for same in seen.values() if len(same) > 1 for i in same]
            longer = [i for i in longer if cut[i] < len(words[i])]
            if not longer:
                break
            for i in longer:
                cut[i] += 1
        names: list[str] = []
        for value, w, n in zip(values, words, cut, strict=True):
            label = "_".join(w[:n])
            if not label[:1].isalpha():
                label = f"{stem}_{label}"
            if re.fullmatch(r"VALUE_\d+", label):
                label = f"{stem}_OF_{label[6:]}"  # a field called `value`: keep VALUE_N out
            while label in names:
                label = f"{label}_{'_'.join(re.findall(r'[A-Z0-9]+', str(value).upper()))}"
            names.append(label)
        return names

    # --- sharing: one component per enum shape ---------------------------------------------

    @staticmethod
    def enum_key(schema: dict[str, Any]) -> str | None:
        """What makes two enums the same class: the type and each value with its member name."""
        if "enum" not in schema or "properties" in schema:
            return None
        members = sorted(zip(map(str, schema["enum"]), schema["x-enum-varnames"], strict=True))
        return json.dumps([schema.get("type"), members])

    def choose(self, group: list[str]) -> str:
        """The name a group of identical components shares: a pinned name, else the one
        ``class_names`` in operations.yaml gives any of its names, else (one field in several
        places) the field's name, else the shortest name any of its places asked for (then
        alphabetical) that is free and does not end in a digit.
        Independent of the order operations come in."""
        pinned = sorted(n for n in group if n in self.pinned)
        if len(pinned) > 1:
            raise CurationError(f"names {pinned} are pinned for one shape: pin one of them")
        if pinned:
            return pinned[0]
        asked = set(group).union(*(self.aliases.get(n, {n}) for n in group))
        chosen = sorted({self.class_names[n] for n in asked if n in self.class_names})
        if len(chosen) > 1:
            raise CurationError(f"class_names gives one shape the names {chosen}: keep one")
        if chosen:
            if chosen[0] in self.schemas and chosen[0] not in group:
                raise CurationError(f"class_names: {chosen[0]} is already another class")
            return chosen[0]
        fields = {self.fields.get(n) for n in asked}
        if len(asked) > 1 and len(fields) == 1 and None not in fields:
            # One field's values in several classes (settings of an account, a group, a user):
            # named after the field, when free.
            field = str(fields.pop())
            if field not in self.schemas or field in group:
                return field
        usable = [n for n in asked if not n[-1].isdigit() and (n not in self.schemas or n in group)]
        return min(usable or group, key=lambda n: (len(n), n))

    def share_enums(self) -> dict[str, str]:
        """Merge structurally identical enum components; returns old name -> shared name."""
        groups: dict[str, list[str]] = {}
        for name in sorted(self.schemas):
            key = self.enum_key(self.schemas[name])
            if key is not None:
                groups.setdefault(key, []).append(name)
        renames: dict[str, str] = {}
        for group in groups.values():
            if len(group) == 1 and not group[0][-1].isdigit() and self.choose(group) == group[0]:
                continue
            target = self.choose(group)
            keep = target if target in group else min(group, key=lambda n: (len(n), n))
            schema = self.schemas[keep]
            aliases = set().union(*(self.aliases.pop(n, {n}) for n in group))
            for name in group:
                del self.schemas[name]
            self.schemas[target] = schema
            self.aliases[target] = aliases
            renames.update({n: target for n in group if n != target})
        self.rename(self.schemas, renames)
        return renames

    # --- sharing: one class per model shape ------------------------------------------------

    @staticmethod
    def model_key(schema: dict[str, Any]) -> str:
        """A model's structure: fields, types, formats, limits, required, enums (by their shared
        class) and nested models; examples and prose do not count."""

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

        return json.dumps(strip(schema), sort_keys=True)

    def sent(self, paths: dict[str, Any]) -> set[str]:
        """Components a request body reaches: their list fields default to None, not []."""
        found: set[str] = set()

        def walk(node: Any) -> None:
            if isinstance(node, dict):
                ref = node.get("$ref")
                if isinstance(ref, str) and ref.startswith("#/components/schemas/"):
                    name = ref.rsplit("/", 1)[1]
                    if name not in found and name in self.schemas:
                        found.add(name)
                        walk(self.schemas[name])
                for value in node.values():
                    walk(value)
            elif isinstance(node, list):
                for value in node:
                    walk(value)

        for item in paths.values():
            for op in item.values():
                walk(op.get("requestBody"))
        return found

    def share_models(self, paths: dict[str, Any]) -> dict[str, str]:
        """Merge structurally identical models (also sent, or only received, alike) until none
        are left; a shared model's other kept names become aliases (``x-zoom-aliases``)."""
        renames: dict[str, str] = {}
        while True:
            sent = self.sent(paths)
            groups: dict[str, list[str]] = {}
            for name in sorted(self.schemas):
                schema = self.schemas[name]
                if schema.get("type") == "object" and "properties" in schema:
                    key = json.dumps([self.model_key(schema), name in sent])
                    groups.setdefault(key, []).append(name)
            step: dict[str, str] = {}
            for group in (g for g in groups.values() if len(g) > 1):
                kept = sorted(n for n in group if n in self.kept)
                asked = set(group).union(*(self.aliases.get(n, {n}) for n in group))
                chosen = sorted({self.class_names[n] for n in asked if n in self.class_names})
                if len(chosen) > 1:
                    raise CurationError(f"class_names gives one shape the names {chosen}")
                if chosen:
                    target = chosen[0]
                elif kept:
                    target = min(kept, key=lambda n: (len(n), n))
                else:
                    target = min(group, key=lambda n: (len(n), n))
                if target in self.schemas and target not in group:
                    raise CurationError(f"class_names: {target} is already another class")
                schema = self.schemas[min(group, key=lambda n: (n != target, len(n), n))]
                names = set(kept)
                for n in group:
                    names.update(self.schemas[n].get("x-zoom-aliases", []))
                    self.aliases.setdefault(target, {target}).update(self.aliases.pop(n, {n}))
                    del self.schemas[n]
                schema = {k: v for k, v in schema.items() if k != "x-zoom-aliases"}
                if names - {target}:
                    schema["x-zoom-aliases"] = sorted(names - {target})
                self.schemas[target] = schema
                step.update({n: target for n in group if n != target})
            if not step:
                return renames
            self.rename(self.schemas, step)
            self.rename(paths, step)
            renames = {old: step.get(new, new) for old, new in renames.items()} | step

    @staticmethod
    def rename(node: Any, renames: dict[str, str]) -> None:
        """Point every ``$ref`` (and parameter ``x-zoom-enum``) at the shared names."""
        prefix = "#/components/schemas/"
        if isinstance(node, dict):
            ref = node.get("$ref")
            if isinstance(ref, str) and ref.startswith(prefix) and ref[len(prefix) :] in renames:
                node["$ref"] = prefix + renames[ref[len(prefix) :]]
            if node.get("x-zoom-enum") in renames:
                node["x-zoom-enum"] = renames[node["x-zoom-enum"]]
            for value in node.values():
                Components.rename(value, renames)
        elif isinstance(node, list):
            for value in node:
                Components.rename(value, renames)


def class_word(prop: str) -> str:
    """A field's name as part of a class name; a trailing number goes (``transport_protocol2``):
    class names never end in a digit."""
    return re.sub(r"(?<=[a-z])\d+$", "", pascal(prop)) or pascal(prop)


def spell(value: str) -> str:
    """A member name from a string value's words."""
    if value == "":
        return "EMPTY"
    if value[:1].isalpha():
        # openapi-python-client's spelling, so the names already public stay as they are.
        kept = "".join(c for c in value.upper() if c.isidentifier() or c.isdecimal() or c in ". _-")
        return "_".join(re.findall(r"[^. _-]+", kept))
    text = value.replace(",", "")  # 1,001 -> 1001
    match = re.fullmatch(r"(\d+)\s*-\s*(\d+)(.*)", text)
    if match:
        text = f"from {match[1]} to {match[2]} {match[3]}"
    return "_".join(re.findall(r"[A-Za-z0-9]+", text)).upper()


def strip_suffix(name: str) -> str:
    for suffix in ("Response", "Request"):
        if name.endswith(suffix) and len(name) > len(suffix):
            return name[: -len(suffix)]
    return name


# --- operations ----------------------------------------------------------------------------


def at(schema: dict[str, Any], path: str) -> dict[str, Any]:
    """The sub-schema at a dotted location (``settings.recurrence``, ``participants[]``)."""
    node = schema
    for part in filter(None, re.split(r"\.", path)):
        while part.endswith("[]"):
            part = part[:-2]
            if part:
                node = node.setdefault("properties", {}).setdefault(part, {"type": "array"})
            node = node.setdefault("items", {"type": "object"})
            part = ""
        if part:
            node["type"] = "object"
            node = node.setdefault("properties", {}).setdefault(part, {"type": "object"})
    return node


def apply_fields(schema: dict[str, Any], changes: dict[str, Any]) -> None:
    """Overrides: ``{"participants[]": {"join_time": {...}}}`` adds or replaces fields."""
    for path, fields in changes.items():
        node = at(schema, "" if path in ("", ".") else path)
        node["type"] = "object"
        for name, field in fields.items():
            node.setdefault("properties", {})[name] = dict(field)


def apply_required(schema: dict[str, Any], changes: dict[str, list[str]]) -> None:
    for path, names in changes.items():
        node = at(schema, "" if path in ("", ".") else path)
        req = list(node.get("required", []))
        for name in names:
            if name not in node.get("properties", {}):
                raise CurationError(f"required override names a missing field {path}.{name}")
            if name not in req:
                req.append(name)
        node["required"] = req


def retype(schema: Any, types: dict[str, dict[str, Any]]) -> None:
    """Fix a field everywhere: ``schema`` gives it one type (Zoom types ``pmi`` as string in one
    spec, int in another); ``drop`` removes facts Zoom gets wrong."""
    if isinstance(schema, dict):
        for name, sub in schema.get("properties", {}).items():
            rule = types.get(name)
            if rule and "schema" in rule and "properties" not in sub:
                keep = {k: v for k, v in sub.items() if k in ("deprecated",)}
                schema["properties"][name] = {**rule["schema"], **keep}
            for key in (rule or {}).get("drop", []):
                schema["properties"][name].pop(key, None)
        for value in schema.values():
            retype(value, types)
    elif isinstance(schema, list):
        for value in schema:
            retype(value, types)


def drop_required(schema: Any) -> None:
    if isinstance(schema, dict):
        schema.pop("required", None) if isinstance(schema.get("required"), list) else None
        for value in schema.values():
            drop_required(value)
    elif isinstance(schema, list):
        for value in schema:
            drop_required(value)


def mark_secrets(schema: Any, secrets: set[str]) -> None:
    if isinstance(schema, dict):
        for name, sub in schema.get("properties", {}).items():
            if name in secrets and isinstance(sub, dict) and "properties" not in sub:
                sub["x-zoom-secret"] = True
        for value in schema.values():
            mark_secrets(value, secrets)
    elif isinstance(schema, list):
        for value in schema:
            mark_secrets(value, secrets)


def empty(schema: dict[str, Any] | None) -> bool:
    """No body, or Zoom's `{}`: an object schema that declares nothing."""
    if schema is None:
        return True
    return (
        not schema.get("properties")
        and schema.get("type", "object") == "object"
        and not ({"additionalProperties", "anyOf", "items"} & set(schema))
    )


def json_body(node: dict[str, Any]) -> dict[str, Any] | None:
    content = node.get("content") or {}
    for kind in ("application/json", "multipart/form-data"):
        if kind in content:
            return {"kind": kind, **content[kind]}
    return None


class Curator:
    def __init__(self, reference: Path) -> None:
        self.config = yaml.safe_load(OPERATIONS.read_text(encoding="utf-8"))
        self.words = yaml.safe_load(DESCRIPTIONS.read_text(encoding="utf-8")) or {}
        self.specs = {
            alias: Spec(alias, reference / name) for alias, name in self.config["specs"].items()
        }
        self.components = Components(
            {
                name: {str(k): v for k, v in members.items()}
                for name, members in (self.config.get("enum_members") or {}).items()
            },
            {str(k): v for k, v in (self.config.get("value_names") or {}).items()},
        )
        self.components.class_names = dict(self.config.get("class_names") or {})
        self.secrets = set(self.config.get("secrets") or [])
        self.types = self.config.get("field_types") or []
        # Zoom's examples that curation repaired or dropped, with where and why.
        self.repairs: list[str] = []

    def _others(self, entry: dict[str, Any]) -> list[tuple[Spec, dict[str, Any]]]:
        """The same route in the other specs, newest first (as listed in ``union_order``)."""
        method, path = entry["route"].split(" ", 1)
        found = []
        for alias in self.config["union_order"]:
            if alias == entry["spec"]:
                continue
            hit = self.specs[alias].routes.get(route_key(method, path))
            if hit:
                found.append((self.specs[alias], hit[1]))
        return found

    def success(self, spec: Spec, op: dict[str, Any]) -> tuple[str, dict[str, Any] | None]:
        """The one success status, and its body schema (Zoom's error notes under 2xx dropped)."""
        responses = spec.resolve(op.get("responses", {}))
        ok = sorted(s for s in responses if str(s).startswith("2"))
        if not ok:
            raise CurationError(f"{op.get('operationId')}: no 2xx response")
        with_body = [s for s in ok if json_body(responses[s])]
        if with_body:
            status = with_body[0]
            body = json_body(responses[status])
            return str(status), normalize(body.get("schema")) if body else None
        real = [s for s in ok if "Error Code" not in str(responses[s].get("description", ""))]
        return str((real or ok)[-1]), None

    def operation(self, entry: dict[str, Any]) -> tuple[str, str, dict[str, Any]]:
        method, path = entry["route"].split(" ", 1)
        spec = self.specs[entry["spec"]]
        hit = spec.routes.get(route_key(method, path))
        if hit is None:
            raise CurationError(f"{entry['route']} is not in {entry['spec']}")
        spec_path, raw = hit
        raw = spec.resolve(raw)
        op_id = entry.get("operation_id") or camel(entry["name"])
        pins = {str(k): v for k, v in (entry.get("names") or {}).items()}
        self.components.kept.update(pins.values())
        pins.setdefault("response", f"{op_id[:1].upper()}{op_id[1:]}Response")
        pins.setdefault("request", f"{op_id[:1].upper()}{op_id[1:]}Request")
        if "operation_id" in entry:  # the first 32: their classes' names are public already
            self.components.kept.update(pins.values())
        base = pascal(op_id)
        others = self._others(entry)

        rate = entry.get("rate_limit") or rate_label(raw.get("description", ""))
        for _, other_op in others:
            rate = rate or rate_label(other_op.get("description", ""))
        if rate not in RATE_LIMITS.values():
            raise CurationError(f"{entry['route']}: no rate-limit label; add rate_limit")

        out: dict[str, Any] = {"operationId": op_id, "tags": [entry["tag"]]}
        out["summary"] = entry.get("summary") or sentence(entry["name"])
        if entry.get("description"):
            out["description"] = entry["description"]
        if raw.get("deprecated") or entry.get("deprecated"):
            out["deprecated"] = True
        out["x-zoom-rate-limit"] = rate
        daily = daily_limit(raw.get("description", ""))
        for _, other_op in others:
            daily = daily or daily_limit(other_op.get("description", ""))
        if daily:
            out["x-zoom-daily-limit"] = daily
        if entry.get("page_items"):
            out["x-zoom-page-items"] = entry["page_items"]

        params = self.parameters(entry, spec_path, path, raw, op_id, pins)
        if params:
            out["parameters"] = params

        body = json_body(raw.get("requestBody") or {})
        if body:
            schema = normalize(body.get("schema"))
            if body["kind"] == "multipart/form-data":
                self.file_parts(schema, entry["route"])
            apply_fields(schema, entry.get("request_fields") or {})
            apply_required(schema, entry.get("request_required") or {})
            retype(schema, self.types_for(entry))
            mark_secrets(schema, self.secrets)
            ref = self.components.hoist(schema, "request", base, "request", pins)
            out["requestBody"] = {
                "required": bool((raw.get("requestBody") or {}).get("required", True)),
                "content": {body["kind"]: {"schema": ref}},
            }

        status, schema = self.success(spec, raw)
        real = self._no_content_elsewhere(others) if status == "200" and empty(schema) else None
        if real is not None:
            # Zoom's newest spec keeps only a 200 without a body, or with `{}`, that is often an
            # error note ("You do not have the permission…"); an older spec documents the real
            # answer: 204, or 201 with the created object.
            said = "without a body" if schema is None else "{}"
            self.repairs.append(f"{entry['route']}: success 200 {said} -> {real[0]}")
            status, schema = real
        if entry.get("status"):
            status = str(entry["status"])
        # A success Zoom documents as `{}`: JSON, but nothing to decode (the method returns None).
        empty_json = schema is not None and empty(schema) and not entry.get("response_fields")
        responses: dict[str, Any] = {}
        if empty_json:
            responses[status] = {
                "description": "Success.",
                "content": {"application/json": {"example": {}}},
            }
        elif schema is not None or entry.get("response_fields"):
            schema = schema or {"type": "object"}
            for other, other_op in others:
                try:
                    _, extra = self.success(other, other_op)
                except CurationError:
                    continue
                if extra is not None:
                    schema = merge(schema, extra, "first")
            # Zoom's `required` on responses is not what Zoom always sends (a model that
            # demands it fails on real bodies); only our `required` overrides count.
            drop_required(schema)
            apply_fields(schema, entry.get("response_fields") or {})
            retype(schema, self.types_for(entry))
            apply_required(schema, entry.get("required") or {})
            mark_secrets(schema, self.secrets)
            ref = self.components.hoist(schema, "response", base, "response", pins)
            responses[status] = {
                "description": "Success.",
                "content": {"application/json": {"schema": ref}},
            }
        else:
            responses[status] = {"description": "Success."}
        for code, name in ERRORS.items():
            responses[code] = {"$ref": f"#/components/responses/{name}"}
        if any(CONFLICT[0] in (o.get("responses") or {}) for o in [raw, *(o for _, o in others)]):
            responses[CONFLICT[0]] = {"$ref": f"#/components/responses/{CONFLICT[1]}"}
        out["responses"] = dict(sorted(responses.items()))
        return path, method.lower(), out

    def file_parts(self, schema: dict[str, Any], route: str) -> None:
        """The upload's file in a multipart body (``file_parts`` in operations.yaml): a binary
        part, required. Zoom types some as a plain string ("the file's path") and leaves some
        optional; its examples there are paths or base64 text, not files."""
        props = schema.get("properties") or {}
        for name in self.config.get("file_parts") or []:
            if name not in props:
                continue
            fixed = {"type": "string", "format": "binary"}
            if props[name] != fixed:
                if props[name].get("format") != "binary":
                    self.repairs.append(f"{route}: {name} text -> a binary file part")
                props[name] = fixed
            if name not in schema.setdefault("required", []):
                self.repairs.append(f"{route}: {name} is required")
                schema["required"].append(name)

    def _no_content_elsewhere(
        self, others: list[tuple[Spec, dict[str, Any]]]
    ) -> tuple[str, dict[str, Any] | None] | None:
        """The real success another spec documents for the route: a body-less 204, or a 201
        with a body (status and schema), else None."""
        for spec, op in others:
            responses = spec.resolve(op.get("responses", {}))
            if "204" in responses and not (json_body(responses["204"]) or {}).get("schema"):
                return "204", None  # 2023-07 gives one 204 a JSON media type without a schema
            created = json_body(responses.get("201") or {})
            schema = normalize(created.get("schema")) if created else None
            if schema is not None and not empty(schema):
                return "201", schema
        return None

    def example_elsewhere(self, entry: dict[str, Any], name: str, where: str) -> dict[str, Any]:
        """An example for a parameter from another spec's view of the route, if any has one."""
        for spec, op in self._others(entry):
            for p in spec.resolve(op.get("parameters", [])):
                if p.get("name") == name and str(p.get("in")).lower() == where:
                    example = p.get("example", (p.get("schema") or {}).get("example"))
                    if example is not None:
                        return {"example": example}
        return {}

    def types_for(self, entry: dict[str, Any]) -> dict[str, dict[str, Any]]:
        """Field types fixed for this operation's group (``field_types`` in operations.yaml)."""
        return {
            rule["field"]: rule
            for rule in self.types
            if entry["tag"] in rule.get("tags", [entry["tag"]])
        }

    def parameters(
        self,
        entry: dict[str, Any],
        spec_path: str,
        path: str,
        raw: dict[str, Any],
        op_id: str,
        pins: dict[str, str],
    ) -> list[dict[str, Any]]:
        # Our path may rename Zoom's parameters (coverage target spelling); map by position.
        zoom_names = re.findall(r"{([^}]+)}", spec_path)
        our_names = re.findall(r"{([^}]+)}", path)
        rename = dict(zip(zoom_names, our_names, strict=True))
        words = (self.words.get("parameters") or {}).get(op_id, {})
        common = self.words.get("common_parameters") or {}
        seen: set[tuple[str, str]] = set()
        params = []
        for p in raw.get("parameters", []):
            where = str(p.get("in", "query")).lower()
            name = rename.get(p["name"], p["name"]) if where == "path" else p["name"]
            if (name, where) in seen or where not in ("path", "query"):
                continue
            seen.add((name, where))
            schema = normalize(p.get("schema") or {"type": "string"})
            if "example" in p and "example" not in schema:
                schema["example"] = p["example"]
            if "example" not in schema:
                schema.update(self.example_elsewhere(entry, p["name"], where))
            fallback = (self.config.get("parameter_examples") or {}).get(name)
            if "example" not in schema and fallback is not None:
                if schema.get("type") != "integer" or isinstance(fallback, int):
                    schema["example"] = fallback
            schema = {k: v for k, v in schema.items() if k != "x-labels"}
            if "anyOf" in schema:
                # "a meeting ID or a UUID": the wire form is text either way.
                texts = [v for v in schema["anyOf"] if v.get("type") == "string"]
                schema = texts[0] if texts else {"type": "string"}
            if schema.get("type") in ("integer", "string") and "enum" in schema:
                # The class is a shared component (x-zoom-enum names it); the parameter keeps
                # its values, default and limits inline for the checks that read them.
                labels = with_labels(dict(schema), p.get("schema") or {}).get("x-labels", {})
                labels.update(with_labels(dict(schema), p).get("x-labels", {}))
                enum = {k: schema[k] for k in ("type", "format", "enum") if k in schema}
                enum["x-labels"] = labels
                ref = self.components.hoist(enum, f"{where}.{name}", pascal(op_id), name, pins)
                schema["x-zoom-enum"] = ref["$ref"].rsplit("/", 1)[1]
            for key, value in (self.config.get("parameter_limits") or {}).get(name, {}).items():
                schema.setdefault(key, value)  # Zoom's API-wide limit where its text has none
            schema.update((entry.get("parameters") or {}).get(name, {}))
            param: dict[str, Any] = {"name": name, "in": where}
            text = words.get(name) or common.get(name)
            if text:
                param["description"] = text
            if "style" in p:
                param["style"] = str(p["style"]).lower()
            if "explode" in p:
                param["explode"] = p["explode"]
            if p.get("deprecated"):
                param["deprecated"] = True
            param["schema"] = schema
            if where == "path" or p.get("required"):
                param["required"] = True
            params.append(param)
        missing = set(our_names) - {n for n, w in seen if w == "path"}
        for name in sorted(missing):
            params.append(
                {"name": name, "in": "path", "required": True, "schema": {"type": "string"}}
            )
        return params

    def build(self) -> dict[str, Any]:
        paths: dict[str, dict[str, Any]] = {}
        entries = self.config["operations"]
        # The reference operations first, so their pinned names win.
        order = sorted(entries, key=lambda e: ("operation_id" not in e, e["route"]))
        # `include: reference` writes only the first 32 (those with a pinned operation_id), to
        # land the pipeline before every operation generates; `all` writes every entry.
        only_reference = self.config.get("include", "all") == "reference"
        for entry in order:
            if entry.get("skip") or (only_reference and "operation_id" not in entry):
                continue
            path, method, op = self.operation(entry)
            paths.setdefault(path, {})[method] = op
        self.components.rename(paths, self.components.share_enums())
        self.components.rename(paths, self.components.share_models(paths))
        numbered = sorted(n for n in self.components.schemas if n[-1].isdigit())
        if numbered:
            raise CurationError(f"class names end in a digit: {numbered}; pin names for them")
        for name in sorted(self.components.schemas):
            repair_examples(self.components.schemas[name], name, self.repairs)
        for path in sorted(paths):
            for method, op in paths[path].items():
                for param in op.get("parameters", []):
                    where = f"{method.upper()} {path} {param['name']}"
                    repair_examples(param["schema"], where, self.repairs)
        words = self.words.get("schemas") or {}
        schemas = {}
        for name in sorted(self.components.schemas):
            schema = self.components.schemas[name]
            mine = words.get(name) or {}
            if mine.get("description"):
                schema = {**schema, "description": mine["description"]}
            props = schema.get("properties", {})
            for field, text in (mine.get("properties") or {}).items():
                if field in props and "$ref" not in props[field]:
                    props[field] = {"description": text, **props[field]}
            schemas[name] = order_schema(schema)
        base = yaml.safe_load((ROOT / "openapi" / "base.yaml").read_text(encoding="utf-8"))
        base["paths"] = {
            p: {m: paths[p][m] for m in METHODS if m in paths[p]} for p in sorted(paths)
        }
        base["components"]["schemas"] = {**base["components"].get("schemas", {}), **schemas}
        if self.repairs:
            base["x-zoom-spec-repairs"] = sorted(self.repairs)
        return base


_JSON_TYPES: dict[str, tuple[type, ...]] = {
    "string": (str,),
    "integer": (int,),
    "number": (int, float),
    "boolean": (bool,),
    "array": (list,),
    "object": (dict,),
}
# A date-time with one or two fraction digits ("…12.66Z"): Zoom writes milliseconds.
_SHORT_FRACTION = re.compile(r"^(.*T\d\d:\d\d:\d\d\.)(\d{1,2})(Z|[+-]\d\d:\d\d)$")


def repair_examples(schema: dict[str, Any], where: str, repairs: list[str]) -> None:
    """Fix or drop Zoom examples that contradict their own schema, recording each one.

    An example of the wrong JSON type, outside its enum or not the email its format says is
    dropped (the value builders fall back to the items, enum or type); a date-time with a short
    fraction is written as Zoom sends it, in milliseconds.
    """
    props = schema.get("properties") or {}
    for key, sub in props.items():
        repair_examples(sub, f"{where}.{key}", repairs)
    if isinstance(schema.get("items"), dict):
        repair_examples(schema["items"], f"{where}[]", repairs)
    if "example" not in schema or "$ref" in schema:
        return
    example = schema["example"]
    kind = schema.get("type")
    allowed = _JSON_TYPES.get(kind or "", (object,))
    wrong_type = not isinstance(example, allowed) or (
        kind in ("integer", "number") and isinstance(example, bool)
    )
    not_email = schema.get("format") == "email" and "@" not in str(example)
    if wrong_type or not_email or ("enum" in schema and example not in schema["enum"]):
        why = f"not a JSON {kind}" if wrong_type else "not an email" if not_email else ""
        why = why or "not in its enum"
        repairs.append(f"{where}: example {example!r:.40} dropped ({why})")
        schema.pop("example")
        return
    match = _SHORT_FRACTION.match(example) if schema.get("format") == "date-time" else None
    if match:
        fixed = f"{match[1]}{match[2].ljust(3, '0')}{match[3]}"
        repairs.append(f"{where}: example {example!r} -> {fixed!r} (milliseconds)")
        schema["example"] = fixed


def order_schema(schema: dict[str, Any]) -> dict[str, Any]:
    first = ("type", "description", "format", "enum", "x-enum-varnames", "properties")
    out = {k: schema[k] for k in first if k in schema}
    out.update({k: v for k, v in schema.items() if k not in out})
    return out


def sentence(snake: str) -> str:
    text = snake.replace("_", " ")
    return text[:1].upper() + text[1:]


HEADER = (
    "# GENERATED by generator/curate.py (`make curate`) from Zoom's specs in ../shared/reference,\n"
    "# openapi/operations.yaml, openapi/descriptions.yaml and openapi/base.yaml. Do not edit.\n"
)


def render(reference: Path) -> str:
    doc = Curator(reference).build()
    return HEADER + yaml.safe_dump(doc, sort_keys=False, allow_unicode=True, width=100)


def main() -> int:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--reference", type=Path, default=REFERENCE)
    parser.add_argument("--out", type=Path, default=OUT)
    parser.add_argument("--check", action="store_true", help="fail if --out differs")
    args = parser.parse_args()
    if not args.reference.is_dir():
        print(f"curate: {args.reference} not found; skipping", file=sys.stderr)
        return 0
    started = time.perf_counter()
    try:
        text = render(args.reference)
    except CurationError as exc:
        print(f"curate: {exc}", file=sys.stderr)
        return 2
    elapsed = time.perf_counter() - started
    if args.check:
        current = args.out.read_text(encoding="utf-8") if args.out.exists() else ""
        if current != text:
            with tempfile.NamedTemporaryFile("w", suffix=".yaml", delete=False) as tmp:
                tmp.write(text)
            print(
                f"curate: {args.out} is not what curation gives (fresh copy: {tmp.name});"
                " run `make curate`",
                file=sys.stderr,
            )
            return 1
        print(f"{args.out.name} is reproducible ({elapsed:.1f} s)")
        return 0
    args.out.write_text(text, encoding="utf-8")
    print(f"wrote {args.out} in {elapsed:.1f} s")
    return 0


if __name__ == "__main__":
    sys.exit(main())
