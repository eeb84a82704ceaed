"""Layout YAML, campaign YAML + Markdown, wards CSV -> validated Layout, Campaign and Ward specs.

Every problem is an InputError naming the file and the key path (or CSV line) and what to do.
"""

from __future__ import annotations

import csv
import difflib
import io
import re
from dataclasses import fields, replace
from pathlib import Path
from typing import Any

import yaml

from . import markup
from .errors import InputError, InputErrors
from .model import (
    BoxMm,
    Campaign,
    Cmyk,
    FlowFrame,
    Flow,
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
    Ward,
)

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


MAX_YAML_ALIASES = 20  # enough for sharing a style; too few for a "billion laughs" expansion


def read_yaml(path: Path) -> dict[str, Any]:
    return read_yaml_with_lines(path)[0]


def read_yaml_with_lines(path: Path) -> tuple[dict[str, Any], dict[str, int]]:
    """The file's data, and the line each key path (``pages.front[2].style``) starts on."""
    try:
        text = path.read_text(encoding="utf-8")
    except FileNotFoundError:
        raise InputError(path, None, "file not found") from None
    except UnicodeDecodeError as error:
        raise InputError(path, f"byte {error.start}", "not UTF-8 text", "save the file as UTF-8") from None
    except OSError as error:
        raise InputError(path, None, f"cannot be read ({error.strerror or error})") from None
    try:
        aliases = sum(1 for event in yaml.parse(text, Loader=yaml.SafeLoader) if isinstance(event, yaml.AliasEvent))
        if aliases > MAX_YAML_ALIASES:
            raise InputError(path, None, f"{aliases} YAML aliases (*name), more than {MAX_YAML_ALIASES}", "write the values out instead")
        lines: dict[str, int] = {}
        _key_lines(yaml.compose(text, Loader=yaml.SafeLoader), "", lines, path)
        data = yaml.safe_load(text)
    except yaml.YAMLError as error:
        mark = getattr(error, "problem_mark", None)
        where = f"line {mark.line + 1}" if mark else None
        problem = getattr(error, "problem", None) or "invalid YAML"
        raise InputError(path, where, problem, "check indentation and quoting") from None
    except (ValueError, AttributeError, TypeError, OverflowError) as error:  # a bad date, tag or number
        raise InputError(path, None, f"a value YAML cannot read ({error})", "quote it to keep it as text") from None
    if not isinstance(data, dict):
        raise InputError(path, None, "expected a mapping of keys at the top level")
    return data, lines


def _key_lines(node, where: str, lines: dict[str, int], path: Path) -> None:
    if isinstance(node, yaml.MappingNode):
        seen: set[str] = set()
        for key_node, value_node in node.value:
            key = str(key_node.value)
            place = f"{where}.{key}" if where else key
            if key in seen:
                raise InputError(path, f"line {key_node.start_mark.line + 1}: {place}", "this key appears twice here", "keep one of them")
            seen.add(key)
            lines[place] = key_node.start_mark.line + 1
            _key_lines(value_node, place, lines, path)
    elif isinstance(node, yaml.SequenceNode):
        for index, item in enumerate(node.value):
            place = f"{where}[{index}]"
            lines[place] = item.start_mark.line + 1
            _key_lines(item, place, lines, path)


class _AlreadyReported(Exception):
    """A reference to something whose own definition was refused: reported once, there."""


class _Problems:
    """Collects the problems of independent parts of a file, to report them all in one go."""

    def __init__(self) -> None:
        self.errors: list[InputError] = []
        self.failed: set[str] = set()  # names of swatches, styles and flows that were refused

    def attempt(self, load, name: str | None = None):
        try:
            return load()
        except _AlreadyReported:
            pass  # what this depends on was refused: it fails too, unreported
        except InputErrors as error:
            self.errors.extend(error.errors)
        except InputError as error:
            self.errors.append(error)
        if name is not None:
            self.failed.add(name)
        return None

    def raise_any(self) -> None:
        if len(self.errors) == 1:
            raise self.errors[0]
        if self.errors:
            raise InputErrors(self.errors)


