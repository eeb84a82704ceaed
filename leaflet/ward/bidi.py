"""A paragraph's text -> its characters' bidirectional embedding levels (the Unicode Bidirectional
Algorithm, from python-bidi), and a line's pieces -> the order they are drawn in, left to right.

Lines are broken in reading (logical) order; each line's pieces are then reordered visually
(rule L2).  A paragraph with nothing written right to left skips all of it.
"""

from __future__ import annotations

import re

from bidi.bidi import get_display_inner

# Characters of strong right-to-left scripts (Hebrew, Arabic, Syriac, Thaana, N'Ko, ... and their
# presentation forms) and the marks and controls that open right-to-left text.
_RIGHT_TO_LEFT = re.compile(
    "[\u0590-\u08ff\u200f\u202b\u202e\u2067\ufb1d-\ufdff\ufe70-\ufefe\U00010800-\U00010fff\U0001e800-\U0001efff]"
)
_LEVELS = re.compile(r"\n    levels: \[\n(.*?)\n    \],", re.DOTALL)
_LEVEL = re.compile(r"Level\(\s*(\d+),?\s*\)")


def has_right_to_left(text: str) -> bool:
    return _RIGHT_TO_LEFT.search(text) is not None


def embedding_levels(text: str) -> list[int] | None:
    """One level per character (even: left to right, odd: right to left), the paragraph's
    direction taken from its first strong character; None when every level is 0."""
    if not has_right_to_left(text):
        return None
    # python-bidi gives its levels (documented: ``debug`` "returns the calculated levels") as the
    # Rust crate's debug text, one per byte of the UTF-8 text.
    found = _LEVELS.search(get_display_inner(text, None, True))
    by_byte = [int(level) for level in _LEVEL.findall(found.group(1))] if found else []
    if len(by_byte) != len(text.encode("utf-8")):
        raise RuntimeError("python-bidi gave no embedding levels that leaflet can read: install python-bidi>=0.6")
    levels = []
    position = 0
    for char in text:
        levels.append(by_byte[position])
        position += len(char.encode("utf-8"))
    return levels


def visual_order(levels: list[int]) -> list[int]:
    """The indexes of a line's pieces (each at one level, in reading order) left to right: from
    the highest level down to the lowest odd one, every run of pieces at that level or higher is
    reversed."""
    order = list(range(len(levels)))
    if not levels:
        return order
    for level in range(max(levels), (min(levels) | 1) - 1, -1):  # down to the lowest odd level
        start = None
        for position in range(len(order) + 1):
            inside = position < len(order) and levels[order[position]] >= level
            if inside and start is None:
                start = position
            elif not inside and start is not None:
                order[start:position] = order[start:position][::-1]
                start = None
    return order
