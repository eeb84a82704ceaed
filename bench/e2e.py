"""End to end: the real `leaflet build` command, its files kept on disk and synced, beside the floor
(the same bytes written the same way, kept and synced) and Typst writing its files the same way.

    python bench/e2e.py [--wards N] [--repeat R] [--combined-wards M] [--tmp DIR] [--quick]

Every measurement is a whole process, timed from outside from its start until every file it
wrote is on the disk (each file fsync'ed, then its folder): start-up, imports and set-up
included, as a user waits for them.  The measurements alternate (leaflet, floor, Typst, leaflet
--jobs 2, the floor with two writers; then again), and each ratio is taken within one round and
the median of the rounds reported, so the machine's drift cancels.  Between measurements,
untimed, the last one's files are deleted and the disk is synced.  See bench/README.md.
"""

from __future__ import annotations

import argparse
import errno
import fcntl
import json
import mmap
import os
import queue
import shutil
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

BENCH = Path(__file__).resolve().parent
REPO = BENCH.parent
CAMPAIGN = REPO / "content" / "pcc-2021"
sys.path.insert(0, str(BENCH))

import run as bench  # noqa: E402  (bench/run.py: the synthetic wards and the Typst peer)

DIRECT_BLOCK = 4096
_aligned: dict[str, object] = {"data": None, "memory": None}


