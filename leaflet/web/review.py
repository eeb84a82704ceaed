"""A reviewer's or the agent's requests -> the review queue (every ward with its state, counts per
state, filters, pages; for the agent, bulk sign-off and the audit trail) and a ward's review page
(what prints now beside what was submitted, changed regions boxed, the words that changed,
findings, the comment thread; approve or request changes; sign off): a thin shell over ``runs``.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any
from urllib.parse import parse_qsl

from starlette.exceptions import HTTPException
from starlette.requests import Request
from starlette.responses import RedirectResponse, Response

from leaflet.commands.pages import Said, WordChange, queue_row, thread, word_change
from leaflet.errors import LeafletError
from leaflet.runs.approvals import sign_off
from leaflet.runs.audit import audit_csv
from leaflet.runs.local import LocalValues, PhotoValue
from leaflet.runs.preview import Preview
from leaflet.runs.queue import Filters, QueueEntry, check_wards
from leaflet.runs.raster import changed_regions
from leaflet.runs.storage import Event
from leaflet.web.security import guarded
from leaflet.web.server import (
    CHECK_IN_REQUEST_S,
    MAX_COMMENT,
    Server,
    actor_of,
    comment_of,
    data_url,
    form_of,
    library,
    may,
    render,
    server_of,
    version_number,
    ward_of,
)

REVIEW_DPI = 72  # the renders compared for changed regions


def _filters(form: dict[str, str]) -> Filters:
    """The queue's filters a form carries back (field "back"), so the reviewer returns to them."""
    return Filters.from_query(dict(parse_qsl(form.get("back", "").lstrip("?"))))


def _visible(request: Request, entries: list[QueueEntry]) -> list[QueueEntry]:
    """The wards the session may see: every ward, or its own one."""
    ward = request.state.grant.invite.ward
    return [entry for entry in entries if ward is None or entry.ward.code == ward]


# ---------------------------------------------------------------- the queue


@guarded("queue")
async def review_list(request: Request) -> Response:
    server = server_of(request)
    filters = Filters.from_query(request.query_params)

    def gather():
        entries = server.queue.entries()
        if any(entry.check is None for entry in entries):
            left = check_wards(server.queue, entries, CHECK_IN_REQUEST_S)
            entries = server.queue.entries()
            if left:
                server.check_in_background()
        entries = _visible(request, entries)
        return server.queue.page(filters, entries), entries

    queue, entries = await library(gather)
    unchanged = [entry for entry in entries if entry.state == "not started" and not entry.latest]
    return render(
        request,
        "review_list.html",
        queue=queue,
        rows=[queue_row(entry) for entry in queue.entries],
        filters=filters,
        matching=len(queue.order),
        state_link=lambda state: "/review" + filters.query(state=state, page=1),
        ward_link=lambda row: f"/review/{row.code}{filters.query(page=1)}",
        page_link=lambda number: "/review" + filters.query(page=number),
        unchanged=len(unchanged),
        can_sign_off=may(request, "sign-off", None),
        can_audit=may(request, "audit", None),
        role=request.state.grant.invite.role,
    )


# ---------------------------------------------------------------- a ward's page


@dataclass(frozen=True)
class _Side:
    title: str
    preview: Preview
    boxes: list[list[dict[str, float]]]


def _regions(before, after) -> list[list[dict[str, float]]]:
    boxes = []
    for old, new in zip(before, after, strict=True):
        boxes.append(
            [
                {
                    "left": 100 * left / new.width,
                    "top": 100 * top / new.height,
                    "width": 100 * (right - left) / new.width,
                    "height": 100 * (bottom - top) / new.height,
                }
                for left, top, right, bottom in changed_regions(old, new)
            ]
        )
    return boxes


def _version_values(server: Server, code: str, number: int) -> LocalValues | None:
    version = server.storage.version(code, number) if number else None
    return LocalValues.from_json(version.local_values) if version else None


