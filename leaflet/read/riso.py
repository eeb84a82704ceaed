"""A layout's ``riso:`` section -> its Riso variant (RisoSpec): the drums and their inks, the drum
and tint of every colour the Riso pages use, the frames and styles with their Riso changes, the
sheet the pages are imposed on.

The keys are checked through ``formats.RISO``; this module checks what one value says about
another: a swatch's drum exists, every colour the Riso pages print is mapped, a changed frame or
style exists and is still valid (it is loaded again through the layout's own loaders), the page
fits twice on the sheet.
"""

from __future__ import annotations

import difflib
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from leaflet.model import (
    PAPER,
    WHITE,
    Cmyk,
    Drum,
    DrumInk,
    Frame,
    ImprintFrame,
    PageSpec,
    RisoPhotos,
    RisoSheet,
    RisoSpec,
    RisoThresholds,
    ShapeFrame,
    TextFrame,
    TextStyle,
)
from leaflet.read.formats import (
    PAPER_DRUM,
    RISO_DRUM,
    RISO_PHOTOS,
    RISO_PREFLIGHT,
    RISO_SHEET,
    RISO_STYLE,
    RISO_SWATCH,
    riso_frame_section,
)
from leaflet.read.yamlfile import YamlReader

BLACK = Cmyk(0, 0, 0, 1)


@dataclass(frozen=True)
class LayoutSoFar:
    """What the layout loader has read when it reaches ``riso:``, and its loaders, so that a
    changed style or frame is checked exactly as the layout's own are."""

    swatches: dict[str, Cmyk]
    styles: dict[str, TextStyle]
    pages: list[PageSpec]
    raw_styles: dict[str, Any]
    raw_pages: dict[str, list[Any]]
    trim_mm: tuple[float, float]
    load_style: Callable[[str, Any, str], TextStyle]  # (name, data, where)
    load_frame: Callable[[str, Any], Frame]  # (where, data)


def _did_you_mean(name: str, known: list[str], what: str) -> str:
    close = difflib.get_close_matches(name, known, n=1)
    return f"did you mean '{close[0]}'?" if close else f"{what}: {', '.join(known) or 'none'}"


def load_riso(r: YamlReader, spec: dict[str, Any], layout: LayoutSoFar) -> RisoSpec:
    """``spec``: the section as ``formats.RISO`` read it (its mappings still raw)."""
    problems = r.problems
    drums: dict[str, Drum] = {}
    for name, value in spec["drums"].items():
        drum = problems.attempt(_drum, r, name, value)
        if drum is not None:
            drums[name] = drum
    if not spec["drums"]:
        problems.errors.append(r.error("riso.drums", "no drums", "name at least one: black: {ink: RISO Black, ...}"))
    inks = problems.attempt(_inks, r, spec["swatches"], drums, set(spec["drums"]), layout.swatches) or {}
    styles = dict(layout.styles)
    for name, value in (spec["styles"] or {}).items():
        style = problems.attempt(_style, r, name, value, layout)
        if style is not None:
            styles[name] = style
    pages = problems.attempt(_pages, r, spec["frames"] or {}, layout) or []
    sheet = RisoSheet(**(spec["sheet"] or RISO_SHEET.read(r, {}, "riso.sheet")))
    photos_spec = spec["photos"] or RISO_PHOTOS.read(r, {}, "riso.photos")
    problems.raise_any()
    photos = _photos(r, photos_spec, drums, inks)
    _check_colours(r, pages, styles, inks, layout, spec)
    _check_drums_used(r, drums, inks, photos)
    sheet = _check_sheet(r, sheet, layout)
    return RisoSpec(
        drums=drums,
        inks=inks,
        photos=photos,
        pages=tuple(pages),
        styles=styles,
        sheet=sheet,
        margin_mm=spec["margin_mm"],
        saturated_percent=spec["saturated_percent"],
        saturated_inset_mm=spec["saturated_inset_mm"],
        preflight=RisoThresholds(**(spec["preflight"] or RISO_PREFLIGHT.read(r, {}, "riso.preflight"))),
    )


def _drum(r: YamlReader, name: str, value: Any) -> Drum:
    where = f"riso.drums.{name}"
    if name == PAPER_DRUM:
        raise r.error(where, f"'{PAPER_DRUM}' is not a drum's name: it means a swatch prints nowhere")
    spec = RISO_DRUM.read(r, value, where)
    rgb = spec["rgb"]
    return Drum(name, spec["ink"].strip(), (int(rgb[1:3], 16), int(rgb[3:5], 16), int(rgb[5:7], 16)))


