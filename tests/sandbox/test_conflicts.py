"""Zoom's documented conflicts: an email, group name or template name already in use, the
template cap, and the generic families' uniqueness table (H.323 devices, roles, SIP phones,
tracking fields), each with the status and code Zoom's specs give. Templates keep their
source meeting's settings and a meeting created from one starts with them."""

from __future__ import annotations

import random
from typing import Any

import pytest

from zoom_async.errors import ConflictError
from zoom_async.sandbox import ZoomSandbox
from zoom_async.sandbox.generic import UNIQUE
from zoom_async.sandbox.handlers import MAX_TEMPLATES
from zoom_async.sandbox.synth import Synth

from .conftest import Api, assert_conforms, load_spec, spec_routes


def _body(sandbox: ZoomSandbox, operation_id: str, **fields: Any) -> dict[str, Any]:
    """A request body valid for the operation (synthesized from its schema), with ``fields``."""
    facts = next(op.facts for op in sandbox.operations if op.operation_id == operation_id)
    assert facts.body_schema is not None
    body = Synth(sandbox.schemas, random.Random(operation_id)).value(facts.body_schema)
    return {**body, **fields}


async def test_an_email_in_use_is_a_409_1005(api: Api, sandbox: ZoomSandbox) -> None:
    info = {"email": "Ada.Repeat@example.org", "type": 1, "first_name": "Ada"}
    status, _, body = await api.call("POST", "/users", json={"action": "create", "user_info": info})
    assert status == 201
    count = len(sandbox.state.users)
    # The same address in another case, and a seeded user's, are both taken.
    for email in ("ada.repeat@EXAMPLE.org", sandbox.state.users[3].email):
        again = {"action": "create", "user_info": {**info, "email": email}}
        status, _, body = await api.call("POST", "/users", json=again)
        assert (status, body["code"]) == (409, 1005), body
        assert email in body["message"]
    assert len(sandbox.state.users) == count
    assert "409" in load_spec()["paths"]["/users"]["post"]["responses"]


async def test_the_client_raises_conflict_error(sandbox: ZoomSandbox) -> None:
    email = sandbox.state.users[1].email
    async with sandbox.client() as zoom:
        with pytest.raises(ConflictError) as caught:
            await zoom.create_user({"action": "create", "user_info": {"email": email, "type": 1}})
    assert caught.value.status == 409 and caught.value.code == 1005


async def test_a_group_name_in_use_is_a_409_4132(api: Api) -> None:
    status, _, first = await api.call("POST", "/groups", json={"name": "Field team"})
    assert status == 201
    status, _, body = await api.call("POST", "/groups", json={"name": "Field team"})
    assert (status, body["code"]) == (409, 4132)
    status, _, second = await api.call("POST", "/groups", json={"name": "Desk team"})
    assert status == 201
    status, _, body = await api.call(
        "PATCH", f"/groups/{second['id']}", json={"name": "Field team"}
    )
    assert (status, body["code"]) == (409, 4132)
    # Renaming a group to its own name is no conflict.
    status, _, _ = await api.call("PATCH", f"/groups/{first['id']}", json={"name": "Field team"})
    assert status == 204
    for route in ("post", "patch"):
        path = "/groups" if route == "post" else "/groups/{groupId}"
        assert "409" in load_spec()["paths"][path][route]["responses"]


async def test_template_names_are_unique_and_capped(api: Api, sandbox: ZoomSandbox) -> None:
    meeting = next(iter(sandbox.state.meetings_of(sandbox.state.owner)))
    path = "/users/me/meeting_templates"
    status, _, created = await api.call(
        "POST", path, json={"meeting_id": meeting.id, "name": "Standup"}
    )
    assert status == 201 and created["name"] == "Standup"
    assert_conforms("createMeetingTemplate", 201, created)
    status, _, body = await api.call(
        "POST", path, json={"meeting_id": meeting.id, "name": "Standup"}
    )
    assert (status, body["code"]) == (400, 3000)
    # overwrite replaces the template of that name, keeping its id.
    status, _, body = await api.call(
        "POST", path, json={"meeting_id": meeting.id, "name": "Standup", "overwrite": True}
    )
    assert status == 201 and body["id"] == created["id"]
    status, _, body = await api.call("POST", path, json={"meeting_id": 12345, "name": "Other"})
    assert (status, body["code"]) == (400, 3001)
    held = len(sandbox.state.owner.templates)
    for index in range(MAX_TEMPLATES - held):
        status, _, _ = await api.call("POST", path, json={"name": f"T{index}"})
        assert status == 201
    status, _, body = await api.call("POST", path, json={"name": "One too many"})
    assert (status, body["code"]) == (400, 300)
    status, _, listed = await api.get(path)
    assert listed["total_records"] == MAX_TEMPLATES


