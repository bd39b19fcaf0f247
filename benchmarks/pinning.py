"""CPU pinning for bench processes (no aiohttp import: cells measure their own RSS)."""

from __future__ import annotations

import os


def pin(cpu: int | None) -> str:
    """Pin this process to one CPU when the machine has more than one; say what happened."""
    if cpu is None or not hasattr(os, "sched_setaffinity"):
        return "unpinned"
    available = sorted(os.sched_getaffinity(0))
    if len(available) < 2:
        return "unpinned (1 CPU)"
    target = available[cpu % len(available)]
    os.sched_setaffinity(0, {target})
    return f"cpu {target}"
