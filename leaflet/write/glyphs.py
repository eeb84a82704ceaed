"""A shaped glyph run + its font's widths -> the content stream operators that show it: glyph codes
(the glyph ids, two bytes each) with TJ adjustments wherever a glyph's advance differs from its
width in the font (kerning, word spacing), text rise for glyphs drawn above or below the
baseline, and an ActualText span when the font's ToUnicode map cannot give the run's text back.
"""

from __future__ import annotations

import operator
import struct
import unicodedata

from leaflet.model import GlyphRun
from leaflet.write import pdf

_ADJUST_BELOW = 0.005  # thousandths of an em: an adjustment smaller than this is not written


def _codes(glyphs: tuple[int, ...] | list[int]) -> bytes:
    return b"<" + struct.pack(f">{len(glyphs)}H", *glyphs).hex().upper().encode("ascii") + b">"


def show_glyphs(run: GlyphRun, widths: list[int]) -> bytes:
    """``Tj``, or ``TJ`` with adjustments, placing every glyph of ``run`` where layout put it.

    A glyph shown moves the pen on by its width (``widths``, as the PDF font's W array gives
    it); the number after it in a TJ array moves the pen back by that many thousandths of an em,
    so ``width - advance`` leaves the pen exactly one advance on."""
    if run.offsets:
        return _show_offset_glyphs(run, widths)
    glyphs = run.glyphs
    adjustments = list(map(operator.sub, map(widths.__getitem__, glyphs), run.advances))
    items: list[bytes] = []
    start = 0
    for index, adjust in enumerate(adjustments):
        if adjust and (rounded := round(adjust, 2)):
            items.append(_codes(glyphs[start : index + 1]))
            items.append(pdf.number(rounded))
            start = index + 1
    if not items:
        return _codes(glyphs) + b" Tj\n"
    if start < len(glyphs):
        items.append(_codes(glyphs[start:]))
    return b"[" + b" ".join(items) + b"] TJ\n"


def _show_offset_glyphs(run: GlyphRun, widths: list[int]) -> bytes:
    """As ``show_glyphs``, for runs with glyphs off their pen position (marks in Arabic and Indic
    scripts): an x offset is an adjustment before and after the glyph, a y offset a text rise."""
    n = pdf.number
    ops: list[bytes] = []
    items: list[bytes] = []
    pending: list[int] = []
    rise = 0.0
    scale = run.size_pt / 1000

    def flush_codes() -> None:
        if pending:
            items.append(_codes(pending))
            pending.clear()

    for index, gid in enumerate(run.glyphs):
        x_offset, y_offset = run.offsets[index]
        glyph_rise = round(y_offset * scale, 3)
        if glyph_rise != rise:
            flush_codes()
            if items:
                ops.append(b"[" + b" ".join(items) + b"] TJ ")
                items = []
            ops.append(b"%s Ts " % n(glyph_rise))
            rise = glyph_rise
        if abs(x_offset) >= _ADJUST_BELOW:
            flush_codes()
            items.append(n(round(-x_offset, 2)))
        pending.append(gid)
        adjust = widths[gid] - run.advances[index] + x_offset
        if abs(adjust) >= _ADJUST_BELOW:
            flush_codes()
            items.append(n(round(adjust, 2)))
    flush_codes()
    if items:
        ops.append(b"[" + b" ".join(items) + b"] TJ ")
    if rise:
        ops.append(b"0 Ts")
    return b"".join(ops).rstrip(b" ") + b"\n"


def actual_text(run: GlyphRun, to_unicode: list[str]) -> bytes | None:
    """The run's text as an ActualText entry, when reading its glyphs through the ToUnicode map
    does not give it back (reordered Indic vowel signs, a glyph made of several characters that
    no map entry can say); None when it does.  A right-to-left run's glyphs, read left to right,
    give its text backwards: text extractors expect that and turn it round themselves (they would
    turn an ActualText round too).  Marks in another order of the same meaning (canonically
    equivalent) read back as the same text."""
    read = list(map(to_unicode.__getitem__, run.glyphs))
    if run.right_to_left:
        read.reverse()
    forward = "".join(read)
    if forward == run.text or unicodedata.normalize("NFC", forward) == unicodedata.normalize("NFC", run.text):
        return None
    return pdf.text_string(run.text)
