"""A request -> who sent it and whether they may: the one place every route is authorised (role
and ward, CSRF token on every state-changing request), and the middleware that bounds request
sizes, sets the security headers and logs requests with no secret in them.
"""

from __future__ import annotations

import logging
import re
import time
from collections.abc import Awaitable, Callable
from dataclasses import dataclass

from anyio import to_thread
from starlette.exceptions import HTTPException
from starlette.requests import Request
from starlette.responses import Response
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from leaflet.runs.access import allowed, same_secret, secret_sha256
from leaflet.runs.storage import Invite, Storage

SESSION_COOKIE = "leaflet_session"
CSRF_HEADER = "x-csrf-token"
CSRF_FIELD = "csrf"
SAFE_METHODS = ("GET", "HEAD")
MAX_BODY_BYTES = 512 * 1024
MAX_UPLOAD_BODY_BYTES = 21 * 1024 * 1024  # a photo of up to 20 MB and its form
UPLOAD_PATH = re.compile(r"^/w/[^/]+/photo/[^/]+$")
log = logging.getLogger("leaflet.serve")

Endpoint = Callable[[Request], Awaitable[Response]]


@dataclass(frozen=True)
class Grant:
    """The holder of a live session: their invite (role, ward) and their CSRF token."""

    invite: Invite
    csrf_token: str


async def session_grant(request: Request, storage: Storage) -> Grant | None:
    secret = request.cookies.get(SESSION_COOKIE)
    if not secret:
        return None
    session = await to_thread.run_sync(storage.session, secret_sha256(secret))
    return Grant(session.invite, session.csrf_token) if session else None


def guarded(action: str) -> Callable[[Endpoint], Endpoint]:
    """Wrap an endpoint so that it runs only for a session whose role may do ``action`` to the
    ward in the path (``{code}``), and, for anything but GET, only with the session's CSRF token
    (header X-CSRF-Token, or a form field named csrf)."""

    def wrap(endpoint: Endpoint) -> Endpoint:
        async def guarded_endpoint(request: Request) -> Response:
            storage: Storage = request.app.state.server.storage
            grant = await session_grant(request, storage)
            if grant is None:
                raise HTTPException(403, "This page needs your personal link: open the link you were sent.")
            ward = request.path_params.get("code")
            if not allowed(grant.invite, action, ward):
                raise HTTPException(403, "Your link does not open this page.")
            if request.method not in SAFE_METHODS and not same_secret(await _csrf_token(request), grant.csrf_token):
                raise HTTPException(403, "The form had expired: reload the page and try again.")
            request.state.grant = grant
            return await endpoint(request)

        guarded_endpoint.action = action  # type: ignore[attr-defined]  # for the test that every route is guarded
        guarded_endpoint.__name__ = endpoint.__name__
        return guarded_endpoint

    return wrap


async def _csrf_token(request: Request) -> str | None:
    header = request.headers.get(CSRF_HEADER)
    if header:
        return header
    if request.headers.get("content-type", "").startswith(("application/x-www-form-urlencoded", "multipart/form-data")):
        form = await request.form(max_files=1, max_fields=50)
        value = form.get(CSRF_FIELD)
        return value if isinstance(value, str) else None
    return None


class BoundedRequests:
    """Refuse a request body over its bound (413) before it is read whole: by its Content-Length
    when it says one, and by counting as it arrives when it does not."""

    def __init__(self, app: ASGIApp):
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        limit = MAX_UPLOAD_BODY_BYTES if UPLOAD_PATH.match(scope["path"]) else MAX_BODY_BYTES
        length = dict(scope["headers"]).get(b"content-length")
        if length is not None and (not length.isdigit() or int(length) > limit):
            await _too_large(scope, receive, send, limit)
            return
        received = 0

        async def counted() -> Message:
            nonlocal received
            message = await receive()
            if message["type"] == "http.request":
                received += len(message.get("body", b""))
                if received > limit:
                    raise HTTPException(413, f"The request is over {limit // 1024 // 1024 or 1} MB.")
            return message

        await self.app(scope, counted, send)


async def _too_large(scope: Scope, receive: Receive, send: Send, limit: int) -> None:
    megabytes = max(1, limit // 1024 // 1024)
    response = Response(f"The request is over {megabytes} MB.", 413, media_type="text/plain")
    await response(scope, receive, send)


CONTENT_SECURITY_POLICY = (
    "default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self' data: blob:; connect-src 'self'; "
    "form-action 'self'; base-uri 'none'; frame-ancestors 'none'"
)
_SECURITY_HEADERS = [
    (b"content-security-policy", CONTENT_SECURITY_POLICY.encode()),
    (b"x-content-type-options", b"nosniff"),
    (b"referrer-policy", b"no-referrer"),  # a link's secret never leaves in a Referer header
    (b"x-frame-options", b"DENY"),
    (b"cross-origin-opener-policy", b"same-origin"),
]


class SecurityHeaders:
    """Every response gets the security headers; everything but static files is never cached."""

    def __init__(self, app: ASGIApp):
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        static = scope["path"].startswith("/static/")

        async def with_headers(message: Message) -> None:
            if message["type"] == "http.response.start":
                headers = [*message.get("headers", []), *_SECURITY_HEADERS]
                if not static:
                    headers.append((b"cache-control", b"no-store"))
                message = {**message, "headers": headers}
            await send(message)

        await self.app(scope, receive, with_headers)


_SECRET_IN_PATH = re.compile(r"^/i/[^/]+")


def logged_path(path: str) -> str:
    """A path as the log shows it: a link's secret replaced (query strings are never logged)."""
    return _SECRET_IN_PATH.sub("/i/[link]", path)


class AccessLog:
    """One line a request: method, path without secrets, status, time; never a cookie or token."""

    def __init__(self, app: ASGIApp):
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        started = time.perf_counter()
        status = 500

        async def noted(message: Message) -> None:
            nonlocal status
            if message["type"] == "http.response.start":
                status = message["status"]
            await send(message)

        try:
            await self.app(scope, receive, noted)
        finally:
            elapsed_ms = (time.perf_counter() - started) * 1000
            log.info("%s %s %d %.0f ms", scope["method"], logged_path(scope["path"]), status, elapsed_ms)
