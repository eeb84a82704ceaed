"""Bytes -> files that appear whole or not at all.

Every file leaflet writes (ward PDFs, the combined file, manifests, proofs, schemas, approvals)
goes through ``atomic_file``: written under a hidden temporary name beside its place and renamed
into it when complete, so an interrupted run never leaves a half-written file or replaces a
good one with a bad one.  The temporary name carries the writing process's id and host, so that
a later run deletes only what a process that is gone left behind, never another's work.
"""

from __future__ import annotations

import errno
import hashlib
import mmap
import os
import queue
import re
import socket
import tempfile
import threading
from collections.abc import Iterator
from contextlib import contextmanager, suppress
from pathlib import Path

from leaflet.errors import InputError

try:
    import fcntl
except ImportError:  # not on Windows: files are written through the cache there
    fcntl = None  # type: ignore[assignment]

HOST_TAG = hashlib.sha256(socket.gethostname().encode("utf-8")).hexdigest()[:8]
# .<name>.<random>.<pid>-<host tag>.part
_PARTIAL = re.compile(r"\..+\.[^.]+\.(?P<pid>\d+)-(?P<host>[0-9a-f]{8})\.part")


def _file_mode() -> int:
    """What a plainly created file gets under the user's umask (mkstemp would give 0600)."""
    umask = os.umask(0o022)
    os.umask(umask)
    return 0o666 & ~umask


FILE_MODE = _file_mode()


