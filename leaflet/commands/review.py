"""A proof run's report -> index.html: one static review page, a card per ward, that opens from
disk and needs no network.

Every word that comes from a file (ward names, fields, URLs, findings) is HTML-escaped; the
page's own script and style are pinned by hash in its Content-Security-Policy, so nothing else
could run even if it got in.  Thumbnails load lazily and off-screen cards are not laid out, so
a page of a thousand wards stays quick.
"""

from __future__ import annotations

import base64
import hashlib
import unicodedata
from dataclasses import dataclass
from html import escape
from pathlib import Path
from urllib.parse import quote

from leaflet.model import Campaign, Finding, Ward
from leaflet.runs.storage import SignOff


@dataclass(frozen=True)
class ProofPage:
    name: str  # the layout's name for the page
    image: Path  # full size, PAGE_DPI
    thumbnail: Path
    thumbnail_size: tuple[int, int]
    difference: Path | None = None  # where the page changed since the earlier proof set
    changed_regions: tuple[tuple[int, int, int, int], ...] = ()  # boxes in the image, pixels


@dataclass(frozen=True)
class ProofedWard:
    ward: Ward
    signup_url: str
    proof: Path | None  # None when the ward could not be laid out
    pages: tuple[ProofPage, ...]
    findings: tuple[Finding, ...]
    pages_changed: bool | None = None  # since the earlier proof set (True when new in it); None without one
    approval: SignOff | None = None  # the ward's sign-off, if it has one
    unapproved_because: str | None = None  # what changed since its sign-off; None while it holds

    @property
    def changed(self) -> bool:
        """What a reviewer must look at again: pages that differ, or inputs changed since approval."""
        return bool(self.pages_changed) or (self.approval is not None and self.unapproved_because is not None)


@dataclass(frozen=True)
class ProofReport:
    campaign: Campaign
    out_dir: Path
    index: Path
    wards: tuple[ProofedWard, ...]
    since: Path | None
    notes: tuple[str, ...] = ()  # approvals.json migrated, say


_STYLE = """
body { font: 14px/1.4 system-ui, sans-serif; margin: 0; background: #eef0f3; color: #1d2330; }
header { position: sticky; top: 0; z-index: 1; background: #fff; padding: 12px 20px; border-bottom: 1px solid #ccd; }
h1 { font-size: 20px; margin: 0 0 6px; }
.filters { display: flex; flex-wrap: wrap; gap: 16px; align-items: center; }
.filters input[type=search] { font: inherit; padding: 4px 8px; min-width: 260px; }
.legend { color: #556; font-size: 12px; margin: 6px 0 0; }
main { display: grid; grid-template-columns: repeat(auto-fill, minmax(340px, 1fr)); gap: 16px;
  padding: 16px 20px; }
.card { background: #fff; border: 1px solid #ccd; border-radius: 6px; padding: 12px;
  content-visibility: auto; contain-intrinsic-size: 340px 560px; }
.card[hidden] { display: none; }
.card h2 { font-size: 16px; margin: 0; overflow-wrap: anywhere; }
.code { color: #556; font-family: ui-monospace, monospace; }
.pages { display: flex; gap: 8px; margin: 8px 0; }
.pages figure { margin: 0; flex: 1; }
.pages img { width: 100%; height: auto; border: 1px solid #ccd; display: block; }
.pages figcaption { font-size: 12px; color: #556; }
.url { font-size: 12px; overflow-wrap: anywhere; }
.status { margin: 4px 0; }
.changed { color: #a40000; font-weight: 600; }
.approved { color: #1a6b2a; }
.findings { margin: 4px 0; padding-left: 18px; font-size: 13px; }
.error { color: #a40000; }
.warning { color: #8a5a00; }
.fields { display: grid; grid-template-columns: auto 1fr; gap: 0 8px; font-size: 12px; color: #445; margin: 6px 0 0; }
.fields dt { font-weight: 600; }
.fields dd { margin: 0; overflow-wrap: anywhere; }
"""

_SCRIPT = """
const cards = Array.from(document.querySelectorAll('.card'));
const search = document.getElementById('search');
const withFindings = document.getElementById('with-findings');
const changed = document.getElementById('changed');
const count = document.getElementById('count');
function fold(text) {
  return text.normalize('NFKD').replace(/[\\u0300-\\u036f]/g, '').toLowerCase();
}
function apply() {
  const words = fold(search.value).split(/\\s+/).filter(Boolean);
  let shown = 0;
  for (const card of cards) {
    const show = words.every(word => card.dataset.search.includes(word))
      && (!withFindings.checked || card.dataset.findings === '1')
      && (!changed.checked || card.dataset.changed === '1');
    card.hidden = !show;
    if (show) shown += 1;
  }
  count.textContent = shown + ' of ' + cards.length + ' wards shown';
}
search.addEventListener('input', apply);
withFindings.addEventListener('change', apply);
changed.addEventListener('change', apply);
apply();
"""


def _csp_hash(source: str) -> str:
    return "'sha256-" + base64.b64encode(hashlib.sha256(source.encode("utf-8")).digest()).decode("ascii") + "'"


