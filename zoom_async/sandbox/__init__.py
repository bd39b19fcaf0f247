"""An embedded fake Zoom API (aiohttp.web) for tests, demos and chaos runs.

    async with ZoomSandbox(users=100, seed=7) as sandbox:
        async with sandbox.client() as zoom:
            ...

``sandbox.end_meeting(meeting_id, record=True)`` leaves a past instance with participants,
a meeting summary and cloud recording files whose ``download_url`` the sandbox serves (302
to a CDN origin, Range requests; ``faults.add("drop_mid_body", operations=FILE_ENDPOINT,
after_bytes=N)`` cuts a download; ``counters.cdn_requests`` counts them).

``python -m zoom_async.sandbox`` runs one standalone.
"""

from __future__ import annotations

from .clock import SandboxClock
from .counters import Counters
from .faults import FAULT_KINDS, FILE_ENDPOINT, TOKEN_ENDPOINT, Fault, FaultKind, Faults
from .server import ZoomSandbox

__all__ = [
    "FAULT_KINDS",
    "FILE_ENDPOINT",
    "TOKEN_ENDPOINT",
    "Counters",
    "Fault",
    "FaultKind",
    "Faults",
    "SandboxClock",
    "ZoomSandbox",
]
