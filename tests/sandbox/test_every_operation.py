"""Every generated method, called through AsyncZoom against the sandbox with valid arguments,
gets a 2xx answer that decodes.

Arguments come from spec facts alone: path values name things the sandbox account holds
(looked up by parameter name), required query values and bodies are synthesized from their
schemas. Deletions run last, each in a fresh sandbox, so nothing is deleted from under
another call.
"""

from __future__ import annotations

import inspect
import random
import re
from collections.abc import Callable
from typing import Any

import pytest

from zoom_async import AsyncZoom
from zoom_async.sandbox import ZoomSandbox
from zoom_async.sandbox.spec import OperationFacts
from zoom_async.sandbox.synth import Synth
from zoom_async.schema import resolve
from zoom_async.wire import Upload, operation_of

from .conftest import sandbox_spec

Method = Callable[..., Any]


def _methods() -> dict[str, str]:
    """operationId -> AsyncZoom method name, for every generated method."""
    found = {}
    for name, fn in inspect.getmembers(AsyncZoom, inspect.iscoroutinefunction):
        try:
            found[operation_of(fn).operation_id] = name
        except TypeError:
            continue
    return found


METHODS = _methods()


class Account:
    """Path values that name real things in a sandbox, by path parameter name."""

    def __init__(self, sandbox: ZoomSandbox) -> None:
        self.sandbox = sandbox
        state = sandbox.state
        self.meeting = next(m for m in state.meetings.values() if (m.instances and m.polls)
                            or (m.instances and m.id in _recorded(state)))  # fmt: skip
        recorded = _recorded(state)
        self.recorded = state.meetings[next(iter(recorded))]
        self.webinar = next(iter(state.webinars.values()))
        state.start_webinar(self.webinar)  # for the live dashboards
        self.group, self.other_group = list(state.groups.values())[:2]
        self.owner = state.owner
        self.helper = state.users[1]
        self.owner.assistants[self.helper.id] = self.helper.email
        self.helper.assistants[self.owner.id] = self.owner.email
        state.add_poll(self.webinar, {"title": "Seeded", "questions": []})
        self.webinar.panelists["panelist-1"] = {"id": "panelist-1", "name": "P",
                                                "email": "p@example.com"}  # fmt: skip
        self.group["members"].setdefault(self.owner.id, True)

    def path_value(self, facts: OperationFacts, name: str) -> str:
        state = self.sandbox.state
        on_webinar = facts.path.startswith(("/webinars", "/past_webinars", "/report/webinars"))
        recordings = "/recordings" in facts.path
        meeting = self.recorded if recordings else self.meeting
        if facts.path.startswith("/metrics/meetings/"):  # live dashboards: a live meeting
            meeting = next(m for m in state.meetings.values() if m.status == "started")
        values: dict[str, Callable[[], str]] = {
            "userId": lambda: "me",
            "meetingId": lambda: str(meeting.id),
            "meetingUUID": lambda: meeting.instances[-1].uuid,
            "webinarId": lambda: str(self.webinar.id),
            "groupId": lambda: self.group["id"],
            "memberId": lambda: self.owner.id,
            "registrantId": lambda: next(iter(
                (self.webinar if on_webinar else self.meeting).registrants)),
            "pollId": lambda: next(iter((self.webinar if on_webinar else self.meeting).polls)),
            "recordingId": lambda: state.recordings[meeting.instances[-1].uuid].files[0].id,
            "panelistId": lambda: "panelist-1",
            "assistantId": lambda: self.helper.id,
            "schedulerId": lambda: self.helper.id,
            "meetingTemplateId": lambda: self.owner.templates[0]["id"],
            "fileId": lambda: next(iter(state.archive_files)),  # an archived file
        }  # fmt: skip
        for collection in self.sandbox.store.families:
            if facts.path.startswith(collection + "/{" + name + "}"):
                family = self.sandbox.store.families[collection]
                # The scope is the collection's own parameters (a deeper path, such as
                # /roles/{roleId}/members/{memberId}, must not feed its later ones back in).
                parents = tuple(
                    self.path_value(facts, p) for p in re.findall(r"{([^}]+)}", collection)
                )
                items = self.sandbox.store.items(
                    family, parents, lambda rng: Synth(self.sandbox.schemas, rng)
                )
                return next(iter(items))
        if facts.route == "DELETE /users/{userId}":
            return self.helper.id  # the owner cannot be deleted
        if name in values:
            return values[name]()
        return "sandbox-value"

    def body(self, facts: OperationFacts, rng: random.Random) -> Any:
        if facts.body_schema is None:
            return None
        body = Synth(self.sandbox.schemas, rng).value(facts.body_schema)
        if isinstance(body, dict) and facts.body_content_type == "multipart/form-data":
            fields = resolve(facts.body_schema, self.sandbox.schemas).get("properties", {})
            for key, field in fields.items():
                if field.get("format") == "binary":  # an upload's file
                    body[key] = Upload(b"\x89PNG\r\n", filename="a.png", content_type="image/png")
        if isinstance(body, dict):
            for key in ("assistants", "members"):
                if key in body:
                    body[key] = [{"id": self.helper.id}]
            if "schedule_for" in body:
                body["schedule_for"] = self.helper.email
            if "target_group_id" in body:
                body["target_group_id"] = self.other_group["id"]
            if facts.path.startswith("/users/{userId}/meeting_templates"):
                body["meeting_id"] = self.meeting.id
            if "user_info" in body and isinstance(body["user_info"], dict):
                body["user_info"]["email"] = f"new.{rng.randrange(10**6)}@sandbox.example.com"
        return body


