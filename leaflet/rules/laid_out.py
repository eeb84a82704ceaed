"""A laid-out leaflet -> the preflight findings its pages show: text sizes and extents, the safe
area, bleed, photo resolution and ink, the QR code's geometry, the imprint.

Frames shared by every ward of a run are checked once and their findings reused.  Each finding
has a severity, a rule (``catalogue.RULES``), its page and frame, and what to do; only the CLI
turns findings into an exit code.
"""

from __future__ import annotations

import io
from dataclasses import dataclass, replace
from functools import lru_cache
from typing import assert_never

from PIL import Image, ImageChops

from leaflet.assets.fonts import FontMetrics
from leaflet.assets.images import ImageSource, prepare_print_image, read_image_source
from leaflet.model import (
    BoxPt,
    FilledBox,
    Finding,
    ImprintFrame,
    ImprintWording,
    LaidOutFrame,
    LaidOutLeaflet,
    Layout,
    PlacedImage,
    PlacedQr,
    Severity,
    TextLine,
    Thresholds,
    mm_to_pt,
    pt_to_mm,
)
from leaflet.rules.inks import InkRules
from leaflet.ward.joins import grown
from leaflet.ward.qr import longest_url


@dataclass(frozen=True)
class _Geometry:
    width: float
    height: float
    safe: float
    bleed: float


_EPSILON = 0.05  # points: rounding in a layout is not a finding