async def test_a_meeting_from_a_template_gets_its_settings(api: Api, sandbox: ZoomSandbox) -> None:
    source = {"topic": "Source", "type": 2, "settings": {"waiting_room": True,
              "mute_upon_entry": True, "auto_recording": "cloud"}}  # fmt: skip
    status, _, meeting = await api.call("POST", "/users/me/meetings", json=source)
    assert status == 201
    status, _, template = await api.call(
        "POST", "/users/me/meeting_templates", json={"meeting_id": meeting["id"], "name": "Src"}
    )
    assert status == 201
    # A later change to the source meeting does not change the template.
    await api.call(
        "PATCH", f"/meetings/{meeting['id']}", json={"settings": {"waiting_room": False}}
    )
    status, _, made = await api.call(
        "POST", "/users/me/meetings",
        json={"topic": "From template", "template_id": template["id"],
              "settings": {"mute_upon_entry": False}},
    )  # fmt: skip
    assert status == 201
    status, _, read = await api.get(f"/meetings/{made['id']}")
    settings = read["settings"]
    assert settings["waiting_room"] is True and settings["auto_recording"] == "cloud"
    assert settings["mute_upon_entry"] is False  # the body's own settings win
    # Without a template, the defaults.
    status, _, plain = await api.call("POST", "/users/me/meetings", json={"topic": "Plain"})
    status, _, read = await api.get(f"/meetings/{plain['id']}")
    assert read["settings"]["auto_recording"] != "cloud"


# (collection, create operation, update operation, the field, a second field to vary)
_FAMILIES = [
    ("/h323/devices", "createH323Device", "updateH323Device"),
    ("/sip_phones", "enableLegacySipPhone", "updateLegacySipPhone"),
    ("/sip_phones/phones", "enableSipPhone", "updateSipPhone"),
    ("/tracking_fields", "createTrackingField", "updateTrackingField"),
    ("/roles", "createRole", "updateRole"),
]


@pytest.mark.parametrize(("collection", "create", "update"), _FAMILIES)
async def test_family_uniqueness(
    api: Api, sandbox: ZoomSandbox, collection: str, create: str, update: str
) -> None:
    if f"POST {collection}" not in spec_routes():
        pytest.skip(f"POST {collection} is not in the spec")
    rule = UNIQUE[collection]
    ids = [op.operation_id for op in sandbox.operations]
    first = _body(sandbox, create, **{rule.field: "taken@example.org"})
    status, _, made = await api.call("POST", collection, json=first)
    assert status in (200, 201), made
    repeat = _body(sandbox, create, **{rule.field: "TAKEN@example.org"})
    status, _, body = await api.call("POST", collection, json=repeat)
    assert (status, body["code"]) == (rule.status, rule.code), body
    other = _body(sandbox, create, **{rule.field: "free@example.org"})
    status, _, made2 = await api.call("POST", collection, json=other)
    assert status in (200, 201), made2
    item_id = made2.get("id") or sandbox.store.ids(collection)[-1]
    if update in ids and rule.field in _fields(sandbox, update):
        change = _body(sandbox, update, **{rule.field: "taken@example.org"})
        status, _, body = await api.call("PATCH", f"{collection}/{item_id}", json=change)
        assert (status, body["code"]) == (rule.status, rule.code), body
        # The item's own value is no conflict.
        same = _body(sandbox, update, **{rule.field: "free@example.org"})
        status, _, body = await api.call("PATCH", f"{collection}/{item_id}", json=same)
        assert status == 204, body


def _fields(sandbox: ZoomSandbox, operation_id: str) -> set[str]:
    from zoom_async.sandbox.validate import resolve

    facts = next(op.facts for op in sandbox.operations if op.operation_id == operation_id)
    schema = resolve(facts.body_schema or {}, sandbox.schemas)
    return set(schema.get("properties") or {})
