"""Resumable, verified file downloads (cloud recordings and other Zoom-hosted files).

A download streams into ``<dest>.part`` in fixed-size chunks and is renamed to ``dest`` only
once its size (and SHA-256, when one is known) checks out. Next to the part file a small
sidecar, ``<dest>.part.json``, keeps the validator (ETag or Last-Modified) the server gave, so
an interrupted download continues with ``Range`` + ``If-Range`` instead of starting over.

Redirects are followed here, not by aiohttp: Zoom answers a recording URL with a redirect
to a CDN, and the bearer token must reach only Zoom's own hosts. It goes in the
``Authorization`` header, never in a URL, and only over https (or plain http to loopback).
"""

from __future__ import annotations

import asyncio
import hashlib
import logging
import os
import re
from collections.abc import Awaitable, Callable, Mapping
from pathlib import Path
from typing import Any

import attrs
import orjson
from yarl import URL

from zoom_async.errors import AuthenticationError, ZoomError, error_from_response
from zoom_async.retry import RetryPolicy
from zoom_async.transport import StreamedResponse, StreamingTransport, is_loopback

__all__ = [
    "DownloadError",
    "DownloadResult",
    "Downloader",
    "ProgressCallback",
    "is_trusted_url",
    "safe_name",
]

logger = logging.getLogger("zoom_async")

#: Called as ``progress(bytes_on_disk, total_or_None)`` after every chunk written.
ProgressCallback = Callable[[int, "int | None"], object]

CHUNK_SIZE = 1 << 18  # 256 KiB: large enough for full speed, small enough for bounded memory
MAX_REDIRECTS = 10
_REDIRECTS = frozenset({301, 302, 303, 307, 308})
_ZOOM_SUFFIXES = (".zoom.us", ".zoomgov.com")
_ZOOM_HOSTS = frozenset({"zoom.us", "zoomgov.com"})
_CONTENT_RANGE = re.compile(r"bytes\s+(?:(\d+)-(\d+)|\*)/(\d+|\*)")


class DownloadError(ZoomError):
    """The file arrived but is not the expected one (size or SHA-256 mismatch), or the
    server answered in a way a download cannot continue from. Nothing is left under the
    final name."""


@attrs.frozen(slots=True)
class DownloadResult:
    """Where the file is, its size, and how much of it this call transferred."""

    path: Path
    size: int
    #: Bytes received by this call (0 when the file was already complete).
    transferred: int
    #: True when an earlier partial download was continued.
    resumed: bool
    #: Hex SHA-256 of the file when one was asked for, else None.
    sha256: str | None = None


def is_trusted_url(url: URL, base: URL | None) -> bool:
    """Whether a request to ``url`` may carry the bearer token.

    Zoom's hosts (``zoom.us``, ``*.zoom.us``, ``zoomgov.com``, ``*.zoomgov.com``) and the
    configured API origin qualify, over https only — plain http only to a loopback host.
    """
    host = (url.host or "").lower()
    if url.scheme == "http":
        if not is_loopback(host):
            return False
    elif url.scheme != "https":
        return False
    if host in _ZOOM_HOSTS or host.endswith(_ZOOM_SUFFIXES):
        return url.scheme == "https"
    return (
        base is not None
        and url.scheme == base.scheme
        and host == (base.host or "").lower()
        and url.port == base.port
    )


@attrs.frozen(slots=True)
class _Source:
    url: str
    size: int | None
    name: str


