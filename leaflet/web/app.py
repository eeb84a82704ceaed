"""HTTP requests -> the organisers' and reviewers' pages (``leaflet serve``): a thin shell over
the library, which lays out, draws, renders and checks (``runs.preview``) and stores
(``runs.storage``); this module only reads requests, asks, and answers with templates or JSON.

Every route but the invite exchange and the static files is wrapped by ``security.guarded``,
the one place that authorises a request against its ward and role.
"""

from __future__ import annotations

import base64
import io
import json
import os
from dataclasses import asdict, dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

from anyio import to_thread
from jinja2 import Environment, FileSystemLoader
from PIL import Image, ImageOps
from starlette.applications import Starlette
from starlette.exceptions import HTTPException
from starlette.middleware import Middleware
from starlette.requests import Request
from starlette.responses import HTMLResponse, JSONResponse, RedirectResponse, Response
from starlette.routing import Mount, Route
from starlette.staticfiles import StaticFiles

from leaflet.commands.serve import CAMPAIGN_VARIABLE
from leaflet.errors import InputError, LeafletError
from leaflet.runs.access import new_secret, secret_sha256
from leaflet.runs.local import LocalValues, PhotoValue, read_values, source_path, store_upload, ward_state
from leaflet.runs.preview import Preview, Previews
from leaflet.runs.raster import changed_regions
from leaflet.runs.storage import Event, Storage, Version
from leaflet.web.security import (
    SESSION_COOKIE,
    AccessLog,
    BoundedRequests,
    SecurityHeaders,
    guarded,
    session_grant,
)

HERE = Path(__file__).resolve().parent
SESSION_DAYS = 30
REVIEW_DPI = 72
MAX_COMMENT = 2000
CHANGED_ELSEWHERE = "changed elsewhere: reload to see both"


@dataclass
class Server:
    previews: Previews
    storage: Storage
    templates: Environment


