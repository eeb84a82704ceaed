"""The one approval model: a campaign's sign-offs (in its local edits database) + its wards as
they are now -> whether each ward's sign-off still holds and, when not, what changed since, in
one line; sign-offs recorded (``leaflet approve``, and the agent in ``leaflet serve``); and
approvals.json, which earlier leaflets wrote, migrated into the database once.

A sign-off holds the SHA-256 of every input of the ward's print file (the layout, the campaign's
files, the ward's row with its approved local version laid over, the fonts, its photos, the
press profile, leaflet's version) and of the print file itself, drawn as the build draws it.
``leaflet build`` prints a signed-off ward only while its inputs match, and only as those bytes.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path

from leaflet.errors import InputError, LeafletError
from leaflet.model import Campaign, Ward
from leaflet.read.wards import select_wards
from leaflet.runs.digests import ROW, InputDigests, input_path, row_text
from leaflet.runs.local import ward_state
from leaflet.runs.parallel import Progress
from leaflet.runs.prepare import load
from leaflet.runs.signoff import draw_wards
from leaflet.runs.storage import Event, SignOff, Storage, database_path
from leaflet.runs.wording import change_summary
from leaflet.version import __version__

LEGACY_FILE = "approvals.json"  # what leaflet approve wrote before sign-offs moved into the database
MIGRATED_FILE = "approvals.migrated.json"
MIGRATION_EVENT = "migrate-approvals"
MAX_KEPT_TEXT = 1_000_000  # characters: a longer file's words are not kept to say what changed


@dataclass(frozen=True)
class WardSignOff:
    """A ward's sign-off as things are now."""

    signed: SignOff | None  # None: never signed off (or withdrawn)
    stale: str | None = None  # what changed since the sign-off, in one line; None while it holds

    @property
    def current(self) -> bool:
        return self.signed is not None and self.stale is None

    def why_not(self) -> str:
        """Why the ward may not print where a sign-off is needed ("" when it may)."""
        if self.signed is None:
            return "not signed off"
        if self.stale is None:
            return ""
        return f"signed off by {self.signed.actor} on {self.signed.at[:10]}, then {self.stale}"


@dataclass(frozen=True)
class PrintGate:
    """What a build may print."""

    wards: list[Ward]  # those it may print
    refused: dict[str, str]  # code -> why it may not print
    signed_sha256: dict[str, str]  # code -> the SHA-256 its print file must have
    stale: list[str]  # one line per reason sign-offs no longer hold (``stale_summary``)


@dataclass(frozen=True)
class SignOffReport:
    signed: tuple[SignOff, ...]
    refused: dict[str, str]  # code -> why it was not signed off
    already: tuple[str, ...]  # codes whose sign-off already holds
    database: Path  # where they are recorded
    note: str | None = None  # approvals.json migrated just now


def open_storage(campaign: Campaign) -> Storage | None:
    """The campaign's database, or None while it has none (nothing was ever signed or edited)."""
    return Storage.for_campaign(campaign.root) if database_path(campaign.root).is_file() else None


# ---------------------------------------------------------------- whether each sign-off holds