def write_bytes_direct(handle: int, data: bytes, writing: threading.Event | None = None) -> None:
    """``data`` as the whole of the open file ``handle``, as leaflet writes a print file
    (``leaflet.runs.files.FileWriter.write_direct``, not imported here so the peers' processes
    stay free of leaflet): space reserved, then straight to the disk (O_DIRECT) in whole 4 kB
    blocks from page-aligned memory, in one write call, the padding cut off; through the cache
    where the file system takes no direct writes.  Bytes new to each file are copied into that
    memory first (leaflet copies its own tail); the same bytes again (the floor's) are not, as
    leaflet's shared head is not.  ``writing`` is set just before the write that waits for the
    disk (``Behind``)."""
    padded = -(-len(data) // DIRECT_BLOCK) * DIRECT_BLOCK
    memory = _aligned["memory"]
    if not isinstance(memory, mmap.mmap) or len(memory) < padded:
        memory = _aligned["memory"] = mmap.mmap(-1, padded + (256 << 10), flags=mmap.MAP_PRIVATE)
        _aligned["data"] = None
    if _aligned["data"] is not data:
        memory[: len(data)] = data
        _aligned["data"] = data
    os.posix_fallocate(handle, 0, padded)
    flags = fcntl.fcntl(handle, fcntl.F_GETFL)
    try:
        fcntl.fcntl(handle, fcntl.F_SETFL, flags | os.O_DIRECT)
        view = memoryview(memory)[:padded]
        if writing:
            writing.set()
        try:
            position = 0
            while position < padded:
                position += os.write(handle, view[position:])
        finally:
            view.release()
            fcntl.fcntl(handle, fcntl.F_SETFL, flags)
        os.ftruncate(handle, len(data))
    except OSError as error:
        if error.errno != errno.EINVAL:
            raise
        os.lseek(handle, 0, os.SEEK_SET)
        if writing:
            writing.set()
        view = memoryview(data)
        while view:
            view = view[os.write(handle, view) :]
        os.ftruncate(handle, len(data))


def write_kept(folder: Path, name: str, data: bytes, writing: threading.Event | None = None) -> None:
    """As leaflet writes a print file (``leaflet.runs.files.write_print_file``, not imported so
    the peers stay free of leaflet): a temporary name beside it, its size reserved, straight to
    the disk from aligned memory (``write_bytes_direct``), renamed into place."""
    handle, temporary = tempfile.mkstemp(prefix=f".{name}.", suffix=".part", dir=folder)
    try:
        write_bytes_direct(handle, data, writing)
    finally:
        os.close(handle)
    os.chmod(temporary, 0o644)
    os.replace(temporary, folder / name)


class Behind:
    """Files written by a thread of their own, one at a time, while the next is made, as
    ``leaflet build`` writes its print files (``leaflet.runs.files.WriteBehind``, not imported
    here so the peers' processes stay free of leaflet).  ``submit`` waits for the file before,
    hands this one over, and waits until the thread has begun the write that waits for the disk
    (``write_kept``'s ``writing``), so the thread does not wait for the interpreter's lock
    while the caller computes the next."""

    def __init__(self) -> None:
        self.jobs: queue.SimpleQueue = queue.SimpleQueue()
        self.idle = threading.Event()
        self.idle.set()
        self.started = threading.Event()
        self.error: BaseException | None = None
        self.thread = threading.Thread(target=self._work, daemon=True)
        self.thread.start()

    def submit(self, function, *args) -> None:
        self.wait()
        self.idle.clear()
        self.started.clear()
        self.jobs.put((function, args))
        self.started.wait()

    def wait(self) -> None:
        self.idle.wait()
        if self.error:
            raise self.error

    def _work(self) -> None:
        while (job := self.jobs.get()) is not None:
            try:
                job[0](*job[1], writing=self.started)
            except BaseException as error:
                self.error = error
            finally:
                self.started.set()
                self.idle.set()


def sync_folder(folder: Path) -> None:
    """Every file in ``folder`` on the disk: each fsync'ed, then the folder itself."""
    for path in sorted(folder.iterdir()):
        if path.is_file():
            handle = os.open(path, os.O_RDONLY)
            try:
                os.fsync(handle)
            finally:
                os.close(handle)
    handle = os.open(folder, os.O_RDONLY)
    try:
        os.fsync(handle)
    finally:
        os.close(handle)


# --------------------------------------------------------------------------------------------
# The writers the driver starts (each a process of its own)


def floor_main(sample: Path, count: int, folder: Path, writers: int) -> None:
    """The floor: ``sample``'s bytes as ``count`` files, by ``writers`` processes, each a share."""
    data = sample.read_bytes()
    names = [f"W{n + 1:07d}-floor.pdf" for n in range(count)]
    children = []
    for writer in range(writers):
        pid = os.fork() if writers > 1 else 0
        if pid == 0:
            for name in names[writer::writers]:
                write_kept(folder, name, data)
            if writers > 1:
                os._exit(0)
        else:
            children.append(pid)
    for pid in children:
        _, status = os.waitpid(pid, 0)
        if status:
            raise SystemExit("a floor writer failed")


def typst_main(wards_csv: Path, count: int, folder: Path) -> None:
    """Typst: each ward compiled and written as leaflet writes its files (behind, one in flight)."""
    wards = bench.read_wards(wards_csv)[:count]
    compile_, version = bench.typst_peer(wards)
    behind = Behind()
    for ward in wards:
        behind.submit(write_kept, folder, f"{ward['code']}.pdf", compile_(ward))
    behind.wait()
    print(version)


# --------------------------------------------------------------------------------------------
# The driver


def measure(command: list[str], folder: Path, cpus: set[int] | None, keep: Path | None = None) -> dict:
    """``command`` run into an empty ``folder``, timed until its files are synced; then cleaned up
    (its one PDF copied to ``keep`` first, when given)."""
    if folder.exists():
        shutil.rmtree(folder)
    folder.mkdir(parents=True)
    os.sync()  # what earlier measurements left in flight reaches the disk now, not during this one

    def pin() -> None:
        if cpus is not None:
            os.sched_setaffinity(0, cpus)

    w0 = time.perf_counter()
    done = subprocess.run(command, capture_output=True, text=True, preexec_fn=pin)
    w1 = time.perf_counter()
    if done.returncode:
        sys.stderr.write(done.stderr[-2000:])
        raise SystemExit(f"failed (exit {done.returncode}): {' '.join(command)}")
    sync_folder(folder)
    w2 = time.perf_counter()
    files = [path for path in folder.iterdir() if path.is_file() and path.suffix == ".pdf"]
    result = {
        "seconds": w2 - w0,
        "sync_seconds": w2 - w1,
        "files": len(files),
        "bytes": sum(path.stat().st_size for path in files),
        "output": done.stdout.strip(),
    }
    if keep:
        (pdf,) = files
        shutil.copyfile(pdf, keep)
    shutil.rmtree(folder)
    return result


_WHERE_LEAFLET_IS = "import pathlib, leaflet; print(pathlib.Path(leaflet.__file__).parent)"


def leaflet_command(wards_csv: Path, folder: Path, jobs: int, *extra: str, campaign: Path = CAMPAIGN) -> list[str]:
    return [
        sys.executable,
        "-m",
        "leaflet",
        "build",
        str(campaign),
        "--wards",
        str(wards_csv),
        "--out",
        str(folder),
        "--jobs",
        str(jobs),
        "--quiet",
        "--over-limit",  # many synthetic wards cost more than the example's spending limit
        *extra,
    ]


def named_intent_campaign(project: Path) -> Path:
    """A copy of the example project (in ``project``) whose layout names the FOGRA39 output
    intent instead of embedding its profile (``press: output_intent: named``): 0.78 MB less a file."""
    for folder in ("layouts", "fonts", "images", "content/pcc-2021"):
        shutil.copytree(REPO / folder, project / folder)
    layout = project / "layouts" / "a5-two-sided.yaml"
    text = layout.read_text(encoding="utf-8")
    if "\npress:" in text:
        raise SystemExit(f"{layout}: the example layout has a press: section now; set output_intent in it here")
    layout.write_text(text + "\npress:\n  output_intent: named\n", encoding="utf-8")
    return project / "content" / "pcc-2021"


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--wards", type=int, help="wards for each measurement (default 1000; quick 50)")
    parser.add_argument("--repeat", type=int, help="rounds of every measurement (default 3; quick 1)")
    parser.add_argument(
        "--combined-wards", type=int, help="wards for --combined-only (default 9000; quick 200; 0: leave it out)"
    )
    parser.add_argument("--tmp", type=Path, help="where the files are written (default: the system's temp folder)")
    parser.add_argument("--quick", action="store_true", help="a smoke run in well under a minute")
    parser.add_argument("--no-typst", action="store_true", help="leave Typst out (when it is not installed)")
    parser.add_argument("--json", type=Path, help="also write every measurement here")
    parser.add_argument("--floor", nargs=4, metavar=("SAMPLE", "COUNT", "DIR", "WRITERS"), help=argparse.SUPPRESS)
    parser.add_argument("--typst", nargs=3, metavar=("CSV", "COUNT", "DIR"), help=argparse.SUPPRESS)
    parser.add_argument("--sync", type=Path, metavar="DIR", help="fsync every file in DIR, then DIR (for farm-bench)")
    args = parser.parse_args(argv)
    if args.sync:
        return sync_folder(args.sync)
    if args.floor:
        sample, count, folder, writers = args.floor
        return floor_main(Path(sample), int(count), Path(folder), int(writers))
    if args.typst:
        wards_csv, count, folder = args.typst
        return typst_main(Path(wards_csv), int(count), Path(folder))

    wards = args.wards or (50 if args.quick else 1000)
    repeat = args.repeat or (1 if args.quick else 3)
    combined_wards = args.combined_wards if args.combined_wards is not None else (200 if args.quick else 9000)
    with tempfile.TemporaryDirectory(prefix="leaflet-e2e-", dir=args.tmp) as scratch_name:
        scratch = Path(scratch_name)
        report = run_all(scratch, wards, repeat, combined_wards, not args.no_typst)
    if args.json:
        args.json.write_text(json.dumps(report, indent=1) + "\n", encoding="utf-8")
    print_report(report, combined_wards)


def run_all(scratch: Path, wards: int, repeat: int, combined_wards: int, with_typst: bool) -> dict:
    """Every command at ``wards`` and at a tenth of it (their difference is the marginal rate,
    start-up and set-up taken out), round after round; then --combined-only once."""
    small = max(10, wards // 10)
    csvs = {count: scratch / f"wards-{count}.csv" for count in {small, wards, combined_wards} if count}
    for count, path in csvs.items():
        bench.synthetic_wards(path, count)
    out = scratch / "out"
    one_cpu = {min(os.sched_getaffinity(0))}
    two_cpus = set(sorted(os.sched_getaffinity(0))[:2])
    me = [sys.executable, str(Path(__file__).resolve())]

    # What leaflet keeps between runs (leaflet.assets.cache) goes here: the sample builds below
    # fill it, as a campaign's first build does; "leaflet, nothing kept" keeps nothing.
    os.environ["LEAFLET_CACHE_DIR"] = str(scratch / "cache")
    found = subprocess.run([sys.executable, "-c", _WHERE_LEAFLET_IS], capture_output=True, text=True, check=True)
    bench.compile_bytecode(Path(found.stdout.strip()))  # the package `python -m leaflet` runs
    named = named_intent_campaign(scratch / "named")
    sample = scratch / "sample.pdf"  # a ward file leaflet writes: what the floor writes
    named_sample = scratch / "sample-named.pdf"
    for campaign, path in ((CAMPAIGN, sample), (named, named_sample)):
        subprocess.run(
            leaflet_command(csvs[wards], scratch / "first", 1, "--ward", "W0000001", campaign=campaign), check=True
        )
        shutil.copyfile(next((scratch / "first").glob("W0000001-*.pdf")), path)
        shutil.rmtree(scratch / "first")

    def commands(count: int) -> dict[str, tuple[list[str], set[int] | None]]:
        found: dict[str, tuple[list[str], set[int] | None]] = {
            "leaflet": (leaflet_command(csvs[count], out, 1), one_cpu),
            "leaflet, nothing kept": (["env", "LEAFLET_CACHE_DIR=", *leaflet_command(csvs[count], out, 1)], one_cpu),
            "floor": ([*me, "--floor", str(sample), str(count), str(out), "1"], one_cpu),
            "leaflet, intent named": (leaflet_command(csvs[count], out, 1, campaign=named), one_cpu),
            "floor, intent named": ([*me, "--floor", str(named_sample), str(count), str(out), "1"], one_cpu),
            "leaflet --jobs 2": (leaflet_command(csvs[count], out, 2), two_cpus),
            "floor, 2 writers": ([*me, "--floor", str(sample), str(count), str(out), "2"], two_cpus),
        }
        if with_typst:
            found["typst"] = ([*me, "--typst", str(csvs[count]), str(count), str(out)], one_cpu)
        return found

    rounds: list[dict[str, dict]] = []
    print(f"End to end, {small} and {wards} wards, {repeat} round(s); {os.cpu_count()} CPUs here.", file=sys.stderr)
    for index in range(repeat):
        results: dict[str, dict] = {}
        order = [(count, name) for count in (small, wards) for name in commands(count)]
        for count, name in order if index % 2 == 0 else order[::-1]:  # every other round backwards: no order bias
            command, cpus = commands(count)[name]
            print(f"  round {index + 1}: {name}, {count} wards ...", end="", flush=True, file=sys.stderr)
            results[f"{name} @{count}"] = measure(command, out, cpus)
            print(f" {results[f'{name} @{count}']['seconds']:.1f} s", file=sys.stderr)
        rounds.append(results)

    combined: dict[str, dict] = {}
    if combined_wards:
        print(f"  leaflet build --combined-only, {combined_wards} wards ...", end="", flush=True, file=sys.stderr)
        command = leaflet_command(csvs[combined_wards], out, 1, "--combined-only")
        combined["leaflet"] = measure(command, out, one_cpu, keep=scratch / "job.pdf")
        print(f" {combined['leaflet']['seconds']:.1f} s", file=sys.stderr)
        command = [*me, "--floor", str(scratch / "job.pdf"), "1", str(out), "1"]
        combined["floor"] = measure(command, out, one_cpu)
    return {"small": small, "wards": wards, "rounds": rounds, "combined": combined}


def seconds_median(rounds: list[dict], name: str, count: int) -> float:
    return statistics.median(r[f"{name} @{count}"]["seconds"] for r in rounds)


def print_report(report: dict, combined_wards: int) -> None:
    rounds, small, wards = report["rounds"], report["small"], report["wards"]
    names = [key.rsplit(" @", 1)[0] for key in rounds[0] if key.endswith(f" @{wards}")]

    def seconds(result: dict, name: str, count: int) -> float:
        return result[f"{name} @{count}"]["seconds"]

    def marginal(result: dict, name: str) -> float:
        """Wards per second beyond the first ``small``: start-up and set-up taken out."""
        return (wards - small) / (seconds(result, name, wards) - seconds(result, name, small))

    print()
    print(f"End to end: each measurement a whole process until its files are synced ({len(rounds)} round(s);")
    print(f"medians). Marginal: the wards from {small} to {wards}, start-up and set-up taken out.")
    print()
    header = ("command", f"s @{small}", f"s @{wards}", "of which sync", "wards/s", "marginal/s", "MB/file", "MB/s")
    rows = []
    for name in names:
        whole = seconds_median(rounds, name, wards)
        at = [r[f"{name} @{wards}"] for r in rounds]
        size = statistics.median(result["bytes"] / max(1, result["files"]) for result in at)
        rows.append(
            (
                name,
                f"{seconds_median(rounds, name, small):.2f}",
                f"{whole:.2f}",
                f"{statistics.median(result['sync_seconds'] for result in at):.2f}",
                f"{wards / whole:,.0f}",
                f"{statistics.median(marginal(r, name) for r in rounds):,.0f}",
                f"{size / 1e6:.2f}",
                f"{wards * size / 1e6 / whole:,.0f}",
            )
        )
    widths = [max(len(row[i]) for row in [header, *rows]) for i in range(len(header))]
    for row in [header, *rows]:
        cells = zip(row, widths, strict=True)
        print("  ".join(cell.ljust(w) if i == 0 else cell.rjust(w) for i, (cell, w) in enumerate(cells)))
    print()

    def line(label: str, a: str, b: str, goal: str) -> None:
        """How many times ``a``'s rate is ``b``'s, round by round: whole commands, and marginal."""
        whole = [seconds(r, b, wards) / seconds(r, a, wards) for r in rounds]
        margin = [marginal(r, a) / marginal(r, b) for r in rounds]
        print(
            f"{label} = {statistics.median(whole):.2f} whole ({', '.join(f'{v:.2f}' for v in whole)}), "
            f"{statistics.median(margin):.2f} marginal ({', '.join(f'{v:.2f}' for v in margin)}){goal}"
        )

    line("leaflet / floor", "leaflet", "floor", " (goal >= 0.9)")
    line("leaflet, nothing kept / floor", "leaflet, nothing kept", "floor", " (a campaign's first build)")
    line("leaflet / floor, intent named", "leaflet, intent named", "floor, intent named", " (goal >= 0.9)")
    if "typst" in names:
        line("leaflet / Typst", "leaflet", "typst", f" (goal >= 3; Typst {rounds[0][f'typst @{wards}']['output']})")
        line("leaflet, intent named / Typst", "leaflet, intent named", "typst", " (goal >= 3)")
    best = (
        "floor, 2 writers"
        if seconds_median(rounds, "floor, 2 writers", wards) < seconds_median(rounds, "floor", wards)
        else "floor"
    )
    line(
        f"leaflet --jobs 2 / {best} (the disk's best)",
        "leaflet --jobs 2",
        best,
        " (both CPUs, as `leaflet build` here)",
    )
    line("leaflet --jobs 2 / --jobs 1", "leaflet --jobs 2", "leaflet", " (goal >= 1.6 where the floor scales)")
    line("floor with 2 writers / 1", "floor, 2 writers", "floor", "")
    combined = report["combined"]
    if combined:
        leaflet, floor = combined["leaflet"], combined["floor"]
        print()
        print(
            f"leaflet build --combined-only, {combined_wards:,} wards: {leaflet['seconds']:.1f} s end to end "
            f"({combined_wards / leaflet['seconds']:,.0f} wards/s; sync {leaflet['sync_seconds']:.1f} s), one file of "
            f"{leaflet['bytes'] / 1e6:.1f} MB; the floor writes those bytes in {floor['seconds']:.2f} s"
        )


if __name__ == "__main__":
    main()
