"""A campaign's layout + one ward's variant -> laid-out pages: every line, box, photo and QR placed.

Layout never draws.  Frames whose content is the same for every ward are laid out once, in
``prepare_layout``, and the same LaidOutFrame objects are handed out for every ward.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import assert_never

from leaflet.assets.fonts import FontMetrics, load_metrics
from leaflet.assets.images import ImageSource, read_image_source
from leaflet.assets.scripts import needs_shaping
from leaflet.errors import DoesNotFit, InputError
from leaflet.model import (
    WHITE,
    BoxMm,
    BoxPt,
    Campaign,
    FilledBox,
    Finding,
    FlowFrame,
    Frame,
    ImageFrame,
    ImprintFrame,
    LaidOutFrame,
    LaidOutLeaflet,
    LaidOutPage,
    Layout,
    Paragraph,
    PlacedImage,
    PlacedQr,
    QrFrame,
    Run,
    ShapeFrame,
    TextFrame,
    TextLine,
    mm_to_pt,
)
from leaflet.read import markup, punctuation
from leaflet.ward.fit import fit_chain
from leaflet.ward.hyphenate import Hyphenator, hyphenator_for
from leaflet.ward.qr import QUIET_MODULES, qr_modules
from leaflet.ward.variant import Variant
from leaflet.ward.words import StyledParagraph, remembering_measurer, unbroken_in

MIN_PLACE_PPI = 50  # a photo placed at fewer pixels per inch prints as blocks at any setting: refused


@dataclass
class PreparedLayout:
    """What every ward of a run shares: metrics, and the frames laid out once.

    A frame (or a flow chain) whose inputs are the campaign's own objects, not a ward's, is laid
    out on first use and cached under the identity of those inputs; every later ward gets the
    same LaidOutFrame objects back, which is what lets draw serialise them once.
    """

    layout: Layout
    metrics: dict[str, FontMetrics]
    campaign_path: Path
    ward_url: bool  # the sign-up URL holds ward fields: every QR code is the ward's own
    cache: dict[tuple, tuple[object, dict[str, LaidOutFrame], list[Finding]]] = field(default_factory=dict)

    def __post_init__(self) -> None:
        self.measure = remembering_measurer(self.metrics, self.layout.fallback_fonts)


@dataclass(frozen=True)
class _Result:
    frames: dict[str, LaidOutFrame]
    findings: list[Finding]
    ward_fields: dict[str, str] = field(default_factory=dict)  # to say which cell a character came from
    ward_row: str = ""  # and where that cell is: "wards.csv line 5"
    unbroken: tuple[str, ...] = ()  # the ward's names, as its words have them


def prepare_layout(campaign: Campaign) -> PreparedLayout:
    metrics = {key: load_metrics(face) for key, face in campaign.layout.fonts.items()}
    return PreparedLayout(campaign.layout, metrics, campaign.path, bool(markup.placeholders(campaign.signup_url)))


def lay_out(prepared: PreparedLayout, variant: Variant) -> LaidOutLeaflet:
    layout = prepared.layout
    own = _Result(
        {},
        [],
        variant.fields,
        f"{variant.campaign.wards_path.name} line {variant.ward.line}",
        _unbroken(variant.values),
    )
    frames: dict[str, LaidOutFrame] = {}
    findings: list[Finding] = []
    for page in layout.pages:
        for frame in page.frames:
            if frame.name in frames:
                continue  # a later link of a flow chain laid out with its first
            unit, inputs = _unit_inputs(prepared, frame, variant)
            if inputs is None:
                _lay_out_unit(prepared, page.name, frame, variant, False, own)
                frames.update(own.frames)
                continue
            key = (unit, id(inputs))
            if key not in prepared.cache:
                shared = _Result({}, [])
                _lay_out_unit(prepared, page.name, frame, variant, True, shared)
                prepared.cache[key] = (inputs, shared.frames, shared.findings)  # inputs kept: ids stay valid
            _, shared_frames, shared_findings = prepared.cache[key]
            frames.update(shared_frames)
            findings.extend(shared_findings)
    findings.extend(own.findings)
    findings.extend(variant.findings)
    pages = tuple(LaidOutPage(page.name, tuple(frames[frame.name] for frame in page.frames)) for page in layout.pages)
    ward_findings = tuple(Finding(f.severity, f.rule, f.message, variant.ward.code, f.page, f.frame) for f in findings)
    return LaidOutLeaflet(variant.ward, variant.title, variant.signup_url, pages, ward_findings)


# ---------------------------------------------------------------- frames


def _unit_inputs(prepared: PreparedLayout, frame: Frame, variant: Variant) -> tuple[str, object | None]:
    """What a frame's layout depends on, or None when that is the ward's own.

    A variant passes the campaign's objects on unchanged unless the ward changes them, so an
    input is shared exactly when it ``is`` the campaign's (or its language's) object.
    """
    match frame:
        case ShapeFrame():
            return frame.name, frame
        case TextFrame():
            return frame.name, _shared(variant.slots[frame.slot], variant, frame.slot)
        case FlowFrame():
            slot = prepared.layout.flows[frame.flow].slot
            return f"flow:{frame.flow}", _shared(variant.slots[slot], variant, slot)
        case ImageFrame():
            path = variant.images[frame.slot]
            return frame.name, path if path is variant.campaign.images[frame.slot] else None
        case QrFrame():
            if prepared.ward_url:
                return frame.name, None
            if not frame.caption_slot:
                return frame.name, frame
            return frame.name, _shared(variant.slots[frame.caption_slot], variant, frame.caption_slot)
        case ImprintFrame():
            return frame.name, variant.campaign.imprint
        case _:
            assert_never(frame)


def _shared(content, variant: Variant, slot: str):
    return content if content is variant.campaign.slots[slot] else None


def _lay_out_unit(
    prepared: PreparedLayout, page: str, frame: Frame, variant: Variant, static: bool, result: _Result
) -> None:
    layout = prepared.layout
    box = _box_pt(frame.box, layout.trim_height_mm)
    slots = variant.slots
    match frame:
        case FlowFrame():
            _lay_out_flow(prepared, frame.flow, slots, static, result)
        case ShapeFrame():
            items = (FilledBox(box, frame.fill, frame.stroke, frame.stroke_pt),)
            result.frames[frame.name] = LaidOutFrame(frame.name, box, items, static)
        case ImageFrame():
            source = read_image_source(variant.images[frame.slot])
            placed = _place_image(box, source, frame.fit, frame.focal)
            ppi = source.width_px / (placed.width / 72)
            if ppi < MIN_PLACE_PPI:
                wanted = round(placed.width / 72 * 300)
                raise InputError(
                    source.path,
                    None,
                    f"{source.width_px} x {source.height_px} pixels are too few for frame '{frame.name}': "
                    f"{ppi:.0f} ppi at its placed size",
                    f"use a photo about {wanted} pixels wide (300 ppi)",
                )
            image = PlacedImage(frame.slot, source.path, placed, box)
            result.frames[frame.name] = LaidOutFrame(frame.name, box, (image,), static)
        case TextFrame():
            padding = mm_to_pt(frame.padding_mm)
            inner = BoxPt(box.x + padding, box.y + padding, box.width - 2 * padding, box.height - 2 * padding)
            background = (FilledBox(box, frame.fill),) if frame.fill else ()
            _lay_out_text(
                prepared,
                page,
                frame.name,
                box,
                inner,
                slots[frame.slot],
                frame.style,
                frame.valign,
                background,
                static,
                result,
            )
        case ImprintFrame():
            campaign = variant.campaign
            paragraphs: tuple[Paragraph, ...] = (Paragraph("body", (Run(campaign.imprint.text),), campaign.language),)
            if campaign.typographic_punctuation:  # its postcodes kept whole; laid out once a run
                paragraphs = punctuation.typographic_paragraphs(paragraphs)
            _lay_out_text(prepared, page, frame.name, box, box, paragraphs, frame.style, "bottom", (), static, result)
        case QrFrame():
            caption_is_shared = (
                not frame.caption_slot or slots[frame.caption_slot] is variant.campaign.slots[frame.caption_slot]
            )
            _lay_out_qr(prepared, page, frame, box, variant.signup_url, slots, static, caption_is_shared, result)
        case _:
            assert_never(frame)


def _box_pt(box: BoxMm, trim_height_mm: float) -> BoxPt:
    """Designer's box (from the trim's top-left, y down) -> PDF trim space (bottom-left, y up)."""
    return BoxPt(
        mm_to_pt(box.x), mm_to_pt(trim_height_mm - box.y - box.height), mm_to_pt(box.width), mm_to_pt(box.height)
    )


def _place_image(box: BoxPt, source: ImageSource, fit: str, focal: tuple[float, float]) -> BoxPt:
    scale_x, scale_y = box.width / source.width_px, box.height / source.height_px
    scale = max(scale_x, scale_y) if fit == "cover" else min(scale_x, scale_y)
    width, height = source.width_px * scale, source.height_px * scale
    if fit == "contain":
        focal = (0.5, 0.5)
    x = box.x - (width - box.width) * focal[0]
    top = box.top + (height - box.height) * focal[1]
    return BoxPt(x, top - height, width, height)


def _styled(prepared: PreparedLayout, paragraphs, style_name: str, result: _Result) -> list[StyledParagraph]:
    """A text frame's paragraphs: never hyphenated (headlines, the banner, captions, the local
    box), and never broken inside a ward's name."""
    style = prepared.layout.styles[style_name]
    return [StyledParagraph(p, style, None, unbroken_in(p, result.unbroken)) for p in paragraphs]


