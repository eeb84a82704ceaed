"""A ward's Riso pages -> what would go wrong on the office's Riso: artwork the machine cannot
reach (and saturated fills close to its edges), large solids above the ink the paper takes, small
text in or on a tint; and, from the composite, a QR code that does not decode.

Each finding has a severity, a rule (``catalogue.RULES``), its page and frame, and what to do.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import partial
from typing import assert_never

import zxingcpp
from PIL import Image

from leaflet.assets.fonts import FontMetrics
from leaflet.model import (
    BoxPt,
    FilledBox,
    Finding,
    GlyphRun,
    LaidOutLeaflet,
    Layout,
    PlacedImage,
    PlacedQr,
    RisoSpec,
    Severity,
    TextLine,
    pt_to_mm,
)
from leaflet.ward.imposition import PageAreas, SheetPlan, to_sheet

_EPSILON = 0.05  # points
PT2_PER_CM2 = (72 / 2.54) ** 2


@dataclass(frozen=True)
class _Under:
    """Something drawn on the page that later text may sit on: a fill's tint, or a photo."""

    box: BoxPt
    tint: float | None  # None: a photo


class RisoRules:
    """Checks the Riso pages of one run's wards."""

    def __init__(self, layout: Layout, metrics: dict[str, FontMetrics], plan: SheetPlan):
        assert layout.riso is not None
        self.riso: RisoSpec = layout.riso
        self.metrics = metrics
        self.plan = plan
        self.limits = layout.riso.preflight
        self.sheet = layout.riso.sheet

    def check(self, leaflet: LaidOutLeaflet) -> list[Finding]:
        findings: list[Finding] = []
        for index, page in enumerate(leaflet.pages):
            areas = self.plan.areas[index]
            under: list[_Under] = []
            for frame in page.frames:
                add = partial(_add, findings, leaflet.ward.code, page.name, frame.name)
                for item in frame.items:
                    self._item(item, areas, under, add)
        return _once_per_frame(findings)

    def _item(self, item, areas: PageAreas, under: list[_Under], add) -> None:
        match item:
            case FilledBox():
                if item.fill is not None:
                    ink = self.riso.ink(item.fill)
                    self._reach(item.box, areas, add, saturated=self._saturated(ink.tint, ink.drum))
                    self._solid(item.box, ink.tint, ink.drum, add)
                    under.append(_Under(item.box, ink.tint if ink.drum else 0.0))
                elif item.stroke is not None:
                    self._reach(item.box, areas, add)
            case PlacedImage():
                self._reach(item.clip, areas, add)
                under.append(_Under(item.clip, None))
            case PlacedQr():
                self._reach(BoxPt(item.x_pt, item.y_pt, item.size_pt, item.size_pt), areas, add)
            case TextLine():
                for run in item.runs:
                    extent = self._run_extent(item, run)
                    self._reach(extent, areas, add)
                    self._tint_text(run, extent, under, add)
            case _:
                assert_never(item)

    def _saturated(self, tint: float, drum: str | None) -> bool:
        return drum is not None and tint * 100 >= self.riso.saturated_percent - 1e-9

    def _reach(self, box: BoxPt, areas: PageAreas, add, saturated: bool = False) -> None:
        """Artwork outside what the machine reaches is an error; a saturated fill within the
        saturated inset of the edge a warning (it smears, and the sheet may stick to the drum)."""
        over = _overhang(box, areas.printable)
        sheet = self.sheet
        if over > _EPSILON:
            add(
                "error",
                "riso-printable-area",
                f"reaches {pt_to_mm(over):.1f} mm outside the area the Riso prints (the sheet less "
                f"{sheet.leading_mm:g} mm at the leading edge, {sheet.trailing_mm:g} mm trailing, "
                f"{sheet.sides_mm:g} mm at the sides): move it inwards, or change it under riso.frames",
            )
        elif saturated and _overhang(box, areas.saturated_printable) > _EPSILON:
            add(
                "warning",
                "riso-printable-area",
                f"a saturated fill within {self.riso.saturated_inset_mm:g} mm of the printable edge may smear or "
                "stick to the drum: keep it further in, or lower its tint",
            )

    def _solid(self, box: BoxPt, tint: float, drum: str | None, add) -> None:
        limits = self.limits
        area_cm2 = box.width * box.height / PT2_PER_CM2
        if drum is not None and tint * 100 > limits.max_solid_percent + 1e-9 and area_cm2 >= limits.large_solid_cm2:
            add(
                "error",
                "riso-solid",
                f"a {area_cm2:.0f} cm² fill at {tint * 100:.0f}% on the {drum} drum, over "
                f"{limits.max_solid_percent:g}%: large solids set off and jam on a Riso; lower its tint under "
                "riso.swatches",
            )

    def _tint_text(self, run: GlyphRun, extent: BoxPt, under: list[_Under], add) -> None:
        limit = self.limits.min_tint_text_pt
        if run.size_pt >= limit - 1e-6:
            return
        ink = self.riso.ink(run.colour)
        if ink.drum is not None and 0 < ink.tint < 1:
            add(
                "warning",
                "riso-tint-text",
                f"text at {run.size_pt:.2f} pt printed in a {ink.tint * 100:.0f}% tint, under {limit:g} pt: the screen "
                "breaks it up; print it at full ink or larger",
            )
            return
        below = next((u for u in reversed(under) if _overlaps(u.box, extent)), None)
        if below is not None and (below.tint is None or 0 < below.tint < 1):
            what = "a photo" if below.tint is None else f"a {below.tint * 100:.0f}% tint"
            add(
                "warning",
                "riso-tint-text",
                f'text "{run.text.strip()[:30]}" at {run.size_pt:.2f} pt on {what}, under {limit:g} pt: the screen '
                "breaks it up; set it larger, or on paper or full ink",
            )

    def _run_extent(self, line: TextLine, run: GlyphRun) -> BoxPt:
        font = self.metrics[run.font]
        text = run.text.rstrip(" ")
        width = font.width_pt(text, run.size_pt) + run.word_space_pt * text.count(" ")
        ascent, descent = font.ascent * run.size_pt / 1000, font.descent * run.size_pt / 1000
        return BoxPt(run.x_pt, line.baseline_pt - descent, width, ascent + descent)


