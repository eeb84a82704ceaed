"""Ward PDFs per second per core: leaflet against Typst and WeasyPrint building the same leaflet.

    python bench/run.py [--wards N] [--quick] [--weasyprint-wards M] [--scale 1000,9000] [--samples DIR]

Every measurement runs in a fresh Python process pinned to one CPU, one after the other, so
"per core" is honest and one tool's peak memory does not carry into the next.  All tools build
the example campaign (content/pcc-2021) for the same synthetic wards, and everything is measured
in the same run so that ratios cancel the machine's speed and noise.  See bench/README.md.
"""

from __future__ import annotations

import argparse
import csv
import html
import io
import json
import os
import re
import resource
import shutil
import statistics
import string
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from urllib.parse import quote

BENCH = Path(__file__).resolve().parent
REPO = BENCH.parent
CAMPAIGN = REPO / "content" / "pcc-2021"
PEERS = BENCH / "peers"
CLEANUP_EVERY = 200  # written files are deleted in batches, outside the timed region


# --------------------------------------------------------------------------------------------
# Shared by the workers


def pin_to_one_cpu() -> int | None:
    """Run this process (and any threads a tool starts) on a single CPU."""
    if not hasattr(os, "sched_setaffinity"):
        return None
    cpu = min(os.sched_getaffinity(0))
    os.sched_setaffinity(0, {cpu})
    return cpu


def peak_rss_mb() -> float:
    kib = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss  # KiB on Linux
    return kib / 1024 if sys.platform != "darwin" else kib / 1024 / 1024


def synthetic_wards(path: Path, count: int) -> None:
    """``count`` wards: the example's rows repeated with unique codes (W0000001, ...) and names
    that keep their accents; after the first round a round number is added (``Gŵyr 2``) so that
    no two wards have the same words and no tool can reuse one ward's layout for another."""
    with open(CAMPAIGN / "wards.csv", encoding="utf-8-sig", newline="") as stream:
        rows = list(csv.DictReader(stream))
    with open(path, "w", encoding="utf-8", newline="") as stream:
        writer = csv.DictWriter(stream, fieldnames=list(rows[0]))
        writer.writeheader()
        for n in range(count):
            row = dict(rows[n % len(rows)])
            round_ = n // len(rows)
            row["code"] = f"W{n + 1:07d}"
            if round_:
                row["name"] = f"{row['name']} {round_ + 1}"
            writer.writerow(row)


def read_wards(path: Path) -> list[dict[str, str]]:
    with open(path, encoding="utf-8-sig", newline="") as stream:
        return list(csv.DictReader(stream))


def url_maker():
    import yaml

    template = yaml.safe_load((CAMPAIGN / "campaign.yaml").read_text(encoding="utf-8"))["signup_url"]
    pattern = re.compile(r"\{ward\.(\w+)\}")
    return lambda ward: pattern.sub(lambda m: quote(ward[m.group(1)], safe=""), template)


def qr_svg(url: str) -> str:
    """The ward's QR code as SVG: error correction M like leaflet's, 4-module quiet zone."""
    import segno

    buffer = io.BytesIO()
    segno.make(url, error="m", boost_error=False).save(buffer, kind="svg", border=4, xmldecl=False, svgns=True)
    return buffer.getvalue().decode("ascii")


class MemoryFile:
    """Where every tool's bytes go in process: one file held in memory (``memfd_create``), written
    over from its start for each ward.  Writing a ward's bytes costs what writing them into the
    page cache costs (a copy into the kernel's pages, a system call) and nothing that depends on
    the disk or on the host: the same pages each time, so no new memory, which this project's VM
    can make cost several times the copy (bench/README.md).  bench/e2e.py measures the disk."""

    def __init__(self) -> None:
        self.handle = os.memfd_create("leaflet-bench")

    def write(self, *parts: bytes) -> int:
        position = 0
        for part in parts:
            view = memoryview(part)
            while view:
                written = os.pwrite(self.handle, view, position)
                position += written
                view = view[written:]
        return position