def _source(url_or_file: object, expected_size: int | None) -> _Source:
    """A URL, or a recording-file object/mapping with ``download_url`` (and ``file_size``)."""
    url: object
    size: object = None
    file_id: object = None
    ext: object = None
    if isinstance(url_or_file, str):
        url = url_or_file
    else:
        get: Callable[[str], Any]
        if isinstance(url_or_file, Mapping):
            get = url_or_file.get
        else:

            def get(name: str) -> Any:
                return getattr(url_or_file, name, None)

        url, size = get("download_url"), get("file_size")
        file_id, ext = get("id"), get("file_extension")
    if not isinstance(url, str) or not url:
        raise ValueError(
            "url_or_file must be a URL or a recording file with a download_url,"
            f" got {type(url_or_file).__name__}"
        )
    parsed = URL(url)
    if parsed.scheme not in ("http", "https") or not parsed.host:
        raise ValueError("url_or_file must be an http(s) URL")
    if "access_token" in parsed.query:
        # Zoom refuses tokens in URLs; a URL carrying one would leak it into logs.
        raise ValueError(
            "url_or_file must not carry access_token in its query; pass download_token="
        )
    if expected_size is not None:
        if isinstance(expected_size, bool) or not isinstance(expected_size, int):
            raise ValueError(f"expected_size must be an int >= 0, got {expected_size!r}")
        if expected_size < 0:
            raise ValueError(f"expected_size must be an int >= 0, got {expected_size!r}")
        size = expected_size
    elif isinstance(size, bool) or not isinstance(size, int) or size < 0:
        size = None
    if isinstance(file_id, str) and file_id:
        name = file_id + (f".{ext.lower()}" if isinstance(ext, str) and ext else "")
    else:
        name = parsed.name or "download"
    return _Source(url, size, safe_name(name))


_UNSAFE = re.compile(r'[\x00-\x1f<>:"/\\|?*]+')


def safe_name(name: str, max_length: int = 120) -> str:
    """``name`` usable as one path component on any common filesystem."""
    cleaned = _UNSAFE.sub("_", name).strip(" .")
    return cleaned[:max_length].rstrip(" .") or "_"


@attrs.define(slots=True)
class _Sidecar:
    """What ``<dest>.part.json`` remembers about the partial file."""

    url: str
    validator: str | None = None
    total: int | None = None

    @classmethod
    def load(cls, path: Path, url: str) -> _Sidecar | None:
        try:
            data = orjson.loads(path.read_bytes())
        except (OSError, orjson.JSONDecodeError):
            return None
        if not isinstance(data, dict) or data.get("url") != url:
            return None  # a part file of something else: not ours to continue
        validator, total = data.get("validator"), data.get("total")
        return cls(
            url,
            validator if isinstance(validator, str) else None,
            total if isinstance(total, int) and not isinstance(total, bool) else None,
        )

    def save(self, path: Path) -> None:
        tmp = path.with_name(path.name + ".tmp")
        tmp.write_bytes(
            orjson.dumps({"url": self.url, "validator": self.validator, "total": self.total})
        )
        os.replace(tmp, path)


def _validator(headers: Mapping[str, str]) -> str | None:
    """A strong ETag, else Last-Modified: what If-Range accepts."""
    etag = headers.get("ETag")
    if etag and not etag.startswith("W/"):
        return etag
    return headers.get("Last-Modified")


def _content_range(headers: Mapping[str, str]) -> tuple[int | None, int | None]:
    """(first byte, complete length) from ``Content-Range``; None where absent or ``*``."""
    match = _CONTENT_RANGE.fullmatch(headers.get("Content-Range", "").strip())
    if match is None:
        return None, None
    start, _, total = match.groups()
    return (int(start) if start else None, int(total) if total != "*" else None)


