"""AiohttpTransport builds request URLs from a cached origin: the same URL as a full parse."""

from __future__ import annotations

import pytest
from yarl import URL

from zoom_async.transport import AiohttpTransport

URLS = [
    "https://api.zoom.us/v2/meetings/85746065000",
    "https://api.zoom.us/v2/users?page_size=300&next_page_token=a%2Bb%3D&status=active",
    "https://api.zoom.us/v2/past_meetings/%252FabcD%252F%252Fx%3D%3D/participants",
    "https://API.Zoom.US:443/v2/users/me",
    "http://127.0.0.1:8080/v2/meetings/1?occurrence_id=1648194360000",
    "http://[::1]:8080/v2/report/daily?year=2026&month=12",
    "http://localhost:1/v2/",
    "http://127.0.0.1:9",
    # A "/" only in the query, or a fragment: not an origin followed by a path.
    "http://127.0.0.1:9?next=/v2/users",
    "http://127.0.0.1:9/v2/users?q=1#frag/x",
]


@pytest.mark.parametrize("url", URLS)
def test_built_url_equals_a_full_parse_first_and_cached(url):
    transport = AiohttpTransport()
    expected = URL(url, encoded=True)
    for _ in range(2):  # the first parses the origin, the second builds from the cache
        built = transport._yarl(url)
        assert built == expected
        assert str(built) == str(expected)
        assert (
            built.raw_path,
            built.raw_query_string,
            built.raw_fragment,
            built.host,
            built.port,
        ) == (
            expected.raw_path,
            expected.raw_query_string,
            expected.raw_fragment,
            expected.host,
            expected.port,
        )


def test_origins_are_shared_and_bounded():
    transport = AiohttpTransport()
    transport._yarl("https://api.zoom.us/v2/users/me")
    transport._yarl("https://api.zoom.us/v2/meetings/1")
    assert list(transport._origins) == ["https://api.zoom.us"]
    for port in range(1000, 1100):
        url = f"http://127.0.0.1:{port}/v2/users/me"
        assert transport._yarl(url) == URL(url, encoded=True)
    assert len(transport._origins) == 16
