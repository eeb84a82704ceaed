"""A font face + the characters a run needs -> PDF font objects: a TrueType subset as a Type 0
font (Identity-H, two bytes a glyph), its widths, and a ToUnicode map so text can be copied
and searched.  Done once per run; drawing then encodes text by table look-up.
"""

from __future__ import annotations

import hashlib
import io
from dataclasses import dataclass

from fontTools import subset

from leaflet.assets.fonts import open_font
from leaflet.model import FontFace
from leaflet.write import pdf

# Every face carries this repertoire whether or not a ward needs it, so that a ward's file does not
# change when another ward is added to the spreadsheet.
BASE_REPERTOIRE = frozenset(
    [chr(c) for c in range(0x20, 0x7F)]
    + [chr(c) for c in range(0xA0, 0x180)]
    + list("\u2013\u2014\u2018\u2019\u201a\u201c\u201d\u201e\u2022\u2026\u2002\u20ac")
)


@dataclass(frozen=True)
class EmbeddedFont:
    face: FontFace
    objects: tuple[tuple[int, bytes], ...]  # (object number, serialised object)
    font_ref: int
    glyph_codes: dict[str, bytes]  # character -> its two-byte code as hex, e.g. b"002A"


def embed_font(face: FontFace, characters: set[str], first_number: int) -> EmbeddedFont:
    """Subset ``face`` to ``characters`` (those it has) and serialise it from ``first_number`` on."""
    font = open_font(face.path)
    covered = set(font.getBestCmap())
    wanted = sorted(ord(c) for c in (characters | BASE_REPERTOIRE) if ord(c) in covered)
    options = subset.Options()
    options.name_IDs = [0, 1, 2, 3, 4, 5, 6]  # keep the copyright notice and names
    options.notdef_outline = True
    options.hinting = False  # print output at 2400 dpi does not need it
    options.layout_features = []
    options.drop_tables += ["GPOS", "GSUB", "GDEF", "DSIG"]
    subsetter = subset.Subsetter(options)
    subsetter.populate(unicodes=wanted)
    subsetter.subset(font)
    font.recalcTimestamp = False  # keep head.modified: same inputs, same bytes
    buffer = io.BytesIO()
    font.save(buffer)
    program = buffer.getvalue()

    order = font.getGlyphOrder()
    gid = {name: index for index, name in enumerate(order)}
    cmap = font.getBestCmap()
    scale = 1000.0 / font["head"].unitsPerEm
    hmtx = font["hmtx"].metrics
    widths = [round(hmtx[name][0] * scale) for name in order]
    glyph_codes = {chr(code): b"%04X" % gid[name] for code, name in cmap.items()}

    tag = "".join(chr(65 + b % 26) for b in hashlib.md5(program).digest()[:6])
    postscript = font["name"].getDebugName(6) or face.key
    base_font = pdf.Name(f"{tag}+{postscript}")
    bbox = [round(v * scale) for v in (font["head"].xMin, font["head"].yMin, font["head"].xMax, font["head"].yMax)]
    os2 = font["OS/2"]
    flags = 32 | (64 if face.italic else 0)  # nonsymbolic, italic
    n_type0, n_cid, n_descriptor, n_file, n_unicode = range(first_number, first_number + 5)
    descriptor = {
        "Type": pdf.Name("FontDescriptor"),
        "FontName": base_font,
        "Flags": flags,
        "FontBBox": bbox,
        "ItalicAngle": float(font["post"].italicAngle),
        "Ascent": round(os2.sTypoAscender * scale),
        "Descent": round(os2.sTypoDescender * scale),
        "CapHeight": round(getattr(os2, "sCapHeight", os2.sTypoAscender) * scale),
        "StemV": 140 if face.bold else 80,
        "FontFile2": pdf.Ref(n_file),
    }
    cid_font = {
        "Type": pdf.Name("Font"),
        "Subtype": pdf.Name("CIDFontType2"),
        "BaseFont": base_font,
        "CIDSystemInfo": {"Registry": "Adobe", "Ordering": "Identity", "Supplement": 0},
        "FontDescriptor": pdf.Ref(n_descriptor),
        "DW": 0,
        "W": [0, widths],
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
        (n_unicode, pdf.stream(n_unicode, {}, _to_unicode_cmap(glyph_codes))),
    )
    return EmbeddedFont(face, objects, n_type0, glyph_codes)


def _to_unicode_cmap(glyph_codes: dict[str, bytes]) -> bytes:
    entries = sorted((code, char) for char, code in glyph_codes.items())
    lines = [
        b"/CIDInit /ProcSet findresource begin 12 dict begin begincmap",
        b"/CIDSystemInfo << /Registry (Adobe) /Ordering (UCS) /Supplement 0 >> def",
        b"/CMapName /Adobe-Identity-UCS def /CMapType 2 def",
        b"1 begincodespacerange <0000> <FFFF> endcodespacerange",
    ]
    first_character: dict[bytes, str] = {}  # a glyph several characters share maps back to the first
    for code, char in entries:
        first_character.setdefault(code, char)
    unique = list(first_character.items())
    for start in range(0, len(unique), 100):
        chunk = unique[start : start + 100]
        lines.append(b"%d beginbfchar" % len(chunk))
        lines.extend(
            b"<" + code + b"> <" + char.encode("utf-16-be").hex().upper().encode("ascii") + b">" for code, char in chunk
        )
        lines.append(b"endbfchar")
    lines.append(b"endcmap CMapName currentdict /CMap defineresource pop end end")
    return b"\n".join(lines)