def sign_off_status(
    campaigns: dict[str, Campaign],
    wards: Iterable[Ward],
    storage: Storage | None,
    digests: InputDigests | None = None,
    inputs: dict[str, dict[str, str]] | None = None,
) -> dict[str, WardSignOff]:
    """Each ward's sign-off and whether it holds for the ward as it is now (``wards`` with their
    approved local versions laid over, as ``runs.prepare.load`` gives them; ``inputs``: their
    inputs' digests, when known already)."""
    wards = list(wards)
    signoffs = storage.signoffs() if storage else {}
    if not signoffs:
        return {ward.code: WardSignOff(None) for ward in wards}
    assert storage is not None
    approved = {code: version.number for code, version in storage.approved().items()}
    digests = digests or InputDigests(campaigns)
    changes: dict[str, list[tuple[str, str | None, str]]] = {}  # code -> (label, digest then, digest now)
    status = {}
    for ward in wards:
        signed = signoffs.get(ward.code)
        if signed is None:
            status[ward.code] = WardSignOff(None)
            continue
        try:
            now = inputs[ward.code] if inputs and ward.code in inputs else digests.ward_inputs(ward)
        except LeafletError as error:  # a photo cell leading out of the project, say
            status[ward.code] = WardSignOff(signed, f"an input cannot be used: {error}")
            continue
        differing = [(label, signed.inputs.get(label), digest) for label, digest in now.items()]
        differing = [change for change in differing if change[1] != change[2]]
        differing += [(label, before, "gone") for label, before in signed.inputs.items() if label not in now]
        changes[ward.code] = differing
        version_now = approved.get(ward.code, 0)
        if differing or signed.leaflet != __version__ or signed.version != version_now or not signed.print_sha256:
            status[ward.code] = WardSignOff(signed, "")  # said below, with the words that changed
        else:
            status[ward.code] = WardSignOff(signed)
    texts = storage.texts(before for found in changes.values() for _, before, _ in found if before)
    said: dict[tuple[str, str | None, str], str] = {}  # a change to a shared file is said once
    wards_by_code = {ward.code: ward for ward in wards}
    for code, found in changes.items():
        current = status[code]
        if current.stale is None:
            continue
        assert current.signed is not None
        reasons = []
        if current.signed.leaflet != __version__:
            reasons.append(f"leaflet changed ({current.signed.leaflet} → {__version__})")
        version_now = approved.get(code, 0)
        if current.signed.version != version_now:
            reasons.append(
                f"local version {version_now} was approved" if version_now else "its approved local version is gone"
            )
        for change in found:
            if change[0] == ROW and current.signed.version != version_now:
                continue  # said by the version
            if change not in said:
                said[change] = _said(campaigns[""], change, texts, wards_by_code[code])
            reasons.append(said[change])
        if not reasons and not current.signed.print_sha256:
            reasons.append("its print file's SHA-256 was never recorded (approved by an earlier leaflet)")
        status[code] = WardSignOff(current.signed, "; ".join(reasons))
    return status


def _said(campaign: Campaign, change: tuple[str, str | None, str], texts: dict[str, str], ward: Ward) -> str:
    label, before, now = change
    if now == "missing":
        return f"{label} is missing"
    if now == "gone":
        return f"{label} is no longer used"
    if before is None:
        return f"{label} added"
    old_text = texts.get(before)
    what = ""
    if old_text is not None and label == ROW:
        what = _row_change(old_text, ward)
    elif old_text is not None:
        path = input_path(campaign, label)
        try:
            what = change_summary(old_text, path.read_text(encoding="utf-8")) if path else ""
        except (OSError, UnicodeDecodeError):
            what = ""
    return f"{label} changed" + (f": {what}" if what else "")


def _row_change(old_row: str, ward: Ward) -> str:
    try:
        before = json.loads(old_row)
    except ValueError:
        return ""
    for column in sorted(set(before) | set(ward.fields)):
        if column not in before:
            value = ward.fields[column]
            return f"column {column} added" + (f" (“{value}”)" if value else "")
        if column not in ward.fields:
            return f"column {column} removed"
        old, new = str(before[column]), ward.fields[column]
        if old != new:
            return f"{column} {change_summary(old, new) or 'spacing changed'}"
    return ""


def stale_summary(status: dict[str, WardSignOff]) -> list[str]:
    """One line per reason sign-offs no longer hold, most wards first: "14 sign-offs no longer
    hold: campaign file story.md changed: “crime” → “crimes”"."""
    by_reason: dict[str, int] = {}
    for ward in status.values():
        if ward.signed is not None and ward.stale:
            for reason in ward.stale.split("; "):
                by_reason[reason] = by_reason.get(reason, 0) + 1
    return [
        f"{count} sign-off{'s' if count != 1 else ''} no longer hold{'s' if count == 1 else ''}: {reason}"
        for reason, count in sorted(by_reason.items(), key=lambda item: (-item[1], item[0]))
    ]


def unapproved(campaigns: dict[str, Campaign], wards: Iterable[Ward]) -> dict[str, str]:
    """The wards that may not print where sign-off is needed, by code, each with why ("not signed
    off", or who signed it off and what changed since); ``campaigns`` and ``wards`` as
    ``runs.prepare.load`` returns them."""
    campaign = campaigns[""]
    migrate_approvals(campaign)
    status = sign_off_status(campaigns, wards, open_storage(campaign))
    return {code: ward.why_not() for code, ward in status.items() if not ward.current}


def sign_off_needed(campaign: Campaign, approved_only: bool, print_unapproved: bool) -> bool:
    """Whether a build prints signed-off wards only: asked for (``--approved-only``), or the
    campaign's ``require_sign_off`` unless ``--unapproved`` says otherwise out loud."""
    return approved_only or (campaign.require_sign_off and not print_unapproved)


