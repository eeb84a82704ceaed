"""A spreadsheet's text export (bytes) -> its text and its rows of cells, each cell with the line it
starts on; or the problems that make its reading uncertain, each at the line where it starts.

Read strictly, the way the file would be read by anyone, or refused: a workbook saved as such (by
its signature), text in an encoding leaflet cannot be sure of, a quote that opens a cell and does
not close where that cell may end, text after a closing quote, a quote inside a cell that does
not start with one, cells separated otherwise than the header's.  A quoted cell may hold line
breaks only in the columns the caller allows (``multiline``); elsewhere a line break in a cell is
almost always a quote left open that swallows the rows below it.
"""

from __future__ import annotations

import bisect
import re
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from leaflet.errors import InputError

SAVE_AS_CSV = "save it as 'CSV UTF-8 (Comma delimited)' (Excel) or 'Text CSV', UTF-8 (LibreOffice)"
DELIMITERS = (",", ";", "\t")
_DELIMITER_NAMES = {",": "commas", ";": "semicolons", "\t": "tabs"}
_LINE_BREAK = re.compile(r"\r\n|\n|\r")
_QUOTE_START = re.compile(r'[ ]*"')
_QUOTED = re.compile(r'[ ]*"((?:[^"]|"")*)"', re.DOTALL)  # a quoted cell, its quotes doubled inside
_QUOTED_TEXT = re.compile(r'"(?:[^"]|"")*"?')


@dataclass(frozen=True)
class Cell:
    text: str
    line: int  # the line the cell starts on
    end_line: int  # the line it ends on: later than ``line`` for a quoted cell holding line breaks


@dataclass(frozen=True)
class Row:
    line: int
    cells: tuple[Cell, ...]


@dataclass(frozen=True)
class Problem:
    """What makes a row unreadable: at ``line``, in cell ``cell`` (0-based), if known."""

    line: int
    message: str
    hint: str | None = None
    cell: int | None = None


