"""leaflet.ward.riso: the Riso pages of a ward: the layout's Riso variant, nothing bleeding (what
bleeds in the press layout clipped to the artwork area), the office named in the imprint."""

from __future__ import annotations

import pytest
from leaflet.model import FilledBox, PlacedImage, TextLine
from leaflet.runs.prepare import load, prepare_run
from leaflet.runs.riso import prepare_riso
from leaflet.ward.layout import lay_out
from leaflet.ward.variant import make_variant

from tests.conftest import DEMO


@pytest.fixture(scope="module")
def example():
    campaigns, wards = load(DEMO)
    return prepare_riso(campaigns, wards), prepare_run(campaigns, wards), wards


def _frames(leaflet):
    return {frame.name: frame for page in leaflet.pages for frame in page.frames}


def _within(box, area) -> bool:
    tolerance = 1e-6
    return (
        box.x >= area.x - tolerance
        and box.y >= area.y - tolerance
        and box.right <= area.right + tolerance
        and box.top <= area.top + tolerance
    )


def test_what_bleeds_in_the_press_file_stops_at_the_artwork_area(example):
    riso, press, wards = example
    leaflet = riso.lay_out(wards[0])
    pressed = _frames(press.lay_out(wards[0]))
    areas = riso.plan.areas
    for index, page in enumerate(leaflet.pages):
        for frame in page.frames:
            for item in frame.items:
                if isinstance(item, FilledBox):
                    assert _within(item.box, areas[index].artwork), frame.name
                elif isinstance(item, PlacedImage):
                    assert _within(item.clip, areas[index].artwork), frame.name
    hero = _frames(leaflet)["hero-photo"].items[0]
    assert isinstance(hero, PlacedImage)
    assert hero.placed == pressed["hero-photo"].items[0].placed  # clipped, not scaled down: the same crop


def test_a_saturated_fill_keeps_further_in_and_a_light_one_does_not(example):
    riso, _, wards = example
    frames = _frames(riso.lay_out(wards[0]))
    areas = riso.plan.areas[0]
    navy = frames["top-panel"].items[0]  # 85% on the blue drum: saturated
    band = frames["banner-band"].items[0]  # 25%
    assert _within(navy.box, areas.saturated_artwork) and navy.box.top == pytest.approx(areas.saturated_artwork.top)
    assert (band.box.x, band.box.right) == pytest.approx((areas.artwork.x, areas.artwork.right))


def test_frames_that_do_not_bleed_are_the_laid_out_frames_themselves(example):
    riso, _, wards = example
    leaflet = riso.lay_out(wards[3])
    unclipped = _frames(lay_out(riso.layout, make_variant(riso.plans[""], wards[3])))
    clipped = _frames(leaflet)
    assert clipped["ward-banner"].items == unclipped["ward-banner"].items
    assert clipped["front-story-1"] is unclipped["front-story-1"]


def test_shared_frames_are_clipped_once_for_every_ward(example):
    riso, _, wards = example
    english = [ward for ward in wards if not ward.fields.get("language")]
    one, two = (_frames(riso.lay_out(ward)) for ward in english[:2])
    for name in ("top-panel", "hero-photo", "banner-band", "signup-panel"):
        assert one[name] is two[name] and one[name].static
    assert one["ward-banner"] is not two["ward-banner"]


def test_the_imprint_of_office_output_names_the_office_as_printer(example):
    riso, press, wards = example

    def imprint(leaflet):
        frame = _frames(leaflet)["imprint"]
        return " ".join(run.text for item in frame.items if isinstance(item, TextLine) for run in item.runs)

    english = wards[3]
    office, commercial = imprint(riso.lay_out(english)), imprint(press.lay_out(english))
    assert office.startswith("Printed by Alex Morgan Campaign Office, 5 High Street")
    assert commercial.startswith("Printed by Riverside Print Ltd")
    assert office.split("Promoted by")[1] == commercial.split("Promoted by")[1]
    welsh = imprint(riso.lay_out(wards[0]))  # in the words of the ward's language
    assert welsh.startswith("Argraffwyd gan Alex Morgan Campaign Office, 5 High Street")
