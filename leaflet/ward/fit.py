"""Paragraphs + styles + a chain of frame boxes -> positioned text lines, shrunk to fit if allowed.

A chain (the story's flow) is broken total-fit (``linebreak``: every break of a paragraph chosen
at once, hyphenated where the paragraph's hyphenator allows) and so is any justified paragraph;
other frames' text breaks greedily at spaces (and after hyphens and dashes, and at soft hyphens).
A chain is filled frame by frame (``chain``): a paragraph never leaves its first line alone at
the bottom of a frame (an orphan) nor its last line alone at the top of the next (a widow), and
a heading stays with the lines that follow it.  When the text does not fit at its styles' sizes, every size
in the chain is scaled down together, never below any style's ``min_size_pt``; if it still does
not fit the result says how many words were left over.  Nothing is cut silently.
"""

from __future__ import annotations

import itertools
import re
from collections.abc import Callable
from dataclasses import dataclass
from functools import lru_cache, partial

from leaflet.assets.fonts import FontMetrics
from leaflet.model import BoxPt, GlyphRun, Paragraph, TextLine, TextStyle
from leaflet.ward import chain, linebreak
from leaflet.ward.hyphenate import SOFT_HYPHEN, Hyphenator

BULLET = "\u2022\u2002"  # bullet and en space
HYPHEN = "-"  # drawn where a line breaks a word
# Break opportunities: spaces, and after a hyphen, dash or slash before a letter (so never inside
# a number range such as 10–12, a date or a phone number).
_BREAKS = re.compile(r"( +)|(?<=[-\u2010\u2013\u2014/])(?=[^\W\d_])")
_DASHES = "\u2013\u2014"

# Total-fit costs, as TeX has them: a hyphen (and a break after an explicit one) costs 50; a line
# that starts with a spaced dash costs more than one that ends with it.
HYPHEN_PENALTY = 50.0
DASH_START_PENALTY = 500.0
TIE_PENALTY = linebreak.LAST_RESORT  # inside a name: only when nothing else will do
JUSTIFIED = linebreak.Rules()
RAGGED = linebreak.Rules(ragged=True)


@dataclass(frozen=True)
class StyledParagraph:
    """A paragraph in its style; ``hyphenator`` (None: never) says where its words may break,
    and a line breaks inside none of the ``unbroken`` phrases (a ward's names) unless one alone
    is wider than the line."""

    paragraph: Paragraph
    style: TextStyle
    hyphenator: Hyphenator | None = None
    unbroken: tuple[str, ...] = ()


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


@dataclass
class _Piece:
    """A run's text between two break opportunities, in one face; width at 1 pt."""

    font: str
    text: str
    width: float = 0.0


@dataclass
class _Word:
    """Widths are at 1 pt: measured once, scaled for every size copy-fitting tries."""

    pieces: list[_Piece]
    width: float
    space: str  # the spaces after it ('' when it ends the paragraph, breaks after a hyphen or is part of a word)
    space_width: float
    space_font: str
    hyphen: str = ""  # drawn after it if a line breaks there: it is part of a word (hyphenation, soft hyphen)
    hyphen_width: float = 0.0
    tie: bool = False  # its space is inside an unbroken phrase


def _pieces(font: str, text: str, fallbacks: list[str], metrics: dict[str, FontMetrics]) -> list[_Piece]:
    """``text`` in ``font``, but for characters it lacks and a fallback face has."""
    primary = metrics[font]
    if all(map(primary.advances.__contains__, text)):
        return [_Piece(font, text)]
    pieces: list[_Piece] = []
    for char in text:
        face = font if primary.covers(char) else next((f for f in fallbacks if metrics[f].covers(char)), font)
        if pieces and pieces[-1].font == face:
            pieces[-1].text += char
        else:
            pieces.append(_Piece(face, char))
    return pieces


