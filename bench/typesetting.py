"""How well the example's story is set, by leaflet and by Typst: measured from the PDFs alone.

    python bench/typesetting.py [--repo DIR] [--typst] [--json]

Both tools set the same story (content/pcc-2021/story.md) in the same four 61 mm columns of the
example layout, once ragged right (as the example is) and once justified.  Each PDF is read back
with PDFium (character boxes: a glyph's box is its advance), lines are found by their baselines
in the story's columns, and the words are matched to the story's, so that what is measured is
what is on the page, whatever made it.  ``--repo`` measures another checkout of leaflet (say,
one before total-fit breaking); Typst is compiled from bench/peers/leaflet.typ with hyphenation
and justification switched on (``--typst``; needs ``pip install -r bench/requirements.txt``).

What it prints, per setting:

- lines: the story's lines (headings included); hyphens: lines that end inside a word;
- fill sd: the standard deviation of line fill (a line's width / the column's), and under 80%:
  lines less than 80% full; both leave out a paragraph's last line, which may be short;
- widest space: the widest word space on a justified line (not a paragraph's last) as a multiple
  of the font's space; rivers: chains of word spaces that touch from line to line (overlapping by
  half a space or more) through three lines or more, in justified text;
- orphans (a paragraph's first line alone at a column's foot) and widows (its last line alone at
  the next column's head).
"""

from __future__ import annotations

import argparse
import ctypes
import dataclasses
import itertools
import json
import re
import statistics
import sys
import tempfile
from dataclasses import dataclass, field
from pathlib import Path

BENCH = Path(__file__).resolve().parent
REPO = BENCH.parent
CAMPAIGN = REPO / "content" / "pcc-2021"
MM = 72 / 25.4
BLEED_MM = 3.0
COLUMN_MM = 61.0
# The story's columns: (page, left, top, bottom) in mm from the trim's top-left corner.
COLUMNS = [(0, 10, 142, 205), (0, 77, 142, 205), (1, 10, 77.5, 150), (1, 77, 77.5, 150)]
SPACE_EM = 0.26  # Noto Sans's space: 260 units of 1000
TYPED = str.maketrans("‘’“”–—\u00a0\u2010", "''\"\"-- -")


@dataclass
class Line:
    column: int
    baseline: float
    size: float
    words: list[tuple[str, float, float]]  # text, left and right edge (pt)
    starts: bool = False
    ends: bool = False
    hyphenated: bool = False

    @property
    def text(self) -> str:
        return " ".join(word for word, _, _ in self.words)

    @property
    def fill(self) -> float:
        return (self.words[-1][2] - self.words[0][1]) / (COLUMN_MM * MM)

    def gaps(self) -> list[tuple[float, float]]:
        return [(a[2], b[1]) for a, b in itertools.pairwise(self.words)]


@dataclass
class Measures:
    size_pt: float = 0.0  # the body text's size (copy-fitting may have made it smaller)
    lines: int = 0
    hyphens: int = 0
    fill_sd: float = 0.0
    under_80: int = 0
    widest_space: float = 0.0
    rivers: int = 0
    orphans: int = 0
    widows: int = 0
    notes: list[str] = field(default_factory=list)


