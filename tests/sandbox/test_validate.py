"""The request-body validator on its own."""

from __future__ import annotations

from typing import Any

from zoom_async.sandbox.validate import validate

COMPONENTS: dict[str, Any] = {
    "Item": {
        "type": "object",
        "required": ["name"],
        "properties": {
            "name": {"type": "string", "maxLength": 3},
            "kind": {"type": "integer", "enum": [1, 2]},
            "score": {"type": "number", "minimum": 0, "maximum": 10},
            "flag": {"type": "boolean"},
            "email": {"type": "string", "format": "email"},
            "when": {"type": "string", "format": "date-time"},
        },
    },
    "Box": {
        "type": "object",
        "properties": {
            "items": {
                "type": "array",
                "maxItems": 2,
                "items": {"$ref": "#/components/schemas/Item"},
            },
            "either": {"oneOf": [{"type": "integer"}, {"type": "string"}]},
        },
    },
}
BOX = {"$ref": "#/components/schemas/Box"}


def test_valid_body_and_unknown_fields() -> None:
    body = {
        "items": [{"name": "abc", "kind": 2, "score": 9.5, "flag": True, "extra": 1}],
        "either": "x",
    }
    assert validate(body, BOX, COMPONENTS) == []


def test_reports_every_field_with_its_path() -> None:
    body = {
        "items": [
            {"kind": 3, "score": 11, "flag": 1, "email": "nope", "when": "yesterday"},
            {"name": "toolong"},
            {"name": "a"},
        ],
        "either": [],
    }
    assert validate(body, BOX, COMPONENTS) == [
        ("items", "Invalid field: at most 2 items."),
        ("items[0].name", "Required field."),
        ("items[0].kind", "Invalid field: must be one of 1, 2."),
        ("items[0].score", "Invalid field: must be at most 10."),
        ("items[0].flag", "Invalid field: expected boolean."),
        ("items[0].email", "Invalid field: not a valid email."),
        ("items[0].when", "Invalid field: not a valid date-time."),
        ("items[1].name", "Invalid field: at most 3 characters."),
        ("either", "Invalid field."),
    ]


def test_booleans_are_not_integers() -> None:
    schema = {"type": "integer"}
    assert validate(True, schema, {}) == [("body", "Invalid field: expected integer.")]
    assert validate(3, schema, {}) == []


def test_integral_floats_count_as_integers() -> None:
    assert validate(2.0, {"type": "integer"}, {}) == []
    assert validate(2.5, {"type": "integer"}, {}) == [("body", "Invalid field: expected integer.")]
