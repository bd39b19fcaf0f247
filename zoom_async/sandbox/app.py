"""The aiohttp application: routing, auth, fault injection, rate limits, body validation.

Every API request goes through :func:`_dispatch`, in Zoom's order: authenticate, inject
faults, apply rate limits, validate the body, run the operation.
"""

from __future__ import annotations

import asyncio
import logging
import random
import secrets
from typing import TYPE_CHECKING, Any

import orjson
from aiohttp import web
from aiohttp.http_exceptions import HttpProcessingError

from .auth import SCOPES, credentials_match, oauth_error, parse_basic_auth
from .call import Call, OpSpec
from .errors import ApiError, Throttled, validation_failed
from .faults import TOKEN_ENDPOINT, Fault
from .files import abort_when_flushed, download_routes
from .ratelimit import QPS_MESSAGE, Throttle, category_header, daily_throttle
from .synth import Synth, project
from .validate import integral, resolve, validate, validate_query
from .views import dumps

if TYPE_CHECKING:
    from .server import ZoomSandbox

__all__ = ["API_PREFIX", "SANDBOX_KEY", "build_app"]

log = logging.getLogger("zoom_async.sandbox")

API_PREFIX = "/v2"
SANDBOX_KEY: web.AppKey[ZoomSandbox] = web.AppKey("zoom_sandbox")
SHADOWED_KEY: web.AppKey[frozenset[str]] = web.AppKey("zoom_sandbox_shadowed")
_JSON = "application/json;charset=UTF-8"


def build_app(sandbox: ZoomSandbox) -> web.Application:
    app = web.Application(middlewares=[_zoom_errors])
    app[SANDBOX_KEY] = sandbox
    app[SHADOWED_KEY] = _shadowed(sandbox.operations)
    app.on_response_prepare.append(_add_tracking_id)
    app.router.add_post("/oauth/token", _token_endpoint)
    for op in sandbox.operations:
        app.router.add_route(op.facts.method, API_PREFIX + op.facts.path, _make_handler(op))
    app.router.add_routes(download_routes(sandbox))
    return app


async def _add_tracking_id(request: web.Request, response: web.StreamResponse) -> None:
    # Every Zoom response carries one; clients put it in error reports.
    response.headers["x-zm-trackingid"] = f"v=2.0;clid=sandbox;rid={secrets.token_hex(12)}"
    sandbox = request.app[SANDBOX_KEY]
    sandbox.counters.statuses[response.status] += 1


def _json(status: int, body: Any, headers: dict[str, str] | None = None) -> web.Response:
    if status == 204 or body is None:
        return web.Response(status=status, headers=headers)
    return web.Response(
        status=status, body=dumps(body), content_type=None, headers={
            "Content-Type": _JSON, **(headers or {})})  # fmt: skip


@web.middleware
async def _zoom_errors(request: web.Request, handler: Any) -> web.StreamResponse:
    """Unknown paths and methods get Zoom-shaped bodies too; crashes become logged 500s."""
    try:
        response: web.StreamResponse = await handler(request)
        return response
    except web.HTTPNotFound:
        return _json(404, {"code": 404, "message": "The requested resource does not exist."})
    except web.HTTPMethodNotAllowed as exc:
        methods = _allowed_methods(request.app[SANDBOX_KEY].operations, request.path)
        allow = {"Allow": ",".join(sorted(methods or exc.allowed_methods))}
        return _json(405, {"code": 405, "message": f"Method {exc.method} is not allowed."}, allow)
    except web.HTTPException:
        raise
    except Exception:
        log.exception("sandbox handler crashed on %s %s", request.method, request.path)
        return _json(500, {"code": 500, "message": "Internal Server Error"})


def _shadowed(operations: tuple[OpSpec, ...]) -> frozenset[str]:
    """Operations whose template also matches a more literal spec path, e.g.
    PATCH /meetings/{meetingId} for /meetings/meeting_summaries: requests there must be
    checked against that path's own methods (a 405), not served as the wrong resource."""
    templates = {tuple(op.facts.path.strip("/").split("/")) for op in operations}
    found = set()
    for op in operations:
        mine = tuple(op.facts.path.strip("/").split("/"))
        for other in templates:
            if other == mine or len(other) != len(mine):
                continue
            pairs = list(zip(mine, other, strict=True))
            covers = all(a == b or a.startswith("{") for a, b in pairs)
            if covers and any(a.startswith("{") and not b.startswith("{") for a, b in pairs):
                found.add(op.operation_id)
    return frozenset(found)


