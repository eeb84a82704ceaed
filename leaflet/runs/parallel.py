"""A task over many wards -> its results in ward order, computed in forked worker processes.

Workers are forked after the run is prepared, so they share its fonts, photos and static frames
copy-on-write; nothing large is pickled, only each ward and what its task returns.  A worker
never outlives its run: stopped by the parent (which terminates the pool on an error or Ctrl-C)
or orphaned (the parent killed outright), it ends at once, and removes the temporary file it
was writing on the way out (``SIGTERM`` raises ``SystemExit`` in it).
"""

from __future__ import annotations

import ctypes
import multiprocessing
import os
import pickle
import signal
import sys
import threading
import time
from collections.abc import Callable, Iterator
from typing import TypeVar

from leaflet.model import Ward

Result = TypeVar("Result")
Progress = Callable[[int, int], None]  # wards done, wards in all: for a progress line

_TASK: Callable | None = None  # set before forking: workers inherit it, so it need not pickle


def _run_task(ward: Ward):
    assert _TASK is not None  # set by map_wards before the pool forks
    try:
        return _TASK(ward)
    except Exception as error:
        raise _sendable(error) from None


def _sendable(error: Exception) -> Exception:
    """The error itself if the parent process can rebuild it, else a RuntimeError saying the same.
    An error the parent cannot unpickle kills multiprocessing's result thread, and the build
    would wait for that ward forever."""
    try:
        pickle.loads(pickle.dumps(error))
    except Exception:
        return RuntimeError(f"{type(error).__name__}: {error}")
    return error


PR_SET_PDEATHSIG = 1  # prctl(2): the signal a process gets when its parent ends


def _start_worker(parent: int) -> None:
    """Ctrl-C reaches every process of the group: the parent stops the pool, workers keep quiet.
    ``SIGTERM`` (the pool stopping, or the parent gone) ends the worker through its ``finally``
    blocks."""
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    signal.signal(signal.SIGTERM, _stop)
    if sys.platform == "linux":  # the kernel sends SIGTERM when the parent ends
        ctypes.CDLL(None, use_errno=True).prctl(PR_SET_PDEATHSIG, signal.SIGTERM, 0, 0, 0)
    else:
        threading.Thread(target=watch_parent, args=(parent,), daemon=True).start()
    if os.getppid() != parent:  # ended before the worker could ask to be told
        os.kill(os.getpid(), signal.SIGTERM)


def _stop(signum: int, frame: object) -> None:
    signal.signal(signal.SIGTERM, signal.SIG_IGN)  # once: the way out must not be cut short
    raise SystemExit(128 + signum)


def watch_parent(parent: int, interval_s: float = 0.1) -> None:
    """Where the kernel cannot be asked: look for the parent's end, then stop this process."""
    while os.getppid() == parent:
        time.sleep(interval_s)
    os.kill(os.getpid(), signal.SIGTERM)


def default_jobs() -> int:
    return len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else (os.cpu_count() or 1)


def map_wards(task: Callable[[Ward], Result], wards: list[Ward], jobs: int) -> Iterator[Result]:
    global _TASK
    if jobs <= 1 or len(wards) < 2 * jobs:
        yield from map(task, wards)
        return
    _TASK = task
    try:
        context = multiprocessing.get_context("fork")
        with context.Pool(jobs, initializer=_start_worker, initargs=(os.getpid(),)) as pool:
            yield from pool.imap(_run_task, wards, chunksize=max(1, min(64, len(wards) // (jobs * 8))))
    finally:
        _TASK = None
