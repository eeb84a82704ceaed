"""Paragraphs + styles + a chain of frame boxes -> positioned text lines, shrunk to fit if allowed.

Lines break greedily at spaces (and after hyphens and dashes).  A chain is filled frame by frame;
a heading is never left alone at the bottom of a frame.  When the text does not fit at its styles'
sizes, every size in the chain is scaled down together, never below any style's ``min_size_pt``;
if it still does not fit the result says how many words were left over.  Nothing is cut silently.
"""

from __future__ import annotations

import itertools
import re
import unicodedata
from collections.abc import Callable
from dataclasses import dataclass
from functools import lru_cache, partial

from leaflet.assets.fonts import FontMetrics, ShapedText
from leaflet.model import BoxPt, GlyphRun, Paragraph, TextLine, TextStyle
from leaflet.ward.bidi import embedding_levels, visual_order

BULLET = "\u2022\u2002"  # bullet and en space
_BREAKS = re.compile(r"( +)|(?<=[-\u2013\u2014/])(?=\w)")


@dataclass(frozen=True)
class StyledParagraph:
    paragraph: Paragraph
    style: TextStyle


@dataclass(frozen=True)
class Fitted:
    """Lines per frame of the chain; ``overflow_words`` > 0 means the text did not fit."""

    lines: tuple[tuple[TextLine, ...], ...]
    scale: float
    overflow_words: int = 0
    overflow_start: str = ""


def face_key(family: str, bold: bool, italic: bool, metrics: dict[str, FontMetrics]) -> str:
    """The face for a run, falling back to the nearest face the family has."""
    for b, i in ((bold, italic), (bold, False), (False, italic), (False, False)):
        key = f"{family}-{('Bold' if b else '') + ('Italic' if i else '') or 'Regular'}"
        if key in metrics:
            return key
    raise KeyError(family)


NOT_SHAPED = ShapedText((), (), (), 0.0)


@dataclass(slots=True)
class _Piece:
    """A run's text between two break opportunities, in one face and one bidirectional level;
    shaped once, its width at 1 pt."""

    font: str
    text: str
    start: int = 0  # where the text starts in its paragraph (for its bidirectional levels)
    level: int = 0  # even: left to right, odd: right to left
    shaped: ShapedText = NOT_SHAPED
    width: float = 0.0


@dataclass(slots=True)
class _Word:
    """Widths are at 1 pt: measured once, scaled for every size copy-fitting tries."""

    pieces: list[_Piece]
    width: float
    space: str  # the spaces after it ('' when it ends the paragraph or breaks after a hyphen)
    space_width: float
    space_font: str
    space_level: int = 0
    space_shaped: ShapedText = NOT_SHAPED
    lines: dict[tuple, tuple[float, tuple[GlyphRun, ...]]] | None = None  # lines set from this word on
    bidi: bool = False  # its paragraph has right-to-left text: lines are turned round as need be


# Characters that belong with the letter before them whatever font has them: combining marks,
# joiners and other format characters (a Bengali name's ZWNJ is shaped with the name).
_JOINING_CATEGORIES = frozenset(("Mn", "Mc", "Me", "Cf"))


def _pieces(font: str, text: str, start: int, fallbacks: list[str], metrics: dict[str, FontMetrics]) -> list[_Piece]:
    """``text`` in ``font``, but for characters it lacks and a fallback face has."""
    primary = metrics[font]
    if all(map(primary.advances.__contains__, text)):
        return [_Piece(font, text, start)]
    pieces: list[_Piece] = []
    for index, char in enumerate(text):
        if pieces and unicodedata.category(char) in _JOINING_CATEGORIES:
            face = pieces[-1].font
        else:
            face = font if primary.covers(char) else next((f for f in fallbacks if metrics[f].covers(char)), font)
        if pieces and pieces[-1].font == face:
            pieces[-1].text += char
        else:
            pieces.append(_Piece(face, char, start + index))
    return pieces


