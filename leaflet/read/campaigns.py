"""A campaign folder (campaign.yaml, its Markdown words, and campaign.<language>.yaml) -> a
validated Campaign, its layout loaded.

The keys and their values are checked through ``formats.CAMPAIGN`` and ``formats.LANGUAGE``;
this module checks what one value says about another (every slot and photo the layout's frames
take is there, placeholders are well formed).  Every problem in the campaign's files, and in its
layout's, is reported at once, one line each.
"""

from __future__ import annotations

import difflib
import unicodedata
from collections.abc import Iterable
from dataclasses import replace
from pathlib import Path
from typing import Any

from leaflet.errors import InputError, shorten
from leaflet.model import (
    Campaign,
    ImageFrame,
    Imprint,
    ImprintWording,
    Layout,
    LocalEdits,
    LocalField,
    LocalPhoto,
    LocalSlot,
    Paragraph,
    frame_slots,
)
from leaflet.read import markup, punctuation
from leaflet.read.formats import (
    CAMPAIGN,
    FILE_SLOT,
    LANGUAGE,
    LOCAL_FIELD,
    LOCAL_PHOTO,
    LOCAL_SLOT,
    PHOTO,
    SLOT,
    default_of,
)
from leaflet.read.layouts import load_layout
from leaflet.read.project import is_file, on_disk, outside_project, project_folder
from leaflet.read.spending import load_prices, load_spending_limit
from leaflet.read.yamlfile import YamlReader, read_yaml_with_lines

CAMPAIGN_FILE = "campaign.yaml"


def find_campaign_file(campaign: Path) -> Path:
    """The campaign.yaml of a campaign folder (or the file itself), as it is on disk, links
    followed; refused when it is a link that leads out of its project."""
    return _campaign_file(campaign)[0]


def _campaign_file(campaign: Path) -> tuple[Path, Path]:
    """The campaign file, and its project: found from the folder as given, not where links lead."""
    campaign = Path(campaign)
    path = on_disk(campaign / CAMPAIGN_FILE if campaign.is_dir() else campaign)
    if not is_file(path):
        raise InputError(campaign, None, f"no {CAMPAIGN_FILE} here", "pass a campaign folder such as content/pcc-2021")
    project = project_folder(path.parent)
    problem = outside_project(path, project)
    if problem:
        raise InputError(campaign, None, problem, "keep the campaign inside the project, or pass its real folder")
    return path.resolve(), project


def load_campaign(campaign: Path) -> Campaign:
    path, project = _campaign_file(campaign)
    data, lines = read_yaml_with_lines(path)
    r = YamlReader(path, lines, project)
    problems = r.problems
    top, errors = CAMPAIGN.read_each(r, data, "")
    problems.errors.extend(errors)
    layout = problems.attempt(_load_layout, r, top["layout"]) if "layout" in top else None
    if "signup_url" in top:
        problems.attempt(_check_placeholders, r, "signup_url", top["signup_url"])
    images = _load_images(r, top.get("images") or {})
    language = top["language"].strip().lower() if "language" in top else default_of(Campaign, "language")
    typographic = top.get("typographic_punctuation", default_of(Campaign, "typographic_punctuation"))
    slots, slot_files = _load_slots(r, top.get("slots") or {}, language, typographic)
    wards_path = problems.attempt(r.relative_path, top["wards"], "wards") if "wards" in top else None
    local = _load_local(r, top.get("local") or {})
    order = top.get("print_order") or CAMPAIGN.by_key["print_order"].kind.read(r, {}, "print_order")
    prices = problems.attempt(load_prices, r, order, top.get("riso"))
    spending_limit = problems.attempt(load_spending_limit, r, top.get("spending_limit"))
    problems.raise_any()  # the layout's and the campaign's problems, all of them
    assert layout is not None and prices is not None and wards_path is not None  # else their problems were raised
    imprint = top["imprint"]
    campaign_spec = Campaign(
        path=path,
        name=path.parent.name,
        title=top["title"],
        layout=layout,
        wards_path=wards_path,
        signup_url=top["signup_url"],
        imprint=Imprint(
            imprint["printer"].strip(),
            imprint["promoter"].strip(),
            (imprint["on_behalf_of"] or "").strip() or None,
            _wording(imprint["wording"]) if imprint["wording"] else ImprintWording(),
        ),
        slots=slots,
        images=images,
        project=project,
        language=language,
        typographic_punctuation=typographic,
        overs_percent=order["overs_percent"],
        pack_size=order["pack_size"],
        translations=top["translations"],
        source_files=(path, *slot_files),
        office_printer=(imprint["office_printer"] or "").strip() or None,
        prices=prices,
        spending_limit=spending_limit,
        local=local,
        require_sign_off=top["require_sign_off"],
    )
    _check_references(r, campaign_spec)
    _check_local(r, campaign_spec)
    return campaign_spec