class _Reader:
    """Typed access to one YAML file's mappings, with errors that name the file, the line and
    the key path."""

    def __init__(self, path: Path, lines: dict[str, int] | None = None, project: Path | None = None):
        self.path = path
        self.lines = lines or {}
        self.project = project  # paths may not lead out of it
        self.problems = _Problems()
        self.bleed_box_mm = (float("-inf"), float("-inf"), float("inf"), float("inf"))  # where frames may go

    def error(self, where: str, message: str, hint: str | None = None) -> InputError:
        place = where
        while place and place not in self.lines:  # the nearest key above a missing one
            place = place.rpartition(".")[0] if "." in place else place.rpartition("[")[0]
        line = self.lines.get(place)
        return InputError(self.path, f"line {line}: {where}" if line and where else where, message, hint)

    def mapping(self, data: Any, where: str) -> dict[str, Any]:
        if not isinstance(data, dict):
            raise self.error(where, "expected a mapping (key: value lines)")
        return data

    def get(self, data: dict[str, Any], key: str, where: str, kind: type | tuple[type, ...], default: Any = ...) -> Any:
        place = f"{where}.{key}" if where else key
        if key not in data or data[key] is None:
            if default is ...:
                raise self.error(place, "missing required field")
            return default
        value = data[key]
        if kind in (float, (int, float)) and isinstance(value, int) and not isinstance(value, bool):
            try:
                value = float(value)
            except OverflowError:
                raise self.error(place, f"the number {str(value)[:20]}... is too large") from None
        if not isinstance(value, kind) or (isinstance(value, bool) and kind is not bool):
            raise self.error(place, f"expected {_kind_name(kind)}, got {value!r}")
        return value

    def number(self, data: dict[str, Any], key: str, where: str, default: Any = ..., minimum: float | None = None) -> float:
        value = self.get(data, key, where, float, default)
        if value is not None and minimum is not None and value < minimum:
            raise self.error(f"{where}.{key}" if where else key, f"must be at least {minimum}, got {value}")
        return value

    def numbers(self, data: dict[str, Any], key: str, where: str, count: int, default: Any = ...) -> tuple[float, ...]:
        value = self.get(data, key, where, list, default)
        if value is default:
            return value
        if len(value) != count or not all(isinstance(v, (int, float)) and not isinstance(v, bool) for v in value):
            raise self.error(f"{where}.{key}", f"expected a list of {count} numbers, got {value!r}")
        return tuple(float(v) for v in value)

    def unknown_keys(self, data: dict[str, Any], allowed: set[str], where: str) -> None:
        for key in data:
            if key not in allowed:
                close = difflib.get_close_matches(str(key), sorted(allowed), n=1)
                hint = f"did you mean '{close[0]}'?" if close else f"expected one of: {', '.join(sorted(allowed))}"
                raise self.error(f"{where}.{key}" if where else str(key), "unknown field", hint)

    def relative_path(self, value: str, where: str) -> Path:
        path = (self.path.parent / value).resolve()
        if self.project is not None and not path.is_relative_to(self.project):
            raise self.error(where, f"'{value}' leads out of the project folder {self.project}", "keep layouts, words and photos inside it")
        return path


def _kind_name(kind: type | tuple[type, ...]) -> str:
    names = {str: "text", float: "a number", int: "a whole number", bool: "true or false", list: "a list", dict: "a mapping"}
    kinds = kind if isinstance(kind, tuple) else (kind,)
    return " or ".join(names.get(k, k.__name__) for k in kinds)


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
    r = _Reader(path, lines, project)
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


def _check_imprint_frame(r: _Reader, pages: tuple[PageSpec, ...], styles: dict[str, TextStyle], trim: tuple[float, ...], safe: float) -> None:
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


def _load_fallbacks(r: _Reader, data: dict[str, Any], families: set[str]) -> list[str]:
    fallbacks = r.get(data, "fallback_fonts", "", list, [])
    for index, family in enumerate(fallbacks):
        if family not in families:
            raise r.error(f"fallback_fonts[{index}]", f"unknown font family {family!r}", f"families in fonts: {', '.join(sorted(families))}")
    return [str(family) for family in fallbacks]


def _load_fonts(r: _Reader, data: dict[str, Any]) -> dict[str, FontFace]:
    faces: dict[str, FontFace] = {}
    for family, files in data.items():
        r.problems.attempt(lambda: _load_family(r, family, files, faces), str(family))
    return faces


def _load_family(r: _Reader, family: str, files: Any, faces: dict[str, FontFace]) -> None:
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


def _load_swatches(r: _Reader, data: dict[str, Any]) -> dict[str, Cmyk]:
    swatches = {"white": Cmyk(0, 0, 0, 0), "black": Cmyk(0, 0, 0, 1)}
    for name, value in data.items():
        swatch = r.problems.attempt(lambda: _load_swatch(r, f"swatches.{name}", value), str(name))
        if swatch is not None:
            swatches[str(name)] = swatch
    return swatches