def _words(
    paragraph: StyledParagraph, metrics: dict[str, FontMetrics], fallback_families: tuple[str, ...] = ()
) -> list[_Word]:
    style = paragraph.style
    hyphenator = paragraph.hyphenator
    words: list[_Word] = []
    current: list[_Piece] = []

    def add(segment: str, font: str, pieces_of: Callable[[str], list[_Piece]]) -> None:
        """A stretch of a word; where it may break with a hyphen, the part before is a _Word."""
        nonlocal current
        if SOFT_HYPHEN in segment:  # the author's breaks, and only those
            parts = [part for part in segment.split(SOFT_HYPHEN) if part]
        elif hyphenator is not None and (points := hyphenator.points(segment)):
            parts = [segment[a:b] for a, b in itertools.pairwise((0, *points, len(segment)))]
        else:
            current.extend(pieces_of(segment))
            return
        for part in parts[:-1]:
            current.extend(pieces_of(part))
            words.append(_Word(current, 0.0, "", 0.0, font, HYPHEN))
            current = []
        if parts:
            current.extend(pieces_of(parts[-1]))

    tied = _tied_spaces(paragraph) if paragraph.unbroken else set()
    offset = 0  # of the run's text in the paragraph's
    for run in paragraph.paragraph.runs:
        bold, italic = style.bold or run.bold, style.italic or run.italic
        font = face_key(style.family, bold, italic, metrics)
        text = run.text.upper() if style.uppercase else run.text
        plain = hyphenator is None and SOFT_HYPHEN not in text
        if fallback_families and not all(map(metrics[font].advances.__contains__, text)):
            fallbacks = [face_key(family, bold, italic, metrics) for family in fallback_families]
            pieces_of = partial(_pieces, font, fallbacks=fallbacks, metrics=metrics)
        else:  # the font has every character: one piece a word
            pieces_of = partial(_one_piece, font)
        position = 0
        for match in _BREAKS.finditer(text):
            start = match.start()
            if start > position:
                if plain:
                    current.extend(pieces_of(text[position:start]))
                else:
                    add(text[position:start], font, pieces_of)
            spaces = match.group(1) or ""
            tie = (offset + start in tied) if tied else False
            if current:
                words.append(_Word(current, 0.0, spaces, 0.0, font, tie=tie))
                current = []
            elif words and spaces:  # spaces at a run boundary belong to the previous word
                words[-1].space += spaces
                words[-1].space_font = font
                words[-1].tie = words[-1].tie or tie
            position = match.end()
        if position < len(text):
            if plain:
                current.extend(pieces_of(text[position:]))
            else:
                add(text[position:], font, pieces_of)
        offset += len(text)
    if current:
        words.append(_Word(current, 0.0, "", 0.0, current[-1].font))
    for word in words:
        width = 0.0
        for piece in word.pieces:
            piece.width = metrics[piece.font].width_pt(piece.text, 1.0)
            width += piece.width
        word.width = width
        word.space_width = metrics[word.space_font].width_pt(word.space, 1.0) if word.space else 0.0
        if word.hyphen:
            word.hyphen_width = metrics[word.pieces[-1].font].width_pt(word.hyphen, 1.0)
    if words:
        words[-1].space, words[-1].space_width = "", 0.0
    return words


def _one_piece(font: str, text: str) -> list[_Piece]:
    return [_Piece(font, text)]


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


def _break_greedy(words: list[_Word], widths: list[float]) -> list[list[_Word]]:
    """Each line as full as it can be, in turn; line ``n`` is ``widths[n]`` wide (the last width
    for the lines after), in the words' own unit (points at 1 pt size).  A line may end inside a
    word where it may take a hyphen (a soft hyphen), if the hyphen fits too."""
    lines: list[list[_Word]] = []
    start, count = 0, len(words)
    while start < count:
        width = widths[min(len(lines), len(widths) - 1)] + 1e-6
        used = words[start].width
        end = start + 1
        while end < count and used + words[end - 1].space_width + words[end].width <= width:
            used += words[end - 1].space_width + words[end].width
            end += 1
        if end < count and (words[end - 1].tie or words[end - 1].hyphen):
            # break earlier if the break here is inside a phrase, or its hyphen does not fit
            back, room = end, used
            while back - 1 > start and (
                words[back - 1].tie or (words[back - 1].hyphen and room + words[back - 1].hyphen_width > width)
            ):
                room -= words[back - 1].width + words[back - 2].space_width
                back -= 1
            if not (words[back - 1].tie or (words[back - 1].hyphen and room + words[back - 1].hyphen_width > width)):
                end = back  # else no better break on this line: keep the one there is
        lines.append(words[start:end])
        start = end
    return lines


def _items(words: list[_Word], justified: bool) -> tuple[list[linebreak.Item], list[int]]:
    """The words as boxes, glue and penalties (at 1 pt), and for each item the word it follows."""
    items: list[linebreak.Item] = []
    owners: list[int] = []
    last = len(words) - 1
    for index, word in enumerate(words):
        items.append(linebreak.Box(word.width))
        owners.append(index)
        if index == last:
            break
        if word.space:
            if word.tie or words[index + 1].pieces[0].text[:1] in _DASHES:  # a name, or a line starting with a dash
                items.append(linebreak.Penalty(0.0, TIE_PENALTY if word.tie else DASH_START_PENALTY))
                owners.append(index)
            space = word.space_width
            items.append(linebreak.Glue(space, space / 2, space / 3) if justified else linebreak.Glue(space, 0, 0))
        elif word.hyphen:
            items.append(linebreak.Penalty(word.hyphen_width, HYPHEN_PENALTY, True))
        else:  # after a hyphen, dash or slash that is in the text
            hyphen = word.pieces[-1].text[-1:] in "-\u2010\u2013\u2014"
            items.append(linebreak.Penalty(0.0, HYPHEN_PENALTY if hyphen else 0.0, hyphen))
        owners.append(index)
    ending = linebreak.paragraph_end()
    items.extend(ending)
    owners.extend([last] * len(ending))
    return items, owners


