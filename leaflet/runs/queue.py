"""A campaign's wards + its local edits database -> the review queue: each ward's state (not
started, draft, submitted, changes requested, approved, signed off), its preflight findings,
whether its sign-off no longer holds and why, its language; counts per state, filters and pages.

Per ward a queue costs database rows and digests, never a layout: a ward's findings are kept in
the database by the digest of its inputs (the same inputs, the same findings) and filled in by
``check_wards``, which lays out only the wards whose inputs are new.
"""

from __future__ import annotations

import hashlib
import json
import math
import time
from collections.abc import Iterable, Mapping
from contextlib import suppress
from dataclasses import dataclass, replace
from urllib.parse import urlencode

from leaflet.errors import LeafletError
from leaflet.model import Ward
from leaflet.runs.approvals import WardSignOff, sign_off_status, stale_summary
from leaflet.runs.digests import FileDigests, InputDigests
from leaflet.runs.local import STATES, LocalValues, ward_state, ward_with
from leaflet.runs.preview import Previews
from leaflet.runs.storage import Check, Event, Storage
from leaflet.version import __version__
from leaflet.ward.variant import ward_language

PAGE_SIZE = 50


@dataclass(frozen=True)
class QueueEntry:
    ward: Ward  # as the spreadsheet has it
    state: str
    language: str
    event: Event | None  # its last workflow event
    latest: int  # its latest local version's number (0: none)
    approved: LocalValues | None  # what it prints: its approved local version, or None for the campaign's words
    sign_off: WardSignOff
    inputs_key: str  # the digest its findings are kept by; "" when an input cannot be used
    check: Check | None = None  # None: not checked yet

    @property
    def has_findings(self) -> bool:
        return self.check is not None and bool(self.check.errors or self.check.warnings)

    @property
    def changed_since_sign_off(self) -> bool:
        return self.sign_off.signed is not None and self.sign_off.stale is not None


@dataclass(frozen=True)
class Filters:
    state: str = ""
    findings: bool = False
    changed: bool = False  # since sign-off
    language: str = ""
    page: int = 1

    @classmethod
    def from_query(cls, query: Mapping[str, str]) -> Filters:
        """From a request's query string; what is not understood is left out, never an error."""
        state = query.get("state", "")
        page = query.get("page", "1")
        return cls(
            state if state in STATES else "",
            query.get("findings") == "1",
            query.get("changed") == "1",
            query.get("language", "")[:16],
            int(page) if page.isdigit() and 0 < int(page) < 100_000 else 1,
        )

    def query(self, **changes) -> str:
        """The query string of these filters (with ``changes``); "" for none."""
        chosen = replace(self, **changes)
        pairs = {
            "state": chosen.state,
            "findings": "1" if chosen.findings else "",
            "changed": "1" if chosen.changed else "",
            "language": chosen.language,
            "page": str(chosen.page) if chosen.page > 1 else "",
        }
        encoded = urlencode({key: value for key, value in pairs.items() if value})
        return f"?{encoded}" if encoded else ""

    def keeps(self, entry: QueueEntry) -> bool:
        return (
            (not self.state or entry.state == self.state)
            and (not self.findings or entry.has_findings)
            and (not self.changed or entry.changed_since_sign_off)
            and (not self.language or entry.language == self.language)
        )


@dataclass(frozen=True)
class QueuePage:
    entries: tuple[QueueEntry, ...]  # this page's
    order: tuple[str, ...]  # every matching ward's code, in the spreadsheet's order (next and previous)
    counts: dict[str, int]  # wards per state, of every ward
    total: int
    page: int
    pages: int
    unchecked: int  # wards whose findings are not known yet
    changed: int  # wards whose sign-off no longer holds
    with_findings: int
    languages: tuple[str, ...]
    stale_summary: tuple[str, ...] = ()


def inputs_key(inputs: dict[str, str]) -> str:
    return hashlib.sha256((__version__ + json.dumps(inputs, sort_keys=True)).encode("utf-8")).hexdigest()