def _sides(server: Server, entry: QueueEntry) -> list[_Side]:
    """What the page compares: what prints now beside what was submitted (or is being drafted);
    else what was signed off beside what prints now, when they differ; else what prints now."""
    code = entry.ward.code
    approved = server.storage.approved().get(code)
    printing_number = approved.number if approved else 0
    printing = _version_values(server, code, printing_number)
    printing_title = f"Printing now: approved version {printing_number}" if approved else "Printing now: the campaign's"
    event = entry.event
    if event is not None and event.kind == "submit" and event.version:
        candidate, title = event.version, f"Submitted: version {event.version}"
    elif entry.latest > printing_number:
        candidate, title = entry.latest, f"Latest draft: version {entry.latest}"
    else:
        candidate, title = 0, ""
    signed = entry.sign_off.signed
    if candidate:
        pairs = [(printing_title, printing), (title, _version_values(server, code, candidate))]
    elif signed is not None and signed.version != printing_number:
        signed_title = f"Signed off: version {signed.version}" if signed.version else "Signed off: the campaign's"
        pairs = [(signed_title, _version_values(server, code, signed.version)), (printing_title, printing)]
    else:
        pairs = [(printing_title, printing)]
    previews = server.previews
    shown = [
        previews.preview(code, values, full_check=index == len(pairs) - 1) for index, (_, values) in enumerate(pairs)
    ]
    if len(pairs) == 1:
        return [_Side(pairs[0][0], shown[0], [[] for _ in shown[0].pages])]
    boxes = _regions(*(previews.page_images(code, values, REVIEW_DPI) for _, values in pairs))
    return [_Side(pairs[0][0], shown[0], [[] for _ in shown[0].pages]), _Side(pairs[1][0], shown[1], boxes)]


def _changes(server: Server, code: str, sides: list[_Side]) -> list[WordChange]:
    if len(sides) < 2:
        return []
    campaign_words = server.previews.starting_values(code, use_start=False)
    before, after = (side.preview.values for side in sides)
    local = server.previews.campaign.local

    def slot(values: LocalValues, name: str) -> str:
        return values.slots.get(name, campaign_words.slots.get(name, ""))

    def field(values: LocalValues, name: str) -> str:
        return values.fields.get(name, campaign_words.fields.get(name, ""))

    def photo(value: PhotoValue | None) -> str:
        if value is None or value.file is None:
            return "the campaign's photo"
        where = (
            f", the point at {value.focal[0]:.0%} across and {value.focal[1]:.0%} down in view" if value.focal else ""
        )
        return f"a photo of the ward's own{where}"

    changes = [word_change(s.label, slot(before, s.slot), slot(after, s.slot), True) for s in local.slots]
    changes += [word_change(f.label, field(before, f.field), field(after, f.field), False) for f in local.fields]
    changes += [
        word_change(p.label, photo(before.photos.get(p.slot)), photo(after.photos.get(p.slot)), False)
        for p in local.photos
    ]
    return changes


def _findings(preview: Preview) -> list[Said]:
    found = [Said(p.severity, p.message, report.label) for report in preview.fields for p in report.problems]
    return found + [Said(p.severity, p.message) for p in preview.elsewhere]


def _neighbours(entries: list[QueueEntry], filters: Filters, code: str) -> tuple[str | None, str | None, int, int]:
    """The previous and next ward of the filtered queue around ``code`` (in the spreadsheet's
    order, so a ward whose state just changed keeps its place), its position and the count."""
    index = {entry.ward.code: number for number, entry in enumerate(entries)}
    order = [entry.ward.code for entry in entries if filters.keeps(entry)]
    here = index[code]
    previous = [other for other in order if index[other] < here]
    following = [other for other in order if index[other] > here]
    position = order.index(code) + 1 if code in order else 0
    return (previous[-1] if previous else None), (following[0] if following else None), position, len(order)


