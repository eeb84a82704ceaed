"""Laid-out leaflets and their print files -> preflight findings: what a printer or an election
agent would reject, each with severity, rule, ward, page, frame and what to do.

Two passes.  ``check_layout`` reads the laid-out pages (text sizes and extents, the safe area,
bleed, photo resolution and ink, the QR code's geometry, the imprint); frames shared by every
ward are checked once and their findings reused.  ``check_print_file`` reads the written PDF as
a printer's preflight would (colour spaces, fonts embedded, transparency) and, when asked,
renders the QR code at 300 dpi and decodes it.  Only the CLI turns findings into an exit code.
"""

from __future__ import annotations

import io
import re
from dataclasses import dataclass, replace
from functools import lru_cache

from PIL import Image, ImageChops

from .fonts import FontMetrics
from .images import prepare_print_image, read_image_source
from .model import (
    BoxPt,
    FilledBox,
    Finding,
    LaidOutFrame,
    LaidOutLeaflet,
    Layout,
    PlacedImage,
    PlacedQr,
    TextLine,
    Thresholds,
    mm_to_pt,
    pt_to_mm,
)
from .qr import longest_url

RULES = {
    "text-overflow": "text does not fit its frame (chain) even at the style's minimum size",
    "text-shrunk": "copy-fitting set text smaller than its style's size",
    "missing-glyph": "a character the frame's font cannot draw (it would print as an empty box)",
    "input": "a ward's own input could not be used (a photo missing, a cell unusable)",
    "image-resolution": "a photo below 300 ppi (warning) or 200 ppi (error) at its placed size",
    "safe-area": "text, the QR code or the imprint outside the safe area",
    "bleed": "something that reaches the trim edge but stops short of the bleed edge",
    "qr-decode": "the QR code, rendered at 300 dpi, does not decode to exactly the ward's URL",
    "qr-geometry": "QR module under 0.4 mm, quiet zone under 4 modules, or code under 20 mm",
    "imprint": "the imprint is missing, incomplete, or smaller than 6 pt",
    "rgb-colour": "an RGB or Lab colour in the print file",
    "font-embedding": "a font not embedded in the print file",
    "transparency": "transparency in the print file (not allowed in PDF/X-1a)",
    "text-size": "text smaller than 6 pt",
    "thin-line": "a line thinner than 0.25 pt",
    "total-ink": "total ink above 300% in a fill or, sampled, in a photo",
}


@dataclass(frozen=True)
class _Geometry:
    width: float
    height: float
    safe: float
    bleed: float


_EPSILON = 0.05  # points: rounding in a layout is not a finding