def create_app(campaign_dir: Path, previews: Previews | None = None) -> Starlette:
    """The web app for one campaign; ``previews`` may be given to share a prepared run."""
    previews = previews or Previews(Path(campaign_dir))
    templates = Environment(loader=FileSystemLoader(HERE / "templates"), autoescape=True, auto_reload=False)
    templates.filters["when"] = _when
    server = Server(previews, Storage.for_campaign(previews.campaign.root), templates)
    routes = [
        Route("/", home),
        Route("/i/{token}", invite_page, methods=["GET"]),
        Route("/i/{token}", exchange_invite, methods=["POST"]),
        Route("/w/{code}", organiser_page, methods=["GET"]),
        Route("/w/{code}/preview", preview, methods=["POST"]),
        Route("/w/{code}/save", save, methods=["POST"]),
        Route("/w/{code}/restore", restore, methods=["POST"]),
        Route("/w/{code}/submit", submit, methods=["POST"]),
        Route("/w/{code}/withdraw", withdraw, methods=["POST"]),
        Route("/w/{code}/photo/{slot}", upload_photo, methods=["POST"]),
        Route("/w/{code}/photo/{slot}/{source}.jpg", photo_image, methods=["GET"]),
        Route("/review", review_list, methods=["GET"]),
        Route("/review/{code}", review_page, methods=["GET"]),
        Route("/review/{code}/approve", approve, methods=["POST"]),
        Route("/review/{code}/request-changes", request_changes, methods=["POST"]),
        Mount("/static", StaticFiles(directory=HERE / "static"), name="static"),
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


def _server(request: Request) -> Server:
    return request.app.state.server


def _page(request: Request, template: str, status: int = 200, **context: Any) -> HTMLResponse:
    server = _server(request)
    grant = getattr(request.state, "grant", None)
    html = server.templates.get_template(template).render(
        campaign=server.previews.campaign, csrf=grant.csrf_token if grant else "", **context
    )
    return HTMLResponse(html, status)


async def http_error(request: Request, error: Exception) -> Response:
    assert isinstance(error, HTTPException)
    if "application/json" in request.headers.get("accept", ""):
        return JSONResponse({"error": error.detail}, error.status_code)
    return _page(request, "message.html", error.status_code, title="Not here", message=error.detail)


def _when(value: str) -> str:
    try:
        return datetime.fromisoformat(value).astimezone(UTC).strftime("%d %b %Y, %H:%M UTC")
    except ValueError:
        return value


async def _library(function, *args, **kwargs):
    """Run library work (layout, drawing, PDFium, SQLite) off the event loop."""
    return await to_thread.run_sync(lambda: function(*args, **kwargs))


# ---------------------------------------------------------------- links and sessions


async def home(request: Request) -> Response:
    grant = await session_grant(request, _server(request).storage)
    if grant is None:
        return _page(request, "message.html", title="leaflet", message="Open the personal link you were sent.")
    if grant.invite.role == "organiser" and grant.invite.ward:
        return RedirectResponse(f"/w/{grant.invite.ward}", 303)
    return RedirectResponse("/review", 303)


async def invite_page(request: Request) -> Response:
    """A link opens a page with a button: only the button's POST uses the link, so a mail
    program or chat app that fetches links to preview them does not use it up."""
    invite = await _library(_server(request).storage.invite, secret_sha256(request.path_params["token"]))
    if invite is None or invite.revoked:
        raise HTTPException(403, "This link is not valid (any more): ask the campaign team for a new one.")
    if invite.used:
        raise HTTPException(403, "This link has been used already: ask the campaign team for a new one.")
    return _page(request, "invite.html", invite=invite, ward=_ward_or_none(request, invite.ward))


async def exchange_invite(request: Request) -> Response:
    server = _server(request)
    session = new_secret()
    expires = datetime.now(UTC) + timedelta(days=SESSION_DAYS)
    invite = await _library(
        server.storage.start_session,
        secret_sha256(request.path_params["token"]),
        secret_sha256(session),
        new_secret(),
        expires.isoformat(),
    )
    if invite is None:
        raise HTTPException(403, "This link is not valid (any more): ask the campaign team for a new one.")
    target = f"/w/{invite.ward}" if invite.role == "organiser" and invite.ward else "/review"
    response = RedirectResponse(target, 303)
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


# ---------------------------------------------------------------- the organiser's page


def _ward_or_none(request: Request, code: str | None):
    return _server(request).previews.ward(code) if code else None


def _ward(request: Request):
    ward = _ward_or_none(request, request.path_params["code"])
    if ward is None:
        raise HTTPException(404, "No such ward.")
    return ward


def _latest_values(server: Server, code: str) -> tuple[LocalValues, int]:
    latest = server.storage.latest(code)
    if latest is None:
        return server.previews.starting_values(code), 0
    return LocalValues.from_json(latest.local_values), latest.number


def _state(server: Server, code: str) -> tuple[str, Any]:
    events = server.storage.last_workflow_events()
    latest = server.storage.latest(code)
    event = events.get(code)
    return ward_state(event, latest.number if latest else 0), event


def _report_json(preview: Preview, known: set[str]) -> dict[str, Any]:
    return {
        "pages": [
            {
                "name": page.name,
                "digest": page.digest,
                **({} if page.digest in known else {"src": _data_url(page.jpeg)}),
            }
            for page in preview.pages
        ],
        "fields": [asdict(report) for report in preview.fields],
        "elsewhere": [asdict(problem) for problem in preview.elsewhere],
        "blocking": list(preview.blocking),
    }


def _data_url(jpeg: bytes) -> str:
    return "data:image/jpeg;base64," + base64.b64encode(jpeg).decode("ascii")


def _history(versions: list[Version]) -> list[dict[str, Any]]:
    return [
        {"number": v.number, "author": v.author, "at": v.created_at, "applied": v.applied, "based_on": v.based_on}
        for v in reversed(versions)
    ]


@guarded("view")
async def organiser_page(request: Request) -> Response:
    server = _server(request)
    ward = _ward(request)

    def gather():
        values, number = _latest_values(server, ward.code)
        state, event = _state(server, ward.code)
        preview = server.previews.preview(ward.code, values)
        return values, number, state, event, preview, server.storage.versions(ward.code)

    values, number, state, event, shown, versions = await _library(gather)
    campaign = server.previews.campaign
    photos = {
        photo.slot: {
            "source": values.photos[photo.slot].source,
            "focal": values.photos[photo.slot].focal,
            "src": f"/w/{ward.code}/photo/{photo.slot}/{values.photos[photo.slot].source}.jpg",
        }
        for photo in campaign.local.photos
        if photo.slot in values.photos
    }
    initial = {
        "ward": ward.code,
        "version": number,
        "values": {
            "slots": values.slots,
            "fields": values.fields,
            "photos": {slot: {"source": p["source"], "focal": p["focal"]} for slot, p in photos.items()},
        },
        "report": _report_json(shown, {page.digest for page in shown.pages}),
        "editable": state != "submitted",
    }
    return _page(
        request,
        "organiser.html",
        ward=ward,
        local=campaign.local,
        values=values,
        photos=photos,
        preview=shown,
        pages=[(page, _data_url(page.jpeg)) for page in shown.pages],
        reports={report.key: report for report in shown.fields},
        state=state,
        event=event,
        version=number,
        history=_history(versions),
        initial=json.dumps(initial, ensure_ascii=False).replace("</", "<\\/"),
        role=request.state.grant.invite.role,
    )


async def _json_body(request: Request) -> dict[str, Any]:
    try:
        body = await request.json()
    except ValueError:
        raise HTTPException(400, "expected JSON") from None
    if not isinstance(body, dict):
        raise HTTPException(400, "expected a JSON object")
    return body


def _values(server: Server, code: str, data: Any) -> LocalValues:
    current, _ = _latest_values(server, code)
    try:
        values = read_values(server.previews.campaign.local, data, current)
    except InputError as error:
        raise HTTPException(422, f"{error.where}: {error.message}" if error.where else error.message) from None
    for slot, photo in values.photos.items():
        if photo.source != "campaign" and server.storage.upload(photo.source, code) is None:
            raise HTTPException(422, f"{slot}: not a photo of this ward")
    return values


@guarded("view")
async def preview(request: Request) -> Response:
    server = _server(request)
    ward = _ward(request)
    body = await _json_body(request)
    known = {digest for digest in body.get("known_pages") or [] if isinstance(digest, str)}

    def make():
        return server.previews.preview(ward.code, _values(server, ward.code, body.get("values")))

    return JSONResponse(_report_json(await _library(make), known))


def _editable(event: Event | None) -> str | None:
    return "submitted for review: withdraw it to edit" if event is not None and event.kind == "submit" else None


@guarded("edit")
async def save(request: Request) -> Response:
    server = _server(request)
    ward = _ward(request)
    body = await _json_body(request)
    based_on = body.get("based_on")
    if not isinstance(based_on, int) or isinstance(based_on, bool) or based_on < 0:
        raise HTTPException(400, "based_on: expected the version the edit started from")
    grant = request.state.grant

    def store():
        values = _values(server, ward.code, body.get("values"))
        values = server.previews.preview(ward.code, values).values  # photos' files made, as they print
        return server.storage.save(
            ward.code,
            values.to_json(),
            based_on,
            grant.invite.name or grant.invite.role,
            grant.invite.id,
            grant.invite.role,
            allowed=_editable,
        )

    try:
        saved = await _library(store)
    except ValueError as refused:
        return JSONResponse({"error": str(refused)}, 409)
    if not saved.version.applied:
        return JSONResponse({"error": CHANGED_ELSEWHERE, "kept_as": saved.version.number, "latest": saved.latest}, 409)
    return JSONResponse({"version": saved.latest, "saved_at": saved.version.created_at})


async def _form(request: Request) -> dict[str, str]:
    form = await request.form(max_files=0, max_fields=20, max_part_size=64 * 1024)
    return {key: value for key, value in form.items() if isinstance(value, str)}


def _number(form: dict[str, str], key: str) -> int:
    value = form.get(key, "")
    if not value.isdigit():
        raise HTTPException(400, f"{key}: expected a version number")
    return int(value)


@guarded("edit")
async def restore(request: Request) -> Response:
    """An earlier version saved again as the latest: undo, however far back."""
    server = _server(request)
    ward = _ward(request)
    form = await _form(request)
    number, based_on = _number(form, "version"), _number(form, "based_on")
    grant = request.state.grant

    def store():
        version = server.storage.version(ward.code, number)
        if version is None:
            raise HTTPException(404, "No such version.")
        return server.storage.save(
            ward.code,
            version.local_values,
            based_on,
            grant.invite.name or grant.invite.role,
            grant.invite.id,
            grant.invite.role,
            kind="restore",
            allowed=_editable,
        )

    try:
        saved = await _library(store)
    except ValueError as refused:
        raise HTTPException(409, str(refused)) from None
    if not saved.version.applied:
        raise HTTPException(409, CHANGED_ELSEWHERE)
    return RedirectResponse(f"/w/{ward.code}", 303)


@guarded("submit")
async def submit(request: Request) -> Response:
    """Freeze the latest version for review, once it is fully preflighted without errors."""
    server = _server(request)
    ward = _ward(request)
    form = await _form(request)
    based_on = _number(form, "based_on")
    grant = request.state.grant

    def check_and_record():
        latest = server.storage.latest(ward.code)
        if latest is None or latest.number != based_on:
            raise ValueError(CHANGED_ELSEWHERE if latest else "nothing to submit yet: change something first")
        checked = server.previews.preview(ward.code, LocalValues.from_json(latest.local_values), full_check=True)
        if checked.blocking:
            raise ValueError("not submitted: " + "; ".join(checked.blocking))

        def expect(event: Event | None, latest_number: int) -> str | None:
            if event is not None and event.kind == "submit":
                return "submitted already"
            return CHANGED_ELSEWHERE if latest_number != based_on else None

        server.storage.record(
            ward.code,
            "submit",
            based_on,
            grant.invite.name or "organiser",
            grant.invite.id,
            grant.invite.role,
            expect=expect,
        )

    try:
        await _library(check_and_record)
    except ValueError as refused:
        raise HTTPException(409, str(refused)) from None
    return RedirectResponse(f"/w/{ward.code}", 303)


@guarded("submit")
async def withdraw(request: Request) -> Response:
    server = _server(request)
    ward = _ward(request)
    grant = request.state.grant

    def expect(event: Event | None, latest: int) -> str | None:
        return None if event is not None and event.kind == "submit" else "not submitted"

    try:
        await _library(
            server.storage.record,
            ward.code,
            "withdraw",
            None,
            grant.invite.name or "organiser",
            grant.invite.id,
            grant.invite.role,
            None,
            expect,
        )
    except ValueError as refused:
        raise HTTPException(409, str(refused)) from None
    return RedirectResponse(f"/w/{ward.code}", 303)


@guarded("edit")
async def upload_photo(request: Request) -> Response:
    server = _server(request)
    ward = _ward(request)
    slot = request.path_params["slot"]
    if slot not in {photo.slot for photo in server.previews.campaign.local.photos}:
        raise HTTPException(404, "This photo cannot be changed.")
    form = await request.form(max_files=1, max_fields=5, max_part_size=64 * 1024)
    upload = form.get("photo")
    if upload is None or isinstance(upload, str):
        raise HTTPException(400, "photo: choose a photo to send")
    data = await upload.read()
    grant = request.state.grant

    def keep():
        stored = store_upload(server.previews.campaign, ward, data)
        server.storage.add_upload(stored, grant.invite.name or grant.invite.role, grant.invite.id, grant.invite.role)
        return stored

    try:
        stored = await _library(keep)
    except InputError as error:
        return JSONResponse({"error": f"{error.message} ({error.hint})" if error.hint else error.message}, 422)
    return JSONResponse(
        {
            "source": stored.sha256,
            "width_px": stored.width_px,
            "height_px": stored.height_px,
            "src": f"/w/{ward.code}/photo/{slot}/{stored.sha256}.jpg",
        }
    )


@guarded("view")
async def photo_image(request: Request) -> Response:
    """A photo the ward may choose, small, for setting its focal point."""
    server = _server(request)
    ward = _ward(request)
    slot, source = request.path_params["slot"], request.path_params["source"]
    campaign = server.previews.campaign
    if slot not in {photo.slot for photo in campaign.local.photos}:
        raise HTTPException(404, "No such photo.")
    if source != "campaign" and await _library(server.storage.upload, source, ward.code) is None:
        raise HTTPException(404, "No such photo.")
    path = source_path(campaign, slot, PhotoValue(source))
    return Response(
        await _library(_thumbnail, path), media_type="image/jpeg", headers={"cache-control": "private, max-age=86400"}
    )


def _thumbnail(path: Path) -> bytes:
    try:
        with Image.open(path) as opened:
            image = ImageOps.exif_transpose(opened).convert("RGB")
    except OSError:
        raise HTTPException(404, "No such photo.") from None
    image.thumbnail((720, 720))
    buffer = io.BytesIO()
    image.save(buffer, "JPEG", quality=80)
    return buffer.getvalue()


# ---------------------------------------------------------------- the reviewer's pages


@guarded("view")
async def review_list(request: Request) -> Response:
    server = _server(request)
    grant = request.state.grant
    if grant.invite.role == "organiser" and grant.invite.ward:
        return RedirectResponse(f"/w/{grant.invite.ward}", 303)

    def gather():
        events = server.storage.last_workflow_events()
        latest = server.storage.latest_numbers()
        rows = []
        for ward in server.previews.wards():
            if grant.invite.ward not in (None, ward.code):
                continue
            event = events.get(ward.code)
            rows.append((ward, ward_state(event, latest.get(ward.code, 0)), event))
        return rows

    rows = await _library(gather)
    order = {"submitted": 0, "changes requested": 1, "draft": 2, "approved": 3, "not started": 4}
    rows.sort(key=lambda row: (order[row[1]], row[0].code))
    return _page(request, "review_list.html", rows=rows)


def _regions(before, after) -> list[list[dict[str, float]]]:
    boxes = []
    for old, new in zip(before, after, strict=True):
        regions = changed_regions(old, new)
        boxes.append(
            [
                {
                    "left": 100 * left / new.width,
                    "top": 100 * top / new.height,
                    "width": 100 * (right - left) / new.width,
                    "height": 100 * (bottom - top) / new.height,
                }
                for left, top, right, bottom in regions
            ]
        )
    return boxes


@guarded("review")
async def review_page(request: Request) -> Response:
    server = _server(request)
    ward = _ward(request)

    def gather():
        state, event = _state(server, ward.code)
        approved = server.storage.approved().get(ward.code)
        submitted_number = event.version if event is not None and event.kind == "submit" else None
        shown = (
            server.storage.version(ward.code, submitted_number)
            if submitted_number
            else server.storage.latest(ward.code)
        )
        before_values = LocalValues.from_json(approved.local_values) if approved else None
        after_values = LocalValues.from_json(shown.local_values) if shown else None
        before = server.previews.preview(ward.code, before_values)
        after = server.previews.preview(ward.code, after_values, full_check=submitted_number is not None)
        boxes = _regions(
            server.previews.page_images(ward.code, before_values, REVIEW_DPI),
            server.previews.page_images(ward.code, after_values, REVIEW_DPI),
        )
        return state, event, approved, shown, before, after, boxes, server.storage.events(ward.code)

    state, event, approved, shown, before, after, boxes, events = await _library(gather)
    local = server.previews.campaign.local
    changes = []
    for local_slot in local.slots:
        old, new = before.values.slots.get(local_slot.slot), after.values.slots.get(local_slot.slot)
        changes.append((local_slot.label, old, new))
    for local_field in local.fields:
        old = before.values.fields.get(local_field.field, ward.fields.get(local_field.field, ""))
        changes.append((local_field.label, old, after.values.fields.get(local_field.field)))
    for photo in local.photos:
        old_photo, new_photo = before.values.photos.get(photo.slot), after.values.photos.get(photo.slot)
        describe = lambda p: "the campaign's photo" if p is None or p.file is None else "a photo of the ward's own"  # noqa: E731
        changes.append((photo.label, describe(old_photo), describe(new_photo)))
    return _page(
        request,
        "review.html",
        ward=ward,
        state=state,
        event=event,
        approved=approved,
        shown=shown,
        sides=[
            (
                "Approved version (printing now)" if approved else "The campaign's version",
                before,
                [[]] * len(before.pages),
            ),
            (f"Submitted: version {shown.number}" if state == "submitted" and shown else "Latest draft", after, boxes),
        ],
        data_url=_data_url,
        changes=changes,
        events=events,
    )


@guarded("review")
async def approve(request: Request) -> Response:
    return await _decide(request, "approve")


@guarded("review")
async def request_changes(request: Request) -> Response:
    return await _decide(request, "request-changes")


async def _decide(request: Request, kind: str) -> Response:
    server = _server(request)
    ward = _ward(request)
    form = await _form(request)
    number = _number(form, "version")
    comment = form.get("comment", "").strip()
    if len(comment) > MAX_COMMENT:
        raise HTTPException(422, f"comment: at most {MAX_COMMENT} characters")
    if kind == "request-changes" and not comment:
        raise HTTPException(422, "Say what should change, so the organiser knows.")
    grant = request.state.grant

    def check_and_record():
        version = server.storage.version(ward.code, number)
        if version is None:
            raise ValueError("no such version")
        if kind == "approve":
            checked = server.previews.preview(ward.code, LocalValues.from_json(version.local_values), full_check=True)
            if checked.blocking:
                raise ValueError("cannot be approved: " + "; ".join(checked.blocking))

        def expect(event: Event | None, latest: int) -> str | None:
            if event is None or event.kind != "submit" or event.version != number:
                return "this version is not the one submitted for review (reload the page)"
            return None

        server.storage.record(
            ward.code,
            kind,
            number,
            grant.invite.name or "reviewer",
            grant.invite.id,
            grant.invite.role,
            {"comment": comment},
            expect,
        )

    try:
        await _library(check_and_record)
    except (ValueError, LeafletError) as refused:
        raise HTTPException(409, str(refused)) from None
    return RedirectResponse(f"/review/{ward.code}", 303)
