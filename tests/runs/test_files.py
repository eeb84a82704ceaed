"""runs/files.py: print files written whole, straight to the disk where it takes that, byte for byte."""

from __future__ import annotations

import errno
import fcntl
import multiprocessing
import os
import threading

import pytest
from leaflet.errors import InputError
from leaflet.runs import files
from leaflet.runs.files import DIRECT_BLOCK, WriteBehind, write_print_file

HEAD = b"%PDF-1.3\n" + os.urandom(3 * DIRECT_BLOCK + 17)


def _direct_writes_allowed(folder) -> bool:
    try:
        handle = os.open(folder / "probe", os.O_WRONLY | os.O_CREAT | os.O_DIRECT, 0o644)
    except OSError:
        return False
    os.close(handle)
    os.unlink(folder / "probe")
    return True


@pytest.mark.parametrize(
    "tail_length", [0, 1, DIRECT_BLOCK - len(HEAD) % DIRECT_BLOCK, DIRECT_BLOCK * 70 + 5]
)  # none, a block and a byte, exactly whole blocks, more than the memory kept for tails
def test_a_print_file_is_its_head_and_tail_exactly(tmp_path, tail_length):
    tail = os.urandom(tail_length)
    write_print_file(tmp_path / "ward.pdf", HEAD, tail)
    assert (tmp_path / "ward.pdf").read_bytes() == HEAD + tail
    assert [path.name for path in tmp_path.iterdir()] == ["ward.pdf"]


def test_a_print_file_goes_straight_to_the_disk_where_the_file_system_allows(tmp_path, monkeypatch):
    set_flags = []
    real_fcntl = fcntl.fcntl

    def watched(handle, command, *argument):
        if command == fcntl.F_SETFL:
            set_flags.append(argument[0])
        return real_fcntl(handle, command, *argument)

    monkeypatch.setattr(fcntl, "fcntl", watched)
    write_print_file(tmp_path / "ward.pdf", HEAD, b"tail")
    assert (tmp_path / "ward.pdf").read_bytes() == HEAD + b"tail"
    if _direct_writes_allowed(tmp_path):
        assert set_flags[0] & os.O_DIRECT and not set_flags[-1] & os.O_DIRECT  # on, then off again


def test_a_file_system_without_direct_writes_gets_the_file_through_the_cache(tmp_path, monkeypatch):
    real_fcntl = fcntl.fcntl

    def refused(handle, command, *argument):
        if command == fcntl.F_SETFL and argument[0] & os.O_DIRECT:
            raise OSError(errno.EINVAL, os.strerror(errno.EINVAL))  # as tmpfs answers
        return real_fcntl(handle, command, *argument)

    monkeypatch.setattr(fcntl, "fcntl", refused)
    write_print_file(tmp_path / "ward.pdf", HEAD, b"tail")
    assert (tmp_path / "ward.pdf").read_bytes() == HEAD + b"tail"


def test_a_direct_write_refused_halfway_is_written_again_through_the_cache(tmp_path, monkeypatch):
    tail = os.urandom(3 * (1 << 20))  # more than one direct write call
    real_write = os.write
    calls = []

    def refuses_the_second(handle, data):
        calls.append(len(data))
        if len(calls) == 2:
            raise OSError(errno.EINVAL, os.strerror(errno.EINVAL))
        return real_write(handle, data)

    monkeypatch.setattr(os, "write", refuses_the_second)
    write_print_file(tmp_path / "ward.pdf", HEAD, tail)
    assert (tmp_path / "ward.pdf").read_bytes() == HEAD + tail
    assert [path.name for path in tmp_path.iterdir()] == ["ward.pdf"]


def test_a_full_disk_during_a_direct_write_leaves_the_old_file_as_it_was(tmp_path, monkeypatch):
    target = tmp_path / "ward.pdf"
    target.write_bytes(b"the last build's file")
    real_write = os.write

    def full(handle, data):
        if len(data) % DIRECT_BLOCK == 0:  # the direct writes only
            raise OSError(errno.ENOSPC, os.strerror(errno.ENOSPC))
        return real_write(handle, data)

    monkeypatch.setattr(os, "write", full)
    with pytest.raises(InputError, match="No space left on device"):
        write_print_file(target, HEAD, os.urandom(5000))
    assert target.read_bytes() == b"the last build's file"
    assert [path.name for path in tmp_path.iterdir()] == ["ward.pdf"]


