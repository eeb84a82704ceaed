"""The checks that keep the code as it is meant to be, run with the tests: ruff's lint rules and
formatting, and mypy (configured in pyproject.toml)."""

from __future__ import annotations

import shutil
import subprocess
import sys

import pytest

from tests.conftest import ROOT


def _run(*command: str) -> subprocess.CompletedProcess:
    return subprocess.run(command, cwd=ROOT, capture_output=True, text=True, timeout=600)


@pytest.mark.parametrize("check", [("check",), ("format", "--check")], ids=["lint", "format"])
def test_ruff_finds_nothing(check):
    ruff = shutil.which("ruff") or pytest.fail("ruff is not installed: pip install '.[test]'")
    done = _run(ruff, *check, "leaflet", "tests", "bench", "docs")
    assert done.returncode == 0, done.stdout + done.stderr


def test_mypy_finds_nothing():
    done = _run(sys.executable, "-m", "mypy")
    assert done.returncode == 0, done.stdout + done.stderr