def _words(
    paragraph: StyledParagraph, metrics: dict[str, FontMetrics], fallback_families: tuple[str, ...] = ()
) -> list[_Word]:
    style = paragraph.style
    texts = [run.text.upper() if style.uppercase else run.text for run in paragraph.paragraph.runs]
    levels = embedding_levels("".join(texts))
    words: list[_Word] = []
    current: list[_Piece] = []
    offset = 0  # of the run's text in the paragraph's
    fell_back = False
    for run, text in zip(paragraph.paragraph.runs, texts, strict=True):
        bold, italic = style.bold or run.bold, style.italic or run.italic
        font = face_key(style.family, bold, italic, metrics)
        if fallback_families and not all(map(metrics[font].advances.__contains__, text)):
            fallbacks = [face_key(family, bold, italic, metrics) for family in fallback_families]
            pieces_of = partial(_pieces, font, fallbacks=fallbacks, metrics=metrics)
            fell_back = True
        else:  # the font has every character: one piece a word
            pieces_of = partial(_one_piece, font)
        position = 0
        for match in _BREAKS.finditer(text):
            start = match.start()
            if start > position:
                current.extend(pieces_of(text[position:start], offset + position))
            spaces = match.group(1) or ""
            space_level = levels[offset + start] if levels and spaces else 0
            if current:
                words.append(_Word(current, 0.0, spaces, 0.0, font, space_level))
                current = []
            elif words and spaces:  # spaces at a run boundary belong to the previous word
                words[-1].space += spaces
                words[-1].space_font = font
                words[-1].space_level = space_level
            position = match.end()
        if position < len(text):
            current.extend(pieces_of(text[position:], offset + position))
        offset += len(text)
    if current:
        words.append(_Word(current, 0.0, "", 0.0, current[-1].font))
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


def _measure(words: list[_Word], metrics: dict[str, FontMetrics]) -> None:
    """Shape and measure the words: each stretch of text between spaces shaped as one (the
    kerning across a hyphen kept, a ligature across a place it may break kept while it does
    not), its glyphs shared out among the pieces its break opportunities cut it into."""
    stretch: list[_Word] = []
    last = len(words) - 1
    for index, word in enumerate(words):
        if word.space or index == last:
            if not stretch and len(word.pieces) == 1:  # a word alone between spaces: most of them
                piece = word.pieces[0]
                shaped = piece.shaped = metrics[piece.font].shape(piece.text, piece.level % 2 == 1)
                piece.width = word.width = shaped.width
            else:
                stretch.append(word)
                _shape_stretch([piece for part in stretch for piece in part.pieces], metrics)
                for part in stretch:
                    part.width = sum(piece.width for piece in part.pieces)
                stretch = []
            if word.space:
                shaped = word.space_shaped = metrics[word.space_font].shape(word.space, word.space_level % 2 == 1)
                word.space_width = shaped.width
        else:
            stretch.append(word)


def _shape_stretch(pieces: list[_Piece], metrics: dict[str, FontMetrics]) -> None:
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
            parts = metrics[first.font].shape_parts(tuple(piece.text for piece in pieces[start:stop]), rtl)
            for piece, shaped in zip(pieces[start:stop], parts, strict=True):
                piece.shaped = shaped
        for piece in pieces[start:stop]:
            piece.width = piece.shaped.width
        start = stop


def _spaces_in_fallback_faces(words: list[_Word], metrics: dict[str, FontMetrics]) -> None:
    """A space between two words of a fallback face (an Arabic name) is set in that face, so the
    name is one run: drawn, and read back from the PDF, as one piece of text."""
    for word, following in itertools.pairwise(words):
        face = word.pieces[-1].font
        if word.space and face != word.space_font and following.pieces[0].font == face and metrics[face].covers(" "):
            word.space_font = face


def _split_by_level(piece: _Piece, levels: list[int]) -> list[_Piece]:
    """A piece whose characters are at several bidirectional levels, as one piece per level."""
    parts: list[_Piece] = []
    for index, char in enumerate(piece.text):
        level = levels[piece.start + index]
        if parts and parts[-1].level == level:
            parts[-1].text += char
        else:
            parts.append(_Piece(piece.font, char, piece.start + index, level))
    return parts