class Timer:
    """Per-ward wall and CPU time."""

    def __init__(self) -> None:
        self.wall: list[float] = []
        self.cpu: list[float] = []
        self.sizes: list[int] = []

    def measure(self, make, *args) -> None:
        w0, c0 = time.perf_counter(), time.process_time()
        size = make(*args)
        c1, w1 = time.process_time(), time.perf_counter()
        self.wall.append(w1 - w0)
        self.cpu.append(c1 - c0)
        if size:
            self.sizes.append(size)

    def result(self, **extra) -> dict:
        return {
            "files": len(self.sizes),
            "seconds": sum(self.wall),
            "cpu_seconds": sum(self.cpu),
            "median_ms": statistics.median(self.wall) * 1000 if self.wall else 0.0,
            "p95_ms": sorted(self.wall)[int(0.95 * (len(self.wall) - 1))] * 1000 if self.wall else 0.0,
            "file_bytes": statistics.median(self.sizes) if self.sizes else 0,
            "peak_mb": peak_rss_mb(),
            **extra,
        }


# --------------------------------------------------------------------------------------------
# Workers: each runs in its own process and prints one JSON line


def work_leaflet(wards_csv: Path, count: int, out_dir: Path, sample: Path | None) -> dict:
    sys.path.insert(0, str(REPO))
    w0 = time.perf_counter()
    from leaflet.runs.parallel import collecting_for_wards
    from leaflet.runs.prepare import load, prepare_run

    import_s = time.perf_counter() - w0
    w0 = time.perf_counter()
    campaign, wards = load(CAMPAIGN, wards_csv)
    load_s = time.perf_counter() - w0
    wards = wards[:count]
    w0 = time.perf_counter()
    run = prepare_run(campaign, wards)
    prepare_s = time.perf_counter() - w0
    rss_after_prepare = peak_rss_mb()
    failed, warned = [], 0
    memory = MemoryFile()

    def one(ward):
        leaflet = run.lay_out(ward)
        if any(f.severity == "error" for f in leaflet.findings):
            failed.append(ward.code)
            return 0
        pages, tail = run.draw_tail(leaflet)
        run.file_sha256(pages, tail)  # as `leaflet build` does for each ward's print order row
        return memory.write(run.document.part_for(pages).shared.head, tail)

    timer = Timer()
    with collecting_for_wards():  # as `leaflet build` computes its wards (map_wards)
        for ward in wards:
            timer.measure(one, ward)
    if sample:
        leaflet = run.lay_out(wards[0])
        warned = sum(1 for ward in wards[:14] if run.lay_out(ward).findings)
        sample.write_bytes(run.draw(leaflet))
    return timer.result(
        setup_s=load_s + prepare_s,
        load_s=load_s,
        prepare_s=prepare_s,
        import_s=import_s,
        peak_mb_after_prepare=rss_after_prepare,
        failed=len(failed),
        failed_codes=failed[:5],
        warned_of_first_14=warned,
    )


def time_peer(make_pdf, wards, memory: MemoryFile, sample: Path | None, **extra) -> dict:
    """Per ward: make the PDF bytes and write them (``MemoryFile``); timed one ward at a time."""
    timer = Timer()
    for ward in wards:
        timer.measure(lambda ward: memory.write(make_pdf(ward)), ward)
    if sample:
        sample.write_bytes(make_pdf(wards[0]))
    return timer.result(**extra)


def typst_peer(wards: list[dict[str, str]]):
    """The Typst peer set up for a run: ward -> PDF bytes, and Typst's version.  One compiler for
    the run: fonts are indexed once, and Typst's memoisation keeps the photos, the story's layout
    and everything else that does not change between compiles; warmed up with the first ward."""
    import typst

    url = url_maker()
    story = "/" + (CAMPAIGN / "story.md").relative_to(REPO).as_posix()

    def inputs(ward):
        return {
            "name": ward["name"],
            "organiser": ward["organiser"],
            "local_priority": ward["local_priority"],
            "qr": qr_svg(url(ward)),
            "story": story,
        }

    compiler = typst.Compiler(
        str(PEERS / "leaflet.typ"),
        root=str(REPO),
        font_paths=[str(REPO / "fonts" / "NotoSans")],
        ignore_system_fonts=True,
    )

    def compile_(ward):
        return compiler.compile(sys_inputs=inputs(ward), pdf_tags=False, timestamp=0)

    compile_(wards[0])  # warm-up: loads the fonts and photos
    version = ".".join(re.findall(r"\d+", typst.Compiler().eval("sys.version")))
    return compile_, version


def work_typst(wards_csv: Path, count: int, out_dir: Path, sample: Path | None) -> dict:
    wards = read_wards(wards_csv)[:count]
    w0 = time.perf_counter()
    compile_, version = typst_peer(wards)
    setup_s = time.perf_counter() - w0
    return time_peer(compile_, wards, MemoryFile(), sample, setup_s=setup_s, version=version)


