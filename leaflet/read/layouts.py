"""A layout file (YAML) -> a validated Layout: page geometry, fonts, swatches, styles, flows, and
each page's frames.

The keys and their values are checked through ``formats.LAYOUT``; this module checks what one
value says about another (a style's font and swatch exist, a frame stays within the bleed, the
imprint is legible, on the first or last page and inside the safe area).  Every problem in the
file is reported at once, one line each, naming the line and the key path.
"""

from __future__ import annotations

import difflib
from pathlib import Path
from typing import Any, assert_never

from leaflet.model import (
    BoxMm,
    Cmyk,
    Flow,
    FlowFrame,
    FontFace,
    Frame,
    FrameType,
    ImageFrame,
    ImprintFrame,
    Layout,
    PageSpec,
    QrFrame,
    ShapeFrame,
    TextFrame,
    TextStyle,
    Thresholds,
)
from leaflet.read.formats import (
    FLOW,
    FONT_FAMILY,
    FONT_VARIANTS,
    FRAME,
    FRAMES,
    LAYOUT,
    PAGE,
    PREFLIGHT,
    STYLE,
    SWATCH,
)
from leaflet.read.kinds import shown
from leaflet.read.project import is_file
from leaflet.read.riso import LayoutSoFar, load_riso
from leaflet.read.yamlfile import AlreadyReported, YamlReader, read_yaml_with_lines

MIN_IMPRINT_PT = 6.0
BUILT_IN_SWATCHES = {"white": Cmyk(0, 0, 0, 0), "black": Cmyk(0, 0, 0, 1)}


def load_layout(path: Path, project: Path | None = None) -> Layout:
    """A layout file; with ``project``, its font paths may not lead out of that folder."""
    path = Path(path).resolve()
    data, lines = read_yaml_with_lines(path)
    r = YamlReader(path, lines, project)
    problems = r.problems
    top, errors = LAYOUT.read_each(r, data, "")
    problems.errors.extend(errors)
    if errors:  # a section that failed is not there to refer to: its names are not reported again
        problems.failed_sections.update(key for key in LAYOUT.keys if key not in top)
    page = top.get("page") or PAGE.read(r, {}, "page")
    trim, bleed, safe = page["trim_mm"], page["bleed_mm"], page["safe_mm"]
    r.bleed_box_mm = (-bleed, -bleed, trim[0] + bleed, trim[1] + bleed)

    fonts: dict[str, FontFace] = {}
    for family, files in (top.get("fonts") or {}).items():
        problems.attempt(_load_family, r, family, files, fonts, name=family)
    families = {face.family for face in fonts.values()}
    fallback_fonts = tuple(problems.attempt(_load_fallbacks, r, top.get("fallback_fonts") or (), families) or ())
    swatches = dict(BUILT_IN_SWATCHES)
    for name, value in (top.get("swatches") or {}).items():
        swatch = problems.attempt(_load_swatch, r, f"swatches.{name}", value, name=name)
        if swatch is not None:
            swatches[name] = swatch
    styles: dict[str, TextStyle] = {}
    for name, spec in (top.get("styles") or {}).items():
        style = problems.attempt(_load_style, r, name, spec, swatches, families, name=name)
        if style is not None:
            styles[name] = style
    flows: dict[str, Flow] = {}
    for name, spec in (top.get("flows") or {}).items():
        flow = problems.attempt(_load_flow, r, name, spec, styles, name=name)
        if flow is not None:
            flows[name] = flow
    pages = []
    for name, frames in (top.get("pages") or {}).items():
        where = f"pages.{name}"
        if problems.attempt(FRAMES.read, r, frames, where) is not None:
            loaded = (
                problems.attempt(_load_frame, r, f"{where}[{i}]", spec, swatches, styles, flows)
                for i, spec in enumerate(frames)
            )
            pages.append(PageSpec(name, tuple(frame for frame in loaded if frame is not None)))
    preflight = Thresholds(**(top.get("preflight") or PREFLIGHT.read(r, {}, "preflight")))
    problems.raise_any()  # all the file's problems so far, one line each
    for check in (_check_frame_names, _check_credits):
        problems.attempt(check, r, pages)
    problems.attempt(_check_imprint_frame, r, pages, styles, trim, safe)
    used_flows = {frame.flow for page_spec in pages for frame in page_spec.frames if isinstance(frame, FlowFrame)}
    for name in flows:
        if name not in used_flows:
            problems.errors.append(
                r.error(f"flows.{name}", "no frame takes this flow", "add a frame with 'flow: " + name + "'")
            )
    problems.raise_any()  # and what the frames, taken together, say
    riso = None
    if top.get("riso") is not None:
        so_far = LayoutSoFar(
            swatches,
            styles,
            pages,
            top["styles"],
            top["pages"],
            (trim[0], trim[1]),
            lambda name, data, where: _load_style(r, name, data, swatches, families, where),
            lambda where, data: _load_frame(r, where, data, swatches, styles, flows),
        )
        riso = load_riso(r, top["riso"], so_far)
    return Layout(
        path=path,
        name=top.get("name") or path.stem,
        trim_width_mm=trim[0],
        trim_height_mm=trim[1],
        bleed_mm=bleed,
        safe_mm=safe,
        fonts=fonts,
        spot_colours={colour.spot: colour for colour in swatches.values() if colour.spot},
        styles=styles,
        flows=flows,
        pages=tuple(pages),
        preflight=preflight,
        fallback_fonts=fallback_fonts,
        riso=riso,
    )


