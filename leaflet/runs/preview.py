"""A campaign + one ward + an organiser's draft values -> what the organiser's page shows: both
pages rendered from the very print file ``leaflet build`` would write for that ward with those
values, each open field's fit ("fits", "set at 94% to fit", "about 12 words too long") and count
against its limit, and every preflight finding in plain words next to the field it comes from.

One code path: the draft is laid over the ward's row as an approved version is (``local``), then
laid out, drawn and preflighted by the run's own stages.  The run is prepared once and kept; it
is prepared again when the campaign's files change (a draft's characters beyond the run's shared
font subsets are the ward's own subset, as in its print file).  A ``Previews`` serialises its
work (layout caches and PDFium are not thread-safe); a server runs one per process.
"""

from __future__ import annotations

import hashlib
import io
import re
import threading
import time
from collections import OrderedDict
from dataclasses import dataclass, field
from pathlib import Path

from PIL import Image

from leaflet.assets.images import read_image_source
from leaflet.errors import DoesNotFit, LeafletError
from leaflet.model import (
    Campaign,
    Finding,
    FlowFrame,
    ImageFrame,
    LaidOutLeaflet,
    PlacedImage,
    QrFrame,
    Severity,
    TextFrame,
    Ward,
)
from leaflet.read import markup
from leaflet.runs.local import LocalValues, starting_values, ward_with, with_photo_files, word_count
from leaflet.runs.preflight import Preflight
from leaflet.runs.prepare import PreparedRun, load, prepare_run
from leaflet.runs.raster import render_pages
from leaflet.runs.repaint import Repaints
from leaflet.ward.variant import ward_language
from leaflet.write.draw import draw_pages, file_from_pages

PREVIEW_DPI = 110  # a phone's screen at twice its pixels, or a laptop's
JPEG_QUALITY = 85
RENDER_CACHE = 96  # pages kept by digest: a page whose drawing did not change is not rendered again
CHECK_FILES_EVERY_S = 1.0


@dataclass(frozen=True)
class Problem:
    severity: Severity
    message: str  # plain words, saying what to do


@dataclass(frozen=True)
class FieldReport:
    """One open field as the organiser sees it beside its box."""

    key: str  # "slots.local_focus", "fields.organiser", "photos.second"
    label: str
    fit: str | None = None  # for words: "fits", "set at 94% to fit", "about 12 words too long"
    count: str | None = None  # "38 of 45 words"
    ppi: float | None = None  # for a photo: its effective resolution at its placed size
    problems: tuple[Problem, ...] = ()


@dataclass(frozen=True)
class RenderedPage:
    name: str
    jpeg: bytes
    width_px: int
    height_px: int
    digest: str  # of what the page draws: equal digests, equal pixels


@dataclass(frozen=True)
class Preview:
    ward: Ward  # with the draft laid over its row
    values: LocalValues  # with the files its photos print from
    pages: tuple[RenderedPage, ...]
    fields: tuple[FieldReport, ...]
    elsewhere: tuple[Problem, ...]  # findings in what the ward cannot change
    print_file: bytes

    @property
    def blocking(self) -> tuple[str, ...]:
        """Why the draft cannot be submitted: each error, with the field it is in."""
        reasons = [
            f"{report.label}: {p.message}" for report in self.fields for p in report.problems if p.severity == "error"
        ]
        reasons.extend(p.message for p in self.elsewhere if p.severity == "error")
        return tuple(reasons)


@dataclass
class _Prepared:
    campaigns: dict[str, Campaign]
    wards: dict[str, Ward]  # as the spreadsheet has them, no local version laid over
    run: PreparedRun
    preflight: Preflight
    stamp: tuple
    generation: int
    frame_fields: dict[str, dict[str, tuple[str, ...]]] = field(default_factory=dict)  # by language


