"""A campaign's local edits database (SQLite, WAL) -> invites, sessions, every saved version of
every ward's local words and photos, uploads, and the events of review: the only module that
holds SQL.

The database lives in the campaign's folder (``local-edits/edits.db``, beside the re-encoded
photos in ``local-edits/photos/``), so the campaign folder is the whole state of a campaign.
Versions and events are append-only (triggers refuse an UPDATE or DELETE): a save is a new row
naming who, when, and the version it was based on; a save based on an older version than the
latest is kept too, marked as not applied, so two windows never lose each other's work.  The
schema is migrated forward in order (``MIGRATIONS``, counted in ``PRAGMA user_version``); the
rows come back as the dataclasses of ``runs.records``.  Sign-offs, like versions and events,
are never changed: a newer one, or a withdrawal, follows them.
"""

from __future__ import annotations

import hashlib
import json
import sqlite3
from collections.abc import Callable, Iterable, Iterator
from contextlib import contextmanager
from dataclasses import replace
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from leaflet.errors import InputError
from leaflet.runs.records import Check, Event, Invite, Saved, Session, SignOff, Upload, Version

FOLDER = "local-edits"
DATABASE = "edits.db"
PHOTOS = "photos"

MIGRATIONS: tuple[str, ...] = (
    """
    CREATE TABLE invites (
        id INTEGER PRIMARY KEY,
        token_sha256 TEXT NOT NULL UNIQUE,   -- the link's secret is never stored, only its hash
        role TEXT NOT NULL,
        ward TEXT,                           -- NULL: every ward
        name TEXT NOT NULL DEFAULT '',
        created_at TEXT NOT NULL,
        used_at TEXT,                        -- a link is exchanged once for a session
        revoked_at TEXT
    );
    CREATE TABLE sessions (
        id INTEGER PRIMARY KEY,
        session_sha256 TEXT NOT NULL UNIQUE,
        invite_id INTEGER NOT NULL REFERENCES invites(id),
        csrf_token TEXT NOT NULL,
        created_at TEXT NOT NULL,
        expires_at TEXT NOT NULL
    );
    CREATE TABLE versions (
        id INTEGER PRIMARY KEY,
        ward TEXT NOT NULL,
        number INTEGER NOT NULL,             -- 1, 2, ... per ward; 0 is the campaign's own words
        based_on INTEGER NOT NULL,           -- the version the edit started from
        applied INTEGER NOT NULL,            -- 0: based on an older version, kept but not applied
        author_invite INTEGER REFERENCES invites(id),
        author TEXT NOT NULL,
        created_at TEXT NOT NULL,
        local_values TEXT NOT NULL,          -- JSON: the ward's open slots, fields and photos
        UNIQUE (ward, number)
    );
    CREATE TABLE uploads (
        sha256 TEXT NOT NULL,                -- of the re-encoded file, its name in photos/
        ward TEXT NOT NULL,
        file TEXT NOT NULL,                  -- from the campaign's folder
        width_px INTEGER NOT NULL,
        height_px INTEGER NOT NULL,
        uploaded_by TEXT NOT NULL,
        created_at TEXT NOT NULL,
        PRIMARY KEY (sha256, ward)
    );
    CREATE TABLE events (
        id INTEGER PRIMARY KEY,
        at TEXT NOT NULL,
        ward TEXT,
        kind TEXT NOT NULL,                  -- save, submit, withdraw, approve, request-changes, ...
        version INTEGER,
        actor_invite INTEGER REFERENCES invites(id),
        actor TEXT NOT NULL,
        role TEXT NOT NULL,
        detail TEXT NOT NULL DEFAULT '{}'    -- JSON: a reviewer's comment, what was refused
    );
    CREATE INDEX events_by_ward ON events (ward, id);
    CREATE TRIGGER versions_append_only_u BEFORE UPDATE ON versions
        BEGIN SELECT RAISE(ABORT, 'saved versions are never changed'); END;
    CREATE TRIGGER versions_append_only_d BEFORE DELETE ON versions
        BEGIN SELECT RAISE(ABORT, 'saved versions are never deleted'); END;
    CREATE TRIGGER events_append_only_u BEFORE UPDATE ON events
        BEGIN SELECT RAISE(ABORT, 'the audit trail is never rewritten'); END;
    CREATE TRIGGER events_append_only_d BEFORE DELETE ON events
        BEGIN SELECT RAISE(ABORT, 'the audit trail is never rewritten'); END;
    """,
    """
    CREATE TABLE signoffs (
        event_id INTEGER PRIMARY KEY REFERENCES events(id),  -- the sign-off event: who, when
        ward TEXT NOT NULL,
        version INTEGER NOT NULL,            -- the local version signed off; 0: the campaign's own words
        inputs TEXT NOT NULL,                -- JSON: every input of the print file (as a person names it) -> SHA-256
        print_sha256 TEXT,                   -- of the print file as leaflet build writes it; NULL: not known
        leaflet TEXT NOT NULL                -- the leaflet version that drew it
    );
    CREATE INDEX signoffs_by_ward ON signoffs (ward, event_id);
    CREATE TABLE texts (
        sha256 TEXT PRIMARY KEY,             -- of the text: a signed-off input's words, to say what changed since
        text TEXT NOT NULL
    );
    CREATE TABLE checks (
        inputs_sha256 TEXT PRIMARY KEY,      -- a ward's inputs (and leaflet's version): its preflight follows from them
        errors INTEGER NOT NULL,
        warnings INTEGER NOT NULL,
        findings TEXT NOT NULL               -- JSON: [severity, message] for each finding
    );
    CREATE INDEX events_by_kind ON events (kind, ward, id);
    CREATE TRIGGER signoffs_append_only_u BEFORE UPDATE ON signoffs
        BEGIN SELECT RAISE(ABORT, 'sign-offs are never changed'); END;
    CREATE TRIGGER signoffs_append_only_d BEFORE DELETE ON signoffs
        BEGIN SELECT RAISE(ABORT, 'sign-offs are never deleted'); END;
    CREATE TRIGGER texts_append_only_u BEFORE UPDATE ON texts
        BEGIN SELECT RAISE(ABORT, 'kept texts are never changed'); END;
    CREATE TRIGGER texts_append_only_d BEFORE DELETE ON texts
        BEGIN SELECT RAISE(ABORT, 'kept texts are never deleted'); END;
    """,
)