def _check_frame_names(r: YamlReader, pages: list[PageSpec]) -> None:
    names: dict[str, str] = {}
    for page_spec in pages:
        for index, frame in enumerate(page_spec.frames):
            where = f"pages.{page_spec.name}[{index}].name"
            if frame.name in names:
                r.problems.errors.append(
                    r.error(where, f"frame name '{frame.name}' is used twice", "give every frame its own name")
                )
            names[frame.name] = where


def _check_credits(r: YamlReader, pages: list[PageSpec]) -> None:
    """A credit names the image slot of a photo frame of the layout."""
    photos = {frame.slot for page in pages for frame in page.frames if isinstance(frame, ImageFrame)}
    for page in pages:
        for index, frame in enumerate(page.frames):
            if isinstance(frame, TextFrame) and frame.credits is not None and frame.credits not in photos:
                close = difflib.get_close_matches(frame.credits, sorted(photos), n=1)
                r.problems.errors.append(
                    r.error(
                        f"pages.{page.name}[{index}].credits",
                        f"no image frame shows image slot '{frame.credits}'",
                        f"did you mean '{close[0]}'?"
                        if close
                        else f"image slots: {', '.join(sorted(photos)) or 'none'}",
                    )
                )


def _check_imprint_frame(
    r: YamlReader, pages: list[PageSpec], styles: dict[str, TextStyle], trim: tuple[float, ...], safe: float
) -> None:
    """Printed election material must carry an imprint: legible, on the first or last page, safe."""
    found = [
        (index, page, frame)
        for index, page in enumerate(pages)
        for frame in page.frames
        if isinstance(frame, ImprintFrame)
    ]
    if not found:
        raise r.error(
            "pages",
            "no imprint frame",
            "election material must carry the imprint: add a frame with 'type: imprint' on the first or last page",
        )
    for index, page, frame in found:
        where = f"pages.{page.name}[{page.frames.index(frame)}]"
        if index not in (0, len(pages) - 1):
            raise r.error(where, f"the imprint is on page '{page.name}'", "put it on the first or last page")
        style = styles[frame.style]
        if style.smallest_size_pt < MIN_IMPRINT_PT:
            raise r.error(
                f"styles.{style.name}",
                f"the imprint's style may go down to {style.smallest_size_pt} pt",
                f"keep imprint text at {MIN_IMPRINT_PT:g} pt or more (size_pt and min_size_pt)",
            )
        box = frame.box
        if box.x < safe or box.y < safe or box.x + box.width > trim[0] - safe or box.y + box.height > trim[1] - safe:
            raise r.error(
                f"{where}.box_mm", "the imprint reaches outside the safe area", f"keep it {safe:g} mm inside the trim"
            )


def _load_fallbacks(r: YamlReader, fallbacks: Any, families: set[str]) -> list[str]:
    for index, family in enumerate(fallbacks):
        if not isinstance(family, str):
            raise r.error(f"fallback_fonts[{index}]", f"expected the name of a font family, got {shown(family)}")
        if family not in families:
            raise r.error(
                f"fallback_fonts[{index}]",
                f"unknown font family {shown(family)}",
                f"families in fonts: {', '.join(sorted(families))}",
            )
    return list(fallbacks)


def _load_family(r: YamlReader, family: str, files: Any, faces: dict[str, FontFace]) -> None:
    where = f"fonts.{family}"
    variants = FONT_FAMILY.read(r, files, where)
    for variant, (bold, italic) in FONT_VARIANTS.items():
        if variants[variant] is not None:
            face = FontFace(family, bold, italic, r.relative_path(variants[variant], f"{where}.{variant}"))
            if not is_file(face.path):
                raise r.error(f"{where}.{variant}", f"font file not found: {face.path}")
            faces[face.key] = face


def _load_swatch(r: YamlReader, where: str, value: Any) -> Cmyk:
    swatch = SWATCH.read(r, value, where)
    if isinstance(swatch, dict):
        ink = swatch["spot"].strip()
        if not ink or ink in ("All", "None"):
            raise r.error(f"{where}.spot", f"'{ink}' cannot name a spot ink", "use the ink's name, e.g. PANTONE 485 C")
        c, m, y, k = (v / 100 for v in swatch["cmyk"])
        return Cmyk(c, m, y, k, ink)
    c, m, y, k = (v / 100 for v in swatch)
    return Cmyk(c, m, y, k)