def _load_swatch(r: _Reader, where: str, value: Any) -> Cmyk:
    if isinstance(value, dict):
        r.unknown_keys(value, SPOT_KEYS, where)
        ink = r.get(value, "spot", where, str).strip()
        if not ink or ink in ("All", "None"):
            raise r.error(f"{where}.spot", f"'{ink}' cannot name a spot ink", "use the ink's name, e.g. PANTONE 485 C")
        alternate = _cmyk(r, r.get(value, "cmyk", where, list), f"{where}.cmyk", {})
        return Cmyk(alternate.c, alternate.m, alternate.y, alternate.k, ink)
    return _cmyk(r, value, where, {})


def _cmyk(r: _Reader, value: Any, where: str, swatches: dict[str, Cmyk]) -> Cmyk:
    if isinstance(value, str):
        if value in r.problems.failed:
            raise _AlreadyReported(value)
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


def _load_style(r: _Reader, name: str, data: dict[str, Any], swatches: dict[str, Cmyk], families: set[str]) -> TextStyle:
    where = f"styles.{name}"
    r.unknown_keys(data, STYLE_KEYS, where)
    family = r.get(data, "font", where, str)
    if family in r.problems.failed:
        raise _AlreadyReported(family)
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


def _load_flow(r: _Reader, name: str, data: dict[str, Any], styles: dict[str, TextStyle]) -> Flow:
    where = f"flows.{name}"
    r.unknown_keys(data, FLOW_KEYS, where)
    chosen = {}
    for key in ("body", "heading", "bullet"):
        style = r.get(data, key, where, str, data.get("body") if key != "body" else ...)
        _check_style(r, style, f"{where}.{key}", styles)
        chosen[key] = style
    return Flow(name, r.get(data, "slot", where, str), chosen["body"], chosen["heading"], chosen["bullet"])


def _check_style(r: _Reader, style: str, where: str, styles: dict[str, TextStyle]) -> None:
    if style in r.problems.failed:
        raise _AlreadyReported(style)
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


def _load_frames(r: _Reader, where: str, data: Any, swatches, styles, flows) -> tuple[Frame, ...]:
    if not isinstance(data, list):
        raise r.error(where, "expected a list of frames")
    frames = (r.problems.attempt(lambda: _load_frame(r, f"{where}[{i}]", r.mapping(spec, f"{where}[{i}]"), swatches, styles, flows)) for i, spec in enumerate(data))
    return tuple(frame for frame in frames if frame is not None)


def _load_frame(r: _Reader, where: str, data: dict[str, Any], swatches, styles, flows) -> Frame:
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
            raise _AlreadyReported(flow)
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
    r = _Reader(path, lines, project_folder(path.parent))
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


def _load_signup_url(r: _Reader, data: dict[str, Any]) -> str:
    url = r.get(data, "signup_url", "", str)
    if not url.startswith(("https://", "http://")):
        raise r.error("signup_url", f"expected an http(s) address, got {url!r}")
    _check_placeholders(r, "signup_url", url)
    return url


def _load_imprint(r: _Reader, data: dict[str, Any]) -> Imprint:
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


def _expect_path(r: _Reader, value: Any, where: str) -> str:
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
    r = _Reader(path, lines, project_folder(campaign.root))
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


def _load_slot(r: _Reader, name: str, value: Any) -> tuple[Paragraph, ...]:
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


def _check_placeholders(r: _Reader, where: str, text: str) -> None:
    bad = markup.malformed_placeholders(text)
    if bad:
        raise r.error(where, f"'{bad[0]}' is not a placeholder", "write {ward.column} for a ward's value, or {{ and }} for braces")


def _check_references(r: _Reader, campaign: Campaign) -> None:
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


# ---------------------------------------------------------------- wards


# C0 and C1 controls but tab and line breaks (a cell may hold lines; they are set as spaces), and
# the bidirectional marks, overrides and isolates that make a name display otherwise than it reads.
_HIDDEN_CHARACTERS = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f\u200e\u200f\u202a-\u202e\u2066-\u2069]")


def _is_file(path: Path) -> bool:
    try:
        return path.is_file()
    except OSError:  # a name too long for the system, say
        return False


