"""The README's FastAPI webhook example (examples/fastapi_webhooks.py) works as shown."""

from __future__ import annotations

import importlib.util
import logging
from pathlib import Path
from types import ModuleType

import httpx
import orjson
import pytest

from zoom_async.webhooks import signature_headers, url_validation_response

ROOT = Path(__file__).resolve().parent.parent
EXAMPLE = ROOT / "examples" / "fastapi_webhooks.py"
SECRET = "readme-example-secret"
START, END = "<!-- webhooks-example:start -->", "<!-- webhooks-example:end -->"


def load_example(monkeypatch: pytest.MonkeyPatch) -> ModuleType:
    monkeypatch.setenv("ZOOM_WEBHOOK_SECRET_TOKEN", SECRET)
    spec = importlib.util.spec_from_file_location("fastapi_webhooks_example", EXAMPLE)
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def participant_event(name: str, user: str) -> bytes:
    return orjson.dumps(
        {
            "event": name,
            "event_ts": 1709564400123,
            "payload": {
                "account_id": "acc",
                "object": {
                    "uuid": "m-uuid==",
                    "id": "85746065",
                    "participant": {"user_name": user, "id": "", "user_id": "16778240"},
                },
            },
        }
    )


async def test_example_app_tracks_attendance(
    monkeypatch: pytest.MonkeyPatch, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.INFO)
    app = load_example(monkeypatch).app
    transport = httpx.ASGITransport(app=app)
    async with httpx.AsyncClient(transport=transport, base_url="http://testserver") as client:

        async def deliver(body: bytes) -> httpx.Response:
            return await client.post(
                "/zoom/webhooks", content=body, headers=signature_headers(SECRET, body)
            )

        challenge = orjson.dumps(
            {"event": "endpoint.url_validation", "payload": {"plainToken": "abc"}}
        )
        response = await deliver(challenge)
        assert response.json() == url_validation_response(SECRET, "abc")

        for body in (
            participant_event("meeting.participant_joined", "Ada"),
            participant_event("meeting.participant_joined", "Grace"),
            participant_event("meeting.participant_left", "Ada"),
        ):
            assert (await deliver(body)).status_code == 204
        assert (await client.get("/attendance/m-uuid==")).json() == ["Grace"]

        recording = orjson.dumps(
            {
                "event": "recording.completed",
                "payload": {"object": {"recording_files": [{"id": "f1", "file_type": "MP4"}]}},
                "download_token": "dl-token",
            }
        )
        assert (await deliver(recording)).status_code == 204
        assert "recording ready: MP4 f1" in caplog.text

        ended = orjson.dumps(
            {"event": "meeting.ended", "payload": {"object": {"uuid": "m-uuid=="}}}
        )
        assert (await deliver(ended)).status_code == 204
        assert (await client.get("/attendance/m-uuid==")).json() == []

        forged = participant_event("meeting.participant_joined", "Mallory")
        response = await client.post("/zoom/webhooks", content=forged)
        assert response.status_code == 401
    assert "zoom event meeting.participant_joined" in caplog.text


def test_readme_embeds_the_example_verbatim() -> None:
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    if START not in readme:
        pytest.skip("README has no webhooks example section yet")
    block = readme.split(START, 1)[1].split(END, 1)[0]
    code = block.split("```python\n", 1)[1].rsplit("```", 1)[0]
    assert code == EXAMPLE.read_text(encoding="utf-8")