def load_language(campaign: Campaign, language: str, wards_path: Path, line: int) -> Campaign:
    """The campaign in another language: ``campaign.<language>.yaml`` beside ``campaign.yaml``
    replaces the title, words and photos it names; everything else is the campaign's."""
    path = on_disk(campaign.root / f"campaign.{language}.yaml")
    if not is_file(path):
        raise InputError(
            wards_path,
            f"line {line}",
            f"language '{language}' has no {path.name} in {campaign.root}",
            "add the translated words there, or clear the language cell",
        )
    problem = outside_project(path, campaign.project)
    if problem:
        raise InputError(path, None, problem, "keep the campaign's files inside the project")
    data, lines = read_yaml_with_lines(path)
    r = YamlReader(path, lines, campaign.project)
    problems = r.problems
    top, errors = LANGUAGE.read_each(r, data, "")
    problems.errors.extend(errors)
    slots, slot_files = _load_slots(r, top.get("slots") or {}, language, campaign.typographic_punctuation)
    for name in slots:
        if name not in campaign.slots:
            problems.errors.append(
                r.error(f"slots.{name}", "no such slot in campaign.yaml", _did_you_mean(name, campaign.slots))
            )
    for slot in top.get("images") or {}:
        if slot not in campaign.images:
            problems.errors.append(
                r.error(
                    f"images.{slot}",
                    "no such image slot in campaign.yaml",
                    _did_you_mean(slot, campaign.images, "image slots"),
                )
            )
    images = _load_images(r, top.get("images") or {})
    problems.raise_any()
    imprint = campaign.imprint
    if top["imprint"]:
        imprint = replace(imprint, wording=_wording(top["imprint"]["wording"]))
    return replace(
        campaign,
        path=path,
        language=language,
        imprint=imprint,
        title=top["title"] or campaign.title,
        slots={**campaign.slots, **slots},
        images={**campaign.images, **images},
        source_files=(*campaign.source_files, path, *slot_files),
    )


def _wording(words: dict[str, str]) -> ImprintWording:
    return ImprintWording(**{key: unicodedata.normalize("NFC", value.strip()) for key, value in words.items()})


def _load_images(r: YamlReader, images: dict[str, Any]) -> dict[str, Path]:
    loaded = {}
    for slot, file in images.items():
        where = f"images.{slot}"
        image = r.problems.attempt(_load_photo, r, file, where)
        if image is not None:
            loaded[slot] = image
    return loaded


def _load_layout(r: YamlReader, file: str) -> Layout:
    return load_layout(r.relative_path(file, "layout"), r.project)


def _load_photo(r: YamlReader, file: Any, where: str) -> Path:
    path = r.relative_path(PHOTO.read(r, file, where), where)
    if not is_file(path):
        raise r.error(where, f"no such image file: {path}", "check the path, from the campaign's folder")
    return path


def _load_slots(
    r: YamlReader, slots: dict[str, Any], language: str, typographic: bool
) -> tuple[dict[str, tuple[Paragraph, ...]], list[Path]]:
    """Each slot's paragraphs in ``language`` (punctuated, when ``typographic``), and the files
    that slots read their words from."""
    loaded: dict[str, tuple[Paragraph, ...]] = {}
    files: list[Path] = []
    for name, value in slots.items():
        result = r.problems.attempt(_load_slot, r, name, value, language, typographic)
        if result is not None:
            loaded[name], file = result
            if file is not None:
                files.append(file)
    return loaded, files


def _load_slot(
    r: YamlReader, name: str, value: Any, language: str, typographic: bool
) -> tuple[tuple[Paragraph, ...], Path | None]:
    where = f"slots.{name}"
    words = SLOT.read(r, value, where)
    file = None
    if isinstance(value, dict):
        file = r.relative_path(FILE_SLOT.read(r, value, where)["file"], f"{where}.file")
        try:
            words = file.read_text(encoding="utf-8")
        except FileNotFoundError:
            raise r.error(f"{where}.file", f"file not found: {file}") from None
        except UnicodeDecodeError:
            raise InputError(file, None, "not UTF-8 text", "save the file as UTF-8") from None
    _check_placeholders(r, where, words)
    paragraphs = markup.parse_markdown(unicodedata.normalize("NFC", words), language)
    return (punctuation.typographic_paragraphs(paragraphs) if typographic else paragraphs), file


def _check_placeholders(r: YamlReader, where: str, text: str) -> None:
    bad = markup.malformed_placeholders(text)
    if bad:
        raise r.error(
            where, f"'{bad[0]}' is not a placeholder", "write {ward.column} for a ward's value, or {{ and }} for braces"
        )


