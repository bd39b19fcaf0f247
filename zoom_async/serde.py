"""The one cattrs converter that knows Zoom's wire format.

Generated models are plain attrs classes; everything about JSON lives here:
wire-name renames (``type`` <-> ``type_``) come from field metadata ``{"wire": name}``,
``None`` is omitted when unstructuring, date-times are ISO-8601 with ``Z``, an empty string
where a date belongs decodes to None, unknown fields are ignored, enums are open
(:class:`OpenStrEnum`, :class:`OpenIntEnum`), and integer IDs decode from numbers or strings.
Hooks are generated once per class and cached by cattrs.
"""

from __future__ import annotations

import datetime as dt
import enum
import types
import typing
from collections.abc import Callable
from typing import Any, TypeVar

import attrs
import cattrs
import orjson
from cattrs.gen import make_dict_structure_fn_from_attrs, make_dict_unstructure_fn, override

from zoom_async.errors import InvalidResponseError

__all__ = [
    "OpenIntEnum",
    "OpenStrEnum",
    "converter",
    "decode",
    "dumps",
    "loads",
    "structure",
    "unstructure",
]

T = TypeVar("T")


class OpenStrEnum(enum.StrEnum):
    """A string enum that accepts values added by Zoom later.

    An unknown value becomes a pseudo-member equal to the raw string instead of raising.
    """

    @classmethod
    def _missing_(cls, value: object) -> Any:
        if not isinstance(value, str):
            return None
        member = str.__new__(cls, value)
        member._name_ = value
        member._value_ = value
        return member


class OpenIntEnum(enum.IntEnum):
    """An integer enum that accepts values added by Zoom later (see :class:`OpenStrEnum`)."""

    @classmethod
    def _missing_(cls, value: object) -> Any:
        if isinstance(value, str):
            try:
                value = int(value)
            except ValueError:
                return None
            if value in cls._value2member_map_:
                return cls._value2member_map_[value]
        if not isinstance(value, int) or isinstance(value, bool):
            return None
        member = int.__new__(cls, value)
        member._name_ = str(value)
        member._value_ = value
        return member


converter = cattrs.Converter()

# Types passed through unconverted when the wire already holds them: orjson gives exactly
# these, and converting each field is most of the decode cost of a large page.
_PASSTHROUGH = (str, float, bool, typing.Any)


def _structure_datetime(value: Any, _: Any) -> dt.datetime | None:
    if value is None or value == "":
        return None
    if isinstance(value, dt.datetime):
        return value
    return dt.datetime.fromisoformat(value)


def _structure_date(value: Any, _: Any) -> dt.date | None:
    if value is None or value == "":
        return None
    if isinstance(value, dt.date):
        return value
    return dt.date.fromisoformat(value[:10])


def _unstructure_datetime(value: dt.datetime) -> str:
    if value.tzinfo is not None and value.utcoffset() == dt.timedelta(0):
        return value.replace(tzinfo=None).isoformat() + "Z"
    return value.isoformat()


def _structure_int(value: Any, _: Any) -> int:
    # Zoom sends meeting IDs as numbers in some responses and as strings in others.
    if value.__class__ is int:
        return value
    if isinstance(value, bool):
        raise TypeError("expected an integer, got a boolean")
    return int(value)


converter.register_structure_hook(dt.datetime, _structure_datetime)
converter.register_structure_hook(dt.date, _structure_date)
converter.register_unstructure_hook(dt.datetime, _unstructure_datetime)
converter.register_unstructure_hook(dt.date, lambda value: value.isoformat())
# A predicate, not a class registration: singledispatch would also catch IntEnum subclasses.
converter.register_structure_hook_func(lambda tp: tp is int, _structure_int)
converter.register_structure_hook_func(
    lambda tp: isinstance(tp, type) and issubclass(tp, enum.Enum), lambda value, tp: tp(value)
)
converter.register_unstructure_hook_func(
    lambda tp: isinstance(tp, type) and issubclass(tp, enum.Enum), lambda member: member._value_
)


def _open_enum_of(tp: Any) -> type[enum.Enum] | None:
    """The enum class of a model field typed ``SomeEnum | str`` (or ``| int``), maybe ``| None``.

    Models accept the plain value as well as the member, so users can write ``action="end"``;
    decoding always goes through the (open) enum.
    """
    if typing.get_origin(tp) not in (typing.Union, types.UnionType):
        return None
    args = [a for a in typing.get_args(tp) if a is not type(None)]
    enums = [a for a in args if isinstance(a, type) and issubclass(a, enum.Enum)]
    if len(enums) == 1 and len(args) == 2:
        (other,) = (a for a in args if a is not enums[0])
        if other in (str, int) and issubclass(enums[0], other):
            return enums[0]
    return None


