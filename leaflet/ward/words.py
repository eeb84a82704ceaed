"""A styled paragraph + the fonts -> its words: text in faces and bidirectional levels, shaped by
HarfBuzz, with the places a line may break after each and what breaking there adds to a line.

Each stretch of text between spaces is shaped once (kerning and ligatures across the places it
may break kept while it does not break there) and its glyphs shared out among its pieces.  A
word a line breaks at a hyphenation point (or a soft hyphen) is drawn as the part before the
break shaped again with its hyphen and the part after shaped on its own; those shapes, and the
widths they add, are found here once, so that a breaker's widths are what is drawn.  Hyphenation
points are used only in left-to-right text set in the paragraph's own face.
"""

from __future__ import annotations

import itertools
import re
import unicodedata
from collections.abc import Callable
from dataclasses import dataclass
from functools import lru_cache, partial

from leaflet.assets.fonts import FontMetrics, ShapedText
from leaflet.model import GlyphRun, Paragraph, TextStyle
from leaflet.ward.bidi import embedding_levels
from leaflet.ward.hyphenate import SOFT_HYPHEN, Hyphenator

HYPHEN = "-"  # drawn where a line breaks a word
# Break opportunities: spaces, and after a hyphen, dash or slash before a letter (so never inside
# a number range such as 10–12, a date or a phone number).
_BREAKS = re.compile(r"( +)|(?<=[-\u2010\u2013\u2014/])(?=[^\W\d_])")
# What makes a run's text break other than at single spaces between words (``_BREAKS`` is then
# needed; most runs are words and single spaces, split at once).
_NOT_SIMPLE = re.compile(r"^ |  |[-\u2010\u2013\u2014/]")


@dataclass(frozen=True)
class StyledParagraph:
    """A paragraph in its style; ``hyphenator`` (None: never) says where its words may break,
    and a line breaks inside none of the ``unbroken`` phrases (a ward's names) unless one alone
    is wider than the line."""

    paragraph: Paragraph
    style: TextStyle
    hyphenator: Hyphenator | None = None
    unbroken: tuple[str, ...] = ()


def face_key(family: str, bold: bool, italic: bool, metrics: dict[str, FontMetrics]) -> str:
    """The face for a run, falling back to the nearest face the family has."""
    for b, i in ((bold, italic), (bold, False), (False, italic), (False, False)):
        key = f"{family}-{('Bold' if b else '') + ('Italic' if i else '') or 'Regular'}"
        if key in metrics:
            return key
    raise KeyError(family)


NOT_SHAPED = ShapedText((), (), (), 0.0)


@dataclass(slots=True)
class Piece:
    """A run's text between two break opportunities, in one face and one bidirectional level;
    shaped once, its width at 1 pt."""

    font: str
    text: str
    start: int = 0  # where the text starts in its paragraph (for its bidirectional levels)
    level: int = 0  # even: left to right, odd: right to left
    shaped: ShapedText = NOT_SHAPED
    width: float = 0.0


@dataclass(slots=True)
class Word:
    """Text up to a place a line may break; widths are at 1 pt: measured once, scaled for every
    size copy-fitting tries.

    A word that is part of a word as a reader counts it (a hyphenation point or a soft hyphen
    follows it) has a ``hyphen``.  ``broken`` is the reader's word up to here with that hyphen,
    shaped as a line that breaks here draws it, and ``hyphen_width`` what that adds to the
    line; the next part ``continues`` the word, and ``resumed`` is the rest of the word from it,
    shaped as a line that starts there draws it (``restart_width`` is what that adds).  A part
    between two such places has ``fragments``: entry ``i`` the parts from ``i`` back to it with
    the hyphen, shaped as one (a line holding nothing else)."""

    pieces: list[Piece]
    width: float
    space: str  # the spaces after it ('' when it ends the paragraph, breaks after a hyphen or is part of a word)
    space_width: float
    space_font: str
    space_level: int = 0
    space_shaped: ShapedText = NOT_SHAPED
    hyphen: str = ""
    hyphen_width: float = 0.0
    broken: ShapedText = NOT_SHAPED
    continues: bool = False
    restart_width: float = 0.0
    resumed: ShapedText = NOT_SHAPED
    fragments: tuple[ShapedText, ...] = ()
    tie: bool = False  # its space is inside an unbroken phrase
    lines: dict[tuple, tuple[float, tuple[GlyphRun, ...]]] | None = None  # lines set from this word on
    bidi: bool = False  # its paragraph has right-to-left text: lines are turned round as need be


