"""The local edits database: its schema migrated once, saves that never lose work, an audit trail
that cannot be rewritten, links exchanged once, sessions that end with their link."""

from __future__ import annotations

import itertools
import sqlite3
import threading

import pytest
from leaflet.errors import InputError
from leaflet.runs.storage import MIGRATIONS, Check, SignOff, Storage, database_path


@pytest.fixture()
def storage(tmp_path):
    return Storage.for_campaign(tmp_path)


def test_the_database_is_made_in_wal_mode_in_a_self_ignoring_folder(tmp_path, storage):
    path = database_path(tmp_path)
    assert path.is_file() and (path.parent / ".gitignore").read_text().splitlines()[-1] == "*"
    with sqlite3.connect(path) as db:
        assert db.execute("PRAGMA journal_mode").fetchone()[0] == "wal"
        assert db.execute("PRAGMA user_version").fetchone()[0] == len(MIGRATIONS)
    Storage(path)  # opened again: nothing to migrate


def test_a_database_from_a_newer_leaflet_is_refused(tmp_path, storage):
    with sqlite3.connect(database_path(tmp_path)) as db:
        db.execute(f"PRAGMA user_version={len(MIGRATIONS) + 1}")
    with pytest.raises(InputError, match="made by a newer leaflet"):
        Storage.for_campaign(tmp_path)


def test_every_save_is_a_new_version_and_an_unchanged_one_is_not(storage):
    first = storage.save("W1", {"slots": {"a": "one"}}, 0, "Ann", None, "organiser")
    assert (first.version.number, first.version.applied, first.latest) == (1, True, 1)
    again = storage.save("W1", {"slots": {"a": "one"}}, 1, "Ann", None, "organiser")
    assert again.version.number == 1
    second = storage.save("W1", {"slots": {"a": "two"}}, 1, "Ann", None, "organiser")
    assert second.latest == 2 and storage.latest("W1").local_values == {"slots": {"a": "two"}}
    assert [v.number for v in storage.versions("W1")] == [1, 2]
    assert storage.latest("W2") is None


def test_a_save_based_on_an_older_version_is_kept_but_not_applied(storage):
    storage.save("W1", {"v": "start"}, 0, "Ann", None, "organiser")
    window_a = storage.save("W1", {"v": "from window A"}, 1, "Ann", None, "organiser")
    window_b = storage.save("W1", {"v": "from window B"}, 1, "Ann", None, "organiser")
    assert window_a.version.applied and not window_b.version.applied
    assert window_b.latest == 2 and storage.latest("W1").local_values == {"v": "from window A"}
    kept = {v.number: (v.local_values["v"], v.applied) for v in storage.versions("W1")}
    assert kept == {1: ("start", True), 2: ("from window A", True), 3: ("from window B", False)}
    assert [e.kind for e in storage.events("W1")] == ["save", "save", "save-refused"]


