"""A campaign folder + a ward (or every ward) -> personal links for ``leaflet serve`` (``leaflet
invite``): each a capability for one ward and one role, unguessable, stored only as its hash;
or those links revoked.
"""

from __future__ import annotations

import csv
import io
from dataclasses import dataclass
from pathlib import Path

from leaflet.errors import InputError
from leaflet.model import Ward
from leaflet.runs.access import ROLES, new_secret, secret_sha256
from leaflet.runs.files import write_atomically
from leaflet.runs.manifest import spreadsheet_safe
from leaflet.runs.prepare import load
from leaflet.runs.storage import Storage

DEFAULT_URL = "http://127.0.0.1:8000"


@dataclass(frozen=True)
class Link:
    ward: Ward | None  # None: every ward
    role: str
    name: str
    url: str


def _base_url(url: str) -> str:
    url = url.rstrip("/")
    if not url.startswith(("http://", "https://")):
        raise InputError(
            None, "--url", f"expected the server's address, e.g. https://leaflets.example.org, got {url!r}"
        )
    return url


def _role(role: str) -> str:
    if role not in ROLES:
        raise InputError(None, "--role", f"unknown role '{role}'", f"use {' or '.join(ROLES)}")
    return role


def invite(
    campaign_dir: Path, ward_codes: list[str] | None, role: str = "organiser", name: str = "", url: str = DEFAULT_URL
) -> list[Link]:
    """A new link per chosen ward (a reviewer's link with no ward opens every ward)."""
    _role(role)
    base = _base_url(url)
    campaigns, wards = load(campaign_dir, ward_codes=ward_codes or None, approved_local=False)
    if not ward_codes and role == "organiser":
        raise InputError(None, "--ward", "say which ward the organiser's link is for", "give --ward CODE, or --all")
    storage = Storage.for_campaign(campaigns[""].root)
    chosen: list[Ward | None] = list(wards) if ward_codes else [None]
    links = []
    for ward in chosen:
        secret = new_secret()
        who = name.strip() or (ward.fields.get("organiser", "") if ward and role == "organiser" else "")
        storage.add_invite(secret_sha256(secret), role, ward.code if ward else None, who)
        links.append(Link(ward, role, who, f"{base}/i/{secret}"))
    return links


def invite_all(campaign_dir: Path, out: Path, role: str = "organiser", url: str = DEFAULT_URL) -> list[Link]:
    """One link per ward, written to ``out`` as CSV for a mail merge (the links are secrets:
    the file is for sending, not for keeping)."""
    _role(role)
    _, wards = load(campaign_dir, approved_local=False)
    links = invite(campaign_dir, [ward.code for ward in wards], role, "", url)
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\r\n")
    writer.writerow(["code", "name", "organiser", "role", "link"])
    for link in links:
        assert link.ward is not None
        writer.writerow([spreadsheet_safe(v) for v in (link.ward.code, link.ward.name, link.name, link.role, link.url)])
    write_atomically(Path(out), ("\ufeff" + buffer.getvalue()).encode("utf-8"))
    return links


def revoke(campaign_dir: Path, ward_codes: list[str] | None, role: str | None = None) -> int:
    """Revoke the links (and sessions) of the chosen wards, or the every-ward links without."""
    if role is not None:
        _role(role)
    campaigns, wards = load(campaign_dir, ward_codes=ward_codes or None, approved_local=False)
    storage = Storage.for_campaign(campaigns[""].root)
    if not ward_codes:
        return storage.revoke(None, role)
    return sum(storage.revoke(ward.code, role) for ward in wards)
