"""A campaign's layout + one ward's variant -> laid-out pages: every line, box, photo and QR placed.

Layout never draws.  Frames whose content is the same for every ward are laid out once, in
``prepare_layout``, and the same LaidOutFrame objects are handed out for every ward.
"""

from __future__ import annotations

from dataclasses import dataclass

from . import markup
from .errors import DoesNotFit, InputError
from .fit import StyledParagraph, face_key, fit_chain
from .fonts import FontMetrics, load_metrics
from .images import ImageSource, read_image_source
from .model import (
    BoxMm,
    BoxPt,
    Campaign,
    Finding,
    FilledBox,
    FlowFrame,
    Frame,
    ImageFrame,
    ImprintFrame,
    LaidOutFrame,
    LaidOutLeaflet,
    LaidOutPage,
    Paragraph,
    PlacedImage,
    PlacedQr,
    QrFrame,
    Run,
    ShapeFrame,
    TextFrame,
    TextLine,
    WHITE,
    mm_to_pt,
)
from .qr import QUIET_MODULES, qr_modules
from .variant import Variant, ward_slots


@dataclass
class PreparedLayout:
    """What every ward of a run shares: metrics, photo sizes, and the frames laid out once."""

    campaign: Campaign
    metrics: dict[str, FontMetrics]
    images: dict[str, ImageSource]
    varying_slots: frozenset[str]
    static_frames: dict[str, LaidOutFrame]
    static_findings: tuple[Finding, ...]


@dataclass(frozen=True)
class _Result:
    frames: dict[str, LaidOutFrame]
    findings: list[Finding]


def prepare_layout(campaign: Campaign) -> PreparedLayout:
    layout = campaign.layout
    metrics = {key: load_metrics(face) for key, face in layout.fonts.items()}
    images = {slot: read_image_source(path) for slot, path in campaign.images.items()}
    prepared = PreparedLayout(campaign, metrics, images, ward_slots(campaign), {}, ())
    result = _lay_out_frames(prepared, None, static=True)
    prepared.static_frames = result.frames
    prepared.static_findings = tuple(result.findings)
    return prepared


def lay_out(prepared: PreparedLayout, variant: Variant) -> LaidOutLeaflet:
    result = _lay_out_frames(prepared, variant, static=False)
    frames = {**prepared.static_frames, **result.frames}
    pages = tuple(
        LaidOutPage(page.name, tuple(frames[frame.name] for frame in page.frames)) for page in prepared.campaign.layout.pages
    )
    findings = tuple(
        Finding(f.severity, f.rule, f.message, variant.ward.code, f.page, f.frame)
        for f in (*prepared.static_findings, *result.findings)
    )
    return LaidOutLeaflet(variant.ward, variant.title, variant.signup_url, pages, findings)


# ---------------------------------------------------------------- frames


def _is_static(prepared: PreparedLayout, frame: Frame) -> bool:
    campaign = prepared.campaign
    if isinstance(frame, (TextFrame, ImageFrame)):
        return frame.slot not in prepared.varying_slots
    if isinstance(frame, FlowFrame):
        return campaign.layout.flows[frame.flow].slot not in prepared.varying_slots
    if isinstance(frame, QrFrame):
        return not markup.placeholders(campaign.signup_url) and frame.caption_slot not in prepared.varying_slots
    return True


