"""The generated layer against the spec: every operation, request building, response parsing.

Everything is driven by ``openapi/zoom-v2.yaml`` through :mod:`examples`, so these tests
cover whatever operations the spec holds.
"""

from __future__ import annotations

import datetime as dt
import inspect
from collections.abc import Callable, Mapping
from typing import Any
from urllib.parse import quote

import attrs
import orjson
import pytest
from spec_examples import SpecOperation, model_view, operations, snake, zoom_error_body

from zoom_async import errors
from zoom_async._generated import models
from zoom_async._generated.api import ENDPOINTS, OPERATIONS
from zoom_async._generated.methods import GeneratedMethods
from zoom_async.serde import structure, unstructure
from zoom_async.wire import Operation, Request, Upload, operation_of

OPS = operations()
BY_ID = {op.operation_id: op for op in OPS}
WITH_MODEL = [op for op in OPS if op.response_schema_name]
NO_CONTENT = [op for op in OPS if not op.response_schema_name]
WITH_BODY = [op for op in OPS if op.request_schema_name]

# The 32 operations of the reference connector (ballerinax/zoom 1.7.1), spelled as it does.
REFERENCE_OPERATIONS = (
    "listUsers",
    "listDashboardMeetings",
    "listDashboardMeetingParticipants",
    "listMeetings",
    "createMeeting",
    "listMeetingRegistrants",
    "addMeetingRegistrant",
    "getMeetingRegistrantsQuestions",
    "updateMeetingRegistrantQuestions",
    "updateMeetingRegistrantStatus",
    "deleteMeetingregistrant",
    "getMeetingById",
    "deleteMeeting",
    "updateMeeting",
    "updateMeetingStatus",
    "listPastMeetings",
    "listPastMeetingPolls",
    "getPastMeetingDetails",
    "listPastMeetingParticipants",
    "getMeetingPolls",
    "createMeetingPoll",
    "getMeetingPoll",
    "updateMeetingPoll",
    "createBatchPolls",
    "getMeetingInvitation",
    "getLiveStreamDetails",
    "updateMeetingLiveStream",
    "listWebinarRegistrants",
    "listWebinarParticipants",
    "listWebinarAbsentees",
    "listMeetingTemplates",
    "deleteMeetingPoll",
)
# The reference misspells one operation id; Zoom's (and our) spelling is the camel-case one.
REFERENCE_SPELLING = {"deleteMeetingregistrant": "deleteMeetingRegistrant"}

# Hand-written expectations for a few operations, so the generic checks below are not only
# compared against values computed the same way the generator computes them.
KNOWN_PATHS = {
    "getMeetingById": "/meetings/85746065",
    "createMeeting": "/users/me/meetings",
    "getPastMeetingDetails": "/past_meetings/4444AAAiAAAAAiAiAiiAii%3D%3D",
    "listWebinarParticipants": "/past_webinars/ABCDE12345/participants",
    "deleteMeetingRegistrant": "/meetings/91498058927/registrants/9tboDiHUQAeOnbmudzWa5g",
    "listUsers": "/users",
}
DEFAULT_QUERIES = {
    "listUsers": {"status": "active", "page_size": "30"},
    "listMeetingRegistrants": {"status": "approved", "page_size": "30", "page_number": "1"},
    "getMeetingById": {},
    "listDashboardMeetings": {
        "type": "live",
        "page_size": "30",
        "from": "2022-01-01",
        "to": "2022-01-28",
    },
}


def ids(op: SpecOperation) -> str:
    return op.operation_id


def endpoint(op: SpecOperation) -> Any:
    return ENDPOINTS[op.operation_id]


def arg_name(fn: Callable[..., Any], wire: str) -> str:
    """The Python parameter of ``fn`` for wire name ``wire`` (``type`` -> ``type_``)."""
    params = inspect.signature(fn).parameters
    for candidate in (snake(wire), snake(wire) + "_"):
        if candidate in params:
            return candidate
    raise AssertionError(f"{fn.__module__}.{fn.__name__} has no parameter for {wire!r}")


