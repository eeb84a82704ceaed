"""The local edits database's rows -> frozen dataclasses: invites and sessions, saved versions,
the events of review, uploads, sign-offs and kept preflights (``runs.storage`` reads and writes
them; everything else reads these)."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any


@dataclass(frozen=True)
class Invite:
    id: int
    role: str
    ward: str | None  # None: every ward
    name: str
    used: bool
    revoked: bool


@dataclass(frozen=True)
class Session:
    invite: Invite
    csrf_token: str
    expires_at: str


@dataclass(frozen=True)
class Version:
    ward: str
    number: int
    based_on: int
    applied: bool
    author: str
    created_at: str
    local_values: dict[str, Any]


@dataclass(frozen=True)
class Event:
    id: int
    at: str
    ward: str | None
    kind: str
    version: int | None
    actor: str
    role: str
    detail: dict[str, Any] = field(default_factory=dict)


@dataclass(frozen=True)
class Upload:
    sha256: str
    ward: str
    file: str
    width_px: int
    height_px: int


@dataclass(frozen=True)
class SignOff:
    """The agent's sign-off of a ward's print file: what it was made from, and its bytes."""

    ward: str
    version: int  # the local version signed off; 0: the campaign's own words
    inputs: dict[str, str]  # each input of the print file -> SHA-256 (``runs.digests``)
    print_sha256: str | None  # of the print file as leaflet build writes it; None: not known
    leaflet: str
    actor: str = ""
    role: str = ""
    at: str = ""  # "": when it is recorded


@dataclass(frozen=True)
class Check:
    """A ward's preflight, kept by the digest of its inputs (the same inputs, the same findings)."""

    errors: int
    warnings: int
    findings: tuple[tuple[str, str], ...]  # (severity, message)


@dataclass(frozen=True)
class Saved:
    """What became of a save: its version, and whether it is now the ward's latest."""

    version: Version
    latest: int  # the ward's latest applied version after the save
