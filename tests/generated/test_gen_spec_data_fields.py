"""The spec data the client and sandbox validate bodies against keeps every field name.

Prose keys (`description`, `summary`, `example`) are stripped from the spec data, but a field
may itself be called that (roles and tracking fields have a `description`): stripping it would
make a dict body with that field fail as an unknown key.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import yaml

from zoom_async._generated import spec_data

SPEC = Path(__file__).resolve().parents[2] / "openapi" / "zoom-v2.yaml"


def property_names(node: Any, at: str = "") -> set[str]:
    """`place.field` for every field declared anywhere below ``node``."""
    found: set[str] = set()
    if isinstance(node, dict):
        for key, value in node.items():
            if key == "properties" and isinstance(value, dict):
                for name, sub in value.items():
                    found.add(f"{at}.{name}")
                    found |= property_names(sub, f"{at}.{name}")
            elif key in ("items", "additionalProperties", "anyOf", "oneOf"):
                found |= property_names(value, f"{at}[{key}]")
    elif isinstance(node, list):
        for i, value in enumerate(node):
            found |= property_names(value, f"{at}[{i}]")
    return found


def test_every_field_name_survives_in_spec_data() -> None:
    spec = yaml.safe_load(SPEC.read_text())
    data = spec_data.load()["schemas"]
    missing = {
        name: sorted(property_names(schema) - property_names(data[name]))
        for name, schema in spec["components"]["schemas"].items()
    }
    missing = {name: fields for name, fields in missing.items() if fields}
    assert not missing, f"fields lost in spec data: {missing}"


def test_the_check_sees_prose_named_fields() -> None:
    spec = yaml.safe_load(SPEC.read_text())
    names = set().union(*(property_names(s) for s in spec["components"]["schemas"].values()))
    assert any(n.endswith((".description", ".summary")) for n in names)
