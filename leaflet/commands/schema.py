"""The file formats -> JSON Schemas for layout and campaign files (``leaflet schema``), so an
editor completes and checks them as people type.

The loaders in ``load.py`` are what decides; these schemas describe the same keys (a test keeps
the two in step) for editors, which read the ``# yaml-language-server: $schema=...`` line the
shipped files carry.
"""

from __future__ import annotations

import json
from dataclasses import fields
from pathlib import Path

from leaflet.model import Thresholds
from leaflet.runs.files import write_atomically

SCHEMA_DIALECT = "https://json-schema.org/draft/2020-12/schema"

_NUMBER = {"type": "number"}
_TEXT = {"type": "string"}
_FLAG = {"type": "boolean"}


def _object(properties: dict, required: tuple[str, ...] = (), description: str | None = None) -> dict:
    schema = {"type": "object", "properties": properties, "additionalProperties": False}
    if required:
        schema["required"] = list(required)
    if description:
        schema["description"] = description
    return schema


def _numbers(count: int, description: str) -> dict:
    return {"type": "array", "items": _NUMBER, "minItems": count, "maxItems": count, "description": description}


_CMYK = {"type": "array", "items": {"type": "number", "minimum": 0, "maximum": 100}, "minItems": 4, "maxItems": 4, "description": "C, M, Y, K in percent"}
_COLOUR = {"oneOf": [{"type": "string", "description": "a swatch name (white and black are built in)"}, _CMYK]}
_BOX = _numbers(4, "x, y, width, height in mm from the trim's top-left corner; -3 starts in the bleed")


def _frame(kind: str, properties: dict, required: tuple[str, ...]) -> dict:
    return _object(
        {"type": {"const": kind}, "name": _TEXT, "box_mm": _BOX, **properties},
        ("type", "name", "box_mm", *required),
    )


FRAMES = {
    "shape": _frame("shape", {"fill": _COLOUR, "stroke": _COLOUR, "stroke_pt": _NUMBER}, ()),
    "text": _frame(
        "text",
        {"slot": _TEXT, "style": _TEXT, "valign": {"enum": ["top", "middle", "bottom"]}, "fill": _COLOUR, "padding_mm": _NUMBER},
        ("slot", "style"),
    ),
    "flow": _frame("flow", {"flow": _TEXT}, ("flow",)),
    "image": _frame("image", {"slot": _TEXT, "fit": {"enum": ["cover", "contain"]}, "focal": _numbers(2, "fractions of width and height, 0 to 1")}, ("slot",)),
    "qr": _frame("qr", {"caption_slot": _TEXT, "caption_style": _TEXT, "caption_gap_mm": _NUMBER}, ()),
    "imprint": _frame("imprint", {"style": _TEXT}, ("style",)),
}

STYLE = _object(
    {
        "font": _TEXT,
        "size_pt": _NUMBER,
        "leading_pt": _NUMBER,
        "colour": _COLOUR,
        "align": {"enum": ["left", "center", "right", "justify"]},
        "min_size_pt": {**_NUMBER, "description": "copy-fitting may shrink the text down to this"},
        "bold": _FLAG,
        "italic": _FLAG,
        "uppercase": _FLAG,
        "space_before_pt": _NUMBER,
        "space_after_pt": _NUMBER,
    },
    ("font", "size_pt"),
)

LAYOUT = {
    "$schema": SCHEMA_DIALECT,
    "title": "leaflet layout",
    **_object(
        {
            "name": _TEXT,
            "page": _object({"trim_mm": _numbers(2, "width and height"), "bleed_mm": _NUMBER, "safe_mm": _NUMBER}),
            "fallback_fonts": {"type": "array", "items": _TEXT, "description": "families that draw the characters a style's family lacks, in order"},
            "fonts": {
                "type": "object",
                "additionalProperties": _object({"regular": _TEXT, "bold": _TEXT, "italic": _TEXT, "bold_italic": _TEXT}, ("regular",)),
            },
            "swatches": {
                "type": "object",
                "additionalProperties": {"oneOf": [_CMYK, _object({"spot": _TEXT, "cmyk": _CMYK}, ("spot", "cmyk"))]},
            },
            "styles": {"type": "object", "additionalProperties": STYLE},
            "flows": {"type": "object", "additionalProperties": _object({"slot": _TEXT, "body": _TEXT, "heading": _TEXT, "bullet": _TEXT}, ("slot", "body"))},
            "pages": {"type": "object", "additionalProperties": {"type": "array", "items": {"oneOf": list(FRAMES.values())}}},
            "preflight": _object({f.name: _NUMBER for f in fields(Thresholds)}),
        },
        ("page", "fonts", "styles", "pages"),
    ),
}

_SLOTS = {"type": "object", "additionalProperties": {"oneOf": [_TEXT, _NUMBER, _object({"file": _TEXT}, ("file",))]}}
_IMAGES = {"type": "object", "additionalProperties": _TEXT}

CAMPAIGN = {
    "$schema": SCHEMA_DIALECT,
    "title": "leaflet campaign",
    **_object(
        {
            "title": _TEXT,
            "layout": _TEXT,
            "wards": _TEXT,
            "signup_url": {"type": "string", "pattern": "^https?://"},
            "imprint": _object({"printer": _TEXT, "promoter": _TEXT, "on_behalf_of": _TEXT}, ("printer", "promoter")),
            "images": _IMAGES,
            "slots": _SLOTS,
            "print_order": _object({"overs_percent": _NUMBER, "pack_size": {"type": "integer", "minimum": 1}}),
            "language": _TEXT,
        },
        ("title", "layout", "signup_url", "imprint", "slots"),
    ),
}

LANGUAGE = {"$schema": SCHEMA_DIALECT, "title": "leaflet campaign in another language", **_object({"title": _TEXT, "slots": _SLOTS, "images": _IMAGES})}

SCHEMAS = {"layout.schema.json": LAYOUT, "campaign.schema.json": CAMPAIGN, "campaign-language.schema.json": LANGUAGE}


def write_schemas(folder: Path) -> list[Path]:
    folder.mkdir(parents=True, exist_ok=True)
    written = []
    for name, schema in SCHEMAS.items():
        path = folder / name
        write_atomically(path, (json.dumps(schema, indent=2) + "\n").encode("utf-8"))
        written.append(path)
    return written
