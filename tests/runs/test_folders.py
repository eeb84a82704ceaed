"""One run per folder: a second build (or proof) into a folder in use is refused at once,
naming who holds it; a lock left by a dead run is no obstacle; no run deletes another's
temporary files."""

from __future__ import annotations

import os
import re
import socket
import subprocess
import sys
import time

import pytest
from leaflet import build, proof
from leaflet.errors import InputError
from leaflet.runs.files import HOST_TAG, remove_partial_files
from leaflet.runs.folders import LOCK, folder_lock

from tests.conftest import DEMO, ROOT, assert_print_folder_is_true, write_many_wards

HOLDER = (
    r"{folder}: another leaflet {command} \(pid {pid} on {host}, started \d{{4}}-\d\d-\d\d \d\d:\d\d:\d\d UTC\) "
    r"is writing into this folder \(wait for it to finish, or choose another --out folder\)"
)


def _holder(folder, command="build", pid=None):
    return HOLDER.format(
        folder=re.escape(str(folder)), command=command, pid=pid or os.getpid(), host=re.escape(socket.gethostname())
    )


def _dead_pid() -> int:
    child = subprocess.Popen(["true"])
    child.wait()
    return child.pid


def test_two_builds_racing_on_one_folder_one_is_refused_at_once(campaign_copy, tmp_path):
    write_many_wards(campaign_copy, 200)
    out = tmp_path / "out"
    command = [sys.executable, "-m", "leaflet", "build", str(campaign_copy), "--out", str(out), "--jobs", "1", "-q"]
    builds = [subprocess.Popen(command, cwd=ROOT, stderr=subprocess.PIPE, text=True) for _ in range(2)]
    started = time.monotonic()
    while all(process.poll() is None for process in builds):
        assert time.monotonic() - started < 60
        time.sleep(0.01)
    (loser,) = [process for process in builds if process.poll() is not None]
    (winner,) = [process for process in builds if process is not loser]
    assert winner.poll() is None, "the second build was refused only once the first had finished"
    err = loser.stderr.read()
    assert loser.returncode == 2
    assert re.fullmatch("leaflet: error: " + _holder(out, pid=winner.pid) + "\n", err), err
    assert winner.wait(timeout=120) == 0, winner.stderr.read()
    assert len(assert_print_folder_is_true(out)["wards"]) == 200


def test_a_folder_held_in_this_process_is_refused_too(tmp_path):
    out = tmp_path / "out"
    out.mkdir()
    with folder_lock(out, "build"), pytest.raises(InputError) as error:
        build(DEMO, out, ward_codes=["W05000981"])
    assert re.fullmatch(_holder(out), str(error.value))
    assert not list(out.glob("*.pdf"))
    assert build(DEMO, out, ward_codes=["W05000981"]).written  # free again


def test_a_proof_folder_is_held_the_same_way(tmp_path):
    out = tmp_path / "proof"
    out.mkdir()
    with folder_lock(out, "proof"), pytest.raises(InputError) as error:
        proof(DEMO, out, ["W05000981"])
    assert re.fullmatch(_holder(out, "proof"), str(error.value))


def test_a_lock_left_by_a_dead_run_is_no_obstacle(tmp_path):
    out = tmp_path / "out"
    out.mkdir()
    holder = f'{{"command": "build", "pid": {_dead_pid()}, "host": "{socket.gethostname()}", "started": "then"}}'
    (out / LOCK).write_text(holder, encoding="utf-8")
    assert build(DEMO, out, ward_codes=["W05000981"]).written
    assert f'"pid": {os.getpid()}' in (out / LOCK).read_text(encoding="utf-8")


def test_a_run_deletes_only_the_temporary_files_of_dead_processes_of_its_host(tmp_path):
    alive, dead = os.getpid(), _dead_pid()
    names = {
        "mine": f".W1-aber.pdf.k2j4h5g6.{alive}-{HOST_TAG}.part",
        "dead": f".W1-aber.pdf.a1b2c3d4.{dead}-{HOST_TAG}.part",
        "other host": f".W1-aber.pdf.z9y8x7w6.{dead}-00000000.part",
        "not leaflet's": ".W1-aber.pdf.part",
    }
    for name in names.values():
        (tmp_path / name).write_bytes(b"half a file")
    remove_partial_files(tmp_path)
    assert sorted(path.name for path in tmp_path.iterdir()) == sorted(v for k, v in names.items() if k != "dead")


def test_a_build_leaves_another_live_writers_temporary_file_alone(tmp_path):
    out = tmp_path / "out"
    build(DEMO, out, ward_codes=["W05000981"])
    writer = subprocess.Popen([sys.executable, "-c", "import time; time.sleep(60)"])
    try:
        partial = out / f".W05000981-gwyr.pdf.q1w2e3r4.{writer.pid}-{HOST_TAG}.part"
        partial.write_bytes(b"being written")
        build(DEMO, out, ward_codes=["W05000981"])
        assert partial.read_bytes() == b"being written"
    finally:
        writer.kill()
        writer.wait()
    build(DEMO, out, ward_codes=["W05000981"])
    assert not partial.exists()  # its writer is gone now