def test_concurrent_saves_from_many_threads_lose_nothing(storage):
    def save(worker: int) -> None:
        for step in range(10):
            latest = storage.latest("W1")
            storage.save("W1", {"w": worker, "s": step}, latest.number if latest else 0, f"w{worker}", None, "x")

    threads = [threading.Thread(target=save, args=(worker,)) for worker in range(6)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    versions = storage.versions("W1")
    assert len(versions) == 60 and [v.number for v in versions] == list(range(1, 61))
    applied = [v for v in versions if v.applied]
    assert all(v.based_on == previous.number for previous, v in itertools.pairwise(applied))


def test_versions_and_events_cannot_be_rewritten(tmp_path, storage):
    storage.save("W1", {"v": 1}, 0, "Ann", None, "organiser")
    with sqlite3.connect(database_path(tmp_path)) as db:
        for statement in ("UPDATE versions SET author = 'Eve'", "DELETE FROM versions", "DELETE FROM events"):
            with pytest.raises(sqlite3.DatabaseError, match="never"):
                db.execute(statement)


def test_a_link_is_exchanged_once_and_revoking_ends_its_sessions(storage):
    storage.add_invite("t" * 64, "organiser", "W1", "Ann")
    assert storage.invite("t" * 64).ward == "W1"
    invite = storage.start_session("t" * 64, "s" * 64, "csrf", "2999-01-01")
    assert invite is not None and invite.role == "organiser"
    assert storage.start_session("t" * 64, "u" * 64, "csrf", "2999-01-01") is None  # used already
    assert storage.session("s" * 64).csrf_token == "csrf"
    assert storage.session("u" * 64) is None
    assert storage.revoke("W2") == 0 and storage.revoke("W1", "reviewer") == 0
    assert storage.revoke("W1") == 1
    assert storage.session("s" * 64) is None


def test_an_expired_session_is_no_session(storage):
    storage.add_invite("t" * 64, "reviewer", None, "Rev")
    storage.start_session("t" * 64, "s" * 64, "csrf", "2000-01-01")
    assert storage.session("s" * 64) is None


def test_workflow_events_are_checked_inside_their_transaction(storage):
    storage.save("W1", {"v": 1}, 0, "Ann", None, "organiser")
    storage.record("W1", "submit", 1, "Ann", None, "organiser")
    with pytest.raises(ValueError, match="already"):
        storage.record(
            "W1", "submit", 1, "Ann", None, "organiser", expect=lambda event, latest: event and "already submitted"
        )
    storage.record("W1", "approve", 1, "Rev", None, "reviewer", {"comment": ""})
    assert storage.approved()["W1"].number == 1
    assert storage.last_workflow_events()["W1"].kind == "approve"
    with pytest.raises(ValueError, match="approve"):
        storage.save("W1", {"v": 2}, 1, "Ann", None, "organiser", allowed=lambda event: event and event.kind)


def test_a_database_of_the_first_schema_is_migrated_forward_with_its_rows(tmp_path):
    path = database_path(tmp_path)
    path.parent.mkdir()
    with sqlite3.connect(path) as db:
        db.executescript(MIGRATIONS[0])
        db.execute("PRAGMA user_version=1")
        db.execute(
            "INSERT INTO versions (ward, number, based_on, applied, author, created_at, local_values) "
            "VALUES ('W1', 1, 0, 1, 'Ann', '2026-01-01', '{}')"
        )
    storage = Storage(path)
    assert storage.latest("W1").author == "Ann" and storage.signoffs() == {}
    with sqlite3.connect(path) as db:
        assert db.execute("PRAGMA user_version").fetchone()[0] == len(MIGRATIONS) >= 2


def _signoff(ward: str = "W1", version: int = 0, **more) -> SignOff:
    return SignOff(ward, version, {"ward row": "a" * 64}, "b" * 64, "0.1", "Sam", "agent", **more)


def test_sign_offs_are_append_only_and_checked_inside_their_transaction(tmp_path, storage):
    storage.save("W2", {"v": 1}, 0, "Ann", None, "organiser")
    storage.record("W2", "submit", 1, "Ann", None, "organiser")
    signed, refused = storage.sign_off(
        [_signoff("W1"), _signoff("W2")],
        expect=lambda record, event, approved: "awaits review" if event and event.kind == "submit" else None,
    )
    assert [record.ward for record in signed] == ["W1"] and refused == {"W2": "awaits review"}
    assert signed[0].at and storage.signoffs()["W1"].print_sha256 == "b" * 64
    event = storage.events("W1")[-1]
    assert (
        event.kind == "sign-off"
        and event.detail["print_sha256"] == "b" * 64
        and len(event.detail["inputs_sha256"]) == 64
    )
    storage.keep_texts({"d": "words"})
    with sqlite3.connect(database_path(tmp_path)) as db:
        for statement in ("UPDATE signoffs SET print_sha256 = 'x'", "DELETE FROM signoffs", "DELETE FROM texts"):
            with pytest.raises(sqlite3.DatabaseError, match="never"):
                db.execute(statement)


def test_a_migrated_sign_off_keeps_its_own_time(storage):
    storage.sign_off([_signoff(at="2024-05-01T12:00:00+00:00")], also=("migrate-approvals", {"wards": 1}))
    assert storage.signoffs()["W1"].at == "2024-05-01T12:00:00+00:00"
    assert [e.kind for e in storage.events()] == ["sign-off", "migrate-approvals"]


def test_texts_and_checks_are_kept_by_their_digest(storage):
    storage.keep_texts({"d1": "one", "d2": "two"})
    storage.keep_texts({"d1": "not again"})
    assert storage.texts(["d1", "d3"]) == {"d1": "one"}
    storage.keep_checks({"k1": Check(1, 0, (("error", "too long"),))})
    assert storage.checks(["k1", "k2"]) == {"k1": Check(1, 0, (("error", "too long"),))}
    assert len(storage.checks(f"k{i}" for i in range(1200))) == 1  # many keys at once


def test_a_build_is_recorded_for_each_ward_and_as_a_whole(storage):
    storage.record_build({"W1": {"file": "w1.pdf", "sha256": "c" * 64}}, {"printed": 1}, "sam")
    assert [(e.ward, e.kind, e.actor, e.role) for e in storage.events()] == [
        ("W1", "build", "sam", "campaign"),
        (None, "build", "sam", "campaign"),
    ]