def ending_width(words: list[Word], start: int, last: int) -> float:
    """What a line of ``words[start..last]`` gains by breaking after the last: its hyphen, and the
    part of the word before it shaped again with it (nothing where it does not break a word)."""
    word = words[last]
    if not word.hyphen:
        return 0.0
    back = last - start
    if back < len(word.fragments):  # the line holds nothing but parts of this word
        within = sum(w.width for w in words[start : last + 1]) + words[start].restart_width
        return word.fragments[back].width - within
    return word.hyphen_width


# Characters that belong with the letter before them whatever font has them: combining marks,
# joiners and other format characters (a Bengali name's ZWNJ is shaped with the name).
_JOINING_CATEGORIES = frozenset(("Mn", "Mc", "Me", "Cf"))


def _pieces(font: str, text: str, start: int, fallbacks: list[str], metrics: dict[str, FontMetrics]) -> list[Piece]:
    """``text`` in ``font``, but for characters it lacks and a fallback face has."""
    primary = metrics[font]
    if all(map(primary.advances.__contains__, text)):
        return [Piece(font, text, start)]
    pieces: list[Piece] = []
    for index, char in enumerate(text):
        if pieces and unicodedata.category(char) in _JOINING_CATEGORIES:
            face = pieces[-1].font
        else:
            face = font if primary.covers(char) else next((f for f in fallbacks if metrics[f].covers(char)), font)
        if pieces and pieces[-1].font == face:
            pieces[-1].text += char
        else:
            pieces.append(Piece(face, char, start + index))
    return pieces


def _one_piece(font: str, text: str, start: int) -> list[Piece]:
    return [Piece(font, text, start)]


def _split_simple(
    text: str, offset: int, font: str, levels: list[int] | None, tied: set[int], current: list[Piece], words: list[Word]
) -> list[Piece]:
    """What the ``_BREAKS`` loop of ``measure_words`` does with a run of words and single spaces
    in one face (``text`` at ``offset`` in the paragraph, nothing to hyphenate), at a fraction of
    the cost: each word but the last ends a Word; returns the pieces of the Word left open."""
    position = offset
    *ended, rest = text.split(" ")
    for part in ended:
        current.append(Piece(font, part, position))
        space = position + len(part)  # where its space is in the paragraph
        words.append(Word(current, 0.0, " ", 0.0, font, levels[space] if levels else 0, tie=space in tied))
        current = []
        position = space + 1
    if rest:
        current.append(Piece(font, rest, position))
    return current