WORKFLOW_EVENTS = ("submit", "withdraw", "approve", "request-changes")  # what moves a ward's state
SIGN_OFF_EVENTS = ("sign-off", "withdraw-sign-off")  # the agent's: the print run needs a current sign-off


def now_utc() -> str:
    return datetime.now(UTC).isoformat(timespec="microseconds")


def database_path(campaign_root: Path) -> Path:
    return Path(campaign_root) / FOLDER / DATABASE


def photos_folder(campaign_root: Path) -> Path:
    return Path(campaign_root) / FOLDER / PHOTOS


class Storage:
    """One campaign's database.  Every method opens its own connection, so a Storage may be used
    from any thread, and several server processes may share the file (WAL)."""

    def __init__(self, path: Path, clock: Callable[[], str] = now_utc):
        self.path = Path(path)
        self.clock = clock
        folder = self.path.parent
        try:
            if not folder.is_dir():
                folder.mkdir(parents=True)
                (folder / ".gitignore").write_text(
                    "# leaflet serve's database and photos: back them up, do not commit\n*\n"
                )
            with self._connect() as db:
                db.execute("PRAGMA journal_mode=WAL")
                self._migrate(db)
        except sqlite3.Error as error:
            raise InputError(self.path, None, f"cannot open the local edits database ({error})") from None
        except OSError as error:
            raise InputError(folder, None, f"cannot create the local edits folder ({error.strerror})") from None

    @classmethod
    def for_campaign(cls, campaign_root: Path, clock: Callable[[], str] = now_utc) -> Storage:
        return cls(database_path(campaign_root), clock)

    @contextmanager
    def _connect(self) -> Iterator[sqlite3.Connection]:
        db = sqlite3.connect(self.path, timeout=15, isolation_level=None)
        try:
            db.execute("PRAGMA foreign_keys=ON")
            db.execute("PRAGMA synchronous=NORMAL")  # WAL: a crash loses no committed row
            yield db
        finally:
            db.close()

    @contextmanager
    def _write(self) -> Iterator[sqlite3.Connection]:
        """A write transaction, taken at once (BEGIN IMMEDIATE): checks and writes see one state."""
        with self._connect() as db:
            db.execute("BEGIN IMMEDIATE")
            try:
                yield db
            except BaseException:
                db.execute("ROLLBACK")
                raise
            db.execute("COMMIT")

    def _migrate(self, db: sqlite3.Connection) -> None:
        db.execute("BEGIN IMMEDIATE")
        try:
            have = db.execute("PRAGMA user_version").fetchone()[0]
            if have > len(MIGRATIONS):
                raise InputError(
                    self.path, None, f"made by a newer leaflet (schema {have})", "upgrade leaflet to use it"
                )
            for number in range(have, len(MIGRATIONS)):
                for statement in _statements(MIGRATIONS[number]):
                    db.execute(statement)
                db.execute(f"PRAGMA user_version={number + 1}")
        except BaseException:
            db.execute("ROLLBACK")
            raise
        db.execute("COMMIT")

    # ------------------------------------------------------------ invites and sessions

    def add_invite(self, token_sha256: str, role: str, ward: str | None, name: str) -> int:
        with self._write() as db:
            cursor = db.execute(
                "INSERT INTO invites (token_sha256, role, ward, name, created_at) VALUES (?, ?, ?, ?, ?)",
                (token_sha256, role, ward, name, self.clock()),
            )
            invite_id = int(cursor.lastrowid or 0)
            self._event(db, ward, "invite", None, None, "campaign team", "campaign", {"role": role, "name": name})
        return invite_id

    def revoke(self, ward: str | None, role: str | None = None) -> int:
        """Revoke every link (and so every session) of a ward, or of the every-ward links with
        ``ward`` None; only of ``role`` when given.  Returns how many were revoked."""
        with self._write() as db:
            cursor = db.execute(
                "UPDATE invites SET revoked_at = ? WHERE revoked_at IS NULL AND ward IS ? AND (? IS NULL OR role = ?)",
                (self.clock(), ward, role, role),
            )
            self._event(db, ward, "revoke", None, None, "campaign team", "campaign", {"role": role or "every role"})
            return cursor.rowcount

    def invite(self, token_sha256: str) -> Invite | None:
        with self._connect() as db:
            row = db.execute(f"SELECT {_INVITE} FROM invites WHERE token_sha256 = ?", (token_sha256,)).fetchone()
        return _invite(row) if row else None

    def start_session(self, token_sha256: str, session_sha256: str, csrf_token: str, expires_at: str) -> Invite | None:
        """Exchange an unused, unrevoked link for a session; None when it cannot be."""
        with self._write() as db:
            row = db.execute(
                f"SELECT {_INVITE} FROM invites WHERE token_sha256 = ? AND used_at IS NULL AND revoked_at IS NULL",
                (token_sha256,),
            ).fetchone()
            if row is None:
                return None
            invite = _invite(row)
            at = self.clock()
            db.execute("UPDATE invites SET used_at = ? WHERE id = ?", (at, invite.id))
            db.execute(
                "INSERT INTO sessions (session_sha256, invite_id, csrf_token, created_at, expires_at) "
                "VALUES (?, ?, ?, ?, ?)",
                (session_sha256, invite.id, csrf_token, at, expires_at),
            )
            self._event(db, invite.ward, "sign-in", None, invite.id, invite.name, invite.role, {})
        return invite

    def session(self, session_sha256: str) -> Session | None:
        """The live session with this hash: not expired, its link not revoked."""
        with self._connect() as db:
            row = db.execute(
                f"SELECT {_INVITE_I}, s.csrf_token, s.expires_at FROM sessions s "
                "JOIN invites i ON i.id = s.invite_id WHERE s.session_sha256 = ? AND i.revoked_at IS NULL "
                "AND s.expires_at > ?",
                (session_sha256, self.clock()),
            ).fetchone()
        return Session(_invite(row[:6]), row[6], row[7]) if row else None

    def invites(self) -> list[Invite]:
        with self._connect() as db:
            return [_invite(row) for row in db.execute(f"SELECT {_INVITE} FROM invites ORDER BY id")]

    # ------------------------------------------------------------ versions

    def versions(self, ward: str) -> list[Version]:
        """Every saved version of the ward, oldest first, applied or not."""
        with self._connect() as db:
            rows = db.execute(f"SELECT {_VERSION} FROM versions WHERE ward = ? ORDER BY number", (ward,)).fetchall()
        return [_version(row) for row in rows]

    def all_versions(self) -> list[Version]:
        with self._connect() as db:
            return [_version(row) for row in db.execute(f"SELECT {_VERSION} FROM versions ORDER BY ward, number")]

    def version(self, ward: str, number: int) -> Version | None:
        with self._connect() as db:
            row = db.execute(
                f"SELECT {_VERSION} FROM versions WHERE ward = ? AND number = ?", (ward, number)
            ).fetchone()
        return _version(row) if row else None

    def latest(self, ward: str) -> Version | None:
        """The ward's latest applied version; None while it has none (the campaign's words)."""
        with self._connect() as db:
            return self._latest(db, ward)

    def _latest(self, db: sqlite3.Connection, ward: str) -> Version | None:
        row = db.execute(
            f"SELECT {_VERSION} FROM versions WHERE ward = ? AND applied = 1 ORDER BY number DESC LIMIT 1", (ward,)
        ).fetchone()
        return _version(row) if row else None

    def save(
        self,
        ward: str,
        local_values: dict[str, Any],
        based_on: int,
        author: str,
        author_invite: int | None,
        role: str,
        kind: str = "save",
        allowed: Callable[[Event | None], str | None] = lambda event: None,
    ) -> Saved:
        """Save a new version.  It becomes the ward's latest only if ``based_on`` is the latest;
        otherwise it is kept, not applied ("changed elsewhere"), and nothing is lost either way.
        ``allowed`` is asked, inside the transaction, about the ward's last workflow event: a
        reason it returns refuses the save with a ValueError."""
        encoded = json.dumps(local_values, sort_keys=True, ensure_ascii=False)
        with self._write() as db:
            reason = allowed(self._workflow_event(db, ward))
            if reason:
                raise ValueError(reason)
            latest = self._latest(db, ward)
            latest_number = latest.number if latest else 0
            applied = based_on == latest_number
            if applied and latest is not None and _same(latest.local_values, local_values):
                return Saved(latest, latest_number)  # nothing changed: no new version
            number = db.execute("SELECT COALESCE(MAX(number), 0) + 1 FROM versions WHERE ward = ?", (ward,)).fetchone()[
                0
            ]
            at = self.clock()
            db.execute(
                "INSERT INTO versions (ward, number, based_on, applied, author_invite, author, created_at, "
                "local_values) VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
                (ward, number, based_on, int(applied), author_invite, author, at, encoded),
            )
            detail = {} if applied else {"not applied": f"based on version {based_on}, latest is {latest_number}"}
            self._event(db, ward, kind if applied else "save-refused", number, author_invite, author, role, detail)
            version = Version(ward, number, based_on, applied, author, at, json.loads(encoded))
            return Saved(version, number if applied else latest_number)

    # ------------------------------------------------------------ review

    def record(
        self,
        ward: str,
        kind: str,
        version: int | None,
        actor: str,
        actor_invite: int | None,
        role: str,
        detail: dict[str, Any] | None = None,
        expect: Callable[[Event | None, int], str | None] = lambda event, latest: None,
    ) -> Event:
        """Append an event.  ``expect`` is asked, inside the transaction, about the ward's last
        workflow event and latest version number: a reason it returns refuses with a ValueError."""
        with self._write() as db:
            latest = self._latest(db, ward)
            reason = expect(self._workflow_event(db, ward), latest.number if latest else 0)
            if reason:
                raise ValueError(reason)
            return self._event(db, ward, kind, version, actor_invite, actor, role, detail or {})

    def _event(self, db, ward, kind, version, actor_invite, actor, role, detail, at: str = "") -> Event:
        at = at or self.clock()
        encoded = json.dumps(detail, sort_keys=True, ensure_ascii=False)
        cursor = db.execute(
            "INSERT INTO events (at, ward, kind, version, actor_invite, actor, role, detail) "
            "VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
            (at, ward, kind, version, actor_invite, actor, role, encoded),
        )
        return Event(int(cursor.lastrowid or 0), at, ward, kind, version, actor, role, dict(detail))

    def _workflow_event(self, db: sqlite3.Connection, ward: str) -> Event | None:
        row = db.execute(
            f"SELECT {_EVENT} FROM events WHERE ward = ? AND kind IN ({','.join('?' * len(WORKFLOW_EVENTS))}) "
            "ORDER BY id DESC LIMIT 1",
            (ward, *WORKFLOW_EVENTS),
        ).fetchone()
        return _event(row) if row else None

    def events(self, ward: str | None = None) -> list[Event]:
        """The audit trail, oldest first: of one ward, or of the whole campaign."""
        query = f"SELECT {_EVENT} FROM events" + (" WHERE ward = ?" if ward is not None else "") + " ORDER BY id"
        with self._connect() as db:
            return [_event(row) for row in db.execute(query, (ward,) if ward is not None else ())]

    def last_workflow_events(self) -> dict[str, Event]:
        """Each ward's latest workflow event (submit, withdraw, approve, request changes)."""
        with self._connect() as db:
            rows = db.execute(
                f"SELECT {_EVENT} FROM events WHERE id IN (SELECT MAX(id) FROM events WHERE kind IN "
                f"({','.join('?' * len(WORKFLOW_EVENTS))}) GROUP BY ward)",
                WORKFLOW_EVENTS,
            ).fetchall()
        return {event.ward: event for event in map(_event, rows) if event.ward is not None}

    def latest_numbers(self) -> dict[str, int]:
        """Each ward's latest applied version number, for wards that have one."""
        with self._connect() as db:
            rows = db.execute("SELECT ward, MAX(number) FROM versions WHERE applied = 1 GROUP BY ward").fetchall()
        return dict(rows)

    def approved(self) -> dict[str, Version]:
        """Each ward's most recently approved version: what leaflet build prints."""
        with self._connect() as db:
            rows = db.execute(
                f"SELECT {_VERSION_V} FROM versions v JOIN events e ON e.ward = v.ward AND "
                "e.version = v.number WHERE e.id IN (SELECT MAX(id) FROM events WHERE kind = 'approve' GROUP BY ward)"
            ).fetchall()
        return {version.ward: version for version in map(_version, rows)}

    def events_of_kind(self, kind: str) -> list[Event]:
        with self._connect() as db:
            rows = db.execute(f"SELECT {_EVENT} FROM events WHERE kind = ? ORDER BY id", (kind,)).fetchall()
        return [_event(row) for row in rows]

    # ------------------------------------------------------------ sign-off (the agent's)

    def sign_off(
        self,
        records: list[SignOff],
        actor_invite: int | None = None,
        detail: dict[str, Any] | None = None,
        expect: Callable[[SignOff, Event | None, int], str | None] = lambda record, event, approved: None,
        also: tuple[str, dict[str, Any]] | None = None,
    ) -> tuple[list[SignOff], dict[str, str]]:
        """Record sign-offs in one transaction; what each names (who, when) comes with it.
        ``expect`` is asked, inside the transaction, about each one with its ward's last workflow
        event and approved version's number: a reason it returns leaves that ward out, with the
        reason.  ``also``: a campaign event (kind, detail) recorded in the same transaction."""
        signed, refused = [], {}
        with self._write() as db:
            for record in records:
                row = db.execute(
                    "SELECT version FROM events WHERE ward = ? AND kind = 'approve' ORDER BY id DESC LIMIT 1",
                    (record.ward,),
                ).fetchone()
                reason = expect(record, self._workflow_event(db, record.ward), int(row[0]) if row else 0)
                if reason:
                    refused[record.ward] = reason
                    continue
                inputs = json.dumps(record.inputs, sort_keys=True, ensure_ascii=False)
                digests = {
                    "inputs_sha256": hashlib.sha256(inputs.encode("utf-8")).hexdigest(),
                    "print_sha256": record.print_sha256,
                }
                event = self._event(
                    db,
                    record.ward,
                    "sign-off",
                    record.version,
                    actor_invite,
                    record.actor,
                    record.role,
                    {**(detail or {}), **digests},
                    record.at,
                )
                db.execute(
                    "INSERT INTO signoffs (event_id, ward, version, inputs, print_sha256, leaflet) "
                    "VALUES (?, ?, ?, ?, ?, ?)",
                    (event.id, record.ward, record.version, inputs, record.print_sha256, record.leaflet),
                )
                signed.append(replace(record, at=event.at))
            if also:
                self._event(db, None, also[0], None, None, "campaign team", "campaign", also[1])
        return signed, refused

    def withdraw_sign_off(self, ward: str, actor: str, actor_invite: int | None, role: str, comment: str) -> Event:
        with self._write() as db:
            row = db.execute(
                f"SELECT kind FROM events WHERE ward = ? AND kind IN ({','.join('?' * len(SIGN_OFF_EVENTS))}) "
                "ORDER BY id DESC LIMIT 1",
                (ward, *SIGN_OFF_EVENTS),
            ).fetchone()
            if row is None or row[0] != "sign-off":
                raise ValueError("not signed off")
            return self._event(db, ward, "withdraw-sign-off", None, actor_invite, actor, role, {"comment": comment})

    def signoffs(self) -> dict[str, SignOff]:
        """Each ward's sign-off, unless withdrawn since (whether its inputs still match is the
        caller's to say: ``runs.signoff``)."""
        with self._connect() as db:
            rows = db.execute(
                "SELECT s.ward, s.version, s.inputs, s.print_sha256, s.leaflet, e.actor, e.role, e.at "
                "FROM signoffs s JOIN events e ON e.id = s.event_id WHERE s.event_id IN "
                f"(SELECT MAX(id) FROM events WHERE kind IN ({','.join('?' * len(SIGN_OFF_EVENTS))}) GROUP BY ward)",
                SIGN_OFF_EVENTS,
            ).fetchall()
        return {row[0]: SignOff(row[0], int(row[1]), json.loads(row[2]), *row[3:]) for row in rows}

    def keep_texts(self, texts: dict[str, str]) -> None:
        """Keep texts by their SHA-256 (given): the words a sign-off saw, to say later what changed."""
        with self._write() as db:
            db.executemany("INSERT OR IGNORE INTO texts (sha256, text) VALUES (?, ?)", texts.items())

    def texts(self, digests: Iterable[str]) -> dict[str, str]:
        found: dict[str, str] = {}
        with self._connect() as db:
            for chunk in _chunks(sorted(set(digests))):
                query = f"SELECT sha256, text FROM texts WHERE sha256 IN ({','.join('?' * len(chunk))})"
                found.update(db.execute(query, chunk).fetchall())
        return found

    # ------------------------------------------------------------ preflight kept, and builds

    def keep_checks(self, checks: dict[str, Check]) -> None:
        with self._write() as db:
            db.executemany(
                "INSERT OR REPLACE INTO checks (inputs_sha256, errors, warnings, findings) VALUES (?, ?, ?, ?)",
                [
                    (key, check.errors, check.warnings, json.dumps(check.findings, ensure_ascii=False))
                    for key, check in checks.items()
                ],
            )

    def checks(self, keys: Iterable[str]) -> dict[str, Check]:
        found = {}
        with self._connect() as db:
            for chunk in _chunks(sorted(set(keys))):
                query = (
                    "SELECT inputs_sha256, errors, warnings, findings FROM checks "
                    f"WHERE inputs_sha256 IN ({','.join('?' * len(chunk))})"
                )
                for key, errors, warnings, findings in db.execute(query, chunk):
                    found[key] = Check(errors, warnings, tuple(tuple(item) for item in json.loads(findings)))
        return found

    def record_build(self, wards: dict[str, dict[str, Any]], summary: dict[str, Any], actor: str) -> None:
        """A build in the audit trail: an event for each ward it printed (its file and SHA-256),
        and one for the build."""
        with self._write() as db:
            for ward, detail in wards.items():
                self._event(db, ward, "build", None, None, actor, "campaign", detail)
            self._event(db, None, "build", None, None, actor, "campaign", summary)

    # ------------------------------------------------------------ uploads

    def add_upload(self, upload: Upload, uploaded_by: str, actor_invite: int | None, role: str) -> None:
        with self._write() as db:
            db.execute(
                "INSERT OR IGNORE INTO uploads (sha256, ward, file, width_px, height_px, uploaded_by, created_at) "
                "VALUES (?, ?, ?, ?, ?, ?, ?)",
                (upload.sha256, upload.ward, upload.file, upload.width_px, upload.height_px, uploaded_by, self.clock()),
            )
            self._event(db, upload.ward, "upload", None, actor_invite, uploaded_by, role, {"photo": upload.sha256})

    def upload(self, sha256: str, ward: str) -> Upload | None:
        with self._connect() as db:
            row = db.execute(
                "SELECT sha256, ward, file, width_px, height_px FROM uploads WHERE sha256 = ? AND ward = ?",
                (sha256, ward),
            ).fetchone()
        return Upload(*row) if row else None


