"""The spec-driven layer: serves any operation that has no bespoke handler.

Path values naming things the account holds (users, meetings, webinars, groups, past
instances) must exist. Plain CRUD families found in the spec (a POST on a collection path
with GET/PATCH/PUT/DELETE on ``collection/{id}``) keep their items in an in-memory
:class:`Store`; a path with GET and PATCH/PUT but no create is a settings-like singleton whose
updates later reads show. Everything else answers with a body synthesized from the success
response schema (the spec's example where it conforms), seeded by the sandbox seed, the
operation and the path values, so the same request always gets the same answer.
"""

from __future__ import annotations

import random
from collections.abc import Callable, Collection, Mapping
from typing import TYPE_CHECKING, Any

import attrs

from .call import Call, Reply, uuid_param
from .errors import ApiError
from .spec import OperationFacts
from .state import is_numeric_id
from .synth import Synth, project
from .validate import resolve

if TYPE_CHECKING:
    from .server import ZoomSandbox

__all__ = ["ITEM_NOT_FOUND", "KINDS", "UNIQUE", "Family", "Store", "Unique", "crud_families",
           "kinds", "serve"]  # fmt: skip

_WRITES = ("PATCH", "PUT")
_SEEDED_ITEMS = 2


def _segments(path: str) -> list[str]:
    return path.strip("/").split("/")


def _is_param(segment: str) -> bool:
    return segment.startswith("{") and segment.endswith("}")


def _noun(name: str) -> str:
    """``"trackingFieldId"`` -> ``"Tracking field"`` for "does not exist" messages."""
    base = name[:-2] if name.endswith(("Id", "ID")) else name
    words: list[str] = []
    for char in base:
        if char.isupper() and words:
            words.append(" ")
        words.append(char.lower())
    text = "".join(words).replace("_", " ").strip() or "Resource"
    return text[0].upper() + text[1:]


# ---- what a path value must name ------------------------------------------------------------

# Zoom's "does not exist" codes for the resources the account state holds.
_NOT_FOUND_CODES = {"meeting": 3001, "webinar": 3001, "user": 1001, "group": 4130}


def _exists(sandbox: ZoomSandbox, call: Call, name: str) -> bool | None:
    """Whether the path value ``name`` names something the account holds; None when the
    parameter is not one the state tracks (then any value is accepted)."""
    state = sandbox.state
    if name == "userId":
        return state.find_user(call.param(name), call.me) is not None
    if name in ("meetingId", "meetingUUID"):
        ref = uuid_param(call, name)
        if ref is None:
            return False
        if is_numeric_id(ref):
            return state.get_meeting(int(ref)) is not None or state.find_instance(ref) is not None
        return state.find_instance(ref) is not None
    if name in ("webinarId", "webinarUUID"):
        ref = uuid_param(call, name)
        if ref is None:
            return False
        if is_numeric_id(ref):
            return int(ref) in state.webinars
        return state.find_webinar_instance(ref) is not None
    if name == "groupId":
        return call.param(name) in state.groups
    return None


def _kind(name: str) -> str:
    return name.removesuffix("Id").removesuffix("UUID").lower()


def check_parents(call: Call, names: tuple[str, ...]) -> None:
    """404 for the first path value that names nothing the account holds."""
    for name in names:
        if _exists(call.sandbox, call, name) is False:
            kind = _kind(name)
            code = _NOT_FOUND_CODES.get(kind, 404)
            raise ApiError(404, code, f"{_noun(name)} does not exist: {call.param(name)}.")


# ---- CRUD families --------------------------------------------------------------------------


@attrs.frozen
class Family:
    """A collection path and its item path, with the operations found on each."""

    collection: str  # path template of the collection
    item_param: str  # the path parameter naming one item
    create: OperationFacts | None
    list: OperationFacts | None
    read: OperationFacts | None

    def item_schema(self, components: Mapping[str, Mapping[str, Any]]) -> Mapping[str, Any]:
        """The richest item shape: the read body, else the listed items, else the create body."""
        if self.read is not None and self.read.response_schema:
            return self.read.response_schema
        listed = self.list and _items_field(self.list.response_schema or {}, components)
        if listed:
            return listed[1]
        if self.create is not None and self.create.response_schema:
            return self.create.response_schema
        return {"type": "object"}


def crud_families(
    operations: Mapping[str, OperationFacts], bespoke: Collection[str] = ()
) -> dict[str, Family]:
    """Families by collection template, found from the spec's routes alone; a family whose
    create route is in ``bespoke`` keeps its items in the account state instead."""
    by_route = {(op.method, op.path): op for op in operations.values()}
    families: dict[str, Family] = {}
    for op in operations.values():
        segments = _segments(op.path)
        if len(segments) < 2 or not _is_param(segments[-1]):
            continue
        collection = "/" + "/".join(segments[:-1])
        create = by_route.get(("POST", collection))
        if create is None or collection in families or create.route in bespoke:
            continue
        families[collection] = Family(
            collection=collection,
            item_param=segments[-1][1:-1],
            create=create,
            list=by_route.get(("GET", collection)),
            read=by_route.get(("GET", op.path.rsplit("/", 1)[0] + "/" + segments[-1])),
        )
    return families