def _break_total_fit(
    words: list[_Word], items: tuple[list[linebreak.Item], list[int]], widths: list[float], rules, frame_ends
) -> list[list[_Word]]:
    """Every break of the paragraph chosen at once (``linebreak.total_fit``)."""
    boxes, owners = items
    lines: list[list[_Word]] = []
    start = 0
    for position in linebreak.total_fit(boxes, widths, rules, frame_ends):
        end = owners[position] + 1
        lines.append(words[start:end])
        start = end
    return lines


def _set_line(
    line: list[_Word], x: float, baseline: float, width: float, style: TextStyle, size: float, last: bool
) -> TextLine:
    hyphen = line[-1].hyphen  # the line breaks a word
    natural = (sum(w.width for w in line) + sum(w.space_width for w in line[:-1]) + line[-1].hyphen_width) * size
    gaps = sum(len(w.space) for w in line[:-1])
    word_space = 0.0
    if style.align == "justify" and gaps and (not last or natural > width):
        word_space = (width - natural) / gaps  # below zero where total-fit shrank the spaces
    elif style.align == "center":
        x += (width - natural) / 2
    elif style.align == "right":
        x += width - natural
    runs: list[GlyphRun] = []
    font, text, start = line[0].pieces[0].font, "", x
    cursor = x
    last_word = line[-1]
    for word in line:
        for piece in word.pieces:
            if piece.font != font:
                if text:
                    runs.append(GlyphRun(font, size, style.colour, start, text, word_space))
                font, text, start = piece.font, "", cursor
            text += piece.text
            cursor += piece.width * size
        if word is not last_word:
            if word.space:  # in its own face, stretched on a justified line
                if word.space_font != font:
                    if text:
                        runs.append(GlyphRun(font, size, style.colour, start, text, word_space))
                    font, text, start = word.space_font, "", cursor
                text += word.space
                cursor += word.space_width * size + word_space * len(word.space)
        elif hyphen:  # in the face of the letters it follows
            text += hyphen
    if text:
        runs.append(GlyphRun(font, size, style.colour, start, text, word_space))
    return TextLine(baseline, natural + word_space * gaps, tuple(runs))


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
    total_fit: bool = False,
) -> Fitted:
    """Set ``paragraphs`` into ``boxes`` at full size or, if needed and allowed, smaller;
    characters a style's family lacks are taken from ``fallback_families``, in order.
    ``measure`` (from ``remembering_measurer`` for the same fonts) saves measuring again.
    ``total_fit`` breaks every paragraph total-fit (justified ones always are)."""
    words = [measure(p) if measure else _words(p, metrics, fallback_families) for p in paragraphs]
    breakers = [_breaker(p.style, w, total_fit) for p, w in zip(paragraphs, words, strict=True)]
    first = _flow(paragraphs, words, breakers, boxes, metrics, 1.0)
    if not first.overflow_words:
        return first
    floor = max((p.style.smallest_size_pt / p.style.size_pt for p in paragraphs), default=1.0)
    if floor >= 1.0:
        return first
    smallest = _flow(paragraphs, words, breakers, boxes, metrics, floor)
    if smallest.overflow_words:
        return smallest
    # Largest scale (in steps of 1% of the full size) that fits: fitting is monotonic enough.
    low, high = round(floor * 1000), 1000  # per mille; low fits, high does not
    best = smallest
    while high - low > 10:
        middle = (low + high) // 2
        attempt = _flow(paragraphs, words, breakers, boxes, metrics, middle / 1000)
        if attempt.overflow_words:
            high = middle
        else:
            low, best = middle, attempt
    return best


_Breaker = chain.Breaker[_Word]


def _greedy(words: list[_Word], widths: list[float], frame_ends: frozenset[int]) -> list[list[_Word]]:
    return _break_greedy(words, widths)


def _breaker(style: TextStyle, words: list[_Word], total_fit: bool) -> _Breaker:
    """How a paragraph's lines break: (its words or the rest of them, line widths, the lines
    that end a frame) -> lines.  Total-fit items are made once, for every size tried."""
    justified = style.align == "justify"
    if not (total_fit or justified) or not words:
        return _greedy
    rules = JUSTIFIED if justified else RAGGED
    whole = _items(words, justified)

    def break_total_fit(part: list[_Word], widths: list[float], frame_ends: frozenset[int]) -> list[list[_Word]]:
        items = whole if len(part) == len(words) else _items(part, justified)
        return _break_total_fit(part, items, widths, rules, frame_ends)

    return break_total_fit


