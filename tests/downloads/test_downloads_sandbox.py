"""zoom.download against the sandbox's recorded meetings: the API origin's download_url
redirects to a CDN origin, which serves ranges and can cut a body mid-way."""

from __future__ import annotations

import hashlib
import sys
from collections.abc import AsyncIterator
from pathlib import Path

import pytest

_ROOT = str(Path(__file__).resolve().parents[2])
if _ROOT not in sys.path:
    sys.path.insert(0, _ROOT)

from tests.support.facade_data import FAST  # noqa: E402
from zoom_async import AsyncZoom, BearerToken  # noqa: E402
from zoom_async.downloads import DownloadError  # noqa: E402
from zoom_async.errors import AuthenticationError  # noqa: E402
from zoom_async.sandbox import ZoomSandbox  # noqa: E402
from zoom_async.sandbox.faults import FILE_ENDPOINT  # noqa: E402


@pytest.fixture
async def sandbox() -> AsyncIterator[ZoomSandbox]:
    async with ZoomSandbox(users=3, seed=11) as running:
        yield running


def _recorded(sandbox: ZoomSandbox, sizes: dict[str, int]) -> dict[str, object]:
    """A recording file dict (as the listing shows it) of a freshly ended meeting."""
    meeting = next(m.id for m in sandbox.state.meetings.values() if not m.instances)
    instance = sandbox.end_meeting(meeting, record=True, file_sizes=sizes)
    assert instance.recording is not None
    file = instance.recording.files[0]
    return {
        "id": file.id,
        "file_type": file.file_type,
        "file_extension": file.extension,
        "file_size": file.size,
        "download_url": f"{sandbox.origin}/rec/download/{file.id}",
    }


async def test_mid_body_drop_resumes_with_range_to_a_byte_identical_file(
    sandbox: ZoomSandbox, tmp_path: Path
) -> None:
    file = _recorded(sandbox, {"MP4": 5_000_011})
    file_id = str(file["id"])
    sandbox.faults.add("drop_mid_body", count=2, after_bytes=1_200_000, operations=FILE_ENDPOINT)
    async with sandbox.client(retry_policy=FAST) as zoom:
        result = await zoom.download(file, tmp_path)
    assert result.path == tmp_path / f"{file_id}.mp4"
    assert result.resumed and result.size == 5_000_011
    body = result.path.read_bytes()
    assert hashlib.sha256(body).digest() == hashlib.sha256(sandbox.file_content(file_id)).digest()
    ranges = [r for f, r in sandbox.counters.cdn_ranges if f == file_id]
    assert len(ranges) == 3 and ranges[0] is None
    starts = [int(r.removeprefix("bytes=").rstrip("-")) for r in ranges[1:] if r]
    assert len(starts) == 2 and 0 < starts[0] < starts[1] < 5_000_011
    assert sandbox.counters.faults["drop_mid_body"] == 2
    # Bytes are never sent twice beyond what the cut connections had in flight.
    assert sandbox.counters.cdn_bytes < 5_000_011 + 2 * 1_200_000
    # The token went to the API origin only, never to the CDN origin.
    assert sandbox.counters.cdn_authorization_headers == 0
    assert sandbox.counters.file_requests[file_id] == 3


async def test_webhook_download_token_works_without_client_credentials(
    sandbox: ZoomSandbox, tmp_path: Path
) -> None:
    file = _recorded(sandbox, {"M4A": 123_457})
    host = sandbox.state.users[0].id
    download_token = sandbox.tokens.issue_download_token(host)
    # A client whose own token is worthless: only the download token can authorise this.
    async with AsyncZoom(
        BearerToken("not-a-valid-token"), base_url=sandbox.base_url, retry_policy=FAST
    ) as zoom:
        with pytest.raises(AuthenticationError):
            await zoom.download(file, tmp_path / "nope.m4a")
        result = await zoom.download(file, tmp_path / "a.m4a", download_token=download_token)
    assert result.path.read_bytes() == sandbox.file_content(str(file["id"]))
    assert sandbox.counters.cdn_authorization_headers == 0
    assert not (tmp_path / "nope.m4a").exists()


async def test_listed_size_mismatch_is_refused(sandbox: ZoomSandbox, tmp_path: Path) -> None:
    file = _recorded(sandbox, {"MP4": 400_009})
    file["file_size"] = 400_000
    async with sandbox.client(retry_policy=FAST) as zoom:
        with pytest.raises(DownloadError, match="400009"):
            await zoom.download(file, tmp_path / "x.mp4")
    assert list(tmp_path.iterdir()) == []