def _allowed_methods(operations: tuple[OpSpec, ...], path: str) -> set[str]:
    """Methods of the spec path that best matches ``path``.

    aiohttp unions the methods of every route pattern that matches, so
    /meetings/1/registrants/questions would also offer the DELETE of
    /meetings/1/registrants/{registrantId}; the most literal template is the real resource.
    """
    segments = path.removeprefix(API_PREFIX).strip("/").split("/")
    best: tuple[int, set[str]] = (-1, set())
    for op in operations:
        template = op.facts.path.strip("/").split("/")
        if len(template) != len(segments):
            continue
        literal = 0
        for want, have in zip(template, segments, strict=True):
            if want.startswith("{"):
                continue
            if want != have:
                break
            literal += 1
        else:
            if literal > best[0]:
                best = (literal, {op.facts.method})
            elif literal == best[0]:
                best[1].add(op.facts.method)
    return best[1]


def _throttle_response(sandbox: ZoomSandbox, throttle: Throttle) -> web.Response:
    sandbox.counters.throttled[throttle.limit_type] += 1
    headers = {
        "X-RateLimit-Category": category_header(throttle.category),
        "X-RateLimit-Type": throttle.limit_type,
        "X-RateLimit-Limit": str(throttle.limit),
        "X-RateLimit-Remaining": "0",
        "Retry-After": throttle.retry_after,
    }
    return _json(429, {"code": 429, "message": throttle.message}, headers)


def _bearer(request: web.Request) -> str | None:
    scheme, _, token = request.headers.get("Authorization", "").partition(" ")
    return token.strip() if scheme.lower() == "bearer" and token.strip() else None


def _invalid_token() -> web.Response:
    return _json(401, {"code": 124, "message": "Invalid access token."})


async def _drop(request: web.Request) -> web.StreamResponse:
    """Cut the connection with no response at all; the client sees a disconnect."""
    transport = request.transport
    if transport is not None:
        transport.abort()
    # Nothing can be written any more; aiohttp gives up on this request quietly.
    raise asyncio.CancelledError


def _fault_response(
    sandbox: ZoomSandbox, category: str, fault: Fault, per_host: bool = False
) -> web.Response:
    if fault.kind == "server_error":
        return _json(fault.status, {"code": fault.status, "message": "Internal Server Error"})
    if fault.kind == "qps_429":
        limit = sandbox.qps_limit(category)
        return _throttle_response(
            sandbox, Throttle("QPS", category, limit, str(fault.retry_after), QPS_MESSAGE)
        )
    # daily_429: where the spec states a per-host daily cap (meeting and webinar writes) it
    # is that cap, otherwise the account's daily cap.
    limit = sandbox.limiter.daily_meeting_limit if per_host else 30000
    throttle = daily_throttle(sandbox.clock.now(), category, limit, meeting=per_host)
    return _throttle_response(sandbox, throttle)


def _make_handler(op: OpSpec) -> Any:
    async def handle(request: web.Request) -> web.StreamResponse:
        return await _dispatch(request, op)

    handle.__name__ = op.operation_id
    return handle


async def _dispatch(request: web.Request, op: OpSpec) -> web.StreamResponse:
    sandbox = request.app[SANDBOX_KEY]
    if op.operation_id in request.app[SHADOWED_KEY]:
        methods = _allowed_methods(sandbox.operations, request.path)
        if op.facts.method not in methods:
            allow = {"Allow": ",".join(sorted(methods))}
            message = f"Method {request.method} is not allowed."
            return _json(405, {"code": 405, "message": message}, allow)
    counters = sandbox.counters
    counters.requests[op.operation_id] += 1
    token = _bearer(request)
    user_id = sandbox.tokens.user_for(token) if token else None
    me = sandbox.state.user(user_id) if user_id else None
    if me is None:
        return _invalid_token()

    category = op.facts.category
    delay, fault = sandbox.faults.draw(op.operation_id)
    if delay:
        counters.faults["latency"] += 1
        await asyncio.sleep(delay)
    if fault is not None:
        counters.faults[fault.kind] += 1
        if fault.kind == "drop_before":
            return await _drop(request)
        if fault.kind == "token_expired":
            if token:
                sandbox.tokens.revoke(token)
            return _invalid_token()
        if fault.kind not in ("drop_after", "drop_mid_body"):
            return _fault_response(sandbox, category, fault, op.facts.daily_limit is not None)

    throttle = sandbox.limiter.check_rate(category)
    if throttle is not None:
        return _throttle_response(sandbox, throttle)

    try:
        problems = validate_query(request.query, op.facts.query_params)
        if problems:
            raise validation_failed(problems)
        body = await _read_body(request, op, sandbox)
        call = Call(sandbox, request, op.facts, me, dict(request.query), body)
        status, payload = await op.handler(call)
    except ApiError as exc:
        return _json(exc.status, exc.body())
    except Throttled as exc:
        return _throttle_response(sandbox, exc.throttle)
    counters.applied[op.operation_id] += 1
    schema = op.facts.response_schema
    if op.bespoke and schema and isinstance(payload, dict):
        # Bespoke bodies are shaped to the spec's schema: undeclared keys dropped, missing
        # required ones filled, so a handler may return a superset of any spec's fields.
        payload = project(payload, schema, Synth(sandbox.schemas, random.Random(op.operation_id)))
    if fault is not None and fault.kind == "drop_after":
        return await _drop(request)
    response = _json(status, payload)
    if fault is not None and fault.kind == "drop_mid_body":
        return await _cut(request, response, fault.after_bytes)
    return response