_POLICY = (
    f"default-src 'none'; img-src 'self' file:; style-src {_csp_hash(_STYLE)}; script-src {_csp_hash(_SCRIPT)}; "
    "base-uri 'none'; form-action 'none'"
)


def _fold(text: str) -> str:
    """As the page's script folds what is typed in the filter: no accents, lower case."""
    decomposed = unicodedata.normalize("NFKD", text)
    return "".join(char for char in decomposed if not unicodedata.combining(char)).lower()


def review_page(report: ProofReport) -> bytes:
    """The review page; links are relative to ``report.out_dir``, where it is written."""
    cards = "".join(_card(result, report) for result in report.wards)
    total = len(report.wards)
    with_findings = sum(1 for result in report.wards if result.findings)
    changed = sum(1 for result in report.wards if result.changed)
    since = f", compared with the proofs in {escape(str(report.since))}" if report.since else ""
    title = escape(f"Proofs: {report.campaign.title}")
    return f"""<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta http-equiv="Content-Security-Policy" content="{escape(_POLICY)}">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>{title}</title>
<style>{_STYLE}</style>
</head>
<body>
<header>
<h1>{title}</h1>
<p>{total} wards, {with_findings} with findings, {changed} changed{since}.</p>
<div class="filters">
<input type="search" id="search" placeholder="Filter by ward name or code" aria-label="Filter by ward name or code">
<label><input type="checkbox" id="with-findings"> has findings</label>
<label><input type="checkbox" id="changed"> changed</label>
<span id="count" aria-live="polite">{total} of {total} wards shown</span>
</div>
<p class="legend">Magenta guides: trim (solid line), bleed (long dashes), safe area (short dashes).
Click a page to see it full size.</p>
</header>
<main>
{cards}</main>
<script>{_SCRIPT}</script>
</body>
</html>
""".encode()


def _link(path: Path, report: ProofReport) -> str:
    return escape(quote(path.relative_to(report.out_dir).as_posix()))


def _card(result: ProofedWard, report: ProofReport) -> str:
    ward = result.ward
    name = escape(ward.name)
    searchable = escape(
        " ".join(dict.fromkeys((_fold(ward.name), _fold(ward.code), ward.name.lower(), ward.code.lower())))
    )
    parts = [
        f'<article class="card" data-search="{searchable}" data-findings="{int(bool(result.findings))}" '
        f'data-changed="{int(result.changed)}">',
        f'<h2>{name} <span class="code">{escape(ward.code)}</span></h2>',
    ]
    if result.pages:
        parts.append('<div class="pages">')
        for page in result.pages:
            width, height = page.thumbnail_size
            difference = (
                f' · <a class="changed" href="{_link(page.difference, report)}">what changed</a>'
                if page.difference
                else ""
            )
            parts.append(
                f'<figure><a href="{_link(page.image, report)}"><img src="{_link(page.thumbnail, report)}" '
                'loading="lazy" '
                f'width="{width}" height="{height}" alt="{escape(page.name)} of {name}"></a>'
                f"<figcaption>{escape(page.name)}{difference}</figcaption></figure>"
            )
        parts.append("</div>")
    if result.signup_url:
        url = escape(result.signup_url)
        parts.append(f'<p class="url">QR code: <a href="{url}" rel="noopener noreferrer">{url}</a></p>')
    parts.extend(_status(result))
    parts.append(_findings(result))
    if result.proof:
        parts.append(f'<p><a href="{_link(result.proof, report)}">Proof PDF</a></p>')
    fields = "".join(
        f"<dt>{escape(column)}</dt><dd>{escape(value)}</dd>"
        for column, value in ward.fields.items()
        if column not in ("code", "name")
    )
    if fields:
        parts.append(f'<dl class="fields">{fields}</dl>')
    parts.append("</article>\n")
    return "".join(parts)


def _status(result: ProofedWard) -> list[str]:
    lines = []
    if result.pages_changed is not None:
        changed_pages = [page.name for page in result.pages if page.changed_regions]
        if changed_pages:
            lines.append(
                f'<p class="status changed">Changed since the earlier proof: {escape(", ".join(changed_pages))}</p>'
            )
        elif result.pages_changed:
            lines.append('<p class="status changed">New since the earlier proof</p>')
        else:
            lines.append('<p class="status">Same as the earlier proof</p>')
    approval = result.approval
    if approval is None:
        lines.append('<p class="status">Not signed off yet</p>')
    elif result.unapproved_because is None:
        lines.append(f'<p class="status approved">Signed off by {escape(approval.actor)} at {escape(approval.at)}</p>')
    else:
        lines.append(
            f'<p class="status changed">Changed since signed off by {escape(approval.actor)} at '
            f"{escape(approval.at)}: {escape(result.unapproved_because)}</p>"
        )
    return lines


def _findings(result: ProofedWard) -> str:
    if not result.findings:
        return '<p class="status">No preflight findings</p>'
    items = []
    for finding in result.findings:
        place = " · ".join(escape(part) for part in (finding.page, finding.frame) if part)
        where = f" ({place})" if place else ""
        items.append(
            f'<li class="{escape(finding.severity)}">{escape(finding.severity)}{where}: {escape(finding.message)}</li>'
        )
    return f'<ul class="findings">{"".join(items)}</ul>'
