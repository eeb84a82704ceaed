"""A full disk in every write path: one line, no traceback, no half file, no worker left, and a
print folder that still tells the truth; a build that cannot fit is refused before it starts."""

from __future__ import annotations

import errno
import json
import multiprocessing
import os
import re
import shutil
import subprocess
import sys
import textwrap
from collections import namedtuple

import pypdf
import pytest
from leaflet import build
from leaflet.cli import main
from leaflet.runs.files import DIRECT_BLOCK
from leaflet.runs.folders import LOCK

from tests.conftest import DEMO, ROOT, assert_print_folder_is_true, assert_riso_folder_is_true, write_many_wards

NO_SPACE = "cannot write the file (No space left on device) (free some space on that disk, or write somewhere else)"


def _no_space_for(monkeypatch, prefix: str, call: str, after: int = 0) -> None:
    """ENOSPC for files whose (temporary) name starts with ``prefix``: when their space is
    reserved (``reserve``: posix_fallocate) or written (``write``: os.write, os.pwrite), from
    the call after ``after`` such calls on; the writes before it are short (half of what they
    were given, in whole blocks), so the file is half written when the disk fills.  Forked
    workers inherit it."""
    calls = {"count": 0}

    def aimed(handle: int) -> bool:
        try:
            name = os.path.basename(os.readlink(f"/proc/self/fd/{handle}"))
        except OSError:
            return False
        if not name.startswith(prefix):
            return False
        calls["count"] += 1
        return True

    def no_space():
        raise OSError(errno.ENOSPC, os.strerror(errno.ENOSPC))

    if call == "reserve":
        fallocate = os.posix_fallocate

        def full_fallocate(handle, offset, length):
            return no_space() if aimed(handle) and calls["count"] > after else fallocate(handle, offset, length)

        monkeypatch.setattr(os, "posix_fallocate", full_fallocate)
    else:
        write, pwrite = os.write, os.pwrite

        def half(data):
            view = memoryview(data)
            return view[: len(view) // 2 // DIRECT_BLOCK * DIRECT_BLOCK or len(view)]

        def full_write(handle, data):
            if not aimed(handle):
                return write(handle, data)
            return no_space() if calls["count"] > after else write(handle, half(data))

        def full_pwrite(handle, data, offset):
            if not aimed(handle):
                return pwrite(handle, data, offset)
            return no_space() if calls["count"] > after else pwrite(handle, half(data), offset)

        monkeypatch.setattr(os, "write", full_write)
        monkeypatch.setattr(os, "pwrite", full_pwrite)


def _assert_whole_and_tidy(out) -> None:
    assert not list(out.rglob(".*.part"))
    for path in out.rglob("*.pdf"):
        assert path.read_bytes().rstrip().endswith(b"%%EOF"), path
        assert len(pypdf.PdfReader(path).pages) >= 2
    assert multiprocessing.active_children() == []


def _build(out, *options: str, campaign=DEMO) -> int:
    return main(["build", str(campaign), "--out", str(out), "--quiet", *options])


@pytest.fixture()
def five_wards(campaign_copy):
    """The example with its first five wards: the fourth is the one that meets the full disk."""
    wards = campaign_copy / "wards.csv"
    wards.write_text("\n".join(wards.read_text(encoding="utf-8").splitlines()[:6]) + "\n", encoding="utf-8")
    return campaign_copy


CASES = {
    # name: (file that cannot be written, temporary name prefix, call, after, options)
    "a ward's file, reserved": ("S13002921-steornabhagh-a-tuath.pdf", "reserve", 0, ["--jobs", "1"]),
    "a ward's file, reserved, in a worker": ("S13002921-steornabhagh-a-tuath.pdf", "reserve", 0, ["--jobs", "2"]),
    "a ward's file, half written": ("S13002921-steornabhagh-a-tuath.pdf", "write", 1, ["--jobs", "1"]),
    "a ward's file, half written, in a worker": ("S13002921-steornabhagh-a-tuath.pdf", "write", 1, ["--jobs", "2"]),
    "the combined file, reserved": ("pcc-2021-all-wards.pdf", "reserve", 0, ["--combined", "--jobs", "1"]),
    "the combined file, half written": ("pcc-2021-all-wards.pdf", "write", 3, ["--combined", "--jobs", "1"]),
    "the combined file, half written, workers": ("pcc-2021-all-wards.pdf", "write", 3, ["--combined", "--jobs", "2"]),
    "manifest.json, reserved": ("manifest.json", "reserve", 0, ["--jobs", "2"]),
    "manifest.csv, written": ("manifest.csv", "write", 0, ["--jobs", "2"]),
    "the campaign marker": (".leaflet-campaign", "reserve", 0, []),
    "the lock file": (".leaflet-lock", "write", 0, []),
}


@pytest.mark.parametrize("case", list(CASES))
def test_a_full_disk_in_any_write_path_is_one_line(five_wards, tmp_path, capsys, monkeypatch, case):
    name, call, after, options = CASES[case]
    out = tmp_path / "out"
    _no_space_for(monkeypatch, name if name == LOCK else f".{name}.", call, after)  # the lock is written in place
    assert _build(out, *options, campaign=five_wards) == 2
    err = capsys.readouterr().err
    assert err == f"leaflet: error: {out / name}: {NO_SPACE}\n"
    _assert_whole_and_tidy(out)
    if (out / "manifest.json").exists():
        document = assert_print_folder_is_true(out)
        if "ward's file" in case:  # the wards before it were built, and the print order says so
            statuses = [row["status"] for row in document["wards"]]
            assert statuses[:3] == ["built"] * 3 and statuses[3] == "not built"
    else:
        assert not list(out.glob("*.pdf"))  # no print order, so nothing in the folder to print
    if list(out.rglob("*.pdf")):  # the build got as far as writing: the next one recovers from it
        monkeypatch.undo()
        assert _build(out, campaign=five_wards) == 0
        assert len(assert_print_folder_is_true(out)["wards"]) == 5
        _assert_whole_and_tidy(out)


RISO_CASES = {
    # name: (file that cannot be written, call, after, options)
    "a composite, in a worker": ("S13002921-steornabhagh-a-tuath.png", "reserve", 0, ["--jobs", "2"]),
    "a composite, half written": ("S13002921-steornabhagh-a-tuath.png", "write", 0, ["--jobs", "1"]),
    "a drum's masters, half written": ("pcc-2021-riso-black.pdf", "write", 1, ["--jobs", "1"]),
    "manifest.json, reserved": ("manifest.json", "reserve", 0, ["--jobs", "2"]),
    "manifest.csv, written": ("manifest.csv", "write", 0, ["--jobs", "1"]),
}


@pytest.mark.parametrize("case", list(RISO_CASES))
def test_a_full_disk_in_any_riso_write_path_is_one_line_and_the_last_print_order_stays(
    five_wards, tmp_path, capsys, monkeypatch, case
):
    name, call, after, options = RISO_CASES[case]
    out = tmp_path / "riso"
    assert _build(out, "--for", "riso", "--ward", "W05000981", campaign=five_wards) == 0
    before = {path.name: path.read_bytes() for path in out.iterdir() if path.suffix in (".pdf", ".json", ".csv")}
    _no_space_for(monkeypatch, f".{name}.", call, after)
    assert _build(out, "--for", "riso", *options, campaign=five_wards) == 2
    assert capsys.readouterr().err == f"leaflet: error: {out / name}: {NO_SPACE}\n"
    assert not list(out.rglob(".*.part")) and multiprocessing.active_children() == []
    after_files = {path.name: path.read_bytes() for path in out.iterdir() if path.suffix in (".pdf", ".json", ".csv")}
    assert after_files == before  # the masters and the print order are the last build's, whole
    monkeypatch.undo()
    assert _build(out, "--for", "riso", campaign=five_wards) == 0
    assert assert_riso_folder_is_true(out)["totals"]["wards"] == 5


def test_a_riso_build_that_cannot_fit_is_refused_before_it_writes(tmp_path, capsys, monkeypatch):
    usage = namedtuple("usage", "total used free")
    monkeypatch.setattr(shutil, "disk_usage", lambda path: usage(10**9, 10**9 - 5_000_000, 5_000_000))
    out = tmp_path / "riso"
    assert _build(out, "--for", "riso", "--jobs", "1") == 2
    err = capsys.readouterr().err
    assert re.fullmatch(
        rf"leaflet: error: {re.escape(str(out))}: not enough free space: this build needs about \d+\.\d MB, the "
        r"disk has 5\.0 MB \(free some space on that disk, or build into another --out folder\)\n",
        err,
    ), err
    assert sorted(path.name for path in out.iterdir()) == [".leaflet-campaign", ".leaflet-lock"]


def test_a_full_disk_while_moving_files_aside_leaves_the_print_order_true(tmp_path, capsys, monkeypatch):
    out = tmp_path / "out"
    build(DEMO, out, ward_codes=["W05000981"])
    (out / "stray.pdf").write_bytes(b"%PDF-1.4 not leaflet's")
    _no_space_for(monkeypatch, ".README.txt.", "reserve")
    assert _build(out, "--ward", "W05000981") == 2
    err = capsys.readouterr().err
    assert err == f"leaflet: error: {out / 'not-for-print' / 'README.txt'}: {NO_SPACE}\n"
    assert_print_folder_is_true(out)  # the stray file is out of the print folder all the same
    assert (out / "not-for-print" / "stray.pdf").exists()


def test_a_build_that_cannot_fit_is_refused_before_it_starts(tmp_path, capsys, monkeypatch):
    usage = namedtuple("usage", "total used free")
    monkeypatch.setattr(shutil, "disk_usage", lambda path: usage(10**9, 10**9 - 10_000_000, 10_000_000))
    out = tmp_path / "out"
    assert _build(out, "--jobs", "1") == 2
    err = capsys.readouterr().err
    pattern = (
        rf"leaflet: error: {re.escape(str(out))}: not enough free space: this build needs about (\d+\.\d) MB, "
        r"the disk has 10\.0 MB \(free some space on that disk, or build into another --out folder\)\n"
    )
    match = re.fullmatch(pattern, err)
    assert match, err
    file_size = 2.33  # MB, one ward's file: 14 to write, and one being written
    assert 15 * file_size <= float(match[1]) <= 15 * file_size + 1
    assert sorted(path.name for path in out.iterdir()) == [".leaflet-campaign", ".leaflet-lock"]


def test_files_that_stay_need_no_room(tmp_path, monkeypatch):
    out = tmp_path / "out"
    build(DEMO, out)
    usage = namedtuple("usage", "total used free")
    monkeypatch.setattr(shutil, "disk_usage", lambda path: usage(10**9, 10**9 - 6_000_000, 6_000_000))
    assert len(build(DEMO, out).kept) == 14  # replacing a file needs room for one, not for all


DRIVER = textwrap.dedent(
    """
    import json, os, subprocess, sys, time
    from pathlib import Path
    from tests.conftest import assert_print_folder_is_true

    campaign, disk, fill_after = sys.argv[1], Path(sys.argv[2]), int(sys.argv[3])
    out = disk / "out"
    command = [sys.executable, "-m", "leaflet", "build", campaign, "--out", str(out), "--jobs", "2", "-q"]
    result = {}
    build = subprocess.Popen(command, stderr=subprocess.PIPE, text=True)
    if fill_after:
        while len(list(out.glob("*.pdf"))) < fill_after and build.poll() is None:
            time.sleep(0.005)
        with open(disk / "filler", "wb") as filler:  # the disk fills up while the build runs
            size = 0
            try:
                while True:
                    os.posix_fallocate(filler.fileno(), size, 1 << 20)
                    size += 1 << 20
            except OSError:
                pass
    result["err"] = build.communicate()[1]
    result["code"] = build.returncode
    result["pdfs"] = len(list(out.glob("*.pdf")))
    result["partial"] = [p.name for p in out.rglob(".*.part")]
    if (out / "manifest.json").exists():
        statuses = [row["status"] for row in assert_print_folder_is_true(out)["wards"]]
        result["statuses"] = {status: statuses.count(status) for status in set(statuses)}
    (disk / "filler").unlink(missing_ok=True)
    again = subprocess.run(command, capture_output=True, text=True)
    result["again"] = again.returncode, again.stderr
    if again.returncode == 0:
        result["again_wards"] = len(assert_print_folder_is_true(out)["wards"])
    print(json.dumps(result))
    """
)


def _on_a_small_disk(tmp_path, campaign, size_mb: int, fill_after: int = 0) -> dict:
    """Runs a build on a tmpfs of ``size_mb`` mounted in a private mount namespace (unshare)."""
    disk = tmp_path / "disk"
    disk.mkdir()
    driver = tmp_path / "driver.py"
    driver.write_text(DRIVER, encoding="utf-8")
    mount = f"mount -t tmpfs -o size={size_mb}m tmpfs {disk}"
    script = f"{mount} && exec {sys.executable} {driver} {campaign} {disk} {fill_after}"
    probe = subprocess.run(["unshare", "-rm", "sh", "-c", mount], capture_output=True)
    if shutil.which("unshare") is None or probe.returncode != 0:
        pytest.skip("cannot mount a small file system here (unshare -rm)")
    environment = {**os.environ, "PYTHONPATH": str(ROOT)}  # the driver reads the folder with tests.conftest
    done = subprocess.run(
        ["unshare", "-rm", "sh", "-c", script], cwd=ROOT, env=environment, capture_output=True, text=True
    )
    assert done.returncode == 0, done.stderr
    return json.loads(done.stdout)


def test_on_a_real_small_disk_a_build_that_cannot_fit_is_refused_up_front(tmp_path):
    result = _on_a_small_disk(tmp_path, DEMO, 20)
    assert result["code"] == 2 and result["pdfs"] == 0 and result["partial"] == []
    assert re.fullmatch(
        r"leaflet: error: \S+/out: not enough free space: this build needs about 3\d\.\d MB, the disk has 2\d\.\d MB "
        r"\(free some space on that disk, or build into another --out folder\)\n",
        result["err"],
    ), result["err"]
    assert result["again"][0] == 2  # still too small: refused again, nothing written


def test_on_a_real_disk_filling_up_mid_build_the_print_order_says_what_was_done(campaign_copy, tmp_path):
    write_many_wards(campaign_copy, 60)
    result = _on_a_small_disk(tmp_path, campaign_copy, 160, fill_after=20)
    assert result["code"] == 2, result
    assert re.fullmatch(r"leaflet: error: \S+\.pdf: " + re.escape(NO_SPACE) + "\n", result["err"]), result["err"]
    assert result["partial"] == []
    assert result["statuses"]["built"] >= 1 and result["statuses"]["not built"] >= 1
    assert sum(result["statuses"].values()) == 60
    assert result["again"] == [0, ""] and result["again_wards"] == 60
