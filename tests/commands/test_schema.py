"""JSON Schemas for editors: written from the same definitions the loaders read through, shipped,
named by the YAML files, and refusing what the loaders refuse."""

from __future__ import annotations

import json
from typing import get_args

import jsonschema
import pytest
import yaml
from leaflet.commands.schema import SCHEMAS, write_schemas
from leaflet.errors import InputError
from leaflet.model import FrameType
from leaflet.read.formats import FRAME_TYPES
from leaflet.read.layouts import load_layout

from tests.conftest import DEMO, INPUTS, ROOT

BAD = INPUTS / "bad"

# Bad fixtures a schema cannot refuse, and why: the rule relates one value to another, or to
# another file, or the file is not YAML a schema could read at all.
BEYOND_A_SCHEMA = {
    "campaign-both-prices.yaml": "two keys that exclude each other",
    "campaign-spending-unknown-area.yaml": "which areas there are depends on the election type",
    "campaign-layout-error.yaml": "the problem is in the layout file it names",
    "campaign-local-locked-field.yaml": "which ward columns are locked is said by the loader",
    "campaign-local-unknown-photo.yaml": "a reference to an image slot by name",
    "campaign-local-unknown-slot.yaml": "a reference to a slot by name",
    "campaign-malformed-placeholder.yaml": "placeholders are parsed from inside the words",
    "campaign-missing-flow-slot.yaml": "which slots are needed is said by the layout file",
    "campaign-missing-image.yaml": "which photos are needed is said by the layout file",
    "campaign-missing-layout-file.yaml": "a file that does not exist",
    "campaign-missing-slot.yaml": "which slots are needed is said by the layout file",
    "campaign-misspelt-slot.yaml": "which slots are needed is said by the layout file",
    "campaign-missing-wards-file.yaml": "a file that does not exist",
    "campaign-slot-file-missing.yaml": "a file that does not exist",
    "campaign-unknown-placeholder.yaml": "the wards file's columns",
    "campaign-url-malformed-placeholder.yaml": "placeholders are parsed from inside the address",
    "layout-duplicate-frame-name.yaml": "names unique across pages",
    "layout-flow-unknown-style.yaml": "a reference to a style by name",
    "layout-frame-off-the-page.yaml": "the frame's box against the page's trim and bleed",
    "layout-imprint-on-middle-page.yaml": "which page the imprint frame is on",
    "layout-imprint-outside-safe-area.yaml": "the frame's box against the page's safe area",
    "layout-imprint-too-small.yaml": "the size of the style the imprint frame names",
    "layout-min-size-above-size.yaml": "min_size_pt against size_pt",
    "layout-missing-font-file.yaml": "a file that does not exist",
    "layout-no-imprint-frame.yaml": "a frame of one type somewhere among the pages",
    "layout-qr-unknown-caption-style.yaml": "a reference to a style by name",
    "layout-riso-black-at-a-tint.yaml": "which colour the QR code takes, and the tint mapped to it",
    "layout-riso-imprint-omitted.yaml": "which frame is the imprint is said by its type, elsewhere in the file",
    "layout-riso-page-too-large.yaml": "the sheet against the page's trim",
    "layout-riso-style-unknown-swatch.yaml": "a reference to a swatch by name",
    "layout-riso-unknown-drum.yaml": "a reference to a drum by name",
    "layout-riso-unknown-frame.yaml": "a reference to a frame by name",
    "layout-riso-unmapped-colour.yaml": "the colours the pages use against the swatches the Riso maps",
    "layout-spot-without-name.yaml": "'All' and 'None' are reserved by PDF, a blank name is no ink: said by the loader",
    "layout-unknown-flow.yaml": "a reference to a flow by name",
    "layout-credits-unknown-image.yaml": "a reference to an image frame's slot by name",
    "layout-unknown-font-family.yaml": "a reference to a font family by name",
    "layout-unknown-style.yaml": "a reference to a style by name",
    "layout-unknown-swatch.yaml": "a reference to a swatch by name",
    "layout-unused-flow.yaml": "a flow no frame refers to",
    "yaml-not-utf8.yaml": "not UTF-8 text",
    "yaml-syntax-error.yaml": "not YAML",
    "yaml-tab-indent.yaml": "not YAML",
}


