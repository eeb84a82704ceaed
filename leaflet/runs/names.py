"""Wards -> the names of their print files: ``<code>-<slug>.pdf``, plain ASCII, never shared."""

from __future__ import annotations

import re
import unicodedata
from pathlib import Path

from leaflet.errors import InputError
from leaflet.model import Ward


def output_name(ward: Ward) -> str:
    """``<code>-<slug>.pdf``, safe on every operating system."""
    return f"{slug(ward.code, keep_case=True) or 'ward'}-{slug(ward.name) or 'ward'}.pdf"


def slug(text: str, keep_case: bool = False) -> str:
    """``Tŷ-du`` -> ``ty-du``: letters folded to ASCII, '&' spelt out, anything else a hyphen."""
    folded = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode("ascii")
    folded = folded.replace("&", " and ").replace("'", "")
    result = re.sub(r"[^A-Za-z0-9]+", "-", folded if keep_case else folded.lower()).strip("-")
    return result[:60].rstrip("-")


def output_names(wards: list[Ward], wards_path: Path) -> dict[str, str]:
    """Each ward's file name; two wards may never share one (not even by letter case)."""
    names: dict[str, str] = {}
    taken: dict[str, Ward] = {}
    for ward in wards:
        name = output_name(ward)
        other = taken.get(name.casefold())
        if other:
            raise InputError(
                wards_path,
                f"line {ward.line}",
                f"ward {ward.code} would be written to {name}, as ward {other.code} on line {other.line} is",
                "make the codes differ in more than punctuation or letter case",
            )
        taken[name.casefold()] = ward
        names[ward.code] = name
    return names
