"""leaflet.assets.fonts: font files -> shaped glyphs (HarfBuzz) and the metrics layout measures with."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st
from leaflet.assets.fonts import load_metrics
from leaflet.model import FontFace

from tests.conftest import FUZZ, ROOT

REGULAR = load_metrics(FontFace("Sans", False, False, ROOT / "fonts" / "NotoSans" / "NotoSans-Regular.ttf"))
ARABIC = load_metrics(
    FontFace("Arabic", False, False, ROOT / "fonts" / "NotoSansScripts" / "NotoSansArabic-Regular.ttf")
)


def _nominal(metrics, text: str) -> list[int]:
    """Each character's glyph from the cmap, no substitutions."""
    font = metrics.shaper
    return [font.get_nominal_glyph(ord(char)) for char in text]


def test_a_kerning_pair_moves_the_second_glyph_closer():
    shaped = REGULAR.shape("AV")
    assert shaped.glyphs == tuple(_nominal(REGULAR, "AV"))
    assert shaped.advances[0] < REGULAR.advances["A"]  # kerned
    assert shaped.advances[1] == REGULAR.advances["V"]
    assert shaped.width == pytest.approx(sum(shaped.advances) / 1000)
    assert REGULAR.width_pt("AV", 10) < REGULAR.width_pt("A", 10) + REGULAR.width_pt("V", 10)


def test_standard_ligatures_are_one_glyph():
    for text in ("fi", "fl", "ffi"):
        (glyph,) = REGULAR.shape(text).glyphs
        assert glyph not in _nominal(REGULAR, text)
    assert len(REGULAR.shape("office").glyphs) == 4  # o, ffi, c, e


def test_arabic_joins_and_runs_right_to_left():
    name = "محمد"
    shaped = ARABIC.shape(name, rtl=True)
    assert len(shaped.glyphs) == 4
    # drawn left to right: the last letter first, each in its joining form, not the isolated one
    assert set(shaped.glyphs).isdisjoint(_nominal(ARABIC, name))
    final = ARABIC.shape("د", rtl=True).glyphs[0]
    assert shaped.glyphs[0] != final  # dal joined to the meem before it: its final form


def test_marks_carry_their_offsets():
    shaped = ARABIC.shape("مُحَمَّد", rtl=True)
    assert shaped.offsets and len(shaped.offsets) == len(shaped.glyphs)
    assert any(y for _, y in shaped.offsets)
    assert not REGULAR.shape("Vote").offsets  # nothing moved off its pen position: no offsets kept


def test_a_text_is_shaped_once_and_remembered():
    assert REGULAR.shape("Remember me") is REGULAR.shape("Remember me")
    assert ARABIC.shape("علي", rtl=True) is not ARABIC.shape("علي")


@FUZZ
@given(st.text(alphabet=st.characters(codec="latin-1", categories=("L", "N", "P", "Zs")), max_size=30))
def test_widths_are_the_sum_of_the_advances(text):
    shaped = REGULAR.shape(text)
    assert len(shaped.glyphs) == len(shaped.advances) <= len(text)
    assert REGULAR.width_pt(text, 12) == pytest.approx(sum(shaped.advances) * 12 / 1000)


def test_parts_of_a_word_are_shaped_together_and_shared_out():
    whole = REGULAR.shape("AVAT-Tower")
    first, second = REGULAR.shape_parts(("AVAT-", "Tower"))
    assert first.glyphs + second.glyphs == whole.glyphs
    assert first.advances + second.advances == whole.advances  # the kerning across the hyphen kept
    assert first.width + second.width == pytest.approx(whole.width)


def test_a_part_that_a_join_cuts_a_ligature_of_is_shaped_alone():
    of, fice = REGULAR.shape_parts(("of", "fice"))  # the ffi ligature spans the join
    assert of == REGULAR.shape("of") and fice == REGULAR.shape("fice")
    offi, cers = REGULAR.shape_parts(("offi", "cers"))  # it does not span this one
    assert offi.glyphs + cers.glyphs == REGULAR.shape("officers").glyphs


def test_at_a_mended_join_a_ligature_across_it_goes_whole_with_the_part_it_starts_in():
    whole = REGULAR.shape("office")
    of, fice = REGULAR.shape_parts(("of", "fice"), mended=(0,))
    assert of.glyphs + fice.glyphs == whole.glyphs and of.advances + fice.advances == whole.advances
    assert len(of.glyphs) == 2 and fice.glyphs == whole.glyphs[2:]  # o + ffi, then c e
    of, f, ice = REGULAR.shape_parts(("of", "f", "ice"), mended=(0, 1))
    assert (of.glyphs, f.glyphs) == (whole.glyphs[:2], ())  # a part inside the ligature holds no glyph
    assert ice.glyphs == whole.glyphs[2:]


def test_metrics_read_by_harfbuzz_match_the_font_tables():
    """Advances, ascent and descent as fontTools reads them from hmtx, cmap, OS/2 and hhea."""
    from fontTools.ttLib import TTFont

    font = TTFont(REGULAR.face.path)
    scale = 1000.0 / font["head"].unitsPerEm
    hmtx = font["hmtx"].metrics
    expected = {chr(code): hmtx[glyph][0] * scale for code, glyph in font.getBestCmap().items()}
    assert REGULAR.advances == expected
    assert REGULAR.notdef_advance == hmtx[font.getGlyphOrder()[0]][0] * scale
    os2, hhea = font["OS/2"], font["hhea"]
    typo = os2.fsSelection & (1 << 7)
    assert REGULAR.ascent == (os2.sTypoAscender if typo else hhea.ascent) * scale
    assert REGULAR.descent == -(os2.sTypoDescender if typo else hhea.descent) * scale


def _cff_font(path):
    from fontTools.fontBuilder import FontBuilder
    from fontTools.pens.t2CharStringPen import T2CharStringPen

    builder = FontBuilder(1000, isTTF=False)
    builder.setupGlyphOrder([".notdef", "A"])
    builder.setupCharacterMap({ord("A"): "A"})
    pen = T2CharStringPen(500, None)
    pen.moveTo((0, 0)), pen.lineTo((500, 700)), pen.lineTo((500, 0)), pen.closePath()
    charstrings = {".notdef": T2CharStringPen(500, None).getCharString(), "A": pen.getCharString()}
    builder.setupCFF("Test", {"FullName": "Test"}, charstrings, {})
    builder.setupHorizontalMetrics({".notdef": (500, 0), "A": (500, 0)})
    builder.setupHorizontalHeader(ascent=800, descent=-200)
    builder.setupNameTable({"familyName": "Test", "styleName": "Regular"})
    builder.setupOS2(sTypoAscender=800, sTypoDescender=-200)
    builder.setupPost()
    builder.save(path)


@pytest.mark.parametrize(
    ("content", "message"),
    [
        (None, "font file not found"),
        (b"", "not a usable TrueType font"),
        (b"# not a font at all\n" * 20, "not a usable TrueType font"),
        ("truncated", "not a usable TrueType font"),
        ("cff", "font has PostScript (CFF) outlines"),
    ],
)
def test_a_font_file_that_cannot_be_used_is_named_with_why(tmp_path, content, message):
    from leaflet.errors import InputError

    path = tmp_path / "font.ttf"
    if content == "truncated":
        path.write_bytes(REGULAR.face.path.read_bytes()[:3000])
    elif content == "cff":
        _cff_font(path)
    elif content is not None:
        path.write_bytes(content)
    with pytest.raises(InputError) as raised:
        load_metrics(FontFace("Broken", False, False, path))
    assert message in str(raised.value)
    assert "font.ttf" in str(raised.value)
