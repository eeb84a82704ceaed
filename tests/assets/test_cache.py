"""leaflet.assets.cache: what preparing a run makes, kept on disk between runs by all it is made from."""

from __future__ import annotations

import pytest
from leaflet.assets import cache
from leaflet.assets.images import prepare_print_image, read_image_source
from leaflet.model import BoxPt, FontFace
from leaflet.write.pdffont import FontSource

from tests.conftest import ROOT


@pytest.fixture()
def folder(tmp_path, monkeypatch):
    monkeypatch.setenv("LEAFLET_CACHE_DIR", str(tmp_path / "cache"))
    return tmp_path / "cache"


def _counting():
    made = []

    def make(value: bytes = b"made"):
        made.append(value)
        return value

    return made, make


def test_the_same_key_is_made_once_and_a_different_one_again(folder):
    made, make = _counting()
    assert cache.remembered("kind", [b"a", b"b"], make) == b"made"
    assert cache.remembered("kind", [b"a", b"b"], make) == b"made"
    assert len(made) == 1
    assert cache.remembered("kind", [b"a", b"c"], make) == b"made"
    assert cache.remembered("kind", [b"ab", b""], make) == b"made"  # parts never run together
    assert len(made) == 3
    assert len(list((folder / "kind").iterdir())) == 3  # no temporary file left behind


def test_a_damaged_entry_is_made_again_and_replaced(folder):
    made, make = _counting()
    cache.remembered("kind", [b"key"], make)
    (entry,) = (folder / "kind").iterdir()
    for damage in (lambda data: data[:-1], lambda data: b"X" + data[1:], lambda data: b""):
        entry.write_bytes(damage(entry.read_bytes()))
        assert cache.remembered("kind", [b"key"], make) == b"made"
    assert len(made) == 4
    assert cache.remembered("kind", [b"key"], make) == b"made" and len(made) == 4  # whole again


def test_an_empty_folder_setting_keeps_nothing(monkeypatch, tmp_path):
    monkeypatch.setenv("LEAFLET_CACHE_DIR", "")
    made, make = _counting()
    cache.remembered("kind", [b"key"], make)
    cache.remembered("kind", [b"key"], make)
    assert len(made) == 2


def test_a_folder_that_cannot_be_written_costs_only_the_time(monkeypatch, tmp_path):
    blocked = tmp_path / "a-file"
    blocked.write_text("not a folder")
    monkeypatch.setenv("LEAFLET_CACHE_DIR", str(blocked / "cache"))
    made, make = _counting()
    assert cache.remembered("kind", [b"key"], make) == b"made"
    assert cache.remembered("kind", [b"key"], make) == b"made"
    assert len(made) == 2


def test_without_a_setting_the_users_cache_folder_is_used(monkeypatch, tmp_path):
    monkeypatch.delenv("LEAFLET_CACHE_DIR")
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path))
    assert cache.cache_folder() == tmp_path / "leaflet"
    monkeypatch.delenv("XDG_CACHE_HOME")
    monkeypatch.setenv("HOME", str(tmp_path / "home"))
    assert cache.cache_folder() == tmp_path / "home" / ".cache" / "leaflet"


def test_without_a_home_folder_nothing_is_kept(monkeypatch):
    def no_home():
        raise RuntimeError("Could not determine home directory.")

    monkeypatch.delenv("LEAFLET_CACHE_DIR")
    monkeypatch.delenv("XDG_CACHE_HOME", raising=False)
    monkeypatch.setattr(cache.Path, "home", no_home)
    assert cache.cache_folder() is None
    made, make = _counting()
    assert cache.remembered("kind", [b"key"], make) == cache.remembered("kind", [b"key"], make) == b"made"
    assert len(made) == 2


PLACED = BoxPt(0.0, 0.0, 300.0, 200.0)
CLIP = BoxPt(10.0, 5.0, 250.0, 180.0)


def test_a_photo_kept_between_runs_is_the_photo_made_anew(folder, tmp_path):
    from PIL import Image

    photo = tmp_path / "photo.jpg"
    with Image.open(ROOT / "images" / "meadow.jpg") as image:
        image.save(photo, quality=95, icc_profile=image.info.get("icc_profile"))
    made = prepare_print_image.__wrapped__(read_image_source(photo), PLACED, CLIP)
    assert len(list((folder / "photos").iterdir())) == 1
    kept = prepare_print_image.__wrapped__(read_image_source(photo), PLACED, CLIP)
    assert kept == made
    (entry,) = (folder / "photos").iterdir()
    entry.write_bytes(entry.read_bytes()[:-5])  # damaged: made again, the same
    assert prepare_print_image.__wrapped__(read_image_source(photo), PLACED, CLIP) == made
    with Image.open(photo) as image:  # the photo edited: a new entry, its own pixels
        image.transpose(Image.Transpose.FLIP_LEFT_RIGHT).save(photo, quality=95)
    edited = prepare_print_image.__wrapped__(read_image_source(photo), PLACED, CLIP)
    assert edited.jpeg != made.jpeg
    assert len(list((folder / "photos").iterdir())) == 2
    narrower = prepare_print_image.__wrapped__(read_image_source(photo), PLACED, BoxPt(10.0, 5.0, 120.0, 180.0))
    assert narrower.width_px < edited.width_px  # another placement: its own entry
    assert len(list((folder / "photos").iterdir())) == 3


def test_what_a_font_tells_its_pdf_objects_kept_between_runs_is_read_anew_alike(folder):
    face = FontFace("Sans", True, False, ROOT / "fonts" / "NotoSans" / "NotoSans-Bold.ttf")
    read = FontSource(face)
    facts = (read.postscript_name, read.descriptor, read.to_unicode)
    assert read._facts == read._read_facts()
    kept = FontSource(face)
    assert (kept.postscript_name, kept.descriptor, kept.to_unicode) == facts
    assert facts[0] == "NotoSans-Bold" and facts[1]["StemV"] == 140
    assert "fi" in facts[2]  # the ligature's text, from the font's substitutions
    other = FontSource(FontFace("Sans", False, False, ROOT / "fonts" / "NotoSans" / "NotoSans-Regular.ttf"))
    assert other.postscript_name == "NotoSans-Regular"  # another file: its own entry, not Bold's
    assert len(list((folder / "fonts").iterdir())) == 2