class Checker:
    """Checks leaflets of one run, remembering what it found in the frames they share."""

    def __init__(self, layout: Layout, metrics: dict[str, FontMetrics], thresholds: Thresholds | None = None):
        self.layout = layout
        self.metrics = metrics
        self.limits = thresholds or layout.preflight
        self.geometry = _Geometry(
            mm_to_pt(layout.trim_width_mm), mm_to_pt(layout.trim_height_mm), mm_to_pt(layout.safe_mm), mm_to_pt(layout.bleed_mm)
        )
        self._shared: dict[int, tuple[LaidOutFrame, list[Finding]]] = {}
        self._imprint_frames = {frame.name for page in layout.pages for frame in page.frames if type(frame).__name__ == "ImprintFrame"}

    # ------------------------------------------------------------ laid-out pages

    def check_layout(self, leaflet: LaidOutLeaflet) -> list[Finding]:
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
        return findings

    def _frame(self, page: str, frame: LaidOutFrame) -> list[Finding]:
        found: list[Finding] = []

        def add(severity: str, rule: str, message: str) -> None:
            found.append(Finding(severity, rule, message, None, page, frame.name))

        limits, g = self.limits, self.geometry
        if frame.name in self._imprint_frames:
            self._imprint(frame, add)
        for item in frame.items:
            if isinstance(item, TextLine):
                for run in item.runs:
                    if run.size_pt < limits.min_text_pt - 1e-6:
                        add("error", "text-size", f"text at {run.size_pt:.2f} pt, under {limits.min_text_pt:g} pt: enlarge the style or its frame")
                    extent = self._run_extent(item, run)
                    if not self._inside_safe(extent):
                        add("error", "safe-area", f"text \"{run.text.strip()[:30]}\" reaches outside the safe area ({pt_to_mm(g.safe):g} mm inside the trim): move or shrink the frame")
                        break
            elif isinstance(item, FilledBox):
                for colour, kind in ((item.fill, "fill"), (item.stroke, "stroke")):
                    if colour is not None and colour.total_ink * 100 > limits.max_ink_percent + 1e-6:
                        add("error", "total-ink", f"{kind} has {colour.total_ink * 100:.0f}% total ink, over {limits.max_ink_percent:g}%: use a lighter mix (rich black 60/40/40/100 is 240%)")
                if item.stroke is not None and 0 < item.stroke_pt < limits.min_line_pt - 1e-9:
                    add("error", "thin-line", f"a {item.stroke_pt:g} pt line, under {limits.min_line_pt:g} pt, may not print: make it thicker")
                if item.fill is not None:
                    self._bleed(item.box, add)
            elif isinstance(item, PlacedImage):
                self._image(item, add)
            elif isinstance(item, PlacedQr):
                self._qr(item, add)
        return found

    def _run_extent(self, line: TextLine, run) -> BoxPt:
        font = self.metrics[run.font]
        width = font.width_pt(run.text.rstrip(" "), run.size_pt) + run.word_space_pt * run.text.rstrip(" ").count(" ")
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
                add("error", "bleed", f"stops {pt_to_mm(g.bleed - reach):.1f} mm short of the bleed at the {side} edge: extend it {pt_to_mm(g.bleed):g} mm past the trim, or keep it inside the safe area")

    def _image(self, item: PlacedImage, add) -> None:
        source = read_image_source(item.path)
        ppi = source.width_px / (item.placed.width / 72)
        limits = self.limits
        if ppi < limits.error_below_ppi:
            add("error", "image-resolution", f"{item.path.name} is {ppi:.0f} ppi at its placed size, under {limits.error_below_ppi:g}: use a larger photo")
        elif ppi < limits.warn_below_ppi:
            add("warning", "image-resolution", f"{item.path.name} is {ppi:.0f} ppi at its placed size, under {limits.warn_below_ppi:g}: it may look soft")
        self._bleed(item.clip, add)
        ink = _photo_ink_percent(item)
        if ink > limits.max_ink_percent + 0.5:
            add("error", "total-ink", f"{item.path.name} has up to {ink:.0f}% total ink, over {limits.max_ink_percent:g}%: convert it with the press profile")

    def _qr(self, item: PlacedQr, add) -> None:
        limits = self.limits
        module_mm = pt_to_mm(item.module_pt)
        size_mm = pt_to_mm(item.size_pt)
        if module_mm < limits.min_qr_module_mm - 1e-6:
            longest = longest_url(item.size_pt, mm_to_pt(limits.min_qr_module_mm))
            add("error", "qr-geometry", f"QR modules are {module_mm:.2f} mm, under {limits.min_qr_module_mm:g} mm: the sign-up address has {len(item.url.encode())} characters, and a {size_mm:.0f} mm code holds at most {longest}; shorten it or widen the frame")
        if item.quiet_modules < limits.min_quiet_modules:
            add("error", "qr-geometry", f"quiet zone of {item.quiet_modules} modules, under {limits.min_quiet_modules}")
        if size_mm < limits.min_qr_size_mm - 1e-6:
            add("error", "qr-geometry", f"QR code is {size_mm:.1f} mm wide, under {limits.min_qr_size_mm:g} mm: make its frame wider")
        if not self._inside_safe(BoxPt(item.x_pt, item.y_pt, item.size_pt, item.size_pt)):
            add("error", "safe-area", "the QR code reaches outside the safe area: move its frame inwards")

    def _imprint(self, frame: LaidOutFrame, add) -> None:
        text = " ".join(run.text for item in frame.items if isinstance(item, TextLine) for run in item.runs)
        if "Printed by" not in text or "Promoted by" not in text:
            add("error", "imprint", "the imprint must say who printed and who promoted the leaflet: fill in imprint.printer and imprint.promoter")

    # ------------------------------------------------------------ the written file

    def check_print_file(self, data: bytes, leaflet: LaidOutLeaflet, render_qr: bool = True, structure: bool = True) -> list[Finding]:
        """Read the print file back: colour, fonts and transparency (``structure``); decode the QR
        code from a 300 dpi render (``render_qr``)."""
        ward = leaflet.ward.code
        findings = [replace(f, ward=ward) for f in _file_findings(data)] if structure else []
        if render_qr:
            findings.extend(self._decode_qr(data, leaflet))
        return findings

    def _decode_qr(self, data: bytes, leaflet: LaidOutLeaflet) -> list[Finding]:
        import pypdfium2
        import zxingcpp

        findings = []
        document = pypdfium2.PdfDocument(data)
        try:
            for index, page in enumerate(leaflet.pages):
                for frame in page.frames:
                    for item in frame.items:
                        if not isinstance(item, PlacedQr):
                            continue
                        pdf_page = document[index]
                        width, height = pdf_page.get_size()
                        margin = (width - self.geometry.width) / 2
                        pad = 6.0
                        left, bottom = margin + item.x_pt - pad, margin + item.y_pt - pad
                        right, top = left + item.size_pt + 2 * pad, bottom + item.size_pt + 2 * pad
                        image = pdf_page.render(scale=300 / 72, crop=(left, bottom, width - right, height - top), grayscale=True).to_pil()
                        decoded = [result.text for result in zxingcpp.read_barcodes(image)]
                        if decoded != [item.url]:
                            found = decoded[0] if decoded else "nothing"
                            findings.append(Finding("error", "qr-decode", f"the QR code decodes to {found!r}, not {item.url!r}: check its frame, colours and what overlaps it", leaflet.ward.code, page.name, frame.name))
        finally:
            document.close()
        return findings


