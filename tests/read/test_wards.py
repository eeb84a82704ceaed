"""leaflet.read.wards: a wards spreadsheet (CSV as spreadsheets export it) -> Ward rows, or one
InputError naming the file, the line and what to do."""

from __future__ import annotations

import csv
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st
from leaflet.errors import InputError
from leaflet.read.campaigns import load_campaign
from leaflet.read.wards import load_wards, select_wards
from leaflet.ward.variant import ward_fields_used

from tests.conftest import DEMO, FUZZ, INPUTS, ROOT, refused, write_file

EXAMPLE = DEMO
BAD = INPUTS / "bad"


@pytest.fixture(scope="module")
def example_campaign():
    return load_campaign(EXAMPLE)


def test_example_wards_keep_their_names_exactly(example_campaign):
    wards = load_wards(example_campaign.wards_path, ward_fields_used(example_campaign))
    with open(EXAMPLE / "wards.csv", encoding="utf-8", newline="") as file:
        rows = list(csv.DictReader(file))
    assert len(wards) == len(rows) >= 14
    assert [(ward.code, ward.name) for ward in wards] == [(row["code"], row["name"]) for row in rows]
    names = {ward.name for ward in wards}
    assert {
        "Gŵyr",
        "Tŷ-du",
        "Pen-y-lân",
        "Steòrnabhagh a Tuath",
        "Port Rìgh",
        "Dún Pádraig",
        "St Mary's & St Paul's",
    } <= names
    assert [ward.line for ward in wards] == list(range(2, 2 + len(rows)))
    gwyr = wards[0]
    assert gwyr.fields == {
        "code": "W05000981",
        "name": "Gŵyr",
        "organiser": "Siân Ffion Hughes",
        "households": "2410",
        "local_priority": "speeding on the coast road",
        "language": "cy",
        "electorate": "4390",
        "local_priority_cy": "goryrru ar ffordd yr arfordir",
    }
    assert ward_fields_used(example_campaign) == {"code", "name", "organiser", "local_priority"}


def test_wards_headers_are_trimmed_and_lower_cased_and_a_bom_is_dropped(tmp_path):
    path = write_file(tmp_path, "\ufeffCode , NAME,Local Priority\r\nW1 , Gŵyr , speeding \r\n")
    (ward,) = load_wards(path, {"local priority"})
    assert (ward.code, ward.name, ward.line) == ("W1", "Gŵyr", 2)
    assert ward.fields == {"code": "W1", "name": "Gŵyr", "local priority": "speeding"}


def test_wards_blank_rows_are_skipped_short_rows_padded_and_blank_unnamed_columns_ignored(tmp_path):
    path = write_file(tmp_path, "code,name,,notes\n\nW1,Gŵyr\n,,\nW2,Tŷ-du,,y\n")
    wards = load_wards(path)
    assert [(ward.code, ward.line, ward.fields) for ward in wards] == [
        ("W1", 3, {"code": "W1", "name": "Gŵyr", "notes": ""}),
        ("W2", 5, {"code": "W2", "name": "Tŷ-du", "notes": "y"}),
    ]


def test_wards_quoted_cells_keep_commas_and_quotes(tmp_path):
    path = write_file(
        tmp_path, 'code,name,local_priority\nE1,"St Mary\'s & St Paul\'s","noise, vandalism & ""graffiti"""\n'
    )
    (ward,) = load_wards(path)
    assert (ward.name, ward.fields["local_priority"]) == ("St Mary's & St Paul's", 'noise, vandalism & "graffiti"')


def test_a_ward_line_is_where_its_row_starts(tmp_path):
    # Ward.line is "where the ward's row starts in its CSV, for messages".
    path = write_file(tmp_path, 'code,name,notes\nW1,Gŵyr,"two\nlines"\nW2,Tŷ-du,x\n')
    assert [ward.line for ward in load_wards(path, multiline_columns={"notes"})] == [2, 4]


def test_a_duplicate_code_after_a_multi_line_row_names_the_first_rows_start(tmp_path):
    path = write_file(tmp_path, 'code,name,notes\nW1,Gŵyr,"two\nlines"\nW1,Tŷ-du,x\n')
    with pytest.raises(InputError) as caught:
        load_wards(path, multiline_columns={"notes"})
    assert str(caught.value).endswith(": line 4: ward code 'W1' already used on line 2 (ward codes must be unique)")


def test_wards_exported_as_windows_1252_are_read(tmp_path):
    path = write_file(tmp_path, "code,name\nW05000870,Pen-y-l\u00e2n\nE05007531,J\u00fcrgen\u2019s\n".encode("cp1252"))
    assert [ward.name for ward in load_wards(path)] == ["Pen-y-lân", "Jürgen’s"]


