"""leaflet.write.pdffont: a face + glyph ids -> a subset that keeps every glyph's id, its widths and
its ToUnicode map (a ligature reads as its letters)."""

from __future__ import annotations

import io
import re
import zlib

import pytest
from fontTools.ttLib import TTFont
from leaflet.model import FontFace
from leaflet.write.pdffont import FONT_OBJECTS, FontSource, embed_font

from tests.conftest import ROOT

SOURCE = FontSource(FontFace("Sans", False, False, ROOT / "fonts" / "NotoSans" / "NotoSans-Regular.ttf"))
ARABIC = FontSource(FontFace("Arabic", True, False, ROOT / "fonts" / "NotoSansScripts" / "NotoSansArabic-Bold.ttf"))


def _stream(serialised: bytes) -> bytes:
    data = serialised.split(b"stream\n", 1)[1].rsplit(b"\nendstream", 1)[0]
    return zlib.decompress(data)


def test_a_subset_keeps_the_glyph_ids_and_drops_the_rest():
    glyphs = [SOURCE.cmap[ord("V")], SOURCE.cmap[ord("o")]]
    embedded = embed_font(SOURCE, glyphs, 10)
    assert [number for number, _ in embedded.objects] == list(range(10, 10 + FONT_OBJECTS))
    program = TTFont(io.BytesIO(_stream(embedded.objects[3][1])))
    original = TTFont(SOURCE.face.path)
    order = program.getGlyphOrder()
    for gid in glyphs:
        assert program["glyf"][order[gid]].coordinates == original["glyf"][original.getGlyphOrder()[gid]].coordinates
    kept = [name for name in order if program["glyf"][name].numberOfContours]
    assert len(kept) == 3  # .notdef, V and o
    assert "GSUB" not in program and "GPOS" not in program


def test_widths_are_given_for_the_glyphs_kept():
    glyphs = sorted([SOURCE.cmap[ord(c)] for c in "ABC"] + [SOURCE.cmap[ord("z")]])
    cid_font = embed_font(SOURCE, glyphs, 1).objects[1][1]
    widths = re.search(rb"/W \[(.*?)\]/CIDToGIDMap", cid_font).group(1)
    first = glyphs[0]
    assert widths.startswith(
        b"%d [%d %d %d]" % (first, SOURCE.widths[first], SOURCE.widths[first + 1], SOURCE.widths[first + 2])
    )


@pytest.mark.parametrize(("text", "reads"), [("fi", "fi"), ("ffi", "ffi"), ("fl", "fl")])
def test_a_ligature_reads_back_as_its_letters(text, reads):
    from leaflet.assets.fonts import load_metrics

    (glyph,) = load_metrics(SOURCE.face).shape(text).glyphs
    assert SOURCE.to_unicode[glyph] == reads
    cmap = _stream(embed_font(SOURCE, [glyph], 1).objects[4][1])
    assert b"<%04X> <%s>" % (glyph, reads.encode("utf-16-be").hex().upper().encode()) in cmap


def test_arabic_forms_read_back_as_their_letters():
    from leaflet.assets.fonts import load_metrics

    shaped = load_metrics(ARABIC.face).shape("محمد", rtl=True)
    assert "".join(ARABIC.to_unicode[glyph] for glyph in reversed(shaped.glyphs)) == "محمد"


def test_the_closure_holds_what_shaping_makes_of_the_characters():
    closure = SOURCE.closure("office")
    assert {SOURCE.cmap[ord(c)] for c in "ofice"} <= closure
    from leaflet.assets.fonts import load_metrics

    assert set(load_metrics(SOURCE.face).shape("office").glyphs) <= closure  # the ffi ligature too
