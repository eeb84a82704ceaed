"""A wards spreadsheet (CSV as Excel, LibreOffice or Google Sheets export it) -> Ward rows.

Every problem in the file is reported at once, one line each, at the line where it starts: what
``spreadsheet`` cannot read for sure (a workbook, an unsure encoding, quotes that do not close
where a cell ends, a line break in a column that cannot hold one), a missing code or name column,
a duplicated code, a row with more cells than the header, a value in a column without a name,
invisible control characters, and the damage a lossy export leaves: a '?' where a letter was, a
replacement character, text decoded twice.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Set as AbstractSet
from pathlib import Path

from leaflet.errors import InputError, InputErrors, shorten
from leaflet.model import Ward
from leaflet.read.spreadsheet import Cell, Row, decode_text, header_delimiter, read_rows

# C0 and C1 controls but tab and line breaks (a cell may hold lines; they are set as spaces), the
# bidirectional marks, overrides and isolates that make a name display otherwise than it reads,
# and the invisible spaces and byte-order marks that make two equal-looking codes differ.
_HIDDEN_CHARACTERS = re.compile(
    "[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f\u200b\u200e\u200f\u202a-\u202e\u2060\u2066-\u2069\ufeff]"
)
# A '?' that stands where a letter was: before a letter, or after one and before a hyphen or an
# apostrophe ("G?yr", "?ukasz", "T?-du").  A question ends a word, and is followed by a space.
_LOST_LETTER = re.compile(r"\?(?=[^\W\d_])|(?<=[^\W\d_])\?(?=[-'’])")
# A UTF-8 lead byte (C2-F4) shown as Windows-1252, then a continuation byte (80-BF) shown so: 'Å' 'µ'.
_UTF8_AS_CP1252 = re.compile(
    "[\u00c2-\u00f4][\u00a0-\u00bf\u0152\u0153\u0160\u0161\u0178\u017d\u017e\u0192\u02c6\u02dc"
    "\u2013\u2014\u2018-\u201a\u201c-\u201e\u2020-\u2022\u2026\u2030\u2039\u203a\u20ac\u2122]"
)
LANGUAGE_CODE = re.compile(r"[a-z]{2,3}(-[a-z0-9]{2,8})?")
_LANGUAGE_SUFFIX = re.compile(r"(.+)_([a-z]{2,3}(?:-[a-z0-9]{2,8})?)")
MAX_COLUMN_NAME = 100
MAX_PROBLEMS = 25  # reported one line each; beyond them, how many more
EXPORT_UTF8 = "export the spreadsheet again as 'CSV UTF-8'"


def language_variant(column: str) -> tuple[str, str] | None:
    """``local_priority_cy`` -> ('local_priority', 'cy'): a column's value for one language."""
    match = _LANGUAGE_SUFFIX.fullmatch(column)
    return (match.group(1), match.group(2)) if match else None


def hidden_character(value: str) -> str | None:
    """The first invisible control or bidirectional character in a cell's text, if any: the
    same rule holds for what an organiser types in leaflet serve."""
    hidden = _HIDDEN_CHARACTERS.search(value)
    return hidden.group() if hidden else None


def load_wards(
    path: Path, required_fields: AbstractSet[str] = frozenset(), multiline_columns: AbstractSet[str] = frozenset()
) -> list[Ward]:
    """Read a wards spreadsheet export.  ``required_fields`` are the columns content refers to;
    ``multiline_columns`` those whose cells may hold line breaks (words that replace a slot),
    and their per-language variants (``local_focus_cy``)."""
    path = Path(path)
    try:
        raw = path.read_bytes()
    except FileNotFoundError:
        raise InputError(path, None, "wards file not found", "set 'wards' in campaign.yaml or pass --wards") from None
    except OSError as error:
        raise InputError(path, None, f"cannot be read ({error.strerror or error})", "pass the wards CSV file") from None
    text, encoding = decode_text(raw, path)
    if not text.strip():
        raise InputError(path, None, "the wards file is empty", "the first row names the columns: code,name,...")

    def multiline(header_cell: str) -> bool:
        column = header_cell.strip().lower()
        variant = language_variant(column)
        return column in multiline_columns or (variant is not None and variant[0] in multiline_columns)

    rows, syntax = read_rows(text, header_delimiter(text, path), multiline)
    names = [cell.text.strip().lower() for cell in rows[0].cells] if rows else []
    problems = [
        InputError(path, f"line {problem.line}", _column_name(names, problem.cell) + problem.message, problem.hint)
        for problem in syntax
    ]
    if not rows:
        _raise(problems)
    columns = _check_header(path, rows[0], required_fields)
    wards: list[Ward] = []
    codes: dict[str, int] = {}
    for row in rows[1:]:
        ward = _ward(path, row, columns, encoding, codes, problems)
        if ward is not None:
            wards.append(ward)
    if problems:
        _raise(sorted(problems, key=_line_number))
    if not wards:
        raise InputError(path, None, "no wards in the file", "add one row per ward below the header")
    return wards


def _column_name(columns: list[str], index: int | None) -> str:
    if index is None:
        return ""
    if index < len(columns) and columns[index]:
        return f"column '{columns[index]}': "
    return f"column {index + 1}: "


def _line_number(error: InputError) -> int:
    match = re.match(r"line (\d+)", error.where or "")
    return int(match.group(1)) if match else 0


def _raise(problems: list[InputError]) -> None:
    if len(problems) > MAX_PROBLEMS:
        rest = len(problems) - MAX_PROBLEMS
        first = problems[0]
        problems = [
            *problems[:MAX_PROBLEMS],
            InputError(first.path, None, f"and {rest} more problem(s) like these", "fix those above and run again"),
        ]
    if len(problems) == 1:
        raise problems[0]
    raise InputErrors(problems)