def read_approved(campaign_root: Path) -> dict[str, Version]:
    """Each ward's approved version, read without creating anything: none when the campaign has
    no local edits database (leaflet serve never ran for it)."""
    path = database_path(campaign_root)
    if not path.is_file():
        return {}
    return Storage(path).approved()


def _statements(script: str) -> list[str]:
    """A migration's statements (a trigger's body holds semicolons of its own)."""
    statements, current = [], ""
    for line in script.splitlines():
        current += line + "\n"
        if sqlite3.complete_statement(current):
            statements.append(current.strip())
            current = ""
    return [statement for statement in statements if statement.rstrip(";").strip()]


def _chunks(items: list[str], size: int = 500) -> Iterator[list[str]]:
    """Lists short enough to be bound as one IN (...) each."""
    for start in range(0, len(items), size):
        yield items[start : start + size]


def _same(a: dict[str, Any], b: dict[str, Any]) -> bool:
    return json.dumps(a, sort_keys=True) == json.dumps(b, sort_keys=True)


_INVITE = "id, role, ward, name, used_at IS NOT NULL, revoked_at IS NOT NULL"
_VERSION = "ward, number, based_on, applied, author, created_at, local_values"
_INVITE_I = ", ".join(f"i.{column}" for column in _INVITE.split(", "))
_VERSION_V = ", ".join(f"v.{column}" for column in _VERSION.split(", "))
_EVENT = "id, at, ward, kind, version, actor, role, detail"


def _invite(row) -> Invite:
    return Invite(int(row[0]), row[1], row[2], row[3], bool(row[4]), bool(row[5]))


def _version(row) -> Version:
    return Version(row[0], int(row[1]), int(row[2]), bool(row[3]), row[4], row[5], json.loads(row[6]))


def _event(row) -> Event:
    return Event(int(row[0]), row[1], row[2], row[3], row[4], row[5], row[6], json.loads(row[7]))