class Previews:
    """The campaign's run, prepared once, and the previews made from it."""

    def __init__(self, campaign_dir: Path, dpi: float = PREVIEW_DPI):
        self.campaign_dir = Path(campaign_dir)
        self.dpi = dpi
        self.lock = threading.RLock()
        self._rendered: OrderedDict[str, RenderedPage] = OrderedDict()
        self._repaints = Repaints()  # a page is rendered again only where its frames changed
        self._checked_at = 0.0
        self._generation = 0
        self.problem: str | None = None  # the campaign's files changed and cannot be used: the last good run stays
        self.prepared = self._prepare()

    # ------------------------------------------------------------ the run

    def _prepare(self) -> _Prepared:
        campaigns, wards = load(self.campaign_dir, approved_local=False)
        run = prepare_run(campaigns, wards)
        self._generation += 1
        return _Prepared(
            campaigns,
            {ward.code: ward for ward in wards},
            run,
            Preflight(run, wards),
            _stamp(campaigns[""]),
            self._generation,
        )

    def _current(self) -> _Prepared:
        """The run, prepared again if the campaign's files changed since (checked once a second)."""
        now = time.monotonic()
        if now - self._checked_at >= CHECK_FILES_EVERY_S:
            self._checked_at = now
            if _stamp(self.prepared.campaigns[""]) != self.prepared.stamp:
                try:
                    self.prepared = self._prepare()
                    self.problem = None
                except LeafletError as error:
                    self.problem = f"the campaign's files have a problem, so the last good version is shown: {error}"
                    self.prepared.stamp = _stamp(self.prepared.campaigns[""])
        return self.prepared

    @property
    def campaign(self) -> Campaign:
        return self.prepared.campaigns[""]

    @property
    def campaigns(self) -> dict[str, Campaign]:
        return self.prepared.campaigns

    def wards(self) -> list[Ward]:
        with self.lock:
            return list(self._current().wards.values())

    def ward(self, code: str) -> Ward | None:
        with self.lock:
            return self._current().wards.get(code)

    def campaign_for(self, ward: Ward) -> Campaign:
        prepared = self.prepared
        return prepared.campaigns[ward_language(ward, prepared.campaigns[""])]

    def starting_values(self, code: str, use_start: bool = True) -> LocalValues:
        """What an organiser starts from (``use_start``), or the ward's words as they print
        without a local version."""
        with self.lock:
            prepared = self._current()
            ward = prepared.wards[code]
            return starting_values(self.campaign_for(ward), prepared.campaigns[""], ward, use_start)

    # ------------------------------------------------------------ previews

    def preview(self, code: str, values: LocalValues | None, full_check: bool = False) -> Preview:
        """The ward with ``values`` laid over its row (None: the campaign's own leaflet for it),
        laid out, drawn, preflighted (``full_check``: with its QR code decoded from a 300 dpi
        render, as ``leaflet check`` does) and rendered."""
        with self.lock:
            prepared = self._current()
            base = prepared.campaigns[""]
            raw = prepared.wards[code]
            if values is not None:
                values = with_photo_files(base, values)
            ward = ward_with(raw, base.local, values) if values is not None else raw
            leaflet, findings = prepared.preflight.lay_out(ward)
            if leaflet is None:
                return Preview(ward, values or _none(), (), (), tuple(_problem(f) for f in findings), b"")
            pages = draw_pages(leaflet, prepared.run.document)
            data = file_from_pages(pages, prepared.run.document)
            findings += prepared.preflight.read_back(data, pages, leaflet, render_qr=full_check)
            rendered = self._render(data, pages.contents, pages.images, leaflet, prepared.generation)
            reports, elsewhere = self._reports(prepared, raw, values, leaflet, findings)
            return Preview(ward, values or _none(), rendered, reports, elsewhere, data)

    def _render(
        self, data: bytes, contents, images, leaflet: LaidOutLeaflet, generation: int
    ) -> tuple[RenderedPage, ...]:
        own_images = hashlib.sha256(b"".join(image.jpeg for image in images)).digest()
        digests = [
            hashlib.sha256(b"%d|%d|" % (generation, index) + own_images + content).hexdigest()
            for index, content in enumerate(contents)
        ]
        key = b"%d|%f|" % (generation, self.dpi) + own_images
        for index in [index for index, digest in enumerate(digests) if digest not in self._rendered]:
            frames = leaflet.pages[index].frames
            layout = self.prepared.campaigns[""].layout
            image = self._repaints.render(data, self.dpi, leaflet.ward.code, index, key, frames, layout)
            buffer = io.BytesIO()
            image.save(buffer, "JPEG", quality=JPEG_QUALITY)
            page = RenderedPage(leaflet.pages[index].name, buffer.getvalue(), image.width, image.height, digests[index])
            self._rendered[digests[index]] = page
        pages = []
        for digest in digests:
            self._rendered.move_to_end(digest)
            pages.append(self._rendered[digest])
        while len(self._rendered) > RENDER_CACHE:
            self._rendered.popitem(last=False)
        return tuple(pages)

    def findings(self, code: str, values: LocalValues | None) -> list[Finding]:
        """The ward's preflight as ``leaflet build`` runs it (no QR render), without rendering a
        page: for the review queue's "has findings"."""
        with self.lock:
            prepared = self._current()
            base = prepared.campaigns[""]
            raw = prepared.wards[code]
            ward = ward_with(raw, base.local, with_photo_files(base, values)) if values is not None else raw
            leaflet, findings = prepared.preflight.lay_out(ward)
            if leaflet is not None:
                pages = draw_pages(leaflet, prepared.run.document)
                if pages.images:
                    data = file_from_pages(pages, prepared.run.document)
                    findings += prepared.preflight.read_back(data, pages, leaflet, render_qr=False)
            return findings

    def page_images(self, code: str, values: LocalValues | None, dpi: float) -> list[Image.Image]:
        """The ward's pages as images at ``dpi`` (for comparing two versions)."""
        with self.lock:
            data = self.preview(code, values).print_file
            return render_pages(data, dpi) if data else []

    # ------------------------------------------------------------ what the page says beside each field

    def _reports(
        self,
        prepared: _Prepared,
        raw: Ward,
        values: LocalValues | None,
        leaflet: LaidOutLeaflet,
        findings: list[Finding],
    ) -> tuple[tuple[FieldReport, ...], tuple[Problem, ...]]:
        base = prepared.campaigns[""]
        local = base.local
        language = ward_language(raw, base)
        frame_fields = prepared.frame_fields.get(language)
        if frame_fields is None:
            frame_fields = prepared.frame_fields[language] = _frame_fields(prepared.campaigns[language])
        laid_out = {frame.name: frame for page in leaflet.pages for frame in page.frames}
        problems: dict[str, list[Problem]] = {}
        overflow: dict[str, int] = {}
        elsewhere: list[Problem] = []
        for finding in findings:
            keys = frame_fields.get(finding.frame or "", ())
            if finding.rule == "text-overflow":
                for key in keys:
                    overflow[key] = max(overflow.get(key, 0), DoesNotFit.words_over(finding.message) or 1)
            if finding.rule == "text-shrunk" and keys:
                continue  # said by the field's fit
            problem = _problem(finding)
            for key in keys[:1]:
                problems.setdefault(key, []).append(problem)
            if not keys:
                elsewhere.append(problem)
        reports = []
        shown = values or starting_values(self.campaign_for(raw), base, raw)
        for local_slot in local.slots:
            key = f"slots.{local_slot.slot}"
            text = shown.slots.get(local_slot.slot, "")
            own = list(problems.get(key, []))
            count = _count(text, local_slot.max_words, local_slot.max_characters, own)
            for word in local_slot.must_change:
                if word.casefold() in text.casefold():
                    own.append(Problem("error", f"replace “{word}” with your own words"))
            own.extend(_stale_names(local, raw, shown, text))
            reports.append(
                FieldReport(key, local_slot.label, _fit(key, frame_fields, laid_out, overflow), count, None, tuple(own))
            )
        for local_field in local.fields:
            key = f"fields.{local_field.field}"
            text = shown.fields.get(local_field.field, "")
            own = list(problems.get(key, []))
            count = _count(text, None, local_field.max_characters, own)
            fit = (
                _fit(key, frame_fields, laid_out, overflow)
                if key in {k for ks in frame_fields.values() for k in ks}
                else None
            )
            reports.append(FieldReport(key, local_field.label, fit, count, None, tuple(own)))
        for photo in local.photos:
            key = f"photos.{photo.slot}"
            own = list(problems.get(key, []))
            ppi = _ppi(leaflet, photo.slot)
            if ppi is not None and photo.min_ppi is not None and ppi < photo.min_ppi:
                own.append(
                    Problem(
                        "error",
                        f"{ppi:.0f} ppi at its printed size; it needs at least {photo.min_ppi:g}: use a larger photo",
                    )
                )
            reports.append(FieldReport(key, photo.label, None, None, ppi, tuple(own)))
        if self.problem:
            elsewhere.append(Problem("error", self.problem))
        return tuple(reports), tuple(elsewhere)


