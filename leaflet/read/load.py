"""Layout YAML, campaign YAML + Markdown -> validated Layout and Campaign specs (wards: wards.py).

Every problem is an InputError naming the file and the key path (or CSV line) and what to do.
"""

from __future__ import annotations

from dataclasses import fields, replace
from pathlib import Path
from typing import Any

from leaflet.read import markup
from leaflet.errors import InputError
from leaflet.model import (
    BoxMm,
    Campaign,
    Cmyk,
    Flow,
    FlowFrame,
    FontFace,
    Frame,
    ImageFrame,
    Imprint,
    ImprintFrame,
    Layout,
    PageSpec,
    Paragraph,
    QrFrame,
    ShapeFrame,
    TextFrame,
    TextStyle,
    Thresholds,
)
from leaflet.read.yamlfile import AlreadyReported, YamlReader, read_yaml_with_lines

CAMPAIGN_FILE = "campaign.yaml"
# The keys each part of a file may have: the loaders refuse others, schema.py describes them.
LAYOUT_KEYS = {"name", "page", "fonts", "fallback_fonts", "swatches", "styles", "flows", "pages", "preflight"}
PAGE_KEYS = {"trim_mm", "bleed_mm", "safe_mm"}
SPOT_KEYS = {"spot", "cmyk"}
STYLE_KEYS = {"font", "size_pt", "leading_pt", "colour", "align", "min_size_pt", "bold", "italic", "uppercase", "space_before_pt", "space_after_pt"}
FLOW_KEYS = {"slot", "body", "heading", "bullet"}
FRAME_KEYS = {"type", "name", "box_mm"}
CAMPAIGN_KEYS = {"title", "layout", "wards", "signup_url", "imprint", "images", "slots", "print_order", "language"}
PRINT_ORDER_KEYS = {"overs_percent", "pack_size"}
IMPRINT_KEYS = {"printer", "promoter", "on_behalf_of"}
LANGUAGE_KEYS = {"title", "slots", "images"}
FONT_VARIANTS = {"regular": (False, False), "bold": (True, False), "italic": (False, True), "bold_italic": (True, True)}


# ---------------------------------------------------------------- layouts


def project_folder(campaign_dir: Path) -> Path:
    """The folder a campaign's files may come from: the nearest one above it that holds a
    ``layouts`` folder (the project: layouts/, content/, fonts/, images/), or the campaign's own."""
    campaign_dir = campaign_dir.resolve()
    for folder in (campaign_dir, *campaign_dir.parents):
        if (folder / "layouts").is_dir():
            return folder
    return campaign_dir