def wire_text(value: Any) -> str:
    if value is True:
        return "true"
    if value is False:
        return "false"
    return str(value)


def request_model(op: SpecOperation) -> Any:
    assert op.request_schema_name is not None
    return structure(op.request_payload(), getattr(models, op.request_schema_name))


def call_args(
    op: SpecOperation, *, all_query: bool = True
) -> tuple[list[Any], dict[str, Any], dict[str, str]]:
    """Positional args, keyword args and the query they should produce."""
    build = endpoint(op).build_request
    args: list[Any] = [p["schema"]["example"] for p in op.path_params]
    if op.request_schema_name:
        args.append(request_model(op))
    kwargs: dict[str, Any] = {}
    query: dict[str, str] = {}
    for param in op.query_params:
        schema = param["schema"]
        if all_query or param.get("required"):
            kwargs[arg_name(build, param["name"])] = schema["example"]
            query[param["name"]] = wire_text(schema["example"])
        elif "default" in schema:
            query[param["name"]] = wire_text(schema["default"])
    return args, kwargs, query


def expected_path(op: SpecOperation) -> str:
    path = op.path
    for param in op.path_params:
        path = path.replace(f"{{{param['name']}}}", quote(str(param["schema"]["example"]), safe=""))
    return path


# --- 1. contract: spec <-> endpoint modules <-> methods -------------------------------------


def test_spec_has_the_32_reference_operations() -> None:
    spec_ids = {op.operation_id for op in OPS}
    wanted = {REFERENCE_SPELLING.get(name, name) for name in REFERENCE_OPERATIONS}
    assert len(REFERENCE_OPERATIONS) == len(wanted) == 32
    assert wanted <= spec_ids, sorted(wanted - spec_ids)


@pytest.mark.parametrize("name", REFERENCE_OPERATIONS)
def test_reference_operation_has_endpoint_and_method(name: str) -> None:
    operation_id = REFERENCE_SPELLING.get(name, name)
    module = ENDPOINTS[operation_id]
    method = getattr(GeneratedMethods, snake(operation_id))
    assert operation_of(method) is module.OPERATION
    assert snake("deleteMeetingRegistrant") == "delete_meeting_registrant"


def test_endpoints_are_exactly_the_spec_operations() -> None:
    assert set(ENDPOINTS) == {op.operation_id for op in OPS}
    assert len(ENDPOINTS) == len(OPS)
    assert {k: v.OPERATION for k, v in ENDPOINTS.items()} == OPERATIONS


def test_methods_are_exactly_the_spec_operations() -> None:
    bound = {
        name: operation_of(fn)
        for name, fn in vars(GeneratedMethods).items()
        if hasattr(fn, "__zoom_operation__")
    }
    assert set(bound) == {snake(op.operation_id) for op in OPS}


@pytest.mark.parametrize("op", OPS, ids=ids)
def test_operation_metadata_matches_spec(op: SpecOperation) -> None:
    module = endpoint(op)
    operation = module.OPERATION
    assert isinstance(operation, Operation)
    assert operation.operation_id == op.operation_id
    assert operation.method == op.method
    assert operation.path_template == op.path
    assert operation.path_params == tuple(p["name"] for p in op.path_params)
    assert operation.rate_limit == op.raw["x-zoom-rate-limit"]
    assert operation.items_field == op.items_field
    assert operation.paginated is (op.items_field is not None)
    assert operation.idempotent is (op.method != "POST")
    if op.response_schema_name:
        assert operation.response_type is getattr(models, op.response_schema_name)
    else:
        assert operation.response_type is None
    # The method is bound to the very same Operation object.
    method = getattr(GeneratedMethods, snake(op.operation_id))
    assert operation_of(method) is operation
    assert OPERATIONS[op.operation_id] is operation