def _check_references(r: YamlReader, campaign: Campaign) -> None:
    """Every slot and photo a frame of the layout takes is in the campaign; all of them checked."""
    words: dict[str, str] = {}  # slot -> the first frame that takes it
    photos: dict[str, str] = {}
    for page in campaign.layout.pages:
        for frame in page.frames:
            word_slots, photo_slots = frame_slots(frame, campaign.layout.flows)
            for slot in word_slots:
                words.setdefault(slot, frame.name)
            for slot in photo_slots:
                photos.setdefault(slot, frame.name)
    for section, taken, given in (("slots", words, campaign.slots), ("images", photos, campaign.images)):
        for slot, frame_name in taken.items():
            if slot not in given:
                close = _close_match(slot, set(given) - set(taken))  # a name no frame takes
                hint = f"add '{slot}' under {section}" + (f", or did you mean '{close}'?" if close else "")
                r.problems.errors.append(
                    r.error(f"{section}.{slot}", f"missing: layout frame '{frame_name}' takes it", hint)
                )
    r.problems.raise_any()


def _close_match(name: str, names: Iterable[str]) -> str | None:
    close = difflib.get_close_matches(name, sorted(names), n=1)
    return close[0] if close else None


def _did_you_mean(name: str, names: Iterable[str], what: str = "slots") -> str:
    """'did you mean ...?' for a misspelt name, or else the names there are."""
    close = _close_match(name, names)
    return f"did you mean '{close}'?" if close else f"{what} there: {shorten(', '.join(sorted(names)), 120)}"


# ---------------------------------------------------------------- what a ward may change (local:)

LOCKED_FIELDS = ("code", "name", "language")  # a ward's identity and the words file it takes


def _load_local(r: YamlReader, local: dict[str, Any]) -> LocalEdits:
    """``local:`` read key by key; each problem reported, the entries that are right kept."""
    sections = {"slots": LOCAL_SLOT, "photos": LOCAL_PHOTO, "fields": LOCAL_FIELD}
    read: dict[str, list[tuple[str, dict[str, Any]]]] = {name: [] for name in sections}
    for name, section in sections.items():
        for key, value in (local.get(name) or {}).items():
            values, errors = section.read_each(r, value, f"local.{name}.{key}")
            r.problems.errors.extend(errors)
            if not errors:
                read[name].append((key, values))
    for key, values in read["slots"]:
        if values["start"] is not None:
            r.problems.attempt(_check_placeholders, r, f"local.slots.{key}.start", values["start"])
    return LocalEdits(
        slots=tuple(
            LocalSlot(
                key,
                v["label"].strip(),
                v["help"].strip(),
                v["max_words"],
                v["max_characters"],
                tuple(v["must_change"]),
                v["start"],
            )
            for key, v in read["slots"]
        ),
        photos=tuple(LocalPhoto(key, v["label"].strip(), v["help"].strip(), v["min_ppi"]) for key, v in read["photos"]),
        fields=tuple(
            LocalField(key.strip().lower(), v["label"].strip(), v["help"].strip(), v["max_characters"])
            for key, v in read["fields"]
        ),
    )


def _check_local(r: YamlReader, campaign: Campaign) -> None:
    """What ``local:`` opens must be something the leaflet shows, and one thing only."""
    layout = campaign.layout
    frames = [frame for page in layout.pages for frame in page.frames]
    words_used = {slot for frame in frames for slot in frame_slots(frame, layout.flows)[0]}
    for local_slot in campaign.local.slots:
        if local_slot.slot not in campaign.slots:
            raise r.error(
                f"local.slots.{local_slot.slot}",
                "no such slot under slots",
                _did_you_mean(local_slot.slot, campaign.slots),
            )
        if local_slot.slot not in words_used:
            raise r.error(f"local.slots.{local_slot.slot}", "no frame of the layout shows this slot")
    for photo in campaign.local.photos:
        if photo.slot not in campaign.images:
            raise r.error(
                f"local.photos.{photo.slot}",
                "no such image slot under images",
                _did_you_mean(photo.slot, campaign.images, "image slots"),
            )
        shown_in = [frame.name for frame in frames if isinstance(frame, ImageFrame) and frame.slot == photo.slot]
        if len(shown_in) != 1:
            raise r.error(
                f"local.photos.{photo.slot}",
                f"{len(shown_in)} frames show this photo: a ward's photo is cropped to fit one frame",
                "open an image slot that one image frame shows",
            )
    for local_field in campaign.local.fields:
        where = f"local.fields.{local_field.field}"
        if local_field.field in LOCKED_FIELDS:
            raise r.error(where, f"a ward's {local_field.field} cannot be changed locally", "remove it from local")
        if local_field.field in campaign.slots or local_field.field in campaign.images:
            raise r.error(
                where,
                "a column named like a slot replaces that slot's words",
                f"open it under local.{'slots' if local_field.field in campaign.slots else 'photos'} instead",
            )
