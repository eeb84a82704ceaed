"""A task over many wards -> its results in ward order, computed in forked worker processes.

Workers are forked after the run is prepared, so they share its fonts, photos and static frames
copy-on-write; nothing large is pickled, only each ward and what its task returns.  A worker
takes the wards a few at a time (a chunk), inside the task's ``chunk()`` if it has one.  A worker
never outlives its run: stopped by the parent (which terminates the pool on an error or Ctrl-C)
or orphaned (the parent killed outright), the kernel ends it at once.  The temporary file it
was writing is then removed by whoever is next in the folder (``runs.files``): the parent once
the pool has ended, or the next run.  (Turning SIGTERM into an exception in the worker, to
clean up itself, would lose the signal when it comes just before the worker waits for a task,
and the pool would wait for that worker forever.)
"""

from __future__ import annotations

import ctypes
import gc
import itertools
import multiprocessing
import os
import pickle
import signal
import sys
import threading
import time
from collections import deque
from collections.abc import Callable, Generator, Iterator
from contextlib import contextmanager, nullcontext
from typing import TypeVar

from leaflet.model import Ward

Result = TypeVar("Result")
Progress = Callable[[int, int], None]  # wards done, wards in all: for a progress line

_TASK: Callable | None = None  # set before forking: workers inherit it, so it need not pickle
BATCH_CHUNKS = 8  # chunks a worker gets a batch
YOUNG_COLLECTION_EVERY = 10_000  # allocations between collections of young objects (CPython: 700)


def _run_chunk(wards: list[Ward]) -> list:
    """The task of each of a few wards, in a worker, inside the task's ``chunk()`` where it has
    one (a build writes each print file behind while the next ward is computed, and the last
    is on the disk before the chunk's results go to the parent)."""
    assert _TASK is not None  # set by map_wards before the pool forks
    scope = getattr(_TASK, "chunk", None)
    try:
        with scope() if scope else nullcontext():
            return [_TASK(ward) for ward in wards]
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
    SIGTERM (the pool stopping) ends a worker at once, as does its parent's end."""
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    signal.signal(signal.SIGTERM, signal.SIG_DFL)  # not the handler the command line gave the parent
    if sys.platform == "linux":  # the kernel ends the worker when the parent ends
        ctypes.CDLL(None, use_errno=True).prctl(PR_SET_PDEATHSIG, signal.SIGKILL, 0, 0, 0)
    else:
        threading.Thread(target=watch_parent, args=(parent,), daemon=True).start()
    if os.getppid() != parent:  # it ended before the worker could ask
        os.kill(os.getpid(), signal.SIGKILL)


def watch_parent(parent: int, interval_s: float = 0.1) -> None:
    """Where the kernel cannot be asked: look for the parent's end, then end this process."""
    while os.getppid() == parent:
        time.sleep(interval_s)
    os.kill(os.getpid(), signal.SIGKILL)


def default_jobs() -> int:
    return len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else (os.cpu_count() or 1)


def in_this_process(wards: int, jobs: int) -> bool:
    """Whether ``map_wards`` runs the task here, not in workers (one job, or too few wards)."""
    return jobs <= 1 or wards < 2 * jobs


def map_wards(task: Callable[[Ward], Result], wards: list[Ward], jobs: int) -> Generator[Result, None, None]:
    """``task`` of each ward, in ward order; closing the generator early ends the workers.

    The workers are given the wards a batch at a time, three batches ahead of the results taken
    at most: when the caller is slower than the workers (adding each ward's pages to a combined
    file on a slow disk), what they computed waits in memory a few hundred wards deep, not the
    whole run deep."""
    with collecting_for_wards():
        yield from _map_wards(task, wards, jobs)


def _map_wards(task: Callable[[Ward], Result], wards: list[Ward], jobs: int) -> Generator[Result, None, None]:
    global _TASK
    if in_this_process(len(wards), jobs):
        yield from map(task, wards)
        return
    _TASK = task
    # chunks of 8 wards cost 7 µs a ward more than 64 (9,000 wards: 0.06 s), and a stopped build
    # knows of every ward done but the few in flight
    size = max(1, min(8, len(wards) // (jobs * 8)))
    chunks = [wards[start : start + size] for start in range(0, len(wards), size)]
    batch = jobs * BATCH_CHUNKS
    batches = (chunks[start : start + batch] for start in range(0, len(chunks), batch))
    try:
        context = multiprocessing.get_context("fork")
        with context.Pool(jobs, initializer=_start_worker, initargs=(os.getpid(),)) as pool:
            ahead = deque(pool.imap(_run_chunk, part) for part in itertools.islice(batches, 2))
            while ahead:
                results = ahead.popleft()
                ahead.extend(pool.imap(_run_chunk, part) for part in itertools.islice(batches, 1))
                for chunk in results:
                    yield from chunk
    finally:
        _TASK = None


@contextmanager
def collecting_for_wards() -> Iterator[None]:
    """The garbage collector while wards are computed, as it was again after.  What the run's
    set-up made (fonts, photos, the story) is frozen out of its reach: collections skip it, and a
    forked worker's collections do not write to it, which would copy every page the parent
    shares (a 400-ward --jobs 2 build, 5.7 s -> 4.8 s).  Young objects are collected every
    10,000 allocations, not 700: a ward makes thousands and frees nearly all of them by
    reference counting, and walking them 700 at a time took 0.2-0.3 ms a ward, now 0.04."""
    previous = gc.get_threshold()
    gc.freeze()
    gc.set_threshold(YOUNG_COLLECTION_EVERY, *previous[1:])
    try:
        yield
    finally:
        gc.set_threshold(*previous)
        gc.unfreeze()
