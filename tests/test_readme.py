"""The README's promises that code can check: the operation table and the pinned public API."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
import yaml

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

ROW = re.compile(
    r"^\| (\d+) \| `(\w+)` \| `(\w+)` \| `(GET|POST|PUT|PATCH|DELETE) ([^`]+)` \| ([\w-]+) \|"
    r" (?:`(\w+)`)? \|$",
    re.M,
)


def table_rows() -> list[tuple[str, ...]]:
    return [m.groups() for m in ROW.finditer(README)]


def test_readme_lists_all_32_reference_operations_in_order() -> None:
    rows = table_rows()
    assert [r[1] for r in rows] == REFERENCE
    assert [int(r[0]) for r in rows] == list(range(1, 33))


@pytest.mark.parametrize("row", table_rows(), ids=lambda r: r[1])
def test_readme_row_matches_the_generated_method(row: tuple[str, ...]) -> None:
    _, _, method_name, http, path, rate, items = row
    method = getattr(AsyncZoom, method_name)
    op = operation_of(method)
    assert (op.method, op.path_template, op.rate_limit) == (http, path, rate)
    assert op.items_field == items


def test_readme_table_matches_the_spec() -> None:
    spec = yaml.safe_load((ROOT / "openapi" / "zoom-v2.yaml").read_text(encoding="utf-8"))
    ids = {
        op["operationId"]
        for item in spec["paths"].values()
        for key, op in item.items()
        if isinstance(op, dict) and "operationId" in op
    }
    spelled = {"deleteMeetingregistrant": "deleteMeetingRegistrant"}
    assert {spelled.get(r, r) for r in REFERENCE} == ids


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
