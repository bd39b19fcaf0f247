"""Users: create, read, update, delete, activate/deactivate, email checks, and assistants
(whose reverse are schedulers). Settings and the rest are served generically."""

from __future__ import annotations

from typing import Any

from .. import views
from ..call import Call, Handler, Reply, user_param
from ..clock import iso
from ..errors import ApiError, user_not_found, validation_failed

__all__ = ["BESPOKE"]

_UPDATABLE = ("first_name", "last_name", "type", "dept", "timezone")


async def create_user(call: Call) -> Reply:
    info = call.body.get("user_info") or {}
    if not info.get("email"):
        raise validation_failed([("user_info.email", "Required field.")])
    state = call.sandbox.state
    if state.find_user(str(info["email"]), None) is not None:
        # Zoom refuses an email already in the account (so a retried create is refused too).
        raise ApiError(409, 1005, f"The email {info['email']} is already in use.")
    # "create" sends an invitation: the user is pending until they accept it.
    status = "pending" if call.body["action"] == "create" else "active"
    user = state.create_user(info, status)
    call.sandbox.emit("user.created", {"id": user.id, "email": user.email, "type": user.type})
    body = {"id": user.id, "email": user.email, "first_name": user.first_name,
            "last_name": user.last_name, "type": user.type}  # fmt: skip
    return call.facts.success_status or 201, body


async def get_user(call: Call) -> Reply:
    user = user_param(call)
    return 200, {**user.profile, **views.user(user), "account_id": call.sandbox.account_id}


async def update_user(call: Call) -> Reply:
    user = user_param(call)
    for key, value in call.body.items():
        if key in _UPDATABLE:
            setattr(user, key, value)
        else:
            user.profile[key] = value
    return call.done()


async def delete_user(call: Call) -> Reply:
    user = user_param(call)
    if user is call.sandbox.state.owner:
        raise ApiError(400, 200, "The account owner cannot be deleted.")
    # Both "disassociate" and "delete" take the user out of this account.
    call.sandbox.state.delete_user(user)
    call.sandbox.emit("user.deleted", {"id": user.id, "email": user.email})
    return call.done()


async def update_user_status(call: Call) -> Reply:
    user = user_param(call)
    action = call.body.get("action")
    if action in ("activate", "deactivate"):
        if user is call.sandbox.state.owner and action == "deactivate":
            raise ApiError(400, 200, "The account owner cannot be deactivated.")
        user.status = "active" if action == "activate" else "inactive"
    return call.done()


async def check_email(call: Call) -> Reply:
    email = call.query.get("email", "")
    return 200, {"existed_email": call.sandbox.state.find_user(email, None) is not None}


# ---- assistants and schedulers --------------------------------------------------------------


def _people(call: Call, refs: list[dict[str, Any]]) -> list[Any]:
    found = []
    for ref in refs:
        key = str(ref.get("id") or ref.get("email") or "")
        user = call.sandbox.state.find_user(key, None)
        if user is None:
            raise user_not_found(key)
        found.append(user)
    return found


async def list_assistants(call: Call) -> Reply:
    user = user_param(call)
    return 200, {"assistants": [{"id": i, "email": e} for i, e in user.assistants.items()]}


async def add_assistants(call: Call) -> Reply:
    user = user_param(call)
    added = _people(call, call.body.get("assistants") or [])
    for assistant in added:
        user.assistants[assistant.id] = assistant.email
    return 201, {"ids": ",".join(a.id for a in added), "add_at": iso(call.sandbox.clock.now())}


async def delete_assistants(call: Call) -> Reply:
    user_param(call).assistants.clear()
    return call.done()


async def delete_assistant(call: Call) -> Reply:
    user = user_param(call)
    if user.assistants.pop(call.param("assistantId"), None) is None:
        raise user_not_found(call.param("assistantId"))
    return call.done()


def _schedulers(call: Call) -> list[Any]:
    user = user_param(call)
    return [u for u in call.sandbox.state.users if user.id in u.assistants]


async def list_schedulers(call: Call) -> Reply:
    return 200, {"schedulers": [{"id": u.id, "email": u.email} for u in _schedulers(call)]}


async def delete_schedulers(call: Call) -> Reply:
    user = user_param(call)
    for scheduler in _schedulers(call):
        scheduler.assistants.pop(user.id, None)
    return call.done()


async def delete_scheduler(call: Call) -> Reply:
    user = user_param(call)
    scheduler = call.sandbox.state.user(call.param("schedulerId"))
    if scheduler is None or user.id not in scheduler.assistants:
        raise user_not_found(call.param("schedulerId"))
    scheduler.assistants.pop(user.id)
    return call.done()


BESPOKE: dict[str, Handler] = {
    "POST /users": create_user,
    "GET /users/{userId}": get_user,
    "PATCH /users/{userId}": update_user,
    "DELETE /users/{userId}": delete_user,
    "PUT /users/{userId}/status": update_user_status,
    "GET /users/email": check_email,
    "GET /users/{userId}/assistants": list_assistants,
    "POST /users/{userId}/assistants": add_assistants,
    "DELETE /users/{userId}/assistants": delete_assistants,
    "DELETE /users/{userId}/assistants/{assistantId}": delete_assistant,
    "GET /users/{userId}/schedulers": list_schedulers,
    "DELETE /users/{userId}/schedulers": delete_schedulers,
    "DELETE /users/{userId}/schedulers/{schedulerId}": delete_scheduler,
}