def load_layout(path: Path, project: Path | None = None) -> Layout:
    """A layout file; with ``project``, its font paths may not lead out of that folder."""
    path = Path(path).resolve()
    data, lines = read_yaml_with_lines(path)
    r = YamlReader(path, lines, project)
    r.unknown_keys(data, LAYOUT_KEYS, "")
    preflight_data = r.mapping(r.get(data, "preflight", "", dict, {}), "preflight")
    r.unknown_keys(preflight_data, {f.name for f in fields(Thresholds)}, "preflight")
    preflight = Thresholds(**{key: r.number(preflight_data, key, "preflight", minimum=0) for key in preflight_data})
    page = r.mapping(r.get(data, "page", "", dict), "page")
    r.unknown_keys(page, PAGE_KEYS, "page")
    trim = r.numbers(page, "trim_mm", "page", 2, (148.0, 210.0))
    if min(trim) <= 0:
        raise r.error("page.trim_mm", "trim width and height must be positive")
    bleed = r.number(page, "bleed_mm", "page", 3.0, minimum=0)
    safe = r.number(page, "safe_mm", "page", 5.0, minimum=0)
    r.bleed_box_mm = (-bleed, -bleed, trim[0] + bleed, trim[1] + bleed)

    fonts = _load_fonts(r, r.mapping(r.get(data, "fonts", "", dict), "fonts"))
    swatches = _load_swatches(r, r.get(data, "swatches", "", dict, {}))
    families = {face.family for face in fonts.values()}
    fallback_fonts = tuple(r.problems.attempt(lambda: _load_fallbacks(r, data, families)) or ())
    styles: dict[str, TextStyle] = {}
    for name, spec in r.get(data, "styles", "", dict).items():
        style = r.problems.attempt(lambda: _load_style(r, name, r.mapping(spec, f"styles.{name}"), swatches, families), str(name))
        if style is not None:
            styles[str(name)] = style
    flows: dict[str, Flow] = {}
    for name, spec in r.get(data, "flows", "", dict, {}).items():
        flow = r.problems.attempt(lambda: _load_flow(r, name, r.mapping(spec, f"flows.{name}"), styles), str(name))
        if flow is not None:
            flows[str(name)] = flow
    pages_data = r.mapping(r.get(data, "pages", "", dict), "pages")
    pages = tuple(
        PageSpec(str(name), _load_frames(r, f"pages.{name}", frames, swatches, styles, flows))
        for name, frames in pages_data.items()
    )
    r.problems.raise_any()  # all the file's problems so far, one line each
    names: dict[str, str] = {}
    for page_spec in pages:
        for index, frame in enumerate(page_spec.frames):
            where = f"pages.{page_spec.name}[{index}].name"
            if frame.name in names:
                raise r.error(where, f"frame name '{frame.name}' is used twice", "give every frame its own name")
            names[frame.name] = where
    _check_imprint_frame(r, pages, styles, trim, safe)
    used_flows = {frame.flow for page_spec in pages for frame in page_spec.frames if isinstance(frame, FlowFrame)}
    for name in flows:
        if name not in used_flows:
            raise r.error(f"flows.{name}", "no frame takes this flow", "add a frame with 'flow: " + name + "'")
    return Layout(
        path=path,
        name=r.get(data, "name", "", str, path.stem),
        trim_width_mm=trim[0],
        trim_height_mm=trim[1],
        bleed_mm=bleed,
        safe_mm=safe,
        fonts=fonts,
        spot_colours={colour.spot: colour for colour in swatches.values() if colour.spot},
        styles=styles,
        flows=flows,
        pages=pages,
        preflight=preflight,
        fallback_fonts=fallback_fonts,
    )


MIN_IMPRINT_PT = 6.0


def _check_imprint_frame(r: YamlReader, pages: tuple[PageSpec, ...], styles: dict[str, TextStyle], trim: tuple[float, ...], safe: float) -> None:
    """Printed election material must carry an imprint: legible, on the first or last page, safe."""
    found = [(index, page, frame) for index, page in enumerate(pages) for frame in page.frames if isinstance(frame, ImprintFrame)]
    if not found:
        raise r.error("pages", "no imprint frame", "election material must carry the imprint: add a frame with 'type: imprint' on the first or last page")
    for index, page, frame in found:
        where = f"pages.{page.name}[{page.frames.index(frame)}]"
        if index not in (0, len(pages) - 1):
            raise r.error(where, f"the imprint is on page '{page.name}'", "put it on the first or last page")
        style = styles[frame.style]
        if style.smallest_size_pt < MIN_IMPRINT_PT:
            raise r.error(f"styles.{style.name}", f"the imprint's style may go down to {style.smallest_size_pt} pt", f"keep imprint text at {MIN_IMPRINT_PT:g} pt or more (size_pt and min_size_pt)")
        box = frame.box
        if box.x < safe or box.y < safe or box.x + box.width > trim[0] - safe or box.y + box.height > trim[1] - safe:
            raise r.error(f"{where}.box_mm", "the imprint reaches outside the safe area", f"keep it {safe:g} mm inside the trim")


def _load_fallbacks(r: YamlReader, data: dict[str, Any], families: set[str]) -> list[str]:
    fallbacks = r.get(data, "fallback_fonts", "", list, [])
    for index, family in enumerate(fallbacks):
        if family not in families:
            raise r.error(f"fallback_fonts[{index}]", f"unknown font family {family!r}", f"families in fonts: {', '.join(sorted(families))}")
    return [str(family) for family in fallbacks]


def _load_fonts(r: YamlReader, data: dict[str, Any]) -> dict[str, FontFace]:
    faces: dict[str, FontFace] = {}
    for family, files in data.items():
        r.problems.attempt(lambda: _load_family(r, family, files, faces), str(family))
    return faces