def test_items_field_examples() -> None:
    # Independent of how the spec helper computes it.
    assert OPERATIONS["listUsers"].items_field == "users"
    assert OPERATIONS["listWebinarAbsentees"].items_field == "registrants"
    assert OPERATIONS["listPastMeetingParticipants"].items_field == "participants"
    assert OPERATIONS["getMeetingById"].items_field is None
    assert OPERATIONS["listMeetingTemplates"].items_field is None


@pytest.mark.parametrize("op", OPS, ids=ids)
def test_method_signature_mirrors_build_request(op: SpecOperation) -> None:
    method = inspect.signature(getattr(GeneratedMethods, snake(op.operation_id)))
    build = inspect.signature(endpoint(op).build_request)
    assert list(method.parameters)[1:] == list(build.parameters)
    for name, param in build.parameters.items():
        assert method.parameters[name].kind == param.kind, name
        assert method.parameters[name].default == param.default, name


class _Recorder(GeneratedMethods):
    """Captures what a method hands to ``_send`` instead of sending it."""

    def __init__(self) -> None:
        self.sent: list[tuple[Request, Callable[..., Any]]] = []

    async def _send(self, request: Request, parse: Callable[..., Any]) -> Any:
        self.sent.append((request, parse))
        return "sentinel"


def unbounded(request: Request) -> Request:
    """``request`` with its multipart boundary (random per encoding) written as ``BOUNDARY``."""
    if not (request.content_type or "").startswith("multipart/form-data; boundary="):
        return request
    boundary = str(request.content_type).split("boundary=", 1)[1]
    return request._replace(
        content=(request.content or b"").replace(boundary.encode(), b"BOUNDARY"),
        content_type=str(request.content_type).replace(boundary, "BOUNDARY"),
    )


@pytest.mark.parametrize("op", OPS, ids=ids)
async def test_method_sends_build_request_and_parse_response(op: SpecOperation) -> None:
    args, kwargs, _ = call_args(op)
    client = _Recorder()
    result = await getattr(client, snake(op.operation_id))(*args, **kwargs)
    assert result == "sentinel"
    [(request, parse)] = client.sent
    assert unbounded(request) == unbounded(endpoint(op).build_request(*args, **kwargs))
    assert parse is endpoint(op).parse_response


# --- 2. every operation: build_request / parse_response ---------------------------------------


@pytest.mark.parametrize("op", OPS, ids=ids)
def test_build_request_with_examples(op: SpecOperation) -> None:
    args, kwargs, query = call_args(op)
    request = endpoint(op).build_request(*args, **kwargs)
    assert isinstance(request, Request)
    assert request.operation is endpoint(op).OPERATION
    assert request.method == op.method
    assert request.path == expected_path(op)
    if op.operation_id in KNOWN_PATHS:
        assert request.path == KNOWN_PATHS[op.operation_id]
    assert dict(request.query) == query
    assert all(isinstance(v, str) for v in request.query.values())
    if op.request_schema_name and request.content_type:
        # An upload: multipart/form-data, a part per field, the file's bytes as sent.
        assert request.json is None
        assert request.content_type.startswith("multipart/form-data; boundary=")
        for name, value in op.request_payload().items():
            assert f'form-data; name="{name}"'.encode() in (request.content or b"")
            if isinstance(value, Upload):
                assert value.content in (request.content or b"")
    elif op.request_schema_name:
        payload = op.request_payload()
        assert request.json == model_view(payload, getattr(models, op.request_schema_name))
        assert orjson.loads(orjson.dumps(request.json)) == request.json
    else:
        assert request.json is None


@pytest.mark.parametrize("op", OPS, ids=ids)
def test_build_request_defaults(op: SpecOperation) -> None:
    args, kwargs, query = call_args(op, all_query=False)
    request = endpoint(op).build_request(*args, **kwargs)
    assert dict(request.query) == query
    if op.operation_id in DEFAULT_QUERIES:
        assert dict(request.query) == DEFAULT_QUERIES[op.operation_id]


