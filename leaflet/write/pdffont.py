"""A font face + the glyphs a run (or one ward) needs -> PDF font objects: a TrueType subset made
by HarfBuzz's subsetter as a Type 0 font (Identity-H, two bytes a glyph), its widths, and a
ToUnicode map so text can be copied and searched.

Subsets keep every glyph's id, so a glyph's code in a content stream is its id in the font file,
whichever subset of the face holds it: the run's shared one or a ward's own.
"""

from __future__ import annotations

import hashlib
import json
import unicodedata
from collections.abc import Iterable
from dataclasses import dataclass
from functools import cache as cache_function
from functools import cached_property

import fontTools
import uharfbuzz as hb

from leaflet.assets import cache, fonts
from leaflet.assets.fonts import harfbuzz_face, open_font
from leaflet.model import FontFace
from leaflet.write import pdf

# Every face of a style's family carries this repertoire whether or not the campaign needs it, so
# that most wards' names need no glyph beyond the shared subset.
BASE_REPERTOIRE = frozenset(
    [chr(c) for c in range(0x20, 0x7F)]
    + [chr(c) for c in range(0xA0, 0x180)]
    + list("\u2013\u2014\u2018\u2019\u201a\u201c\u201d\u201e\u2022\u2026\u2002\u20ac")
)
FONT_OBJECTS = 5  # objects an embedded font takes: Type 0, CID font, descriptor, program, ToUnicode
_KEPT_PROGRAMS = 64  # wards' subsets remembered per face (the combined file embeds them again)


def _tag(name: str) -> int:
    return int.from_bytes(name.encode("ascii").ljust(4), "big")


_DROPPED_TABLES = [_tag(name) for name in ("GSUB", "GPOS", "GDEF", "DSIG", "kern", "morx", "JSTF", "BASE")]
_PRESENTATION_FORMS = ((0xFB00, 0xFDFF), (0xFE70, 0xFEFF))  # ligatures and Arabic forms as characters


