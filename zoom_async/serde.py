"""The one cattrs converter that knows Zoom's wire format.

Generated models are plain attrs classes; everything about JSON lives here:
wire-name renames (``type`` <-> ``type_``) come from field metadata ``{"wire": name}``,
``None`` is omitted when unstructuring, date-times are ISO-8601 with ``Z``, an empty string
where a date belongs decodes to None, enums are open (:class:`OpenStrEnum`,
:class:`OpenIntEnum`), and integer IDs decode from numbers or strings.

Nothing Zoom sends is lost: keys a model does not declare land in its ``extra`` mapping and
are written back by :func:`unstructure`; a list field Zoom left out decodes to an empty
:class:`AbsentList`, which unstructure leaves out again.

Generated models carry their own straight-line decode/encode functions, written by the
generator (``generator/templates/model.py.jinja``) and registered here on import
(:func:`register`), so a model's first use compiles nothing. Hand-written attrs classes
(webhook events) get equivalent functions generated from their fields on first use.
"""

from __future__ import annotations

import datetime as dt
import enum
import gc
import types
import typing
from collections.abc import Callable, Mapping
from types import MappingProxyType
from typing import Any, TypeVar

import attrs
import cattrs
import orjson
from cattrs.gen import make_dict_unstructure_fn, override

from zoom_async.errors import InvalidResponseError
from zoom_async.wire import Upload