def test_wards_exported_as_utf_16_unicode_text_with_tabs_are_read(tmp_path):
    path = write_file(
        tmp_path, "code\tname\tlocal_priority\r\nS13002921\tSteòrnabhagh a Tuath\tdrugs, harbour\r\n".encode("utf-16")
    )
    (ward,) = load_wards(path)
    assert (ward.code, ward.name, ward.fields["local_priority"]) == (
        "S13002921",
        "Steòrnabhagh a Tuath",
        "drugs, harbour",
    )


def test_wards_separated_by_semicolons_are_read(tmp_path):
    path = write_file(tmp_path, "code;name;organiser\nN08000222;Dún Pádraig;Siobhán Ó Briain, MLA\n")
    (ward,) = load_wards(path)
    assert (ward.name, ward.fields["organiser"]) == ("Dún Pádraig", "Siobhán Ó Briain, MLA")


def test_a_utf_8_file_with_one_bad_byte_is_refused_not_read_as_windows_1252(tmp_path):
    # "Môn" is UTF-8 on line 2; line 3 has a stray Windows-1252 byte.  Decoding the whole file as
    # Windows-1252 would print "MÃ´n" on the leaflet; decode_spreadsheet_text promises it won't.
    path = write_file(tmp_path, "code,name\nW05000001,Môn\nW05000002,Caf\xe9\n".encode().replace(b"\xc3\xa9", b"\xe9"))
    with pytest.raises(InputError) as caught:
        load_wards(path)
    assert str(caught.value).startswith(f"{path}: line 3: ")


def test_a_utf_8_file_with_a_bom_and_a_bad_byte_names_the_bad_bytes_line(tmp_path):
    path = write_file(tmp_path, b"\xef\xbb\xbfcode,name\n\x81n,Pen-y-lan\n")
    with pytest.raises(InputError) as caught:
        load_wards(path)
    assert str(caught.value).startswith(f"{path}: line 2: ")


def test_select_wards_keeps_the_order_asked_for_and_drops_repeats(tmp_path):
    wards = load_wards(write_file(tmp_path, "code,name\nA,a\nB,b\nC,c\n"))
    assert [ward.code for ward in select_wards(wards, ["C", "A", "C"], tmp_path)] == ["C", "A"]
    assert select_wards(wards, None, tmp_path) == wards


def test_select_wards_names_the_missing_codes(tmp_path):
    wards = load_wards(write_file(tmp_path, "code,name\nA,a\n"))
    with pytest.raises(InputError, match=r"no ward with code X, Y \(check --ward against the code column\)"):
        select_wards(wards, ["A", "X", "Y"], tmp_path / "wards.csv")


