"""Characters -> whether leaflet can set them right.  leaflet shapes text with HarfBuzz (joining,
reordering, marks placed on their letters) and orders right-to-left text by the Unicode
Bidirectional Algorithm; the scripts it does that for, with fonts in the example layout and tests
that read the glyphs back, are Arabic (Urdu and Persian letters too), Hebrew, Bengali, Devanagari,
Gurmukhi, Gujarati and Tamil, and marks and joiners on any letter.  Any other script whose letters
combine, reorder or run right to left (Syriac, Thaana, Thai, Khmer, Myanmar, Tibetan ...) is
refused: nothing shows that it would print right (Thai, say, puts no spaces between words, where
leaflet breaks lines).

``needs_shaping`` is the one test; when leaflet learns to set another script, narrow it there.
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
# The blocks of the scripts leaflet sets (see above): they need shaping, and get it.
_SET_BLOCKS = (
    (0x0590, 0x05FF),  # Hebrew
    (0x0600, 0x06FF),  # Arabic (with Urdu's and Persian's letters, Arabic-Indic digits)
    (0x0750, 0x077F),  # Arabic Supplement
    (0x0870, 0x08FF),  # Arabic Extended-B and -A
    (0x0900, 0x097F),  # Devanagari
    (0x0980, 0x09FF),  # Bengali
    (0x0A00, 0x0A7F),  # Gurmukhi
    (0x0A80, 0x0AFF),  # Gujarati
    (0x0B80, 0x0BFF),  # Tamil
    (0xA8E0, 0xA8FF),  # Devanagari Extended
    (0xFB1D, 0xFB4F),  # Hebrew presentation forms
    (0xFB50, 0xFDFF),  # Arabic presentation forms A
    (0xFE70, 0xFEFF),  # Arabic presentation forms B
)
# Right-to-left letters and digits (Hebrew, Arabic, Syriac, Thaana, N'Ko, Adlam ...), and the blocks
# of right-to-left scripts leaflet does not set, whose marks (Thaana's vowels) are refused with them.
_RIGHT_TO_LEFT = {"R", "AL", "AN"}
_OTHER_RIGHT_TO_LEFT_BLOCKS = (
    (0x0700, 0x074F),  # Syriac
    (0x0780, 0x086F),  # Thaana, N'Ko, Samaritan, Mandaic, Syriac Supplement
    (0x10800, 0x10FFF),  # the historic and minority right-to-left scripts
    (0x1E800, 0x1EFFF),  # Mende Kikakui, Adlam ...
)


@cache
def needs_shaping(character: str) -> bool:
    """Whether leaflet would not set ``character`` right: a letter of a script that combines,
    reorders or runs right to left as it is set, other than those leaflet shapes.  Marks and
    joiners are placed by shaping whatever letter they are on; direction controls are read by the
    bidirectional algorithm."""
    code = ord(character)
    if any(low <= code <= high for low, high in _SET_BLOCKS):
        return False
    if any(low <= code <= high for low, high in (*_SHAPED_BLOCKS, *_OTHER_RIGHT_TO_LEFT_BLOCKS)):
        return True
    return unicodedata.bidirectional(character) in _RIGHT_TO_LEFT


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
    word = name.split(" ")[0] if name else f"U+{ord(character):04X}"
    return word.capitalize()
