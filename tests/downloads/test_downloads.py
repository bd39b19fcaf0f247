"""zoom.download over real sockets: loopback aiohttp servers play the Zoom API host (which
redirects) and a CDN host (which serves ranges, can drop mid-body, can change the file)."""

from __future__ import annotations

import asyncio
import hashlib
import sys
import time
from collections.abc import AsyncIterator
from pathlib import Path
from typing import Any

import attrs
import orjson
import pytest
from aiohttp import web
from yarl import URL

_ROOT = str(Path(__file__).resolve().parents[2])
if _ROOT not in sys.path:
    sys.path.insert(0, _ROOT)

from tests.support.facade_data import FAST, TOKEN  # noqa: E402
from tests.support.loopback import loopback  # noqa: E402
from zoom_async import AsyncZoom, BearerToken, ServerToServerOAuth  # noqa: E402
from zoom_async.downloads import DownloadError, is_trusted_url, safe_name  # noqa: E402
from zoom_async.errors import AuthenticationError, NotFoundError, ZoomConnectionError  # noqa: E402

DATA = bytes(range(256)) * 4096 + b"tail"  # 1 MiB + 4: several chunks, not a round size


@attrs.define
class FileServer:
    """Serves ``data`` at /files/<name> with ETag and Range; scripted faults."""

    data: bytes = DATA
    etag: str = '"v1"'
    #: Drop the connection after this many body bytes, for the next N requests.
    drop_after: int | None = None
    drops: int = 0
    #: Ignore Range (answer 200 with the whole body).
    no_ranges: bool = False
    #: Answer 416 whatever the range.
    always_416: bool = False
    #: After ``drop_after`` bytes, stall (send nothing) instead of dropping.
    stall: bool = False
    requests: list[dict[str, str]] = attrs.field(factory=list)

    async def handle(self, request: web.Request) -> web.StreamResponse:
        self.requests.append(dict(request.headers))
        data = self.data
        start = 0
        rng = request.headers.get("Range")
        if_range = request.headers.get("If-Range")
        if rng and not self.no_ranges and (if_range is None or if_range == self.etag):
            start = int(rng.removeprefix("bytes=").rstrip("-"))
            if start >= len(data) or self.always_416:
                return web.Response(status=416, headers={"Content-Range": f"bytes */{len(data)}"})
            status = 206
        else:
            status = 200
        headers = {"ETag": self.etag, "Content-Length": str(len(data) - start)}
        if status == 206:
            headers["Content-Range"] = f"bytes {start}-{len(data) - 1}/{len(data)}"
        response = web.StreamResponse(status=status, headers=headers)
        await response.prepare(request)
        body = data[start:]
        if self.drops > 0 and self.drop_after is not None:
            self.drops -= 1
            await response.write(body[: self.drop_after])
            if self.stall:
                await asyncio.sleep(30)  # cancelled when the client hangs up
            assert request.transport is not None
            request.transport.close()
            return response
        await response.write(body)
        await response.write_eof()
        return response


@attrs.define
class Servers:
    api: str
    cdn: str
    files: FileServer
    api_requests: list[dict[str, str]]


@pytest.fixture
async def servers() -> AsyncIterator[Servers]:
    files = FileServer()
    api_requests: list[dict[str, str]] = []
    cdn_app = web.Application()
    cdn_app.router.add_get("/files/{name}", files.handle)
    async with loopback(cdn_app) as cdn:
        api_app = web.Application()

        async def recording(request: web.Request) -> web.StreamResponse:
            # Zoom's download URL: checks the token, then redirects to the CDN.
            api_requests.append(dict(request.headers))
            target = request.query.get("to", "cdn")
            if target == "cdn":
                location = f"{cdn}/files/{request.match_info['name']}"
            else:  # same origin: /v2/local/<name>
                location = f"/local/{request.match_info['name']}"
            raise web.HTTPFound(location)

        api_app.router.add_get("/rec/download/{name}", recording)
        api_app.router.add_get("/local/{name}", files.handle)
        async with loopback(api_app) as api:
            yield Servers(api, cdn, files, api_requests)


@pytest.fixture
async def zoom(servers: Servers) -> AsyncIterator[AsyncZoom]:
    async with AsyncZoom(BearerToken(TOKEN), base_url=servers.api, retry_policy=FAST) as client:
        yield client


def _no_leftovers(dest: Path) -> None:
    assert not dest.with_name(dest.name + ".part").exists()
    assert not dest.with_name(dest.name + ".part.json").exists()