# name -> (place and message after the file name, ward fields the campaign's words use)
WARDS_EXPECTED: dict[str, tuple[str, set[str]]] = {
    "wards-duplicate-code.csv": ("line 4: ward code 'W05000981' already used on line 2", set()),
    "wards-missing-name-column.csv": ("line 1: no 'name' column", set()),
    "wards-missing-code-column.csv": ("line 1: no 'code' column", set()),
    "wards-not-utf8.csv": (
        "line 3: neither UTF-8 nor Windows-1252 text (export the spreadsheet as 'CSV UTF-8')",
        set(),
    ),
    "wards-empty.csv": ("the wards file is empty", set()),
    "wards-header-only.csv": ("no wards in the file", set()),
    "wards-duplicate-column.csv": ("line 1: column 'name' appears twice", set()),
    "wards-too-many-cells.csv": ("line 3: 4 cells but 3 columns (check for a stray comma or quote)", set()),
    "wards-blank-name.csv": ("line 3: the ward has no name", set()),
    "wards-blank-code.csv": ("line 2: the ward has no code", set()),
    "wards-missing-placeholder-column.csv": (
        "line 1: no 'organiser' column, but the campaign's words use {ward.organiser}",
        {"organiser"},
    ),
    # quotes that would merge rows, or split a cell, are refused where the trouble starts
    "wards-unbalanced-quote.csv": (
        "line 3: column 'local_priority': a quote opens this cell and does not close on its line (the cell would "
        "run on to line 6, taking in the rows between)",
        set(),
    ),
    "wards-quote-never-closes.csv": ("line 3: column 'organiser': a quote opens this cell and does not close", set()),
    "wards-text-after-closing-quote.csv": (
        "line 2: column 'name': text after the quote that closes this cell (\"s & St Paul's\",Ayşe …\")",
        set(),
    ),
    "wards-quote-inside-unquoted-cell.csv": (
        "line 2: column 'name': a quote inside a cell that does not start with one",
        set(),
    ),
    "wards-line-break-in-name.csv": (
        "line 2: column 'name': holds a line break (the cell runs from line 2 to line 3) (put the cell on one line",
        set(),
    ),
    "wards-mixed-separators.csv": ("line 3: cells separated by semicolons, but the header's by commas", set()),
    "wards-tied-separators.csv": ("line 1: the header row has as many commas and semicolons", set()),
    "wards-unnamed-column-with-values.csv": (
        "line 2: column 3 has no name in the header row, but this row has 'coast road' in it",
        set(),
    ),
    # not text at all, or not the text a spreadsheet exports
    "wards-excel-workbook.csv": (
        "this is an Excel workbook (.xlsx), not a CSV text file (save it as 'CSV UTF-8",
        set(),
    ),
    "wards-excel-97-workbook.csv": ("this is an Excel 97-2003 workbook (.xls), not a CSV text file", set()),
    "wards-opendocument-spreadsheet.csv": ("this is an OpenDocument spreadsheet (.ods), not a CSV text file", set()),
    "wards-nul-byte.csv": ("line 2: a NUL byte: this is not a spreadsheet's text", set()),
    "wards-utf16-without-bom.csv": ("line 1: UTF-16 text without a byte-order mark", set()),
    # damage a lossy export leaves, named per cell
    "wards-lost-letters.csv": ("line 2: column 'name' has a '?' where a letter was ('G?yr')", set()),
    "wards-lost-letters-windows-1252.csv": (
        "line 2: column 'organiser' has a '?' where a letter was ('Rhiannon Ll?r'): saved as plain 'CSV', a "
        "spreadsheet writes '?' for the letters Windows-1252 lacks (ŵ, ŷ, ł ...) (retype the letters in the "
        "spreadsheet if they are lost there too, then export the spreadsheet again as 'CSV UTF-8')",
        set(),
    ),
    "wards-decoded-twice.csv": (
        "line 2: column 'name' looks like UTF-8 read as Windows-1252: 'GÅµyr' for 'Gŵyr'",
        set(),
    ),
    "wards-replacement-character.csv": ("line 2: column 'name' holds U+FFFD ('G\ufffdyr')", set()),
    "wards-several-problems.csv": ("line 3: the ward has no code", set()),
}

# files with several problems: every one of them, one line each, in the order of the lines
WARDS_EVERY_PROBLEM = {
    "wards-lost-letters.csv": [
        "line 2: column 'name' has a '?' where a letter was ('G?yr')",
        "line 3: column 'name' has a '?' where a letter was ('T?-du')",
    ],
    "wards-several-problems.csv": [
        "line 3: the ward has no code (fill in the code column)",
        "line 4: column 'organiser': a quote opens this cell and does not close on its line (close the quote on the "
        'same line, or double a quote that belongs to the text (""))',
        "line 5: 7 cells but 6 columns (check for a stray comma or quote)",
        "line 5: ward code 'W05000981' already used on line 2 (ward codes must be unique)",
    ],
}


def test_every_bad_wards_file_has_an_expectation_and_every_expectation_a_file():
    assert sorted(path.name for path in BAD.glob("*.csv")) == sorted(WARDS_EXPECTED)


@pytest.mark.parametrize("name", sorted(WARDS_EXPECTED), ids=lambda name: name.removesuffix(".csv"))
def test_bad_wards_file_gives_its_message(name):
    expect, required = WARDS_EXPECTED[name]
    path = BAD / name
    with pytest.raises(InputError) as caught:
        load_wards(path, required)
    assert caught.value.path == path
    assert str(caught.value).startswith(f"{path}: {expect}")


@pytest.mark.parametrize("name", sorted(WARDS_EVERY_PROBLEM), ids=lambda name: name.removesuffix(".csv"))
def test_every_problem_in_a_wards_file_is_reported_at_once(name):
    path = BAD / name
    with pytest.raises(InputError) as caught:
        load_wards(path)
    lines = str(caught.value).splitlines()
    assert len(lines) == len(WARDS_EVERY_PROBLEM[name])
    for line, expect in zip(lines, WARDS_EVERY_PROBLEM[name], strict=True):
        assert line.startswith(f"{path}: {expect}")


def test_a_file_with_very_many_problems_reports_the_first_and_counts_the_rest(tmp_path):
    path = write_file(tmp_path, "code,name\n" + "".join(f"W{i},\n" for i in range(40)))
    lines = str(refused(load_wards, path)).splitlines()
    assert len(lines) == 26
    assert lines[0] == f"{path}: line 2: the ward has no name (fill in the name column)"
    assert lines[-1] == f"{path}: and 15 more problem(s) like these (fix those above and run again)"