def _one_piece(font: str, text: str, start: int) -> list[_Piece]:
    return [_Piece(font, text, start)]


def _break_lines(words: list[_Word], width: float) -> list[list[_Word]]:
    """Greedy breaking; ``width`` in the words' own unit (points at 1 pt size)."""
    lines: list[list[_Word]] = []
    line: list[_Word] = []
    used = 0.0
    for word in words:
        if line and used + line[-1].space_width + word.width > width + 1e-6:
            lines.append(line)
            line, used = [], 0.0
        if line:
            used += line[-1].space_width
        line.append(word)
        used += word.width
    if line:
        lines.append(line)
    return lines


def _set_line(
    line: list[_Word], x: float, baseline: float, width: float, style: TextStyle, size: float, last: bool
) -> TextLine:
    """The line's runs, remembered on its first word: a paragraph every ward sets (its words
    measured once) is set once for each place it takes."""
    key = (len(line), x, width, size, last, id(style))
    first = line[0]
    if first.lines is not None and key in first.lines:
        line_width, runs = first.lines[key]
        return TextLine(baseline, line_width, runs)
    line_width, runs = _set_runs(line, x, width, style, size, last)
    if first.lines is None:
        first.lines = {}
    first.lines[key] = (line_width, runs)
    return TextLine(baseline, line_width, runs)


def _set_runs(
    line: list[_Word], x: float, width: float, style: TextStyle, size: float, last: bool
) -> tuple[float, tuple[GlyphRun, ...]]:
    natural = (sum(w.width for w in line) + sum(w.space_width for w in line[:-1])) * size
    gaps = sum(len(w.space) for w in line[:-1])
    word_space = 0.0
    if style.align == "justify" and not last and gaps:
        word_space = max(0.0, (width - natural) / gaps)
    elif style.align == "center":
        x += (width - natural) / 2
    elif style.align == "right":
        x += width - natural
    # The line's pieces in reading order (font, text, glyphs, a word space, place in reading
    # order), then left to right.
    segments: list[_Segment] = []
    bidi: list[int] | None = None  # each segment's level, when the line has right-to-left text
    if line[0].bidi:
        levels: list[int] = []
        for index, word in enumerate(line):
            for piece in word.pieces:
                segments.append((piece.font, piece.text, piece.shaped, False, len(levels)))
                levels.append(piece.level)
            if word.space and index < len(line) - 1:
                segments.append((word.space_font, word.space, word.space_shaped, True, len(levels)))
                levels.append(word.space_level)
        if any(levels):
            bidi = levels
            segments = [segments[index] for index in visual_order(levels)]
    else:
        for word in line:
            for piece in word.pieces:
                segments.append((piece.font, piece.text, piece.shaped, False, 0))
            if word.space:
                segments.append((word.space_font, word.space, word.space_shaped, True, 0))
        if segments[-1][3]:  # the last word's space: at the line's end, not set
            segments.pop()
    extra = word_space * 1000 / size  # thousandths of an em after each space
    runs: list[GlyphRun] = []
    run: list[_Segment] = []  # the segments of the run being set
    start = cursor = x
    for segment in segments:
        if run and segment[0] != run[0][0]:
            runs.append(_glyph_run(run, size, style, start, word_space, extra, bidi))
            run, start = [], cursor
        run.append(segment)
        shaped = segment[2]
        cursor += shaped.width * size + (word_space * len(shaped.glyphs) if segment[3] else 0.0)
    if run:
        runs.append(_glyph_run(run, size, style, start, word_space, extra, bidi))
    return natural + word_space * gaps, tuple(runs)


_Segment = tuple[str, str, ShapedText, bool, int]