def measure_words(
    paragraph: StyledParagraph, metrics: dict[str, FontMetrics], fallback_families: tuple[str, ...] = ()
) -> list[Word]:
    style = paragraph.style
    hyphenator = paragraph.hyphenator
    texts = [run.text.upper() if style.uppercase else run.text for run in paragraph.paragraph.runs]
    levels = embedding_levels("".join(texts))
    words: list[Word] = []
    current: list[Piece] = []

    def add(segment: str, start: int, font: str, pieces_of: Callable[[str, int], list[Piece]]) -> None:
        """A stretch of a word (at ``start`` in the paragraph); where it may break with a hyphen,
        the part before is a Word."""
        nonlocal current
        # Hyphens only in left-to-right text in the run's own face (so a part is one piece).
        advances = metrics[font].advances
        breakable = (
            (levels is None or not any(levels[start : start + len(segment)]))
            and HYPHEN in advances
            and all(map(advances.__contains__, segment.replace(SOFT_HYPHEN, "")))
        )
        if SOFT_HYPHEN in segment:  # the author's breaks, and only those
            bounds, position = [], 0
            for part in segment.split(SOFT_HYPHEN):
                if part:
                    bounds.append((position, position + len(part)))
                position += len(part) + 1
        elif breakable and hyphenator is not None and (points := hyphenator.points(segment)):
            bounds = list(itertools.pairwise((0, *points, len(segment))))
        else:
            current.extend(pieces_of(segment, start))
            return
        for a, b in bounds[:-1]:
            current.extend(pieces_of(segment[a:b], start + a))
            if breakable:
                words.append(Word(current, 0.0, "", 0.0, font, hyphen=HYPHEN))
                current = []
        if bounds:
            current.extend(pieces_of(segment[bounds[-1][0] : bounds[-1][1]], start + bounds[-1][0]))

    tied = _tied_spaces(paragraph) if paragraph.unbroken else set()
    offset = 0  # of the run's text in the paragraph's
    fell_back = False
    for run, text in zip(paragraph.paragraph.runs, texts, strict=True):
        bold, italic = style.bold or run.bold, style.italic or run.italic
        font = face_key(style.family, bold, italic, metrics)
        plain = hyphenator is None and SOFT_HYPHEN not in text
        if fallback_families and not all(map(metrics[font].advances.__contains__, text.replace(SOFT_HYPHEN, ""))):
            fallbacks = [face_key(family, bold, italic, metrics) for family in fallback_families]
            pieces_of = partial(_pieces, font, fallbacks=fallbacks, metrics=metrics)
            fell_back = True
        else:  # the font has every character: one piece a word
            pieces_of = partial(_one_piece, font)
            if plain and not _NOT_SIMPLE.search(text):
                current = _split_simple(text, offset, font, levels, tied, current, words)
                offset += len(text)
                continue
        position = 0
        for match in _BREAKS.finditer(text):
            start = match.start()
            if start > position:
                if plain:
                    current.extend(pieces_of(text[position:start], offset + position))
                else:
                    add(text[position:start], offset + position, font, pieces_of)
            spaces = match.group(1) or ""
            space_level = levels[offset + start] if levels and spaces else 0
            tie = (offset + start in tied) if tied else False
            if current:
                words.append(Word(current, 0.0, spaces, 0.0, font, space_level, tie=tie))
                current = []
            elif words and spaces:  # spaces at a run boundary belong to the previous word
                words[-1].space += spaces
                words[-1].space_font = font
                words[-1].space_level = space_level
                words[-1].tie = words[-1].tie or tie
            position = match.end()
        if position < len(text):
            if plain:
                current.extend(pieces_of(text[position:], offset + position))
            else:
                add(text[position:], offset + position, font, pieces_of)
        offset += len(text)
    if current:
        words.append(Word(current, 0.0, "", 0.0, current[-1].font))
    if words:
        words[-1].space = ""
    if fell_back:
        _spaces_in_fallback_faces(words, metrics)
    if levels:
        for word in words:
            word.pieces = [part for piece in word.pieces for part in _split_by_level(piece, levels)]
            word.bidi = True
    _measure(words, metrics)
    return words


def _measure(words: list[Word], metrics: dict[str, FontMetrics]) -> None:
    """Shape and measure the words: each stretch of text between spaces shaped as one (the
    kerning across a hyphen kept, a ligature across a place it may break kept while it does
    not), its glyphs shared out among the pieces its break opportunities cut it into."""
    stretch: list[Word] = []
    last = len(words) - 1
    for index, word in enumerate(words):
        if word.space or index == last:
            if not stretch and len(word.pieces) == 1:  # a word alone between spaces: most of them
                piece = word.pieces[0]
                shaped = piece.shaped = metrics[piece.font].shape(piece.text, piece.level % 2 == 1)
                piece.width = word.width = shaped.width
            else:
                stretch.append(word)
                _shape_stretch(stretch, metrics)
                for part in stretch:
                    part.width = sum(piece.width for piece in part.pieces)
                if any(part.hyphen for part in stretch):
                    _shape_breaks(stretch, metrics)
                stretch = []
            if word.space:
                shaped = word.space_shaped = metrics[word.space_font].shape(word.space, word.space_level % 2 == 1)
                word.space_width = shaped.width
        else:
            stretch.append(word)


def _shape_stretch(stretch: list[Word], metrics: dict[str, FontMetrics]) -> None:
    pieces = [piece for word in stretch for piece in word.pieces]
    # The joins (after piece k) where a hyphenation point may break the stretch: a ligature
    # across one goes with the piece before it, as both sides are shaped again at a break.
    hyphen_joins: set[int] = set()
    count = 0
    for word in stretch:
        count += len(word.pieces)
        if word.hyphen:
            hyphen_joins.add(count - 1)
    start = 0
    while start < len(pieces):  # pieces in one face and direction are shaped together
        first = pieces[start]
        stop = start + 1
        while stop < len(pieces) and (pieces[stop].font, pieces[stop].level) == (first.font, first.level):
            stop += 1
        rtl = first.level % 2 == 1
        if stop - start == 1:
            first.shaped = metrics[first.font].shape(first.text, rtl)
        else:
            texts = tuple(piece.text for piece in pieces[start:stop])
            mended = [join - start for join in hyphen_joins if start <= join < stop - 1]
            parts = metrics[first.font].shape_parts(texts, rtl, mended)
            for piece, shaped in zip(pieces[start:stop], parts, strict=True):
                piece.shaped = shaped
        for piece in pieces[start:stop]:
            piece.width = piece.shaped.width
        start = stop