def _unbroken(values: dict[str, str]) -> tuple[str, ...]:
    """The ward's values a line should not break inside: names, of two to four words (a cell
    of more words, such as a whole paragraph that replaces a slot, may break anywhere)."""
    return tuple(
        value
        for column, value in values.items()
        if column not in ("code", "language") and 1 <= value.count(" ") <= 3 and len(value) <= 40
    )


def _lay_out_text(prepared, page, name, box, inner, paragraphs, style_name, valign, background, static, result) -> None:
    fitted = fit_chain(
        _styled(prepared, paragraphs, style_name, result),
        [inner],
        prepared.metrics,
        prepared.layout.fallback_fonts,
        prepared.measure,
    )
    lines = fitted.lines[0]
    if lines and valign != "top":
        style = prepared.layout.styles[style_name]
        descent = prepared.metrics[next(iter(lines[0].runs)).font].descent * style.size_pt * fitted.scale / 1000
        free = lines[-1].baseline_pt - descent - inner.y
        shift = free if valign == "bottom" else free / 2
        lines = tuple(_shift_line(line, shift) for line in lines)
    result.frames[name] = LaidOutFrame(name, box, background + lines, static, fitted.scale)
    _fit_findings(prepared, page, name, fitted, result, static)


def _shift_line(line: TextLine, down_pt: float) -> TextLine:
    return TextLine(line.baseline_pt - down_pt, line.width_pt, line.runs)


