"""A laid-out leaflet -> small text that the plates' registration can spoil: light text reversed
out of a background of several inks (or a photo), and small text printed with several inks.

A press never lays its plates down exactly on top of each other.  Text knocked out of a navy of
three inks shows a fringe of one of them inside its letters when a plate shifts, and small text
made of several inks goes soft or colour-fringed; both need size (or weight) to survive.  What is
under a line is read from the frames drawn before it on its page.  A frame whose text and
backgrounds are all shared by every ward is checked once a run.
"""

from __future__ import annotations

from dataclasses import dataclass

from leaflet.assets.fonts import FontMetrics
from leaflet.assets.images import press_lightness
from leaflet.model import (
    BoxPt,
    Cmyk,
    FilledBox,
    Finding,
    GlyphRun,
    LaidOutFrame,
    LaidOutLeaflet,
    Layout,
    PlacedImage,
    TextLine,
    Thresholds,
)

LIGHT_TEXT_LIGHTNESS = 70.0  # CIE L* under the press condition: text at least this light is reversed text ...
DARKER_BY = 20.0  # ... when its background is this much darker (or a photo)


@dataclass(frozen=True)
class _Ground:
    """What is under a stretch of text: a photo, a fill, or paper."""

    colour: Cmyk | None  # None: a photo; paper is no ink at all

    @property
    def inks(self) -> int:
        return 2 if self.colour is None else ink_count(self.colour)

    def described(self) -> str:
        if self.colour is None:
            return "a photo"
        return f"a fill of {self.inks} inks ({_percentages(self.colour)})"


def ink_count(colour: Cmyk) -> int:
    """How many plates print a colour: a spot ink is one."""
    if colour.spot:
        return 1
    return sum(1 for value in (colour.c, colour.m, colour.y, colour.k) if value > 0)


def _lightness(colour: Cmyk) -> float:
    return press_lightness(colour.c, colour.m, colour.y, colour.k)


def _percentages(colour: Cmyk) -> str:
    return colour.spot or "/".join(f"{value * 100:g}" for value in (colour.c, colour.m, colour.y, colour.k))


class InkRules:
    """The reversed-text and multi-ink-text rules for the leaflets of one run."""

    def __init__(self, layout: Layout, metrics: dict[str, FontMetrics], thresholds: Thresholds):
        self.layout = layout
        self.metrics = metrics
        self.limits = thresholds
        self._shared: dict[tuple[int, ...], list[Finding]] = {}

    def check(self, leaflet: LaidOutLeaflet) -> list[Finding]:
        findings: list[Finding] = []
        for page in leaflet.pages:
            for index, frame in enumerate(page.frames):
                if not any(isinstance(item, TextLine) for item in frame.items):
                    continue
                below = [other for other in page.frames[:index] if _meets(other.box, frame.box)]
                key = (id(frame), *(id(other) for other in below))
                if frame.static and all(other.static for other in below):
                    if key not in self._shared:
                        self._shared[key] = self._frame(page.name, frame, below)
                    found = self._shared[key]
                else:
                    found = self._frame(page.name, frame, below)
                findings.extend(
                    Finding(f.severity, f.rule, f.message, leaflet.ward.code, f.page, f.frame) for f in found
                )
        return findings

    def _frame(self, page: str, frame: LaidOutFrame, below: list[LaidOutFrame]) -> list[Finding]:
        """At most one finding per rule for a frame: its first line that breaks it."""
        found: dict[str, Finding] = {}
        areas_before: list[FilledBox | PlacedImage] = [
            item for other in below for item in other.items if isinstance(item, FilledBox | PlacedImage)
        ]
        for item in frame.items:
            if isinstance(item, FilledBox | PlacedImage):
                areas_before.append(item)
            if not isinstance(item, TextLine):
                continue
            for run in item.runs:
                if "reversed-text" not in found and self._small_and_light(run):
                    message = self._reversed(run, _grounds(self._extent(item, run), areas_before))
                    if message:
                        found["reversed-text"] = Finding("warning", "reversed-text", message, None, page, frame.name)
                if "multi-ink-text" not in found and run.text.strip():
                    message = self._multi_ink(run)
                    if message:
                        found["multi-ink-text"] = Finding("warning", "multi-ink-text", message, None, page, frame.name)
        return list(found.values())

    def _small_and_light(self, run: GlyphRun) -> bool:
        """Whether ``run`` is text small and light enough to be at risk reversed out (what is
        under it is looked for only then)."""
        bold = self.layout.fonts[run.font].bold
        smallest = self.limits.reversed_text_min_pt if bold else self.limits.reversed_text_regular_min_pt
        return (
            run.size_pt < smallest - 1e-6 and bool(run.text.strip()) and _lightness(run.colour) >= LIGHT_TEXT_LIGHTNESS
        )

    def _reversed(self, run: GlyphRun, grounds: list[_Ground]) -> str | None:
        """Why ``run``, small light text (``_small_and_light``), is at risk on ``grounds``, if it is."""
        bold = self.layout.fonts[run.font].bold
        smallest = self.limits.reversed_text_min_pt if bold else self.limits.reversed_text_regular_min_pt
        text_lightness = _lightness(run.colour)
        for ground in grounds:
            darker = ground.colour is None or _lightness(ground.colour) <= text_lightness - DARKER_BY
            if ground.inks > 1 and darker:
                weight = "bold" if bold else "regular"
                bigger = f"{smallest:g} pt or more" + ("" if bold else f" (bold: {self.limits.reversed_text_min_pt:g})")
                return (
                    f'{run.size_pt:.3g} pt {weight} light text "{run.text.strip()[:30]}" is reversed out of '
                    f"{ground.described()}: when the plates shift its letters fill in; set it at {bigger}, or on "
                    "a background of one ink"
                )
        return None

    def _multi_ink(self, run: GlyphRun) -> str | None:
        inks = ink_count(run.colour)
        smallest = self.limits.multi_ink_text_min_pt
        if inks < 2 or run.size_pt >= smallest - 1e-6:
            return None
        return (
            f'{run.size_pt:.3g} pt text "{run.text.strip()[:30]}" is printed with {inks} inks '
            f"({_percentages(run.colour)}): when the plates shift it goes soft and fringed; set it at "
            f"{smallest:g} pt or more, or in one ink (100% K)"
        )

    def _extent(self, line: TextLine, run: GlyphRun) -> BoxPt:
        font = self.metrics[run.font]
        ascent, descent = font.ascent * run.size_pt / 1000, font.descent * run.size_pt / 1000
        return BoxPt(run.x_pt, line.baseline_pt - descent, run.width_pt, ascent + descent)


def _grounds(extent: BoxPt, areas_before: list[FilledBox | PlacedImage]) -> list[_Ground]:
    """What shows under ``extent``: the areas drawn before it that reach it, from the top down
    to the first that covers it all (or paper, if none does)."""
    grounds = []
    for area in reversed(areas_before):
        if isinstance(area, FilledBox):
            if area.fill is None or not _meets(area.box, extent):
                continue
            grounds.append(_Ground(area.fill))
            box = area.box
        else:
            if not _meets(area.clip, extent):
                continue
            grounds.append(_Ground(None))
            box = area.clip
        if _contains(box, extent):
            return grounds
    return [*grounds, _Ground(Cmyk(0, 0, 0, 0))]


def _meets(a: BoxPt, b: BoxPt) -> bool:
    return a.x < b.right and b.x < a.right and a.y < b.top and b.y < a.top


def _contains(outer: BoxPt, inner: BoxPt) -> bool:
    return outer.x <= inner.x and outer.y <= inner.y and outer.right >= inner.right and outer.top >= inner.top