def workbook_kind(raw: bytes) -> str | None:
    """What a file that is not text is, by its first bytes: a workbook, a PDF, a web page."""
    if raw.startswith(b"PK\x03\x04"):
        head = raw[:2000]
        if b"opendocument.spreadsheet" in head:
            return "an OpenDocument spreadsheet (.ods)"
        if b"[Content_Types].xml" in head or b"xl/" in head:
            return "an Excel workbook (.xlsx)"
        return "a ZIP archive (a workbook?)"
    if raw.startswith(b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"):
        return "an Excel 97-2003 workbook (.xls)"
    if raw.startswith(b"%PDF"):
        return "a PDF document"
    start = raw[:400].lstrip(b"\xef\xbb\xbf \t\r\n").lower()
    if start.startswith((b"<?xml", b"<html", b"<!doctype html", b"<table")):
        return "an XML or HTML file (a spreadsheet saved as a web page?)"
    return None


def decode_text(raw: bytes, path: Path) -> tuple[str, str]:
    """Text as spreadsheets export it, and its encoding: UTF-8 (with or without a byte-order
    mark), UTF-16 with one ("Unicode text"), or Windows-1252 ("CSV" from Excel on Windows; a file
    of plain ASCII is reported as "ascii").  Anything else is refused rather than guessed at, so
    'Môn' never comes out as 'MÃ´n'."""
    kind = workbook_kind(raw)
    if kind:
        raise InputError(path, None, f"this is {kind}, not a CSV text file", SAVE_AS_CSV)
    if raw.startswith((b"\xff\xfe", b"\xfe\xff")):
        try:
            return raw.decode("utf-16"), "utf-16"
        except UnicodeDecodeError:
            raise InputError(path, None, "damaged UTF-16 text", "export the spreadsheet again as 'CSV UTF-8'") from None
    nul = raw.find(b"\x00")
    if nul >= 0:
        line = raw[:nul].count(b"\n") + 1
        utf16 = raw[1::2].count(0) > len(raw) // 4 or raw[0::2].count(0) > len(raw) // 4
        message = "UTF-16 text without a byte-order mark" if utf16 else "a NUL byte: this is not a spreadsheet's text"
        raise InputError(path, f"line {line}", message, "export the spreadsheet as 'CSV UTF-8'")
    try:
        text = raw.decode("utf-8-sig")
        return text, "ascii" if text.isascii() else "utf-8"
    except UnicodeDecodeError as error:
        utf8_error = error
    bad_byte = utf8_error.start + (3 if raw.startswith(b"\xef\xbb\xbf") else 0)  # utf-8-sig counts after the BOM
    line = raw[:bad_byte].count(b"\n") + 1
    # A file that is mostly UTF-8 with a bad byte is damaged UTF-8, not Windows-1252: reading it
    # as such would turn every accent into two wrong letters.
    looks_utf8 = raw.startswith(b"\xef\xbb\xbf") or re.search(rb"[\xc2-\xf4][\x80-\xbf]", raw[:bad_byte])
    try:
        if looks_utf8:
            raise UnicodeDecodeError("utf-8", raw, utf8_error.start, utf8_error.end, "damaged")
        return raw.decode("cp1252"), "cp1252"
    except UnicodeDecodeError:
        raise InputError(
            path, f"line {line}", "neither UTF-8 nor Windows-1252 text", "export the spreadsheet as 'CSV UTF-8'"
        ) from None


def header_delimiter(text: str, path: Path) -> str:
    """The separator the header row uses: the one of commas, semicolons and tabs it holds most of
    (outside quotes); refused when two are as frequent."""
    header = _LINE_BREAK.split(text, maxsplit=1)[0]
    outside_quotes = _QUOTED_TEXT.sub("", header)
    counts = {delimiter: outside_quotes.count(delimiter) for delimiter in DELIMITERS}
    best = max(counts.values())
    tied = [delimiter for delimiter, count in counts.items() if count == best]
    if best and len(tied) > 1:
        names = " and ".join(_DELIMITER_NAMES[d] for d in tied)
        raise InputError(path, "line 1", f"the header row has as many {names}: which separates its cells?", SAVE_AS_CSV)
    return tied[0]


def read_rows(text: str, delimiter: str, multiline: Callable[[str], bool]) -> tuple[list[Row], list[Problem]]:
    """The rows of cells, the header first, and the problems found.  A row with a problem is left
    out and reading goes on from the line after the one where the problem starts (or, when a
    cell that may hold line breaks is at fault, from the line after the one where it was seen);
    a problem in the header ends the reading.

    ``multiline(column)`` says whether the cells of the column that the header names so may hold
    line breaks (no header cell may)."""
    reader = _RowReader(text, delimiter)
    rows: list[Row] = []
    problems: list[Problem] = []
    position = 0
    spans: list[bool] = []  # by the header's columns: whether a cell may hold line breaks
    while position < len(text):
        row, problem, position = reader.row(position, spans)
        if problem is not None:
            problems.append(problem)
            if not rows:
                break  # without its header, no row can be read
            continue
        assert row is not None
        short = bool(rows) and len(row.cells) < len(rows[0].cells)
        other = short and _other_delimiter(text[reader.lines.start_of(row.line) : position], delimiter, len(row.cells))
        if other:
            problems.append(
                Problem(
                    row.line,
                    f"cells separated by {_DELIMITER_NAMES[other]}, but the header's by {_DELIMITER_NAMES[delimiter]}",
                    "use one separator throughout: " + SAVE_AS_CSV,
                )
            )
            continue
        if not rows:
            spans = [multiline(cell.text) for cell in row.cells]
        rows.append(row)
    return rows, problems


class _RowReader:
    """Reads one row at a time from a text, knowing where each line starts."""

    def __init__(self, text: str, delimiter: str):
        self.text = text
        self.lines = _Lines(text)
        self.unquoted = re.compile(rf"[^{re.escape(delimiter)}\r\n]*")
        self.cell_end = re.compile(rf"[ ]*(?:{re.escape(delimiter)}|\r\n|\n|\r|\Z)")
        self.delimiter = delimiter

    def row(self, position: int, spans: list[bool]) -> tuple[Row | None, Problem | None, int]:
        """The row that starts at ``position``, or the problem that stops it; and where the next
        row starts.  ``spans[index]``: whether the cell at that index may hold line breaks."""
        text, lines = self.text, self.lines
        row_line = lines.line_of(position)
        following = lines.next_line(position)
        plain = text[position:following].rstrip("\r\n")
        if '"' not in plain:  # no quotes: the line is the row, as most are
            return (
                Row(row_line, tuple(Cell(cell, row_line, row_line) for cell in plain.split(self.delimiter))),
                None,
                following,
            )
        cells: list[Cell] = []
        spanning: tuple[int, int] | None = None  # a cell with line breaks where none may be: its index and start
        complete = True  # the row reads to its end
        while True:
            index, start, start_line = len(cells), position, lines.line_of(position)
            may_span = index < len(spans) and spans[index]
            if _QUOTE_START.match(text, position):
                match = _QUOTED.match(text, position)
                if match is None:
                    return None, self._unclosed(start, index, may_span), lines.next_line(start)
                end_line = lines.line_of(match.end() - 1)
                if end_line > start_line and not may_span and spanning is None:
                    spanning = (index, start)
                end = self.cell_end.match(text, match.end())
                if end is None:
                    if spanning is not None:
                        complete = False
                        break
                    after = _LINE_BREAK.split(text[match.end() : match.end() + 20], maxsplit=1)[0]
                    closes = f" on line {end_line}" if end_line > start_line else ""
                    problem = Problem(
                        start_line,
                        f'text after the quote that closes this cell{closes} ("{after}…")',
                        'double a quote inside a quoted cell (""), or put the whole cell in quotes',
                        index,
                    )
                    return None, problem, lines.next_line(match.end())
                cells.append(Cell(match.group(1).replace('""', '"'), start_line, end_line))
            else:
                match = self.unquoted.match(text, position)
                assert match is not None  # the pattern matches the empty string
                if '"' in match.group(0):
                    if spanning is not None:
                        complete = False
                        break
                    problem = Problem(
                        start_line,
                        "a quote inside a cell that does not start with one",
                        'put the whole cell in quotes and double the quote ("Ward ""North"""), or remove it',
                        index,
                    )
                    return None, problem, lines.next_line(start)
                cells.append(Cell(match.group(0), start_line, start_line))
                end = self.cell_end.match(text, match.end())
                assert end is not None  # an unquoted cell ends at the delimiter, a line break or the end
            position = end.end()
            if not end.group(0).endswith(self.delimiter):
                break  # a line break or the end of the file ends the row
            if position >= len(text):
                cells.append(Cell("", start_line, start_line))  # the file ends with a delimiter
                break
        if spanning is None:
            return Row(row_line, tuple(cells)), None, position
        index, start = spanning
        start_line = lines.line_of(start)
        if complete and len(cells) == len(spans):
            # the rest of the row reads well: a cell that holds a line break, and no more
            problem = Problem(
                start_line,
                f"holds a line break (the cell runs from line {start_line} to line {cells[index].end_line})",
                "put the cell on one line: only a column of words that replace a slot may hold line breaks",
                index,
            )
            return None, problem, position
        return None, self._unclosed(start, index, False), lines.next_line(start)

    def _unclosed(self, start: int, index: int, may_span: bool) -> Problem:
        """The quote that opens the cell at ``start`` does not close where the cell may end."""
        start_line = self.lines.line_of(start)
        closing = _QUOTED.match(self.text, start)
        if may_span:
            last = self.lines.line_of(len(self.text))
            return Problem(
                start_line,
                f"a quote opens this cell and never closes (it would run to the end of the file, line {last})",
                'close the quote, or double a quote that belongs to the text ("")',
                index,
            )
        later = ""
        if closing is not None:
            end_line = self.lines.line_of(closing.end() - 1)
            later = f" (the cell would run on to line {end_line}, taking in the rows between)"
        return Problem(
            start_line,
            "a quote opens this cell and does not close on its line" + later,
            'close the quote on the same line, or double a quote that belongs to the text ("")',
            index,
        )


def _other_delimiter(raw_row: str, delimiter: str, cells: int) -> str | None:
    """Another separator that would split the row (outside quotes) into more cells than its own."""
    outside_quotes = _QUOTED_TEXT.sub("", raw_row)
    return next((d for d in DELIMITERS if d != delimiter and outside_quotes.count(d) + 1 > cells), None)


class _Lines:
    """Offsets in a text -> line numbers, counting CR LF, LF and a lone CR as one line break."""

    def __init__(self, text: str):
        self.length = len(text)
        self.starts = [0] + [match.end() for match in _LINE_BREAK.finditer(text)]

    def line_of(self, offset: int) -> int:
        return bisect.bisect_right(self.starts, offset)

    def start_of(self, line: int) -> int:
        return self.starts[line - 1]

    def next_line(self, offset: int) -> int:
        """Where the line after the one holding ``offset`` starts (the end, after the last)."""
        line = self.line_of(offset)
        return self.starts[line] if line < len(self.starts) else self.length