def _sha256_of(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as f:
        while block := f.read(1 << 20):
            digest.update(block)
    return digest.hexdigest()


class Downloader:
    """Runs downloads for a client: its transport, token and retry policy.

    Made by :meth:`AsyncZoom.download`; not usually built directly.
    """

    def __init__(
        self,
        transport: StreamingTransport,
        *,
        get_token: Callable[[], Awaitable[str]],
        refresh_token: Callable[[str], Awaitable[str | None]] | None,
        retry: RetryPolicy,
        base_url: str | None,
        timeout: float | None,
        user_agent: str,
    ) -> None:
        self._transport = transport
        self._get_token = get_token
        self._refresh_token = refresh_token
        self._retry = retry
        self._base = URL(base_url) if base_url else None
        self._timeout = timeout
        self._user_agent = user_agent

    async def download(
        self,
        url_or_file: object,
        dest: str | os.PathLike[str],
        *,
        expected_size: int | None = None,
        sha256: str | None = None,
        download_token: str | None = None,
        progress: ProgressCallback | None = None,
        chunk_size: int = CHUNK_SIZE,
    ) -> DownloadResult:
        """See :meth:`zoom_async.AsyncZoom.download`."""
        source = _source(url_or_file, expected_size)
        if sha256 is not None and (
            not isinstance(sha256, str) or not re.fullmatch(r"[0-9a-fA-F]{64}", sha256)
        ):
            raise ValueError("sha256 must be 64 hex digits")
        if download_token is not None and (
            not isinstance(download_token, str) or not download_token
        ):
            raise ValueError("download_token must be a non-empty string")
        if progress is not None and not callable(progress):
            raise ValueError("progress must be a callable (bytes_on_disk, total)")
        if isinstance(chunk_size, bool) or not isinstance(chunk_size, int) or chunk_size < 1024:
            raise ValueError(f"chunk_size must be an int >= 1024, got {chunk_size!r}")
        if not isinstance(dest, str | os.PathLike) or not str(dest):
            raise ValueError(f"dest must be a file or directory path, got {dest!r}")
        path = Path(dest)
        if path.is_dir() or str(dest).endswith(("/", os.sep)):
            path = path / source.name
        return await _Job(
            self,
            source,
            path,
            sha256.lower() if sha256 else None,
            download_token,
            progress,
            chunk_size,
        ).run()


class _Restart(Exception):
    """The partial file cannot be continued: start over from byte 0."""


class _Job:
    """One download: the attempt loop, resume bookkeeping and the final checks."""

    def __init__(
        self,
        owner: Downloader,
        source: _Source,
        path: Path,
        sha256: str | None,
        download_token: str | None,
        progress: ProgressCallback | None,
        chunk_size: int,
    ) -> None:
        self.owner = owner
        self.source = source
        self.path = path
        self.part = path.with_name(path.name + ".part")
        self.meta = path.with_name(path.name + ".part.json")
        self.sha256 = sha256
        self.download_token = download_token
        self.progress = progress
        self.chunk_size = chunk_size
        self.total: int | None = source.size
        self.transferred = 0
        self.resumed = False

    async def run(self) -> DownloadResult:
        if self.source.size is not None and self._complete_already():
            return DownloadResult(self.path, self.source.size, 0, False, self.sha256)
        self.path.parent.mkdir(parents=True, exist_ok=True)
        sidecar = _Sidecar.load(self.meta, self.source.url) if self.part.exists() else None
        if sidecar is None:
            self._discard()
            sidecar = _Sidecar(self.source.url)
        attempt = 0
        rejected: set[str] = set()
        while True:
            before = self.transferred
            try:
                await self._attempt(sidecar, rejected)
                return self._finish()
            except _Restart:
                self._discard()
                sidecar = _Sidecar(self.source.url)
                continue
            except _TokenRejected:
                continue
            except ZoomError as error:
                if isinstance(error, DownloadError):
                    raise
                # A connection that delivered bytes before dropping is progress, not a
                # failed attempt: only consecutive fruitless attempts count.
                if self.transferred > before:
                    attempt = 0
                delay = self.owner._retry.delay_for(attempt, "GET", error)
                if delay is None:
                    raise
                attempt += 1
                logger.debug("download retry %d in %.2fs: %s", attempt, delay, error)
                await asyncio.sleep(delay)

    def _complete_already(self) -> bool:
        try:
            if self.path.stat().st_size != self.source.size:
                return False
        except OSError:
            return False
        return self.sha256 is None or _sha256_of(self.path) == self.sha256

    def _discard(self) -> None:
        for p in (self.part, self.meta):
            p.unlink(missing_ok=True)

    def _part_size(self) -> int:
        try:
            return self.part.stat().st_size
        except OSError:
            return 0

    async def _attempt(self, sidecar: _Sidecar, rejected: set[str]) -> None:
        offset = self._part_size()
        headers = {"User-Agent": self.owner._user_agent, "Accept-Encoding": "identity"}
        if offset:
            if sidecar.validator is None and self.total is None:
                raise _Restart  # nothing to tell whether the bytes on disk still match
            headers["Range"] = f"bytes={offset}-"
            if sidecar.validator is not None:
                headers["If-Range"] = sidecar.validator
        url = URL(self.source.url, encoded=True)
        for _ in range(MAX_REDIRECTS + 1):
            token = await self._credential(url)
            hop = dict(headers)
            if token is not None:
                hop["Authorization"] = f"Bearer {token}"
            async with self.owner._transport.stream(
                str(url), headers=hop, timeout=self.owner._timeout
            ) as response:
                if response.status in _REDIRECTS:
                    location = response.headers.get("Location")
                    if not location:
                        raise DownloadError(f"redirect {response.status} without a Location")
                    url = url.join(URL(location, encoded=True))
                    continue
                if response.status in (401, 403) and token is not None:
                    await self._token_failed(response, token, rejected)
                if response.status == 416:
                    self._range_not_satisfiable(response, offset)
                    return
                if response.status >= 300:
                    body = await response.read()
                    raise error_from_response(
                        response.status, response.headers, body, method="GET", path=url.path
                    )
                await self._receive(response, sidecar, offset)
                return
        raise DownloadError(f"more than {MAX_REDIRECTS} redirects")

    async def _credential(self, url: URL) -> str | None:
        if not is_trusted_url(url, self.owner._base):
            return None
        if self.download_token is not None:
            return self.download_token
        return await self.owner._get_token()

    async def _token_failed(
        self, response: StreamedResponse, token: str, rejected: set[str]
    ) -> None:
        body = await response.read()
        error = error_from_response(response.status, response.headers, body, method="GET")
        refresh = self.owner._refresh_token
        # The client's own token may have expired mid-job: replace it once.
        if (
            isinstance(error, AuthenticationError)
            and self.download_token is None
            and refresh is not None
            and token not in rejected
            and len(rejected) <= self.owner._retry.max_retries
        ):
            rejected.add(token)
            if await refresh(token) is not None:
                raise _TokenRejected
        raise error

    def _range_not_satisfiable(self, response: StreamedResponse, offset: int) -> None:
        if offset == 0:
            raise DownloadError("the server refused the whole file (416)")
        _, total = _content_range(response.headers)
        # Everything may already be on disk (killed between the last byte and the rename).
        if total is not None and total == offset and self.total in (None, total):
            self.total = total
            return
        raise _Restart

    async def _receive(self, response: StreamedResponse, sidecar: _Sidecar, offset: int) -> None:
        if response.status == 206:
            start, total = _content_range(response.headers)
            if start != offset:
                raise _Restart
            self.resumed = True
            mode = "ab"
        else:
            # A full body: the file changed (If-Range failed) or ranges are unsupported.
            offset, total, mode = 0, _int(response.headers.get("Content-Length")), "wb"
        if total is not None:
            if self.total is not None and total != self.total:
                raise DownloadError(
                    f"the server offers {total} bytes, expected {self.total}: not the same file"
                )
            self.total = total
        validator = _validator(response.headers)
        if mode == "wb" or sidecar.validator != validator or sidecar.total != self.total:
            sidecar.validator, sidecar.total = validator, self.total
            sidecar.save(self.meta)
        limit = self.total
        size = offset
        progress = self.progress
        if mode == "wb":
            # A new file, never one truncated in place: ext4 (auto_da_alloc) starts writing
            # back a file truncated to 0 when it is closed, which stalls the close for as
            # long as the disk takes.
            self.part.unlink(missing_ok=True)
        with self.part.open(mode) as f:
            async for chunk in response.chunks(self.chunk_size):
                f.write(chunk)
                size += len(chunk)
                self.transferred += len(chunk)
                if limit is not None and size > limit:
                    break
                if progress is not None:
                    progress(size, limit)

    def _finish(self) -> DownloadResult:
        size = self._part_size()
        if self.total is not None and size != self.total:
            self._discard()
            raise DownloadError(f"received {size} bytes, expected {self.total}")
        digest: str | None = None
        if self.sha256 is not None:
            digest = _sha256_of(self.part)
            if digest != self.sha256:
                self._discard()
                raise DownloadError("SHA-256 of the received file does not match")
        os.replace(self.part, self.path)
        self.meta.unlink(missing_ok=True)
        if self.progress is not None and self.transferred == 0:
            self.progress(size, size)  # nothing was streamed (416: all on disk already)
        return DownloadResult(self.path, size, self.transferred, self.resumed, digest)


class _TokenRejected(Exception):
    """The token was refreshed after a 401: try again at once."""


def _int(value: str | None) -> int | None:
    try:
        return int(value) if value is not None else None
    except ValueError:
        return None