def _lay_out_frames(prepared: PreparedLayout, variant: Variant | None, static: bool) -> _Result:
    """Lay out the static frames (``variant`` is None) or the ward's own ones."""
    campaign = prepared.campaign
    layout = campaign.layout
    result = _Result({}, [])
    slots = variant.slots if variant else campaign.slots
    done_flows: set[str] = set()
    for page in layout.pages:
        for frame in page.frames:
            if _is_static(prepared, frame) != static:
                continue
            box = _box_pt(frame.box, layout.trim_height_mm)
            if isinstance(frame, FlowFrame):
                if frame.flow not in done_flows:
                    done_flows.add(frame.flow)
                    _lay_out_flow(prepared, frame.flow, slots, static, result)
                continue
            if isinstance(frame, ShapeFrame):
                items = (FilledBox(box, frame.fill, frame.stroke, frame.stroke_pt),)
                result.frames[frame.name] = LaidOutFrame(frame.name, box, items, static)
            elif isinstance(frame, ImageFrame):
                source = prepared.images[frame.slot]
                placed = _place_image(box, source, frame.fit, frame.focal)
                result.frames[frame.name] = LaidOutFrame(frame.name, box, (PlacedImage(frame.slot, placed, box),), static)
            elif isinstance(frame, TextFrame):
                padding = mm_to_pt(frame.padding_mm)
                inner = BoxPt(box.x + padding, box.y + padding, box.width - 2 * padding, box.height - 2 * padding)
                background = (FilledBox(box, frame.fill),) if frame.fill else ()
                _lay_out_text(prepared, page.name, frame.name, box, inner, slots[frame.slot], frame.style, frame.valign, background, static, result)
            elif isinstance(frame, ImprintFrame):
                text = variant.imprint if variant else campaign.imprint.text
                paragraphs = (Paragraph("body", (Run(text),)),)
                _lay_out_text(prepared, page.name, frame.name, box, box, paragraphs, frame.style, "bottom", (), static, result)
            elif isinstance(frame, QrFrame):
                url = variant.signup_url if variant else campaign.signup_url
                _lay_out_qr(prepared, page.name, frame, box, url, slots, static, result)
    return result


def _box_pt(box: BoxMm, trim_height_mm: float) -> BoxPt:
    """Designer's box (from the trim's top-left, y down) -> PDF trim space (bottom-left, y up)."""
    return BoxPt(mm_to_pt(box.x), mm_to_pt(trim_height_mm - box.y - box.height), mm_to_pt(box.width), mm_to_pt(box.height))


def _place_image(box: BoxPt, source: ImageSource, fit: str, focal: tuple[float, float]) -> BoxPt:
    scale_x, scale_y = box.width / source.width_px, box.height / source.height_px
    scale = max(scale_x, scale_y) if fit == "cover" else min(scale_x, scale_y)
    width, height = source.width_px * scale, source.height_px * scale
    if fit == "contain":
        focal = (0.5, 0.5)
    x = box.x - (width - box.width) * focal[0]
    top = box.top + (height - box.height) * focal[1]
    return BoxPt(x, top - height, width, height)


def _styled(prepared: PreparedLayout, paragraphs, style_name: str) -> list[StyledParagraph]:
    style = prepared.campaign.layout.styles[style_name]
    return [StyledParagraph(p, style) for p in paragraphs]


def _lay_out_text(prepared, page, name, box, inner, paragraphs, style_name, valign, background, static, result) -> None:
    fitted = fit_chain(_styled(prepared, paragraphs, style_name), [inner], prepared.metrics)
    lines = fitted.lines[0]
    if lines and valign != "top":
        style = prepared.campaign.layout.styles[style_name]
        descent = prepared.metrics[next(iter(lines[0].runs)).font].descent * style.size_pt * fitted.scale / 1000
        free = lines[-1].baseline_pt - descent - inner.y
        shift = free if valign == "bottom" else free / 2
        lines = tuple(_shift_line(line, shift) for line in lines)
    result.frames[name] = LaidOutFrame(name, box, background + lines, static, fitted.scale)
    _fit_findings(prepared, page, name, fitted, result, static)


def _shift_line(line: TextLine, down_pt: float) -> TextLine:
    return TextLine(line.baseline_pt - down_pt, line.width_pt, line.runs)


def _lay_out_flow(prepared: PreparedLayout, flow_name: str, slots, static: bool, result: _Result) -> None:
    layout = prepared.campaign.layout
    flow = layout.flows[flow_name]
    chain = [(page.name, frame) for page in layout.pages for frame in page.frames if isinstance(frame, FlowFrame) and frame.flow == flow_name]
    boxes = [_box_pt(frame.box, layout.trim_height_mm) for _, frame in chain]
    style_of = {"body": flow.body_style, "heading": flow.heading_style, "bullet": flow.bullet_style}
    paragraphs = [StyledParagraph(p, layout.styles[style_of[p.kind]]) for p in slots[flow.slot]]
    fitted = fit_chain(paragraphs, boxes, prepared.metrics)
    for (page, frame), box, lines in zip(chain, boxes, fitted.lines):
        result.frames[frame.name] = LaidOutFrame(frame.name, box, lines, static, fitted.scale)
    last_page, last_frame = chain[-1]
    _fit_findings(prepared, last_page, last_frame.name, fitted, result, static, first_frame=chain[0][1].name)


