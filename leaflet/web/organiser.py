"""An organiser's requests -> their ward's page (the print file as they edit it, each field's fit
and findings, the ward's state and comment thread), previews, saves, photos, submit and withdraw,
and comments from anyone who may see the ward: each a thin shell over ``runs``.
"""

from __future__ import annotations

import io
import json
from dataclasses import asdict
from pathlib import Path
from typing import Any

from PIL import Image, ImageOps
from starlette.exceptions import HTTPException
from starlette.requests import Request
from starlette.responses import JSONResponse, RedirectResponse, Response

from leaflet.commands.pages import thread
from leaflet.errors import InputError
from leaflet.runs.local import CAMPAIGN_PHOTO, LocalValues, PhotoValue, read_values, source_path, store_upload
from leaflet.runs.preview import Preview
from leaflet.runs.storage import Event, Version
from leaflet.web.security import guarded
from leaflet.web.server import (
    MAX_COMMENT,
    Server,
    actor_of,
    comment_of,
    data_url,
    form_of,
    library,
    render,
    server_of,
    version_number,
    ward_of,
)

CHANGED_ELSEWHERE = "changed elsewhere: reload to see both"


def _latest_values(server: Server, code: str) -> tuple[LocalValues, int]:
    latest = server.storage.latest(code)
    if latest is None:
        return server.previews.starting_values(code), 0
    return LocalValues.from_json(latest.local_values), latest.number


def _report_json(preview: Preview, known: set[str]) -> dict[str, Any]:
    return {
        "pages": [
            {
                "name": page.name,
                "digest": page.digest,
                **({} if page.digest in known else {"src": data_url(page.jpeg)}),
            }
            for page in preview.pages
        ],
        "fields": [asdict(report) for report in preview.fields],
        "elsewhere": [asdict(problem) for problem in preview.elsewhere],
        "blocking": list(preview.blocking),
    }


def _history(versions: list[Version]) -> list[dict[str, Any]]:
    return [
        {"number": v.number, "author": v.author, "at": v.created_at, "applied": v.applied, "based_on": v.based_on}
        for v in reversed(versions)
    ]


@guarded("view")
async def organiser_page(request: Request) -> Response:
    server = server_of(request)
    ward = ward_of(request)

    def gather():
        values, number = _latest_values(server, ward.code)
        entry = server.entry(ward.code)
        preview = server.previews.preview(ward.code, values)
        return values, number, entry, preview, server.storage.versions(ward.code), server.storage.events(ward.code)

    values, number, entry, shown, versions, events = await library(gather)
    state, event = entry.state, entry.event
    campaign = server.previews.campaign
    chosen = {photo.slot: values.photos.get(photo.slot, PhotoValue(CAMPAIGN_PHOTO)) for photo in campaign.local.photos}
    photos = {  # a version saved before a photo was opened has none: the campaign's photo
        slot: {"source": value.source, "focal": value.focal, "src": f"/w/{ward.code}/photo/{slot}/{value.source}.jpg"}
        for slot, value in chosen.items()
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
    return render(
        request,
        "organiser.html",
        ward=ward,
        local=campaign.local,
        values=values,
        photos=photos,
        preview=shown,
        pages=[(page, data_url(page.jpeg)) for page in shown.pages],
        reports={report.key: report for report in shown.fields},
        state=state,
        event=event,
        version=number,
        history=_history(versions),
        initial=json.dumps(initial, ensure_ascii=False).replace("</", "<\\/"),
        role=request.state.grant.invite.role,
        sign_off=entry.sign_off,
        remarks=thread(events),
        comment_limit=MAX_COMMENT,
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
    server = server_of(request)
    ward = ward_of(request)
    body = await _json_body(request)
    known = {digest for digest in body.get("known_pages") or [] if isinstance(digest, str)}

    def make():
        return server.previews.preview(ward.code, _values(server, ward.code, body.get("values")))

    return JSONResponse(_report_json(await library(make), known))


def _editable(event: Event | None) -> str | None:
    return "submitted for review: withdraw it to edit" if event is not None and event.kind == "submit" else None


@guarded("edit")
async def save(request: Request) -> Response:
    server = server_of(request)
    ward = ward_of(request)
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
        saved = await library(store)
    except ValueError as refused:
        return JSONResponse({"error": str(refused)}, 409)
    if not saved.version.applied:
        return JSONResponse({"error": CHANGED_ELSEWHERE, "kept_as": saved.version.number, "latest": saved.latest}, 409)
    return JSONResponse({"version": saved.latest, "saved_at": saved.version.created_at})


@guarded("edit")
async def restore(request: Request) -> Response:
    """An earlier version saved again as the latest: undo, however far back."""
    server = server_of(request)
    ward = ward_of(request)
    form = await form_of(request)
    number, based_on = version_number(form, "version"), version_number(form, "based_on")
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
        saved = await library(store)
    except ValueError as refused:
        raise HTTPException(409, str(refused)) from None
    if not saved.version.applied:
        raise HTTPException(409, CHANGED_ELSEWHERE)
    return RedirectResponse(f"/w/{ward.code}", 303)


@guarded("submit")
async def submit(request: Request) -> Response:
    """Freeze the latest version for review, once it is fully preflighted without errors."""
    server = server_of(request)
    ward = ward_of(request)
    form = await form_of(request)
    based_on = version_number(form, "based_on")
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
        await library(check_and_record)
    except ValueError as refused:
        raise HTTPException(409, str(refused)) from None
    return RedirectResponse(f"/w/{ward.code}", 303)


@guarded("submit")
async def withdraw(request: Request) -> Response:
    server = server_of(request)
    ward = ward_of(request)
    grant = request.state.grant

    def expect(event: Event | None, latest: int) -> str | None:
        return None if event is not None and event.kind == "submit" else "not submitted"

    try:
        await library(
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
    server = server_of(request)
    ward = ward_of(request)
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
        stored = await library(keep)
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
    server = server_of(request)
    ward = ward_of(request)
    slot, source = request.path_params["slot"], request.path_params["source"]
    campaign = server.previews.campaign
    if slot not in {photo.slot for photo in campaign.local.photos}:
        raise HTTPException(404, "No such photo.")
    if source != "campaign" and await library(server.storage.upload, source, ward.code) is None:
        raise HTTPException(404, "No such photo.")
    path = source_path(campaign, slot, PhotoValue(source))
    return Response(
        await library(_thumbnail, path), media_type="image/jpeg", headers={"cache-control": "private, max-age=86400"}
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


@guarded("comment")
async def comment(request: Request) -> Response:
    """A comment on the ward's thread, from its organiser, a reviewer or the agent."""
    server = server_of(request)
    ward = ward_of(request)
    said = comment_of(await form_of(request), "Write the comment first.")
    grant = request.state.grant
    await library(
        server.storage.record,
        ward.code,
        "comment",
        None,
        actor_of(request),
        grant.invite.id,
        grant.invite.role,
        {"comment": said},
    )
    back = f"/w/{ward.code}" if grant.invite.role == "organiser" else f"/review/{ward.code}"
    return RedirectResponse(back + "#thread", 303)