def test_build_request_accepts_int_ids_and_enum_members_and_dates() -> None:
    from zoom_async._generated.api.dashboards import list_dashboard_meetings
    from zoom_async._generated.api.meetings import get_meeting_by_id, list_meetings

    assert get_meeting_by_id.build_request(85746065).path == "/meetings/85746065"
    assert get_meeting_by_id.build_request("85746065").path == "/meetings/85746065"
    request = get_meeting_by_id.build_request(1, show_previous_occurrences=False)
    assert request.query == {"show_previous_occurrences": "false"}
    request = list_meetings.build_request("me", type_=models.ListMeetingsType("upcoming"))
    assert request.query["type"] == "upcoming"
    request = list_dashboard_meetings.build_request(
        from_=dt.date(2022, 1, 1), to=dt.datetime(2022, 1, 28, 13, 0, tzinfo=dt.UTC)
    )
    assert (request.query["from"], request.query["to"]) == ("2022-01-01", "2022-01-28")


@pytest.mark.parametrize("op", WITH_MODEL, ids=ids)
def test_parse_response_with_example_payload(op: SpecOperation) -> None:
    status, _ = op.success
    payload = op.response_payload()
    result = endpoint(op).parse_response(
        status, {"Content-Type": "application/json"}, orjson.dumps(payload)
    )
    cls = getattr(models, op.response_schema_name or "")
    assert type(result) is cls
    assert unstructure(result) == model_view(payload, cls)
    # A few fields, read back as Python values.
    for field in attrs.fields(cls):
        wire = field.metadata.get("wire", field.name)
        value = payload.get(wire)
        got = getattr(result, field.name)
        if isinstance(got, dt.date):
            assert unstructure(got) == value, field.name
        elif isinstance(value, bool | int | str):
            assert got == value, field.name
        elif isinstance(value, list):
            assert isinstance(got, list) and len(got) == len(value), field.name
        elif isinstance(value, dict):
            assert attrs.has(type(got)), field.name
    if op.items_field:
        items = getattr(result, op.items_field)
        assert len(items) == 1 and attrs.has(type(items[0]))


def test_parse_response_spot_checks() -> None:
    get = ENDPOINTS["getMeetingById"]
    meeting = get.parse_response(200, {}, orjson.dumps(BY_ID["getMeetingById"].response_payload()))
    assert meeting.id == 97763643886
    assert meeting.type_ == 2
    assert meeting.start_time == dt.datetime(2022, 3, 25, 7, 29, 29, tzinfo=dt.UTC)
    users = ENDPOINTS["listUsers"].parse_response(
        200, {}, orjson.dumps(BY_ID["listUsers"].response_payload())
    )
    assert isinstance(users.users[0], models.User)
    assert users.users[0].email == "jchill@example.com"
    assert users.next_page_token == "8V8HigQkzm2O5r9RUn31D9ZyJHgrmFfbLa2"


@pytest.mark.parametrize("op", NO_CONTENT, ids=ids)
def test_parse_response_no_content(op: SpecOperation) -> None:
    status, _ = op.success
    # Zoom's answer is `{}` (JSON without a schema, example {}): nothing to return.
    media = op.raw["responses"][str(status)].get("content", {}).get("application/json", {})
    empty_json = media == {"example": {}}
    # 204, or 202 where Zoom accepts a command it carries out later (device and in-meeting
    # controls); a body-less 200 in Zoom's specs is an error note, never the success.
    assert status in (202, 204) or (empty_json and status in (200, 201))
    assert endpoint(op).parse_response(status, {}, b"{}" if empty_json else b"") is None
    assert endpoint(op).parse_response(204, {}, b"") is None
    assert endpoint(op).OPERATION.response_type is None


def _raise(op: SpecOperation, status: int, headers: Mapping[str, str], body: bytes) -> Any:
    with pytest.raises(errors.ZoomAPIError) as info:
        endpoint(op).parse_response(status, headers, body)
    err = info.value
    assert err.status == status
    assert err.method == op.method
    assert err.path == op.path
    return err


