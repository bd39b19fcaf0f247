"""Cloud recordings of ended meetings: the files, their lifecycle and their content.

A file's bytes are never stored: content is a function of the file id and the offset (a
prime-length pattern derived from the id, tiled), so any range of a file of any size can be
produced on demand, and two sandboxes with the same seed serve identical files.
"""

from __future__ import annotations

import hashlib
from collections.abc import Iterator
from datetime import UTC, datetime

import attrs

__all__ = ["FILE_KINDS", "Recording", "RecordingFile", "content", "iter_content"]

# file_type -> (file_extension, recording_type, default size in bytes)
FILE_KINDS: dict[str, tuple[str, str, int]] = {
    "MP4": ("MP4", "shared_screen_with_speaker_view", 3 * 1024 * 1024 + 4321),
    "M4A": ("M4A", "audio_only", 640 * 1024 + 123),
    "TRANSCRIPT": ("VTT", "audio_transcript", 9 * 1024 + 77),
    "CHAT": ("TXT", "chat_file", 2 * 1024 + 11),
}
_TEXT = frozenset({"TRANSCRIPT", "CHAT"})
_PERIOD = 65521  # prime: an offset error rarely lands on an identical byte run
_CHUNK = 256 * 1024


@attrs.define(eq=False)
class RecordingFile:
    id: str
    meeting_uuid: str
    meeting_id: int
    file_type: str
    size: int
    start: float
    end: float
    trashed_at: float | None = None

    @property
    def extension(self) -> str:
        return FILE_KINDS.get(self.file_type, ("BIN", "", 0))[0]

    @property
    def recording_type(self) -> str:
        return FILE_KINDS.get(self.file_type, ("", "shared_screen", 0))[1]

    @property
    def etag(self) -> str:
        return f'"{self.id}-{self.size}"'

    @property
    def last_modified(self) -> str:
        moment = datetime.fromtimestamp(int(self.end), UTC)
        return moment.strftime("%a, %d %b %Y %H:%M:%S GMT")


@attrs.define(eq=False)
class Recording:
    """The cloud recording of one meeting instance."""

    uuid: str
    meeting_id: int
    host_id: str
    topic: str
    type: int
    start_time: float
    duration: int  # minutes
    password: str
    files: list[RecordingFile]
    # Files removed for good are dropped from ``files``; trashed ones are only marked.
    share_url: str = ""

    def live_files(self) -> list[RecordingFile]:
        return [f for f in self.files if f.trashed_at is None]

    def trashed_files(self) -> list[RecordingFile]:
        return [f for f in self.files if f.trashed_at is not None]


class _Tiles:
    """One pattern per file id, cached: tiled so a chunk is a single slice."""

    def __init__(self, limit: int = 16) -> None:
        self._cache: dict[tuple[str, bool], bytes] = {}
        self._limit = limit

    def get(self, file_id: str, text: bool) -> bytes:
        key = (file_id, text)
        tile = self._cache.get(key)
        if tile is None:
            pattern = hashlib.shake_256(f"zoom-sandbox-file:{file_id}".encode()).digest(_PERIOD)
            if text:  # printable lines, so transcripts and chats look like text files
                alphabet = b"abcdefghijklmnopqrstuvwxyz     ABCDEFGHIJKLMNOPQRSTUVWXYZ.,\n"
                pattern = bytes(alphabet[b % len(alphabet)] for b in pattern)
            tile = pattern * (_CHUNK // _PERIOD + 2)
            if len(self._cache) >= self._limit:
                self._cache.pop(next(iter(self._cache)))
            self._cache[key] = tile
        return tile


_TILES = _Tiles()


def iter_content(file: RecordingFile, start: int, end: int) -> Iterator[bytes]:
    """The file's bytes ``[start, end)`` in chunks of at most 256 KiB."""
    tile = _TILES.get(file.id, file.file_type in _TEXT)
    offset = start
    while offset < end:
        length = min(_CHUNK, end - offset)
        phase = offset % _PERIOD
        yield tile[phase : phase + length]
        offset += length


def content(file: RecordingFile, start: int = 0, end: int | None = None) -> bytes:
    """The file's bytes ``[start, end)`` at once (for tests comparing small ranges)."""
    return b"".join(iter_content(file, start, file.size if end is None else end))
