"""The file formats -> JSON Schemas of layout, campaign and language files (``leaflet schema``), so
an editor completes and checks them as people type.

The schemas are written from ``read.formats``, the definitions the loaders read through: the same
keys, kinds, bounds, allowed values, defaults and descriptions.  Editors find them by the
``# yaml-language-server: $schema=...`` line the shipped files carry.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from leaflet.read.formats import CAMPAIGN, LANGUAGE, LAYOUT
from leaflet.read.kinds import Section
from leaflet.runs.files import write_atomically

SCHEMA_DIALECT = "https://json-schema.org/draft/2020-12/schema"


def _document(title: str, section: Section) -> dict[str, Any]:
    return {"$schema": SCHEMA_DIALECT, "title": title, **section.schema()}


SCHEMAS = {
    "layout.schema.json": _document("leaflet layout", LAYOUT),
    "campaign.schema.json": _document("leaflet campaign", CAMPAIGN),
    "campaign-language.schema.json": _document("leaflet campaign in another language", LANGUAGE),
}


def write_schemas(folder: Path) -> list[Path]:
    folder.mkdir(parents=True, exist_ok=True)
    written = []
    for name, schema in SCHEMAS.items():
        path = folder / name
        write_atomically(path, (json.dumps(schema, indent=2, ensure_ascii=False) + "\n").encode("utf-8"))
        written.append(path)
    return written