def decode_spreadsheet_text(raw: bytes, path: Path) -> str:
    """Text as spreadsheets export it: UTF-8 (with or without a byte-order mark), UTF-16 with
    one ("Unicode text"), or Windows-1252 ("CSV" from Excel on Windows).  Anything else is
    refused rather than guessed at, so 'Môn' never comes out as 'MÃ´n'."""
    if raw.startswith((b"\xff\xfe", b"\xfe\xff")):
        try:
            return raw.decode("utf-16")
        except UnicodeDecodeError:
            raise InputError(path, None, "damaged UTF-16 text", "export the spreadsheet again as 'CSV UTF-8'") from None
    try:
        return raw.decode("utf-8-sig")
    except UnicodeDecodeError as error:
        utf8_error = error
    bad_byte = utf8_error.start + (3 if raw.startswith(b"\xef\xbb\xbf") else 0)  # utf-8-sig counts after the BOM
    line = raw[:bad_byte].count(b"\n") + 1
    # A file that is mostly UTF-8 with a bad byte is damaged UTF-8, not Windows-1252: reading it
    # as such would turn every accent into two wrong letters.
    looks_utf8 = raw.startswith(b"\xef\xbb\xbf") or re.search(rb"[\xc2-\xf4][\x80-\xbf]", raw[:bad_byte])
    try:
        if looks_utf8:
            raise UnicodeDecodeError("utf-8", raw, utf8_error.start, utf8_error.end, "damaged")
        return raw.decode("cp1252")
    except UnicodeDecodeError:
        raise InputError(path, f"line {line}", "neither UTF-8 nor Windows-1252 text", "export the spreadsheet as 'CSV UTF-8'") from None


def load_wards(path: Path, required_fields: set[str] = frozenset()) -> list[Ward]:
    """Read a wards spreadsheet export.  ``required_fields`` are the columns content refers to."""
    path = Path(path)
    try:
        raw = path.read_bytes()
    except FileNotFoundError:
        raise InputError(path, None, "wards file not found", "set 'wards' in campaign.yaml or pass --wards") from None
    except OSError as error:
        raise InputError(path, None, f"cannot be read ({error.strerror or error})", "pass the wards CSV file") from None
    text = decode_spreadsheet_text(raw, path)
    first_line = text.split("\n", 1)[0]
    delimiter = max((",", ";", "\t"), key=first_line.count)
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter)
    try:
        header = next(reader)
    except StopIteration:
        raise InputError(path, None, "the wards file is empty", "the first row names the columns: code,name,...") from None
    except csv.Error as error:
        raise InputError(path, "line 1", f"malformed CSV ({error})") from None
    columns = [column.strip().lower() for column in header]
    for required in ("code", "name"):
        if required not in columns:
            raise InputError(path, "line 1", f"no '{required}' column", "the first row must name the columns code and name")
    seen_columns: set[str] = set()
    for column in columns:
        if column and column in seen_columns:
            raise InputError(path, "line 1", f"column '{column}' appears twice")
        seen_columns.add(column)
    for field in sorted(required_fields):
        if field not in columns:
            raise InputError(path, "line 1", f"no '{field}' column, but the campaign's words use {{ward.{field}}}", "add the column or remove the placeholder")
    wards: list[Ward] = []
    codes: dict[str, int] = {}
    try:
        while True:
            line = reader.line_num + 1  # where the row starts, even if a quoted cell spans lines
            row = next(reader, None)
            if row is None:
                break
            if not any(cell.strip() for cell in row):
                continue
            if len(row) > len(columns):
                raise InputError(path, f"line {line}", f"{len(row)} cells but {len(columns)} columns", "check for a stray comma or quote")
            fields = {column: (row[i].strip() if i < len(row) else "") for i, column in enumerate(columns) if column}
            for column, value in fields.items():
                hidden = _HIDDEN_CHARACTERS.search(value)
                if hidden:
                    raise InputError(path, f"line {line}", f"column '{column}' holds an invisible control character U+{ord(hidden.group()):04X}", "retype the cell: such characters reorder or hide text on the leaflet")
            for required in ("code", "name"):
                if not fields[required]:
                    raise InputError(path, f"line {line}", f"the ward has no {required}", f"fill in the {required} column")
            code = fields["code"]
            if code in codes:
                raise InputError(path, f"line {line}", f"ward code '{code}' already used on line {codes[code]}", "ward codes must be unique")
            codes[code] = line
            wards.append(Ward(code=code, name=fields["name"], fields=fields, line=line))
    except csv.Error as error:
        raise InputError(path, f"line {reader.line_num}", f"malformed CSV ({error})") from None
    if not wards:
        raise InputError(path, None, "no wards in the file", "add one row per ward below the header")
    return wards


def select_wards(wards: list[Ward], codes: list[str] | None, path: Path) -> list[Ward]:
    if not codes:
        return wards
    by_code = {ward.code: ward for ward in wards}
    missing = [code for code in codes if code not in by_code]
    if missing:
        raise InputError(path, None, f"no ward with code {', '.join(missing)}", "check --ward against the code column")
    return [by_code[code] for code in dict.fromkeys(codes)]