def _add(
    findings: list[Finding], ward: str, page: str, frame: str, severity: Severity, rule: str, message: str
) -> None:
    findings.append(Finding(severity, rule, message, ward, page, frame))


def _overhang(box: BoxPt, area: BoxPt) -> float:
    return max(area.x - box.x, area.y - box.y, box.right - area.right, box.top - area.top, 0.0)


def _overlaps(one: BoxPt, other: BoxPt) -> bool:
    return one.x < other.right and other.x < one.right and one.y < other.top and other.y < one.top


def _once_per_frame(findings: list[Finding]) -> list[Finding]:
    """One finding of a kind per frame: a paragraph of small text is one problem, not forty."""
    seen: set[tuple] = set()
    kept = []
    for finding in findings:
        key = (finding.page, finding.frame, finding.rule, finding.severity)
        if key not in seen:
            seen.add(key)
            kept.append(finding)
    return kept


def composite_qr_findings(
    composite: Image.Image, dpi: float, leaflet: LaidOutLeaflet, plan: SheetPlan
) -> list[Finding]:
    """Each QR code cut from the composite (the inks simulated on paper) and decoded to exactly
    the ward's address: what a phone will read from the printed leaflet."""
    findings = []
    scale = dpi / 72
    pages_seen: set[int] = set()
    for placement in plan.placements:
        if placement.page in pages_seen:
            continue  # a one-page leaflet printed twice: its code is read once
        pages_seen.add(placement.page)
        page = leaflet.pages[placement.page]
        for frame in page.frames:
            for item in frame.items:
                if not isinstance(item, PlacedQr):
                    continue
                pad = 6.0
                box = to_sheet(
                    placement.matrix,
                    BoxPt(item.x_pt - pad, item.y_pt - pad, item.size_pt + 2 * pad, item.size_pt + 2 * pad),
                )
                top = plan.height_pt - box.top
                crop = composite.crop(
                    (
                        int(box.x * scale),
                        int(top * scale),
                        int(box.right * scale) + 1,
                        int((top + box.height) * scale) + 1,
                    )
                )
                decoded = [result.text for result in zxingcpp.read_barcodes(crop)]
                if decoded != [item.url]:
                    found = decoded[0] if decoded else "nothing"
                    findings.append(
                        Finding(
                            "error",
                            "qr-decode",
                            f"the QR code on the Riso composite decodes to {found!r}, not {item.url!r}: check what "
                            "prints under and over it",
                            leaflet.ward.code,
                            page.name,
                            frame.name,
                        )
                    )
    return findings
