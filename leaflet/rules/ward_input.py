"""A ward's variant -> the findings its words show before layout: a frame left blank, text in a
script leaflet does not shape (``assets.scripts``), a column that looks like a
slot or photo but matches none, a slot its language's file does not translate.

What is the same for every ward of a language (the campaign's own words) is checked once per run;
per ward, only what the ward changes: its values and the slots it fills in.
"""

from __future__ import annotations

import difflib
import re
from collections import defaultdict
from dataclasses import dataclass

from leaflet.assets.scripts import characters_needing_shaping, describe
from leaflet.model import Campaign, Finding, FlowFrame, ImprintFrame, Paragraph, QrFrame, Severity, TextFrame
from leaflet.read import markup
from leaflet.read.wards import language_variant
from leaflet.ward.variant import Variant, VariantPlan, replace_ward, slot_frames

_INVISIBLE = re.compile(r"[\s\u200b-\u200d\u2060\ufeff]*")
_LETTER = re.compile(r"[^\W\d_]")
SPECIAL_COLUMNS = ("code", "name", "language", "households")
SHAPING = (
    "leaflet shapes Arabic, Hebrew, Bengali, Devanagari, Gurmukhi, Gujarati and Tamil but not this script, so it could "
    "print it unjoined, in the wrong order or with its marks adrift (even where a fallback font has the glyphs)"
)


def is_blank(paragraphs: tuple[Paragraph, ...]) -> bool:
    """Whether words would print nothing: no paragraphs, or only spaces and invisible marks."""
    return all(_INVISIBLE.fullmatch(run.text) for paragraph in paragraphs for run in paragraph.runs)


@dataclass(frozen=True)
class _Language:
    """One language's wards: what their campaign's words show, and where each slot prints."""

    plan: VariantPlan
    findings: dict[str, list[Finding]]  # by slot: about the campaign's own words of that slot
    printed_columns: dict[str, tuple[str, str]]  # a column the text shows -> the first frame showing it


class WardInputRules:
    """Checks the variants of one run, the campaign's words of each language checked once."""

    def __init__(self, plans: dict[str, VariantPlan], columns: list[str] | dict[str, str]):
        base = plans[""].base
        self.frames = slot_frames(base.layout)
        self.imprint = next(
            (
                (page.name, frame.name)
                for page in base.layout.pages
                for frame in page.frames
                if isinstance(frame, ImprintFrame)
            ),
            None,
        )
        self.severity = _blank_severities(base)
        self.languages = {plan.campaign.language: self._language(plan) for plan in plans.values()}
        self.columns = _unmatched_columns(plans, list(columns))

    def _language(self, plan: VariantPlan) -> _Language:
        campaign, base = plan.campaign, plan.base
        findings: dict[str, list[Finding]] = {}
        credits = {credit.slot for credit in plan.credits}
        for slot, (page, frame) in self.frames.items():
            words = plan.slots[slot]
            found = findings.setdefault(slot, [])
            source = _source(campaign, base, slot)
            if is_blank(words) and slot not in plan.varying and slot not in credits:
                found.append(
                    Finding(
                        self.severity[slot],
                        "blank-slot",
                        f"slot '{slot}' of {source} has no words: frame '{frame}' would print nothing",
                        page=page,
                        frame=frame,
                    )
                )
            text = _words(words)
            shaped = characters_needing_shaping(text)
            if shaped:
                found.append(
                    Finding(
                        "error",
                        "unshaped-script",
                        f"slot '{slot}' of {source} has {describe(shaped)}: {SHAPING}",
                        page=page,
                        frame=frame,
                    )
                )
            if (
                campaign is not base
                and words is base.slots[slot]
                and _LETTER.search(markup.fill(text, defaultdict(str)))
            ):
                severity: Severity = "error" if base.translations == "complete" else "warning"
                found.append(
                    Finding(
                        severity,
                        "untranslated",
                        f"slot '{slot}' is not in {campaign.path.name}: it prints in the campaign's language "
                        f"({base.language})",
                        page=page,
                        frame=frame,
                    )
                )
        imprint: list[Finding] = []
        shaped = characters_needing_shaping(campaign.imprint.text)
        if shaped:
            imprint.append(
                Finding(
                    "error", "unshaped-script", f"the imprint of {base.path.name} has {describe(shaped)}: {SHAPING}"
                )
            )
        if campaign is not base and campaign.imprint.wording is base.imprint.wording:
            imprint.append(
                Finding(
                    "error" if base.translations == "complete" else "warning",
                    "untranslated",
                    f"the imprint's words (imprint.wording) are not in {campaign.path.name}: it prints in the "
                    f"campaign's language ({base.language})",
                    page=self.imprint[0] if self.imprint else None,
                    frame=self.imprint[1] if self.imprint else None,
                )
            )
        findings["(imprint)"] = imprint
        printed: dict[str, tuple[str, str]] = {}
        for slot, place in self.frames.items():
            printed.setdefault(slot, place)  # a column named like the slot replaces its words
            for column in markup.paragraphs_placeholders(campaign.slots[slot]):
                printed.setdefault(column, place)
        return _Language(plan, findings, printed)

    def check(self, variant: Variant) -> list[Finding]:
        language = self.languages[variant.campaign.language]
        ward = variant.ward
        found: list[Finding] = []
        credits = {credit.slot for credit in language.plan.credits}
        for slot, (page, frame) in self.frames.items():
            words = variant.slots[slot]
            own = slot not in ("code", "name") and bool(variant.fields.get(slot))  # the ward's words replace it
            if not own and (words or slot not in credits):  # not a credit left off a photo it is not of
                found.extend(replace_ward(f, ward.code) for f in language.findings[slot])
            if (own or slot in language.plan.varying) and slot not in credits and is_blank(words):
                found.append(
                    Finding(
                        self.severity[slot],
                        "blank-slot",
                        f"slot '{slot}' has no words once the ward's values are filled in "
                        f"({_place(variant)}): frame '{frame}' would print nothing",
                        ward.code,
                        page,
                        frame,
                    )
                )
        found.extend(replace_ward(f, ward.code) for f in language.findings.get("(imprint)", ()))
        for column, (page, frame) in language.printed_columns.items():
            shaped = characters_needing_shaping(variant.fields.get(column, ""))
            if shaped:
                found.append(
                    Finding(
                        "error",
                        "unshaped-script",
                        f"column '{column}' ({_place(variant)}) has {describe(shaped)}: {SHAPING}",
                        ward.code,
                        page,
                        frame,
                    )
                )
        for column, close in self.columns.items():
            if ward.fields.get(column):
                found.append(
                    Finding(
                        "warning",
                        "unused-column",
                        f"column '{column}' ({_place(variant)}) matches no slot, photo or column the campaign uses, so "
                        f"its value is not used: did you mean '{close}'?",
                        ward.code,
                    )
                )
        return found


