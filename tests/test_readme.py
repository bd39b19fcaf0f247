"""The README's promises that code can check: the operations table and the pinned public API."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from generator import readme_table
from zoom_async import AsyncZoom
from zoom_async.wire import operation_of

ROOT = Path(__file__).resolve().parent.parent
README = (ROOT / "README.md").read_text(encoding="utf-8")

# The reference connector's 32 operations, as it spells them.
REFERENCE = [
    "listUsers", "listDashboardMeetings", "listDashboardMeetingParticipants", "listMeetings",
    "createMeeting", "listMeetingRegistrants", "addMeetingRegistrant",
    "getMeetingRegistrantsQuestions", "updateMeetingRegistrantQuestions",
    "updateMeetingRegistrantStatus", "deleteMeetingregistrant", "deleteMeeting",
    "getMeetingById", "updateMeeting", "updateMeetingStatus", "listPastMeetings",
    "listPastMeetingPolls", "getPastMeetingDetails", "listPastMeetingParticipants",
    "getMeetingPolls", "createMeetingPoll", "getMeetingPoll", "updateMeetingPoll",
    "deleteMeetingPoll", "createBatchPolls", "getMeetingInvitation", "getLiveStreamDetails",
    "updateMeetingLiveStream", "listWebinarRegistrants", "listWebinarParticipants",
    "listWebinarAbsentees", "listMeetingTemplates",
]  # fmt: skip

# One row of the generated operations table (generator/readme_table.py).
ROW = re.compile(
    r"^\| `(\w+)`(?: \(deprecated\))? \| `(GET|POST|PUT|PATCH|DELETE) ([^`]+)` \| ([\w-]+)"
    r" \| (?:`(\w+)`)? \| `(\w+)` \|$",
    re.M,
)


def table_rows() -> list[tuple[str, ...]]:
    return [m.groups() for m in ROW.finditer(README)]


def spec_operations() -> list[dict[str, object]]:
    return [
        {"method": method.upper(), "path": path, **op}
        for path, item in readme_table.load_spec()["paths"].items()
        for method, op in item.items()
        if method in readme_table.HTTP_METHODS
    ]


def test_readme_operations_table_is_up_to_date() -> None:
    assert readme_table.render(README, readme_table.load_spec()) == README, (
        "README.md's operations table is out of date: run make readme-table"
    )


def test_readme_table_has_one_row_per_spec_operation() -> None:
    rows = table_rows()
    spec = spec_operations()
    assert len(rows) == len(spec)
    assert {(r[1], r[2]) for r in rows} == {(op["method"], op["path"]) for op in spec}
    assert {r[5] for r in rows} == {op["operationId"] for op in spec}


def test_readme_lists_the_32_reference_operations_under_their_names() -> None:
    spelled = {"deleteMeetingregistrant": "deleteMeetingRegistrant"}
    names = {r[5]: r[0] for r in table_rows()}
    for reference in REFERENCE:
        operation_id = spelled.get(reference, reference)
        assert names[operation_id] == re.sub(r"(?<=[a-z])(?=[A-Z])", "_", operation_id).lower()


@pytest.mark.parametrize("row", table_rows(), ids=lambda r: r[0])
def test_readme_row_matches_the_generated_method(row: tuple[str, ...]) -> None:
    method_name, http, path, rate, items, operation_id = row
    op = operation_of(getattr(AsyncZoom, method_name))
    assert (op.method, op.path_template, op.rate_limit) == (http, path, rate)
    assert op.items_field == items
    assert op.operation_id == operation_id


def test_pinned_public_names_import() -> None:
    from zoom_async import AsyncZoom, BearerToken, ServerToServerOAuth, UserOAuth  # noqa: F401
    from zoom_async.errors import (  # noqa: F401
        AuthenticationError,
        BadRequestError,
        ConflictError,
        NotFoundError,
        PermissionDeniedError,
        RateLimitError,
        ZoomAPIError,
        ZoomConnectionError,
        ZoomError,
        ZoomServerError,
        ZoomTimeoutError,
    )
    from zoom_async.models import (  # noqa: F401
        AddMeetingRegistrantRequest,
        CreateBatchPollsRequest,
        CreateMeetingPollRequest,
        MeetingDetails,
        RegistrantQuestions,
        UpdateMeetingLiveStreamRequest,
        UpdateMeetingPollRequest,
        UpdateMeetingRegistrantStatusRequest,
        UpdateMeetingRequest,
        UpdateMeetingStatusRequest,
    )