class Queue:
    """One campaign's queue, asked for again and again: it remembers the files it has hashed."""

    def __init__(self, previews: Previews, storage: Storage):
        self.previews = previews
        self.storage = storage
        self.file_digests = FileDigests()

    def entries(self, only: set[str] | None = None) -> list[QueueEntry]:
        """Every ward (or those in ``only``), in the spreadsheet's order."""
        previews, storage = self.previews, self.storage
        campaigns = previews.campaigns
        base = campaigns[""]
        wards = [ward for ward in previews.wards() if only is None or ward.code in only]
        events, latest = storage.last_workflow_events(), storage.latest_numbers()
        approved = {code: LocalValues.from_json(v.local_values) for code, v in storage.approved().items()}
        printed = [ward_with(w, base.local, approved[w.code]) if w.code in approved else w for w in wards]
        digests = InputDigests(campaigns, self.file_digests)
        inputs: dict[str, dict[str, str]] = {}
        for ward in printed:
            with suppress(LeafletError):  # the ward's page says what is wrong
                inputs[ward.code] = digests.ward_inputs(ward)
        signed = sign_off_status(campaigns, printed, storage, digests, inputs)
        keys = {code: inputs_key(found) for code, found in inputs.items()}
        checks = storage.checks(keys.values())
        entries = []
        for ward in wards:
            code = ward.code
            number = latest.get(code, 0)
            key = keys.get(code, "")
            entries.append(
                QueueEntry(
                    ward,
                    ward_state(events.get(code), number, signed[code].current),
                    ward_language(ward, base) or base.language,
                    events.get(code),
                    number,
                    approved.get(code),
                    signed[code],
                    key,
                    checks.get(key),
                )
            )
        return entries

    def page(self, filters: Filters, entries: list[QueueEntry] | None = None) -> QueuePage:
        entries = self.entries() if entries is None else entries
        matching = [entry for entry in entries if filters.keeps(entry)]
        pages = max(1, math.ceil(len(matching) / PAGE_SIZE))
        page = min(filters.page, pages)
        counts = dict.fromkeys(STATES, 0)
        for entry in entries:
            counts[entry.state] += 1
        statuses = {entry.ward.code: entry.sign_off for entry in entries}
        return QueuePage(
            tuple(matching[(page - 1) * PAGE_SIZE : page * PAGE_SIZE]),
            tuple(entry.ward.code for entry in matching),
            counts,
            len(entries),
            page,
            pages,
            sum(1 for entry in entries if entry.check is None),
            sum(1 for entry in entries if entry.changed_since_sign_off),
            sum(1 for entry in entries if entry.has_findings),
            tuple(sorted({entry.language for entry in entries})),
            tuple(stale_summary(statuses)),
        )


def check_wards(queue: Queue, entries: Iterable[QueueEntry], budget_s: float | None = None) -> int:
    """Lay out and preflight (as the build does) the wards not checked yet, and keep their
    findings by their inputs' digest; within ``budget_s`` seconds when given.  How many are
    left unchecked."""
    started = time.monotonic()
    pending = [entry for entry in entries if entry.check is None and entry.inputs_key]
    done: dict[str, Check] = {}
    for index, entry in enumerate(pending):
        if budget_s is not None and time.monotonic() - started > budget_s:
            queue.storage.keep_checks(done)
            return len(pending) - index
        try:
            findings = queue.previews.findings(entry.ward.code, entry.approved)
        except (LeafletError, KeyError):
            continue  # the ward left the spreadsheet, or its input cannot be used: the queue says so
        errors = [f for f in findings if f.severity == "error"]
        said = tuple((f.severity, f"{f.frame}: {f.message}" if f.frame else f.message) for f in findings)
        done[entry.inputs_key] = Check(len(errors), len(findings) - len(errors), said)
        if len(done) >= 50:
            queue.storage.keep_checks(done)
            done = {}
    queue.storage.keep_checks(done)
    return 0