@lru_cache(maxsize=64)
def _photo_ink_percent(item: PlacedImage) -> float:
    """The highest total ink, sampled, in the photo as it goes to press (99.9th percentile)."""
    prepared = prepare_print_image(read_image_source(item.path), item.placed, item.clip)
    image = Image.open(io.BytesIO(prepared.jpeg))
    image.draft("CMYK", (256, 256))
    image = ImageChops.invert(image.convert("CMYK"))  # Pillow reads every CMYK JPEG as Adobe-inverted
    image.thumbnail((256, 256))
    values = image.tobytes()
    totals = sorted(map(sum, zip(values[0::4], values[1::4], values[2::4], values[3::4])))
    return totals[int(len(totals) * 0.999) - 1] / 255 * 100


_COLOUR_OPERATORS = re.compile(rb"(?<![A-Za-z])(rg|RG|sc|SC|scn|SCN|cs|CS|sh|gs)(?![A-Za-z])")
_BAD_SPACES = {"/DeviceRGB", "/CalRGB", "/Lab", "/DeviceN"}


def _file_findings(data: bytes) -> list[Finding]:
    """Colour spaces, fonts and transparency, as a preflight reads them (pypdf, not our writer)."""
    from pypdf import PdfReader

    reader = PdfReader(io.BytesIO(data))
    findings: list[Finding] = []
    seen: set[int] = set()
    for number, page in enumerate(reader.pages, start=1):
        page_name = f"page {number}"
        streams = [page.get_contents().get_data()] if page.get_contents() is not None else []
        pending = [page["/Resources"]]
        while pending:
            resources = pending.pop().get_object()
            for space in resources.get("/ColorSpace", {}).values():
                space = space.get_object()
                family = space[0] if isinstance(space, list) else space
                alternate = space[2] if isinstance(space, list) and family == "/Separation" else None
                if family in _BAD_SPACES or alternate in _BAD_SPACES or (family == "/ICCBased" and space[1].get_object().get("/N") == 3):
                    findings.append(Finding("error", "rgb-colour", f"colour space {family} is not CMYK: use CMYK swatches", page=page_name))
            for font in resources.get("/Font", {}).values():
                font = font.get_object()
                if not _first_sight(font, seen):
                    continue
                if not _font_embedded(font):
                    findings.append(Finding("error", "font-embedding", f"font {font.get('/BaseFont')} is not embedded: use a font file the layout names", page=page_name))
            for state in resources.get("/ExtGState", {}).values():
                state = state.get_object()
                if state.get("/SMask", "/None") != "/None" or float(state.get("/CA", 1)) < 1 or float(state.get("/ca", 1)) < 1:
                    findings.append(Finding("error", "transparency", "transparency is not allowed in PDF/X-1a: flatten it", page=page_name))
            for xobject in resources.get("/XObject", {}).values():
                xobject = xobject.get_object()
                if not _first_sight(xobject, seen):
                    continue
                if xobject["/Subtype"] == "/Image":
                    space = xobject.get("/ColorSpace")
                    space = space.get_object() if space is not None else None
                    family = space[0] if isinstance(space, list) else space
                    if family in _BAD_SPACES or (family == "/ICCBased" and space[1].get_object().get("/N") == 3):
                        findings.append(Finding("error", "rgb-colour", "a photo is stored in RGB: leaflet converts photos to CMYK", page=page_name))
                    if "/SMask" in xobject or "/Mask" in xobject:
                        findings.append(Finding("error", "transparency", "a photo has a transparency mask: flatten it", page=page_name))
                elif xobject["/Subtype"] == "/Form":
                    streams.append(xobject.get_data())
                    if "/Resources" in xobject:
                        pending.append(xobject["/Resources"])
                    if xobject.get("/Group", {}).get("/S") == "/Transparency":
                        findings.append(Finding("error", "transparency", "a transparency group: flatten it", page=page_name))
        for stream in streams:
            for operator in _stream_colour_operators(stream):
                if operator in (b"rg", b"RG"):
                    findings.append(Finding("error", "rgb-colour", "RGB colour in a content stream: use CMYK swatches", page=page_name))
                    break
    return findings


@lru_cache(maxsize=256)
def _stream_colour_operators(stream: bytes) -> frozenset[bytes]:
    """Shared Form XObjects are the same bytes in every ward's file: read them once."""
    return frozenset(_COLOUR_OPERATORS.findall(stream))


def _first_sight(pdf_object, seen: set[int]) -> bool:
    """Whether a shared object (a font, a photo, a form on every page) is met for the first time."""
    reference = getattr(pdf_object, "indirect_reference", None)
    if reference is None:
        return True
    if reference.idnum in seen:
        return False
    seen.add(reference.idnum)
    return True


def _font_embedded(font) -> bool:
    if font.get("/Subtype") == "/Type3":
        return True
    if font.get("/Subtype") == "/Type0":
        font = font["/DescendantFonts"][0].get_object()
    descriptor = font.get("/FontDescriptor")
    descriptor = descriptor.get_object() if descriptor is not None else {}
    return any(key in descriptor for key in ("/FontFile", "/FontFile2", "/FontFile3"))