def _load_family(r: YamlReader, family: str, files: Any, faces: dict[str, FontFace]) -> None:
    files = r.mapping(files, f"fonts.{family}")
    r.unknown_keys(files, set(FONT_VARIANTS), f"fonts.{family}")
    if "regular" not in files:
        raise r.error(f"fonts.{family}.regular", "missing required field", "every family needs a regular face")
    for variant, (bold, italic) in FONT_VARIANTS.items():
        if variant in files:
            file = r.get(files, variant, f"fonts.{family}", str)
            face = FontFace(str(family), bold, italic, r.relative_path(file, f"fonts.{family}.{variant}"))
            if not _is_file(face.path):
                raise r.error(f"fonts.{family}.{variant}", f"font file not found: {face.path}")
            faces[face.key] = face


def _load_swatches(r: YamlReader, data: dict[str, Any]) -> dict[str, Cmyk]:
    swatches = {"white": Cmyk(0, 0, 0, 0), "black": Cmyk(0, 0, 0, 1)}
    for name, value in data.items():
        swatch = r.problems.attempt(lambda: _load_swatch(r, f"swatches.{name}", value), str(name))
        if swatch is not None:
            swatches[str(name)] = swatch
    return swatches


def _load_swatch(r: YamlReader, where: str, value: Any) -> Cmyk:
    if isinstance(value, dict):
        r.unknown_keys(value, SPOT_KEYS, where)
        ink = r.get(value, "spot", where, str).strip()
        if not ink or ink in ("All", "None"):
            raise r.error(f"{where}.spot", f"'{ink}' cannot name a spot ink", "use the ink's name, e.g. PANTONE 485 C")
        alternate = _cmyk(r, r.get(value, "cmyk", where, list), f"{where}.cmyk", {})
        return Cmyk(alternate.c, alternate.m, alternate.y, alternate.k, ink)
    return _cmyk(r, value, where, {})


def _cmyk(r: YamlReader, value: Any, where: str, swatches: dict[str, Cmyk]) -> Cmyk:
    if isinstance(value, str):
        if value in r.problems.failed:
            raise AlreadyReported(value)
        if value not in swatches:
            raise r.error(where, f"unknown swatch '{value}'", f"known swatches: {', '.join(sorted(swatches))}")
        return swatches[value]
    if (
        isinstance(value, list)
        and len(value) == 4
        and all(isinstance(v, (int, float)) and not isinstance(v, bool) and 0 <= v <= 100 for v in value)
    ):
        return Cmyk(*(v / 100 for v in value))
    raise r.error(where, f"expected a swatch name or [C, M, Y, K] percentages 0-100, got {value!r}", "a spot ink is a swatch: {spot: NAME, cmyk: [C, M, Y, K]}")


def _load_style(r: YamlReader, name: str, data: dict[str, Any], swatches: dict[str, Cmyk], families: set[str]) -> TextStyle:
    where = f"styles.{name}"
    r.unknown_keys(data, STYLE_KEYS, where)
    family = r.get(data, "font", where, str)
    if family in r.problems.failed:
        raise AlreadyReported(family)
    if family not in families:
        raise r.error(f"{where}.font", f"unknown font family '{family}'", f"families in fonts: {', '.join(sorted(families))}")
    size = r.number(data, "size_pt", where, minimum=1)
    align = r.get(data, "align", where, str, "left")
    if align not in ("left", "center", "right", "justify"):
        raise r.error(f"{where}.align", f"unknown alignment '{align}'", "use left, center, right or justify")
    min_size = r.number(data, "min_size_pt", where, None, minimum=1)
    if min_size is not None and min_size > size:
        raise r.error(f"{where}.min_size_pt", f"{min_size} is larger than size_pt {size}")
    return TextStyle(
        name=name,
        family=family,
        size_pt=size,
        leading_pt=r.number(data, "leading_pt", where, size * 1.2, minimum=1),
        colour=_cmyk(r, data.get("colour", "black"), f"{where}.colour", swatches),
        align=align,
        min_size_pt=min_size,
        bold=r.get(data, "bold", where, bool, False),
        italic=r.get(data, "italic", where, bool, False),
        uppercase=r.get(data, "uppercase", where, bool, False),
        space_before_pt=r.number(data, "space_before_pt", where, 0.0, minimum=0),
        space_after_pt=r.number(data, "space_after_pt", where, 0.0, minimum=0),
    )


