"""An invite (a role, and one ward or every ward) + an action on a ward -> allowed or not; and
the secrets of links and sessions, which are stored only as their SHA-256.

Roles are data: what each may do is a set of actions, so a new role is a new entry here, not a
new branch in the web app.  The web app asks ``allowed`` for every request, in one place.
"""

from __future__ import annotations

import hashlib
import hmac
import secrets

from leaflet.runs.storage import Invite

ROLES: dict[str, frozenset[str]] = {
    "organiser": frozenset({"view", "edit", "submit", "comment"}),  # one ward's local words and photos
    "reviewer": frozenset({"view", "queue", "review", "comment"}),  # approves or sends back what organisers submit
    # the election agent: may do what a reviewer does, and gives the sign-off the print run needs
    "agent": frozenset({"view", "queue", "review", "comment", "sign-off", "audit"}),
}
ACTIONS = frozenset().union(*ROLES.values())
TOKEN_BYTES = 32  # 256 bits: unguessable, and safe to keep only as a hash


def allowed(invite: Invite, action: str, ward: str | None) -> bool:
    """Whether the holder of ``invite`` may do ``action`` to ``ward`` (None: no ward in particular,
    e.g. a reviewer's list of submissions)."""
    if invite.revoked or action not in ROLES.get(invite.role, frozenset()):
        return False
    return invite.ward is None or invite.ward == ward


def new_secret() -> str:
    return secrets.token_urlsafe(TOKEN_BYTES)


def secret_sha256(secret: str) -> str:
    return hashlib.sha256(secret.encode("utf-8")).hexdigest()


def same_secret(given: str | None, expected: str) -> bool:
    return given is not None and hmac.compare_digest(given.encode("utf-8"), expected.encode("utf-8"))
