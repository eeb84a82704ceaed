"""The print file's structure, as a printer's preflight reads it (pikepdf / qpdf)."""

from __future__ import annotations

import re

import pikepdf
import pytest


@pytest.fixture(scope="module")
def print_file(demo_report):
    return demo_report.written[0]


def test_qpdf_finds_no_problems(print_file):
    with pikepdf.open(print_file.path) as document:
        assert document.check_pdf_syntax() == []
        assert document.pdf_version == "1.3"


def test_pdfx_output_intent_and_info(print_file):
    with pikepdf.open(print_file.path) as document:
        (intent,) = document.Root.OutputIntents
        assert intent.S == "/GTS_PDFX"
        assert str(intent.OutputConditionIdentifier) == "FOGRA39"
        profile = intent.DestOutputProfile
        assert profile.N == 4 and profile.read_bytes()[36:40] == b"acsp"
        info = document.docinfo
        assert str(info.GTS_PDFXVersion) == "PDF/X-1:2001"
        assert str(info.GTS_PDFXConformance) == "PDF/X-1a:2001"
        assert info.Trapped == "/False"
        assert print_file.ward.name in str(info.Title)
        assert len(document.trailer.ID) == 2


def _streams(document):
    for page in document.pages:
        yield page.Contents.read_bytes()
        for xobject in page.Resources.XObject.values():
            if xobject.Subtype == "/Form":
                yield xobject.read_bytes()


def test_no_rgb_anywhere(print_file):
    with pikepdf.open(print_file.path) as document:
        for data in _streams(document):
            operators = {op.operator for op in pikepdf.parse_content_stream(pikepdf.Stream(document, data))}
            assert not operators & {pikepdf.Operator(o) for o in ("rg", "RG", "sc", "scn", "SC", "SCN", "cs", "CS", "sh")}
        for page in document.pages:
            for xobject in page.Resources.XObject.values():
                if xobject.Subtype == "/Image":
                    assert xobject.ColorSpace == "/DeviceCMYK"
                    assert xobject.Filter == "/DCTDecode"
                    assert "/Decode" not in xobject  # plain CMYK, see images.py
                    assert "/SMask" not in xobject


def test_static_frames_are_shared_forms_and_a_wards_own_content_is_small(print_file):
    with pikepdf.open(print_file.path) as document:
        for page in document.pages:
            content = page.Contents.read_bytes()
            assert re.search(rb"/Fx\d+ Do", content)
            forms = b"".join(x.read_bytes() for x in page.Resources.XObject.values() if x.Subtype == "/Form")
            # the ward's banner, local text and sign-up words are its own; the story is shared
            assert len(re.findall(rb"\bT[jJ]\b", content)) < 25
            assert len(re.findall(rb"\bT[jJ]\b", forms)) > 60


def test_text_is_black_on_k_only(print_file):
    with pikepdf.open(print_file.path) as document:
        data = b"".join(_streams(document))
        # body text is set in 100% K: "0 0 0 1 k"
        assert b"0 0 0 1 k" in data