def _load_flow(r: YamlReader, name: str, data: dict[str, Any], styles: dict[str, TextStyle]) -> Flow:
    where = f"flows.{name}"
    r.unknown_keys(data, FLOW_KEYS, where)
    chosen = {}
    for key in ("body", "heading", "bullet"):
        style = r.get(data, key, where, str, data.get("body") if key != "body" else ...)
        _check_style(r, style, f"{where}.{key}", styles)
        chosen[key] = style
    return Flow(name, r.get(data, "slot", where, str), chosen["body"], chosen["heading"], chosen["bullet"])


def _check_style(r: YamlReader, style: str, where: str, styles: dict[str, TextStyle]) -> None:
    if style in r.problems.failed:
        raise AlreadyReported(style)
    if style not in styles:
        raise r.error(where, f"unknown style '{style}'", f"styles defined: {', '.join(sorted(styles))}")


FRAME_TYPE_KEYS = {
    "shape": {"fill", "stroke", "stroke_pt"},
    "text": {"slot", "style", "valign", "fill", "padding_mm"},
    "flow": {"flow"},
    "image": {"slot", "fit", "focal"},
    "qr": {"caption_slot", "caption_style", "caption_gap_mm"},
    "imprint": {"style"},
}


def _load_frames(r: YamlReader, where: str, data: Any, swatches, styles, flows) -> tuple[Frame, ...]:
    if not isinstance(data, list):
        raise r.error(where, "expected a list of frames")
    frames = (r.problems.attempt(lambda: _load_frame(r, f"{where}[{i}]", r.mapping(spec, f"{where}[{i}]"), swatches, styles, flows)) for i, spec in enumerate(data))
    return tuple(frame for frame in frames if frame is not None)


def _load_frame(r: YamlReader, where: str, data: dict[str, Any], swatches, styles, flows) -> Frame:
    kind = r.get(data, "type", where, str)
    if kind not in FRAME_TYPE_KEYS:
        raise r.error(f"{where}.type", f"unknown frame type '{kind}'", f"use one of: {', '.join(FRAME_TYPE_KEYS)}")
    r.unknown_keys(data, FRAME_KEYS | FRAME_TYPE_KEYS[kind], where)
    name = r.get(data, "name", where, str)
    x, y, width, height = r.numbers(data, "box_mm", where, 4)
    if width <= 0 or height <= 0:
        raise r.error(f"{where}.box_mm", "width and height must be positive")
    box = BoxMm(x, y, width, height)
    left, top, right, bottom = r.bleed_box_mm
    if x < left - 1e-6 or y < top - 1e-6 or x + width > right + 1e-6 or y + height > bottom + 1e-6:
        raise r.error(f"{where}.box_mm", f"[{x:g}, {y:g}, {width:g}, {height:g}] reaches past the bleed ({left:g} to {right:g} across, {top:g} to {bottom:g} down)", "keep frames on the page: the bleed is the furthest a frame may go")

    def colour(key: str) -> Cmyk | None:
        return _cmyk(r, data[key], f"{where}.{key}", swatches) if data.get(key) is not None else None

    def style(key: str) -> str:
        value = r.get(data, key, where, str)
        _check_style(r, value, f"{where}.{key}", styles)
        return value

    if kind == "shape":
        return ShapeFrame(name, box, colour("fill"), colour("stroke"), r.number(data, "stroke_pt", where, 0.0, minimum=0))
    if kind == "text":
        valign = r.get(data, "valign", where, str, "top")
        if valign not in ("top", "middle", "bottom"):
            raise r.error(f"{where}.valign", f"unknown vertical alignment '{valign}'", "use top, middle or bottom")
        return TextFrame(name, box, r.get(data, "slot", where, str), style("style"), valign, colour("fill"), r.number(data, "padding_mm", where, 0.0, minimum=0))
    if kind == "flow":
        flow = r.get(data, "flow", where, str)
        if flow in r.problems.failed:
            raise AlreadyReported(flow)
        if flow not in flows:
            raise r.error(f"{where}.flow", f"unknown flow '{flow}'", f"flows defined: {', '.join(sorted(flows)) or 'none'}")
        return FlowFrame(name, box, flow)
    if kind == "image":
        fit = r.get(data, "fit", where, str, "cover")
        if fit not in ("cover", "contain"):
            raise r.error(f"{where}.fit", f"unknown fit '{fit}'", "use cover or contain")
        focal = r.numbers(data, "focal", where, 2, (0.5, 0.5))
        if not all(0 <= v <= 1 for v in focal):
            raise r.error(f"{where}.focal", "focal point is a fraction of width and height, each 0 to 1")
        return ImageFrame(name, box, r.get(data, "slot", where, str), fit, focal)
    if kind == "qr":
        caption_slot = r.get(data, "caption_slot", where, str, None)
        return QrFrame(name, box, caption_slot, style("caption_style") if caption_slot else None, r.number(data, "caption_gap_mm", where, 2.0, minimum=0))
    return ImprintFrame(name, box, style("style"))


