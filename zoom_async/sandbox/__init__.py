"""An embedded fake Zoom API (aiohttp.web) for tests, demos and chaos runs.

    async with ZoomSandbox(users=100, seed=7) as sandbox:
        async with sandbox.client() as zoom:
            ...

``python -m zoom_async.sandbox`` runs one standalone.
"""

from __future__ import annotations

from .clock import SandboxClock
from .counters import Counters
from .faults import FAULT_KINDS, TOKEN_ENDPOINT, Fault, FaultKind, Faults
from .server import ZoomSandbox

__all__ = [
    "FAULT_KINDS",
    "TOKEN_ENDPOINT",
    "Counters",
    "Fault",
    "FaultKind",
    "Faults",
    "SandboxClock",
    "ZoomSandbox",
]
