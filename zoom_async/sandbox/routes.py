"""Which coroutine serves each spec operation: a bespoke handler registered for its route,
else the generic layer. Routes, methods and everything else about them are spec facts."""

from __future__ import annotations

from collections.abc import Mapping

from . import generic, handlers
from .call import Handler, OpSpec
from .families import archive, groups, recordings, reports, users, webinars
from .spec import OperationFacts

__all__ = ["BESPOKE", "routes"]

#: Bespoke handlers by route ("METHOD /path/{template}"), from every family module.
BESPOKE: dict[str, Handler] = {
    **handlers.BESPOKE,
    **recordings.BESPOKE,
    **reports.BESPOKE,
    **webinars.BESPOKE,
    **users.BESPOKE,
    **groups.BESPOKE,
    **archive.BESPOKE,
}


def routes(operations: Mapping[str, OperationFacts]) -> tuple[OpSpec, ...]:
    """Every operation paired with its handler, the most literal paths first.

    aiohttp tries routes in the order they were added, so ``/users/summary`` must come
    before ``/users/{userId}``; a bespoke handler whose route the spec lacks is simply unused.
    """

    def literal_first(facts: OperationFacts) -> tuple[tuple[bool, ...], str]:
        segments = facts.path.strip("/").split("/")
        return tuple(s.startswith("{") for s in segments), facts.route

    ordered = sorted(operations.values(), key=literal_first)
    return tuple(
        OpSpec(facts, BESPOKE[facts.route], True)
        if facts.route in BESPOKE
        else OpSpec(facts, generic.serve, False)
        for facts in ordered
    )