def _glyph_run(
    run: list[_Segment],
    size: float,
    style: TextStyle,
    x: float,
    word_space: float,
    extra: float,
    bidi: list[int] | None,
) -> GlyphRun:
    """Segments of one font, left to right, as one run; its text in reading order."""
    right_to_left = bidi is not None and all(bidi[segment[4]] % 2 for segment in run)
    if len(run) == 1 and not (extra and run[0][3]):
        font, text, shaped, _, _ = run[0]
        return GlyphRun(
            font, size, style.colour, x, text, shaped.glyphs, shaped.advances, shaped.offsets, word_space, right_to_left
        )
    glyphs: list[int] = []
    advances: list[float] = []
    offsets: list[tuple[float, float]] | None = None
    for _, _, shaped, is_space, _ in run:
        if shaped.offsets and offsets is None:
            offsets = [(0.0, 0.0)] * len(glyphs)
        if offsets is not None:
            offsets.extend(shaped.offsets or [(0.0, 0.0)] * len(shaped.glyphs))
        glyphs.extend(shaped.glyphs)
        advances.extend([advance + extra for advance in shaped.advances] if is_space and extra else shaped.advances)
    # Right-to-left stretches were turned round to be drawn: their text is read the other way.
    text = "".join(segment[1] for segment in (sorted(run, key=lambda segment: segment[4]) if bidi else run))
    return GlyphRun(
        run[0][0],
        size,
        style.colour,
        x,
        text,
        tuple(glyphs),
        tuple(advances),
        tuple(offsets or ()),
        word_space,
        right_to_left,
    )


def _shaped_run(font: str, size: float, style: TextStyle, x: float, text: str, metrics: dict[str, FontMetrics]):
    shaped = metrics[font].shape(text)
    return GlyphRun(font, size, style.colour, x, text, shaped.glyphs, shaped.advances, shaped.offsets)


def remembering_measurer(
    metrics: dict[str, FontMetrics], fallback_families: tuple[str, ...], size: int = 256
) -> Callable[[StyledParagraph], list[_Word]]:
    """``_words`` for one set of fonts that remembers the paragraphs it measured last: one that
    every ward sets (a static paragraph in a slot with ward fields) is measured once a run.
    The words it returns are shared, so nothing downstream may change them."""
    return lru_cache(maxsize=size)(lambda paragraph: _words(paragraph, metrics, fallback_families))


def fit_chain(
    paragraphs: list[StyledParagraph],
    boxes: list[BoxPt],
    metrics: dict[str, FontMetrics],
    fallback_families: tuple[str, ...] = (),
    measure: Callable[[StyledParagraph], list[_Word]] | None = None,
) -> Fitted:
    """Set ``paragraphs`` into ``boxes`` at full size or, if needed and allowed, smaller;
    characters a style's family lacks are taken from ``fallback_families``, in order.
    ``measure`` (from ``remembering_measurer`` for the same fonts) saves measuring again."""
    words = [measure(p) if measure else _words(p, metrics, fallback_families) for p in paragraphs]
    first = _flow(paragraphs, words, boxes, metrics, 1.0)
    if not first.overflow_words:
        return first
    floor = max((p.style.smallest_size_pt / p.style.size_pt for p in paragraphs), default=1.0)
    if floor >= 1.0:
        return first
    smallest = _flow(paragraphs, words, boxes, metrics, floor)
    if smallest.overflow_words:
        return smallest
    # Largest scale (in steps of 1% of the full size) that fits: fitting is monotonic enough.
    low, high = round(floor * 1000), 1000  # per mille; low fits, high does not
    best = smallest
    while high - low > 10:
        middle = (low + high) // 2
        attempt = _flow(paragraphs, words, boxes, metrics, middle / 1000)
        if attempt.overflow_words:
            high = middle
        else:
            low, best = middle, attempt
    return best