def _colour(r: YamlReader, value: str | tuple[float, ...], where: str, swatches: dict[str, Cmyk]) -> Cmyk:
    """A colour as ``kinds.Colour`` reads it -> the swatch it names, or its CMYK."""
    if not isinstance(value, str):
        c, m, y, k = (v / 100 for v in value)
        return Cmyk(c, m, y, k)
    if value in r.problems.failed or "swatches" in r.problems.failed_sections:
        raise AlreadyReported(value)
    if value not in swatches:
        raise r.error(where, f"unknown swatch '{value}'", f"known swatches: {', '.join(sorted(swatches))}")
    return swatches[value]


def _load_style(
    r: YamlReader, name: str, data: Any, swatches: dict[str, Cmyk], families: set[str], where: str | None = None
) -> TextStyle:
    where = where or f"styles.{name}"
    spec = STYLE.read(r, data, where)
    family = spec["font"]
    if family in r.problems.failed or "fonts" in r.problems.failed_sections:
        raise AlreadyReported(family)
    if family not in families:
        raise r.error(
            f"{where}.font", f"unknown font family '{family}'", f"families in fonts: {', '.join(sorted(families))}"
        )
    size, min_size = spec["size_pt"], spec["min_size_pt"]
    if min_size is not None and min_size > size:
        raise r.error(f"{where}.min_size_pt", f"{min_size} is larger than size_pt {size}")
    return TextStyle(
        name=name,
        family=family,
        size_pt=size,
        leading_pt=spec["leading_pt"] if spec["leading_pt"] is not None else size * 1.2,
        colour=_colour(r, spec["colour"], f"{where}.colour", swatches),
        align=spec["align"],
        min_size_pt=min_size,
        bold=spec["bold"],
        italic=spec["italic"],
        uppercase=spec["uppercase"],
        space_before_pt=spec["space_before_pt"],
        space_after_pt=spec["space_after_pt"],
    )


def _load_flow(r: YamlReader, name: str, data: Any, styles: dict[str, TextStyle]) -> Flow:
    where = f"flows.{name}"
    spec = FLOW.read(r, data, where)
    chosen = {key: spec[key] or spec["body"] for key in ("body", "heading", "bullet")}
    for key, style in chosen.items():
        _check_style(r, style, f"{where}.{key}", styles)
    return Flow(name, spec["slot"], chosen["body"], chosen["heading"], chosen["bullet"])


def _check_style(r: YamlReader, style: str, where: str, styles: dict[str, TextStyle]) -> None:
    if style in r.problems.failed or "styles" in r.problems.failed_sections:
        raise AlreadyReported(style)
    if style not in styles:
        raise r.error(where, f"unknown style '{style}'", f"styles defined: {', '.join(sorted(styles))}")


def _load_frame(
    r: YamlReader,
    where: str,
    data: Any,
    swatches: dict[str, Cmyk],
    styles: dict[str, TextStyle],
    flows: dict[str, Flow],
) -> Frame:
    spec = FRAME.read(r, data, where)
    name = spec["name"]
    x, y, width, height = spec["box_mm"]
    box = BoxMm(x, y, width, height)
    left, top, right, bottom = r.bleed_box_mm
    if x < left - 1e-6 or y < top - 1e-6 or x + width > right + 1e-6 or y + height > bottom + 1e-6:
        raise r.error(
            f"{where}.box_mm",
            f"[{x:g}, {y:g}, {width:g}, {height:g}] reaches past the bleed ({left:g} to {right:g} across, {top:g} to "
            f"{bottom:g} down)",
            "keep frames on the page: the bleed is the furthest a frame may go",
        )

    def colour(key: str) -> Cmyk | None:
        return _colour(r, spec[key], f"{where}.{key}", swatches) if spec[key] is not None else None

    def style(key: str) -> str:
        _check_style(r, spec[key], f"{where}.{key}", styles)
        return spec[key]

    kind: FrameType = spec["type"]
    match kind:
        case "shape":
            return ShapeFrame(name, box, colour("fill"), colour("stroke"), spec["stroke_pt"])
        case "text":
            return TextFrame(
                name,
                box,
                spec["slot"],
                style("style"),
                spec["valign"],
                colour("fill"),
                spec["padding_mm"],
                spec["credits"],
            )
        case "flow":
            flow = spec["flow"]
            if flow in r.problems.failed or "flows" in r.problems.failed_sections:
                raise AlreadyReported(flow)
            if flow not in flows:
                raise r.error(
                    f"{where}.flow", f"unknown flow '{flow}'", f"flows defined: {', '.join(sorted(flows)) or 'none'}"
                )
            return FlowFrame(name, box, flow)
        case "image":
            return ImageFrame(name, box, spec["slot"], spec["fit"], spec["focal"])
        case "qr":
            if spec["caption_slot"] and spec["caption_style"] is None:
                raise r.error(f"{where}.caption_style", "missing required field", "a caption needs a style")
            caption_style = style("caption_style") if spec["caption_slot"] else None
            return QrFrame(name, box, spec["caption_slot"], caption_style, spec["caption_gap_mm"])
        case "imprint":
            return ImprintFrame(name, box, style("style"))
        case _:
            assert_never(kind)