def print_gate(campaigns: dict[str, Campaign], wards: list[Ward], needed: bool = True) -> PrintGate:
    """What a build may print: every ward when sign-off is not ``needed``; else the wards whose
    sign-off holds, each with the SHA-256 its print file must have.  Refused when that is none."""
    if not needed:
        return PrintGate(list(wards), {}, {}, [])
    campaign = campaigns[""]
    migrate_approvals(campaign)
    status = sign_off_status(campaigns, wards, open_storage(campaign))
    signed = {code: ward.signed for code, ward in status.items() if ward.current and ward.signed}
    stale = stale_summary(status)
    if not signed:
        raise InputError(
            campaign.path,
            "require_sign_off" if campaign.require_sign_off else None,
            "no ward is signed off as it is now: nothing to print" + (f" ({'; '.join(stale[:3])})" if stale else ""),
            "sign wards off (leaflet approve, or the agent in leaflet serve); --unapproved prints them unsigned",
        )
    return PrintGate(
        [ward for ward in wards if ward.code in signed],
        {code: ward.why_not() for code, ward in status.items() if not ward.current},
        {code: record.print_sha256 for code, record in signed.items() if record.print_sha256},
        stale,
    )


def approved_wards(campaigns: dict[str, Campaign], wards: list[Ward]) -> tuple[list[Ward], dict[str, str]]:
    """The wards whose sign-off still holds, and why the others' does not; refused when none
    holds (a build of signed-off wards only would print nothing)."""
    gate = print_gate(campaigns, wards)
    return gate.wards, gate.refused


# ---------------------------------------------------------------- signing off


def sign_off(
    campaign_dir: Path,
    by: str,
    ward_codes: Iterable[str] | None = None,
    role: str = "agent",
    invite_id: int | None = None,
    comment: str = "",
    wards_csv: Path | None = None,
    jobs: int = 1,
    unchanged_only: bool = False,
    progress: Progress | None = None,
) -> SignOffReport:
    """Sign off the chosen wards (default: every ward) as they print now: each drawn as the build
    draws it and fully preflighted; refused with preflight errors, or while a local version
    awaits review.  ``unchanged_only`` signs off only wards no organiser ever changed.  Wards whose
    sign-off still holds are left as they are."""
    by = by.strip()
    if not by:
        raise InputError(None, "--by", "say who signs off", "give a name, e.g. --by 'Sam Taylor'")
    campaigns, every_ward = load(campaign_dir, wards_csv)
    campaign = campaigns[""]
    note = migrate_approvals(campaign, wards_csv)
    wards_path = Path(wards_csv) if wards_csv else campaign.wards_path
    chosen = select_wards(every_ward, list(ward_codes or []), wards_path)
    storage = Storage.for_campaign(campaign.root)
    status = sign_off_status(campaigns, chosen, storage)
    events, latest = storage.last_workflow_events(), storage.latest_numbers()
    already = tuple(ward.code for ward in chosen if status[ward.code].current)
    refused: dict[str, str] = {}
    to_draw = []
    for ward in chosen:
        if status[ward.code].current or (unchanged_only and ward.code in latest):
            continue
        reason = _refusal(events.get(ward.code), latest.get(ward.code, 0))
        if reason:
            refused[ward.code] = reason
        else:
            to_draw.append(ward)
    approved = {code: version.number for code, version in storage.approved().items()}
    records = []
    for drawn in draw_wards(campaigns, every_ward, to_draw, jobs, progress=progress):
        if drawn.errors or drawn.print_sha256 is None:
            refused[drawn.code] = "preflight errors: " + "; ".join(drawn.errors or ("it cannot be drawn",))
            continue
        version = approved.get(drawn.code, 0)
        records.append(SignOff(drawn.code, version, drawn.inputs, drawn.print_sha256, __version__, by, role))
    storage.keep_texts(_texts(campaign, {ward.code: ward for ward in to_draw}, records))

    def expect(record: SignOff, event: Event | None, approved_now: int) -> str | None:
        if approved_now != record.version:
            return "a new local version was approved meanwhile: sign off again"
        return _refusal(event, approved_now)

    signed, late = storage.sign_off(records, invite_id, {"comment": comment} if comment else {}, expect)
    refused.update(late)
    order = {ward.code: index for index, ward in enumerate(chosen)}
    refused = dict(sorted(refused.items(), key=lambda item: order[item[0]]))
    return SignOffReport(tuple(signed), refused, already, storage.path, note)


