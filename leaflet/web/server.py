"""What every route of ``leaflet serve`` shares: the app's state (the campaign's previews, its
database, its review queue, the templates) and the steps requests take (their ward, their form,
a page from a template, library work off the event loop).
"""

from __future__ import annotations

import base64
import threading
from dataclasses import dataclass, field
from typing import Any

from anyio import to_thread
from jinja2 import Environment
from starlette.exceptions import HTTPException
from starlette.requests import Request
from starlette.responses import HTMLResponse

from leaflet.model import Ward
from leaflet.read.wards import hidden_character
from leaflet.runs.access import allowed
from leaflet.runs.preview import Previews
from leaflet.runs.queue import Queue, QueueEntry, check_wards
from leaflet.runs.storage import Storage

MAX_COMMENT = 2000
CHECK_IN_REQUEST_S = 0.3  # of a queue page's time, for preflighting wards not checked yet; the rest in the background


@dataclass
class Server:
    previews: Previews
    storage: Storage
    templates: Environment
    queue: Queue
    checking: threading.Lock = field(default_factory=threading.Lock)  # one background check at a time

    def entry(self, code: str) -> QueueEntry:
        """One ward's state, sign-off and findings, as the queue has them."""
        return self.queue.entries({code})[0]

    def check_in_background(self) -> None:
        """Preflight the wards not checked yet, in a thread, unless one is at it already."""
        if not self.checking.acquire(blocking=False):
            return

        def run() -> None:
            try:
                check_wards(self.queue, self.queue.entries())
            finally:
                self.checking.release()

        threading.Thread(target=run, name="leaflet-check", daemon=True).start()


def server_of(request: Request) -> Server:
    return request.app.state.server


def render(request: Request, template: str, status: int = 200, **context: Any) -> HTMLResponse:
    server = server_of(request)
    grant = getattr(request.state, "grant", None)
    html = server.templates.get_template(template).render(
        campaign=server.previews.campaign, csrf=grant.csrf_token if grant else "", **context
    )
    return HTMLResponse(html, status)


async def library(function, *args, **kwargs):
    """Run library work (layout, drawing, PDFium, SQLite) off the event loop."""
    return await to_thread.run_sync(lambda: function(*args, **kwargs))


def ward_or_none(request: Request, code: str | None) -> Ward | None:
    return server_of(request).previews.ward(code) if code else None


def ward_of(request: Request) -> Ward:
    ward = ward_or_none(request, request.path_params["code"])
    if ward is None:
        raise HTTPException(404, "No such ward.")
    return ward


async def form_of(request: Request) -> dict[str, str]:
    form = await request.form(max_files=0, max_fields=20, max_part_size=64 * 1024)
    return {key: value for key, value in form.items() if isinstance(value, str)}


def version_number(form: dict[str, str], key: str) -> int:
    value = form.get(key, "")
    if not value.isdigit():
        raise HTTPException(400, f"{key}: expected a version number")
    return int(value)


def comment_of(form: dict[str, str], required: str | None = None) -> str:
    """A comment from a form: at most MAX_COMMENT characters, none of them invisible controls;
    ``required`` says what to ask for when it is empty."""
    comment = form.get("comment", "").replace("\r\n", "\n").strip()
    if len(comment) > MAX_COMMENT:
        raise HTTPException(422, f"comment: at most {MAX_COMMENT} characters")
    if hidden_character(comment.replace("\n", " ")):
        raise HTTPException(422, "comment: holds an invisible control character; retype it")
    if required and not comment:
        raise HTTPException(422, required)
    return comment


def data_url(jpeg: bytes) -> str:
    return "data:image/jpeg;base64," + base64.b64encode(jpeg).decode("ascii")


def actor_of(request: Request) -> str:
    invite = request.state.grant.invite
    return invite.name or invite.role


def may(request: Request, action: str, ward: str | None) -> bool:
    """Whether the request's session may ``action``: for what a page offers, never instead of
    ``security.guarded``, which decides what a request may do."""
    grant = getattr(request.state, "grant", None)
    return grant is not None and allowed(grant.invite, action, ward)