def markdown_to_html(text: str) -> str:
    """story.md (## headings, **bold** and *italic*, blank lines between paragraphs) as HTML."""
    out = []
    for block in re.split(r"\n[ \t]*\n", text.strip()):
        block = " ".join(block.split())
        if block.startswith("## "):
            out.append(f"<h2>{html.escape(block[3:])}</h2>")
            continue
        escaped = html.escape(block, quote=False)
        escaped = re.sub(r"\*\*(.+?)\*\*", r"<b>\1</b>", escaped)
        escaped = re.sub(r"\*(.+?)\*", r"<i>\1</i>", escaped)
        out.append(f"<p>{escaped}</p>")
    return "\n".join(out)


def work_weasyprint(wards_csv: Path, count: int, out_dir: Path, sample: Path | None) -> dict:
    import weasyprint
    from weasyprint.text.fonts import FontConfiguration

    wards = read_wards(wards_csv)[:count]
    url = url_maker()
    base_url = str(REPO) + os.sep

    def document(ward):
        return template.substitute(
            name=html.escape(ward["name"]),
            organiser=html.escape(ward["organiser"]),
            local_priority=html.escape(ward["local_priority"]),
            qr_svg=qr_svg(url(ward)),
            story=story,
        )

    def render(ward):
        return weasyprint.HTML(string=document(ward), base_url=base_url).write_pdf(
            stylesheets=[css], font_config=fonts, cache=cache
        )

    w0 = time.perf_counter()
    # Parsed once for the run: the fonts (@font-face), the stylesheet, the template, the story's
    # HTML; the photos are decoded once into the shared image cache.
    fonts = FontConfiguration()
    css = weasyprint.CSS(filename=str(PEERS / "leaflet.css"), base_url=base_url, font_config=fonts)
    template = string.Template((PEERS / "leaflet.html").read_text(encoding="utf-8"))
    story = markdown_to_html((CAMPAIGN / "story.md").read_text(encoding="utf-8"))
    cache: dict = {}
    render(wards[0])  # warm-up
    setup_s = time.perf_counter() - w0

    return time_peer(render, wards, MemoryFile(), sample, setup_s=setup_s, version=weasyprint.__version__)


def work_floor(pdf: Path, count: int, out_dir: Path, sample: Path | None) -> dict:
    data = pdf.read_bytes()
    memory = MemoryFile()
    timer = Timer()
    for _ in range(count):
        timer.measure(memory.write, data)
    return timer.result(setup_s=0.0)


def work_combined(wards_csv: Path, count: int, out_dir: Path, sample: Path | None) -> dict:
    """``leaflet build --combined``'s one print file for ``count`` wards, against one ward's file."""
    sys.path.insert(0, str(REPO))
    import pypdf
    from leaflet.runs.parallel import collecting_for_wards
    from leaflet.runs.prepare import load, prepare_run
    from leaflet.write.draw import draw_pages
    from leaflet.write.job import CombinedFile

    campaigns, wards = load(CAMPAIGN, wards_csv)
    wards = wards[:count]
    run = prepare_run(campaigns, wards)
    path = out_dir / "combined.pdf"
    w0 = time.perf_counter()
    with open(path, "wb") as stream:
        combined = CombinedFile(stream, run.document, run.campaign.title)
        with collecting_for_wards():
            for ward in wards:
                combined.add(draw_pages(run.lay_out(ward), run.document))
        combined.close()
    seconds = time.perf_counter() - w0
    data = path.read_bytes()
    return {
        "files": len(wards),
        "wards": len(wards),
        "seconds": seconds,
        "combined_bytes": len(data),
        "peak_mb": peak_rss_mb(),
        "one_ward_bytes": len(run.draw(run.lay_out(wards[0]))),
        "pages": len(pypdf.PdfReader(path).pages),
        "image_objects": len(re.findall(rb"/Subtype\s*/Image\b", data)),
    }


WORKERS = {
    "leaflet": work_leaflet,
    "typst": work_typst,
    "weasyprint": work_weasyprint,
    "floor": work_floor,
    "combined": work_combined,
}


def worker_main(args) -> None:
    cpu = pin_to_one_cpu()
    out_dir = Path(tempfile.mkdtemp(prefix=f"bench-{args.worker}-", dir=args.tmp))
    try:
        result = WORKERS[args.worker](Path(args.input), args.count, out_dir, Path(args.sample) if args.sample else None)
    finally:
        shutil.rmtree(out_dir, ignore_errors=True)
    result["cpu"] = cpu
    print(json.dumps(result))