def _inks(
    r: YamlReader, mapped: dict[str, Any], drums: dict[str, Drum], named_drums: set[str], swatches: dict[str, Cmyk]
) -> dict[Cmyk, DrumInk]:
    """Each mapped swatch's colour -> its drum and tint; white is paper unless mapped.  A drum that
    was named but refused is reported once, where it is defined."""
    inks: dict[Cmyk, DrumInk] = {WHITE: PAPER}
    named: dict[Cmyk, str] = {}
    for name, value in mapped.items():
        where = f"riso.swatches.{name}"
        spec = r.problems.attempt(RISO_SWATCH.read, r, value, where)
        if spec is None:
            continue
        if name not in swatches:
            r.problems.errors.append(
                r.error(where, f"unknown swatch '{name}'", _did_you_mean(name, sorted(swatches), "swatches"))
            )
            continue
        drum = spec["drum"]
        if drum in named_drums and drum not in drums:
            continue
        if drum != PAPER_DRUM and drum not in drums:
            r.problems.errors.append(
                r.error(
                    f"{where}.drum",
                    f"unknown drum '{drum}'",
                    _did_you_mean(drum, [*sorted(drums), PAPER_DRUM], "drums"),
                )
            )
            continue
        ink = PAPER if drum == PAPER_DRUM else DrumInk(drum, spec["tint"] / 100, spec["overprint"])
        colour = swatches[name]
        if colour in named and inks[colour] != ink:
            r.problems.errors.append(
                r.error(
                    where,
                    f"'{name}' has the same colour as '{named[colour]}' but prints otherwise",
                    "map both the same way, or make their colours differ",
                )
            )
            continue
        inks[colour] = ink
        named.setdefault(colour, name)
    return inks


def _style(r: YamlReader, name: str, value: Any, layout: LayoutSoFar) -> TextStyle:
    where = f"riso.styles.{name}"
    if name not in layout.raw_styles:
        raise r.error(where, f"unknown style '{name}'", _did_you_mean(name, sorted(layout.raw_styles), "styles"))
    RISO_STYLE.read(r, value, where)  # its keys and their values, before they join the press style's
    changes = {key: item for key, item in value.items() if item is not None}
    return layout.load_style(name, {**layout.raw_styles[name], **changes}, where)


def _pages(r: YamlReader, changes: dict[str, Any], layout: LayoutSoFar) -> list[PageSpec]:
    """The layout's pages with each frame's Riso change applied, or the frame left out."""
    names = {frame.name for page in layout.pages for frame in page.frames}
    for name in changes:
        if name not in names:
            raise r.error(f"riso.frames.{name}", f"no frame '{name}'", _did_you_mean(name, sorted(names), "frames"))
    pages = []
    for page, raw_frames in zip(layout.pages, layout.raw_pages.values(), strict=True):
        frames: list[Frame] = []
        for frame, raw in zip(page.frames, raw_frames, strict=True):
            if frame.name not in changes:
                frames.append(frame)
                continue
            where = f"riso.frames.{frame.name}"
            change = riso_frame_section(raw["type"]).read(r, changes[frame.name], where)
            if change.pop("omit"):
                if isinstance(frame, ImprintFrame):
                    raise r.error(f"{where}.omit", "the imprint cannot be left out: printed election material needs it")
                continue
            given = {key: item for key, item in change.items() if item is not None}
            if "type" in given and given["type"] != raw["type"]:
                raise r.error(
                    f"{where}.type", "a frame's Riso variant keeps its type", f"leave out type: {given['type']}"
                )
            frames.append(layout.load_frame(where, {**raw, **changes[frame.name], "type": raw["type"]}))
        pages.append(PageSpec(page.name, tuple(frames)))
    return pages


def _photos(r: YamlReader, spec: dict[str, Any], drums: dict[str, Drum], inks: dict[Cmyk, DrumInk]) -> RisoPhotos:
    drum = spec["drum"]
    if drum is None:
        black = inks.get(BLACK)
        if black is None or black.drum is None:
            raise r.error("riso.photos.drum", "missing: black prints on no drum to take photos", "name a drum")
        drum = black.drum
    elif drum not in drums:
        raise r.error("riso.photos.drum", f"unknown drum '{drum}'", _did_you_mean(drum, sorted(drums), "drums"))
    return RisoPhotos(drum, spec["screen"], spec["lpi"], spec["dpi"], spec["max_tint"] / 100)


