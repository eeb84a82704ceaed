"""A sign-up URL -> the QR code's dark and light modules (quiet zone not included)."""

from __future__ import annotations

import qrcode
from qrcode.exceptions import DataOverflowError

from .errors import InputError

QUIET_MODULES = 4  # the quiet zone ISO/IEC 18004 asks for, in modules
ERROR_CORRECTION = qrcode.constants.ERROR_CORRECT_M  # 15%: survives a fold or a smudge


def qr_modules(url: str) -> tuple[tuple[bool, ...], ...]:
    code = qrcode.QRCode(error_correction=ERROR_CORRECTION, border=0)
    code.add_data(url)
    try:
        code.make(fit=True)
    except (DataOverflowError, ValueError):
        raise InputError(None, "signup_url", f"the address is too long for a QR code ({len(url)} characters)", "use a shorter sign-up address") from None
    return tuple(tuple(bool(cell) for cell in row) for row in code.get_matrix())
