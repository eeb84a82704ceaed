"""Boxes, glue and penalties with their widths + the width of each line -> where the lines break,
chosen for the whole paragraph at once (Knuth and Plass's total-fit algorithm).

Nothing here measures text: a caller turns words into boxes (a word or part of one), glue (the
space between words, with how far it may stretch and shrink) and penalties (a place a line may
break at a cost: a hyphen, or a forced break at the paragraph's end), in whatever unit it likes
as long as the line widths are in the same one.  Every line the result gives fits its width,
unless a single box is wider than the line (a word longer than the column): that box then gets
a line of its own.  See D. E. Knuth and M. F. Plass, "Breaking paragraphs into lines" (1981).
"""

from __future__ import annotations

import math
from collections.abc import Collection, Mapping, Sequence
from dataclasses import dataclass

FORBIDDEN = 10000.0  # a penalty this high forbids a break; its negative forces one
LAST_RESORT = 5000.0  # a penalty this high allows a break only when no line would fit without it
FILL = 1e9  # the stretch of the glue that fills a paragraph's last line
UNSTRETCHABLE = 1e12  # the badness of a short line with nothing to stretch: worse than any that can


@dataclass(frozen=True, slots=True)
class Box:
    width: float


@dataclass(frozen=True, slots=True)
class Glue:
    width: float
    stretch: float
    shrink: float


@dataclass(frozen=True, slots=True)
class Penalty:
    """A place to break at a cost; ``width`` is added to the line that ends here (a hyphen) and
    ``next_width`` to the line that starts after it (the rest of a word broken here, set anew)."""

    width: float
    cost: float
    flagged: bool = False  # a hyphen: consecutive flagged breaks are limited and cost more
    next_width: float = 0.0


Item = Box | Glue | Penalty


def paragraph_end() -> tuple[Item, ...]:
    """What ends every paragraph: glue that fills the last line, and the forced break."""
    return (Penalty(0, FORBIDDEN), Glue(0, FILL, 0), Penalty(0, -FORBIDDEN))


@dataclass(frozen=True)
class Rules:
    """How lines are judged.  ``ragged``: lines need not reach the right edge, so the room left
    at a line's end is its stretch, a ``ragged_stretch`` fraction of the line's width being the
    normal amount; justified lines stretch and shrink their glue.  A line's badness is 100 r^3
    for the ratio r of its stretch it uses; each pass of ``tolerances`` allows lines up to that
    ratio, and if none finds a way, any line that fits is allowed."""

    ragged: bool = False
    ragged_stretch: float = 0.2  # ratio 1 is a line 80% full
    tolerances: tuple[float, ...] = (1.0, 2.0)
    line_penalty: float = 10.0
    hyphens_in_a_row: int = 2  # at most this many lines in a row end with a hyphen
    double_hyphen_demerits: float = 3000.0
    fitness_demerits: float = 3000.0  # a loose line next to a tight one
    frame_end_demerits: float = 20000.0  # a word broken where the text moves on to the next frame


class _Node:
    """A feasible break: where, how many lines end there, and the best way to get there."""

    __slots__ = ("demerits", "fitness", "hyphens", "line", "position", "previous", "shrink", "stretch", "width")

    def __init__(self, position, line, fitness, hyphens, width, stretch, shrink, demerits, previous):
        self.position = position  # the item the line breaks at (-1: the paragraph's start)
        self.line = line  # lines before the next one
        self.fitness = fitness  # 0 tight, 1 decent, 2 loose, 3 very loose
        self.hyphens = hyphens  # hyphenated lines in a row ending here
        self.width, self.stretch, self.shrink = width, stretch, shrink  # running sums where the next line starts
        self.demerits = demerits
        self.previous = previous


def total_fit(
    items: Sequence[Item],
    widths: Sequence[float],
    rules: Rules = Rules(),
    frame_ends: Collection[int] = (),
    corrections: Mapping[tuple[int, int], float] | None = None,
) -> list[int]:
    """The items at which each line breaks, the last being the last item (which must force a
    break: end a paragraph with ``paragraph_end()``).  Line ``n`` is ``widths[n]`` wide, or
    ``widths[-1]`` beyond the list; a line whose number is in ``frame_ends`` is the last of its
    frame, and avoids ending with a hyphen.  ``corrections`` (item a, item b) -> what a line
    from the break at a (-1: the start) to the one at b is wider than its items add up to (a
    line inside one word, its parts shaped together); such a line may not fit where a longer
    one from a would, so only the items' own widths decide that lines from a are too long."""
    if not items:
        return []
    for tolerance in rules.tolerances:
        breaks = _find_breaks(items, widths, rules, tolerance, frame_ends, corrections, final=False)
        if breaks is not None:
            return breaks
    breaks = _find_breaks(items, widths, rules, math.inf, frame_ends, corrections, final=True)
    assert breaks is not None  # the final pass always finds a way
    return breaks