class FileWriter:
    """The open temporary file of ``atomic_file``: unbuffered writes, and room reserved ahead.
    A write error is an InputError naming the file and what to do."""

    def __init__(self, handle: int, path: Path):
        self.handle = handle
        self.path = path
        self.written = 0
        self.reserved = 0

    def reserve(self, size: int) -> None:
        """Reserve ``size`` bytes first: the file system allocates the blocks in one go instead
        of page by page (about a quarter less time for a 2 MB print file on ext4), and a full
        disk is found before any byte is written.  What is reserved but not written is cut off
        when the file is complete."""
        if hasattr(os, "posix_fallocate") and size:
            try:
                os.posix_fallocate(self.handle, 0, size)
            except OSError as error:
                if error.errno not in (errno.EOPNOTSUPP, errno.EINVAL, errno.ENOSYS):
                    raise cannot_write(self.path, error) from None
                # a file system that cannot reserve space just fills the blocks as it writes
            else:
                self.reserved = max(self.reserved, size)

    def write(self, data: bytes) -> None:
        view = memoryview(data)
        try:
            while view:
                view = view[os.write(self.handle, view) :]
        except OSError as error:
            raise cannot_write(self.path, error) from None
        self.written += len(data)

    def write_direct(self, head: bytes, tail: bytes, writing: threading.Event | None = None) -> bool:
        """Write ``head`` + ``tail`` as the whole file straight to the disk (O_DIRECT), from
        page-aligned memory that holds ``head`` already (``_aligned_head``): no copy into the
        page cache, whose CPU time (and, on a VM, memory) a build of thousands of print files
        would otherwise spend, and no gigabytes of cache pushing out everything else.  False,
        and nothing written, where the file system does not take direct writes; the caller then
        writes as usual.  ``writing`` is set just before the one write call that waits for the
        disk (``WriteBehind``)."""
        if fcntl is None or not hasattr(os, "O_DIRECT") or self.written:
            return False
        length = len(head) + len(tail)
        padded = -(-length // DIRECT_BLOCK) * DIRECT_BLOCK  # direct writes are whole blocks
        buffer = _aligned_head(head, padded)
        buffer[len(head) : length] = tail
        flags = fcntl.fcntl(self.handle, fcntl.F_GETFL)
        try:
            fcntl.fcntl(self.handle, fcntl.F_SETFL, flags | os.O_DIRECT)
        except OSError:
            return False  # tmpfs and some network file systems
        self.reserve(padded)
        view = memoryview(buffer)[:padded]
        if writing:
            writing.set()
        try:
            position = 0
            while position < padded:  # one call: a thread writing behind waits for the interpreter once
                written = os.write(self.handle, view[position:])
                if written % DIRECT_BLOCK:  # a short write that leaves the rest unaligned
                    raise OSError(errno.EINVAL, "short direct write")
                position += written
        except OSError as error:
            if error.errno != errno.EINVAL:
                raise cannot_write(self.path, error) from None
            os.lseek(self.handle, 0, os.SEEK_SET)  # the file system wants other blocks: write it as usual
            return False
        finally:
            view.release()
            fcntl.fcntl(self.handle, fcntl.F_SETFL, flags)
        try:
            os.ftruncate(self.handle, length)  # the padding of the last block off
        except OSError as error:
            raise cannot_write(self.path, error) from None
        self.written = self.reserved = length
        return True

    def finish(self) -> None:
        """Cut off what was reserved but not written."""
        if self.reserved > self.written:
            os.ftruncate(self.handle, self.written)


DIRECT_BLOCK = 4096  # O_DIRECT writes whole blocks from aligned memory: 4 kB suits 512-byte and 4 kB disks
_ALIGNED_HEADS: dict[tuple[int, int], tuple[bytes, mmap.mmap]] = {}


def _aligned_head(head: bytes, size: int) -> mmap.mmap:
    """Page-aligned private memory of at least ``size`` bytes starting with ``head``: one per
    shared head (a run has a few) and process (a worker forked from another makes its own, so
    two never write their tails into the same memory)."""
    key = (os.getpid(), id(head))
    found = _ALIGNED_HEADS.get(key)
    if found is None or found[0] is not head or len(found[1]) < size:
        if len(_ALIGNED_HEADS) >= 8:
            _ALIGNED_HEADS.clear()
        room = (len(head) // DIRECT_BLOCK + 64) * DIRECT_BLOCK  # the head and 256 kB for tails
        memory = mmap.mmap(-1, max(size, room), flags=mmap.MAP_PRIVATE)
        memory[: len(head)] = head
        found = _ALIGNED_HEADS[key] = (head, memory)
    return found[1]


def start_writeback(handle: int) -> None:
    """Have the kernel start writing a file written through the cache (the combined file, the
    print order; print files mostly go direct) to the disk now, without waiting for it: the
    disk then works while the build goes on, instead of taking it all at the end.  On Linux,
    POSIX_FADV_DONTNEED starts write-back of the dirty pages (WB_SYNC_NONE) and leaves them
    cached until they are clean; it was about a fifth off a 1,000-ward build, files synced,
    when print files went through the cache too (bench/e2e.py); for a file already on the disk
    it does nothing."""
    if hasattr(os, "posix_fadvise"):
        with suppress(OSError):  # advice only: a file system that does not take it writes back as it likes
            os.posix_fadvise(handle, 0, 0, os.POSIX_FADV_DONTNEED)


@contextmanager
def atomic_file(path: Path) -> Iterator[FileWriter]:
    """A new file at ``path``, written inside the ``with`` block and renamed into place when the
    block ends; on any error (a full disk, Ctrl-C) the temporary file is removed and ``path`` is
    as it was.  An error of its own is an InputError naming the file and what to do; an error
    raised inside the block goes on as it is (it may be another file's)."""
    try:
        handle, temporary = tempfile.mkstemp(
            prefix=f".{path.name}.", suffix=f".{os.getpid()}-{HOST_TAG}.part", dir=path.parent
        )
    except OSError as error:
        raise cannot_write(path, error) from None
    writer = FileWriter(handle, path)
    try:
        yield writer
    except BaseException:
        with suppress(OSError):
            os.close(handle)
        Path(temporary).unlink(missing_ok=True)
        raise
    try:
        try:
            writer.finish()
            start_writeback(handle)
        finally:
            os.close(handle)  # may report a write error too (on a network disk)
        os.chmod(temporary, FILE_MODE)
        os.replace(temporary, path)
    except BaseException as error:
        Path(temporary).unlink(missing_ok=True)
        if isinstance(error, OSError):
            raise cannot_write(path, error) from None
        raise


def write_atomically(path: Path, *parts: bytes) -> None:
    """``parts`` one after the other as the file at ``path``, its size reserved first."""
    with atomic_file(path) as out:
        out.reserve(sum(map(len, parts)))
        for part in parts:
            out.write(part)


def write_print_file(path: Path, head: bytes, tail: bytes, writing: threading.Event | None = None) -> None:
    """A print file of a run's shared ``head`` (the same object for many files) and its own
    ``tail`` at ``path``, atomically: straight to the disk where the file system allows
    (``FileWriter.write_direct``), else as ``write_atomically`` does.  ``writing`` is set when
    all that is left is waiting for the disk and finishing the file."""
    with atomic_file(path) as out:
        if not out.write_direct(head, tail, writing):
            out.reserve(len(head) + len(tail))
            if writing:
                writing.set()
            out.write(head)
            out.write(tail)


class WriteBehind:
    """Print files written by a thread of their own, one at a time, while the next ward is
    computed: a direct write waits for the disk with the CPU idle (2 to 6 ms for a 2.3 MB file
    on this project's VM), time that a process building ward after ward spends on the next.
    ``write`` waits for the file before to be on the disk, so at most one is in flight; an
    error writing it comes out of the next ``write``, or of ``close``, which names its file.

    ``write`` also waits until the thread has begun the write that waits for the disk.  The
    thread needs the interpreter's lock for every step before it (the temporary file, the space
    reserved), and a caller computing the next ward holds that lock for up to the switch interval
    (5 ms) at a time: without the wait, the disk would start on a file only when the caller next
    stopped, and computing and writing would take turns instead of overlapping."""

    def __init__(self) -> None:
        self._jobs: queue.SimpleQueue[tuple[Path, bytes, bytes] | None] = queue.SimpleQueue()
        self._idle = threading.Event()
        self._idle.set()
        self._writing = threading.Event()
        self._failed: tuple[Path, BaseException] | None = None
        self._thread = threading.Thread(target=self._work, name="leaflet-print-files", daemon=True)
        self._thread.start()

    def write(self, path: Path, head: bytes, tail: bytes) -> None:
        """``write_print_file(path, head, tail)``, done while the caller goes on."""
        self._idle.wait()
        if self._failed:
            raise self._failed[1]
        self._idle.clear()
        self._writing.clear()
        self._jobs.put((path, head, tail))
        self._writing.wait()

    def close(self) -> tuple[Path, BaseException] | None:
        """Wait for the file in flight, end the thread; the file that could not be written, if
        one could not (nothing is written after it), and why."""
        self._idle.wait()
        self._jobs.put(None)
        self._thread.join()
        return self._failed

    def _work(self) -> None:
        while (job := self._jobs.get()) is not None:
            try:
                if not self._failed:
                    write_print_file(*job, self._writing)
            except BaseException as error:
                self._failed = (job[0], error)
            finally:
                self._writing.set()
                self._idle.set()


def cannot_write(path: Path, error: OSError) -> InputError:
    hints = {
        errno.ENOSPC: "free some space on that disk, or write somewhere else",
        errno.EDQUOT: "free some space within your quota, or write somewhere else",
        errno.EACCES: "make the folder writable, or write somewhere else",
        errno.EPERM: "make the folder writable, or write somewhere else",
        errno.EROFS: "that disk is read-only: write somewhere else",
    }
    return InputError(path, None, f"cannot write the file ({error.strerror or error})", hints.get(error.errno or 0))


def process_running(pid: int) -> bool:
    """Whether process ``pid`` of this host is running (it may be another user's); one that has
    ended but is not yet reaped by its parent (a zombie) is not."""
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:  # another user's process
        pass
    try:
        state = Path(f"/proc/{pid}/stat").read_text(encoding="ascii").rsplit(")", 1)[1].split()[0]
    except (OSError, IndexError, ValueError):
        return True  # no /proc here: the signal test is all there is
    return state != "Z"


def remove_partial_files(folder: Path) -> None:
    """The temporary files that processes of this host which are no longer running left behind
    (killed outright, they could not clean up): never a finished file, nor a live writer's."""
    for partial in folder.glob(".*.part"):
        match = _PARTIAL.fullmatch(partial.name)
        if match and match["host"] == HOST_TAG and not process_running(int(match["pid"])):
            partial.unlink(missing_ok=True)
