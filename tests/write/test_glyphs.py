"""leaflet.write.glyphs: a shaped run + its font's widths -> TJ operators, rise for marks, ActualText."""

from __future__ import annotations

import re

import pytest
from leaflet.model import Cmyk, GlyphRun
from leaflet.write.glyphs import actual_text, show_glyphs

BLACK = Cmyk(0, 0, 0, 1)
WIDTHS = [500] * 20


def _run(glyphs, advances, offsets=(), text="", size=10.0, right_to_left=False):
    return GlyphRun(
        "Sans-Regular", size, BLACK, 0, text, tuple(glyphs), tuple(advances), tuple(offsets), 0.0, right_to_left
    )


def _pen_positions(ops: bytes, widths: list[int], size: float) -> list[tuple[int, float, float]]:
    """(glyph, x, rise) for each glyph the operators show, as a PDF reader places them."""
    placed = []
    x = rise = 0.0
    for token in re.findall(rb"<[0-9A-F]*>|-?[\d.]+ Ts|-?[\d.]+", ops):
        if token.startswith(b"<"):
            for index in range(1, len(token) - 1, 4):
                gid = int(token[index : index + 4], 16)
                placed.append((gid, round(x, 6), rise))
                x += widths[gid] / 1000 * size
        elif token.endswith(b"Ts"):
            rise = float(token.split()[0])
        else:
            x -= float(token) / 1000 * size
    return placed


def test_glyphs_at_their_own_widths_are_one_string():
    assert show_glyphs(_run([1, 2, 3], [500, 500, 500]), WIDTHS) == b"<000100020003> Tj\n"


def test_a_kerned_glyph_moves_the_pen_by_its_advance():
    ops = show_glyphs(_run([1, 2, 3], [480, 500, 500.5]), WIDTHS)
    assert ops == b"[<0001> 20 <00020003> -0.5] TJ\n"
    assert [x for _, x, _ in _pen_positions(ops, WIDTHS, 10)] == pytest.approx([0, 4.8, 9.8])


def test_offset_glyphs_are_moved_and_raised():
    run = _run([1, 2, 3], [500, 0, 500], offsets=[(0, 0), (-250, 300), (0, 0)], size=10)
    ops = show_glyphs(run, WIDTHS)
    assert _pen_positions(ops, WIDTHS, 10) == [(1, 0.0, 0.0), (2, 2.5, 3.0), (3, 5.0, 0.0)]
    assert b" 0 Ts " in ops


def test_a_run_that_reads_back_needs_no_actual_text():
    to_unicode = ["", "f", "i", "fi", " ", "ل", "ا", "ي", "\u064e\u0651", "\u09bf", "\u0995"]
    assert actual_text(_run([3, 4, 1], [1, 1, 1], text="fi f"), to_unicode) is None
    assert actual_text(_run([7, 6, 5], [1, 1, 1], text="لاي", right_to_left=True), to_unicode) is None
    assert actual_text(_run([8, 5], [1, 1], text="ل\u0651\u064e", right_to_left=True), to_unicode) is None  # marks
    assert actual_text(_run([9, 10], [1, 1], text="\u0995\u09bf"), to_unicode) == b"<FEFF099509BF>"  # কি