def _spacing(style: TextStyle, scale: float, metrics: dict[str, FontMetrics]) -> chain.Spacing:
    size = style.size_pt * scale
    base = metrics[face_key(style.family, style.bold, style.italic, metrics)]
    return chain.Spacing(
        base.ascent * size / 1000, base.descent * size / 1000, style.leading_pt * scale, style.space_before_pt * scale
    )


def _flow(
    paragraphs: list[StyledParagraph],
    paragraph_words: list[list[_Word]],
    breakers: list[_Breaker],
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
        spacing = _spacing(style, scale, metrics)
        words = paragraph_words[index]
        indent = 0.0
        if paragraph.paragraph.kind == "bullet":
            indent = metrics[face_key(style.family, style.bold, False, metrics)].width_pt(BULLET, size)
        if not words:
            continue
        if frame >= len(boxes):
            return _overflow(frames, scale, words, paragraphs[index + 1 :])
        widths = [(box.width - indent) / size for box in boxes[frame:]]

        heights = [box.height for box in boxes[frame:]]
        if len(heights) == 1 and paragraph.paragraph.kind != "heading":  # one frame: what fits of it
            lines = breakers[index](words, widths, frozenset())
            fit = len(spacing.baselines(len(lines), bool(frames[frame]), True, depth, heights[0]))
            placement = chain.Placement([lines[:fit]], sum(map(len, lines[:fit])))
        elif paragraph.paragraph.kind == "heading":
            reserve = _room_for_what_follows(paragraphs, paragraph_words, breakers, index, boxes[frame], scale, metrics)
            placement = chain.place_heading(
                words, breakers[index], widths, spacing, bool(frames[frame]), depth, heights, reserve
            )
        else:
            caps = [
                len(spacing.baselines(len(words), not offset and bool(frames[frame]), True, depth, height))
                for offset, height in enumerate(heights)
            ]
            placement = chain.place_paragraph(words, breakers[index], widths, caps)
        first_line = True
        to_place = sum(map(len, placement.chunks))
        start_frame = frame
        for offset, lines in enumerate(placement.chunks):
            if not lines:
                continue
            target = start_frame + offset
            box = boxes[target]
            baselines = spacing.baselines(len(lines), bool(frames[target]), first_line, depth, box.height)
            for line, baseline in zip(lines, baselines, strict=True):
                to_place -= 1
                last = placement.placed == len(words) and not to_place
                text_line = _set_line(line, box.x + indent, box.top - baseline, box.width - indent, style, size, last)
                if indent and first_line:
                    bullet = GlyphRun(
                        face_key(style.family, style.bold, False, metrics), size, style.colour, box.x, BULLET
                    )
                    text_line = TextLine(text_line.baseline_pt, text_line.width_pt + indent, (bullet, *text_line.runs))
                frames[target].append(text_line)
                first_line = False
            frame, depth = target, baselines[-1]
        if placement.placed < len(words):
            return _overflow(frames, scale, _whole_words(words, placement.placed), paragraphs[index + 1 :])
        depth += style.space_after_pt * scale
    return Fitted(tuple(tuple(lines) for lines in frames), scale)


def _whole_words(words: list[_Word], placed: int) -> list[_Word]:
    """The words after the first ``placed``; a word broken at that point is left over whole."""
    first = placed
    while 0 < first < len(words) and words[first - 1].hyphen:
        first -= 1
    return words[first:]


def _room_for_what_follows(paragraphs, paragraph_words, breakers, index, box, scale, metrics) -> float | None:
    """Below a heading's last baseline: room for the lines of the next paragraph that must stay
    with it (all of one of up to three lines, else two: a paragraph never leaves one alone)."""
    if index + 1 >= len(paragraphs):
        return None
    style = paragraphs[index].style
    following = paragraphs[index + 1]
    keep = 1
    words = paragraph_words[index + 1]
    if following.paragraph.kind != "heading" and words:
        lines = breakers[index + 1](words, [box.width / (following.style.size_pt * scale)], frozenset())
        keep = len(lines) if len(lines) <= 3 else 2
    spacing = _spacing(following.style, scale, metrics)
    return (style.space_after_pt * scale) + spacing.space_before + spacing.leading * keep + spacing.descent


def _overflow(frames, scale, remaining_words: list[_Word], later: list[StyledParagraph]) -> Fitted:
    """What did not fit, counted in words as a reader counts them (a hyphenated word is one)."""
    left_over = "".join("".join(piece.text for piece in word.pieces) + word.space for word in remaining_words)
    later_text = " ".join("".join(run.text for run in p.paragraph.runs) for p in later)
    words = (left_over + " " + later_text.replace(SOFT_HYPHEN, "")).split()
    return Fitted(tuple(tuple(lines) for lines in frames), scale, len(words), " ".join(left_over.split()[:6]))
