"""Hardening suite: each test reproduces one defect from the adversarial review (issue 14).

The facade suite's fixtures (respx router, ``make_client``, recorded sleeps) are reused."""

from __future__ import annotations

import sys
from pathlib import Path

_ROOT = str(Path(__file__).resolve().parents[2])
if _ROOT not in sys.path:
    sys.path.insert(0, _ROOT)

from tests.facade.conftest import (  # noqa: E402, F401
    make_client,
    router,
    s2s,
    sleeps,
    transport,
)