def _lay_out_flow(prepared: PreparedLayout, flow_name: str, slots, static: bool, result: _Result) -> None:
    """A flow's paragraphs broken total-fit through its chain.  Body and bullet paragraphs are
    hyphenated by their language's patterns (headings never); in a flow that holds a ward's
    values, never a word of those values (names), nor is a line broken inside one."""
    layout = prepared.layout
    flow = layout.flows[flow_name]
    chain = [
        (page.name, frame)
        for page in layout.pages
        for frame in page.frames
        if isinstance(frame, FlowFrame) and frame.flow == flow_name
    ]
    boxes = [_box_pt(frame.box, layout.trim_height_mm) for _, frame in chain]
    style_of = {"body": flow.body_style, "heading": flow.heading_style, "bullet": flow.bullet_style}
    hyphenators: dict[str, Hyphenator | None] = {}
    paragraphs = []
    for paragraph in slots[flow.slot]:
        if paragraph.language not in hyphenators:
            hyphenator = hyphenator_for(paragraph.language)
            if hyphenator is not None and result.ward_fields:
                hyphenator = hyphenator.protecting(result.ward_fields.values())
            hyphenators[paragraph.language] = hyphenator
        hyphenator = hyphenators[paragraph.language] if paragraph.kind != "heading" else None
        style = layout.styles[style_of[paragraph.kind]]
        paragraphs.append(StyledParagraph(paragraph, style, hyphenator, unbroken_in(paragraph, result.unbroken)))
    fitted = fit_chain(
        paragraphs, boxes, prepared.metrics, prepared.layout.fallback_fonts, prepared.measure, total_fit=True
    )
    for (_, frame), box, lines in zip(chain, boxes, fitted.lines, strict=True):
        result.frames[frame.name] = LaidOutFrame(frame.name, box, lines, static, fitted.scale)
    last_page, last_frame = chain[-1]
    _fit_findings(prepared, last_page, last_frame.name, fitted, result, static, first_frame=chain[0][1].name)