async def _cut(request: web.Request, response: web.Response, after: int) -> web.StreamResponse:
    """Send the headers and the first ``after`` bytes of the body (never all of it), then
    drop the connection."""
    body = bytes(response.body or b"")  # type: ignore[arg-type]
    stream = web.StreamResponse(status=response.status, headers=response.headers)
    stream.content_length = len(body)
    await stream.prepare(request)
    await stream.write(body[: max(0, min(after, len(body) - 1))])
    await abort_when_flushed(request)
    return stream


# What aiohttp raises for a form it cannot parse (bad multipart framing or part headers).
_BAD_FORM = (ValueError, HttpProcessingError, web.HTTPRequestEntityTooLarge)


async def _read_body(request: web.Request, op: OpSpec, sandbox: ZoomSandbox) -> Any:
    schema = op.facts.body_schema
    if schema is None:
        return None
    if op.facts.body_content_type not in (None, "application/json"):
        # Uploads (multipart/form-data): the parts are taken as sent, files by name.
        if request.content_type != op.facts.body_content_type:
            raise validation_failed([("body", f"Send {op.facts.body_content_type}.")])
        try:
            form = await request.post()
        except _BAD_FORM:
            raise validation_failed([("body", "Malformed form data.")]) from None
        missing = [n for n in resolve(schema, sandbox.schemas).get("required", ()) if n not in form]
        if missing:  # as Zoom: an upload without its file is refused
            raise validation_failed([(name, "Required field.") for name in missing])
        return {k: getattr(v, "filename", v) for k, v in form.items()}
    raw = await request.read()
    if not raw.strip():
        if not op.facts.body_required:
            return {}
        raise validation_failed([("body", "Request Body is required.")])
    try:
        body = orjson.loads(raw)
    except orjson.JSONDecodeError:
        raise ApiError(400, 300, "Request Body should be a valid JSON object.") from None
    if not isinstance(body, dict):
        raise ApiError(400, 300, "Request Body should be a valid JSON object.")
    errors = validate(body, schema, sandbox.schemas)
    if errors:
        raise validation_failed(errors)
    return integral(body, schema, sandbox.schemas)


# ---- POST /oauth/token ----------------------------------------------------------------------


async def _token_endpoint(request: web.Request) -> web.StreamResponse:
    sandbox = request.app[SANDBOX_KEY]
    # Zoom accepts the grant parameters in the query string or a form body.
    params: dict[str, str] = dict(request.query)
    if request.can_read_body:
        try:
            form = await request.post()
        except _BAD_FORM:
            # A garbled form is the client's fault: a 400, as Zoom answers.
            return oauth_error(400, "Malformed request body", "invalid_request")
        params.update({k: v for k, v in form.items() if isinstance(v, str)})
    grant = params.get("grant_type", "")
    sandbox.counters.token_requests[grant] += 1

    delay, fault = sandbox.faults.draw(TOKEN_ENDPOINT)
    if delay:
        sandbox.counters.faults["latency"] += 1
        await asyncio.sleep(delay)
    if fault is not None:
        sandbox.counters.faults[fault.kind] += 1
        if fault.kind == "drop_before":
            return await _drop(request)
        if fault.kind not in ("drop_after", "drop_mid_body", "token_expired"):
            return _fault_response(sandbox, "light", fault)

    given = parse_basic_auth(request.headers.get("Authorization"))
    if not credentials_match(given, sandbox.client_id, sandbox._client_secret):
        return oauth_error(401, "Invalid client_id or client_secret", "invalid_client")
    origin = f"{request.scheme}://{request.host}"
    body: dict[str, Any] = {"token_type": "bearer", "expires_in": sandbox.tokens.expires_in,
                            "scope": SCOPES, "api_url": origin}  # fmt: skip
    if grant == "account_credentials":
        if params.get("account_id") != sandbox.account_id:
            return oauth_error(400, "Invalid account_id", "invalid_request")
        body["access_token"] = sandbox.tokens.issue_access(sandbox.state.owner.id, grant)
    elif grant == "refresh_token":
        rotated = sandbox.tokens.rotate(params.get("refresh_token", ""))
        if rotated is None:
            return oauth_error(400, "Invalid Token!", "invalid_grant")
        body["access_token"], body["refresh_token"] = rotated
    else:
        return oauth_error(400, "Unsupported grant type", "unsupported_grant_type")
    if fault is not None and fault.kind == "drop_after":
        return await _drop(request)
    return _json(200, body)
