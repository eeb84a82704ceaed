"""An output folder -> claimed by one campaign, held by one run at a time, checked for room.

A run takes the folder's lock before it changes anything in it: a second run into the same
folder is refused at once, naming the process that holds it.  The lock is the kernel's
(``flock`` on a file in the folder), so it goes when its holder ends, however it ends: a lock
file left by a killed run is no obstacle.
"""

from __future__ import annotations

import fcntl
import json
import os
import shutil
import socket
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from leaflet.errors import InputError
from leaflet.model import Campaign
from leaflet.runs.files import FILE_MODE, cannot_write, process_running, write_atomically

MARKER = ".leaflet-campaign"  # in an output folder: which campaign's files it holds
LOCK = ".leaflet-lock"  # locked by the run writing into the folder; says who that is


def claim_output_folder(out_dir: Path, campaign: Campaign, names: list[str]) -> None:
    """Refuse to write over files that another campaign (or something else) put there."""
    make_folder(out_dir)
    marker = out_dir / MARKER
    ours = str(campaign.path)
    if marker.exists():
        try:
            owner = json.loads(marker.read_text(encoding="utf-8")).get("campaign")
        except (ValueError, OSError, AttributeError):
            owner = None
        if owner != ours:
            raise InputError(
                out_dir, None, f"holds the files of another campaign ({owner})", "choose another --out folder"
            )
        return
    clashes = [name for name in names if (out_dir / name).exists()]
    if clashes:
        raise InputError(
            out_dir,
            None,
            f"already has {clashes[0]}, not written by leaflet for this campaign",
            "choose another --out folder, or move those files away",
        )
    write_atomically(marker, (json.dumps({"campaign": ours}) + "\n").encode("utf-8"))


def make_folder(folder: Path) -> None:
    try:
        folder.mkdir(parents=True, exist_ok=True)
    except OSError as error:
        raise InputError(folder, None, f"cannot create the folder ({error.strerror})") from None


@contextmanager
def folder_lock(folder: Path, command: str) -> Iterator[int]:
    """Hold ``folder`` for the ``with`` block, or refuse at once if another run holds it; the
    block gets the time the lock was taken, as the file system tells it (``st_mtime_ns``): a
    file in the folder modified later was written during the run."""
    path = folder / LOCK
    try:
        handle = os.open(path, os.O_RDWR | os.O_CREAT, FILE_MODE)
    except OSError as error:
        raise cannot_write(path, error) from None
    try:
        try:
            fcntl.flock(handle, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            raise InputError(
                folder,
                None,
                f"{_holder(handle)} is writing into this folder",
                "wait for it to finish, or choose another --out folder",
            ) from None
        started = time.strftime("%Y-%m-%d %H:%M:%S UTC", time.gmtime())
        holder = {"command": command, "pid": os.getpid(), "host": socket.gethostname(), "started": started}
        try:
            os.ftruncate(handle, 0)
            os.pwrite(handle, (json.dumps(holder) + "\n").encode("utf-8"), 0)
            started_ns = os.fstat(handle).st_mtime_ns
        except OSError as error:
            raise cannot_write(path, error) from None
        yield started_ns
    finally:
        os.close(handle)  # the kernel drops the lock with the last handle on it


def _holder(handle: int) -> str:
    """Who holds the lock, as its holder wrote it; a holder that has only just taken it may not
    have written yet (the file then still names an earlier holder, or none)."""
    for _ in range(25):
        try:
            holder = json.loads(os.pread(handle, 4096, 0))
            pid, host = int(holder["pid"]), str(holder["host"])
            if host != socket.gethostname() or process_running(pid):
                return f"another leaflet {holder['command']} (pid {pid} on {host}, started {holder['started']})"
        except (ValueError, KeyError, TypeError, OSError):
            pass
        time.sleep(0.02)
    return "another leaflet run"


def check_free_space(folder: Path, needed_bytes: int) -> None:
    """Refuse a run that cannot fit before it writes anything."""
    free_bytes = shutil.disk_usage(folder).free
    if needed_bytes > free_bytes:
        raise InputError(
            folder,
            None,
            f"not enough free space: this build needs about {_size(needed_bytes)}, the disk has {_size(free_bytes)}",
            "free some space on that disk, or build into another --out folder",
        )


def _size(count: int) -> str:
    return f"{count / 1e9:.1f} GB" if count >= 1e9 else f"{count / 1e6:.1f} MB"