def _structure_open_enum(value: Any, tp: Any) -> Any:
    if value is None:
        return None
    cls = _open_enum_of(tp)
    assert cls is not None
    return cls(value)


converter.register_structure_hook_func(lambda tp: _open_enum_of(tp) is not None, _structure_open_enum)


def _optional_inner(tp: Any) -> Any:
    """Return X for ``X | None``; None otherwise."""
    if typing.get_origin(tp) in (typing.Union, types.UnionType):
        args = [a for a in typing.get_args(tp) if a is not type(None)]
        if len(args) == 1 and len(typing.get_args(tp)) == 2:
            return args[0]
    return None


def _is_passthrough(tp: Any) -> bool:
    inner = _optional_inner(tp)
    if inner is not None:
        tp = inner
    if tp in _PASSTHROUGH:
        return True
    if typing.get_origin(tp) is list:
        (item,) = typing.get_args(tp) or (Any,)
        return item in _PASSTHROUGH
    return False


def _optional_hook(tp: Any) -> Callable[[Any, Any], Any] | None:
    """A hook for ``X | None`` that skips cattrs' generic union dispatch."""
    inner = _optional_inner(tp)
    if inner is None:
        return None
    inner_hook = converter.get_structure_hook(inner)

    def hook(value: Any, _: Any) -> Any:
        return None if value is None else inner_hook(value, inner)

    return hook


def _passthrough_attribute(a: attrs.Attribute) -> attrs.Attribute:  # type: ignore[type-arg]
    # An attribute with a converter is handed to the class unconverted when cattrs is told to
    # prefer attrs converters; the class itself has no converter, so the value passes through.
    return a.evolve(converter=_identity)


def _identity(value: Any) -> Any:
    return value


def _structure_factory(cls: type) -> Callable[[Any, Any], Any]:
    attrs.resolve_types(cls)
    fields = attrs.fields(cls)
    overrides: dict[str, Any] = {}
    adapted = []
    for a in fields:
        wire = a.metadata.get("wire")
        hook = None if _is_passthrough(a.type) else _optional_hook(a.type)
        if wire is not None or hook is not None:
            overrides[a.name] = override(rename=wire, struct_hook=hook)
        adapted.append(_passthrough_attribute(a) if _is_passthrough(a.type) else a)
    fn: Callable[[Any, Any], Any] = make_dict_structure_fn_from_attrs(
        adapted,
        cls,
        converter,
        _cattrs_prefer_attrib_converters=True,
        _cattrs_detailed_validation=False,
        **overrides,
    )
    return fn


def _unstructure_factory(cls: type) -> Callable[[Any], Any]:
    attrs.resolve_types(cls)
    overrides = {
        a.name: override(rename=a.metadata["wire"])
        for a in attrs.fields(cls)
        if "wire" in a.metadata
    }
    return make_dict_unstructure_fn(cls, converter, _cattrs_omit_if_default=True, **overrides)  # type: ignore[arg-type]


converter.register_structure_hook_factory(attrs.has, _structure_factory)
converter.register_unstructure_hook_factory(attrs.has, _unstructure_factory)


def structure(data: Any, cls: type[T]) -> T:
    """Turn decoded JSON into ``cls`` (an attrs model, a list type, …)."""
    return converter.structure(data, cls)


def unstructure(obj: Any) -> Any:
    """Turn a model into JSON-ready data, with wire names and without None fields."""
    return converter.unstructure(obj)


def loads(body: bytes | str) -> Any:
    """Parse JSON bytes (orjson)."""
    return orjson.loads(body)


def decode(body: bytes, cls: type[T], *, status: int = 200) -> T:
    """Parse and structure a success body; anything malformed becomes InvalidResponseError."""
    try:
        return converter.structure(orjson.loads(body), cls)
    except (orjson.JSONDecodeError, ValueError, TypeError, KeyError, AttributeError) as exc:
        raise InvalidResponseError(
            status, f"malformed {cls.__name__} response: {_describe(exc)}", body=body
        ) from None
    except cattrs.BaseValidationError as exc:
        raise InvalidResponseError(
            status, f"malformed {cls.__name__} response: {exc}", body=body
        ) from None


def _describe(exc: BaseException) -> str:
    text = str(exc) or type(exc).__name__
    return text[:200]


def dumps(data: Any) -> bytes:
    """Serialise JSON-ready data (or a model) to bytes."""
    if attrs.has(type(data)):
        data = converter.unstructure(data)
    return orjson.dumps(data)