def _fit_findings(
    prepared, page: str, frame: str, fitted, result: _Result, static: bool, first_frame: str | None = None
) -> None:
    """Overflow and missing glyphs are errors: raised at once for static text (every ward would
    fail), recorded as the ward's findings otherwise."""
    if fitted.overflow_words:
        error = DoesNotFit(frame, fitted.overflow_words, fitted.overflow_start)
        if static:
            raise error
        result.findings.append(Finding("error", "text-overflow", str(error), page=page, frame=frame))
    elif fitted.scale < 1.0:
        result.findings.append(
            Finding(
                "warning",
                "text-shrunk",
                f"text set at {fitted.scale:.0%} of its style's size to fit",
                page=page,
                frame=first_frame or frame,
            )
        )
    for lines in fitted.lines:
        for line in lines:
            for run in line.runs:
                font = prepared.metrics[run.font]
                if all(map(font.advances.__contains__, run.text)):
                    continue
                missing = sorted({char for char in run.text if not font.covers(char)})
                if missing:
                    shown = ", ".join(f"'{c}' (U+{ord(c):04X})" for c in missing)
                    columns = [
                        column for column, value in result.ward_fields.items() if any(c in value for c in missing)
                    ]
                    source = f" from column '{columns[0]}' ({result.ward_row})" if columns else ""
                    advice = (
                        "no fallback font would help: leaflet does not shape this script (see the unshaped-script "
                        "finding)"
                        if any(map(needs_shaping, missing))
                        else "name a fallback font that has it (fallback_fonts), or use another character"
                    )
                    message = f"font {run.font} cannot draw {shown}{source} (frame '{first_frame or frame}'): {advice}"
                    if static:
                        raise InputError(
                            prepared.campaign_path, "slots", message, "use another character or a font that has it"
                        )
                    result.findings.append(
                        Finding("error", "missing-glyph", message, page=page, frame=first_frame or frame)
                    )


def _lay_out_qr(
    prepared,
    page: str,
    frame: QrFrame,
    box: BoxPt,
    url: str,
    slots,
    static: bool,
    caption_is_shared: bool,
    result: _Result,
) -> None:
    modules = qr_modules(url)
    size = box.width
    module = size / (len(modules) + 2 * QUIET_MODULES)
    x, y = box.x, box.top - size
    items: list = [FilledBox(BoxPt(x, y, size, size), WHITE), PlacedQr(url, x, y, module, QUIET_MODULES, modules)]
    scale = 1.0
    if frame.caption_slot:
        caption = slots[frame.caption_slot]
        key = ("qr-caption", frame.name, id(caption))  # the code is the ward's; its caption seldom is
        fitted = prepared.cache[key][1] if key in prepared.cache else None
        if fitted is None:
            gap = mm_to_pt(frame.caption_gap_mm)
            caption_box = BoxPt(box.x, box.y, box.width, max(0.0, box.height - size - gap))
            assert frame.caption_style is not None  # the loader requires it with a caption
            fitted = fit_chain(
                _styled(prepared, caption, frame.caption_style, result if not caption_is_shared else _Result({}, [])),
                [caption_box],
                prepared.metrics,
                prepared.layout.fallback_fonts,
                prepared.measure,
            )
            if caption_is_shared:
                prepared.cache[key] = (caption, fitted, [])  # the caption kept: its id stays valid
        items.extend(fitted.lines[0])
        scale = fitted.scale
        _fit_findings(prepared, page, frame.name, fitted, result, static)
    result.frames[frame.name] = LaidOutFrame(frame.name, box, tuple(items), static, scale)


def faces_needed(layout: Layout) -> set[str]:
    """Every face of every family a style uses, and of the fallback families: any of them may be
    asked for by inline markup or by a character."""
    families = {style.family for style in layout.styles.values()} | set(layout.fallback_fonts)
    return {key for key, face in layout.fonts.items() if face.family in families}
