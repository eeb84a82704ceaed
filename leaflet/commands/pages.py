"""The review queue and a ward's review sheet as Jinja2 templates (``templates/``) that both
``leaflet proof`` (a static page that opens from disk) and ``leaflet serve`` (the reviewers' and
agent's queue) render, so a reviewer without the server gets the same view: the wards with their
state, counts per state, filters, findings, sign-off, the words that changed, comments; and the
keyboard (j / k: next / previous ward).

Every template autoescapes; what the static page inlines (its style and script) is pinned by
hash in its Content-Security-Policy.
"""

from __future__ import annotations

import base64
import hashlib
import unicodedata
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

from jinja2 import ChoiceLoader, Environment, FileSystemLoader

from leaflet.model import Finding
from leaflet.runs.approvals import WardSignOff
from leaflet.runs.local import plain_words
from leaflet.runs.queue import QueueEntry
from leaflet.runs.storage import Event
from leaflet.runs.wording import Piece, word_diff

TEMPLATES = Path(__file__).resolve().parent / "templates"
ASSETS = TEMPLATES / "assets"  # the shared style sheet and script; leaflet serve serves them as /shared/
THREAD_EVENTS = ("comment", "request-changes", "approve", "sign-off", "withdraw-sign-off")
_SAID = {
    "comment": "commented",
    "request-changes": "asked for changes to version {version}",
    "approve": "approved version {version}",
    "sign-off": "signed off",
    "withdraw-sign-off": "withdrew the sign-off",
}


@dataclass(frozen=True)
class QueueRow:
    """One ward as the queue lists it."""

    code: str
    name: str
    state: str
    language: str
    checked: bool  # whether its findings are known
    errors: int
    warnings: int
    signed: str  # "", or who signed it off and when
    stale: str  # what changed since its sign-off; "" while it holds (or there is none)
    changed: bool  # since its sign-off, or (a proof) since the earlier proof set
    since: str  # when its state last moved (ISO 8601), or ""
    search: str = ""  # what a filter typed on the static page matches: name and code, accents folded


@dataclass(frozen=True)
class Said:
    """A finding as the sheet lists it."""

    severity: str
    message: str
    where: str = ""


@dataclass(frozen=True)
class Remark:
    """One entry of a ward's comment thread."""

    at: str
    actor: str
    role: str
    what: str  # "commented", "asked for changes to version 3", ...
    comment: str


@dataclass(frozen=True)
class WordChange:
    label: str
    pieces: tuple[Piece, ...]  # the words, kept, deleted and inserted
    changed: bool


def environment(*folders: Path) -> Environment:
    """Templates from ``folders`` first, then the shared ones; autoescaped."""
    loader = ChoiceLoader([FileSystemLoader(folder) for folder in (*folders, TEMPLATES)])
    templates = Environment(loader=loader, autoescape=True, auto_reload=False, trim_blocks=True, lstrip_blocks=True)
    templates.filters["when"] = when
    templates.filters["css"] = lambda state: str(state).replace(" ", "-")
    return templates


def asset(name: str) -> str:
    return (ASSETS / name).read_text(encoding="utf-8")


def csp_hash(source: str) -> str:
    return "'sha256-" + base64.b64encode(hashlib.sha256(source.encode("utf-8")).digest()).decode("ascii") + "'"


def when(value: str) -> str:
    try:
        return datetime.fromisoformat(value).astimezone(UTC).strftime("%d %b %Y, %H:%M UTC")
    except ValueError:
        return value


def signed_line(sign_off: WardSignOff | None) -> str:
    if sign_off is None or sign_off.signed is None:
        return ""
    return f"Signed off by {sign_off.signed.actor}, {when(sign_off.signed.at)}"


def queue_row(entry: QueueEntry) -> QueueRow:
    check = entry.check
    return QueueRow(
        entry.ward.code,
        entry.ward.name,
        entry.state,
        entry.language,
        check is not None,
        check.errors if check else 0,
        check.warnings if check else 0,
        signed_line(entry.sign_off),
        entry.sign_off.stale or "",
        entry.changed_since_sign_off,
        entry.event.at if entry.event else "",
    )


def folded(text: str) -> str:
    """As the static page's script folds what is typed in its filter: no accents, lower case."""
    decomposed = unicodedata.normalize("NFKD", text)
    return "".join(char for char in decomposed if not unicodedata.combining(char)).lower()


def searchable(name: str, code: str) -> str:
    return " ".join(dict.fromkeys((folded(name), folded(code), name.lower(), code.lower())))


def said(findings: list[Finding] | tuple[Finding, ...]) -> tuple[Said, ...]:
    return tuple(Said(f.severity, f.message, " · ".join(part for part in (f.page, f.frame) if part)) for f in findings)


def thread(events: list[Event]) -> tuple[Remark, ...]:
    """The conversation about a ward: comments, and the decisions made with a comment or without."""
    remarks = []
    for event in events:
        if event.kind not in THREAD_EVENTS:
            continue
        comment = str(event.detail.get("comment") or "")
        what = _SAID[event.kind].format(version=event.version)
        remarks.append(Remark(event.at, event.actor, event.role, what, comment))
    return tuple(remarks)


def thread_by_ward(events: list[Event]) -> dict[str, tuple[Remark, ...]]:
    by_ward: dict[str, list[Event]] = {}
    for event in events:
        if event.ward is not None and event.kind in THREAD_EVENTS:
            by_ward.setdefault(event.ward, []).append(event)
    return {ward: thread(found) for ward, found in by_ward.items()}


def word_change(label: str, before: str | None, after: str | None, markdown: bool) -> WordChange:
    """What changed in a field's words, as they print (Markdown markers gone)."""
    old, new = before or "", after or ""
    if markdown:
        old, new = plain_words(old), plain_words(new)
    return WordChange(label, word_diff(old, new), old.split() != new.split())