# ---------------------------------------------------------------- campaigns


def find_campaign_file(campaign: Path) -> Path:
    campaign = Path(campaign)
    path = campaign / CAMPAIGN_FILE if campaign.is_dir() else campaign
    if not _is_file(path):
        raise InputError(campaign, None, f"no {CAMPAIGN_FILE} here", "pass a campaign folder such as content/pcc-2021")
    return path.resolve()


def load_campaign(campaign: Path) -> Campaign:
    path = find_campaign_file(campaign)
    data, lines = read_yaml_with_lines(path)
    r = YamlReader(path, lines, project_folder(path.parent))
    r.unknown_keys(data, CAMPAIGN_KEYS, "")
    order = r.mapping(r.get(data, "print_order", "", dict, {}), "print_order")
    r.unknown_keys(order, PRINT_ORDER_KEYS, "print_order")
    pack_size = r.get(order, "pack_size", "print_order", int, 50)
    if pack_size < 1:
        raise r.error("print_order.pack_size", "must be a whole number of at least 1")
    problems = r.problems
    layout = problems.attempt(lambda: load_layout(r.relative_path(r.get(data, "layout", "", str), "layout"), r.project))
    url = problems.attempt(lambda: _load_signup_url(r, data))
    imprint = problems.attempt(lambda: _load_imprint(r, data))
    images = {}
    for slot, file in r.get(data, "images", "", dict, {}).items():
        image = problems.attempt(lambda: r.relative_path(_expect_path(r, file, f"images.{slot}"), f"images.{slot}"))
        if image is not None:
            images[str(slot)] = image
    slots = {}
    for name, value in r.get(data, "slots", "", dict).items():
        paragraphs = problems.attempt(lambda: _load_slot(r, str(name), value))
        if paragraphs is not None:
            slots[str(name)] = paragraphs
    problems.raise_any()  # the layout's and the campaign's problems, all of them
    campaign_spec = Campaign(
        path=path,
        name=path.parent.name,
        title=r.get(data, "title", "", str),
        layout=layout,
        wards_path=r.relative_path(r.get(data, "wards", "", str, "wards.csv"), "wards"),
        signup_url=url,
        imprint=imprint,
        slots=slots,
        images=images,
        language=r.get(data, "language", "", str, "en").strip().lower(),
        overs_percent=r.number(order, "overs_percent", "print_order", 5.0, minimum=0),
        pack_size=pack_size,
    )
    _check_references(r, campaign_spec)
    return campaign_spec


def _load_signup_url(r: YamlReader, data: dict[str, Any]) -> str:
    url = r.get(data, "signup_url", "", str)
    if not url.startswith(("https://", "http://")):
        raise r.error("signup_url", f"expected an http(s) address, got {url!r}")
    _check_placeholders(r, "signup_url", url)
    return url