@pytest.mark.parametrize("op", OPS, ids=ids)
def test_parse_response_404(op: SpecOperation) -> None:
    body = zoom_error_body()
    err = _raise(op, 404, {"x-zm-trackingid": "v=2.0;clid=us06;rid=WEB_1"}, orjson.dumps(body))
    assert type(err) is errors.NotFoundError
    assert err.code == 3001
    assert err.message == "Meeting does not exist: 85746065."
    assert err.errors == [errors.FieldError("user_info.email", "Invalid field.")]
    assert err.tracking_id == "v=2.0;clid=us06;rid=WEB_1"


@pytest.mark.parametrize("op", OPS, ids=ids)
def test_parse_response_300_is_bad_request(op: SpecOperation) -> None:
    body = orjson.dumps(zoom_error_body(300, "The next page token is invalid or expired."))
    err = _raise(op, 300, {}, body)
    assert type(err) is errors.BadRequestError
    assert err.code == 300


@pytest.mark.parametrize("op", OPS, ids=ids)
def test_parse_response_429(op: SpecOperation) -> None:
    headers = {
        "Retry-After": "2",
        "X-RateLimit-Type": "QPS",
        "X-RateLimit-Category": "Light",
        "X-RateLimit-Remaining": "0",
    }
    body = orjson.dumps(zoom_error_body(429, "You have reached the maximum per-second rate limit"))
    err = _raise(op, 429, headers, body)
    assert type(err) is errors.RateLimitError
    assert (err.retry_after, err.limit_type, err.category, err.remaining) == (
        2.0,
        "QPS",
        "Light",
        0,
    )
    assert not err.is_daily


def test_parse_response_429_daily_with_date() -> None:
    op = BY_ID["listDashboardMeetings"]
    headers = {"retry-after": "2999-05-31T00:00:00Z", "x-ratelimit-type": "Daily-limit"}
    err = _raise(op, 429, headers, orjson.dumps(zoom_error_body(429, "daily limit")))
    assert isinstance(err, errors.RateLimitError)
    assert err.is_daily and err.limit_type == "Daily-limit"
    assert err.reset_at == dt.datetime(2999, 5, 31, tzinfo=dt.UTC)
    assert err.retry_after is not None and err.retry_after > 0


@pytest.mark.parametrize("op", OPS, ids=ids)
def test_parse_response_500_html(op: SpecOperation) -> None:
    body = b"<html><body><h1>502 Bad Gateway</h1></body></html>"
    err = _raise(op, 500, {"Content-Type": "text/html"}, body)
    assert type(err) is errors.ZoomServerError
    assert err.code is None
    assert "Bad Gateway" in err.message


@pytest.mark.parametrize("op", OPS, ids=ids)
@pytest.mark.parametrize("status", [401, 403, 409, 503])
def test_parse_response_other_errors(op: SpecOperation, status: int) -> None:
    err = _raise(op, status, {}, orjson.dumps(zoom_error_body(124, "Invalid access token.")))
    expected = {
        401: errors.AuthenticationError,
        403: errors.PermissionDeniedError,
        409: errors.ConflictError,
        503: errors.ZoomServerError,
    }
    assert type(err) is expected[status]


