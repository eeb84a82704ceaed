"""A task over many wards -> its results in ward order, computed in forked worker processes.

Workers are forked after the run is prepared, so they share its fonts, photos and static frames
copy-on-write; nothing large is pickled, only each ward and what its task returns.
"""

from __future__ import annotations

import multiprocessing
import os
import pickle
import signal
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


def _leave_interrupts_to_the_parent() -> None:
    """Ctrl-C reaches every process of the group: the parent stops the pool, workers keep quiet."""
    signal.signal(signal.SIGINT, signal.SIG_IGN)


def default_jobs() -> int:
    return len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else (os.cpu_count() or 1)


def map_wards(task: Callable[[Ward], Result], wards: list[Ward], jobs: int) -> Iterator[Result]:
    global _TASK
    if jobs <= 1 or len(wards) < 2 * jobs:
        yield from map(task, wards)
        return
    _TASK = task
    try:
        with multiprocessing.get_context("fork").Pool(jobs, initializer=_leave_interrupts_to_the_parent) as pool:
            yield from pool.imap(_run_task, wards, chunksize=max(1, min(64, len(wards) // (jobs * 8))))
    finally:
        _TASK = None