def _fit_findings(prepared, page: str, frame: str, fitted, result: _Result, static: bool, first_frame: str | None = None) -> None:
    """Overflow and missing glyphs are errors: raised at once for static text (every ward would
    fail), recorded as the ward's findings otherwise."""
    if fitted.overflow_words:
        error = DoesNotFit(frame, fitted.overflow_words, fitted.overflow_start)
        if static:
            raise error
        result.findings.append(Finding("error", "text-overflow", str(error), page=page, frame=frame))
    elif fitted.scale < 1.0:
        result.findings.append(
            Finding("warning", "text-shrunk", f"text set at {fitted.scale:.0%} of its style's size to fit", page=page, frame=first_frame or frame)
        )
    for lines in fitted.lines:
        for line in lines:
            for run in line.runs:
                font = prepared.metrics[run.font]
                missing = sorted({char for char in run.text if not font.covers(char)})
                if missing:
                    shown = ", ".join(f"'{c}' (U+{ord(c):04X})" for c in missing)
                    message = f"font {run.font} cannot draw {shown} (frame '{first_frame or frame}')"
                    if static:
                        raise InputError(prepared.campaign.path, "slots", message, "use another character or a font that has it")
                    result.findings.append(Finding("error", "missing-glyph", message, page=page, frame=first_frame or frame))


def _lay_out_qr(prepared, page: str, frame: QrFrame, box: BoxPt, url: str, slots, static: bool, result: _Result) -> None:
    modules = qr_modules(url)
    size = box.width
    module = size / (len(modules) + 2 * QUIET_MODULES)
    x, y = box.x, box.top - size
    items: list = [FilledBox(BoxPt(x, y, size, size), WHITE), PlacedQr(url, x, y, module, QUIET_MODULES, modules)]
    scale = 1.0
    if frame.caption_slot:
        gap = mm_to_pt(frame.caption_gap_mm)
        caption_box = BoxPt(box.x, box.y, box.width, max(0.0, box.height - size - gap))
        fitted = fit_chain(_styled(prepared, slots[frame.caption_slot], frame.caption_style), [caption_box], prepared.metrics)
        items.extend(fitted.lines[0])
        scale = fitted.scale
        _fit_findings(prepared, page, frame.name, fitted, result, static)
    result.frames[frame.name] = LaidOutFrame(frame.name, box, tuple(items), static, scale)


def faces_needed(prepared: PreparedLayout) -> set[str]:
    """Every font face any ward's text can use, from the layout's styles and the words' markup."""
    layout = prepared.campaign.layout
    slots = prepared.campaign.slots
    used: set[str] = set()

    def add(style_name: str, paragraphs) -> None:
        style = layout.styles[style_name]
        used.add(face_key(style.family, style.bold, style.italic, prepared.metrics))
        for paragraph in paragraphs:
            for run in paragraph.runs:
                used.add(face_key(style.family, style.bold or run.bold, style.italic or run.italic, prepared.metrics))

    for page in layout.pages:
        for frame in page.frames:
            if isinstance(frame, TextFrame):
                add(frame.style, slots[frame.slot])
            elif isinstance(frame, ImprintFrame):
                add(frame.style, ())
            elif isinstance(frame, QrFrame) and frame.caption_slot:
                add(frame.caption_style, slots[frame.caption_slot])
            elif isinstance(frame, FlowFrame):
                flow = layout.flows[frame.flow]
                style_of = {"body": flow.body_style, "heading": flow.heading_style, "bullet": flow.bullet_style}
                for paragraph in slots[flow.slot]:
                    add(style_of[paragraph.kind], (paragraph,))
    return used