def _check_colours(
    r: YamlReader,
    pages: list[PageSpec],
    styles: dict[str, TextStyle],
    inks: dict[Cmyk, DrumInk],
    layout: LayoutSoFar,
    spec: dict[str, Any],
) -> None:
    """Every colour the Riso pages can print is mapped to a drum (or paper); black to a drum at
    full ink, since the QR code prints in it."""
    names = {colour: name for name, colour in reversed(layout.swatches.items())}
    changed_styles = spec["styles"] or {}
    changed_frames = spec["frames"] or {}

    def check(colour: Cmyk, where: str, what: str) -> None:
        if colour not in inks:
            shown = f"swatch '{names[colour]}'" if colour in names else _cmyk_text(colour)
            raise r.error(
                where,
                f"{what} is {shown}, which prints on no drum",
                f"map {names.get(colour, 'it')} under riso.swatches"
                + ("" if colour in names else " (name it under swatches first)"),
            )

    for name, style in styles.items():
        changed = "colour" in (changed_styles.get(name) or {})
        check(style.colour, f"{'riso.' if changed else ''}styles.{name}.colour", f"style '{name}' colour")
    for page_index, page in enumerate(pages):
        for frame in page.frames:
            place = _frame_place(frame.name, page_index, layout, changed_frames)
            if isinstance(frame, ShapeFrame | TextFrame) and frame.fill is not None:
                check(frame.fill, f"{place}.fill", f"frame '{frame.name}' fill")
            if isinstance(frame, ShapeFrame) and frame.stroke is not None:
                check(frame.stroke, f"{place}.stroke", f"frame '{frame.name}' stroke")
    black = inks.get(BLACK)
    if black is None or black.drum is None or black.tint < 1:
        raise r.error(
            "riso.swatches.black" if "black" in (spec["swatches"] or {}) else "riso.swatches",
            "black must print at full ink on a drum: the QR code is black",
            "add black: {drum: NAME, tint: 100}",
        )


def _frame_place(name: str, page_index: int, layout: LayoutSoFar, changed: dict[str, Any]) -> str:
    if name in changed:
        return f"riso.frames.{name}"
    page_name = list(layout.raw_pages)[page_index]
    index = next(i for i, frame in enumerate(layout.pages[page_index].frames) if frame.name == name)
    return f"pages.{page_name}[{index}]"


def _cmyk_text(colour: Cmyk) -> str:
    return "[" + ", ".join(f"{value * 100:g}" for value in (colour.c, colour.m, colour.y, colour.k)) + "]"


def _check_drums_used(r: YamlReader, drums: dict[str, Drum], inks: dict[Cmyk, DrumInk], photos: RisoPhotos) -> None:
    used = {ink.drum for ink in inks.values()} | {photos.drum}
    for name in drums:
        if name not in used:
            raise r.error(f"riso.drums.{name}", "nothing prints on this drum", "map a swatch to it, or remove it")


def _check_sheet(r: YamlReader, sheet: RisoSheet, layout: LayoutSoFar) -> RisoSheet:
    """Two pages side by side on the sheet (one, printed twice, for a one-page layout)."""
    short, long = sorted(sheet.size_mm)
    sheet = RisoSheet((short, long), sheet.feed, sheet.leading_mm, sheet.trailing_mm, sheet.sides_mm)
    width, height = layout.trim_mm
    if len(layout.pages) > 2:
        raise r.error(
            "riso", f"the layout has {len(layout.pages)} pages", "the Riso prints a one- or two-page leaflet 2-up"
        )
    if min(width, height) > long / 2 or max(width, height) > short:
        raise r.error(
            "riso.sheet.size_mm",
            f"a {width:g} x {height:g} mm page does not fit twice on a {short:g} x {long:g} mm sheet",
            "give a larger sheet, or print the press file",
        )
    across = long if sheet.feed == "long_edge" else short
    along = short if sheet.feed == "long_edge" else long
    if 2 * sheet.sides_mm >= across or sheet.leading_mm + sheet.trailing_mm >= along:
        raise r.error("riso.sheet", "the unprintable edges leave nothing to print on")
    return sheet