def _none() -> LocalValues:
    return LocalValues({}, {}, {})


def _stamp(campaign: Campaign) -> tuple:
    """What the run was prepared from, as the file system dates it."""
    layout = campaign.layout
    paths = {*campaign.source_files, layout.path, campaign.wards_path, *campaign.images.values()}
    paths |= {face.path for face in layout.fonts.values()}
    paths |= set(campaign.root.glob("campaign.*.yaml"))
    stamp = []
    for path in sorted(paths):
        try:
            status = path.stat()
            stamp.append((str(path), status.st_mtime_ns, status.st_size))
        except OSError:
            stamp.append((str(path), 0, -1))
    return tuple(stamp)


def _frame_fields(campaign: Campaign) -> dict[str, tuple[str, ...]]:
    """Each frame's open fields: the open slot it shows, else the open ward fields its words
    (or, for the QR code, its address) take; its photo if open."""
    local = campaign.local
    open_slots = {s.slot for s in local.slots}
    open_fields = {f.field for f in local.fields}
    open_photos = {p.slot for p in local.photos}
    mapping: dict[str, tuple[str, ...]] = {}
    for page in campaign.layout.pages:
        for frame in page.frames:
            keys: list[str] = []
            slots: list[str] = []
            if isinstance(frame, TextFrame):
                slots = [frame.slot]
            elif isinstance(frame, FlowFrame):
                slots = [campaign.layout.flows[frame.flow].slot]
            elif isinstance(frame, QrFrame):
                slots = [frame.caption_slot] if frame.caption_slot else []
                keys += [f"fields.{name}" for name in sorted(markup.placeholders(campaign.signup_url) & open_fields)]
            elif isinstance(frame, ImageFrame) and frame.slot in open_photos:
                keys.append(f"photos.{frame.slot}")
            for slot in slots:
                if slot in open_slots:
                    keys.insert(0, f"slots.{slot}")
                else:
                    used = markup.paragraphs_placeholders(campaign.slots[slot]) & open_fields
                    keys += [f"fields.{name}" for name in sorted(used)]
            if keys:
                mapping[frame.name] = tuple(dict.fromkeys(keys))
    return mapping


