"""Campaign words in a small Markdown -> paragraphs of styled runs; ward placeholders -> values.

The Markdown is the part a campaign team needs and no more: ``#``/``##`` headings, ``-`` bullets,
blank lines between paragraphs, ``**bold**``, ``*italic*``, and ``\\`` to escape a marker.
Placeholders (``{ward.name}``) stay in the runs and are filled per ward *after* parsing, so a
ward's cell can never turn into markup.
"""

from __future__ import annotations

import re

from leaflet.model import Paragraph, ParagraphKind, Run

_SPACES = re.compile(r"[^\S\u00a0\u2007\u202f]+")  # runs of white space, but not no-break spaces
_INLINE_MARKER = re.compile(r"\\[\\*]|\*\*|\*")
_PLACEHOLDER = re.compile(r"\{\{|\}\}|\{ward\.([A-Za-z0-9_ -]+)\}|\{[^{}]*\}")


def parse_markdown(text: str, language: str = "") -> tuple[Paragraph, ...]:
    """``language``: the words' language code, kept on each paragraph (for hyphens and quotes)."""
    paragraphs: list[Paragraph] = []
    lines: list[str] = []
    kind: ParagraphKind = "body"

    def finish() -> None:
        nonlocal lines, kind
        if lines:
            runs = parse_inline(" ".join(lines))
            if runs:
                paragraphs.append(Paragraph(kind, runs, language))
        lines, kind = [], "body"

    for raw in text.replace("\r\n", "\n").split("\n"):
        line = raw.strip()
        if not line:
            finish()
        elif line.startswith("#"):
            finish()
            kind = "heading"
            lines = [line.lstrip("#").strip()]
            finish()
        elif line[:2] in ("- ", "• "):
            finish()
            kind = "bullet"
            lines = [line[2:].strip()]
        else:
            lines.append(line)
    finish()
    return tuple(paragraphs)


def parse_inline(text: str) -> tuple[Run, ...]:
    """``**bold**`` and ``*italic*`` -> runs; a marker without a partner stays as text."""
    tokens = _INLINE_MARKER.split(text)
    markers = _INLINE_MARKER.findall(text)
    paired = {marker: markers.count(marker) // 2 * 2 for marker in ("**", "*")}
    seen = {"**": 0, "*": 0}
    runs: list[Run] = []
    bold = italic = False
    buffer = tokens[0]
    for marker, token in zip(markers, tokens[1:], strict=True):
        if marker.startswith("\\"):
            buffer += marker[1] + token
            continue
        seen[marker] += 1
        if seen[marker] > paired[marker]:  # the odd one out: literal
            buffer += marker + token
            continue
        _append_run(runs, buffer, bold, italic)
        if marker == "**":
            bold = not bold
        else:
            italic = not italic
        buffer = token
    _append_run(runs, buffer, bold, italic)
    return tuple(runs)


def _append_run(runs: list[Run], text: str, bold: bool, italic: bool) -> None:
    text = _SPACES.sub(" ", text)
    if not text:
        return
    if runs and (runs[-1].bold, runs[-1].italic) == (bold, italic):
        runs[-1] = Run(runs[-1].text + text, bold, italic)
    else:
        runs.append(Run(text, bold, italic))


def placeholders(text: str) -> set[str]:
    """The ward fields a text refers to, lower-cased as ward columns are."""
    return {match.group(1).strip().lower() for match in _PLACEHOLDER.finditer(text) if match.group(1)}


def malformed_placeholders(text: str) -> list[str]:
    """Braced words that are not ``{ward.field}`` (nor escaped ``{{``/``}}``)."""
    return [
        match.group(0)
        for match in _PLACEHOLDER.finditer(text)
        if match.group(0) not in ("{{", "}}") and not match.group(1)
    ]


def fill(text: str, fields: dict[str, str]) -> str:
    """Replace ``{ward.field}`` with the ward's value; ``{{`` and ``}}`` give literal braces."""

    def value(match: re.Match[str]) -> str:
        token = match.group(0)
        if token in ("{{", "}}"):
            return token[0]
        if match.group(1):
            return fields[match.group(1).strip().lower()]
        return token

    return _PLACEHOLDER.sub(value, text) if "{" in text or "}" in text else text


def paragraphs_placeholders(paragraphs: tuple[Paragraph, ...]) -> set[str]:
    return {name for paragraph in paragraphs for run in paragraph.runs for name in placeholders(run.text)}


def fill_paragraphs(paragraphs: tuple[Paragraph, ...], fields: dict[str, str]) -> tuple[Paragraph, ...]:
    """The paragraphs with the ward's values filled in; one without placeholders is passed on as
    the same object."""
    return tuple(
        Paragraph(p.kind, tuple(Run(fill(r.text, fields), r.bold, r.italic) for r in p.runs), p.language)
        if any("{" in r.text or "}" in r.text for r in p.runs)
        else p
        for p in paragraphs
    )