__all__ = [
    "NO_EXTRA",
    "AbsentList",
    "OpenIntEnum",
    "OpenStrEnum",
    "converter",
    "decode",
    "dumps",
    "loads",
    "model_eq",
    "model_repr",
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


#: The ``extra`` of a model that got no undeclared keys: shared, so it costs nothing.
NO_EXTRA: Mapping[str, Any] = MappingProxyType({})


class AbsentList(list[Any]):
    """The empty list a list field holds when Zoom did not send the key.

    It is an ordinary list (append to it freely); while empty, :func:`unstructure` leaves
    the key out, so a decoded body is written back exactly as it came.
    """

    __slots__ = ()


def _is_extra(a: attrs.Attribute) -> bool:  # type: ignore[type-arg]
    return bool(a.metadata.get("extra"))


_REPR_PLANS: dict[type, tuple[tuple[str, bool], ...]] = {}


def model_repr(self: object) -> str:
    """``Model(field=value, ...)`` without None fields, with secret fields redacted.

    Secret fields (``x-zoom-secret`` in the spec: passwords, ZAK-bearing URLs, tokens) show
    as ``'<redacted>'``; the attribute itself still holds the value. Of ``extra`` only the
    key names are shown, since its values are unknown to the spec.
    """
    cls = type(self)
    plan = _REPR_PLANS.get(cls)
    if plan is None:
        plan = _REPR_PLANS[cls] = tuple(
            (a.name, bool(a.metadata.get("secret")))
            for a in attrs.fields(cls)  # type: ignore[arg-type]
            if not _is_extra(a)
        )
    parts = []
    for name, secret in plan:
        value = getattr(self, name)
        if value is None or (value.__class__ is AbsentList and not value):
            continue
        parts.append(f"{name}='<redacted>'" if secret else f"{name}={value!r}")
    extra = getattr(self, "extra", None)
    if extra:
        parts.append(f"extra=<keys {', '.join(map(repr, extra))}>")
    return f"{cls.__name__}({', '.join(parts)})"


_EQ_FIELDS: dict[type, tuple[str, ...]] = {}


def model_eq(self: object, other: object) -> bool:
    """``==`` for generated models: same class and equal fields (as attrs' own ``eq``).

    One shared function instead of one compiled per class: attrs' generated ``__eq__``
    is about half the cost of defining a model class, paid on first use of each.
    """
    if other.__class__ is not self.__class__:
        return NotImplemented  # type: ignore[no-any-return]
    names = _EQ_FIELDS.get(self.__class__)
    if names is None:
        names = _EQ_FIELDS[self.__class__] = tuple(
            a.name
            for a in attrs.fields(self.__class__)  # type: ignore[arg-type]
        )
    return all(getattr(self, name) == getattr(other, name) for name in names)


converter = cattrs.Converter()


def _wrong(kind: str, value: Any) -> TypeError:
    return TypeError(f"expected {kind}, got {type(value).__name__}")


def _structure_str(value: Any, _: Any = None) -> str:
    # IDs documented as strings sometimes arrive as numbers; anything else is a bad response.
    if value.__class__ is str:
        return value
    if isinstance(value, int | float) and not isinstance(value, bool):
        return str(value)
    raise _wrong("a string", value)


def _structure_float(value: Any, _: Any = None) -> float:
    if value.__class__ is float:
        return value
    if isinstance(value, int) and not isinstance(value, bool):
        return float(value)
    raise _wrong("a number", value)


def _structure_bool(value: Any, _: Any = None) -> bool:
    if value.__class__ is bool:
        return value
    raise _wrong("a boolean", value)


def _structure_list(value: Any, _: Any = None) -> list[Any]:
    if value.__class__ is list:
        return value
    raise _wrong("an array", value)


def _structure_datetime(value: Any, _: Any = None) -> Any:
    if value is None or value == "":
        return None
    if isinstance(value, dt.datetime):
        return value
    return dt.datetime.fromisoformat(value)


def _structure_date(value: Any, _: Any = None) -> Any:
    if value is None or value == "":
        return None
    if isinstance(value, dt.date):
        return value
    return dt.date.fromisoformat(value[:10])


def _unstructure_datetime(value: dt.datetime | str) -> str:
    if isinstance(value, str):
        # An ISO string given for a date-time field goes as written; request bodies are
        # checked against the spec's date-time format before they are sent.
        return value
    # Zoom writes whole seconds or milliseconds: keep its precision so a decoded body is
    # written back as it came ("…16.899Z", not "…16.899000Z").
    spec = "milliseconds" if value.microsecond % 1000 == 0 and value.microsecond else "auto"
    if value.tzinfo is not None and value.utcoffset() == dt.timedelta(0):
        return value.replace(tzinfo=None).isoformat(timespec=spec) + "Z"
    return value.isoformat(timespec=spec)


def _structure_int(value: Any, _: Any = None) -> int:
    # Zoom sends meeting IDs as numbers in some responses and as strings in others.
    if value.__class__ is int:
        return value
    if isinstance(value, bool):
        raise TypeError("expected an integer, got a boolean")
    if isinstance(value, float) and not value.is_integer():
        raise ValueError(f"expected an integer, got {value!r}")
    return int(value)


converter.register_structure_hook(dt.datetime, _structure_datetime)
converter.register_structure_hook(dt.date, _structure_date)
converter.register_unstructure_hook(dt.datetime, _unstructure_datetime)
converter.register_unstructure_hook(dt.date, lambda value: value.isoformat())
converter.register_structure_hook(int, _structure_int)
# The checks the generated decoders make inline, for converter.structure(value, str) too
# (bool needs its own: as a subclass of int it would otherwise get the int hook).
converter.register_structure_hook(str, _structure_str)
converter.register_structure_hook(float, _structure_float)
converter.register_structure_hook(bool, _structure_bool)


def _structure_typed_list(value: Any, tp: Any) -> list[Any]:
    # cattrs would iterate any iterable, turning "ab" into ["a", "b"].
    (item,) = typing.get_args(tp) or (Any,)
    return [converter.structure(v, item) for v in _structure_list(value)]


converter.register_structure_hook_func(
    lambda tp: typing.get_origin(tp) is list,  # type: ignore[comparison-overlap]
    _structure_typed_list,
)
# A file for a multipart body stays itself: wire.encode_multipart writes it as a file part.
converter.register_unstructure_hook(Upload, lambda upload: upload)


def _structure_upload(value: Any, _: Any) -> Upload:
    """An Upload in a dict body (``{"file": Upload(...)}``) is taken as it is."""
    if isinstance(value, Upload):
        return value
    raise TypeError(f"expected a file (zoom_async.wire.Upload), got {type(value).__name__}")


converter.register_structure_hook(Upload, _structure_upload)
# Open enums are ints/strs too: register them by class so they win over the int hook above.
converter.register_structure_hook(OpenIntEnum, lambda value, tp: tp(value))
converter.register_structure_hook(OpenStrEnum, lambda value, tp: tp(value))
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


converter.register_structure_hook_func(
    lambda tp: _open_enum_of(tp) is not None, _structure_open_enum
)


_JSON_KINDS: dict[type, tuple[Any, ...]] = {
    str: (str, dt.datetime, dt.date),
    int: (int, float),
    float: (float,),
    bool: (bool,),
    list: (list,),
}


def _structure_union(value: Any, tp: Any) -> Any:
    """A field typed ``A | B`` (``anyOf``/``oneOf``): pick the member by the JSON value's kind.

    An object goes to the model member(s), tried in order; a string to ``str`` (or a
    date-time), a number to ``int``/``float``, an array to the list member.
    """
    members = [a for a in typing.get_args(tp) if a is not type(None)]
    if value is None and len(members) < len(typing.get_args(tp)):
        return None
    candidates: list[Any]
    if isinstance(value, dict):
        candidates = [m for m in members if attrs.has(m) or m is Any]
        candidates += [m for m in members if typing.get_origin(m) is dict or m is dict]
    else:
        kinds = _JSON_KINDS.get(type(value), ())
        candidates = [m for m in members if m in kinds or typing.get_origin(m) in kinds or m is Any]
        candidates += [m for m in members if isinstance(m, type) and issubclass(m, enum.Enum)]
    errors: list[Exception] = []
    for member in candidates:
        try:
            return converter.structure(value, member)
        except (ValueError, TypeError, KeyError, cattrs.BaseValidationError) as exc:
            errors.append(exc)
    raise TypeError(
        f"{type(value).__name__} matches no member of {tp}" + (f" ({errors[0]})" if errors else "")
    )


def _is_plain_union(tp: Any) -> bool:
    if typing.get_origin(tp) not in (typing.Union, types.UnionType):
        return False
    return (
        _open_enum_of(tp) is None
        and len([a for a in typing.get_args(tp) if a is not type(None)]) > 1
    )


converter.register_structure_hook_func(_is_plain_union, _structure_union)


def _split_none(tp: Any) -> tuple[Any, bool]:
    """``(X, True)`` for ``X | None`` (X may itself be a union), else ``(tp, False)``."""
    if typing.get_origin(tp) in (typing.Union, types.UnionType):
        args = typing.get_args(tp)
        if type(None) in args:
            rest = tuple(a for a in args if a is not type(None))
            return (rest[0] if len(rest) == 1 else typing.Union[rest]), True  # noqa: UP007
    return tp, False


_PRIMITIVES: dict[Any, str] = {str: "_str", float: "_float", bool: "_bool"}


# Structuring is Python source, one function per attrs class: a page of 300 users goes
# through it 300 times, and cattrs' generic per-field hooks (one call per Optional field plus
# one per conversion) cost 3-4x the JSON parse itself. Each field becomes one expression that
# reads the key with ``dict.get`` and converts inline; only nested classes and rare types cost
# a function call. Behaviour matches the cattrs hooks registered above (they still serve
# ``converter.structure(data, SomeType)`` for non-classes). Generated models get this source
# from the generator (see register); the code below writes it at runtime for other classes.

_MISSING = object()
_building: set[type] = set()


class _Source:
    """Names the generated function closes over, and the lines of its body."""

    def __init__(self) -> None:
        self.globals: dict[str, Any] = {
            "_MISSING": _MISSING,
            "_fromisoformat": dt.datetime.fromisoformat,
            "_datetime": _structure_datetime,
            "_date": _structure_date,
            "_int": _structure_int,
            "_str": _structure_str,
            "_float": _structure_float,
            "_bool": _structure_bool,
            "_list": _structure_list,
        }

    def bind(self, value: Any) -> str:
        name = f"_g{len(self.globals)}"
        self.globals[name] = value
        return name


# Structure functions of attrs classes, by class. Looked up here rather than through the
# converter's dispatch, which computes each new class's MRO against every registered type
# (~0.3 ms a class on first use) and costs a few calls on every decode.
_CLASS_HOOKS: dict[type, Callable[[Any, Any], Any]] = {}


def _class_hook(tp: type) -> Callable[[Any, Any], Any]:
    hook = _CLASS_HOOKS.get(tp)
    if hook is None:
        hook = _CLASS_HOOKS[tp] = _structure_factory(tp)
    return hook


def _nested_hook(tp: type) -> Callable[[Any, Any], Any]:
    if tp in _building:
        # A class that (indirectly) contains itself: look its hook up when first needed.
        return lambda value, _: _class_hook(tp)(value, tp)
    return _class_hook(tp)


def _convert(tp: Any, v: str, src: _Source) -> str:
    """An expression converting the non-None wire value ``v`` to ``tp``.

    The common case (orjson already produced the right type) costs one class check inline;
    only a mismatch calls a function, which converts (a numeric ID sent as a number) or
    raises TypeError, so a bad response becomes InvalidResponseError, never a wrong model.
    """
    if tp is Any:
        return v
    if tp in _PRIMITIVES:
        return f"({v} if {v}.__class__ is {tp.__name__} else {_PRIMITIVES[tp]}({v}))"
    if tp is int:
        return f"({v} if {v}.__class__ is int else _int({v}, None))"
    if tp is dt.datetime:
        return f"(_fromisoformat({v}) if {v}.__class__ is str and {v} else _datetime({v}, None))"
    if tp is dt.date:
        return f"_date({v}, None)"
    enum_cls = _open_enum_of(tp) or tp
    if isinstance(enum_cls, type) and issubclass(enum_cls, enum.Enum):
        tp = enum_cls
        # The lookup Enum.__call__ starts with, without its call overhead; anything it
        # misses (open-enum values, "1" for 1) goes through the class itself.
        table, cls = src.bind(tp._value2member_map_), src.bind(tp)
        return f"(_m if (_m := {table}.get({v}, _MISSING)) is not _MISSING else {cls}({v}))"
    if isinstance(tp, type) and attrs.has(tp):
        return f"{src.bind(_nested_hook(tp))}({v}, None)"
    if typing.get_origin(tp) is list:
        (item,) = typing.get_args(tp) or (Any,)
        items = f"({v} if {v}.__class__ is list else _list({v}))"
        if isinstance(item, type) and attrs.has(item):
            hook = src.bind(_nested_hook(item))
            return f"[{hook}(_x, None) for _x in {items}]"
        element = _convert(item, "_x", src)
        return items if element == "_x" else f"[{element} for _x in {items}]"
    return f"{src.bind(converter.get_structure_hook(tp))}({v}, {src.bind(tp)})"


def _field_expression(a: attrs.Attribute, src: _Source) -> str:  # type: ignore[type-arg]
    """The expression that reads and converts one field of the wire dict ``o``."""
    wire = repr(a.metadata.get("wire", a.name))
    tp, nullable = _split_none(a.type)
    if _absent_list(a):
        # An absent (or null) list becomes an empty AbsentList, written back as absent.
        return f"(_Absent() if (_v := g({wire})) is None else {_convert(tp, '_v', src)})"
    # A missing key is a KeyError for a required field (as with cattrs); a field whose
    # default is not None is only passed when its key is present (see _structure_factory).
    read = f"g({wire})" if a.default is None else f"o[{wire}]"
    if a.converter is not None:
        return read  # the class converts it (cattrs' prefer-attrib-converters behaviour)
    conversion = _convert(tp, "_v", src)
    if conversion == "_v":
        return read
    # ``SomeEnum | str`` decodes None to None too (see _structure_open_enum).
    if nullable or a.default is None or _open_enum_of(a.type) is not None:
        return f"(None if (_v := {read}) is None else {conversion})"
    return f"((_v := {read}), {conversion})[1]"


def _absent_list(a: attrs.Attribute) -> bool:  # type: ignore[type-arg]
    default: Any = a.default
    return isinstance(default, attrs.Factory) and default.factory is AbsentList  # type: ignore[arg-type]


def _plain_init(cls: type, fields: tuple[attrs.Attribute, ...]) -> bool:  # type: ignore[type-arg]
    """Whether ``__init__`` only stores its arguments, so setting the slots directly is the same.

    True for every generated model: no validators, converters or hooks, and defaults that
    are None, an AbsentList or (for ``extra``) NO_EXTRA.
    """
    return (
        typing.cast(Any, cls).__setattr__ is object.__setattr__
        and not hasattr(cls, "__attrs_pre_init__")
        and not hasattr(cls, "__attrs_post_init__")
        and all(
            a.init
            and a.validator is None
            and a.converter is None
            and (
                a.default is None
                or a.default is attrs.NOTHING
                or _absent_list(a)
                or (_is_extra(a) and a.default is NO_EXTRA)
            )
            for a in fields
        )
    )


def _resolve(cls: type) -> None:
    """Make every field's ``type`` a real type, evaluating only string annotations.

    Generated models annotate with real types (only a reference to the class itself is a
    string), so this usually costs nothing; ``typing.get_type_hints`` on a large model
    costs about half a millisecond.
    """
    if any(isinstance(a.type, str) for a in attrs.fields(cls)):
        attrs.resolve_types(cls)


def _structure_factory(cls: type) -> Callable[[Any, Any], Any]:
    _resolve(cls)
    fields = attrs.fields(cls)
    _building.add(cls)
    try:
        src = _Source()
        src.globals["_cls"] = cls
        src.globals["_new"] = object.__new__
        src.globals["_not_object"] = _not_object
        src.globals["_Absent"] = AbsentList
        src.globals["_NO_EXTRA"] = NO_EXTRA
        src.globals["_extra"] = _extra
        src.globals["_known"] = frozenset(
            a.metadata.get("wire", a.name) for a in fields if not _is_extra(a)
        )
        # Undeclared keys: one C-level subset check when there are none (the usual case).
        keep_extra = "(_NO_EXTRA if o.keys() <= _known else _extra(o, _known))"
        lines = [
            "def structure(o, _):",
            "    if o.__class__ is not dict:",
            "        o = _not_object(o)",
            "    g = o.get",
        ]
        if _plain_init(cls, fields):
            # Calling attrs' __init__ with ~20 keyword arguments costs several times more
            # than the conversions themselves; it would only store them, so store directly.
            lines.append("    self = _new(_cls)")
            lines.extend(
                f"    self.{a.name} = {keep_extra if _is_extra(a) else _field_expression(a, src)}"
                for a in fields
            )
            lines.append("    return self")
        else:
            always, when_present = [], []
            for a in fields:
                if not a.init:
                    continue
                expression = keep_extra if _is_extra(a) else _field_expression(a, src)
                name = getattr(a, "alias", None) or a.name.lstrip("_")
                if a.default is None or a.default is attrs.NOTHING or _is_extra(a):
                    always.append(f"        {name}={expression},")
                elif _absent_list(a):
                    always.append(f"        {name}={expression},")
                else:
                    wire = repr(a.metadata.get("wire", a.name))
                    when_present.append(f"    if {wire} in o:\n        kw[{name!r}] = {expression}")
            if when_present:
                lines.append("    kw = {}")
                lines.extend(when_present)
                always.append("        **kw,")
            lines.extend(["    return _cls(", *always, "    )"])
        source = "\n".join(lines) + "\n"
        namespace: dict[str, Any] = {}
        filename = f"<zoom_async.serde structure {cls.__module__}.{cls.__qualname__}>"
        exec(compile(source, filename, "exec"), src.globals, namespace)
        fn: Callable[[Any, Any], Any] = namespace["structure"]
        fn.__qualname__ = f"structure_{cls.__name__}"
        return fn
    finally:
        _building.discard(cls)


def _extra(wire: dict[str, Any], known: frozenset[str]) -> Mapping[str, Any]:
    # The set difference runs in C; Zoom's new fields usually come one or two at a time.
    unknown = wire.keys() - known
    if len(unknown) == 1:
        (key,) = unknown
        return {key: wire[key]}
    return {key: value for key, value in wire.items() if key in unknown}


def _not_object(value: Any) -> dict[str, Any]:
    """A model needs a JSON object; a mapping is copied, anything else is a bad response."""
    if isinstance(value, Mapping):
        return dict(value)
    raise _wrong("a JSON object", value)


def _unstructure_factory(cls: type) -> Callable[[Any], Any]:
    _resolve(cls)
    fields = attrs.fields(cls)
    overrides = {}
    absent: list[tuple[str, str]] = []
    extra: str | None = None
    for a in fields:
        wire = a.metadata.get("wire", a.name)
        if _is_extra(a):
            extra = a.name
            overrides[a.name] = override(omit=True)
        elif _absent_list(a):
            # An empty list Zoom sent stays; only an AbsentList (never sent) is left out.
            absent.append((a.name, wire))
            overrides[a.name] = override(rename=wire, omit_if_default=False)
        elif wire != a.name:
            overrides[a.name] = override(rename=wire)
    base: Callable[[Any], dict[str, Any]] = make_dict_unstructure_fn(
        cls,
        converter,
        _cattrs_omit_if_default=True,
        **overrides,  # type: ignore[arg-type]
    )
    if not absent and extra is None:
        return base

    def unstructure_model(obj: Any) -> dict[str, Any]:
        data: dict[str, Any] = base(obj)
        for name, wire in absent:
            value = getattr(obj, name)
            if value.__class__ is AbsentList and not value:
                del data[wire]
        if extra is not None:
            more = getattr(obj, extra)
            if more:
                data.update(more)
        return data

    return unstructure_model


converter.register_structure_hook_factory(attrs.has, _class_hook)
converter.register_unstructure_hook_factory(
    attrs.has, lambda cls: _GENERATED_UNSTRUCTURE.get(cls) or _unstructure_factory(cls)
)

# Generated models bring their own decoders, written by the generator from the spec
# (generator/templates/model.py.jinja) with the semantics of the runtime ones above, so a
# model's first use compiles nothing. They register here when their module is imported.
_GENERATED_UNSTRUCTURE: dict[type, Callable[[Any], dict[str, Any]]] = {}


def register(
    cls: type, structure_fn: Callable[..., Any], unstructure_fn: Callable[[Any], dict[str, Any]]
) -> None:
    """Make ``cls`` decode and encode through its generated functions."""
    _CLASS_HOOKS[cls] = structure_fn
    _GENERATED_UNSTRUCTURE[cls] = unstructure_fn


def _structure_strs(value: Any) -> list[str]:
    """A ``list[str]`` field: the parsed list itself when every item is a string (one C call)."""
    if value.__class__ is list:
        try:
            "".join(value)  # raises TypeError on any item that is not a string
        except TypeError:
            pass
        else:
            return value
    return [_structure_str(item) for item in _structure_list(value)]


def structure_as(value: Any, tp: Any) -> Any:
    """Structure ``value`` as ``tp`` through the converter (unions, constants: the rare fields)."""
    return converter.structure(value, tp)


# The names generated decoders use (see register); the same checks the runtime ones inline.
MISSING = _MISSING
fromisoformat = dt.datetime.fromisoformat
new_model: Callable[[type], Any] = object.__new__
to_str = _structure_str
to_int = _structure_int
to_float = _structure_float
to_bool = _structure_bool
to_list = _structure_list
to_strs = _structure_strs
to_datetime = _structure_datetime
to_date = _structure_date
to_object = _not_object
extra_of = _extra


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
    value: T = _decode(body, cls, cls.__name__, status)
    return value


def decode_union(body: bytes, tp: Any, *, status: int = 200) -> Any:
    """:func:`decode` for a response typed as a union (a top-level ``oneOf``/``anyOf``)."""
    return _decode(body, tp, "oneOf", status)


def _decode(body: bytes, tp: Any, label: str, status: int) -> Any:
    # Parsing and structuring allocate thousands of acyclic containers per page; with the
    # cyclic GC running, each batch is traversed again and again (and survivors push it into
    # full collections of the whole heap), which doubles the cost of a 300-user page.
    # Refcounting frees everything as usual; the collector resumes when we return.
    pause = gc.isenabled()
    if pause:
        gc.disable()
    try:
        data = orjson.loads(body)
        hook = _CLASS_HOOKS.get(tp)
        if hook is not None:
            return hook(data, tp)
        return converter.structure(data, tp)
    except orjson.JSONDecodeError as exc:
        raise InvalidResponseError(
            status, f"malformed {label} response: {_describe(exc)}", body=body
        ) from None
    except (ValueError, TypeError, KeyError, AttributeError, cattrs.BaseValidationError) as exc:
        where = _where(orjson.loads(body), tp, "")
        at = f" at {where}" if where else ""
        raise InvalidResponseError(
            status, f"malformed {label} response{at}: {_describe(exc)}", body=body
        ) from None
    finally:
        if pause:
            gc.enable()


def _where(data: Any, tp: Any, path: str) -> str:
    """The path (``.settings.audio``, ``.users[3]``) of the first value that fails to decode.

    Only run to word an error: the decoders themselves carry no path bookkeeping.
    """
    tp, _ = _split_none(tp)
    if isinstance(tp, type) and attrs.has(tp) and isinstance(data, dict):
        _resolve(tp)
        for a in attrs.fields(tp):
            wire = a.metadata.get("wire", a.name)
            if _is_extra(a) or data.get(wire) is None:
                continue
            try:
                converter.structure(data[wire], a.type)
            except Exception:
                return _where(data[wire], a.type, f"{path}.{wire}")
    elif typing.get_origin(tp) is list and isinstance(data, list):
        (item,) = typing.get_args(tp) or (Any,)
        for index, value in enumerate(data):
            try:
                converter.structure(value, item)
            except Exception:
                return _where(value, item, f"{path}[{index}]")
    return path


def _describe(exc: BaseException) -> str:
    text = str(exc) or type(exc).__name__
    return text[:200]


def dumps(data: Any) -> bytes:
    """Serialise JSON-ready data (or a model) to bytes."""
    if attrs.has(type(data)):
        data = converter.unstructure(data)
    return orjson.dumps(data)