def _refusal(event: Event | None, latest: int) -> str | None:
    """Why a ward cannot be signed off now, from its review state."""
    if ward_state(event, latest) == "submitted" and event is not None:
        return f"version {event.version} is submitted for review: approve it or request changes first"
    return None


def _texts(campaign: Campaign, wards: dict[str, Ward], records: list[SignOff]) -> dict[str, str]:
    """The words a sign-off saw, by their SHA-256: the layout's and campaign's files and each
    ward's row, so that what changed since can be said in words."""
    texts: dict[str, str] = {}
    for record in records:
        for label, digest in record.inputs.items():
            if digest in texts:
                continue
            if label == ROW:
                texts[digest] = row_text(wards[record.ward])
                continue
            path = input_path(campaign, label)
            if path is None:
                continue
            try:
                data = path.read_bytes()
                text = data.decode("utf-8")
            except (OSError, UnicodeDecodeError):
                continue
            if hashlib.sha256(data).hexdigest() == digest and len(text) <= MAX_KEPT_TEXT:
                texts[digest] = text
    return texts


# ---------------------------------------------------------------- approvals.json, once


def _read_legacy(path: Path) -> dict[str, dict]:
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
        wards = data["wards"]
        for record in wards.values():
            if not isinstance(record["inputs"], dict) or not isinstance(record["approved_by"], str):
                raise TypeError("a ward's approval lacks its inputs or who approved it")
            str(record["approved_at"]) + str(record["leaflet"])
        return wards
    except (ValueError, TypeError, KeyError, AttributeError, OSError) as error:
        raise InputError(
            path,
            None,
            f"not an approvals file leaflet can read ({error})",
            "restore it from a backup, or delete it and sign the wards off again",
        ) from None


def migrate_approvals(campaign: Campaign, wards_csv: Path | None = None) -> str | None:
    """Move approvals.json's approvals into the database as sign-offs (once: a file whose bytes
    were migrated before is not migrated again), then rename it; a line saying so, or None when
    there is no such file.  An approval whose inputs still match gets its print file's SHA-256,
    drawn now as the build would; the others are kept as sign-offs that no longer hold."""
    path = campaign.root / LEGACY_FILE
    if not path.is_file():
        return None
    approvals = _read_legacy(path)
    file_sha256 = hashlib.sha256(path.read_bytes()).hexdigest()
    storage = Storage.for_campaign(campaign.root)
    migrations = storage.events_of_kind(MIGRATION_EVENT)
    done_before = any(event.detail.get("file_sha256") == file_sha256 for event in migrations)
    if not done_before:
        campaigns, wards = load(campaign.root, wards_csv)
        by_code = {ward.code: ward for ward in wards}
        digests = InputDigests(campaigns)
        matching = []
        for code, record in approvals.items():
            try:
                same = code in by_code and digests.ward_inputs(by_code[code]) == record["inputs"]
            except LeafletError:
                same = False
            if same and record["leaflet"] == __version__:
                matching.append(by_code[code])
        drawn = {result.code: result for result in draw_wards(campaigns, wards, matching, full_check=False)}
        approved = {code: version.number for code, version in storage.approved().items()}
        records = [
            SignOff(
                code,
                approved.get(code, 0) if code in drawn else 0,
                dict(record["inputs"]),
                drawn[code].print_sha256 if code in drawn else None,
                str(record["leaflet"]),
                record["approved_by"],
                "agent",
                str(record["approved_at"]),
            )
            for code, record in sorted(approvals.items())
        ]
        storage.sign_off(
            records,
            detail={"migrated from": LEGACY_FILE},
            also=(MIGRATION_EVENT, {"file": LEGACY_FILE, "file_sha256": file_sha256, "wards": len(records)}),
        )
    path.replace(campaign.root / MIGRATED_FILE)
    count = len(approvals)
    return (
        f"{path}: its {count} approval{'s' if count != 1 else ''} "
        f"{'were' if count != 1 else 'was'} moved into {database_path(campaign.root)} as sign-offs "
        f"{'(already, earlier) ' if done_before else ''}and the file renamed {MIGRATED_FILE}; "
        "leaflet approve records sign-offs there now"
    )
