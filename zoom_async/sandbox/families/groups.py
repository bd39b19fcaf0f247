"""Groups and their members (a user belongs to any number of groups)."""

from __future__ import annotations

from typing import Any

from ..call import Call, Handler, Reply
from ..clock import iso
from ..errors import ApiError, user_not_found

__all__ = ["BESPOKE"]


def _group(call: Call, name: str = "groupId") -> dict[str, Any]:
    group = call.sandbox.state.groups.get(call.param(name))
    if group is None:
        raise ApiError(404, 4130, f"Group does not exist: {call.param(name)}.")
    return group


def _view(group: dict[str, Any]) -> dict[str, Any]:
    return {"id": group["id"], "name": group["name"], "total_members": len(group["members"])}


async def list_groups(call: Call) -> Reply:
    groups = [_view(g) for g in call.sandbox.state.groups.values()]
    return 200, {"groups": groups, "total_records": len(groups)}


def _check_name(call: Call, name: str, group_id: str | None = None) -> None:
    """Group names are unique in an account (Zoom: 409, code 4132)."""
    for group in call.sandbox.state.groups.values():
        if group["name"] == name and group["id"] != group_id:
            raise ApiError(409, 4132, f"The group name {name} is already in use.")


async def create_group(call: Call) -> Reply:
    name = str(call.body.get("name", ""))
    _check_name(call, name)
    group = call.sandbox.state.create_group(name)
    status = call.facts.success_status or 201
    return (201 if status == 200 else status), _view(group)


async def get_group(call: Call) -> Reply:
    return 200, _view(_group(call))


async def update_group(call: Call) -> Reply:
    group = _group(call)
    if "name" in call.body:
        _check_name(call, str(call.body["name"]), group["id"])
        group["name"] = str(call.body["name"])
    return call.done()


async def delete_group(call: Call) -> Reply:
    del call.sandbox.state.groups[_group(call)["id"]]
    return call.done()


async def list_members(call: Call) -> Reply:
    group = _group(call)
    state = call.sandbox.state
    users = [u for u in (state.user(i) for i in group["members"]) if u is not None]
    envelope, chunk = call.page(group["id"], users, with_page_number=True)
    envelope["members"] = [
        {"id": u.id, "email": u.email, "first_name": u.first_name, "last_name": u.last_name,
         "type": u.type, "primary_group": group["members"][u.id]}
        for u in chunk
    ]  # fmt: skip
    return 200, envelope


async def add_members(call: Call) -> Reply:
    group = _group(call)
    ids = []
    for ref in call.body.get("members") or []:
        key = str(ref.get("id") or ref.get("email") or "")
        user = call.sandbox.state.find_user(key, None)
        if user is None:
            raise user_not_found(key)
        group["members"].setdefault(user.id, False)
        ids.append(user.id)
    return 201, {"ids": ",".join(ids), "added_at": iso(call.sandbox.clock.now())}


def _member(call: Call, group: dict[str, Any]) -> str:
    member_id = call.param("memberId")
    if member_id not in group["members"]:
        raise ApiError(404, 4130, f"Group member does not exist: {member_id}.")
    return member_id


async def delete_member(call: Call) -> Reply:
    group = _group(call)
    del group["members"][_member(call, group)]
    return call.done()


async def update_member(call: Call) -> Reply:
    group = _group(call)
    member_id = _member(call, group)
    if call.body.get("action") == "move":
        target = call.sandbox.state.groups.get(str(call.body.get("target_group_id", "")))
        if target is None:
            raise ApiError(404, 4130, "Group does not exist: target_group_id.")
        target["members"][member_id] = group["members"].pop(member_id)
    else:  # set_primary
        for other in call.sandbox.state.groups.values():
            if member_id in other["members"]:
                other["members"][member_id] = other is group
    return call.done()


BESPOKE: dict[str, Handler] = {
    "GET /groups": list_groups,
    "POST /groups": create_group,
    "GET /groups/{groupId}": get_group,
    "PATCH /groups/{groupId}": update_group,
    "DELETE /groups/{groupId}": delete_group,
    "GET /groups/{groupId}/members": list_members,
    "POST /groups/{groupId}/members": add_members,
    "DELETE /groups/{groupId}/members/{memberId}": delete_member,
    "PATCH /groups/{groupId}/members/{memberId}": update_member,
}