class FontSource:
    """One face's font file, read once per run: what every subset of it needs."""

    def __init__(self, face: FontFace):
        self.face = face
        self.hb_face = harfbuzz_face(face.path)
        self._programs: dict[tuple[int, ...], bytes] = {}

    @cached_property
    def cmap(self) -> dict[int, int]:
        """Code point -> glyph id."""
        font = hb.Font(self.hb_face)
        return {code: font.get_nominal_glyph(code) for code in sorted(self.hb_face.unicodes)}

    @cached_property
    def widths(self) -> list[int]:
        """Each glyph's advance in thousandths of an em, rounded as the PDF's widths give it."""
        font = hb.Font(self.hb_face)
        scale = 1000.0 / self.hb_face.upem
        return [round(font.get_glyph_h_advance(gid) * scale) for gid in range(self.hb_face.glyph_count)]

    @cached_property
    def _facts(self) -> dict:
        """What the font file tells its PDF objects: its PostScript name, the descriptor's
        metrics, the text of each glyph. Read with fontTools, which takes a tenth of a second a
        face, so kept between runs (``assets.cache``), found by the file's bytes."""
        key = [cache.file_digest(self.face.path), *_reading()]
        return json.loads(cache.remembered("fonts", key, lambda: json.dumps(self._read_facts()).encode("ascii")))

    def _read_facts(self) -> dict:
        font = open_font(self.face.path)
        scale = 1000.0 / font["head"].unitsPerEm
        head, os2 = font["head"], font["OS/2"]
        return {
            "postscript_name": font["name"].getDebugName(6),
            "metrics": {
                "FontBBox": [round(v * scale) for v in (head.xMin, head.yMin, head.xMax, head.yMax)],
                "ItalicAngle": float(font["post"].italicAngle),
                "Ascent": round(os2.sTypoAscender * scale),
                "Descent": round(os2.sTypoDescender * scale),
                "CapHeight": round(getattr(os2, "sCapHeight", os2.sTypoAscender) * scale),
            },
            "to_unicode": self._read_to_unicode(font),
        }

    @cached_property
    def postscript_name(self) -> str:
        return self._facts["postscript_name"] or self.face.key

    @cached_property
    def descriptor(self) -> dict:
        """The font descriptor's entries that every subset of the face shares."""
        return {
            "Flags": 32 | (64 if self.face.italic else 0),  # nonsymbolic, italic
            **self._facts["metrics"],
            "StemV": 140 if self.face.bold else 80,
        }

    @cached_property
    def to_unicode(self) -> list[str]:
        """The text each glyph stands for ('' when none is known)."""
        return self._facts["to_unicode"]

    def _read_to_unicode(self, font) -> list[str]:
        """The text each glyph stands for ('' when none is known): its character from the cmap
        (the lowest code point, a presentation form as the letters it presents), else what the
        font's substitutions make it from ("fi" for the ligature of f and i, a letter's Arabic
        positional form for the letter)."""
        names = font.getGlyphOrder()
        gid = {name: index for index, name in enumerate(names)}
        text: dict[str, str] = {}
        for code, glyph in self.cmap.items():
            char = chr(code)
            if unicodedata.category(char) == "Cc" or glyph == 0:
                continue
            if any(low <= code <= high for low, high in _PRESENTATION_FORMS):  # an isolated mark's
                char = unicodedata.normalize("NFKC", char).lstrip(" ") or char  # form is the mark
            text.setdefault(names[glyph], char)
        _add_substitutions(font, text)
        mapped = [""] * len(names)
        for name, chars in text.items():
            mapped[gid[name]] = chars
        return mapped

    def closure(self, characters: Iterable[str]) -> frozenset[int]:
        """The glyphs of the characters the face has and every glyph shaping can make of them."""
        subset_input = hb.SubsetInput()
        for code in sorted(ord(char) for char in characters if ord(char) in self.cmap):
            subset_input.unicode_set.add(code)
        subset_input.flags = hb.SubsetFlags.RETAIN_GIDS
        return frozenset(hb.SubsetPlan(self.hb_face, subset_input).old_to_new_glyph_mapping.keys())

    def program(self, glyphs: tuple[int, ...]) -> bytes:
        """The TrueType subset holding ``glyphs`` (sorted) and .notdef, every glyph at its own id."""
        program = self._programs.get(glyphs)
        if program is None:
            subset_input = hb.SubsetInput()
            wanted = set(glyphs)
            for gid in sorted(wanted | {0}):
                subset_input.glyph_set.add(gid)
            for code, gid in self.cmap.items():  # a cmap for the glyphs kept, as font tools expect one
                if gid in wanted:
                    subset_input.unicode_set.add(code)
            for table in _DROPPED_TABLES:  # drawing places every glyph itself
                subset_input.drop_table_tag_set.add(table)
            subset_input.flags = (
                hb.SubsetFlags.RETAIN_GIDS
                | hb.SubsetFlags.NO_HINTING  # print output at 2400 dpi does not need it
                | hb.SubsetFlags.NOTDEF_OUTLINE
                | hb.SubsetFlags.NO_LAYOUT_CLOSURE  # the glyphs shaping chose are all it needs
            )
            subset = hb.subset(self.hb_face, subset_input)
            if subset is None:
                raise RuntimeError(f"HarfBuzz could not subset {self.face.path}")
            program = subset.blob.data
            if len(self._programs) >= _KEPT_PROGRAMS:
                self._programs.clear()
            self._programs[glyphs] = program
        return program


@cache_function
def _reading() -> list[bytes]:
    """What a font's facts are read with besides the file: this module, the one that opens
    fonts, and the versions of fontTools and HarfBuzz (which gives the cmap)."""
    versions = f"fontTools {fontTools.version}, HarfBuzz {hb.version_string()}".encode("ascii")
    return [cache.source_digest(__file__), cache.source_digest(fonts.__file__), versions]


def _add_substitutions(font, text: dict[str, str]) -> None:
    """Follow the font's glyph substitutions (GSUB) from glyphs whose text is known to the glyphs
    they become, until nothing new is learnt; the first text found for a glyph stays."""
    if "GSUB" not in font or font["GSUB"].table.LookupList is None:
        return
    subtables = []
    for lookup in font["GSUB"].table.LookupList.Lookup:
        for subtable in lookup.SubTable:
            subtables.append(subtable.ExtSubTable if lookup.LookupType == 7 else subtable)
    learnt = True
    while learnt:
        learnt = False
        for subtable in subtables:
            pairs: list[tuple[str, list[str]]] = []
            match subtable.LookupType:
                case 1:
                    pairs = [(out, [glyph]) for glyph, out in subtable.mapping.items()]
                case 2:
                    pairs = [(out[0], [glyph]) for glyph, out in subtable.mapping.items() if out]
                case 3:
                    pairs = [(out, [glyph]) for glyph, outs in subtable.alternates.items() for out in outs]
                case 4:
                    pairs = [
                        (ligature.LigGlyph, [first, *ligature.Component])
                        for first, ligatures in subtable.ligatures.items()
                        for ligature in ligatures
                    ]
                case 8:
                    pairs = [
                        (out, [glyph]) for glyph, out in zip(subtable.Coverage.glyphs, subtable.Substitute, strict=True)
                    ]
            for out, sources in pairs:
                if out not in text and all(source in text for source in sources):
                    text[out] = "".join(text[source] for source in sources)
                    learnt = True


