"""HTTP requests -> the organisers', reviewers' and agent's pages (``leaflet serve``): the app and
its routes, the link exchange; the organisers' routes are in ``organiser``, the review queue's and
sign-off's in ``review``.  A thin shell over the library, which lays out, draws, renders and
checks (``runs.preview``), keeps the queue (``runs.queue``) and stores (``runs.storage``).

Every route but the invite exchange and the static files is wrapped by ``security.guarded``,
the one place that authorises a request against its ward and role.
"""

from __future__ import annotations

import os
from datetime import UTC, datetime, timedelta
from pathlib import Path

from starlette.applications import Starlette
from starlette.exceptions import HTTPException
from starlette.middleware import Middleware
from starlette.requests import Request
from starlette.responses import JSONResponse, RedirectResponse, Response
from starlette.routing import Mount, Route
from starlette.staticfiles import StaticFiles

from leaflet.commands.pages import ASSETS, environment
from leaflet.commands.serve import CAMPAIGN_VARIABLE
from leaflet.runs.access import new_secret, secret_sha256
from leaflet.runs.preview import Previews
from leaflet.runs.queue import Queue
from leaflet.runs.storage import Storage
from leaflet.web import organiser, review
from leaflet.web.security import (
    SESSION_COOKIE,
    AccessLog,
    BoundedRequests,
    SecurityHeaders,
    session_grant,
)
from leaflet.web.server import Server, library, render, server_of, ward_or_none

HERE = Path(__file__).resolve().parent
SESSION_DAYS = 30


def create_app(campaign_dir: Path, previews: Previews | None = None) -> Starlette:
    """The web app for one campaign; ``previews`` may be given to share a prepared run."""
    previews = previews or Previews(Path(campaign_dir))
    storage = Storage.for_campaign(previews.campaign.root)
    server = Server(previews, storage, environment(HERE / "templates"), Queue(previews, storage))
    routes = [
        Route("/", home),
        Route("/i/{token}", invite_page, methods=["GET"]),
        Route("/i/{token}", exchange_invite, methods=["POST"]),
        Route("/w/{code}", organiser.organiser_page, methods=["GET"]),
        Route("/w/{code}/preview", organiser.preview, methods=["POST"]),
        Route("/w/{code}/save", organiser.save, methods=["POST"]),
        Route("/w/{code}/restore", organiser.restore, methods=["POST"]),
        Route("/w/{code}/submit", organiser.submit, methods=["POST"]),
        Route("/w/{code}/withdraw", organiser.withdraw, methods=["POST"]),
        Route("/w/{code}/comment", organiser.comment, methods=["POST"]),
        Route("/w/{code}/photo/{slot}", organiser.upload_photo, methods=["POST"]),
        Route("/w/{code}/photo/{slot}/{source}.jpg", organiser.photo_image, methods=["GET"]),
        Route("/review", review.review_list, methods=["GET"]),
        Route("/review/sign-off-unchanged", review.sign_off_unchanged, methods=["POST"]),
        Route("/review/{code}", review.review_page, methods=["GET"]),
        Route("/review/{code}/approve", review.approve, methods=["POST"]),
        Route("/review/{code}/request-changes", review.request_changes, methods=["POST"]),
        Route("/review/{code}/sign-off", review.sign_off_ward, methods=["POST"]),
        Route("/review/{code}/withdraw-sign-off", review.withdraw_sign_off, methods=["POST"]),
        Route("/audit.csv", review.audit, methods=["GET"]),
        Mount("/static", StaticFiles(directory=HERE / "static"), name="static"),
        Mount("/shared", StaticFiles(directory=ASSETS), name="shared"),  # what leaflet proof's page inlines
    ]
    app = Starlette(
        routes=routes,
        middleware=[Middleware(AccessLog), Middleware(SecurityHeaders), Middleware(BoundedRequests)],
        exception_handlers={HTTPException: http_error},
    )
    app.state.server = server
    return app


def app_from_environment() -> Starlette:
    """What uvicorn imports in each worker process (``leaflet serve``)."""
    return create_app(Path(os.environ[CAMPAIGN_VARIABLE]))


async def http_error(request: Request, error: Exception) -> Response:
    assert isinstance(error, HTTPException)
    if "application/json" in request.headers.get("accept", ""):
        return JSONResponse({"error": error.detail}, error.status_code)
    return render(request, "message.html", error.status_code, title="Not here", message=error.detail)


# ---------------------------------------------------------------- links and sessions


async def home(request: Request) -> Response:
    grant = await session_grant(request, server_of(request).storage)
    if grant is None:
        return render(request, "message.html", title="leaflet", message="Open the personal link you were sent.")
    return RedirectResponse(_landing(grant.invite.role, grant.invite.ward), 303)


def _landing(role: str, ward: str | None) -> str:
    """Where a session starts: an organiser's ward, a one-ward reviewer's ward, or the queue."""
    if ward:
        return f"/w/{ward}" if role == "organiser" else f"/review/{ward}"
    return "/review"


async def invite_page(request: Request) -> Response:
    """A link opens a page with a button: only the button's POST uses the link, so a mail
    program or chat app that fetches links to preview them does not use it up."""
    invite = await library(server_of(request).storage.invite, secret_sha256(request.path_params["token"]))
    if invite is None or invite.revoked:
        raise HTTPException(403, "This link is not valid (any more): ask the campaign team for a new one.")
    if invite.used:
        raise HTTPException(403, "This link has been used already: ask the campaign team for a new one.")
    return render(request, "invite.html", invite=invite, ward=ward_or_none(request, invite.ward))


async def exchange_invite(request: Request) -> Response:
    server = server_of(request)
    session = new_secret()
    expires = datetime.now(UTC) + timedelta(days=SESSION_DAYS)
    invite = await library(
        server.storage.start_session,
        secret_sha256(request.path_params["token"]),
        secret_sha256(session),
        new_secret(),
        expires.isoformat(),
    )
    if invite is None:
        raise HTTPException(403, "This link is not valid (any more): ask the campaign team for a new one.")
    response = RedirectResponse(_landing(invite.role, invite.ward), 303)
    response.set_cookie(
        SESSION_COOKIE,
        session,
        max_age=SESSION_DAYS * 86400,
        httponly=True,
        samesite="strict",
        secure=request.url.scheme == "https",
        path="/",
    )
    return response