def _fit(key: str, frame_fields, laid_out, overflow: dict[str, int]) -> str:
    if key in overflow:
        words = overflow[key]
        return f"about {words} word{'s' if words != 1 else ''} too long"
    scales = [laid_out[name].scale for name, keys in frame_fields.items() if key in keys and name in laid_out]
    scale = min(scales, default=1.0)
    return "fits" if scale >= 0.995 else f"set at {scale:.0%} to fit"


def _count(text: str, max_words: int | None, max_characters: int | None, problems: list[Problem]) -> str:
    words, characters = word_count(text), len(text.strip())
    if max_words is not None:
        if words > max_words:
            problems.append(Problem("error", f"{words - max_words} words over the limit of {max_words}: shorten it"))
        return f"{words} of {max_words} words"
    if max_characters is not None:
        if characters > max_characters:
            problems.append(
                Problem("error", f"{characters - max_characters} characters over the limit of {max_characters}")
            )
        return f"{characters} of {max_characters} characters"
    return f"{words} words"


def _stale_names(local, raw: Ward, values: LocalValues, text: str) -> list[Problem]:
    """A warning where the words still name what an open field said before it was changed."""
    found = []
    for local_field in local.fields:
        before = raw.fields.get(local_field.field, "")
        now = values.fields.get(local_field.field, before)
        if before and now != before and before in text:
            found.append(Problem("warning", f"still says “{before}”, but {local_field.label} is now “{now}”"))
    return found


def _ppi(leaflet: LaidOutLeaflet, slot: str) -> float | None:
    for page in leaflet.pages:
        for frame in page.frames:
            for item in frame.items:
                if isinstance(item, PlacedImage) and item.slot == slot:
                    return read_image_source(item.path).width_px / (item.placed.width / 72)
    return None


_GLYPHS = re.compile(r"'(.)' \(U\+[0-9A-F]{4,6}\)")


def _problem(finding: Finding) -> Problem:
    """A finding in words an organiser can act on."""
    match finding.rule:
        case "text-overflow":
            words = DoesNotFit.words_over(finding.message) or 1
            return Problem(finding.severity, f"about {words} word{'s' if words != 1 else ''} too long: shorten it")
        case "missing-glyph":
            characters = " ".join(_GLYPHS.findall(finding.message)) or "a character"
            return Problem(finding.severity, f"the leaflet's font cannot print {characters}: use another character")
        case "image-resolution":
            message = re.sub(r"^\S+ is ", "the photo is ", finding.message)
            return Problem(finding.severity, message.replace("at its placed size", "at its printed size"))
        case _:
            return Problem(finding.severity, finding.message)