def _bad_bodies(op: SpecOperation) -> dict[str, bytes]:
    good = orjson.dumps(op.response_payload())
    return {
        "malformed": b"{not json",
        "truncated": good[: len(good) // 2],
        "empty": b"",
        "html": b"<html>maintenance</html>",
        "null": b"null",
        "number": b"42",
    }


@pytest.mark.parametrize("kind", ["malformed", "truncated", "empty", "html", "null", "number"])
@pytest.mark.parametrize("op", WITH_MODEL, ids=ids)
def test_parse_response_invalid_success_body(op: SpecOperation, kind: str) -> None:
    status, _ = op.success
    body = _bad_bodies(op)[kind]
    with pytest.raises(errors.InvalidResponseError) as info:
        endpoint(op).parse_response(status, {}, body)
    assert isinstance(info.value, errors.ZoomAPIError)
    assert info.value.status == status
    assert info.value.body == body


@pytest.mark.parametrize("body", [b"[]", b'"text"'], ids=["array", "string"])
def test_parse_response_wrong_json_shape(body: bytes) -> None:
    with pytest.raises(errors.InvalidResponseError):
        ENDPOINTS["getMeetingById"].parse_response(200, {}, body)


def test_parse_response_wrong_nested_shape() -> None:
    body = orjson.dumps({"users": "not-a-list", "page_size": 30})
    with pytest.raises(errors.InvalidResponseError):
        ENDPOINTS["listUsers"].parse_response(200, {}, body)


def test_parse_response_wrong_field_type_is_invalid_response() -> None:
    body = orjson.dumps({"id": "not-a-number", "topic": "x"})
    with pytest.raises(errors.InvalidResponseError, match="GetMeetingByIdResponse"):
        ENDPOINTS["getMeetingById"].parse_response(200, {}, body)
    body = orjson.dumps({"id": 1, "start_time": "yesterday"})
    with pytest.raises(errors.InvalidResponseError):
        ENDPOINTS["getMeetingById"].parse_response(200, {}, body)


# --- 4. bad input in build_request ----------------------------------------------------------


@pytest.mark.parametrize(
    ("op", "index"),
    [(op, i) for op in OPS for i in range(len(op.path_params))],
    ids=lambda v: str(v),
)
@pytest.mark.parametrize("blank", ["", "   "])
def test_blank_path_argument_is_rejected(op: SpecOperation, index: int, blank: str) -> None:
    args, kwargs, _ = call_args(op)
    args[index] = blank
    name = list(inspect.signature(endpoint(op).build_request).parameters)[index]
    with pytest.raises(ValueError, match=name):
        endpoint(op).build_request(*args, **kwargs)


def test_empty_user_id() -> None:
    for op_id in ("listMeetings", "createMeeting", "listMeetingTemplates"):
        args, kwargs, _ = call_args(BY_ID[op_id])
        args[0] = ""
        with pytest.raises(ValueError, match="user_id"):
            ENDPOINTS[op_id].build_request(*args, **kwargs)


@pytest.mark.parametrize("op", [op for op in OPS if op.items_field], ids=ids)
def test_page_size_bounds(op: SpecOperation) -> None:
    args, kwargs, _ = call_args(op)
    build = endpoint(op).build_request
    # Zoom's limit for the operation (most pages hold 1..300; the QoS ones 1..10).
    [schema] = [p["schema"] for p in op.query_params if p["name"] == "page_size"]
    low, high = schema["minimum"], schema["maximum"]
    assert low == 1 and 1 <= high <= 300
    for bad in (0, high + 1, -1):
        with pytest.raises(ValueError, match="page_size"):
            build(*args, **{**kwargs, "page_size": bad})
    for bad_type in ("30", 30.0, True):
        with pytest.raises(TypeError, match="page_size"):
            build(*args, **{**kwargs, "page_size": bad_type})
    assert build(*args, **{**kwargs, "page_size": 1}).query["page_size"] == "1"
    assert build(*args, **{**kwargs, "page_size": high}).query["page_size"] == str(high)


@pytest.mark.parametrize(
    ("value", "error"),
    [
        ("abc", ValueError),
        ("", ValueError),
        ("-5", ValueError),
        ("\uff18\uff15\uff17", ValueError),  # full-width digits: isdigit() but not an ID
        (1.5, TypeError),
        (None, TypeError),
        (True, TypeError),
        ([85746065], TypeError),
    ],
)
@pytest.mark.parametrize(
    "op",
    [op for op in OPS if op.path_params and op.path_params[0]["schema"]["type"] == "integer"],
    ids=ids,
)
def test_bad_numeric_meeting_id(op: SpecOperation, value: Any, error: type[Exception]) -> None:
    args, kwargs, _ = call_args(op)
    args[0] = value
    name = next(iter(inspect.signature(endpoint(op).build_request).parameters))
    with pytest.raises(error, match=name):
        endpoint(op).build_request(*args, **kwargs)


@pytest.mark.parametrize("op", WITH_BODY, ids=ids)
def test_payload_is_the_operation_model_or_its_json_form(op: SpecOperation) -> None:
    args, kwargs, _ = call_args(op)
    body_index = len(op.path_params)
    # A dict of the right data: the same request as the model built from it.
    args[body_index] = op.request_payload()
    from_dict = endpoint(op).build_request(*args, **kwargs)
    args[body_index] = request_model(op)
    assert unbounded(from_dict) == unbounded(endpoint(op).build_request(*args, **kwargs))
    # Another operation's model.
    other = next(o for o in WITH_BODY if o.request_schema_name != op.request_schema_name)
    args[body_index] = request_model(other)
    with pytest.raises(TypeError, match="payload"):
        endpoint(op).build_request(*args, **kwargs)
    args[body_index] = None
    with pytest.raises(TypeError, match="payload"):
        endpoint(op).build_request(*args, **kwargs)


def test_bad_query_values_name_the_argument() -> None:
    list_users = ENDPOINTS["listUsers"].build_request
    with pytest.raises(TypeError, match="role_id"):
        list_users(role_id=5)
    with pytest.raises(ValueError, match="next_page_token"):
        list_users(next_page_token="")
    get_meeting = ENDPOINTS["getMeetingById"].build_request
    with pytest.raises(TypeError, match="show_previous_occurrences"):
        get_meeting(1, show_previous_occurrences="true")
    dashboard = ENDPOINTS["listDashboardMeetings"].build_request
    with pytest.raises(ValueError, match="from_"):
        dashboard(from_="2022-13-01", to="2022-01-28")
    with pytest.raises(TypeError, match="to"):
        dashboard(from_="2022-01-01", to=20220128)


def test_non_ascii_text_arguments_are_fine() -> None:
    request = ENDPOINTS["listMeetings"].build_request("jürgen@exämple.com")
    assert request.path == "/users/j%C3%BCrgen%40ex%C3%A4mple.com/meetings"
    request = ENDPOINTS["listDashboardMeetings"].build_request(
        from_="2022-01-01", to="2022-01-28", group_id="グループ"
    )
    assert request.query["group_id"] == "グループ"
    request = ENDPOINTS["listUsers"].build_request(role_id="rôle-é", next_page_token="ťøķęń")
    assert request.query["role_id"] == "rôle-é"
    payload = models.MeetingDetails(topic="Réunion 会議 🎉", agenda="Ünïcödé")
    request = ENDPOINTS["createMeeting"].build_request("me", payload)
    assert request.json == {"topic": "Réunion 会議 🎉", "agenda": "Ünïcödé"}


# --- 5. UUID path encoding through build_request --------------------------------------------


@pytest.mark.parametrize(
    ("op_id", "uuid", "segment"),
    [
        ("getPastMeetingDetails", "/abc==", "%252Fabc%253D%253D"),
        ("getPastMeetingDetails", "a//b", "a%252F%252Fb"),
        ("getPastMeetingDetails", "a/b", "a%2Fb"),
        ("getPastMeetingDetails", "abc==", "abc%3D%3D"),
        ("listPastMeetingParticipants", "/abc==", "%252Fabc%253D%253D"),
        ("listDashboardMeetingParticipants", "x//y+z", "x%252F%252Fy%252Bz"),
        ("listWebinarParticipants", "/wQ==", "%252FwQ%253D%253D"),
        ("listWebinarAbsentees", "wQ/x==", "wQ%2Fx%3D%3D"),
    ],
)
def test_uuid_paths(op_id: str, uuid: str, segment: str) -> None:
    op = BY_ID[op_id]
    request = ENDPOINTS[op_id].build_request(uuid)
    assert request.path == op.path.replace(f"{{{op.path_params[0]['name']}}}", segment)


def test_user_id_with_double_slash_is_single_encoded() -> None:
    request = ENDPOINTS["listMeetings"].build_request("a//b")
    assert request.path == "/users/a%2F%2Fb/meetings"
