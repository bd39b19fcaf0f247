"""Archived meeting files (Zoom's compliance archiving): one archive per ended instance that
was archived, its files downloadable like recordings (the same content function, the same
302-to-CDN route with Range), each with an auto-delete flag."""

from __future__ import annotations

import random
from collections.abc import Iterable

import attrs

from .recordings import FILE_KINDS, RecordingFile

__all__ = ["ARCHIVE_KINDS", "Archive", "make_archive"]

#: The file types an archive holds, in Zoom's order.
ARCHIVE_KINDS = ("MP4", "M4A", "TRANSCRIPT", "CHAT")


@attrs.define(eq=False)
class Archive:
    """The archived files of one meeting instance."""

    uuid: str
    meeting_id: int
    host_id: str
    topic: str
    type: int
    start_time: float
    end_time: float
    complete_time: float  # when archiving finished (a few minutes after the end)
    files: list[RecordingFile]
    auto_delete: dict[str, bool] = attrs.field(factory=dict)  # by file id

    @property
    def duration_seconds(self) -> int:
        return max(60, int(self.end_time - self.start_time))


def make_archive(
    rng: random.Random,
    *,
    uuid: str,
    meeting_id: int,
    host_id: str,
    topic: str,
    type: int,
    start: float,
    end: float,
    kinds: Iterable[str] = ARCHIVE_KINDS,
) -> Archive:
    files = []
    for file_type in kinds:
        digits = f"{rng.getrandbits(128):032x}"
        # Archive sizes differ from the recording's: a different file of the same kind.
        size = FILE_KINDS[file_type][2] // 2 + rng.randrange(1, 4096)
        files.append(
            RecordingFile(
                id=f"arc-{digits[:8]}-{digits[8:12]}-{digits[12:16]}-{digits[16:]}",
                meeting_uuid=uuid,
                meeting_id=meeting_id,
                file_type=file_type,
                size=size,
                start=start,
                end=end,
            )
        )
    return Archive(
        uuid=uuid, meeting_id=meeting_id, host_id=host_id, topic=topic, type=type,
        start_time=start, end_time=end, complete_time=end + rng.randrange(120, 900),
        files=files, auto_delete={f.id: True for f in files},
    )  # fmt: skip
