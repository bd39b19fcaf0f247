"""Checks run against the package generated from fixtures/constructs.yaml.

Generated code imports itself as ``zoom_async._generated``, so the fixture's output lives in
a copy of the package; test_gen_constructs.py runs ``python constructs_check.py NAME`` with
that copy first on sys.path. Each check raises AssertionError on failure.
"""

from __future__ import annotations

import asyncio
import datetime as dt
import sys
import warnings
from collections.abc import Callable, Mapping
from typing import Any

CHECKS: dict[str, Callable[[], None]] = {}


def check(fn: Callable[[], None]) -> Callable[[], None]:
    CHECKS[fn.__name__] = fn
    return fn


def raises(exc: type[BaseException], fn: Callable[[], Any], *words: str) -> None:
    try:
        fn()
    except exc as error:
        for word in words:
            assert word in str(error), f"{word!r} not in {error!r}"
        return
    raise AssertionError(f"{fn} did not raise {exc.__name__}")


class Recorder:
    """A transport that records requests and answers with a canned response."""

    def __init__(self, status: int, body: bytes = b"") -> None:
        self.status, self.body = status, body
        self.sent: list[dict[str, Any]] = []

    async def send(
        self,
        method: str,
        url: str,
        *,
        headers: Mapping[str, str],
        body: bytes | None,
        timeout: float | None,
    ) -> Any:
        from zoom_async.transport import RawResponse

        self.sent.append({"method": method, "url": url, "headers": dict(headers), "body": body})
        return RawResponse(self.status, {"Content-Type": "application/json"}, self.body)

    async def aclose(self) -> None:
        pass


def call(status: int, body: bytes, method: str, *args: Any, **kwargs: Any) -> tuple[Any, Recorder]:
    from zoom_async import AsyncZoom, BearerToken

    transport = Recorder(status, body)

    async def run() -> Any:
        async with AsyncZoom(
            BearerToken("t"), base_url="http://127.0.0.1:9", transport=transport
        ) as zoom:
            return await getattr(zoom, method)(*args, **kwargs)

    return asyncio.run(run()), transport


@check
def imports_are_lazy() -> None:
    import zoom_async
    import zoom_async.models  # noqa: F401

    loaded = [m for m in sys.modules if m.startswith("zoom_async._generated.")]
    assert all(not m.startswith("zoom_async._generated.models.") for m in loaded), loaded
    assert all(m.count(".") < 4 for m in loaded if ".api." in m), loaded
    call(204, b"", "delete_thing", "t1")
    endpoints = [m for m in sys.modules if m.startswith("zoom_async._generated.api.things.")]
    assert endpoints == ["zoom_async._generated.api.things.delete_thing"], endpoints


@check
def multipart_upload() -> None:
    from zoom_async.models import PictureAdded, ThingPicture
    from zoom_async.wire import Upload

    picture = ThingPicture(
        pic_file=Upload(b"\x89PNG-data", filename="me.png", content_type="image/png"),
        caption="hello",
    )
    result, transport = call(201, b'{"id": "p1"}', "upload_thing_picture", "t1", picture)
    assert isinstance(result, PictureAdded) and result.id == "p1"
    (sent,) = transport.sent
    content_type = sent["headers"]["Content-Type"]
    assert content_type.startswith("multipart/form-data; boundary="), content_type
    boundary = content_type.split("boundary=", 1)[1].encode()
    body = sent["body"]
    assert body.startswith(b"--" + boundary + b"\r\n") and body.endswith(
        b"--" + boundary + b"--\r\n"
    )
    assert (
        b'name="pic_file"; filename="me.png"\r\nContent-Type: image/png\r\n\r\n\x89PNG-data\r\n'
        in body
    )
    assert b'name="caption"\r\n\r\nhello\r\n' in body
    raises(TypeError, lambda: Upload("not bytes"), "content")  # type: ignore[arg-type]


@check
def date_time_query() -> None:
    from zoom_async._generated.api.things import list_things

    moment = dt.datetime(2024, 1, 2, 3, 4, 5, tzinfo=dt.timezone(dt.timedelta(hours=2)))
    assert list_things.build_request(since=moment).query["since"] == "2024-01-02T01:04:05Z"
    given = "2024-01-02T03:04:05+02:00"
    assert list_things.build_request(since=given).query["since"] == given
    raises(ValueError, lambda: list_things.build_request(since=dt.datetime(2024, 1, 2)), "since")
    raises(ValueError, lambda: list_things.build_request(since="yesterday"), "since")
    assert "since" not in list_things.build_request().query


