"""The command line: help for every command, one-line errors, exit codes."""

from __future__ import annotations

import errno
import os
import subprocess
import sys

import pytest
from leaflet.cli import main

from tests.conftest import DEMO


@pytest.mark.parametrize(
    "argv",
    [
        ["--help"],
        ["build", "--help"],
        ["check", "--help"],
        ["proof", "--help"],
        ["approve", "--help"],
        ["audit", "--help"],
        ["serve", "--help"],
        ["invite", "--help"],
        ["schema", "--help"],
    ],
)
def test_every_command_has_help(argv, capsys):
    with pytest.raises(SystemExit) as exit_info:
        main(argv)
    assert exit_info.value.code == 0
    out = capsys.readouterr().out
    assert "usage: leaflet" in out
    assert len(out.splitlines()) > 5


def test_build_help_names_its_options(capsys):
    with pytest.raises(SystemExit):
        main(["build", "--help"])
    out = capsys.readouterr().out
    for option in ("CAMPAIGN_DIR", "--out", "--wards", "--ward", "--approved-only", "--unapproved"):
        assert option in out


def test_a_missing_campaign_is_one_line_and_exit_2(tmp_path, capsys):
    assert main(["build", str(tmp_path / "nowhere")]) == 2
    err = capsys.readouterr().err
    assert err.count("\n") == 1
    assert err.startswith("leaflet: error: ") and "nowhere" in err and "campaign.yaml" in err
    assert "Traceback" not in err


def test_python_m_leaflet_builds_one_ward(tmp_path):
    completed = subprocess.run(
        [sys.executable, "-m", "leaflet", "build", str(DEMO), "--out", str(tmp_path), "--ward", "W05001215"],
        capture_output=True,
        text=True,
        check=False,
    )
    assert completed.returncode == 0, completed.stderr
    assert "wrote 1 of 1 ward PDFs" in completed.stdout
    assert (tmp_path / "W05001215-ty-du.pdf").stat().st_size > 100_000


def test_a_ward_whose_text_does_not_fit_exits_1(campaign_copy, tmp_path, capsys):
    wards = campaign_copy / "wards.csv"
    long_priority = " ".join(["a very long list of local worries"] * 40)
    wards.write_text(
        f'code,name,organiser,households,local_priority\nX1,Tŷ Isaf,Ann,10,"{long_priority}"\nX2,Glan,Bob,20,parking\n',
        encoding="utf-8",
    )
    assert main(["build", str(campaign_copy), "--out", str(tmp_path / "out")]) == 1
    err = capsys.readouterr().err
    assert "error: ward X1 (Tŷ Isaf): text does not fit frame 'local-focus' even at its minimum size" in err
    assert "1 ward(s) not built: X1" in err
    assert (tmp_path / "out" / "X2-glan.pdf").exists()


@pytest.mark.parametrize("jobs", ["1", "2"])
def test_a_full_disk_is_one_line_and_leaves_no_partial_file(tmp_path, capsys, monkeypatch, jobs):
    """A print file's space is reserved before it is written: a full disk fails there, in a
    worker process too, and the error reaches the user as one line."""
    reserve = os.posix_fallocate

    def full_for_print_files(handle, offset, length):
        if length > 1_000_000:
            raise OSError(errno.ENOSPC, os.strerror(errno.ENOSPC))
        reserve(handle, offset, length)

    monkeypatch.setattr(os, "posix_fallocate", full_for_print_files)
    out = tmp_path / "out"
    assert main(["build", str(DEMO), "--out", str(out), "--jobs", jobs, "--quiet"]) == 2
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and "Traceback" not in err
    assert err.startswith(f"leaflet: error: {out}") and "No space left on device" in err and "free some space" in err
    assert not list(out.glob("*.pdf")) and not list(out.glob(".*.part"))
