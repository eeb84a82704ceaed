"""PDF syntax: the few pieces leaflet writes, written exactly."""

from __future__ import annotations

import pikepdf
from leaflet.write import pdf


def test_numbers_are_short_and_exact():
    assert pdf.number(3) == b"3"
    assert pdf.number(3.0) == b"3"
    assert pdf.number(0.5) == b"0.5"
    assert pdf.number(-1.23456) == b"-1.2346"
    assert pdf.number(10.10) == b"10.1"


def test_strings_and_names():
    assert pdf.serialise("a (b) \\ c") == b"(a \\(b\\) \\\\ c)"
    assert pdf.serialise("Gŵyr") == b"<FEFF" + "Gŵyr".encode("utf-16-be").hex().upper().encode() + b">"
    assert pdf.serialise(pdf.Name("Ward Code#1")) == b"/Ward#20Code#231"
    assert pdf.serialise({"A": [1, pdf.Ref(4), True, None]}) == b"<</A [1 4 0 R true null]>>"


def test_a_minimal_file_opens_in_qpdf(tmp_path):
    body = pdf.Body()
    body.add(1, pdf.indirect(1, {"Type": pdf.Name("Catalog"), "Pages": pdf.Ref(2)}))
    shared = pdf.SharedPart.from_body(body)
    own = pdf.Body(len(shared.head))
    own.add(2, pdf.indirect(2, {"Type": pdf.Name("Pages"), "Kids": [pdf.Ref(3)], "Count": 1}))
    own.add(
        3,
        pdf.indirect(
            3,
            {
                "Type": pdf.Name("Page"),
                "Parent": pdf.Ref(2),
                "MediaBox": [0, 0, 100, 100],
                "Resources": {},
                "Contents": pdf.Ref(4),
            },
        ),
    )
    own.add(4, pdf.stream(4, {}, b"0 0 0 1 k 10 10 20 20 re f"))
    own.add(5, pdf.indirect(5, {"Title": "Tŷ-du"}))
    path = tmp_path / "minimal.pdf"
    path.write_bytes(shared.head + pdf.file_tail(shared, own, 1, 5))
    with pikepdf.open(path) as document:
        assert document.check_pdf_syntax() == []
        assert str(document.docinfo.Title) == "Tŷ-du"
        assert len(document.pages) == 1