def _shape_breaks(stretch: list[Word], metrics: dict[str, FontMetrics]) -> None:
    """For each word of the stretch broken at hyphenation points: the parts shaped as a line
    that breaks there draws them, and the widths that adds (see ``Word``)."""
    first = 0
    while first < len(stretch):
        if not stretch[first].hyphen:
            first += 1
            continue
        last = first
        while stretch[last].hyphen:
            last += 1
        # The reader's word is stretch[first..last]: its parts are the first word's last piece,
        # the middle words (one piece each) and the last word's first piece, all in one face.
        parts = [stretch[first].pieces[-1], *(w.pieces[0] for w in stretch[first + 1 : last + 1])]
        font = metrics[parts[0].font]
        for k in range(first, last):
            before = parts[: k - first + 1]
            word = stretch[k]
            word.broken = font.shape("".join(piece.text for piece in before) + word.hyphen)
            word.hyphen_width = word.broken.width - sum(piece.width for piece in before)
            following = stretch[k + 1]
            after = parts[k - first + 1 :]
            following.continues = True
            following.resumed = font.shape("".join(piece.text for piece in after))
            following.restart_width = following.resumed.width - sum(piece.width for piece in after)
            if k > first:  # a middle part: lines that hold parts of this word alone
                word.fragments = tuple(
                    font.shape("".join(piece.text for piece in parts[k - first - back : k - first + 1]) + word.hyphen)
                    for back in range(k - first)
                )
        first = last + 1


def _spaces_in_fallback_faces(words: list[Word], metrics: dict[str, FontMetrics]) -> None:
    """A space between two words of a fallback face (an Arabic name) is set in that face, so the
    name is one run: drawn, and read back from the PDF, as one piece of text."""
    for word, following in itertools.pairwise(words):
        face = word.pieces[-1].font
        if word.space and face != word.space_font and following.pieces[0].font == face and metrics[face].covers(" "):
            word.space_font = face


def _split_by_level(piece: Piece, levels: list[int]) -> list[Piece]:
    """A piece whose characters are at several bidirectional levels, as one piece per level."""
    parts: list[Piece] = []
    for index, char in enumerate(piece.text):
        level = levels[piece.start + index]
        if parts and parts[-1].level == level:
            parts[-1].text += char
        else:
            parts.append(Piece(piece.font, char, piece.start + index, level))
    return parts


def _tied_spaces(paragraph: StyledParagraph) -> set[int]:
    """Where the spaces inside the unbroken phrases are in the paragraph's text (as its style
    sets it)."""
    text = "".join(run.text for run in paragraph.paragraph.runs)
    if paragraph.style.uppercase:
        text = text.upper()
    tied: set[int] = set()
    for phrase in paragraph.unbroken:
        phrase = phrase.upper() if paragraph.style.uppercase else phrase
        start = text.find(phrase)
        while start >= 0:
            space = phrase.find(" ")
            while space >= 0:
                tied.add(start + space)
                space = phrase.find(" ", space + 1)
            start = text.find(phrase, start + 1)
    return tied


def unbroken_in(paragraph: Paragraph, phrases: tuple[str, ...]) -> tuple[str, ...]:
    """Those of ``phrases`` that ``paragraph`` holds."""
    if not phrases:
        return ()
    text = "".join(run.text for run in paragraph.runs)
    return tuple(phrase for phrase in phrases if phrase in text)


def remembering_measurer(
    metrics: dict[str, FontMetrics], fallback_families: tuple[str, ...], size: int = 256
) -> Callable[[StyledParagraph], list[Word]]:
    """``measure_words`` for one set of fonts that remembers the paragraphs it measured last: one
    that every ward sets (a static paragraph in a slot with ward fields) is measured once a run.
    The words it returns are shared, so nothing downstream may change them."""
    return lru_cache(maxsize=size)(lambda paragraph: measure_words(paragraph, metrics, fallback_families))
