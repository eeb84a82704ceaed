"""QR codes: rows of modules that a reader decodes back to the address, in the smallest version."""

from __future__ import annotations

import pytest
import zxingcpp
from hypothesis import given, settings
from hypothesis import strategies as st
from leaflet.errors import InputError
from leaflet.ward.qr import QUIET_MODULES, longest_url, qr_modules
from PIL import Image

FINDER = ("1111111", "1000001", "1011101", "1011101", "1011101", "1000001", "1111111")


def _decode(modules: tuple[str, ...], scale: int = 4) -> str:
    """Draw the modules with their quiet zone, as a printer would, and read the code back."""
    size = len(modules) + 2 * QUIET_MODULES
    image = Image.new("L", (size, size), 255)
    for y, row in enumerate(modules):
        for x, module in enumerate(row):
            if module == "1":
                image.putpixel((x + QUIET_MODULES, y + QUIET_MODULES), 0)
    found = zxingcpp.read_barcodes(
        image.resize((size * scale, size * scale), Image.NEAREST), formats=zxingcpp.BarcodeFormat.QRCode
    )
    assert len(found) == 1
    assert found[0].ec_level == "M"
    return found[0].text


def test_a_ward_url_is_a_version_4_code_with_its_finder_patterns():
    modules = qr_modules("https://www.example.org/pcc-2021/sign-up?ward=W05000981")
    assert len(modules) == 33  # 55 bytes: version 4 at error correction M, 17 + 4 x 4 modules a side
    assert all(len(row) == 33 and set(row) <= {"0", "1"} for row in modules)
    assert tuple(row[:7] for row in modules[:7]) == FINDER
    assert tuple(row[-7:] for row in modules[:7]) == FINDER
    assert tuple(row[:7] for row in modules[-7:]) == FINDER


@settings(max_examples=60, deadline=None)
@given(st.text(alphabet=st.characters(min_codepoint=33, max_codepoint=126), min_size=1, max_size=200))
def test_any_address_decodes_back_to_itself(tail):
    """Lengths up to 250 characters take versions 3 to 10, so codes with version information
    (7 and up) are read back too. Addresses are ASCII by then (variant.signup_url)."""
    url = "https://www.example.org/sign-up?ward=" + tail
    assert _decode(qr_modules(url)) == url


def test_an_address_too_long_for_any_code_is_an_input_error():
    with pytest.raises(InputError, match="too long for a QR code"):
        qr_modules("https://www.example.org/" + "x" * 3000)


def test_longest_url_is_the_most_a_frame_holds_at_the_smallest_module():
    size_pt, module_pt = 72.0, 72.0 / 41  # room for 41 modules: 33 (version 4) plus the quiet zone
    longest = longest_url(size_pt, module_pt)
    assert longest == 62  # version 4-M holds 62 bytes
    assert len(qr_modules("h" * longest)) == 33
    assert len(qr_modules("h" * (longest + 1))) == 37