def _items_field(
    schema: Mapping[str, Any], components: Mapping[str, Mapping[str, Any]]
) -> tuple[str, Mapping[str, Any]] | None:
    """The list envelope's array-of-objects property: (name, item schema)."""
    schema = resolve(schema, components)
    for name, sub in (schema.get("properties") or {}).items():
        sub = resolve(sub, components)
        if sub.get("type") == "array":
            items = resolve(sub.get("items") or {}, components)
            if items.get("type") == "object" or "properties" in items or "allOf" in items:
                return name, sub.get("items") or {}
    return None


@attrs.frozen
class Unique:
    """A field no two items of a family may share, and Zoom's answer when one would."""

    field: str
    status: int
    code: int
    noun: str  # for the message: "<noun> <value> is already in use."


#: Uniqueness rules by family collection, with the status and code Zoom's specs document
#: for a create or update that repeats another item's value (the H.323 answer is a 404 in
#: every spec). Comparison ignores case, as for emails.
UNIQUE: dict[str, Unique] = {
    "/h323/devices": Unique("name", 404, 2020, "The H.323 device name"),
    "/roles": Unique("name", 400, 1224, "The role name"),
    "/sip_phones": Unique("user_email", 400, 300, "A SIP phone for"),
    "/sip_phones/phones": Unique("user_email", 400, 300, "A SIP phone for"),
    "/tracking_fields": Unique("field", 400, 200, "The tracking field"),
}

#: Zoom's "does not exist" codes for family items where its specs give one (else 404).
ITEM_NOT_FOUND: dict[str, int] = {"/tracking_fields": 5110, "/sip_phones/phones": 2305}


def _check_unique(
    family: Family, items: Mapping[str, Mapping[str, Any]], body: Any, item_id: str | None
) -> None:
    rule = UNIQUE.get(family.collection)
    if rule is None or not isinstance(body, Mapping) or body.get(rule.field) is None:
        return
    wanted = str(body[rule.field]).casefold()
    for other_id, other in items.items():
        if other_id != item_id and str(other.get(rule.field, "")).casefold() == wanted:
            message = f"{rule.noun} {body[rule.field]} is already in use."
            raise ApiError(rule.status, rule.code, message)


class Store:
    """Items of every CRUD family and the overrides of singleton resources."""

    def __init__(
        self, seed: int, operations: Mapping[str, OperationFacts], bespoke: Collection[str] = ()
    ) -> None:
        self.seed = seed
        self.families = crud_families(operations, bespoke)
        self._family_of: dict[str, tuple[Family, bool]] = {}  # route -> (family, on item?)
        for family in self.families.values():
            item_path = f"{family.collection}/{{{family.item_param}}}"
            for op in operations.values():
                if op.path == family.collection and op.method in ("GET", "POST"):
                    self._family_of[op.route] = (family, False)
                elif op.path == item_path:
                    self._family_of[op.route] = (family, True)
        self._items: dict[tuple[str, tuple[str, ...]], dict[str, dict[str, Any]]] = {}
        self.singletons: dict[tuple[str, tuple[str, ...]], dict[str, Any]] = {}
        self._serial = 0

    def family(self, facts: OperationFacts) -> tuple[Family, bool] | None:
        return self._family_of.get(facts.route)

    def items(
        self, family: Family, scope: tuple[str, ...], synth: Callable[[random.Random], Synth]
    ) -> dict[str, dict[str, Any]]:
        """The family's items under these parent path values (seeded on first use)."""
        key = (family.collection, scope)
        items = self._items.get(key)
        if items is None:
            items = {}
            rng = random.Random(f"{self.seed}:{family.collection}:{'/'.join(scope)}")
            maker = synth(rng)
            for _ in range(_SEEDED_ITEMS):
                record = maker.value(family.item_schema(maker.components))
                record = record if isinstance(record, dict) else {}
                record["id"] = self.new_id(family, rng)
                items[str(record["id"])] = record
            self._items[key] = items
        return items

    def new_id(self, family: Family, rng: random.Random) -> str | int:
        params = family.read.path_params if family.read else ()
        schema: Mapping[str, Any] = next(
            (p.get("schema") or {} for p in params if p["name"] == family.item_param), {}
        )
        self._serial += 1
        if schema.get("type") == "integer":
            return rng.randrange(10**9, 10**10) * 10 + self._serial % 10
        return f"{rng.getrandbits(64):016x}{self._serial:04d}"

    def ids(self, collection: str) -> list[str]:
        """Ids of items held for a family (any scope), e.g. to address one in a test."""
        return [item for (name, _), items in self._items.items() if name == collection
                for item in items]  # fmt: skip


# ---- what serves each operation ------------------------------------------------------------

#: How an operation is served: a bespoke handler on the account state, a generic CRUD family
#: store, a settings-like singleton (a GET whose path also takes PATCH/PUT), or a body
#: synthesized from the spec alone.
KINDS = ("stateful", "crud", "settings", "generic")