class LaidOutRules:
    """Checks the leaflets of one run, remembering what it found in the frames they share."""

    def __init__(
        self,
        layout: Layout,
        metrics: dict[str, FontMetrics],
        thresholds: Thresholds | None = None,
        imprint_wordings: tuple[ImprintWording, ...] = (ImprintWording(),),
    ):
        """``imprint_wordings``: the words imprints of the run are composed with, one per language."""
        self.layout = layout
        self.imprint_wordings = imprint_wordings
        self.metrics = metrics
        self.limits = thresholds or layout.preflight
        self.geometry = _Geometry(
            mm_to_pt(layout.trim_width_mm),
            mm_to_pt(layout.trim_height_mm),
            mm_to_pt(layout.safe_mm),
            mm_to_pt(layout.bleed_mm),
        )
        self._shared: dict[int, tuple[LaidOutFrame, list[Finding]]] = {}
        self.inks = InkRules(layout, metrics, self.limits)
        self._imprint_frames = {
            frame.name for page in layout.pages for frame in page.frames if isinstance(frame, ImprintFrame)
        }

    def check(self, leaflet: LaidOutLeaflet) -> list[Finding]:
        ward = leaflet.ward.code
        findings = list(leaflet.findings)
        for page in leaflet.pages:
            for frame in page.frames:
                if frame.static:
                    cached = self._shared.get(id(frame))
                    if cached is None:
                        cached = self._shared[id(frame)] = (frame, self._frame(page.name, frame))
                    found = cached[1]
                else:
                    found = self._frame(page.name, frame)
                findings.extend(replace(f, ward=ward) for f in found)
        findings.extend(self.inks.check(leaflet))
        return findings

    def _frame(self, page: str, frame: LaidOutFrame) -> list[Finding]:
        found: list[Finding] = []

        def add(severity: Severity, rule: str, message: str) -> None:
            found.append(Finding(severity, rule, message, None, page, frame.name))

        limits, g = self.limits, self.geometry
        if frame.name in self._imprint_frames:
            self._imprint(frame, add)
        for item in frame.items:
            match item:
                case TextLine():
                    for run in item.runs:
                        if run.size_pt < limits.min_text_pt - 1e-6:
                            add(
                                "error",
                                "text-size",
                                f"text at {run.size_pt:.2f} pt, under {limits.min_text_pt:g} pt: enlarge the style or "
                                "its frame",
                            )
                        extent = self._run_extent(item, run)
                        if not self._inside_safe(extent):
                            add(
                                "error",
                                "safe-area",
                                f'text "{run.text.strip()[:30]}" reaches outside the safe area ({pt_to_mm(g.safe):g} '
                                "mm inside the trim): move or shrink the frame",
                            )
                            break
                case FilledBox():
                    for colour, kind in ((item.fill, "fill"), (item.stroke, "stroke")):
                        if colour is not None and colour.total_ink * 100 > limits.max_ink_percent + 1e-6:
                            add(
                                "error",
                                "total-ink",
                                f"{kind} has {colour.total_ink * 100:.0f}% total ink, over "
                                f"{limits.max_ink_percent:g}%: use a lighter mix (rich black 60/40/40/100 is 240%)",
                            )
                    if item.stroke is not None and 0 < item.stroke_pt < limits.min_line_pt - 1e-9:
                        add(
                            "error",
                            "thin-line",
                            f"a {item.stroke_pt:g} pt line, under {limits.min_line_pt:g} pt, may not print: make it "
                            "thicker",
                        )
                    if item.fill is not None:
                        self._bleed(item.box, add)
                case PlacedImage():
                    self._image(item, add)
                case PlacedQr():
                    self._qr(item, add)
                case _:
                    assert_never(item)
        return found

    def _run_extent(self, line: TextLine, run) -> BoxPt:
        font = self.metrics[run.font]
        width = run.width_pt  # the glyphs' own advances: what is drawn
        ascent, descent = font.ascent * run.size_pt / 1000, font.descent * run.size_pt / 1000
        return BoxPt(run.x_pt, line.baseline_pt - descent, width, ascent + descent)

    def _inside_safe(self, box: BoxPt) -> bool:
        g = self.geometry
        return (
            box.x >= g.safe - _EPSILON
            and box.y >= g.safe - _EPSILON
            and box.right <= g.width - g.safe + _EPSILON
            and box.top <= g.height - g.safe + _EPSILON
        )

    def _bleed(self, box: BoxPt, add) -> None:
        """A fill that comes within the safe margin of a trim edge must run on into the bleed."""
        g = self.geometry
        reaches = {"left": -box.x, "bottom": -box.y, "right": box.right - g.width, "top": box.top - g.height}
        for side, reach in reaches.items():
            if -g.safe < reach < g.bleed - _EPSILON:
                add(
                    "error",
                    "bleed",
                    f"stops {pt_to_mm(g.bleed - reach):.1f} mm short of the bleed at the {side} edge: extend it "
                    f"{pt_to_mm(g.bleed):g} mm past the trim, or keep it inside the safe area",
                )

    def _image(self, item: PlacedImage, add) -> None:
        source = read_image_source(item.path)
        ppi = source.width_px / (item.placed.width / 72)
        limits = self.limits
        if ppi < limits.error_below_ppi:
            add(
                "error",
                "image-resolution",
                f"{item.path.name} is {ppi:.0f} ppi at its placed size, under {limits.error_below_ppi:g}: use a "
                "larger photo",
            )
        elif ppi < limits.warn_below_ppi:
            add(
                "warning",
                "image-resolution",
                f"{item.path.name} is {ppi:.0f} ppi at its placed size, under {limits.warn_below_ppi:g}: it may look "
                "soft",
            )
        if source.transparent:
            add(
                "warning",
                "photo-transparency",
                f"{item.path.name} has transparent pixels: they print as if laid on paper white (PDF/X-1a has no "
                "transparency); lay the photo on the colour you want instead",
            )
        self._bleed(item.clip, add)
        ink = _photo_ink_percent(item)
        if ink > limits.max_ink_percent + 0.5:
            add(
                "error",
                "total-ink",
                f"{item.path.name} has up to {ink:.0f}% total ink, over {limits.max_ink_percent:g}%: convert it with "
                "the press profile",
            )

    def _qr(self, item: PlacedQr, add) -> None:
        limits = self.limits
        module_mm = pt_to_mm(item.module_pt)
        size_mm = pt_to_mm(item.size_pt)
        if module_mm < limits.min_qr_module_mm - 1e-6:
            longest = longest_url(item.size_pt, mm_to_pt(limits.min_qr_module_mm))
            add(
                "error",
                "qr-geometry",
                f"QR modules are {module_mm:.2f} mm, under {limits.min_qr_module_mm:g} mm: the sign-up address has "
                f"{len(item.url.encode())} characters, and a {size_mm:.0f} mm code holds at most {longest}; shorten "
                "it or widen the frame",
            )
        if item.quiet_modules < limits.min_quiet_modules:
            add("error", "qr-geometry", f"quiet zone of {item.quiet_modules} modules, under {limits.min_quiet_modules}")
        if size_mm < limits.min_qr_size_mm - 1e-6:
            add(
                "error",
                "qr-geometry",
                f"QR code is {size_mm:.1f} mm wide, under {limits.min_qr_size_mm:g} mm: make its frame wider",
            )
        if not self._inside_safe(BoxPt(item.x_pt, item.y_pt, item.size_pt, item.size_pt)):
            add("error", "safe-area", "the QR code reaches outside the safe area: move its frame inwards")

    def _imprint(self, frame: LaidOutFrame, add) -> None:
        text = " ".join(run.text for item in frame.items if isinstance(item, TextLine) for run in item.runs)
        if not any(words.printed_by in text and words.promoted_by in text for words in self.imprint_wordings):
            add(
                "error",
                "imprint",
                "the imprint must say who printed and who promoted the leaflet: fill in imprint.printer and "
                "imprint.promoter",
            )


def _photo_ink_percent(item: PlacedImage) -> float:
    """The highest total ink, sampled, in the photo as it goes to press (99.9th percentile)."""
    return _ink_percent(item, read_image_source(item.path))


@lru_cache(maxsize=64)
def _ink_percent(item: PlacedImage, source: ImageSource) -> float:
    # the crop that is drawn (to the panels it runs under), which the drawing has prepared already
    prepared = prepare_print_image(source, item.placed, grown(item.clip, item.underlaps))
    jpeg = Image.open(io.BytesIO(prepared.jpeg))
    jpeg.draft("CMYK", (256, 256))
    image = ImageChops.invert(jpeg.convert("CMYK"))  # Pillow reads every CMYK JPEG as Adobe-inverted
    image.thumbnail((256, 256))
    values = image.tobytes()
    totals = sorted(map(sum, zip(values[0::4], values[1::4], values[2::4], values[3::4], strict=True)))
    return totals[int(len(totals) * 0.999) - 1] / 255 * 100
