"""Characters -> whether leaflet can set them right: text that needs shaping (joining, reordering,
marks placed on their letters) or right-to-left ordering cannot be drawn glyph by glyph, left to
right, as leaflet draws; it would print unjoined, in the wrong order, or with its marks adrift.

``needs_shaping`` is the one test; when leaflet learns to shape a script, narrow it there.
"""

from __future__ import annotations

import unicodedata
from functools import cache

# Blocks of scripts whose letters combine or reorder as they are set (Unicode's "complex"
# scripts): the Indic scripts, Thai, Lao, Tibetan, Myanmar, Khmer, Mongolian and the scripts of
# South-East Asia and of Unicode's supplementary planes that work alike.
_SHAPED_BLOCKS = (
    (0x0900, 0x0DFF),  # Devanagari, Bengali, Gurmukhi, Gujarati, Oriya, Tamil, Telugu, Kannada, Malayalam, Sinhala
    (0x0E00, 0x0EFF),  # Thai, Lao
    (0x0F00, 0x0FFF),  # Tibetan
    (0x1000, 0x109F),  # Myanmar
    (0x1100, 0x11FF),  # Hangul Jamo (conjoining: composed into syllables as they are set)
    (0x1700, 0x18AF),  # Tagalog, Hanunoo, Buhid, Tagbanwa, Khmer, Mongolian
    (0x1900, 0x1AAF),  # Limbu, Tai Le, New Tai Lue, Khmer Symbols, Buginese, Tai Tham
    (0x1B00, 0x1C4F),  # Balinese, Sundanese, Batak, Lepcha
    (0x1CC0, 0x1CFF),  # Sundanese Supplement, Vedic Extensions
    (0xA800, 0xA8FF),  # Syloti Nagri, Phags-pa, Saurashtra, Devanagari Extended
    (0xA900, 0xA9FF),  # Kayah Li, Rejang, Hangul Jamo Extended-A, Javanese
    (0xAA00, 0xAAFF),  # Cham, Myanmar Extended-A, Tai Viet, Meetei Mayek Extensions
    (0xABC0, 0xABFF),  # Meetei Mayek
    (0xD7B0, 0xD7FF),  # Hangul Jamo Extended-B
    (0x10A00, 0x10A5F),  # Kharoshthi
    (0x11000, 0x11FFF),  # Brahmi and the other historic and minority Brahmic scripts
    (0x16F00, 0x16F9F),  # Miao
    (0x1BC00, 0x1BCAF),  # Duployan
)
# Right-to-left letters and digits (Hebrew, Arabic, Syriac, Thaana, N'Ko, Adlam ...), and the
# controls that embed, override or isolate a direction.
_RIGHT_TO_LEFT = {"R", "AL", "AN", "RLE", "RLO", "RLI", "LRE", "LRO", "LRI", "FSI", "PDF", "PDI"}
_JOINERS = {"\u200c", "\u200d", "\u034f"}  # zero-width non-joiner and joiner, combining grapheme joiner


@cache
def needs_shaping(character: str) -> bool:
    """Whether leaflet would draw ``character`` wrong: it is written right to left, combines with
    its neighbours as it is set (a mark, a joiner, a letter of a complex script)."""
    if unicodedata.bidirectional(character) in _RIGHT_TO_LEFT:
        return True
    if unicodedata.category(character).startswith("M") or character in _JOINERS:
        return True
    code = ord(character)
    return any(low <= code <= high for low, high in _SHAPED_BLOCKS)


def characters_needing_shaping(text: str) -> list[str]:
    """The characters of ``text`` that leaflet cannot set right, in order of first appearance."""
    if text.isascii():
        return []
    return [character for character in dict.fromkeys(text) if needs_shaping(character)]


def describe(characters: list[str], limit: int = 4) -> str:
    """ "'ع' (U+0639), 'ر' (U+0631) ... in Arabic": the first few and their scripts, for a message."""
    shown = ", ".join(f"'{c}' (U+{ord(c):04X})" for c in characters[:limit])
    more = f" and {len(characters) - limit} more" if len(characters) > limit else ""
    scripts = sorted({_script(c) for c in characters})
    return f"{shown}{more} ({', '.join(scripts)})"


def _script(character: str) -> str:
    name = unicodedata.name(character, "")
    if character in _JOINERS or (unicodedata.category(character).startswith("M") and "COMBINING" in name):
        return "combining marks and joiners"
    if unicodedata.bidirectional(character) in _RIGHT_TO_LEFT and unicodedata.category(character) == "Cf":
        return "direction controls"
    word = name.split(" ")[0] if name else f"U+{ord(character):04X}"
    return word.capitalize()
