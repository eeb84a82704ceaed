"""Forked workers: results in ward order, and every error reaches the parent."""

from __future__ import annotations

import multiprocessing
import subprocess
import sys
import time
from contextlib import contextmanager

import pytest
from leaflet.model import Ward
from leaflet.runs import parallel
from leaflet.runs.parallel import map_wards

from tests.conftest import ROOT

WARDS = [Ward(code, code, {"code": code, "name": code}, line) for line, code in enumerate("ABCDEFGH", start=2)]


class Unrebuildable(Exception):
    """Pickles, but cannot be unpickled: its __init__ wants two arguments, args holds one."""

    def __init__(self, code: str, reason: str):
        super().__init__(f"ward {code}: {reason}")


def code_or_fail(ward: Ward) -> str:
    if ward.code == "F":
        raise Unrebuildable(ward.code, "broken")
    return ward.code.lower()


def test_results_come_back_in_ward_order():
    assert list(map_wards(lambda ward: ward.code.lower(), WARDS, 2)) == list("abcdefgh")


def test_an_error_the_parent_cannot_rebuild_still_reaches_it_instead_of_hanging():
    script = (
        "from tests.runs.test_parallel import WARDS, code_or_fail; from leaflet.runs.parallel import map_wards; "
        "list(map_wards(code_or_fail, WARDS, 2))"
    )
    done = subprocess.run([sys.executable, "-c", script], cwd=ROOT, capture_output=True, text=True, timeout=60)
    assert done.returncode == 1
    assert "RuntimeError: Unrebuildable: ward F: broken" in done.stderr


STARTED = None  # a counter the forked workers share with the test


def counted(ward: Ward) -> str:
    with STARTED.get_lock():
        STARTED.value += 1
    return ward.code


def test_the_workers_stay_a_few_batches_ahead_of_a_slow_caller(monkeypatch):
    global STARTED
    STARTED = multiprocessing.get_context("fork").Value("i", 0)
    monkeypatch.setattr(parallel, "BATCH_CHUNKS", 2)  # batches of 2 jobs x 2 chunks x 8 wards = 32
    wards = [Ward(f"W{n:04d}", "x", {"code": f"W{n:04d}", "name": "x"}, n + 2) for n in range(600)]
    taken = []
    for code in map_wards(counted, wards, 2):
        taken.append(code)
        if len(taken) % 100 == 1:
            time.sleep(0.3)  # the caller writing to a slow disk: the workers could run far ahead
            assert STARTED.value <= len(taken) + 3 * 32
    assert taken == [ward.code for ward in wards]


class Chunked:
    """A task with a ``chunk()``: it marks each ward's work done only as the chunk ends."""

    def __init__(self, folder):
        self.folder = folder
        self.inside: list[str] | None = None

    @contextmanager
    def chunk(self):
        self.inside = []
        yield
        for code in self.inside:
            (self.folder / code).write_text("done", encoding="utf-8")
        self.inside = None

    def __call__(self, ward: Ward) -> str:
        assert self.inside is not None  # every ward inside a chunk
        self.inside.append(ward.code)
        return ward.code


def test_a_task_s_chunk_ends_before_its_results_reach_the_parent(tmp_path):
    wards = [Ward(f"W{n:04d}", "x", {"code": f"W{n:04d}", "name": "x"}, n + 2) for n in range(40)]
    taken = []
    for code in map_wards(Chunked(tmp_path), wards, 2):
        assert (tmp_path / code).read_text(encoding="utf-8") == "done"  # its chunk's end ran first
        taken.append(code)
    assert taken == [ward.code for ward in wards]


def _collector_state() -> tuple[tuple[int, int, int], int]:
    import gc

    return gc.get_threshold(), gc.get_freeze_count()


def test_wards_are_computed_with_the_set_up_frozen_and_young_objects_collected_less_often():
    before = _collector_state()
    seen = []

    def look(ward: Ward) -> str:
        seen.append(_collector_state())
        return ward.code

    for jobs in (1, 2):  # in this process, and around forked workers (their state is not seen here)
        seen.clear()
        assert list(map_wards(look, WARDS, jobs)) == [ward.code for ward in WARDS]
        if jobs == 1:
            ((threshold, frozen), *_) = seen
            assert threshold[0] == parallel.YOUNG_COLLECTION_EVERY
            assert frozen > 0  # the objects made before the wards: the set-up
        assert _collector_state() == before  # as it was, once the wards are done


def test_the_collector_is_as_it_was_when_a_ward_fails():
    before = _collector_state()
    with pytest.raises(Unrebuildable):
        list(map_wards(code_or_fail, WARDS, 1))
    assert _collector_state() == before