def _flow(
    paragraphs: list[StyledParagraph],
    paragraph_words: list[list[_Word]],
    boxes: list[BoxPt],
    metrics: dict[str, FontMetrics],
    scale: float,
) -> Fitted:
    frames: list[list[TextLine]] = [[] for _ in boxes]
    frame = 0
    depth = 0.0  # how far below the current frame's top the last line's baseline sits
    for index, paragraph in enumerate(paragraphs):
        style = paragraph.style
        size = style.size_pt * scale
        base = metrics[face_key(style.family, style.bold, style.italic, metrics)]
        ascent, descent = base.ascent * size / 1000, base.descent * size / 1000
        indent = 0.0
        words = paragraph_words[index]
        if paragraph.paragraph.kind == "bullet":
            bullet_font = face_key(style.family, style.bold, False, metrics)
            indent = metrics[bullet_font].width_pt(BULLET, size)
        if not words:
            continue
        # Lines are broken again whenever the text moves to a frame of another width.
        remaining = words
        first_line_of_paragraph = True
        while remaining:
            if frame >= len(boxes):
                return _overflow(frames, scale, remaining, paragraphs[index + 1 :])
            box = boxes[frame]
            lines = _break_lines(remaining, (box.width - indent) / size)
            baselines = _baselines_that_fit(
                paragraphs,
                index,
                len(lines),
                bool(frames[frame]),
                first_line_of_paragraph,
                depth,
                box.height,
                scale,
                ascent,
                descent,
            )
            if paragraph.paragraph.kind == "heading" and len(baselines) < len(lines) and frames[frame]:
                baselines = []  # a heading moves to the next frame whole
            for line_number, (line, baseline) in enumerate(zip(lines, baselines, strict=False)):  # the lines that fit
                last = line_number == len(lines) - 1
                text_line = _set_line(line, box.x + indent, box.top - baseline, box.width - indent, style, size, last)
                if indent and first_line_of_paragraph and line_number == 0:
                    bullet_face = face_key(style.family, style.bold, False, metrics)
                    bullet = _shaped_run(bullet_face, size, style, box.x, BULLET, metrics)
                    text_line = TextLine(text_line.baseline_pt, text_line.width_pt + indent, (bullet, *text_line.runs))
                frames[frame].append(text_line)
                depth = baseline
            placed = len(baselines)
            if placed == len(lines):
                remaining = []
            else:
                if placed:
                    first_line_of_paragraph = False
                    remaining = [w for line in lines[placed:] for w in line]
                frame += 1
                depth = 0.0
        depth += style.space_after_pt * scale
    return Fitted(tuple(tuple(lines) for lines in frames), scale)


def _baselines_that_fit(
    paragraphs: list[StyledParagraph],
    index: int,
    count: int,
    frame_has_lines: bool,
    starts_paragraph: bool,
    depth: float,
    height: float,
    scale: float,
    ascent: float,
    descent: float,
) -> list[float]:
    """Baselines (below the frame's top) of the paragraph's next lines, as many as fit."""
    paragraph = paragraphs[index]
    style = paragraph.style
    leading = style.leading_pt * scale
    baselines: list[float] = []
    for line_number in range(count):
        if not frame_has_lines and line_number == 0:
            baseline = ascent
        elif line_number == 0 and starts_paragraph:
            baseline = depth + style.space_before_pt * scale + leading
        else:
            baseline = depth + leading
        needed = baseline + descent
        if paragraph.paragraph.kind == "heading" and line_number == count - 1 and index + 1 < len(paragraphs):
            following = paragraphs[index + 1].style  # keep a heading with the first line after it
            needed += (style.space_after_pt + following.space_before_pt + following.leading_pt) * scale
        if needed > height + 1e-6:
            break
        baselines.append(baseline)
        depth = baseline
    return baselines


def _overflow(frames, scale, remaining_words: list[_Word], later: list[StyledParagraph]) -> Fitted:
    """What did not fit, counted in words as a reader counts them (a hyphenated word is one)."""
    left_over = "".join("".join(piece.text for piece in word.pieces) + word.space for word in remaining_words)
    later_text = " ".join("".join(run.text for run in p.paragraph.runs) for p in later)
    words = (left_over + " " + later_text).split()
    return Fitted(tuple(tuple(lines) for lines in frames), scale, len(words), " ".join(left_over.split()[:6]))
