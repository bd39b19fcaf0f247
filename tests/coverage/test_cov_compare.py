"""The comparison behind every lossless check: it must see each kind of loss."""

from __future__ import annotations

from typing import Any

import pytest

from tests.support.spec_cases import differences

BODY = {"id": 1, "when": "2024-05-06T07:08:09.000Z", "tags": ["a", "b"], "s": {"x": True}}


@pytest.mark.parametrize(
    ("got", "found"),
    [
        ({**BODY, "id": 2}, ["$.id: 1 became 2"]),
        ({k: v for k, v in BODY.items() if k != "s"}, ["$.s: lost"]),
        ({**BODY, "s": {}}, ["$.s.x: lost"]),
        ({**BODY, "tags": ["a"]}, ["$.tags: 2 items became 1"]),
        ({**BODY, "s": {"x": 1}}, ["$.s.x: True became 1"]),
        ({**BODY, "when": "2024-05-06T07:08:10Z"}, ["$.when: '2024-05-06T07:08:09.000Z' became"]),
        ({**BODY, "new": 1}, ["$.new: added"]),
        ({**BODY, "id": "1x"}, ["$.id: 1 became '1x'"]),
        ({**BODY, "s": None}, ["$.s: {'x': True} became None"]),
    ],
)
def test_differences_reports_each_loss(got: Any, found: list[str]) -> None:
    reported = list(differences(BODY, got))
    assert len(reported) == len(found), reported
    for line, prefix in zip(reported, found, strict=True):
        assert line.startswith(prefix), (line, prefix)


@pytest.mark.parametrize(
    "got",
    [
        BODY,
        {**BODY, "when": "2024-05-06T07:08:09Z"},  # same instant, written shorter
        {**BODY, "id": "1"},  # an ID string typed as an integer, or back
        {**BODY, "id": 1.0},
    ],
)
def test_differences_accepts_equal_values(got: Any) -> None:
    assert list(differences(BODY, got)) == []