async def test_redirect_to_foreign_host_gets_no_authorization(
    servers: Servers, zoom: AsyncZoom, tmp_path: Path
) -> None:
    seen: list[tuple[int, int | None]] = []
    dest = tmp_path / "talk.mp4"
    result = await zoom.download(
        f"{servers.api}/rec/download/a.mp4",
        dest,
        progress=lambda n, total: seen.append((n, total)),
    )
    assert dest.read_bytes() == DATA
    assert result.size == len(DATA) and result.transferred == len(DATA) and not result.resumed
    _no_leftovers(dest)
    assert servers.api_requests[0]["Authorization"] == f"Bearer {TOKEN}"
    # The CDN is another origin (other port): the token must not follow the redirect.
    assert len(servers.files.requests) == 1
    assert "Authorization" not in servers.files.requests[0]
    assert seen[-1] == (len(DATA), len(DATA))
    assert [n for n, _ in seen] == sorted(n for n, _ in seen)


async def test_same_origin_redirect_keeps_authorization(
    servers: Servers, zoom: AsyncZoom, tmp_path: Path
) -> None:
    await zoom.download(f"{servers.api}/rec/download/a.mp4?to=local", tmp_path / "a.mp4")
    assert (tmp_path / "a.mp4").read_bytes() == DATA
    assert servers.files.requests[0]["Authorization"] == f"Bearer {TOKEN}"


async def test_download_token_replaces_the_client_token(
    servers: Servers, zoom: AsyncZoom, tmp_path: Path
) -> None:
    await zoom.download(
        f"{servers.api}/rec/download/a.mp4", tmp_path / "a.mp4", download_token="dl-tok-1"
    )
    assert servers.api_requests[0]["Authorization"] == "Bearer dl-tok-1"
    assert "Authorization" not in servers.files.requests[0]


async def test_dropped_connection_resumes_with_range_and_if_range(
    servers: Servers, zoom: AsyncZoom, tmp_path: Path
) -> None:
    servers.files.drop_after, servers.files.drops = 300_000, 2
    dest = tmp_path / "a.mp4"
    result = await zoom.download(f"{servers.cdn}/files/a.mp4", dest, expected_size=len(DATA))
    assert dest.read_bytes() == DATA
    assert result.resumed and result.transferred == len(DATA)
    ranges = [r.get("Range") for r in servers.files.requests]
    assert ranges == [None, "bytes=300000-", "bytes=600000-"]
    assert all(r.get("If-Range") == '"v1"' for r in servers.files.requests[1:])
    _no_leftovers(dest)


async def test_interrupted_download_resumes_on_the_next_call(
    servers: Servers, zoom: AsyncZoom, tmp_path: Path
) -> None:
    servers.files.drop_after, servers.files.drops = 500_000, 1
    dest = tmp_path / "a.mp4"
    url = f"{servers.cdn}/files/a.mp4"
    with pytest.raises(ZoomConnectionError):
        await zoom.with_options(max_retries=0).download(url, dest)
    assert not dest.exists()
    part = dest.with_name("a.mp4.part")
    assert part.read_bytes() == DATA[:500_000]
    sidecar = orjson.loads(dest.with_name("a.mp4.part.json").read_bytes())
    assert sidecar["validator"] == '"v1"' and sidecar["total"] == len(DATA)

    result = await zoom.download(url, dest)
    assert dest.read_bytes() == DATA
    assert result.resumed and result.transferred == len(DATA) - 500_000
    assert servers.files.requests[-1]["Range"] == "bytes=500000-"
    _no_leftovers(dest)


async def test_changed_file_restarts_from_zero(
    servers: Servers, zoom: AsyncZoom, tmp_path: Path
) -> None:
    servers.files.drop_after, servers.files.drops = 400_000, 1
    dest = tmp_path / "a.mp4"
    url = f"{servers.cdn}/files/a.mp4"
    with pytest.raises(ZoomConnectionError):
        await zoom.with_options(max_retries=0).download(url, dest)
    new = DATA[::-1]
    servers.files.data, servers.files.etag = new, '"v2"'
    result = await zoom.download(url, dest)
    # If-Range did not match: the server sent the whole new file, which replaced the part.
    assert servers.files.requests[-1]["If-Range"] == '"v1"'
    assert dest.read_bytes() == new
    assert not result.resumed and result.transferred == len(new)


async def test_server_without_ranges_restarts(
    servers: Servers, zoom: AsyncZoom, tmp_path: Path
) -> None:
    servers.files.no_ranges = True
    servers.files.drop_after, servers.files.drops = 400_000, 1
    dest = tmp_path / "a.mp4"
    await zoom.download(f"{servers.cdn}/files/a.mp4", dest)
    assert dest.read_bytes() == DATA
    assert servers.files.requests[1]["Range"] == "bytes=400000-"


