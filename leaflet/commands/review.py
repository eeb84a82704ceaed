"""A proof run's report -> index.html: the review queue as a static page that opens from disk and
needs no network, from the same templates as ``leaflet serve``'s queue (``pages``): the wards with
their state, counts per state, filters, and per ward its pages (changed regions boxed), findings,
sign-off and comments.

Every word that comes from a file (ward names, fields, URLs, findings) is escaped by the
templates; the page's own script and style are pinned by hash in its Content-Security-Policy, so
nothing else could run even if it got in.  Thumbnails load lazily and off-screen sheets are not
laid out, so a page of a thousand wards stays quick.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Any
from urllib.parse import quote

from leaflet.commands.pages import QueueRow, Remark, asset, csp_hash, environment, said, searchable, signed_line
from leaflet.model import Campaign, Finding, Ward
from leaflet.runs.approvals import WardSignOff
from leaflet.runs.local import STATES
from leaflet.runs.storage import SignOff


@dataclass(frozen=True)
class ProofPage:
    name: str  # the layout's name for the page
    image: Path  # full size, PAGE_DPI
    thumbnail: Path
    thumbnail_size: tuple[int, int]
    difference: Path | None = None  # where the page changed since the earlier proof set
    changed_regions: tuple[tuple[int, int, int, int], ...] = ()  # boxes in the image, pixels
    image_size: tuple[int, int] = (0, 0)


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
    state: str = "not started"  # its review state (leaflet serve)
    language: str = ""
    remarks: tuple[Remark, ...] = ()  # its comment thread
    since: str = ""  # when its state last moved

    @property
    def changed(self) -> bool:
        """What a reviewer must look at again: pages that differ, or inputs changed since sign-off."""
        return bool(self.pages_changed) or (self.approval is not None and self.unapproved_because is not None)


@dataclass(frozen=True)
class ProofReport:
    campaign: Campaign
    out_dir: Path
    index: Path
    wards: tuple[ProofedWard, ...]
    since: Path | None
    notes: tuple[str, ...] = ()  # approvals.json migrated, say


def review_page(report: ProofReport) -> bytes:
    """The review page; links are relative to ``report.out_dir``, where it is written."""
    style, script = asset("review.css"), asset("queue.js")
    policy = (
        f"default-src 'none'; img-src 'self' file:; style-src {csp_hash(style)}; script-src {csp_hash(script)}; "
        "base-uri 'none'; form-action 'none'"
    )
    counts = dict.fromkeys(STATES, 0)
    for result in report.wards:
        counts[result.state] += 1
    html = (
        environment()
        .get_template("review_index.html")
        .render(
            policy=policy,
            style=style,
            script=script,
            title=f"Proofs: {report.campaign.title}",
            total=len(report.wards),
            with_findings=sum(1 for result in report.wards if result.findings),
            changed=sum(1 for result in report.wards if result.changed),
            since=str(report.since) if report.since else "",
            state_counts=counts,
            states=STATES,
            languages=sorted({result.language for result in report.wards}),
            state_link=lambda state: "#",
            ward_link=lambda row: f"#ward-{quote(row.code)}",
            rows=[_row(result) for result in report.wards],
            sheets=[_sheet(result, report) for result in report.wards],
        )
    )
    return html.encode("utf-8")


def _link(path: Path, report: ProofReport) -> str:
    return quote(path.relative_to(report.out_dir).as_posix())


def _row(result: ProofedWard) -> QueueRow:
    errors = sum(1 for finding in result.findings if finding.severity == "error")
    return QueueRow(
        result.ward.code,
        result.ward.name,
        result.state,
        result.language,
        True,
        errors,
        len(result.findings) - errors,
        signed_line(WardSignOff(result.approval)),
        result.unapproved_because or "",
        result.changed,
        result.since,
        searchable(result.ward.name, result.ward.code),
    )


def _sheet(result: ProofedWard, report: ProofReport) -> dict[str, Any]:
    ward = result.ward
    pages = []
    for page in result.pages:
        width, height = page.image_size or (1, 1)
        pages.append(
            {
                "src": _link(page.thumbnail, report),
                "href": _link(page.image, report),
                "alt": f"{page.name} of {ward.name}",
                "width": page.thumbnail_size[0],
                "height": page.thumbnail_size[1],
                "lazy": True,
                "caption": page.name,
                "boxes": [
                    {
                        "left": 100 * left / width,
                        "top": 100 * top / height,
                        "width": 100 * (right - left) / width,
                        "height": 100 * (bottom - top) / height,
                    }
                    for left, top, right, bottom in page.changed_regions
                ],
            }
        )
    since_proof = []
    if result.pages_changed is not None:
        changed_pages = [page.name for page in result.pages if page.changed_regions]
        if changed_pages:
            since_proof.append(f"Changed since the earlier proof: {', '.join(changed_pages)}")
        elif result.pages_changed:
            since_proof.append("New since the earlier proof")
        else:
            since_proof.append("Same as the earlier proof")
    return {
        "code": ward.code,
        "name": ward.name,
        "state": result.state,
        "pages": pages,
        "url": result.signup_url,
        "since_proof": since_proof,
        "pages_changed": bool(result.pages_changed),
        "sign_off": WardSignOff(result.approval, result.unapproved_because),
        "findings": said(result.findings),
        "proof": _link(result.proof, report) if result.proof else "",
        "fields": [(column, value) for column, value in ward.fields.items() if column not in ("code", "name")],
        "remarks": result.remarks,
    }
