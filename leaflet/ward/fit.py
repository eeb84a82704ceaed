"""Paragraphs + styles + a chain of frame boxes -> positioned text lines, shrunk to fit if allowed.

A chain (the story's flow) is broken total-fit (``linebreak``: every break of a paragraph chosen
at once, hyphenated where the paragraph's hyphenator allows) and so is any justified paragraph;
other frames' text breaks greedily at spaces (and after hyphens and dashes, and at soft hyphens).
Either way a line is as wide as what is drawn: the words come measured, shaped by HarfBuzz, from
``words``, with what breaking inside a word adds.  A chain is filled frame by frame (``chain``):
a paragraph never leaves its first line alone at the bottom of a frame (an orphan) nor its last
line alone at the top of the next (a widow), and a heading stays with the lines that follow it.
When the text does not fit at its styles' sizes, every size in the chain is scaled down together,
never below any style's ``min_size_pt``; if it still does not fit the result says how many words
were left over.  Nothing is cut silently.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from leaflet.assets.fonts import FontMetrics, ShapedText
from leaflet.model import BoxPt, GlyphRun, TextLine, TextStyle
from leaflet.ward import chain, linebreak
from leaflet.ward.bidi import visual_order
from leaflet.ward.hyphenate import SOFT_HYPHEN
from leaflet.ward.words import StyledParagraph, Word, ending_width, face_key, measure_words

BULLET = "\u2022\u2002"  # bullet and en space
_DASHES = "\u2013\u2014"

# Total-fit costs, as TeX has them: a hyphen (and a break after an explicit one) costs 50; a line
# that starts with a spaced dash costs more than one that ends with it.
HYPHEN_PENALTY = 50.0
DASH_START_PENALTY = 500.0
TIE_PENALTY = linebreak.LAST_RESORT  # inside a name: only when nothing else will do
JUSTIFIED = linebreak.Rules()
RAGGED = linebreak.Rules(ragged=True)


@dataclass(frozen=True)
class Fitted:
    """Lines per frame of the chain; ``overflow_words`` > 0 means the text did not fit."""

    lines: tuple[tuple[TextLine, ...], ...]
    scale: float
    overflow_words: int = 0
    overflow_start: str = ""


def _break_greedy(words: list[Word], widths: list[float]) -> list[list[Word]]:
    """Each line as full as it can be, in turn; line ``n`` is ``widths[n]`` wide (the last width
    for the lines after), in the words' own unit (points at 1 pt size).  A line may end inside a
    word where it may take a hyphen (a soft hyphen), if the hyphen fits too."""
    lines: list[list[Word]] = []
    start, count = 0, len(words)
    while start < count:
        width = widths[min(len(lines), len(widths) - 1)] + 1e-6
        used = words[start].width + words[start].restart_width
        end = start + 1
        while end < count and used + words[end - 1].space_width + words[end].width <= width:
            used += words[end - 1].space_width + words[end].width
            end += 1
        if end < count and not _may_end(words, start, end - 1, used, width):
            # break earlier if the break here is inside a phrase, or its hyphen does not fit
            back, room = end, used
            while back - 1 > start and not _may_end(words, start, back - 1, room, width):
                room -= words[back - 1].width + words[back - 2].space_width
                back -= 1
            if _may_end(words, start, back - 1, room, width):
                end = back  # else no better break on this line: keep the one there is
        lines.append(words[start:end])
        start = end
    return lines


def _may_end(words: list[Word], start: int, last: int, used: float, width: float) -> bool:
    """Whether a line of ``words[start..last]``, ``used`` wide as the words are, may break after
    the last: not inside a phrase, and inside a word only if the line, hyphen and all, fits."""
    word = words[last]
    return not word.tie and (not word.hyphen or used + ending_width(words, start, last) <= width)


def _items(words: list[Word], justified: bool) -> tuple[list[linebreak.Item], list[int], dict[tuple[int, int], float]]:
    """The words as boxes, glue and penalties (at 1 pt), for each item the word it follows, and
    the corrections for lines that hold nothing but parts of one word (``linebreak.total_fit``)."""
    items: list[linebreak.Item] = []
    owners: list[int] = []
    hyphen_at: dict[int, int] = {}  # a word broken after -> its penalty
    last = len(words) - 1
    if words and words[0].continues:  # the rest of a word a line before broke
        items.append(linebreak.Box(words[0].restart_width))
        owners.append(0)
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
            hyphen_at[index] = len(items)
            restart = words[index + 1].restart_width
            items.append(linebreak.Penalty(word.hyphen_width, HYPHEN_PENALTY, True, restart))
        else:  # after a hyphen, dash or slash that is in the text
            hyphen = word.pieces[-1].text[-1:] in "-\u2010\u2013\u2014"
            items.append(linebreak.Penalty(0.0, HYPHEN_PENALTY if hyphen else 0.0, hyphen))
        owners.append(index)
    ending = linebreak.paragraph_end()
    items.extend(ending)
    owners.extend([last] * len(ending))
    corrections: dict[tuple[int, int], float] = {}
    for index, position in hyphen_at.items():
        for back in range(min(len(words[index].fragments), index + 1)):
            start = index - back
            after = hyphen_at.get(start - 1, -1)  # the break the line starts after (-1: none, the start)
            if after >= 0 or start == 0:
                normal = words[index].hyphen_width + (words[start].restart_width if after >= 0 else 0.0)
                corrections[(after, position)] = ending_width(words, start, index) - normal
    return items, owners, corrections


def _break_total_fit(
    words: list[Word],
    items: tuple[list[linebreak.Item], list[int], dict[tuple[int, int], float]],
    widths: list[float],
    rules,
    frame_ends,
) -> list[list[Word]]:
    """Every break of the paragraph chosen at once (``linebreak.total_fit``)."""
    boxes, owners, corrections = items
    lines: list[list[Word]] = []
    start = 0
    for position in linebreak.total_fit(boxes, widths, rules, frame_ends, corrections):
        end = owners[position] + 1
        lines.append(words[start:end])
        start = end
    return lines


def _set_line(
    line: list[Word], x: float, baseline: float, width: float, style: TextStyle, size: float, last: bool
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


# A piece of a line in reading order: font, text, glyphs, whether it is a space, its place in
# reading order.
_Segment = tuple[str, str, ShapedText, bool, int]


def _set_runs(
    line: list[Word], x: float, width: float, style: TextStyle, size: float, last: bool
) -> tuple[float, tuple[GlyphRun, ...]]:
    segments, levels = _segments(line)
    natural = sum(segment[2].width for segment in segments) * size
    gaps = sum(len(w.space) for w in line[:-1])
    word_space = 0.0
    if style.align == "justify" and gaps and (not last or natural > width):
        word_space = (width - natural) / gaps  # below zero where total-fit shrank the spaces
    elif style.align == "center":
        x += (width - natural) / 2
    elif style.align == "right":
        x += width - natural
    bidi: list[int] | None = None  # each segment's level, when the line has right-to-left text
    if levels is not None and any(levels):
        bidi = levels
        segments = [segments[index] for index in visual_order(levels)]
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


def _segments(line: list[Word]) -> tuple[list[_Segment], list[int] | None]:
    """The line's pieces and spaces in reading order, and each one's bidirectional level when its
    paragraph has right-to-left text.  A word the line breaks ends in the part before the break
    shaped with its hyphen; a line after such a break starts with the rest of the word shaped on
    its own (a line inside one word is those parts and the hyphen shaped as one)."""
    segments: list[_Segment] = []
    levels: list[int] | None = [] if line[0].bidi else None

    def add(font: str, text: str, shaped: ShapedText, is_space: bool, level: int) -> None:
        segments.append((font, text, shaped, is_space, len(segments)))
        if levels is not None:
            levels.append(level)

    count = len(line)
    first = 0  # the first word set as it was measured
    if line[0].continues:
        end = 0
        while end < count - 1 and line[end].hyphen:
            end += 1
        parts = "".join(word.pieces[0].text for word in line[: end + 1])
        ending = line[end]
        if ending.hyphen:  # nothing but parts of one word
            add(ending.pieces[0].font, parts + ending.hyphen, ending.fragments[end], False, 0)
            return segments, levels
        add(ending.pieces[0].font, parts, line[0].resumed, False, 0)
        for piece in ending.pieces[1:]:
            add(piece.font, piece.text, piece.shaped, False, piece.level)
        if ending.space and end < count - 1:
            add(ending.space_font, ending.space, ending.space_shaped, True, ending.space_level)
        first = end + 1
    broken = line[-1]
    stop = count  # where the word the line breaks starts
    if broken.hyphen:
        stop = count - 1
        while line[stop].continues:
            stop -= 1
    for index in range(first, stop):
        word = line[index]
        for piece in word.pieces:
            add(piece.font, piece.text, piece.shaped, False, piece.level)
        if word.space and index < count - 1:
            add(word.space_font, word.space, word.space_shaped, True, word.space_level)
    if broken.hyphen:
        word = line[stop]
        for piece in word.pieces[:-1]:
            add(piece.font, piece.text, piece.shaped, False, piece.level)
        text = word.pieces[-1].text + "".join(w.pieces[0].text for w in line[stop + 1 :]) + broken.hyphen
        add(word.pieces[-1].font, text, broken.broken, False, 0)
    return segments, levels


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


def fit_chain(
    paragraphs: list[StyledParagraph],
    boxes: list[BoxPt],
    metrics: dict[str, FontMetrics],
    fallback_families: tuple[str, ...] = (),
    measure: Callable[[StyledParagraph], list[Word]] | None = None,
    total_fit: bool = False,
) -> Fitted:
    """Set ``paragraphs`` into ``boxes`` at full size or, if needed and allowed, smaller;
    characters a style's family lacks are taken from ``fallback_families``, in order.
    ``measure`` (from ``remembering_measurer`` for the same fonts) saves measuring again.
    ``total_fit`` breaks every paragraph total-fit (justified ones always are)."""
    words = [measure(p) if measure else measure_words(p, metrics, fallback_families) for p in paragraphs]
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


_Breaker = chain.Breaker[Word]


def _greedy(words: list[Word], widths: list[float], frame_ends: frozenset[int]) -> list[list[Word]]:
    return _break_greedy(words, widths)


def _breaker(style: TextStyle, words: list[Word], total_fit: bool) -> _Breaker:
    """How a paragraph's lines break: (its words or the rest of them, line widths, the lines
    that end a frame) -> lines.  Total-fit items are made once, for every size tried."""
    justified = style.align == "justify"
    if not (total_fit or justified) or not words:
        return _greedy
    rules = JUSTIFIED if justified else RAGGED
    whole = _items(words, justified)

    def break_total_fit(part: list[Word], widths: list[float], frame_ends: frozenset[int]) -> list[list[Word]]:
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
    paragraph_words: list[list[Word]],
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
                    bullet_face = face_key(style.family, style.bold, False, metrics)
                    bullet = _shaped_run(bullet_face, size, style, box.x, BULLET, metrics)
                    text_line = TextLine(text_line.baseline_pt, text_line.width_pt + indent, (bullet, *text_line.runs))
                frames[target].append(text_line)
                first_line = False
            frame, depth = target, baselines[-1]
        if placement.placed < len(words):
            return _overflow(frames, scale, _whole_words(words, placement.placed), paragraphs[index + 1 :])
        depth += style.space_after_pt * scale
    return Fitted(tuple(tuple(lines) for lines in frames), scale)


def _whole_words(words: list[Word], placed: int) -> list[Word]:
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


def _overflow(frames, scale, remaining_words: list[Word], later: list[StyledParagraph]) -> Fitted:
    """What did not fit, counted in words as a reader counts them (a hyphenated word is one)."""
    left_over = "".join("".join(piece.text for piece in word.pieces) + word.space for word in remaining_words)
    later_text = " ".join("".join(run.text for run in p.paragraph.runs) for p in later)
    words = (left_over + " " + later_text.replace(SOFT_HYPHEN, "")).split()
    return Fitted(tuple(tuple(lines) for lines in frames), scale, len(words), " ".join(left_over.split()[:6]))
