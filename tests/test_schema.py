"""JSON Schemas for editors: the same keys the loaders take, shipped and named by the YAML files."""

from __future__ import annotations

import json

import jsonschema
import pytest
import yaml

from leaflet.read import load
from leaflet.commands.schema import (
    CAMPAIGN,
    FRAMES,
    LANGUAGE,
    LAYOUT,
    SCHEMAS,
    STYLE,
    write_schemas,
)

from .conftest import DEMO, ROOT


def test_the_shipped_schemas_are_current(tmp_path):
    for path in write_schemas(tmp_path):
        assert (ROOT / "schemas" / path.name).read_text(encoding="utf-8") == path.read_text(encoding="utf-8"), "run: leaflet schema"


def test_the_schemas_name_the_keys_the_loaders_take():
    properties = LAYOUT["properties"]
    assert set(properties) == load.LAYOUT_KEYS
    assert set(properties["page"]["properties"]) == load.PAGE_KEYS
    assert set(STYLE["properties"]) == load.STYLE_KEYS
    assert set(properties["flows"]["additionalProperties"]["properties"]) == load.FLOW_KEYS
    for kind, keys in load.FRAME_TYPE_KEYS.items():
        assert set(FRAMES[kind]["properties"]) == load.FRAME_KEYS | keys
    assert set(CAMPAIGN["properties"]) == load.CAMPAIGN_KEYS
    assert set(CAMPAIGN["properties"]["imprint"]["properties"]) == load.IMPRINT_KEYS
    assert set(CAMPAIGN["properties"]["print_order"]["properties"]) == load.PRINT_ORDER_KEYS
    assert set(LANGUAGE["properties"]) == load.LANGUAGE_KEYS


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


def test_a_misspelt_key_fails_the_schema_as_it_fails_the_loader():
    layout = yaml.safe_load((ROOT / "layouts" / "a5-two-sided.yaml").read_text(encoding="utf-8"))
    layout["styles"]["body"]["leadng_pt"] = 10
    with pytest.raises(jsonschema.ValidationError):
        jsonschema.validate(layout, LAYOUT)


def test_the_schemas_are_valid_json_schema():
    for schema in SCHEMAS.values():
        jsonschema.Draft202012Validator.check_schema(json.loads(json.dumps(schema)))