def _write_wards(folder, worker: int) -> None:
    for n in range(20):
        write_print_file(folder / f"{worker}-{n}.pdf", HEAD, b"ward %d of worker %d\n" % (n, worker) * (n + 1))


def test_workers_forked_from_one_process_never_share_the_memory_their_tails_go_into(tmp_path):
    write_print_file(tmp_path / "parent.pdf", HEAD, b"parent")  # the parent's aligned head, inherited
    context = multiprocessing.get_context("fork")
    workers = [context.Process(target=_write_wards, args=(tmp_path, worker)) for worker in (1, 2)]
    for worker in workers:
        worker.start()
    for worker in workers:
        worker.join()
        assert worker.exitcode == 0
    for worker in (1, 2):
        for n in range(20):
            expected = HEAD + b"ward %d of worker %d\n" % (n, worker) * (n + 1)
            assert (tmp_path / f"{worker}-{n}.pdf").read_bytes() == expected
    assert files._ALIGNED_HEADS  # the parent's own is still there, untouched
    assert (tmp_path / "parent.pdf").read_bytes() == HEAD + b"parent"


def test_files_written_behind_are_each_whole_once_closed(tmp_path):
    behind = WriteBehind()
    for n in range(5):
        behind.write(tmp_path / f"{n}.pdf", HEAD, b"ward %d" % n)
    assert behind.close() is None
    assert [(tmp_path / f"{n}.pdf").read_bytes() for n in range(5)] == [HEAD + b"ward %d" % n for n in range(5)]


def test_a_file_that_cannot_be_written_behind_stops_the_next_and_is_named(tmp_path, monkeypatch):
    real_write = os.write

    def full(handle, data):
        if os.readlink(f"/proc/self/fd/{handle}").split("/")[-1].startswith(".1.pdf."):
            raise OSError(errno.ENOSPC, os.strerror(errno.ENOSPC))
        return real_write(handle, data)

    monkeypatch.setattr(os, "write", full)
    behind = WriteBehind()
    behind.write(tmp_path / "0.pdf", HEAD, b"ward 0")
    behind.write(tmp_path / "1.pdf", HEAD, b"ward 1")
    with pytest.raises(InputError, match="No space left on device"):
        behind.write(tmp_path / "2.pdf", HEAD, b"ward 2")  # waits for 1.pdf, and says what went wrong
    failed = behind.close()
    assert failed is not None and failed[0] == tmp_path / "1.pdf" and isinstance(failed[1], InputError)
    assert sorted(path.name for path in tmp_path.iterdir()) == ["0.pdf"]  # nothing half written, nothing after


def test_writing_behind_hands_over_only_once_the_file_is_on_its_way_to_the_disk(tmp_path, monkeypatch):
    """The caller goes on computing once the thread waits for the disk, not before: until then
    the thread needs the interpreter's lock, which a computing caller would keep from it."""
    real_write = os.write
    in_write, release = threading.Event(), threading.Event()

    def slow_disk(handle, data):
        if os.readlink(f"/proc/self/fd/{handle}").split("/")[-1].startswith(".slow.pdf."):
            in_write.set()
            release.wait(10)
        return real_write(handle, data)

    monkeypatch.setattr(os, "write", slow_disk)
    behind = WriteBehind()
    behind.write(tmp_path / "slow.pdf", HEAD, b"tail")
    (partial,) = tmp_path.glob(".slow.pdf.*.part")  # write() came back once the file was made, its room reserved
    assert partial.stat().st_blocks * 512 >= len(HEAD)
    assert in_write.wait(10)
    release.set()
    assert behind.close() is None
    assert (tmp_path / "slow.pdf").read_bytes() == HEAD + b"tail"
