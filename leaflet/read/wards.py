"""A wards spreadsheet (CSV as Excel, LibreOffice or Google Sheets export it) -> Ward rows.

Refused with the line and what to do: text in an encoding it cannot be sure of, a missing code
or name column, a duplicated code, a row with too many cells, invisible control characters.
"""

from __future__ import annotations

import csv
import io
import re
from collections.abc import Set as AbstractSet
from pathlib import Path

from leaflet.errors import InputError
from leaflet.model import Ward

# C0 and C1 controls but tab and line breaks (a cell may hold lines; they are set as spaces), and
# the bidirectional marks, overrides and isolates that make a name display otherwise than it reads.
_HIDDEN_CHARACTERS = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f\u200e\u200f\u202a-\u202e\u2066-\u2069]")


def hidden_character(value: str) -> str | None:
    """The first invisible control or bidirectional character in a cell's text, if any: the
    same rule holds for what an organiser types in leaflet serve."""
    hidden = _HIDDEN_CHARACTERS.search(value)
    return hidden.group() if hidden else None


def decode_spreadsheet_text(raw: bytes, path: Path) -> str:
    """Text as spreadsheets export it: UTF-8 (with or without a byte-order mark), UTF-16 with
    one ("Unicode text"), or Windows-1252 ("CSV" from Excel on Windows).  Anything else is
    refused rather than guessed at, so 'Môn' never comes out as 'MÃ´n'."""
    if raw.startswith((b"\xff\xfe", b"\xfe\xff")):
        try:
            return raw.decode("utf-16")
        except UnicodeDecodeError:
            raise InputError(path, None, "damaged UTF-16 text", "export the spreadsheet again as 'CSV UTF-8'") from None
    try:
        return raw.decode("utf-8-sig")
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
        return raw.decode("cp1252")
    except UnicodeDecodeError:
        raise InputError(
            path, f"line {line}", "neither UTF-8 nor Windows-1252 text", "export the spreadsheet as 'CSV UTF-8'"
        ) from None


def load_wards(path: Path, required_fields: AbstractSet[str] = frozenset()) -> list[Ward]:
    """Read a wards spreadsheet export.  ``required_fields`` are the columns content refers to."""
    path = Path(path)
    try:
        raw = path.read_bytes()
    except FileNotFoundError:
        raise InputError(path, None, "wards file not found", "set 'wards' in campaign.yaml or pass --wards") from None
    except OSError as error:
        raise InputError(path, None, f"cannot be read ({error.strerror or error})", "pass the wards CSV file") from None
    text = decode_spreadsheet_text(raw, path)
    first_line = text.split("\n", 1)[0]
    delimiter = max((",", ";", "\t"), key=first_line.count)
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter)
    try:
        header = next(reader)
    except StopIteration:
        raise InputError(
            path, None, "the wards file is empty", "the first row names the columns: code,name,..."
        ) from None
    except csv.Error as error:
        raise InputError(path, "line 1", f"malformed CSV ({error})") from None
    columns = [column.strip().lower() for column in header]
    for required in ("code", "name"):
        if required not in columns:
            raise InputError(
                path, "line 1", f"no '{required}' column", "the first row must name the columns code and name"
            )
    seen_columns: set[str] = set()
    for column in columns:
        if column and column in seen_columns:
            raise InputError(path, "line 1", f"column '{column}' appears twice")
        seen_columns.add(column)
    for field in sorted(required_fields):
        if field not in columns:
            raise InputError(
                path,
                "line 1",
                f"no '{field}' column, but the campaign's words use {{ward.{field}}}",
                "add the column or remove the placeholder",
            )
    wards: list[Ward] = []
    codes: dict[str, int] = {}
    try:
        while True:
            line = reader.line_num + 1  # where the row starts, even if a quoted cell spans lines
            row = next(reader, None)
            if row is None:
                break
            if not any(cell.strip() for cell in row):
                continue
            if len(row) > len(columns):
                raise InputError(
                    path,
                    f"line {line}",
                    f"{len(row)} cells but {len(columns)} columns",
                    "check for a stray comma or quote",
                )
            fields = {column: (row[i].strip() if i < len(row) else "") for i, column in enumerate(columns) if column}
            for column, value in fields.items():
                hidden = hidden_character(value)
                if hidden:
                    raise InputError(
                        path,
                        f"line {line}",
                        f"column '{column}' holds an invisible control character U+{ord(hidden):04X}",
                        "retype the cell: such characters reorder or hide text on the leaflet",
                    )
            for required in ("code", "name"):
                if not fields[required]:
                    raise InputError(
                        path, f"line {line}", f"the ward has no {required}", f"fill in the {required} column"
                    )
            code = fields["code"]
            if code in codes:
                raise InputError(
                    path,
                    f"line {line}",
                    f"ward code '{code}' already used on line {codes[code]}",
                    "ward codes must be unique",
                )
            codes[code] = line
            wards.append(Ward(code=code, name=fields["name"], fields=fields, line=line))
    except csv.Error as error:
        raise InputError(path, f"line {reader.line_num}", f"malformed CSV ({error})") from None
    if not wards:
        raise InputError(path, None, "no wards in the file", "add one row per ward below the header")
    return wards


def select_wards(wards: list[Ward], codes: list[str] | None, path: Path) -> list[Ward]:
    if not codes:
        return wards
    by_code = {ward.code: ward for ward in wards}
    missing = [code for code in codes if code not in by_code]
    if missing:
        raise InputError(path, None, f"no ward with code {', '.join(missing)}", "check --ward against the code column")
    return [by_code[code] for code in dict.fromkeys(codes)]