def _recorded(state: Any) -> list[int]:
    return [r.meeting_id for r in state.recordings.values()]


def _query(facts: OperationFacts, signature: inspect.Signature, rng: random.Random, synth: Synth
           ) -> dict[str, Any]:  # fmt: skip
    """Required keyword arguments, synthesized from their query parameter schemas."""
    wire = {str(p["name"]): p for p in facts.query_params}
    kwargs = {}
    for name, parameter in signature.parameters.items():
        if parameter.kind is not inspect.Parameter.KEYWORD_ONLY:
            continue
        if parameter.default is not inspect.Parameter.empty:
            continue
        spec = wire.get(name.rstrip("_")) or {}
        kwargs[name] = synth.value(spec.get("schema") or {"type": "string"})
    return kwargs


async def _call(sandbox: ZoomSandbox, zoom: AsyncZoom, facts: OperationFacts, seed: int) -> Any:
    account = Account(sandbox)
    rng = random.Random(f"{seed}:{facts.operation_id}")
    method = getattr(zoom, METHODS[facts.operation_id])
    signature = inspect.signature(method)
    positional = [account.path_value(facts, p) for p in operation_of(method).path_params]
    body = account.body(facts, rng)
    if body is not None:
        positional.append(body)
    kwargs = _query(facts, signature, rng, Synth(sandbox.schemas, rng))
    return await method(*positional, **kwargs)


def _ordered() -> tuple[list[OperationFacts], list[OperationFacts]]:
    operations = [op.facts for op in ZoomSandbox(users=3, spec=sandbox_spec()).operations]
    served = [f for f in operations if f.operation_id in METHODS]
    keep = [f for f in served if f.method != "DELETE"]
    # Reads before writes, so a read sees the seeded account.
    keep.sort(key=lambda f: (f.method != "GET", f.operation_id))
    return keep, [f for f in served if f.method == "DELETE"]


def test_every_spec_operation_has_a_method() -> None:
    operations = {op.facts.operation_id for op in ZoomSandbox(users=3).operations}
    assert operations == set(METHODS)


async def test_every_operation_answers_2xx_and_decodes() -> None:
    keep, deletes = _ordered()
    assert keep and deletes
    failures = []
    async with (
        ZoomSandbox(users=6, seed=21, spec=sandbox_spec()) as sandbox,
        sandbox.client() as zoom,
    ):
        for facts in keep:
            try:
                await _call(sandbox, zoom, facts, 21)
            except Exception as exc:  # collected, so one run names every failing operation
                failures.append(f"{facts.route}: {type(exc).__name__}: {exc}")
    for facts in deletes:
        async with (
            ZoomSandbox(users=6, seed=21, spec=sandbox_spec()) as sandbox,
            sandbox.client() as zoom,
        ):
            try:
                await _call(sandbox, zoom, facts, 21)
            except Exception as exc:
                failures.append(f"{facts.route}: {type(exc).__name__}: {exc}")
    assert not failures, "\n".join(failures)


@pytest.mark.parametrize("route", ["DELETE /meetings/{meetingId}"])
async def test_a_deletion_takes_effect(route: str) -> None:
    _, deletes = _ordered()
    facts = next(f for f in deletes if f.route == route)
    async with (
        ZoomSandbox(users=3, seed=2, spec=sandbox_spec()) as sandbox,
        sandbox.client() as zoom,
    ):
        account = Account(sandbox)
        await _call(sandbox, zoom, facts, 2)
        assert sandbox.state.get_meeting(account.meeting.id) is None