def _words(paragraphs: tuple[Paragraph, ...]) -> str:
    return "\n".join(run.text for paragraph in paragraphs for run in paragraph.runs)


def _place(variant: Variant) -> str:
    return f"{variant.campaign.wards_path.name} line {variant.ward.line}"


def _source(campaign: Campaign, base: Campaign, slot: str) -> str:
    """The file a slot's words come from: the language's file when it gives them."""
    return campaign.path.name if campaign.slots[slot] is not base.slots.get(slot) else base.path.name


def _blank_severities(campaign: Campaign) -> dict[str, Severity]:
    """How grave a frame left blank is: an error for the story (a flow), the QR code's caption and
    the headline (the first page's largest text), a warning for any other text frame."""
    layout = campaign.layout
    severity: dict[str, Severity] = {}
    first = layout.pages[0].frames if layout.pages else ()
    text_frames = [frame for frame in first if isinstance(frame, TextFrame) and frame.credits is None]
    headline = max(text_frames, key=lambda frame: layout.styles[frame.style].size_pt, default=None)
    for page in layout.pages:
        for frame in page.frames:
            match frame:
                case FlowFrame():
                    severity[layout.flows[frame.flow].slot] = "error"
                case QrFrame() if frame.caption_slot:
                    severity[frame.caption_slot] = "error"
                case TextFrame():
                    severity.setdefault(frame.slot, "error" if frame is headline else "warning")
    return severity


def _unmatched_columns(plans: dict[str, VariantPlan], columns: list[str]) -> dict[str, str]:
    """Columns that match nothing the campaign uses, but come close to a slot, a photo or a
    column it reads -> the name they come close to."""
    known = set(SPECIAL_COLUMNS)
    for plan in plans.values():
        known |= plan.used_columns
    unmatched = {}
    for column in columns:
        variant = language_variant(column)
        if not column or column in known or (variant and variant[0] in known):
            continue
        name, suffix = (variant[0], f"_{variant[1]}") if variant else (column, "")
        close = difflib.get_close_matches(name, sorted(known), n=1, cutoff=0.8)
        if close:
            unmatched[column] = close[0] + suffix
    return unmatched
