"""A paragraph's words + the frames of a chain from where it starts -> its lines, frame by frame.

A paragraph never leaves its first line alone at the foot of a frame (an orphan) nor its last
line alone at the head of the next (a widow); a heading is set whole with room for what must
follow it.  Nothing here measures: the lines come from the caller's breaker (greedy or
total-fit), the heights from its ``Spacing``; a word is whatever the breaker takes.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Generic, TypeVar

Word = TypeVar("Word")
# (words, the width of each line, the lines that end a frame) -> the words' lines
Breaker = Callable[[list[Word], list[float], frozenset[int]], list[list[Word]]]


@dataclass(slots=True)
class Spacing:
    """A paragraph's vertical measures at the size it is set, in points."""

    ascent: float
    descent: float
    leading: float
    space_before: float

    def baselines(
        self,
        count: int,
        frame_has_lines: bool,
        starts_paragraph: bool,
        depth: float,
        height: float,
        reserve: float | None = None,
    ) -> list[float]:
        """Baselines (below the frame's top) of the next ``count`` lines, as many as fit below
        ``depth``; the last of them needs ``reserve`` below it instead of the descent."""
        baselines: list[float] = []
        for line_number in range(count):
            if not frame_has_lines and line_number == 0:
                baseline = self.ascent
            elif line_number == 0 and starts_paragraph:
                baseline = depth + self.space_before + self.leading
            else:
                baseline = depth + self.leading
            below = reserve if reserve is not None and line_number == count - 1 else self.descent
            if baseline + below > height + 1e-6:
                break
            baselines.append(baseline)
            depth = baseline
        return baselines


@dataclass(slots=True)
class Placement(Generic[Word]):
    """A paragraph's lines by frame, from the frame it starts in, and how many of its words they
    hold (the rest fit in no frame of the chain)."""

    chunks: list[list[list[Word]]]
    placed: int


def place_paragraph(words: list[Word], breaker: Breaker, widths: list[float], caps: list[int]) -> Placement[Word]:
    """Lines spread over the frames, at most ``caps[i]`` in frame ``i`` (``widths[i]`` wide),
    without orphans or widows.  The lines are broken for the frames they land in, and told
    where a frame ends; where moving lines on changes that, they are broken again (a few times
    at most, then kept in the frames they were broken for)."""
    if len(caps) == 1:  # one frame: what fits, and the rest left over
        lines = breaker(words, widths, frozenset())
        return Placement([lines[: caps[0]]], sum(map(len, lines[: caps[0]])))
    assumed = list(caps)
    lines = []
    for attempt in range(3):
        shape = frame_of_each_line(assumed, caps, len(words))
        line_widths = [widths[min(frame, len(widths) - 1)] for frame in shape]
        while len(line_widths) > 1 and line_widths[-1] == line_widths[-2]:
            line_widths.pop()  # the last width holds for every later line
        frame_ends = frozenset(n for n in range(len(shape) - 1) if shape[n] != shape[n + 1])
        lines = breaker(words, line_widths, frame_ends)
        takes = without_orphans_and_widows(len(lines), caps)
        if frame_of_each_line(takes, caps, len(lines)) == shape[: len(lines)]:
            break
        if attempt == 2:
            takes = assumed  # no agreement: keep the lines in the frames they were broken for
            break
        assumed = takes[:-1]  # the frame the paragraph ends in may take more lines, up to its capacity
    chunks: list[list[list[Word]]] = [[] for _ in caps]
    placed = 0
    for line, frame in zip(lines, frame_of_each_line(takes, caps, len(lines)), strict=True):
        if frame < len(caps):
            chunks[frame].append(line)
            placed += len(line)
    return Placement(chunks, placed)


def frame_of_each_line(takes: list[int], caps: list[int], count: int) -> list[int]:
    """For each of ``count`` lines, the frame it goes in: ``takes[i]`` lines in frame ``i``,
    ``caps[i]`` in the frames after those ``takes`` names, ``len(caps)`` beyond the chain."""
    shape: list[int] = []
    for frame, cap in enumerate(caps):
        take = takes[frame] if frame < len(takes) else cap
        shape.extend([frame] * min(take, count - len(shape)))
    return shape + [len(caps)] * (count - len(shape))


def without_orphans_and_widows(count: int, caps: list[int]) -> list[int]:
    """How many of ``count`` lines go in each frame: as many as fit, but a frame never takes a
    paragraph's first line alone, nor leaves its last line alone for the next one (so a
    paragraph of two or three lines is never split).  The chain's last frame takes what fits:
    what does not is left over either way."""
    takes: list[int] = []
    remaining = count
    for frame, cap in enumerate(caps):
        take = min(cap, remaining)
        if take < remaining and frame < len(caps) - 1:
            if remaining - take == 1:
                take -= 1  # the last line would be a widow: take one more along
            if take == 1 and remaining == count:
                take = 0  # the first line would be an orphan: start in the next frame
        takes.append(take)
        remaining -= take
        if not remaining:
            break
    return takes


def place_heading(
    words: list[Word],
    breaker: Breaker,
    widths: list[float],
    spacing: Spacing,
    frame_has_lines: bool,
    depth: float,
    heights: list[float],
    reserve: float | None,
) -> Placement[Word]:
    """A heading is set whole where it fits with ``reserve`` below it (room for the lines that
    must follow it), else it moves to the next frame; one that fits in no frame whole breaks in
    an empty frame of its own."""
    chunks: list[list[list[Word]]] = []
    placed = 0
    for offset, (width, height) in enumerate(zip(widths, heights, strict=True)):
        has_lines = offset == 0 and frame_has_lines
        at = depth if offset == 0 else 0.0
        lines = breaker(words[placed:], [width], frozenset())
        if len(spacing.baselines(len(lines), has_lines, True, at, height, reserve)) == len(lines):
            return Placement([*chunks, lines], len(words))
        if has_lines and not placed:
            chunks.append([])  # move on whole
            continue
        fitting = len(spacing.baselines(len(lines), has_lines, not chunks, at, height))
        if fitting == len(lines):
            return Placement([*chunks, lines], len(words))  # alone in its frame
        chunks.append(lines[:fitting])
        placed += sum(map(len, lines[:fitting]))
    return Placement(chunks, placed)