def read_lines(pdf: Path) -> list[Line]:
    """The story's lines, column by column, from the characters PDFium finds in its columns."""
    import pypdfium2 as pdfium
    import pypdfium2.raw as raw

    document = pdfium.PdfDocument(pdf)
    lines: list[Line] = []
    for column, (page_index, left, top, bottom) in enumerate(COLUMNS):
        page = document[page_index]
        height = page.get_height()
        x0, x1 = (left + BLEED_MM) * MM - 1, (left + COLUMN_MM + BLEED_MM) * MM + 4
        y_top, y_bottom = height - (top + BLEED_MM) * MM + 2, height - (bottom + BLEED_MM) * MM - 2
        text_page = page.get_textpage()
        rows: dict[float, list[tuple[float, float, str, float]]] = {}
        for index in range(text_page.count_chars()):
            if raw.FPDFText_IsGenerated(text_page.raw, index):
                continue
            char = chr(raw.FPDFText_GetUnicode(text_page.raw, index))
            if raw.FPDFText_IsHyphen(text_page.raw, index):
                char = "-"  # PDFium reports a hyphen that ends a line as U+0002
            x, y = ctypes.c_double(), ctypes.c_double()
            raw.FPDFText_GetCharOrigin(text_page.raw, index, x, y)
            if not (x0 <= x.value <= x1 and y_bottom <= y.value <= y_top):
                continue
            box = text_page.get_charbox(index, loose=True)
            size = raw.FPDFText_GetFontSize(text_page.raw, index)
            baseline = round(y.value * 2) / 2
            rows.setdefault(baseline, []).append((box[0], box[2], char, size))
        for baseline in sorted(rows, reverse=True):
            chars = sorted(rows[baseline])
            words: list[tuple[str, float, float]] = []
            current, start, end = "", 0.0, 0.0
            for left_pt, right_pt, char, size in chars:
                if char.isspace() or (current and left_pt - end > 0.15 * size):
                    if current:
                        words.append((current, start, end))
                    current = ""
                    if char.isspace():
                        continue
                if not current:
                    start = left_pt
                current += char
                end = right_pt
            if current:
                words.append((current, start, end))
            if words:
                lines.append(Line(column, baseline, max(c[3] for c in chars), words))
    return lines


def story_paragraphs() -> list[list[str]]:
    text = (CAMPAIGN / "story.md").read_text(encoding="utf-8")
    paragraphs = [" ".join(part.split()) for part in re.split(r"\n\s*\n", text) if part.strip()]
    return [re.sub(r"^#+ |\*\*", "", paragraph).split() for paragraph in paragraphs]


def match_story(lines: list[Line], notes: list[str]) -> None:
    """Mark each line's place in its paragraph by matching its words to the story's."""

    def same(a: str, b: str) -> bool:
        return a.translate(TYPED).casefold() == b.translate(TYPED).casefold()

    paragraphs = story_paragraphs()
    paragraph, word, carry = 0, 0, ""
    for line in lines:
        if paragraph >= len(paragraphs):
            notes.append(f"text after the story: {line.text!r}")
            break
        line.starts = word == 0 and not carry
        for index, (token, _, _) in enumerate(line.words):
            if paragraph >= len(paragraphs):
                notes.append(f"text after the story: {token!r}")
                break
            token = carry + token
            carry = ""
            expected = paragraphs[paragraph][word]
            last = index == len(line.words) - 1
            if same(token, expected):
                word += 1
            elif (
                last
                and token.endswith("-")
                and expected.translate(TYPED).casefold().startswith(token.translate(TYPED).casefold())
            ):
                carry = token  # after a hyphen of its own: kick-/started
            elif last and token.endswith("-"):
                carry = token[:-1]
                line.hyphenated = True
            else:
                notes.append(f"{token!r} where the story has {expected!r}")
                word += 1
            if word == len(paragraphs[paragraph]):
                paragraph, word = paragraph + 1, 0
        line.ends = word == 0 and not carry
    if paragraph < len(paragraphs):
        notes.append(f"story not complete: stops in paragraph {paragraph + 1} of {len(paragraphs)}")


def measure(pdf: Path, justified: bool) -> Measures:
    lines = read_lines(pdf)
    result = Measures(lines=len(lines))
    match_story(lines, result.notes)
    result.size_pt = statistics.mode(round(line.size, 2) for line in lines)
    body = [line for line in lines if abs(line.size - result.size_pt) < 0.05]
    inner = [line for line in body if not line.ends]
    fills = [line.fill for line in inner]
    result.hyphens = sum(line.hyphenated for line in lines)
    result.fill_sd = statistics.pstdev(fills) if fills else 0.0
    result.under_80 = sum(fill < 0.8 for fill in fills)
    space = SPACE_EM * result.size_pt
    if justified:
        gaps = [right - left for line in inner for left, right in line.gaps()]
        result.widest_space = max(gaps, default=0.0) / space
        result.rivers = count_rivers(body, space)
    for before, after in itertools.pairwise(lines):
        if before.column != after.column:
            result.orphans += before.starts and not before.ends
            result.widows += after.ends and not after.starts
    return result


