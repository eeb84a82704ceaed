"""A ward's file carries only the artwork its pages draw: no other language's static frames, no
campaign photo its own photo replaces; the combined file carries all of it, once."""

from __future__ import annotations

import pikepdf
from leaflet import build

from tests.conftest import DEMO


def _drawn_and_held(path) -> tuple[set[tuple[int, int]], set[tuple[int, int]]]:
    """The XObjects the pages draw (following forms), and every XObject the file holds."""
    drawn: set[tuple[int, int]] = set()
    with pikepdf.open(path) as document:
        held = {
            obj.objgen
            for obj in document.objects
            if isinstance(obj, pikepdf.Stream) and obj.get("/Subtype") in ("/Image", "/Form")
        }

        def walk(holder, resources) -> None:
            for operands, operator in pikepdf.parse_content_stream(holder):
                if str(operator) == "Do":
                    xobject = resources.XObject[operands[0]]
                    drawn.add(xobject.objgen)
                    if xobject.Subtype == "/Form":
                        walk(xobject, xobject.Resources)

        for page in document.pages:
            walk(page.obj, page.Resources)
    return drawn, held


def test_each_ward_file_holds_only_what_its_pages_draw(demo_report):
    languages = set()
    for written in demo_report.written:
        drawn, held = _drawn_and_held(written.path)
        assert drawn == held, written.path.name
        languages.add(written.ward.fields.get("language") or "en")
    assert languages == {"en", "cy"}


def test_the_welsh_and_english_files_hold_different_frames_and_the_same_photos(demo_report):
    by_language = {}
    for written in demo_report.written:
        with pikepdf.open(written.path) as document:
            text = b"".join(
                xobject.read_bytes()
                for xobject in document.pages[0].Resources.XObject.values()
                if xobject.Subtype == "/Form"
            )
            images = sorted(
                len(x.read_raw_bytes()) for x in document.pages[0].Resources.XObject.values() if x.Subtype == "/Image"
            )
        by_language.setdefault(written.ward.fields.get("language") or "en", set()).add((len(text), tuple(images)))
    (english,), (welsh,) = by_language["en"], by_language["cy"]  # every ward of a language shares one part
    assert english[0] != welsh[0] and english[1] == welsh[1]


def test_a_ward_with_its_own_photo_does_not_carry_the_campaigns(campaign_copy, tmp_path):
    wards = campaign_copy / "wards.csv"
    lines = wards.read_text(encoding="utf-8").splitlines()
    lines[0] += ",second"
    lines[1] += ",../../images/hillside.jpg"  # the first ward shows the hero photo on its back too
    lines[2:] = [line + "," for line in lines[2:]]
    wards.write_text("\n".join(lines) + "\n", encoding="utf-8")
    report = build(campaign_copy, tmp_path / "out", combined=True)
    own, other = report.written[0], report.written[1]
    for written in (own, other):
        drawn, held = _drawn_and_held(written.path)
        assert drawn == held

    def photos(path) -> set[bytes]:
        with pikepdf.open(path) as document:
            return {
                obj.read_raw_bytes()
                for obj in document.objects
                if isinstance(obj, pikepdf.Stream) and obj.get("/Subtype") == "/Image"
            }

    (meadow,) = photos(other.path) - photos(own.path)  # the campaign's back photo, in the other ward's file only
    assert len(meadow) > 400_000 and len(photos(own.path)) == 2  # the hero, and its own back photo
    # the combined file holds every ward's artwork
    drawn, held = _drawn_and_held(report.combined)
    assert drawn == held


def test_a_ward_built_alone_is_its_bytes_in_the_full_build(demo_report, tmp_path):
    for code in ("W05000981", "E05011111"):
        (alone,) = build(DEMO, tmp_path / code, ward_codes=[code]).written
        (full,) = [w for w in demo_report.written if w.ward.code == code]
        assert alone.path.read_bytes() == full.path.read_bytes()
