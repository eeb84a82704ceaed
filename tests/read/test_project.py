"""leaflet.read.project: paths in files, in cells and on the command line stay inside the project,
links followed, and match the file on disk in whatever Unicode normalisation it is stored."""

from __future__ import annotations

import os
import shutil
import unicodedata

import pytest
from leaflet.cli import main
from leaflet.errors import InputError
from leaflet.read.campaigns import load_campaign
from leaflet.read.project import on_disk
from leaflet.runs.preflight import Preflight
from leaflet.runs.prepare import load, prepare_run

from tests.conftest import ROOT

HEADER = "code,name,organiser,households,local_priority"
NFC, NFD = unicodedata.normalize("NFC", "Gŵyr.jpg"), unicodedata.normalize("NFD", "Gŵyr.jpg")


@pytest.fixture()
def outside(tmp_path):
    """A folder beside the project, with a file of each kind in it."""
    folder = tmp_path.parent / f"{tmp_path.name}-outside"
    folder.mkdir()
    shutil.copy(ROOT / "images" / "meadow.jpg", folder / "meadow.jpg")
    (folder / "story.md").write_text("## Elsewhere\n\nWords from outside.\n", encoding="utf-8")
    (folder / "wards.csv").write_text(HEADER + "\nX1,Outside,Ann,10,parking\n", encoding="utf-8")
    shutil.copy(ROOT / "layouts" / "a5-two-sided.yaml", folder / "layout.yaml")
    yield folder
    shutil.rmtree(folder)


def _edit(path, old, new):
    text = path.read_text(encoding="utf-8")
    assert old in text
    path.write_text(text.replace(old, new), encoding="utf-8")


def _error(call) -> str:
    with pytest.raises(InputError) as caught:
        call()
    assert "\n" not in str(caught.value)
    return str(caught.value)


def test_a_campaign_folder_that_is_a_link_out_of_the_project_is_refused(campaign_copy, outside):
    shutil.copytree(campaign_copy, outside / "pcc-2021")
    link = campaign_copy.parent / "linked"
    link.symlink_to(outside / "pcc-2021")
    message = _error(lambda: load_campaign(link))
    project, real = campaign_copy.parent.parent, outside / "pcc-2021" / "campaign.yaml"
    assert message == (
        f"{link}: is a link that leads out of the project folder {project} (to {real})"
        " (keep the campaign inside the project, or pass its real folder)"
    )


def test_a_campaign_folder_linked_from_inside_the_project_is_read(campaign_copy):
    link = campaign_copy.parent / "current"
    link.symlink_to(campaign_copy)
    assert load_campaign(link).path == campaign_copy / "campaign.yaml"


def test_a_project_reached_through_a_link_is_still_one_project(campaign_copy, tmp_path):
    alias = tmp_path.parent / f"{tmp_path.name}-alias"
    alias.symlink_to(tmp_path)
    try:
        campaign = load_campaign(alias / "content" / "pcc-2021")
        assert campaign.layout.path == (tmp_path / "layouts" / "a5-two-sided.yaml").resolve()
    finally:
        alias.unlink()


@pytest.mark.parametrize(
    ("key", "value", "name"),
    [
        ("layout: ../../layouts/a5-two-sided.yaml", "layout: linked.yaml", "layout.yaml"),
        ("wards: wards.csv", "wards: linked.csv", "wards.csv"),
        ("body: {file: story.md}", "body: {file: linked.md}", "story.md"),
        ("hero: ../../images/hillside.jpg", "hero: linked.jpg", "meadow.jpg"),
    ],
    ids=["layout", "wards", "words", "photo"],
)
def test_a_file_named_in_campaign_yaml_that_links_out_of_the_project_is_refused(
    campaign_copy, outside, key, value, name
):
    link = campaign_copy / value.split()[-1].rstrip("}")
    link.symlink_to(outside / name)
    _edit(campaign_copy / "campaign.yaml", key, value)
    message = _error(lambda: load_campaign(campaign_copy))
    assert f"'{link.name}' is a link that leads out of the project folder {campaign_copy.parent.parent}" in message
    assert message.startswith(f"{campaign_copy / 'campaign.yaml'}: line ")