def _find_breaks(
    items, widths, rules: Rules, tolerance: float, frame_ends, corrections, final: bool
) -> list[int] | None:
    # Line numbers matter only while the widths or the frame ends still change with them.
    distinct_lines = max(len(widths) - 1, max(frame_ends, default=-1) + 1)
    ragged = rules.ragged_stretch if rules.ragged else 0.0
    active = [_Node(-1, 0, 1, 0, 0.0, 0.0, 0.0, 0.0, None)]
    total_width = total_stretch = total_shrink = 0.0
    count = len(items)

    for index, item in enumerate(items):
        kind = type(item)
        if kind is Box:
            total_width += item.width
            continue
        if kind is Glue:
            breakable = index > 0 and type(items[index - 1]) is Box
            break_width, cost, flagged = 0.0, 0.0, False
        else:
            breakable = item.cost < (FORBIDDEN if final else LAST_RESORT)
            break_width, cost, flagged = item.width, item.cost, item.flagged
        if breakable:
            forced = cost <= -FORBIDDEN
            best: dict[tuple[int, int, int], tuple[float, _Node]] = {}
            kept: list[_Node] = []
            dropped: list[_Node] = []
            for node in active:
                line = node.line
                width = widths[line] if line < len(widths) else widths[-1]
                natural = total_width - node.width + break_width
                too_long = None  # whether lines from the node on are too long, when a correction hides it
                if corrections and (extra := corrections.get((node.position, index))):
                    too_long = natural > width and (width - natural) < -(total_shrink - node.shrink)
                    natural += extra
                if natural < width:
                    stretch = total_stretch - node.stretch + ragged * width
                    ratio = (width - natural) / stretch if stretch > 0 else math.inf
                elif natural > width:
                    shrink = total_shrink - node.shrink
                    ratio = (width - natural) / shrink if shrink > 0 else -math.inf
                else:
                    ratio = 0.0
                if (ratio < -1 if too_long is None else too_long) or forced:
                    dropped.append(node)
                else:
                    kept.append(node)
                if ratio < -1 or ratio > tolerance:
                    continue
                if flagged and node.hyphens >= rules.hyphens_in_a_row and not final:
                    continue
                badness = 100 * abs(ratio) ** 3 if ratio < math.inf else UNSTRETCHABLE
                demerits = (rules.line_penalty + badness) ** 2
                if cost > 0:
                    demerits += cost * cost
                elif cost > -FORBIDDEN:
                    demerits -= cost * cost
                if flagged:
                    if node.hyphens:
                        demerits += rules.double_hyphen_demerits
                    if line in frame_ends:
                        demerits += rules.frame_end_demerits
                fitness = 0 if ratio < -0.5 else 1 if ratio <= 0.5 else 2 if ratio <= 1 else 3
                if abs(fitness - node.fitness) > 1:
                    demerits += rules.fitness_demerits
                total = node.demerits + demerits
                key = (fitness, min(line + 1, distinct_lines), node.hyphens + 1 if flagged else 0)
                if key not in best or total < best[key][0]:
                    best[key] = (total, node)
            if not best and not kept and final and dropped:
                # Nothing fits: a box wider than its line.  Give it a line of its own, after the
                # latest break there was (what TeX calls artificial demerits).
                node = max(dropped, key=lambda n: (n.position, -n.demerits))
                best[(1, min(node.line + 1, distinct_lines), 0)] = (node.demerits, node)
            active = kept
            if best:
                width, stretch, shrink = total_width, total_stretch, total_shrink
                for after in range(index, count):  # glue and penalties after a break are dropped
                    following = items[after]
                    if type(following) is Box:
                        break
                    if type(following) is Glue:
                        width += following.width
                        stretch += following.stretch
                        shrink += following.shrink
                    elif following.cost <= -FORBIDDEN and after > index:
                        break
                if kind is Penalty:
                    width -= item.next_width
                for (fitness, _, hyphens), (total, node) in best.items():
                    active.append(_Node(index, node.line + 1, fitness, hyphens, width, stretch, shrink, total, node))
            if not active:
                return None
        if kind is Glue:
            total_width += item.width
            total_stretch += item.stretch
            total_shrink += item.shrink

    ends = [node for node in active if node.position == count - 1]
    if not ends:
        return None
    best_end: _Node | None = min(ends, key=lambda n: n.demerits)
    breaks: list[int] = []
    while best_end is not None and best_end.position >= 0:
        breaks.append(best_end.position)
        best_end = best_end.previous
    return breaks[::-1]