def shared_glyphs(
    sources: dict[str, FontSource], style_families: set[str], characters: set[str], static: dict[str, set[int]]
) -> dict[str, frozenset[int]]:
    """What each face's shared subset holds: for a face of a style's family the base repertoire
    and the campaign's ``characters``, for a fallback family's the characters that no style's
    family has; each with every glyph shaping can make of them, and the glyphs the ``static``
    frames draw in it.  Nothing here depends on which wards a run builds."""
    primaries = [source for source in sources.values() if source.face.family in style_families]
    beyond = {char for char in characters if not any(ord(char) in source.cmap for source in primaries)}
    shared = {}
    for key, source in sources.items():
        wanted = characters | BASE_REPERTOIRE if source.face.family in style_families else beyond
        closure = source.closure(wanted) if wanted else frozenset()
        shared[key] = frozenset(closure | static.get(key, set())) - {0}
    return shared


@dataclass(frozen=True)
class EmbeddedFont:
    face: FontFace
    objects: tuple[tuple[int, bytes], ...]  # (object number, serialised object)
    font_ref: int


def embed_font(source: FontSource, glyphs: Iterable[int], first_number: int) -> EmbeddedFont:
    """Subset ``source`` to ``glyphs`` and serialise it from ``first_number`` on (``FONT_OBJECTS``
    objects)."""
    face = source.face
    kept = tuple(sorted(set(glyphs) - {0}))
    program = source.program(kept)
    tag = "".join(chr(65 + b % 26) for b in hashlib.md5(program).digest()[:6])
    base_font = pdf.Name(f"{tag}+{source.postscript_name}")
    n_type0, n_cid, n_descriptor, n_file, n_unicode = range(first_number, first_number + FONT_OBJECTS)
    descriptor = {"Type": pdf.Name("FontDescriptor"), "FontName": base_font, **source.descriptor}
    descriptor["FontFile2"] = pdf.Ref(n_file)
    cid_font = {
        "Type": pdf.Name("Font"),
        "Subtype": pdf.Name("CIDFontType2"),
        "BaseFont": base_font,
        "CIDSystemInfo": {"Registry": "Adobe", "Ordering": "Identity", "Supplement": 0},
        "FontDescriptor": pdf.Ref(n_descriptor),
        "DW": source.widths[0],
        "W": _widths_array(kept, source.widths),
        "CIDToGIDMap": pdf.Name("Identity"),
    }
    type0 = {
        "Type": pdf.Name("Font"),
        "Subtype": pdf.Name("Type0"),
        "BaseFont": base_font,
        "Encoding": pdf.Name("Identity-H"),
        "DescendantFonts": [pdf.Ref(n_cid)],
        "ToUnicode": pdf.Ref(n_unicode),
    }
    objects = (
        (n_type0, pdf.indirect(n_type0, type0)),
        (n_cid, pdf.indirect(n_cid, cid_font)),
        (n_descriptor, pdf.indirect(n_descriptor, descriptor)),
        (n_file, pdf.stream(n_file, {"Length1": len(program)}, program)),
        (n_unicode, pdf.stream(n_unicode, {}, _to_unicode_cmap(kept, source.to_unicode))),
    )
    return EmbeddedFont(face, objects, n_type0)


def _widths_array(glyphs: tuple[int, ...], widths: list[int]) -> list:
    """``[first [w w ...] first [w ...] ...]`` for runs of consecutive glyph ids."""
    array: list = []
    for gid in glyphs:
        if array and array[-2] + len(array[-1]) == gid:
            array[-1].append(widths[gid])
        else:
            array.extend([gid, [widths[gid]]])
    return array


def _to_unicode_cmap(glyphs: tuple[int, ...], texts: list[str]) -> bytes:
    entries = [(gid, texts[gid]) for gid in glyphs if texts[gid]]
    lines = [
        b"/CIDInit /ProcSet findresource begin 12 dict begin begincmap",
        b"/CIDSystemInfo << /Registry (Adobe) /Ordering (UCS) /Supplement 0 >> def",
        b"/CMapName /Adobe-Identity-UCS def /CMapType 2 def",
        b"1 begincodespacerange <0000> <FFFF> endcodespacerange",
    ]
    for start in range(0, len(entries), 100):
        chunk = entries[start : start + 100]
        lines.append(b"%d beginbfchar" % len(chunk))
        lines.extend(
            b"<%04X> <%s>" % (gid, text.encode("utf-16-be").hex().upper().encode("ascii")) for gid, text in chunk
        )
        lines.append(b"endbfchar")
    lines.append(b"endcmap CMapName currentdict /CMap defineresource pop end end")
    return b"\n".join(lines)