def test_a_font_file_that_links_out_of_the_project_is_refused(campaign_copy, outside):
    fonts = campaign_copy.parent.parent / "fonts" / "NotoSans"
    shutil.copy(fonts / "NotoSans-Bold.ttf", outside / "Bold.ttf")
    (fonts / "NotoSans-Bold.ttf").unlink()
    (fonts / "NotoSans-Bold.ttf").symlink_to(outside / "Bold.ttf")
    message = _error(lambda: load_campaign(campaign_copy))
    assert "fonts.Sans.bold: '../fonts/NotoSans/NotoSans-Bold.ttf' is a link that leads out of the project" in message


def test_a_photo_cell_that_links_out_of_the_project_is_refused_at_its_cell(campaign_copy, outside):
    (campaign_copy / "own.jpg").symlink_to(outside / "meadow.jpg")
    (campaign_copy / "wards.csv").write_text(HEADER + ",hero\nA1,Aber,Ann,10,parking,own.jpg\n", encoding="utf-8")
    campaigns, (ward,) = load(campaign_copy)
    run = prepare_run(campaigns, [ward])  # what every ward shares does not read a ward's own photo
    with pytest.raises(InputError) as caught:
        run.lay_out(ward)
    assert str(caught.value).startswith(
        f"{campaign_copy / 'wards.csv'}: line 2: column 'hero': 'own.jpg' is a link that leads out of the project "
    )
    leaflet, (finding,) = Preflight(run, [ward]).lay_out(ward)  # that ward is refused, not the run
    assert leaflet is None and (finding.severity, finding.rule, finding.ward) == ("error", "input", "A1")
    assert finding.message.startswith(
        f"{campaign_copy / 'wards.csv'}: line 2: column 'hero': 'own.jpg' is a link that leads out of the project "
    )


def test_a_wards_file_on_the_command_line_may_be_anywhere_but_not_a_link_out_of_the_project(campaign_copy, outside):
    campaigns, wards = load(campaign_copy, outside / "wards.csv")
    assert [ward.code for ward in wards] == ["X1"]
    assert campaigns[""].wards_path == outside / "wards.csv"
    link = campaign_copy / "linked.csv"
    link.symlink_to(outside / "wards.csv")
    message = _error(lambda: load(campaign_copy, link))
    assert message.startswith(f"{link}: is a link that leads out of the project folder")


def test_messages_name_the_wards_file_as_it_was_given(campaign_copy, capsys, monkeypatch):
    monkeypatch.chdir(campaign_copy)
    (campaign_copy / "other.csv").write_text(HEADER + "\nA1,Aber,Ann,,parking\n", encoding="utf-8")
    assert main(["check", ".", "--wards", "other.csv", "--jobs", "1"]) == 1
    out = capsys.readouterr().out
    assert "A1: other.csv: line 2: column 'households' is blank" in out
    assert str(campaign_copy / "other.csv") not in out


@pytest.mark.parametrize(("typed", "stored"), [(NFC, NFD), (NFD, NFC)], ids=["nfc-typed", "nfd-typed"])
def test_a_photo_cell_finds_its_file_in_either_unicode_normalisation(campaign_copy, typed, stored):
    shutil.copy(ROOT / "images" / "meadow.jpg", campaign_copy / stored)
    (campaign_copy / "wards.csv").write_text(HEADER + f",hero\nA1,Aber,Ann,10,parking,{typed}\n", encoding="utf-8")
    campaigns, wards = load(campaign_copy)
    run = prepare_run(campaigns, wards)
    assert run.variant(wards[0]).images["hero"].name == stored


@pytest.mark.parametrize(("typed", "stored"), [(NFC, NFD), (NFD, NFC)], ids=["nfc-typed", "nfd-typed"])
def test_a_path_in_campaign_yaml_finds_its_file_in_either_unicode_normalisation(campaign_copy, typed, stored):
    shutil.copy(ROOT / "images" / "meadow.jpg", campaign_copy / stored)
    _edit(campaign_copy / "campaign.yaml", "hero: ../../images/hillside.jpg", f"hero: {typed}")
    assert load_campaign(campaign_copy).images["hero"].name == stored


def test_on_disk_finds_the_other_form_and_leaves_what_is_not_there_alone(tmp_path):
    (tmp_path / NFC).write_bytes(b"a")
    assert on_disk(tmp_path / NFD) == tmp_path / NFC
    assert on_disk(tmp_path / NFC) == tmp_path / NFC
    (tmp_path / NFD).write_bytes(b"b")
    os.remove(tmp_path / NFC)
    assert on_disk(tmp_path / NFC) == tmp_path / NFD
    assert on_disk(tmp_path / "nothing" / NFD) == tmp_path / "nothing" / NFD