async def test_size_mismatch_leaves_nothing(
    servers: Servers, zoom: AsyncZoom, tmp_path: Path
) -> None:
    dest = tmp_path / "a.mp4"
    with pytest.raises(DownloadError, match="expected"):
        await zoom.download(f"{servers.cdn}/files/a.mp4", dest, expected_size=len(DATA) + 1)
    assert not dest.exists()
    _no_leftovers(dest)


async def test_recording_file_size_is_the_contract(
    servers: Servers, zoom: AsyncZoom, tmp_path: Path
) -> None:
    # The file_size Zoom listed wins over what a server offers.
    file = {"id": "f1", "download_url": f"{servers.cdn}/files/a.mp4", "file_size": 10}
    with pytest.raises(DownloadError):
        await zoom.download(file, tmp_path / "a.mp4")
    assert not (tmp_path / "a.mp4").exists()


async def test_sha256_checked(servers: Servers, zoom: AsyncZoom, tmp_path: Path) -> None:
    url = f"{servers.cdn}/files/a.mp4"
    with pytest.raises(DownloadError, match="SHA-256"):
        await zoom.download(url, tmp_path / "bad.mp4", sha256="0" * 64)
    assert not (tmp_path / "bad.mp4").exists()
    good = hashlib.sha256(DATA).hexdigest()
    result = await zoom.download(url, tmp_path / "good.mp4", sha256=good.upper())
    assert result.sha256 == good


async def test_416_with_everything_on_disk_just_renames(
    servers: Servers, zoom: AsyncZoom, tmp_path: Path
) -> None:
    # As after kill -9 between the last byte and the rename.
    dest = tmp_path / "a.mp4"
    url = f"{servers.cdn}/files/a.mp4"
    dest.with_name("a.mp4.part").write_bytes(DATA)
    sidecar = {"url": url, "validator": '"v1"', "total": len(DATA)}
    dest.with_name("a.mp4.part.json").write_bytes(orjson.dumps(sidecar))
    result = await zoom.download(url, dest)
    assert servers.files.requests[0]["Range"] == f"bytes={len(DATA)}-"
    assert result.transferred == 0 and dest.read_bytes() == DATA
    _no_leftovers(dest)


async def test_416_for_a_part_that_does_not_fit_restarts(
    servers: Servers, zoom: AsyncZoom, tmp_path: Path
) -> None:
    dest = tmp_path / "a.mp4"
    url = f"{servers.cdn}/files/a.mp4"
    dest.with_name("a.mp4.part").write_bytes(b"x" * (len(DATA) + 10))
    sidecar = {"url": url, "validator": '"v1"', "total": None}
    dest.with_name("a.mp4.part.json").write_bytes(orjson.dumps(sidecar))
    await zoom.download(url, dest)
    assert [r.get("Range") for r in servers.files.requests] == [f"bytes={len(DATA) + 10}-", None]
    assert dest.read_bytes() == DATA


async def test_a_part_without_sidecar_is_not_trusted(
    servers: Servers, zoom: AsyncZoom, tmp_path: Path
) -> None:
    dest = tmp_path / "a.mp4"
    dest.with_name("a.mp4.part").write_bytes(b"junk")
    await zoom.download(f"{servers.cdn}/files/a.mp4", dest)
    assert "Range" not in servers.files.requests[0]
    assert dest.read_bytes() == DATA


async def test_recording_file_into_directory_and_skip_when_complete(
    servers: Servers, zoom: AsyncZoom, tmp_path: Path
) -> None:
    @attrs.define
    class RecordingFile:
        id: str
        download_url: str
        file_size: int
        file_extension: str

    file = RecordingFile("rf-1", f"{servers.cdn}/files/a", len(DATA), "MP4")
    first = await zoom.download(file, tmp_path)
    assert first.path == tmp_path / "rf-1.mp4" and first.path.read_bytes() == DATA
    again = await zoom.download(file, tmp_path)
    assert again.transferred == 0 and len(servers.files.requests) == 1


async def test_http_error_is_typed(servers: Servers, zoom: AsyncZoom, tmp_path: Path) -> None:
    with pytest.raises(NotFoundError):
        await zoom.download(f"{servers.cdn}/nothing/here", tmp_path / "x")
    assert not (tmp_path / "x").exists()


