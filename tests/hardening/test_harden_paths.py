"""Dot segments in text path values are refused before anything is sent."""

from __future__ import annotations

import pytest
import respx

from zoom_async.wire import check_path_text


@pytest.mark.parametrize("value", [".", "..", "...", "./..", "../.."])
def test_dot_segment_values_are_refused_naming_the_argument(value):
    with pytest.raises(ValueError, match="registrant_id"):
        check_path_text("registrant_id", value)


@pytest.mark.parametrize("value", ["a.b", "..a", "user.name@example.com", ".hidden"])
def test_values_with_dots_and_other_text_pass(value):
    assert check_path_text("user_id", value) == value


async def test_delete_registrant_dotdot_sends_nothing(make_client, router: respx.Router):
    route = router.route()
    zoom = make_client()
    with pytest.raises(ValueError, match="registrant_id"):
        await zoom.delete_meeting_registrant(85746065, "..")
    assert not route.called
