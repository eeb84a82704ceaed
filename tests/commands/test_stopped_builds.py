"""A build stopped midway (Ctrl-C, SIGTERM, or killed outright with its workers orphaned): no
worker lingers or writes on, no file is cut short, the print order says what was done when the
build could say it, and the next build recovers."""

from __future__ import annotations

import multiprocessing
import signal
import subprocess
import sys
import time
from pathlib import Path

import pypdf
import pytest
from leaflet.runs import parallel
from leaflet.runs.files import process_running

from tests.conftest import ROOT, assert_print_folder_is_true, write_many_wards


def _start(campaign_dir, out, jobs):
    command = [sys.executable, "-m", "leaflet", "build", str(campaign_dir), "--out", str(out), "-j", str(jobs), "-q"]
    return subprocess.Popen(command, cwd=ROOT, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)


def _children(pid: int) -> list[int]:
    try:
        return [int(child) for child in Path(f"/proc/{pid}/task/{pid}/children").read_text().split()]
    except OSError:
        return []


def _wait_until(condition, process, seconds=60):
    deadline = time.monotonic() + seconds
    while not condition():
        assert process.poll() is None, "the build ended before it could be stopped"
        assert time.monotonic() < deadline
        time.sleep(0.01)


def _no_pdf_cut_short(out):
    for path in out.glob("*.pdf"):
        assert path.read_bytes().rstrip().endswith(b"%%EOF"), path.name
        assert len(pypdf.PdfReader(path).pages) == 2


def test_a_killed_build_leaves_no_worker_and_no_half_file_and_the_next_build_recovers(campaign_copy, tmp_path):
    write_many_wards(campaign_copy, 400)
    out = tmp_path / "out"
    process = _start(campaign_copy, out, 2)
    _wait_until(lambda: len(_children(process.pid)) == 2 and len(list(out.glob("*.pdf"))) >= 10, process)
    workers = _children(process.pid)
    process.send_signal(signal.SIGKILL)
    process.communicate(timeout=60)
    deadline = time.monotonic() + 10
    while any(map(process_running, workers)):
        assert time.monotonic() < deadline, "a worker outlived its build"
        time.sleep(0.01)
    written = len(list(out.glob("*.pdf")))
    time.sleep(0.5)
    assert len(list(out.glob("*.pdf"))) == written  # nothing writes on
    _no_pdf_cut_short(out)
    left = {int(path.name.rsplit(".", 2)[-2].split("-")[0]) for path in out.glob(".*.part")}
    assert left <= {process.pid, *workers}  # what the build was writing when it was killed
    write_many_wards(campaign_copy, 30)  # the spreadsheet is cut down meanwhile: the rest are moved aside
    again = _start(campaign_copy, out, 2)
    _, err = again.communicate(timeout=120)
    assert again.returncode == 0, err
    assert len(assert_print_folder_is_true(out)["wards"]) == 30
    assert not list(out.glob(".*.part"))


@pytest.mark.parametrize(
    ("stop", "code", "said"), [(signal.SIGINT, 130, "interrupted"), (signal.SIGTERM, 143, "stopped (SIGTERM)")]
)
def test_a_stopped_build_writes_a_print_order_that_says_what_was_done(campaign_copy, tmp_path, stop, code, said):
    write_many_wards(campaign_copy, 400)
    out = tmp_path / "out"
    process = _start(campaign_copy, out, 2)
    _wait_until(lambda: len(list(out.glob("*.pdf"))) >= 40, process)  # some chunks of wards are back
    process.send_signal(stop)
    _, err = process.communicate(timeout=60)
    assert process.returncode == code
    assert err == f"leaflet: {said}; files already written are complete, none is half-written\n"
    document = assert_print_folder_is_true(out)
    statuses = [row["status"] for row in document["wards"]]
    assert statuses.count("built") >= 1 and "not built" in statuses and len(statuses) == 400
    reasons = {row["reason"] for row in document["wards"] if row["status"] == "not built"}
    assert reasons == {"the build stopped before this ward"}
    for path in (out / "not-for-print").glob("*.pdf"):  # finished as the build stopped, but not recorded
        assert f"{path.name}: ward {path.name[:6]} not built: the build stopped before this ward" in (
            out / "not-for-print" / "README.txt"
        ).read_text(encoding="utf-8")


def _orphan() -> None:
    parallel.watch_parent(parent=-1)  # never this process's parent: as if it had ended
    time.sleep(10)


def test_where_the_kernel_cannot_end_it_a_worker_watches_for_its_parents_end():
    child = multiprocessing.get_context("fork").Process(target=_orphan)
    child.start()
    child.join(timeout=5)
    assert child.exitcode == -signal.SIGKILL