def count_rivers(lines: list[Line], space: float, length: int = 3) -> int:
    """Chains of word spaces, one per line on ``length`` lines or more in a row of a column, each
    overlapping the next by half a space or more."""
    rivers = 0
    chains: list[tuple[tuple[float, float], int]] = []  # the chain's last gap and its length
    previous: Line | None = None
    for line in lines:
        adjacent = previous is not None and previous.column == line.column and previous.baseline - line.baseline < 12
        gaps = [] if line.ends else line.gaps()
        grown: list[tuple[tuple[float, float], int]] = []
        for gap in gaps:
            best = 0
            if adjacent:
                for (left, right), count in chains:
                    if min(right, gap[1]) - max(left, gap[0]) >= space / 2:
                        best = max(best, count)
            grown.append((gap, best + 1))
        rivers += sum(1 for (_, count) in grown if count == length)  # counted once, when it gets long enough
        chains, previous = grown, line
    return rivers


# ---------------------------------------------------------------- making the PDFs


def leaflet_pdf(repo: Path, justified: bool, out: Path) -> Path:
    """An English ward of the example as leaflet (from ``repo``) sets it."""
    sys.path.insert(0, str(repo))
    try:
        from leaflet.runs.prepare import load, prepare_run

        campaigns, wards = load(repo / "content" / "pcc-2021", ward_codes=["E05009308"])
        if justified:
            layout = campaigns[""].layout
            layout.styles["body"] = dataclasses.replace(layout.styles["body"], align="justify")
        run = prepare_run(campaigns, wards)
        path = out / f"leaflet-{'justified' if justified else 'ragged'}.pdf"
        path.write_bytes(run.draw(run.lay_out(wards[0])))
        return path
    finally:
        sys.path.remove(str(repo))
        for name in [name for name in sys.modules if name == "leaflet" or name.startswith("leaflet.")]:
            del sys.modules[name]


def typst_pdf(justified: bool, out: Path) -> Path:
    import typst

    inputs = {"hyphenate": "true", "justify": "true" if justified else "false"}
    compiler = typst.Compiler(
        str(BENCH / "peers" / "leaflet.typ"),
        root=str(REPO),
        font_paths=[str(REPO / "fonts" / "NotoSans")],
        ignore_system_fonts=True,
    )
    path = out / f"typst-{'justified' if justified else 'ragged'}.pdf"
    pdf = compiler.compile(sys_inputs=inputs, pdf_tags=False, timestamp=0)
    assert isinstance(pdf, bytes)  # one PDF file, not one image a page
    path.write_bytes(pdf)
    return path


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--repo", type=Path, default=REPO, help="the leaflet checkout to measure")
    parser.add_argument("--typst", action="store_true", help="measure Typst too")
    parser.add_argument("--json", action="store_true", help="print the measures as JSON")
    parser.add_argument("--keep", type=Path, help="keep the PDFs in this folder")
    args = parser.parse_args(argv)
    out = args.keep or Path(tempfile.mkdtemp())
    out.mkdir(parents=True, exist_ok=True)
    results: dict[str, Measures] = {}
    for justified in (False, True):
        setting = "justified" if justified else "ragged"
        results[f"leaflet {setting}"] = measure(leaflet_pdf(args.repo.resolve(), justified, out), justified)
        if args.typst:
            results[f"typst {setting}"] = measure(typst_pdf(justified, out), justified)
    if args.json:
        print(json.dumps({name: dataclasses.asdict(m) for name, m in results.items()}, indent=2))
        return
    print(f"{'setting':<20} size pt lines hyphens fill sd under 80%  widest space rivers orphans widows")
    for name, m in results.items():
        widest = f"{m.widest_space:.1f}x" if m.widest_space else "-"
        rivers = str(m.rivers) if m.widest_space else "-"
        print(
            f"{name:<20} {m.size_pt:7.2f} {m.lines:5} {m.hyphens:7} {m.fill_sd:7.3f} {m.under_80:9}"
            f" {widest:>13} {rivers:>6} {m.orphans:7} {m.widows:6}"
        )
        for note in m.notes[:5]:
            print(f"    note: {note}")


if __name__ == "__main__":
    main()
