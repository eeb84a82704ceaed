"""QR codes: the very matrix the qrcode package makes, mask choice included, only faster."""

from __future__ import annotations

import qrcode
from hypothesis import given, settings
from hypothesis import strategies as st

from leaflet.qr import ERROR_CORRECTION, qr_modules


def _reference(url: str) -> tuple[str, ...]:
    code = qrcode.QRCode(error_correction=ERROR_CORRECTION, border=0)
    code.add_data(url)
    code.make(fit=True)
    return tuple("".join("1" if dark else "0" for dark in row) for row in code.get_matrix())


def test_a_ward_url_matches_qrcode():
    url = "https://www.example.org/pcc-2021/sign-up?ward=W05000981"
    assert qr_modules(url) == _reference(url)


@settings(max_examples=150, deadline=None)
@given(st.text(alphabet=st.characters(min_codepoint=33, max_codepoint=0x17F), min_size=1, max_size=200))
def test_any_address_matches_qrcode_in_every_version_and_mask(tail):
    """Lengths up to 250 characters take versions 3 to 10, so versions with version
    information (7 and up) and every mask pattern are exercised."""
    url = "https://www.example.org/sign-up?ward=" + tail
    assert qr_modules(url) == _reference(url)


def test_numeric_and_alphanumeric_segments_match_qrcode():
    """qrcode codes long runs of digits, and of capitals and digits, in their own modes."""
    for url in (
        "https://www.example.org/sign-up?ward=" + "0123456789" * 4,
        "https://www.example.org/sign-up?ward=" + "E05011234" * 5,
        "HTTPS://WWW.EXAMPLE.ORG/SIGN-UP/W05000981-ABCDEFGHIJKLMNOPQRSTUVWXYZ $%*+-./:",
        "https://www.example.org/sign-up?ward=1" + "2" * 21 + "x",
    ):
        assert qr_modules(url) == _reference(url), url
