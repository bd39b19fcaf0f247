"""Registering a callback under a misspelt event name fails loudly instead of never firing."""

from __future__ import annotations

import pytest

from zoom_async.webhooks import ZoomWebhookRouter
from zoom_async.webhooks.events import EVENT_TYPES


def _router() -> ZoomWebhookRouter:
    return ZoomWebhookRouter("secret-token")


def test_typo_raises_with_a_suggestion():
    router = _router()
    with pytest.raises(ValueError, match=r"'meeting\.create'.*did you mean 'meeting\.created'"):

        @router.on("meeting.create")
        def never(event: object) -> None: ...

    with pytest.raises(ValueError, match="allow_unknown=True"):
        router.add("meeting.participant_join", print)
    assert "meeting.create" not in repr(router)


def test_every_typed_event_and_the_wildcard_register():
    router = _router()
    for name in [*EVENT_TYPES, "*"]:
        if name != "endpoint.url_validation":
            router.add(name, print)
    assert len(repr(router)) > 100


def test_unknown_names_are_allowed_explicitly():
    router = _router()

    @router.on("webinar.started", allow_unknown=True)
    def started(event: object) -> None: ...

    router.add("user.created", print, allow_unknown=True)
    assert "webinar.started" in repr(router) and "user.created" in repr(router)


@pytest.mark.parametrize("name", ["", None, 3])
def test_name_must_be_text(name):
    with pytest.raises(TypeError, match="event_name"):
        _router().add(name, print, allow_unknown=True)  # type: ignore[arg-type]


def test_url_validation_is_not_a_callback_event():
    with pytest.raises(ValueError, match="answered by the router"):
        _router().add("endpoint.url_validation", print, allow_unknown=True)