def test_the_shipped_schemas_are_current(tmp_path):
    for path in write_schemas(tmp_path):
        assert (ROOT / "schemas" / path.name).read_text(encoding="utf-8") == path.read_text(encoding="utf-8"), (
            "run: leaflet schema"
        )


@pytest.mark.parametrize(
    ("document", "schema_name"),
    [
        (ROOT / "layouts" / "a5-two-sided.yaml", "layout.schema.json"),
        (DEMO / "campaign.yaml", "campaign.schema.json"),
        (DEMO / "campaign.cy.yaml", "campaign-language.schema.json"),
    ],
)
def test_the_example_files_name_their_schema_and_pass_it(document, schema_name):
    text = document.read_text(encoding="utf-8")
    first = text.splitlines()[0]
    assert first.startswith("# yaml-language-server: $schema=") and first.endswith(schema_name)
    assert (document.parent / first.split("=", 1)[1]).resolve() == ROOT / "schemas" / schema_name
    jsonschema.validate(yaml.safe_load(text), SCHEMAS[schema_name])


def _schema_for(name: str) -> dict:
    return SCHEMAS["campaign.schema.json" if name.startswith("campaign-") else "layout.schema.json"]


@pytest.mark.parametrize("path", sorted(BAD.glob("*.yaml")), ids=lambda path: path.stem)
def test_the_schema_refuses_what_the_loader_refuses(path):
    if path.name in BEYOND_A_SCHEMA:
        return
    document = yaml.safe_load(path.read_text(encoding="utf-8"))
    with pytest.raises(jsonschema.ValidationError):
        jsonschema.validate(document, _schema_for(path.name))


def test_every_fixture_beyond_a_schema_is_still_a_fixture():
    assert set(BEYOND_A_SCHEMA) <= {path.name for path in BAD.glob("*.yaml")}


def test_the_schema_carries_bounds_and_defaults():
    style = SCHEMAS["layout.schema.json"]["properties"]["styles"]["additionalProperties"]["properties"]
    assert style["size_pt"]["minimum"] == 1
    assert style["align"] == {
        "enum": ["left", "center", "right", "justify"],
        "description": style["align"]["description"],
        "default": "left",
    }
    page = SCHEMAS["layout.schema.json"]["properties"]["page"]["properties"]
    assert (page["bleed_mm"]["minimum"], page["bleed_mm"]["default"], page["trim_mm"]["default"]) == (
        0,
        3.0,
        [148.0, 210.0],
    )
    order = SCHEMAS["campaign.schema.json"]["properties"]["print_order"]["properties"]
    assert (order["pack_size"]["type"], order["pack_size"]["minimum"], order["pack_size"]["default"]) == (
        "integer",
        1,
        50,
    )


@pytest.mark.parametrize(
    ("change", "value"), [("size_pt", 0.5), ("align", "centre"), ("leadng_pt", 10), ("bold", "yes")]
)
def test_a_style_the_loader_refuses_the_schema_refuses(campaign_copy, change, value):
    path = campaign_copy.parent.parent / "layouts" / "a5-two-sided.yaml"
    layout = yaml.safe_load(path.read_text(encoding="utf-8"))
    layout["styles"]["body"][change] = value
    with pytest.raises(jsonschema.ValidationError):
        jsonschema.validate(layout, SCHEMAS["layout.schema.json"])
    path.write_text(yaml.safe_dump(layout), encoding="utf-8")
    with pytest.raises(InputError, match=f"styles.body.{change}"):
        load_layout(path)


def test_the_schemas_are_valid_json_schema():
    for schema in SCHEMAS.values():
        jsonschema.Draft202012Validator.check_schema(json.loads(json.dumps(schema)))


def test_every_frame_type_has_its_keys_and_a_loader():
    assert set(FRAME_TYPES) == set(get_args(FrameType))