def _load_imprint(r: YamlReader, data: dict[str, Any]) -> Imprint:
    if not data.get("imprint"):
        raise r.error("imprint", "missing: printed election material must carry an imprint", "add imprint: with printer and promoter (names and addresses)")
    imprint_data = r.mapping(r.get(data, "imprint", "", dict), "imprint")
    r.unknown_keys(imprint_data, IMPRINT_KEYS, "imprint")
    parts = {}
    for part in ("printer", "promoter"):
        parts[part] = r.get(imprint_data, part, "imprint", str, "").strip()
        if not parts[part]:
            raise r.error(f"imprint.{part}", "missing: printed election material must say who printed and who promoted it", f"give the {part}'s name and address")
    return Imprint(
        printer=parts["printer"],
        promoter=parts["promoter"],
        on_behalf_of=(r.get(imprint_data, "on_behalf_of", "imprint", str, "") or "").strip() or None,
    )


def _expect_path(r: YamlReader, value: Any, where: str) -> str:
    if not isinstance(value, str):
        raise r.error(where, "expected the path of an image file")
    return value


def load_language(campaign: Campaign, language: str, wards_path: Path, line: int) -> Campaign:
    """The campaign in another language: ``campaign.<language>.yaml`` beside ``campaign.yaml``
    replaces the title, words and photos it names; everything else is the campaign's."""
    path = campaign.root / f"campaign.{language}.yaml"
    if not _is_file(path):
        raise InputError(wards_path, f"line {line}", f"language '{language}' has no {path.name} in {campaign.root}", "add the translated words there, or clear the language cell")
    data, lines = read_yaml_with_lines(path)
    r = YamlReader(path, lines, project_folder(campaign.root))
    r.unknown_keys(data, LANGUAGE_KEYS, "")
    slots = {str(name): _load_slot(r, str(name), value) for name, value in r.get(data, "slots", "", dict, {}).items()}
    for name in slots:
        if name not in campaign.slots:
            raise r.error(f"slots.{name}", "no such slot in campaign.yaml", f"slots there: {', '.join(sorted(campaign.slots))}")
    images = dict(campaign.images)
    for slot, file in r.get(data, "images", "", dict, {}).items():
        if slot not in campaign.images or not isinstance(file, str):
            raise r.error(f"images.{slot}", "expected the path of a photo for an image slot of campaign.yaml")
        images[slot] = r.relative_path(file, f"images.{slot}")
    return replace(
        campaign,
        path=path,
        title=r.get(data, "title", "", str, campaign.title),
        slots={**campaign.slots, **slots},
        images=images,
    )


def _load_slot(r: YamlReader, name: str, value: Any) -> tuple[Paragraph, ...]:
    where = f"slots.{name}"
    if isinstance(value, dict):
        r.unknown_keys(value, {"file"}, where)
        file = r.relative_path(r.get(value, "file", where, str), f"{where}.file")
        try:
            value = file.read_text(encoding="utf-8")
        except FileNotFoundError:
            raise r.error(f"{where}.file", f"file not found: {file}") from None
        except UnicodeDecodeError:
            raise InputError(file, None, "not UTF-8 text", "save the file as UTF-8") from None
    elif isinstance(value, (int, float)) and not isinstance(value, bool):
        value = str(value)
    if not isinstance(value, str):
        raise r.error(where, "expected text, or {file: words.md}")
    _check_placeholders(r, where, value)
    return markup.parse_markdown(value)


def _check_placeholders(r: YamlReader, where: str, text: str) -> None:
    bad = markup.malformed_placeholders(text)
    if bad:
        raise r.error(where, f"'{bad[0]}' is not a placeholder", "write {ward.column} for a ward's value, or {{ and }} for braces")


def _check_references(r: YamlReader, campaign: Campaign) -> None:
    for page in campaign.layout.pages:
        for frame in page.frames:
            slot = getattr(frame, "slot", None) or getattr(frame, "caption_slot", None)
            if isinstance(frame, FlowFrame):
                slot = campaign.layout.flows[frame.flow].slot
            if slot is None:
                continue
            known = campaign.images if isinstance(frame, ImageFrame) else campaign.slots
            section = "images" if isinstance(frame, ImageFrame) else "slots"
            if slot not in known:
                raise r.error(f"{section}.{slot}", f"missing: layout frame '{frame.name}' takes it", f"add '{slot}' under {section}")


def _is_file(path: Path) -> bool:
    try:
        return path.is_file()
    except OSError:  # a name too long for the system, say
        return False