# --------------------------------------------------------------------------------------------
# The driver


def run_worker(tool: str, input_path: Path, count: int, tmp: Path, sample: Path | None = None) -> dict:
    command = [
        sys.executable,
        str(Path(__file__).resolve()),
        "--worker",
        tool,
        "--input",
        str(input_path),
        "--count",
        str(count),
        "--tmp",
        str(tmp),
    ]
    if sample:
        command += ["--sample", str(sample)]
    if hasattr(os, "sync"):
        os.sync()  # the previous worker's files reach the disk now, not during this measurement
    print(f"  {tool}: {count} wards ...", end="", flush=True, file=sys.stderr)
    w0 = time.perf_counter()
    done = subprocess.run(command, capture_output=True, text=True, env={**os.environ, "PYTHONHASHSEED": "0"})
    if done.returncode:
        print(" failed", file=sys.stderr)
        sys.stderr.write(done.stderr)
        raise SystemExit(f"the {tool} worker failed (exit {done.returncode})")
    result = json.loads(done.stdout.strip().splitlines()[-1])
    print(f" {time.perf_counter() - w0:.1f} s ({result['files'] / result['seconds']:.1f} wards/s)", file=sys.stderr)
    return result


def compile_bytecode(package: Path) -> None:
    """Compile ``package``'s modules as ``pip install .`` does.  Where PYTHONDONTWRITEBYTECODE is
    set (CI containers; this project's VMs) every leaflet process would otherwise compile its
    sources again at each start, about 0.3 s that an installed leaflet never pays."""
    import compileall

    if not compileall.compile_dir(package, quiet=1):
        raise SystemExit(f"{package}: could not compile leaflet's modules")


def leaflet_source_digest() -> str:
    import hashlib

    digest = hashlib.sha256()
    for path in sorted((REPO / "leaflet").rglob("*.py")):
        digest.update(path.read_bytes())
    return digest.hexdigest()


