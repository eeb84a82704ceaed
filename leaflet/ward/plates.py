"""A layout, its static frames laid out per language and what a ward may change -> which printing
plates (C, M, Y, K and any spot ink) differ from ward to ward, and between languages.

A litho printer makes a plate per ink; when only the black plate differs from ward to ward, the
run shares one set of C, M and Y plates (per language) and changes only K: far cheaper on long
runs.  A plate differs when something a ward changes prints on it, or when something a ward
changes knocks out (hides) ink of that plate beneath it: words in navy on a yellow band change the
C, M and K plates where they print and the yellow plate where they leave it out.  Only 100% K
that overprints leaves what is beneath alone.

Worked out from the layout, not by comparing wards: a frame whose words or photo a ward can
change (placeholders, a column or local edit named like its slot, its own photo, the QR code of a
per-ward address) may print anywhere in its box, in any colour of the styles it can use; a photo
may use every process plate.  So the answer is never "shared" for a plate some ward changes; it
can say "differs" for a plate that, in a given set of wards, happens not to.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import assert_never

from leaflet.model import (
    BoxPt,
    Cmyk,
    FilledBox,
    FlowFrame,
    Frame,
    ImageFrame,
    ImprintFrame,
    LaidOutFrame,
    LaidOutLeaflet,
    Layout,
    LocalEdits,
    PlacedImage,
    PlacedQr,
    QrFrame,
    ShapeFrame,
    TextFrame,
    TextLine,
)
from leaflet.read.wards import language_variant
from leaflet.ward.variant import VariantPlan

PROCESS = ("C", "M", "Y", "K")
_EPSILON_PT = 0.01


@dataclass(frozen=True)
class _Mark:
    """Something drawn: where (at most), on which plates, and whether it hides what is beneath."""

    area: BoxPt
    plates: frozenset[str]
    knocks_out: bool
    covers: bool = False  # opaque over all of ``area``: nothing drawn before shows through


@dataclass
class PlatePlan:
    """Every plate the run prints, and those that differ; each with the frames that make it so."""

    plates: tuple[str, ...]  # C, M, Y, K as used, then spot inks
    per_ward: dict[str, tuple[str, ...]] = field(default_factory=dict)  # plate -> frames a ward changes
    per_language: dict[str, tuple[str, ...]] = field(default_factory=dict)  # plate -> frames a language changes

    @property
    def shared(self) -> tuple[str, ...]:
        """The plates every ward of a language prints from the same plate."""
        return tuple(plate for plate in self.plates if plate not in self.per_ward)

    @property
    def black_plate_changes(self) -> bool:
        return set(self.per_ward) <= {"K"}


def colour_plates(colour: Cmyk | None) -> frozenset[str]:
    if colour is None:
        return frozenset()
    if colour.spot:
        return frozenset({colour.spot})
    return frozenset(
        plate for plate, value in zip(PROCESS, (colour.c, colour.m, colour.y, colour.k), strict=True) if value > 0
    )


def _is_solid_black(colour: Cmyk) -> bool:
    return colour.spot is None and (colour.c, colour.m, colour.y, colour.k) == (0, 0, 0, 1)


def ward_changeable(plan: VariantPlan, columns: Iterable[str], local: LocalEdits) -> frozenset[str]:
    """The slots and image slots a ward of this language can change: words with placeholders, and
    whatever a column (or ``<column>_<language>``, or an organiser's local edit) is named after."""
    named = set(columns) | {variant[0] for column in columns if (variant := language_variant(column))}
    named |= {slot.slot for slot in local.slots} | {photo.slot for photo in local.photos}
    return frozenset(plan.varying | (named & (set(plan.campaign.slots) | set(plan.campaign.images))))


def plate_plan(
    layout: Layout,
    samples: dict[str, LaidOutLeaflet],
    changeable: dict[str, frozenset[str]],
    ward_url: bool,
    black_overprints: bool = False,
) -> PlatePlan:
    """``samples``: each language's leaflet with every ward field blank (its static frames are every
    ward's of that language); ``changeable``: per language, ``ward_changeable``; ``ward_url``: the
    QR code's address differs per ward; ``black_overprints``: 100% K text overprints."""
    per_ward: dict[str, set[str]] = {}
    per_language: dict[str, set[str]] = {}
    used: set[str] = set()
    specs = [{frame.name: frame for frame in page.frames} for page in layout.pages]
    languages = sorted(samples)
    for language in languages:
        for page_index, page in enumerate(samples[language].pages):
            background: list[_Mark] = []  # what is drawn so far, in order
            for frame in page.frames:
                spec = specs[page_index][frame.name]
                constant = [_item_mark(i, frame, black_overprints) for i in frame.items if isinstance(i, FilledBox)]
                content = [_item_mark(i, frame, black_overprints) for i in frame.items if not isinstance(i, FilledBox)]
                own = _ward_marks(layout, spec, frame, changeable[language], ward_url, black_overprints)
                background.extend(constant)  # a frame's fill and the QR code's white: the same for every ward
                if own is not None:
                    _add(per_ward, own, background, frame.name)
                    content = own
                elif any(
                    _frame_named(samples[other].pages[page_index].frames, frame.name) != frame for other in languages
                ):
                    _add(per_language, content, background, frame.name)
                background.extend(content)
                used.update(plate for mark in (*constant, *content) for plate in mark.plates)
    spots = sorted(plate for plate in used if plate not in PROCESS)
    plates = (*(plate for plate in PROCESS if plate in used), *spots)
    return PlatePlan(
        plates,
        {plate: tuple(sorted(per_ward[plate])) for plate in plates if plate in per_ward},
        {plate: tuple(sorted(per_language[plate])) for plate in plates if plate in per_language},
    )


def _frame_named(frames: tuple[LaidOutFrame, ...], name: str) -> LaidOutFrame | None:
    return next((frame for frame in frames if frame.name == name), None)


def _add(found: dict[str, set[str]], marks: list[_Mark], background: list[_Mark], frame: str) -> None:
    """The plates ``marks`` print on, and those they knock out of what is drawn beneath them."""
    for mark in marks:
        plates = set(mark.plates)
        if mark.knocks_out:
            plates |= _beneath(mark.area, background)
        for plate in plates:
            found.setdefault(plate, set()).add(frame)


def _beneath(area: BoxPt, background: list[_Mark]) -> set[str]:
    """The plates with ink under ``area``, down to the first mark that covers it all."""
    plates: set[str] = set()
    for mark in reversed(background):
        if not _overlap(area, mark.area):
            continue
        plates |= mark.plates
        if mark.covers and _contains(mark.area, area):
            break
    return plates


def _overlap(a: BoxPt, b: BoxPt) -> bool:
    return min(a.right, b.right) - max(a.x, b.x) > _EPSILON_PT and min(a.top, b.top) - max(a.y, b.y) > _EPSILON_PT


def _contains(outer: BoxPt, inner: BoxPt) -> bool:
    return (
        outer.x <= inner.x + _EPSILON_PT
        and outer.y <= inner.y + _EPSILON_PT
        and inner.right <= outer.right + _EPSILON_PT
        and inner.top <= outer.top + _EPSILON_PT
    )


def _item_mark(item, frame: LaidOutFrame, black_overprints: bool) -> _Mark:
    match item:
        case FilledBox():
            plates = colour_plates(item.fill) | colour_plates(item.stroke)
            return _Mark(item.box, plates, True, covers=item.fill is not None)
        case TextLine():
            colours = {run.colour for run in item.runs}
            overprints = black_overprints and all(map(_is_solid_black, colours))
            return _Mark(frame.box, frozenset().union(*map(colour_plates, colours)), not overprints)
        case PlacedImage():
            return _Mark(item.clip, frozenset(PROCESS), True, covers=_contains(item.placed, item.clip))
        case PlacedQr():
            size = item.size_pt
            return _Mark(BoxPt(item.x_pt, item.y_pt, size, size), frozenset({"K"}), True)
        case _:
            assert_never(item)


def _ward_marks(
    layout: Layout,
    spec: Frame,
    frame: LaidOutFrame,
    changeable: frozenset[str],
    ward_url: bool,
    black_overprints: bool,
) -> list[_Mark] | None:
    """What a ward may draw in this frame, at most; None when no ward changes it."""

    def text(area: BoxPt, style_names: Iterable[str]) -> _Mark:
        colours = {layout.styles[name].colour for name in style_names}
        overprints = black_overprints and all(map(_is_solid_black, colours))
        return _Mark(area, frozenset().union(*map(colour_plates, colours)), not overprints)

    box = frame.box
    match spec:
        case ShapeFrame() | ImprintFrame():
            return None
        case TextFrame():
            return [text(box, [spec.style])] if spec.slot in changeable else None
        case FlowFrame():
            flow = layout.flows[spec.flow]
            styles = [flow.body_style, flow.heading_style, flow.bullet_style]
            return [text(box, styles)] if flow.slot in changeable else None
        case ImageFrame():
            return [_Mark(box, frozenset(PROCESS), True)] if spec.slot in changeable else None
        case QrFrame():
            marks = []
            code = BoxPt(box.x, box.top - box.width, box.width, box.width)
            if ward_url:
                marks.append(_Mark(code, frozenset({"K"}), True))
            if spec.caption_slot in changeable and spec.caption_style:
                caption = BoxPt(box.x, box.y, box.width, max(0.0, box.height - box.width))
                marks.append(text(caption, [spec.caption_style]))
            return marks or None
        case _:
            assert_never(spec)


def plates_summary(plan: PlatePlan, languages: int) -> dict:
    """For the manifest: every plate, those that differ (each with the frames that make it so),
    and whether the run can be black-plate changes; ``languages``: how many the run's wards use."""
    return {
        "plates": list(plan.plates),
        "differ_from_ward_to_ward": {plate: list(frames) for plate, frames in plan.per_ward.items()},
        "same_for_every_ward": list(plan.shared),
        "differ_between_languages": {plate: list(frames) for plate, frames in plan.per_language.items()}
        if languages > 1
        else {},
        "black_plate_changes": plan.black_plate_changes,
    }


def plates_line(plan: PlatePlan, languages: int) -> str:
    """One line for a litho printer: which plates a ward changes, and whether that is black only."""

    def plates(names) -> str:
        names = list(names)
        return f"{', '.join(names)} {'is' if len(names) == 1 else 'are'}"

    per = f" of a language ({languages} languages)" if languages > 1 and plan.per_language else ""
    if not plan.per_ward:
        return f"plates: {plates(plan.plates)} the same for every ward{per}"
    differ = list(plan.per_ward)
    frames = sorted({frame for names in plan.per_ward.values() for frame in names})
    verb = "differs" if len(differ) == 1 else "differ"
    shared = f"; {plates(plan.shared)} the same for every ward{per}" if plan.shared else ""
    kind = "black-plate changes" if plan.black_plate_changes else "not black-plate changes"
    return f"plates: {', '.join(differ)} {verb} from ward to ward ({', '.join(frames)}){shared}: {kind}"