@pytest.mark.parametrize(
    ("kwargs", "match"),
    [
        ({"url_or_file": "https://zoom.us/rec/x?access_token=abc"}, "access_token"),
        ({"url_or_file": "ftp://zoom.us/x"}, "url_or_file"),
        ({"url_or_file": {"id": "x"}}, "download_url"),
        ({"expected_size": -1}, "expected_size"),
        ({"sha256": "abc"}, "sha256"),
        ({"download_token": ""}, "download_token"),
        ({"progress": 3}, "progress"),
        ({"chunk_size": 0}, "chunk_size"),
        ({"dest": 5}, "dest"),
    ],
)
async def test_bad_arguments_fail_before_any_request(
    servers: Servers, zoom: AsyncZoom, tmp_path: Path, kwargs: dict[str, Any], match: str
) -> None:
    args: dict[str, Any] = {"url_or_file": f"{servers.cdn}/files/a.mp4", "dest": tmp_path / "a"}
    args.update(kwargs)
    with pytest.raises(ValueError, match=match):
        await zoom.download(**args)
    assert servers.files.requests == [] and list(tmp_path.iterdir()) == []


@pytest.mark.parametrize(
    ("url", "trusted"),
    [
        ("https://zoom.us/rec/download/x", True),
        ("https://ssrweb.zoom.us/x", True),
        ("https://us06web.zoomgov.com/x", True),
        ("http://zoom.us/rec/download/x", False),  # plain http off loopback
        ("https://evilzoom.us/x", False),
        ("https://zoom.us.evil.com/x", False),
        ("https://cdn.example.com/x", False),
        ("https://api.example.test/v2/x", True),  # the configured base origin
        ("https://api.example.test:8443/x", False),  # same host, other port
        ("http://api.example.test/x", False),
    ],
)
def test_trusted_hosts(url: str, trusted: bool) -> None:
    assert is_trusted_url(URL(url), URL("https://api.example.test/v2")) is trusted


def test_safe_name() -> None:
    assert safe_name('a/b\\c:d*?"<>|e') == "a_b_c_d_e"
    assert safe_name("..") == "_"
    assert safe_name(" x. ") == "x"
    assert len(safe_name("x" * 500)) == 120


async def test_a_rejected_token_is_replaced_and_refreshing_is_bounded(tmp_path: Path) -> None:
    issued: list[str] = []
    seen: list[str | None] = []
    accept = {"Bearer tok-1"}

    async def token(request: web.Request) -> web.Response:
        issued.append(f"tok-{len(issued)}")
        return web.json_response({"access_token": issued[-1], "expires_in": 3600})

    async def file(request: web.Request) -> web.Response:
        seen.append(request.headers.get("Authorization"))
        if request.headers.get("Authorization") not in accept:
            return web.json_response({"code": 124, "message": "Invalid access token."}, status=401)
        return web.Response(body=DATA)

    app = web.Application()
    app.router.add_post("/oauth/token", token)
    app.router.add_get("/rec/download/x", file)
    async with loopback(app) as base:
        url = f"{base}/rec/download/x"
        auth = ServerToServerOAuth("a", "c", "s", token_url=f"{base}/oauth/token")
        async with AsyncZoom(auth, base_url=f"{base}/v2", retry_policy=FAST) as zoom:
            result = await zoom.download(url, tmp_path / "x")
        assert result.path.read_bytes() == DATA
        assert seen == ["Bearer tok-0", "Bearer tok-1"]

        accept.clear()  # now every token is refused: the client must give up
        seen.clear()
        auth = ServerToServerOAuth("a", "c", "s", token_url=f"{base}/oauth/token")
        async with AsyncZoom(auth, base_url=f"{base}/v2", retry_policy=FAST) as zoom:
            with pytest.raises(AuthenticationError):
                await zoom.download(url, tmp_path / "y")
        # Bounded by the retry count, and sooner by auth's hold on re-fetching after fresh
        # tokens are rejected twice in a row.
        assert 2 <= len(seen) <= FAST.max_retries + 2
        assert not (tmp_path / "y").exists()


async def test_a_stalled_body_times_out_and_resumes(servers: Servers, tmp_path: Path) -> None:
    servers.files.drop_after, servers.files.drops, servers.files.stall = 200_000, 1, True
    dest = tmp_path / "a.mp4"
    started = time.monotonic()
    async with AsyncZoom(
        BearerToken(TOKEN), base_url=servers.api, retry_policy=FAST, timeout=0.3
    ) as zoom:
        result = await zoom.download(f"{servers.cdn}/files/a.mp4", dest)
    # Noticed after 0.3-0.6 s of silence, not after the server's 30 s.
    assert time.monotonic() - started < 5
    assert dest.read_bytes() == DATA and result.resumed
    assert servers.files.requests[1]["Range"] == "bytes=200000-"