def median_run(runs: list[dict]) -> dict:
    """Of repeated runs, the one with the median rate (its other numbers stay consistent)."""
    ranked = sorted(runs, key=lambda r: r["files"] / r["seconds"])
    chosen = dict(ranked[(len(ranked) - 1) // 2])
    chosen["rates"] = [r["files"] / r["seconds"] for r in runs]
    return chosen


def check_pdf(path: Path, url: str, render_to: Path | None) -> str:
    """Pages, page size, trim box, photos, words and the decoded QR code of a sample PDF."""
    try:
        import pypdf
    except ImportError:
        return "(install pypdf to check)"
    reader = pypdf.PdfReader(path)
    page = reader.pages[0]
    to_mm = 25.4 / 72
    facts = [
        f"{len(reader.pages)} pages",
        f"{float(page.mediabox.width) * to_mm:.0f}x{float(page.mediabox.height) * to_mm:.0f} mm",
        f"TrimBox {'yes' if '/TrimBox' in page else 'no'}",
    ]
    try:
        import pikepdf

        with pikepdf.open(path) as pdf:
            photos = sum(
                1 for obj in pdf.objects if isinstance(obj, pikepdf.Stream) and obj.get("/Subtype") == "/Image"
            )
        facts.append(f"{photos} image objects")
    except ImportError:
        pass
    facts.append(f"{sum(len(p.extract_text().split()) for p in reader.pages)} words")
    try:
        import pypdfium2
    except ImportError:
        return ", ".join(facts)
    document = pypdfium2.PdfDocument(str(path))
    if render_to:
        for index in range(len(document)):
            document[index].render(scale=100 / 72).to_pil().save(render_to / f"{path.stem}-page{index + 1}.png")
    try:
        import zxingcpp

        found = [r.text for r in zxingcpp.read_barcodes(document[len(document) - 1].render(scale=300 / 72).to_pil())]
        facts.append("QR ok" if found == [url] else f"QR read {found!r}, expected {url!r}")
    except ImportError:
        pass
    document.close()
    return ", ".join(facts)


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--wards", type=int, help="wards for leaflet, Typst and the floor (default 1000; quick 50)")
    parser.add_argument("--weasyprint-wards", type=int, help="wards for WeasyPrint (default 10; quick 3)")
    parser.add_argument("--scale", help="leaflet ward counts for the scaling runs (default 1000,9000; quick 100,900)")
    parser.add_argument(
        "--repeat",
        type=int,
        help="runs of leaflet and Typst at --wards, alternating; the median is reported (default 3; quick 1)",
    )
    parser.add_argument("--quick", action="store_true", help="a smoke run in well under a minute")
    parser.add_argument("--samples", type=Path, help="keep each tool's first PDF and PNGs of its pages here")
    parser.add_argument(
        "--tmp",
        type=Path,
        help="scratch space: the wards files, samples, the combined file (default: the system's temp folder)",
    )
    parser.add_argument("--worker", choices=sorted(WORKERS), help=argparse.SUPPRESS)
    parser.add_argument("--input", help=argparse.SUPPRESS)
    parser.add_argument("--count", type=int, help=argparse.SUPPRESS)
    parser.add_argument("--sample", help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    if args.worker:
        return worker_main(args)

    wards = args.wards or (50 if args.quick else 1000)
    weasy_wards = args.weasyprint_wards or (3 if args.quick else 10)
    scale = [int(n) for n in (args.scale or ("100,900" if args.quick else "1000,9000")).split(",") if n]
    repeat = args.repeat or (1 if args.quick else 3)
    leaflet_sizes = sorted(set(scale) | {wards})

    with tempfile.TemporaryDirectory(prefix="leaflet-bench-", dir=args.tmp) as scratch_name:
        scratch = Path(scratch_name)
        tmp: Path = args.tmp or scratch
        samples: Path = args.samples or scratch / "samples"
        samples.mkdir(parents=True, exist_ok=True)
        csvs = {}
        for n in sorted(set(leaflet_sizes) | {wards, weasy_wards}):
            csvs[n] = scratch / f"wards-{n}.csv"
            synthetic_wards(csvs[n], n)

        print(
            f"Measuring on one CPU (each tool in its own process, pinned); {os.cpu_count()} CPUs here.", file=sys.stderr
        )
        results: dict[tuple[str, int], dict] = {}
        runs: dict[str, list[dict]] = {"leaflet": [], "typst": []}
        compile_bytecode(REPO / "leaflet")
        source_before = leaflet_source_digest()
        for index in range(repeat):
            runs["leaflet"].append(run_worker("leaflet", csvs[wards], wards, tmp, scratch / f"leaflet-{index}.pdf"))
            runs["leaflet"][-1]["sample"] = str(scratch / f"leaflet-{index}.pdf")
            runs["typst"].append(run_worker("typst", csvs[wards], wards, tmp, samples / "typst.pdf"))
        results["leaflet", wards] = median_run(runs["leaflet"])
        results["typst", wards] = median_run(runs["typst"])
        shutil.copyfile(results["leaflet", wards]["sample"], samples / "leaflet.pdf")  # the floor writes these bytes
        results["weasyprint", weasy_wards] = run_worker(
            "weasyprint", csvs[weasy_wards], weasy_wards, tmp, samples / "weasyprint.pdf"
        )
        results["floor", wards] = run_worker("floor", samples / "leaflet.pdf", wards, tmp)
        results["combined", wards] = run_worker("combined", csvs[wards], wards, tmp)
        for n in leaflet_sizes:
            if n != wards:
                results["leaflet", n] = run_worker("leaflet", csvs[n], n, tmp)

        if leaflet_source_digest() != source_before:
            print("\nWARNING: leaflet/ changed while the benchmark ran; its numbers mix versions.", file=sys.stderr)
        first_url = url_maker()(read_wards(csvs[wards])[0])
        checks = {
            tool: check_pdf(samples / f"{tool}.pdf", first_url, samples if args.samples else None)
            for tool in ("leaflet", "typst", "weasyprint")
        }
        report(results, wards, weasy_wards, scale, checks)
        if args.samples:
            print(f"\nSample PDFs and page images: {args.samples}")


def report(results, wards, weasy_wards, scale, checks) -> None:
    def rate(result):
        return result["files"] / result["seconds"] if result["seconds"] else float("nan")

    typst = rate(results["typst", wards])
    weasy = rate(results["weasyprint", weasy_wards])
    leaflet = results["leaflet", wards]
    print()
    print("Ward PDFs per second per core: every tool runs alone in one process pinned to one CPU;")
    print("seconds = sum of per-ward times (lay out + render + write the bytes into memory), one-time setup excluded.")
    print()
    header = (
        "tool",
        "wards",
        "seconds",
        "files/s/core",
        "vs Typst",
        "vs WeasyPrint",
        "file size",
        "peak MB",
        "setup s",
    )
    rows = []
    order = [("leaflet", n) for n in sorted({wards, *scale})] + [
        ("typst", wards),
        ("weasyprint", weasy_wards),
        ("floor", wards),
    ]
    for key in order:
        result = results[key]
        r = rate(result)
        name = {
            "floor": "floor (write only)",
            "typst": f"typst {result.get('version', '')}",
            "weasyprint": f"weasyprint {result.get('version', '')}",
        }.get(key[0], key[0])
        rows.append(
            (
                name,
                f"{result['files']}",
                f"{result['seconds']:.2f}",
                f"{r:,.1f}",
                f"{r / typst:.2f}x",
                f"{r / weasy:,.0f}x",
                f"{result['file_bytes'] / 1e6:.2f} MB",
                f"{result['peak_mb']:.0f}",
                f"{result['setup_s']:.2f}",
            )
        )
    widths = [max(len(str(row[i])) for row in [header, *rows]) for i in range(len(header))]
    for row in [header, None, *rows]:
        if row is None:
            print("  ".join("-" * w for w in widths))
            continue
        print(
            "  ".join(
                str(cell).ljust(w) if i == 0 else str(cell).rjust(w)
                for i, (cell, w) in enumerate(zip(row, widths, strict=True))
            )
        )

    print()
    print(f"leaflet / typst = {rate(leaflet) / typst:.1f}x (goals >= 5x, issue 17; >= 6x, issue 16)")
    print(f"leaflet / weasyprint = {rate(leaflet) / weasy:.0f}x (target >= 100x)")
    floor = rate(results["floor", wards])
    print(
        f"leaflet / floor = {rate(leaflet) / floor:.2f} (the floor writes "
        f"{results['floor', wards]['file_bytes'] / 1e6:.2f} MB files: "
        f"{floor:,.0f} files/s, {floor * results['floor', wards]['file_bytes'] / 1e6:,.0f} MB/s)"
    )
    combined = results["combined", wards]
    print(
        f"combined file (--combined): {combined['wards']:,} wards, {combined['pages']:,} pages, "
        f"{combined['combined_bytes'] / 1e6:.1f} MB "
        f"= {combined['combined_bytes'] / combined['one_ward_bytes']:.1f}x one ward's file "
        f"({combined['one_ward_bytes'] / 1e6:.2f} MB); "
        f"{combined['image_objects']} image objects; written in {combined['seconds']:.1f} s, peak "
        f"{combined['peak_mb']:.0f} MB"
    )
    print()
    print(
        f"leaflet setup: load {leaflet['load_s']:.2f} s + prepare_run {leaflet['prepare_s']:.2f} s (once per run); "
        f"import {leaflet['import_s']:.2f} s; peak {leaflet['peak_mb_after_prepare']:.0f} MB after prepare"
    )
    if len(scale) >= 2:
        small, large = results["leaflet", min(scale)], results["leaflet", max(scale)]
        per_small = small["seconds"] / small["files"] * 1000
        per_large = large["seconds"] / large["files"] * 1000
        print(
            f"leaflet scaling: {min(scale)} wards {per_small:.2f} ms/ward (median {small['median_ms']:.2f}, p95 "
            f"{small['p95_ms']:.2f}), "
            f"peak {small['peak_mb']:.0f} MB; {max(scale)} wards {per_large:.2f} ms/ward (median "
            f"{large['median_ms']:.2f}, "
            f"p95 {large['p95_ms']:.2f}), peak {large['peak_mb']:.0f} MB; ratio {per_large / per_small:.2f} (1.00 = "
            "linear)"
        )
    for key in [("leaflet", n) for n in sorted({wards, *scale})]:
        if results[key]["failed"]:
            print(
                f"leaflet {key[1]} wards: {results[key]['failed']} wards failed (e.g. "
                f"{', '.join(results[key]['failed_codes'])})"
            )
    cpu = {
        key: results[key]["cpu_seconds"] / results[key]["seconds"]
        for key in results
        if "cpu_seconds" in results[key] and results[key]["seconds"]
    }
    for tool in ("leaflet", "typst"):
        if len(results[tool, wards].get("rates", [])) > 1:
            print(
                f"{tool} at {wards} wards, files/s of each run: "
                + ", ".join(f"{r:.1f}" for r in results[tool, wards]["rates"])
            )
    print("CPU time / wall time: " + ", ".join(f"{tool} {n}: {value:.2f}" for (tool, n), value in cpu.items()))
    print()
    print("Sample output (first ward):")
    for tool, text in checks.items():
        print(f"  {tool:<11} {text}")


if __name__ == "__main__":
    main()
