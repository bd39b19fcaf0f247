"""Generic CRUD families, one by one: what you create you can get, find in the list, update
and delete, and then it is gone (404). The families are the ones the store finds in the
spec's routes (devices, H.323 devices, tracking fields, SIP phones, TSP accounts, ...)."""

from __future__ import annotations

import random
from typing import Any

import pytest

from zoom_async.sandbox import ZoomSandbox
from zoom_async.sandbox.generic import UNIQUE, Family
from zoom_async.sandbox.synth import Synth
from zoom_async.sandbox.validate import resolve

from .conftest import Api, assert_conforms, sandbox_spec

_FAMILIES = ZoomSandbox(users=1, spec=sandbox_spec()).store.families
# Families the issue names: each must be found in the spec's routes and pass the full cycle.
NAMED = ("/devices", "/h323/devices", "/tracking_fields", "/sip_phones/phones",
         "/users/{userId}/tsp")  # fmt: skip


def _route(sandbox: ZoomSandbox, method: str, path: str) -> Any:
    return next(
        (
            op.facts
            for op in sandbox.operations
            if (op.facts.method, op.facts.path) == (method, path)
        ),
        None,
    )


def _fill(sandbox: ZoomSandbox, template: str) -> str:
    """The path with parent values that name something the account holds."""
    state = sandbox.state
    values = {
        "{userId}": "me",
        "{groupId}": next(iter(state.groups)),
        "{meetingId}": str(next(iter(state.meetings))),
        "{webinarId}": str(next(iter(state.webinars))),
    }
    parts = []
    for segment in template.split("/"):
        parts.append(values.get(segment, "sandbox1") if segment.startswith("{") else segment)
    return "/".join(parts)


def _body(sandbox: ZoomSandbox, facts: Any, tag: str) -> dict[str, Any]:
    body = Synth(sandbox.schemas, random.Random(f"{facts.operation_id}:{tag}")).value(
        facts.body_schema
    )
    assert isinstance(body, dict)
    family = _family_of(facts.path)
    rule = UNIQUE.get(family.collection) if family else None
    if rule is not None and rule.field in body:
        body[rule.field] = f"{tag}@example.org"
    return body


def _family_of(path: str) -> Family | None:
    for family in _FAMILIES.values():
        if path in (family.collection, f"{family.collection}/{{{family.item_param}}}"):
            return family
    return None


def _scalar_field(sandbox: ZoomSandbox, schema: Any, body: dict[str, Any]) -> str | None:
    """A string field the update sends that the read shows, to see the change."""
    props = resolve(schema or {}, sandbox.schemas).get("properties") or {}
    for name, value in body.items():
        sub = resolve(props.get(name) or {}, sandbox.schemas)
        if isinstance(value, str) and sub.get("type") == "string" and "enum" not in sub:
            if not sub.get("format") and name != "password":
                return name
    return None


def test_the_named_families_are_found_in_the_spec() -> None:
    present = {
        c for c in NAMED if c in _FAMILIES
    }  # a family whose routes are parked is simply absent
    assert present, f"none of {NAMED} found: {sorted(_FAMILIES)}"
    for collection in present:
        family = _FAMILIES[collection]
        assert family.create is not None


@pytest.mark.parametrize("collection", sorted(_FAMILIES))
async def test_create_get_list_update_delete(
    api: Api, sandbox: ZoomSandbox, collection: str
) -> None:
    family = _FAMILIES[collection]
    item_path = f"{collection}/{{{family.item_param}}}"
    create = family.create
    assert create is not None
    update = _route(sandbox, "PATCH", item_path) or _route(sandbox, "PUT", item_path)
    delete = _route(sandbox, "DELETE", item_path)
    base = _fill(sandbox, collection)

    if family.list is not None:  # the family's seeded items appear on first use
        status, _, _ = await api.get(base)
        assert status == 200
    before = set(sandbox.store.ids(collection))
    body = _body(sandbox, create, "first") if create.body_schema else None
    status, _, made = await api.call("POST", base, json=body)
    assert status == (create.success_status or 201), made
    if made is not None:
        assert_conforms(create.operation_id, status, made)
    new = set(sandbox.store.ids(collection)) - before
    if isinstance(made, dict) and made.get("id"):
        item_id = str(made["id"])
        assert item_id in new
    else:
        assert len(new) == 1, "the create added exactly one item"
        item_id = new.pop()
    item = f"{base}/{item_id}"

    if family.read is not None:
        status, _, read = await api.get(item)
        assert status == 200, read
        assert_conforms(family.read.operation_id, 200, read)
        field = _scalar_field(sandbox, family.read.response_schema, body or {})
        if field is not None:
            assert read.get(field) == body[field]  # type: ignore[index]
    if family.list is not None:
        status, _, listed = await api.get(base, params={"page_size": "300"})
        assert status == 200, listed
        assert_conforms(family.list.operation_id, 200, listed)
        rows = next(v for v in listed.values() if isinstance(v, list))
        assert len(rows) == len(sandbox.store.ids(collection)), "every item is listed"
        if rows and "id" in rows[0]:
            assert item_id in {str(r["id"]) for r in rows}
    if update is not None and update.body_schema is not None:
        change = _body(sandbox, update, "second")
        status, _, answer = await api.call(update.method, item, json=change)
        assert status == (update.success_status or 204), answer
        field = _scalar_field(sandbox, (family.read or update).response_schema, change)
        if family.read is not None and field is not None:
            status, _, read = await api.get(item)
            assert read.get(field) == change[field]
    if delete is None:
        return
    status, _, answer = await api.call("DELETE", item)
    assert status == (delete.success_status or 204), answer
    assert item_id not in sandbox.store.ids(collection)
    status, _, gone = await api.call("DELETE", item)
    assert status == 404 and gone["code"], gone
    if family.read is not None:
        status, _, gone = await api.get(item)
        assert status == 404, gone
    if update is not None and update.body_schema is not None:
        status, _, gone = await api.call(update.method, item, json=_body(sandbox, update, "x"))
        assert status == 404, gone