@check
def integer_enum_query() -> None:
    from zoom_async._generated.api.things import list_things
    from zoom_async.models import ListThingsKind

    assert list_things.build_request(kind=2).query["kind"] == "2"
    assert list_things.build_request(kind=ListThingsKind(3)).query["kind"] == "3"
    raises(TypeError, lambda: list_things.build_request(kind="2"), "kind")  # type: ignore[arg-type]


@check
def any_of_and_one_of_fields() -> None:
    from zoom_async.models import Detail, Thing
    from zoom_async.serde import structure, unstructure

    for raw in (
        {"id": "1", "value": {"size": 3}, "choice": 5},
        {"id": "1", "value": "plain text", "choice": "five"},
    ):
        thing = structure(raw, Thing)
        assert unstructure(thing) == raw
    assert isinstance(structure({"id": "1", "value": {"size": 3}}, Thing).value, Detail)
    assert structure({"id": "1", "value": "x"}, Thing).value == "x"
    raises(TypeError, lambda: structure({"id": "1", "value": [1]}, Thing), "list")


@check
def top_level_array_response() -> None:
    from zoom_async.models import Thing

    result, _ = call(200, b'[{"id": "a"}, {"id": "b", "tags": ["x"]}]', "list_all_things")
    assert [type(t) for t in result] == [Thing, Thing]
    assert [t.id for t in result] == ["a", "b"] and result[1].tags == ["x"]


@check
def deprecated_operation_and_field() -> None:
    from zoom_async import AsyncZoom
    from zoom_async.models import Thing

    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        call(204, b"", "delete_thing", "t1")
    assert [w.category for w in caught] == [DeprecationWarning], caught
    assert "deprecated" in str(caught[0].message)
    doc = AsyncZoom.delete_thing.__doc__ or ""
    assert "Deprecated" in doc and "DeprecationWarning" in doc
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        call(202, b"", "refresh_thing", "t1")
    assert caught == []
    old = next(line for line in (Thing.__doc__ or "").splitlines() if "old_field" in line)
    assert "deprecated" in old


@check
def success_statuses() -> None:
    from zoom_async import AsyncZoom
    from zoom_async.models import Thing, ThingCreate
    from zoom_async.wire import operation_of

    statuses = {
        name: operation_of(getattr(AsyncZoom, name)).success_status
        for name in ("create_thing", "delete_thing", "refresh_thing", "list_things")
    }
    assert statuses == {
        "create_thing": 201,
        "delete_thing": 204,
        "refresh_thing": 202,
        "list_things": 200,
    }
    created, transport = call(201, b'{"id": "n1"}', "create_thing", ThingCreate(name="n"))
    assert isinstance(created, Thing) and created.id == "n1"
    assert transport.sent[0]["headers"]["Content-Type"] == "application/json"
    assert call(202, b"", "refresh_thing", "t1")[0] is None
    assert call(204, b"", "delete_thing", "t1")[0] is None


@check
def honest_types() -> None:
    import typing

    from zoom_async.models import Thing, ThingCreate, ThingPage
    from zoom_async.serde import structure

    hints = typing.get_type_hints(Thing, vars(sys.modules[Thing.__module__]))
    assert hints["id"] is str  # required: not Optional
    assert hints["tags"] == list[str]  # a response's list: never None
    page = structure({}, ThingPage)
    assert page.things == [] and page.page_items() == []
    raises(KeyError, lambda: structure({}, Thing), "id")
    create_hints = typing.get_type_hints(ThingCreate, vars(sys.modules[ThingCreate.__module__]))
    assert create_hints["labels"] == list[str] | None  # a request's list: None means "leave out"


@check
def secrets_redacted_and_none_omitted() -> None:
    from zoom_async.models import Thing

    thing = Thing(id="1", passcode="hunter2")
    assert repr(thing) == "Thing(id='1', passcode='<redacted>')", repr(thing)
    assert thing.passcode == "hunter2"
    assert "secret" in next(
        line for line in (Thing.__doc__ or "").splitlines() if "passcode:" in line
    )


@check
def method_docstrings_and_operations() -> None:
    from zoom_async import AsyncZoom
    from zoom_async._generated.api import MODULES
    from zoom_async.wire import operation_of

    names = [n for n, fn in vars(AsyncZoom.__mro__[1]).items() if hasattr(fn, "__zoom_operation__")]
    assert len(names) == len(MODULES) == 6
    for name in names:
        method = getattr(AsyncZoom, name)
        op = operation_of(method)
        doc = method.__doc__ or ""
        assert f"``{op.operation_id}``" in doc and f"{op.method} ``{op.path_template}``" in doc, doc
        assert f"rate limit ``{op.rate_limit}``" in doc, doc


if __name__ == "__main__":
    CHECKS[sys.argv[1]]()
    print("ok")