def kinds(
    operations: Collection[OperationFacts], bespoke: Collection[str], store: Store
) -> dict[str, str]:
    """Each operation's kind (by operationId), from the routes and the store alone."""
    methods: dict[str, set[str]] = {}
    for facts in operations:
        methods.setdefault(facts.path, set()).add(facts.method)
    found = {}
    for facts in operations:
        on_path = methods[facts.path]
        if facts.route in bespoke:
            kind = "stateful"
        elif store.family(facts) is not None:
            kind = "crud"
        elif "GET" in on_path and on_path & set(_WRITES) and facts.method in ("GET", *_WRITES):
            kind = "settings"
        else:
            kind = "generic"
        found[facts.operation_id] = kind
    return found


# ---- serving --------------------------------------------------------------------------------


def _rng(sandbox: ZoomSandbox, call: Call) -> random.Random:
    values = "/".join(call.request.match_info.get(p["name"], "") for p in call.facts.path_params)
    return random.Random(f"{sandbox.seed}:{call.operation_id}:{values}")


def _status(facts: OperationFacts) -> int:
    return facts.success_status or 200


def _example(facts: OperationFacts) -> Any:
    return facts.response_examples[0] if facts.response_examples else None


def _body(call: Call, synth: Synth, record: Mapping[str, Any] | None = None) -> Reply:
    facts = call.facts
    status = _status(facts)
    if status == 204 or not facts.response_schema:
        return status, _example(facts)  # `{}` where Zoom documents it, else no body
    if record is None:
        value = synth.value(facts.response_schema, _example(facts))
    else:
        value = project(record, facts.response_schema, synth)
    if isinstance(value, dict) and value.get("next_page_token"):
        value["next_page_token"] = ""  # an example's token leads nowhere: the last page
    return status, value


async def serve(call: Call) -> Reply:
    """Answer ``call`` from the spec facts and the generic store."""
    sandbox = call.sandbox
    facts = call.facts
    names = tuple(p["name"] for p in facts.path_params)
    store = sandbox.store
    found = store.family(facts)
    item_param = found[0].item_param if found and found[1] else None
    check_parents(call, tuple(n for n in names if n != item_param))
    synth = Synth(sandbox.schemas, _rng(sandbox, call))
    if found is not None:
        return _serve_family(call, synth, *found)
    if facts.method == "GET" or facts.method in _WRITES:
        key = (facts.path, tuple(call.param(n) for n in names))
        if facts.method in _WRITES and isinstance(call.body, dict):
            store.singletons.setdefault(key, {}).update(call.body)
            return _body(call, synth)
        override = store.singletons.get(key)
        if facts.method == "GET" and override and facts.response_schema:
            base = synth.value(facts.response_schema, _example(facts))
            if isinstance(base, dict):
                return _body(call, synth, {**base, **override})
    if facts.method == "DELETE":
        store.singletons.pop((facts.path, tuple(call.param(n) for n in names)), None)
    return _body(call, synth)


def _serve_family(call: Call, synth: Synth, family: Family, on_item: bool) -> Reply:
    facts = call.facts
    store = call.sandbox.store
    parents = tuple(
        call.param(p["name"]) for p in facts.path_params if p["name"] != family.item_param
    )

    def maker(rng: random.Random) -> Synth:
        return Synth(call.sandbox.schemas, rng)

    items = store.items(family, parents, maker)
    if not on_item:
        if facts.method == "POST":
            _check_unique(family, items, call.body, None)
            record = synth.value(family.item_schema(synth.components))
            record = record if isinstance(record, dict) else {}
            if isinstance(call.body, dict):
                record.update(call.body)
            record["id"] = store.new_id(family, synth.rng)
            items[str(record["id"])] = record
            return _body(call, synth, record)
        return _list(call, synth, list(items.values()))
    item_id = call.param(family.item_param)
    record = items.get(item_id)
    if record is None:
        noun = _noun(family.item_param)
        code = ITEM_NOT_FOUND.get(family.collection, 404)
        raise ApiError(404, code, f"{noun} does not exist: {item_id}.")
    if facts.method == "DELETE":
        del items[item_id]
        return _body(call, synth)
    if facts.method in _WRITES and isinstance(call.body, dict):
        _check_unique(family, items, call.body, item_id)
        record.update(call.body)
        return _body(call, synth, record)
    return _body(call, synth, record)


def _list(call: Call, synth: Synth, records: list[dict[str, Any]]) -> Reply:
    facts = call.facts
    schema = facts.response_schema
    if not schema:
        return _body(call, synth)
    envelope = synth.value(schema, _example(facts))
    field = _items_field(schema, synth.components)
    if not isinstance(envelope, dict) or field is None:
        return _status(facts), envelope
    name, item_schema = field
    page = records
    if any(p.get("name") in ("page_size", "next_page_token") for p in facts.query_params):
        paging, page = call.page("/".join(call.request.match_info.values()), records)
        envelope.update({k: v for k, v in paging.items() if k in envelope})
    elif "total_records" in envelope:
        envelope["total_records"] = len(records)
    envelope[name] = [project(r, item_schema, synth) for r in page]
    return _status(facts), project(envelope, schema, synth)