def _check_header(path: Path, header: Row, required_fields: AbstractSet[str]) -> list[str]:
    columns = [unicodedata.normalize("NFC", cell.text.strip().lower()) for cell in header.cells]
    problems: list[InputError] = []
    for column in columns:
        if len(column) > MAX_COLUMN_NAME:
            problems.append(
                InputError(
                    path,
                    "line 1",
                    f"a column name of {len(column)} characters ('{shorten(column)}')",
                    "the first row names the columns: code,name,...",
                )
            )
            continue
        hidden = _HIDDEN_CHARACTERS.search(column)
        if hidden:
            problems.append(
                InputError(
                    path,
                    "line 1",
                    f"column name '{shorten(column)}' holds an invisible character U+{ord(hidden.group()):04X}",
                    "retype the column's name",
                )
            )
    for required in ("code", "name"):
        if required not in columns:
            problems.append(
                InputError(
                    path, "line 1", f"no '{required}' column", "the first row must name the columns code and name"
                )
            )
    seen: set[str] = set()
    for column in columns:
        if column and column in seen:
            problems.append(InputError(path, "line 1", f"column '{column}' appears twice"))
        seen.add(column)
    for field in sorted(required_fields - set(columns)):
        problems.append(
            InputError(
                path,
                "line 1",
                f"no '{field}' column, but the campaign's words use {{ward.{field}}}",
                "add the column or remove the placeholder",
            )
        )
    if problems:
        _raise(problems)
    return columns


def _ward(
    path: Path, row: Row, columns: list[str], encoding: str, codes: dict[str, int], problems: list[InputError]
) -> Ward | None:
    """The row's ward, or None with its problems added (a blank row is no ward and no problem)."""
    if not any(cell.text.strip() for cell in row.cells):
        return None
    found = len(problems)
    extra = [cell for cell in row.cells[len(columns) :] if cell.text.strip()]
    if extra:
        problems.append(
            InputError(
                path,
                f"line {row.line}",
                f"{len(row.cells)} cells but {len(columns)} columns",
                "check for a stray comma or quote",
            )
        )
    fields: dict[str, str] = {}
    for index, column in enumerate(columns):
        cell = row.cells[index] if index < len(row.cells) else Cell("", row.line, row.line)
        value = unicodedata.normalize("NFC", cell.text.strip())  # 'ŵ' typed as 'w' and a mark is 'ŵ'
        if not column:
            if value:
                problems.append(
                    InputError(
                        path,
                        f"line {cell.line}",
                        f"column {index + 1} has no name in the header row, but this row has '{shorten(value)}' in it",
                        "name the column in the first row, or clear its cells",
                    )
                )
            continue
        problem = _damage(column, value, encoding)
        if problem:
            message, hint = problem
            problems.append(InputError(path, f"line {cell.line}", f"column '{column}' {message}", hint))
        fields[column] = value
    for required in ("code", "name"):
        if required in fields and not fields[required]:
            problems.append(
                InputError(path, f"line {row.line}", f"the ward has no {required}", f"fill in the {required} column")
            )
    code = fields.get("code", "")
    if code and code in codes:
        problems.append(
            InputError(
                path,
                f"line {row.line}",
                f"ward code '{shorten(code)}' already used on line {codes[code]}",
                "ward codes must be unique",
            )
        )
    elif code:
        codes[code] = row.line
    if len(problems) > found:
        return None
    return Ward(code=code, name=fields["name"], fields=fields, line=row.line)


def _damage(column: str, value: str, encoding: str) -> tuple[str, str] | None:
    """What is wrong with a cell's text, and what to do; None when nothing is."""
    hidden = hidden_character(value)
    if hidden:
        return (
            f"holds an invisible control character U+{ord(hidden):04X}",
            "retype the cell: such characters reorder or hide text on the leaflet",
        )
    if "\ufffd" in value:
        return (
            f"holds U+FFFD ('{shorten(value)}'), the mark of a letter lost in an earlier conversion",
            "retype the cell with its letters, then " + EXPORT_UTF8,
        )
    if encoding in ("cp1252", "ascii"):
        lost = _LOST_LETTER.search(value)
        if lost:
            return (
                f"has a '?' where a letter was ('{shorten(value)}'): saved as plain 'CSV', a spreadsheet "
                "writes '?' for the letters Windows-1252 lacks (ŵ, ŷ, ł ...)",
                "retype the letters in the spreadsheet if they are lost there too, then " + EXPORT_UTF8,
            )
    else:
        original = _decoded_twice(value)
        if original:
            return (
                f"looks like UTF-8 read as Windows-1252: '{shorten(value)}' for '{shorten(original)}'",
                "open the original file as UTF-8, or retype the cell, then " + EXPORT_UTF8,
            )
    return None


def _decoded_twice(value: str) -> str | None:
    """The text meant, when ``value`` is UTF-8 bytes shown as Windows-1252 ('GÅµyr' for 'Gŵyr')."""
    if value.isascii() or not _UTF8_AS_CP1252.search(value):
        return None
    try:
        original = value.encode("cp1252").decode("utf-8")
    except UnicodeError:
        return None
    return original if original != value else None


def select_wards(wards: list[Ward], codes: list[str] | None, path: Path) -> list[Ward]:
    if not codes:
        return wards
    by_code = {ward.code: ward for ward in wards}
    missing = [code for code in codes if code not in by_code]
    if missing:
        shown = ", ".join(shorten(code) for code in missing[:10]) + (" ..." if len(missing) > 10 else "")
        raise InputError(path, None, f"no ward with code {shown}", "check --ward against the code column")
    return [by_code[code] for code in dict.fromkeys(codes)]