def test_a_quoted_cell_of_a_words_column_may_hold_lines_and_quotes(tmp_path):
    path = write_file(
        tmp_path, 'code,name,local_focus_cy\nW1,Gŵyr,"**Newyddion:**\n\nMae ""Tîm Gŵyr"" yma."\nW2,Tŷ-du,\n'
    )
    first, second = load_wards(path, multiline_columns={"local_focus"})
    assert first.fields["local_focus_cy"] == '**Newyddion:**\n\nMae "Tîm Gŵyr" yma.'
    assert (first.line, second.line) == (2, 5)


def test_a_quote_left_open_in_a_words_column_is_refused_where_it_opens(tmp_path):
    path = write_file(tmp_path, 'code,name,local_focus\nW1,Gŵyr,"Our news\nW2,Tŷ-du,x\nW3,Pen-y-lân,"y"\n')
    error = refused(lambda p: load_wards(p, multiline_columns={"local_focus"}), path)
    assert str(error).startswith(
        f'{path}: line 2: column \'local_focus\': text after the quote that closes this cell on line 4 ("y"…")'
    )


def test_blank_cells_past_the_header_are_no_problem_but_a_value_there_is(tmp_path):
    assert [w.code for w in load_wards(write_file(tmp_path, "code,name\nW1,Gŵyr,, \nW2,Tŷ-du\n"))] == ["W1", "W2"]
    error = refused(load_wards, write_file(tmp_path, "code,name\nW1,Gŵyr,,x\n"))
    assert str(error).endswith("line 2: 4 cells but 2 columns (check for a stray comma or quote)")


def test_a_question_mark_that_ends_a_question_is_no_damage(tmp_path):
    path = write_file(tmp_path, "code,name,local_priority\nW1,Aber,what next? parking\nW2,Bryn,Why not?\n")
    assert [w.fields["local_priority"] for w in load_wards(path)] == ["what next? parking", "Why not?"]


def test_a_question_mark_in_a_utf_8_file_is_the_text(tmp_path):
    path = write_file(tmp_path, "code,name,local_priority\nW1,Gŵyr,?Qué pasa\n")
    assert load_wards(path)[0].fields["local_priority"] == "?Qué pasa"


def test_a_wards_path_that_is_a_folder_is_an_input_error():
    refused(load_wards, ROOT / "content")


def test_a_wards_header_cell_over_the_csv_field_limit_is_an_input_error(tmp_path):
    error = refused(load_wards, write_file(tmp_path, "code,name," + "x" * 140_000 + "\nW1,a,b\n"))
    assert error.where == "line 1"


CSV_TOKENS = st.sampled_from(
    [
        "code",
        "name",
        "Code",
        "NAME",
        "W1",
        "W2",
        "Gŵyr",
        ",",
        ",",
        ",",
        '"',
        '""',
        "\n",
        "\r\n",
        "\r",
        " ",
        "",
        "\ufeff",
        "\x00",
        "x",
    ]
)


@FUZZ
@given(st.binary(max_size=300))
def test_load_wards_on_any_bytes_gives_wards_or_an_input_error(tmp_path, data):
    _wards_or_input_error(write_file(tmp_path, data))


@FUZZ
@given(st.text(max_size=300))
def test_load_wards_on_any_text_gives_wards_or_an_input_error(tmp_path, text):
    _wards_or_input_error(write_file(tmp_path, text))


@FUZZ
@given(st.lists(CSV_TOKENS, max_size=60).map("".join), st.sets(st.sampled_from(["code", "name", "x", "organiser"])))
def test_load_wards_on_csv_like_text_gives_wards_or_an_input_error(tmp_path, text, required):
    path = write_file(tmp_path, "code,name\n" + text if text.startswith(",") else text)
    _wards_or_input_error(path, required)


def _wards_or_input_error(path: Path, required: set[str] = frozenset()) -> None:
    try:
        wards = load_wards(path, required)
    except InputError as error:
        assert str(error).startswith(str(path))
        return
    assert wards
    codes = [ward.code for ward in wards]
    assert len(set(codes)) == len(codes) and all(codes) and all(ward.name for ward in wards)
    assert all(required <= set(ward.fields) for ward in wards)


@pytest.mark.parametrize("hidden", ["\u202e", "\u2066", "\x07", "\x1b"])
def test_invisible_control_characters_in_a_ward_arerefused(tmp_path, hidden):
    path = write_file(tmp_path, f"code,name,organiser\nW1,Aber,Ann\nW2,Bryn{hidden}gaer,Bob\n")
    error = refused(load_wards, path)
    assert str(error).startswith(
        f"{path}: line 3: column 'name' holds an invisible control character U+{ord(hidden):04X}"
    )