@guarded("review")
async def review_page(request: Request) -> Response:
    server = server_of(request)
    ward = ward_of(request)
    filters = Filters.from_query(request.query_params)

    def gather() -> dict[str, Any]:
        entries = _visible(request, server.queue.entries())
        entry = next(entry for entry in entries if entry.ward.code == ward.code)
        sides = _sides(server, entry)
        previous, following, position, count = _neighbours(entries, filters, ward.code)
        events = server.storage.events(ward.code)
        return {
            "entry": entry,
            "sides": sides,
            "changes": _changes(server, ward.code, sides),
            "findings": _findings(sides[-1].preview),
            "blocking": sides[-1].preview.blocking,
            "previous": previous,
            "next": following,
            "position": position,
            "count": count,
            "events": events,
            "remarks": thread(events),
        }

    context = await library(gather)
    entry = context["entry"]
    query = filters.query(page=1)
    return render(
        request,
        "review.html",
        ward=ward,
        state=entry.state,
        event=entry.event,
        sign_off=entry.sign_off,
        query=query,
        data_url=data_url,
        can_review=may(request, "review", ward.code),
        can_sign_off=may(request, "sign-off", ward.code),
        can_comment=may(request, "comment", ward.code),
        require_sign_off=server.previews.campaign.require_sign_off,
        comment_limit=MAX_COMMENT,
        **context,
    )


# ---------------------------------------------------------------- decisions


@guarded("review")
async def approve(request: Request) -> Response:
    return await _decide(request, "approve")


@guarded("review")
async def request_changes(request: Request) -> Response:
    return await _decide(request, "request-changes")


async def _decide(request: Request, kind: str) -> Response:
    server = server_of(request)
    ward = ward_of(request)
    form = await form_of(request)
    number = version_number(form, "version")
    comment = comment_of(form, "Say what should change, so the organiser knows." if kind != "approve" else None)
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
            ward.code, kind, number, actor_of(request), grant.invite.id, grant.invite.role, {"comment": comment}, expect
        )

    try:
        await library(check_and_record)
    except (ValueError, LeafletError) as refused:
        raise HTTPException(409, str(refused)) from None
    return RedirectResponse(f"/review/{ward.code}{_filters(form).query()}", 303)


@guarded("sign-off")
async def sign_off_ward(request: Request) -> Response:
    """The agent signs off what the ward prints now: its print file drawn as the build draws it,
    fully preflighted; its SHA-256 recorded."""
    server = server_of(request)
    ward = ward_of(request)
    form = await form_of(request)
    comment = comment_of(form)
    grant = request.state.grant
    try:
        report = await library(
            sign_off,
            server.previews.campaign.root,
            actor_of(request),
            [ward.code],
            grant.invite.role,
            grant.invite.id,
            comment,
        )
    except LeafletError as error:
        raise HTTPException(409, str(error)) from None
    if report.refused:
        raise HTTPException(409, f"Not signed off: {report.refused[ward.code]}")
    return RedirectResponse(f"/review/{ward.code}{_filters(form).query()}", 303)


@guarded("sign-off")
async def withdraw_sign_off(request: Request) -> Response:
    server = server_of(request)
    ward = ward_of(request)
    form = await form_of(request)
    comment = comment_of(form, "Say why the sign-off is withdrawn.")
    grant = request.state.grant
    try:
        await library(
            server.storage.withdraw_sign_off, ward.code, actor_of(request), grant.invite.id, grant.invite.role, comment
        )
    except ValueError as refused:
        raise HTTPException(409, str(refused)) from None
    return RedirectResponse(f"/review/{ward.code}{_filters(form).query()}", 303)


@guarded("sign-off")
async def sign_off_unchanged(request: Request) -> Response:
    """The agent signs off, at once, every ward no organiser changed (each still drawn and fully
    preflighted, and refused with errors)."""
    server = server_of(request)
    form = await form_of(request)
    comment = comment_of(form)
    grant = request.state.grant
    report = await library(
        sign_off,
        server.previews.campaign.root,
        actor_of(request),
        None,
        grant.invite.role,
        grant.invite.id,
        comment,
        unchanged_only=True,
    )
    names = {ward.code: ward.name for ward in server.previews.wards()}
    return render(request, "signed.html", report=report, names=names)


@guarded("audit")
async def audit(request: Request) -> Response:
    """The audit trail as CSV, for the agent's records."""
    server = server_of(request)
    names = {ward.code: ward.name for ward in server.previews.wards()}
    data = await library(audit_csv, server.storage, names)
    filename = f"{server.previews.campaign.name}-audit.csv"
    return Response(
        data,
        media_type="text/csv; charset=utf-8",
        headers={"content-disposition": f'attachment; filename="{filename}"'},
    )
