"""leaflet serve's speed: one edit to a new preview on one core, and 20 organisers editing
different wards at once against one server.

    python bench/serve.py [--edits N] [--organisers 20] [--rounds 15] [--workers 2] [--repeat 3]

Part 1 pins this process to one CPU and times ``Previews.preview`` for edits of the example's
local text (lay out, draw, preflight and render both pages at screen size, as the page gets
them): with both pages rendered whole; with both rendered again but only in the rows where their
frames changed (``runs.repaint``); and as served (a page whose drawing did not change is not
rendered at all, the other repainted).  Part 2 starts ``leaflet serve --workers W`` on a copy of the example
with enough wards, signs in one organiser per ward and has them all edit at once over loopback:
each edit (a few words typed, 1 to 2 s apart) asks for a preview, every third one saves it;
afterwards every ward's stored versions are checked against what was saved.  Bounded: each
organiser makes ``rounds`` edits, and the run stops after ``--limit-s`` seconds whatever happens.
Part 3 (``--queue-wards 1000``) makes a campaign of that many wards, signs a third of them off
with ``leaflet approve`` (timed: each drawn as the build draws it and fully preflighted), gives
others local versions in every state, starts ``leaflet serve`` and times the reviewer's queue
page: the first load (which preflights what it can in its time and leaves the rest to a
background thread), then, once every ward is checked, loads of the first page, a filtered page
and a ward's review page.  ``--parts`` chooses which parts run.
Not a test; pytest does not collect it.
"""

from __future__ import annotations

import argparse
import asyncio
import csv
import os
import random
import shutil
import socket
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import httpx

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from leaflet.commands.approve import approve  # noqa: E402
from leaflet.commands.invite import invite  # noqa: E402
from leaflet.runs.local import read_values  # noqa: E402
from leaflet.runs.preview import Previews  # noqa: E402
from leaflet.runs.repaint import Repaints  # noqa: E402
from leaflet.runs.storage import Storage  # noqa: E402

DEMO = ROOT / "content" / "pcc-2021"
WARD = "E05011111"
WORDS = ["lighting", "speeding", "parking", "burglary", "youth", "clubs", "buses", "litter", "noise", "parks", "floods"]


def percentile(values: list[float], fraction: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(fraction * (len(ordered) - 1)))]


def text_for(step: int) -> str:
    words = [WORDS[(step * 7 + i) % len(WORDS)] for i in range(8 + step % 17)]
    return f"**In our ward, the first thing to fix is {words[0]}.** " + " ".join(words) + f" (edit {step})."


def one_core(edits: int) -> dict[str, float]:
    if hasattr(os, "sched_setaffinity"):
        os.sched_setaffinity(0, {sorted(os.sched_getaffinity(0))[0]})
    previews = Previews(DEMO)
    start = previews.starting_values(WARD)
    local = previews.campaign.local
    for step in range(5):  # warm: the caches a server has after its first requests
        previews.preview(WARD, read_values(local, {"slots": {"local_focus": text_for(step)}}, start))
    results = {}
    for mode in ("both pages rendered whole", "both pages repainted where changed", "as served"):
        times = []
        for step in range(edits):
            values = read_values(local, {"slots": {"local_focus": text_for(step + 1000)}}, start)
            if mode != "as served":  # no page kept by the digest of its drawing
                previews._rendered.clear()
            if mode == "both pages rendered whole":  # nor an earlier render to repaint
                previews._repaints = Repaints()
            began = time.perf_counter()
            preview = previews.preview(WARD, values)
            times.append((time.perf_counter() - began) * 1000)
            assert len(preview.pages) == 2
        results[f"{mode} p50 ms"] = statistics.median(times)
        results[f"{mode} p95 ms"] = percentile(times, 0.95)
    return results


def campaign_with_wards(folder: Path, count: int) -> Path:
    """A copy of the example project whose wards file has ``count`` wards (rows repeated with new codes)."""
    for name in ("layouts", "fonts", "images"):
        shutil.copytree(ROOT / name, folder / name)
    campaign = folder / "content" / "pcc-2021"
    shutil.copytree(DEMO, campaign, ignore=shutil.ignore_patterns("local-edits"))
    with (DEMO / "wards.csv").open(encoding="utf-8", newline="") as source:
        rows = list(csv.DictReader(source))
    with (campaign / "wards.csv").open("w", encoding="utf-8", newline="") as out:
        writer = csv.DictWriter(out, fieldnames=list(rows[0]))
        writer.writeheader()
        for index in range(count):
            row = dict(rows[index % len(rows)])
            row["code"] = f"B{index:06d}"
            writer.writerow(row)
    return campaign


async def organiser(base: str, link: str, code: str, rounds: int, deadline: float, seed: int) -> dict:
    rng = random.Random(seed)
    latencies, errors, saves = [], [], []
    async with httpx.AsyncClient(base_url=base, timeout=30) as client:
        path = "/" + link.split("/", 3)[3]
        await client.get(path)
        await client.post(path)
        page = await client.get(f"/w/{code}")
        csrf = page.text.split('name="csrf" value="', 1)[1].split('"', 1)[0]
        headers = {"X-CSRF-Token": csrf, "Accept": "application/json"}
        version, known = 0, list[str]()
        for step in range(rounds):
            if time.monotonic() > deadline:
                break
            values = {"slots": {"local_focus": text_for(seed * 100 + step)}}
            began = time.perf_counter()
            answer = await client.post(
                f"/w/{code}/preview", json={"values": values, "known_pages": known}, headers=headers
            )
            latencies.append(time.perf_counter() - began)
            if answer.status_code != 200:
                errors.append(f"preview {answer.status_code}")
            else:
                known = [page["digest"] for page in answer.json()["pages"]]
            if step % 3 == 2:
                saved = await client.post(
                    f"/w/{code}/save", json={"values": values, "based_on": version}, headers=headers
                )
                if saved.status_code != 200:
                    errors.append(f"save {saved.status_code}")
                else:
                    version = saved.json()["version"]
                    saves.append(values["slots"]["local_focus"])
            await asyncio.sleep(rng.uniform(1.0, 2.0))  # typing a few words, then the pause the page waits for
    return {"code": code, "latencies": latencies, "errors": errors, "saves": saves}


def many_organisers(organisers: int, rounds: int, workers: int, limit_s: float) -> dict[str, float]:
    with tempfile.TemporaryDirectory() as tmp:
        campaign = campaign_with_wards(Path(tmp), organisers)
        with socket.socket() as probe:
            probe.bind(("127.0.0.1", 0))
            port = probe.getsockname()[1]
        base = f"http://127.0.0.1:{port}"
        codes = [f"B{index:06d}" for index in range(organisers)]
        links = {link.ward.code: link.url for link in invite(campaign, codes, url=base) if link.ward}
        server = subprocess.Popen(
            [sys.executable, "-m", "leaflet", "serve", str(campaign), "--port", str(port), "--workers", str(workers)],
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        try:
            deadline = time.monotonic() + 60
            while True:
                try:
                    if httpx.get(base + "/", timeout=2).status_code == 200:
                        break
                except httpx.HTTPError:
                    pass
                if time.monotonic() > deadline or server.poll() is not None:
                    raise SystemExit("leaflet serve did not start")
                time.sleep(0.2)
            for code in codes[:workers]:  # every worker prepares its run on its first preview: warm them
                httpx.get(f"{base}/w/{code}")
            stop = time.monotonic() + limit_s

            async def everyone():
                return await asyncio.gather(
                    *(organiser(base, links[code], code, rounds, stop, seed) for seed, code in enumerate(codes))
                )

            began = time.monotonic()
            results = asyncio.run(everyone())
            elapsed = time.monotonic() - began
        finally:
            server.terminate()
            server.wait(10)
        storage = Storage.for_campaign(campaign)
        lost = 0
        for result in results:
            kept = [v.local_values["slots"]["local_focus"] for v in storage.versions(result["code"]) if v.applied]
            lost += sum(1 for text in result["saves"] if text not in kept)
        latencies = [value * 1000 for result in results for value in result["latencies"]]
        return {
            "previews": len(latencies),
            "p50 ms": statistics.median(latencies),
            "p95 ms": percentile(latencies, 0.95),
            "max ms": max(latencies),
            "errors": sum(len(result["errors"]) for result in results),
            "saves": sum(len(result["saves"]) for result in results),
            "lost saves": lost,
            "seconds": elapsed,
        }


def _server(campaign: Path, workers: int) -> tuple[subprocess.Popen, str]:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    base = f"http://127.0.0.1:{port}"
    server = subprocess.Popen(
        [sys.executable, "-m", "leaflet", "serve", str(campaign), "--port", str(port), "--workers", str(workers)],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    deadline = time.monotonic() + 60
    while True:
        try:
            if httpx.get(base + "/", timeout=2).status_code == 200:
                return server, base
        except httpx.HTTPError:
            pass
        if time.monotonic() > deadline or server.poll() is not None:
            server.terminate()
            raise SystemExit("leaflet serve did not start")
        time.sleep(0.2)


def _states(campaign: Path, codes: list[str]) -> None:
    """Local versions in every state: a tenth submitted, a tenth sent back, a tenth approved, a
    tenth drafting."""
    storage = Storage.for_campaign(campaign)
    values = {"slots": {"local_focus": text_for(1)}, "fields": {}, "photos": {}}
    for index, code in enumerate(codes):
        kind = index % 10
        if kind > 3:
            continue
        storage.save(code, values, 0, "Organiser", None, "organiser")
        if kind == 3:
            continue  # a draft
        storage.record(code, "submit", 1, "Organiser", None, "organiser")
        if kind == 1:
            storage.record(code, "request-changes", 1, "Reviewer", None, "reviewer", {"comment": "Name the street"})
        elif kind == 2:
            storage.record(code, "approve", 1, "Reviewer", None, "reviewer", {"comment": ""})


def queue(wards: int, loads: int) -> dict[str, float]:
    with tempfile.TemporaryDirectory() as tmp:
        campaign = campaign_with_wards(Path(tmp), wards)
        codes = [f"B{index:06d}" for index in range(wards)]
        _states(campaign, codes)
        unchanged = [code for index, code in enumerate(codes) if index % 10 > 3]
        to_sign = unchanged[: wards // 3]
        began = time.perf_counter()
        signed = approve(campaign, "Bench Agent", to_sign, jobs=1)
        sign_off_s = time.perf_counter() - began
        assert not signed.refused, signed.refused
        link = invite(campaign, None, role="reviewer", name="Bench Reviewer", url="http://x")[0].url
        server, base = _server(campaign, 1)
        results: dict[str, float] = {"wards": wards, "signed off": len(signed.signed)}
        results["sign-off ms per ward, one core"] = 1000 * sign_off_s / len(to_sign)
        try:
            with httpx.Client(base_url=base, timeout=120) as client:
                path = "/" + link.split("/", 3)[3]
                client.get(path)
                client.post(path)
                began = time.perf_counter()
                first = client.get("/review")
                results["first load ms (preflights what it can, the rest in the background)"] = 1000 * (
                    time.perf_counter() - began
                )
                assert first.status_code == 200
                deadline = time.monotonic() + 300
                while "is still running" in client.get("/review").text:
                    assert time.monotonic() < deadline, "the background preflight did not finish"
                    time.sleep(0.5)
                for label, target in (
                    ("queue page", "/review"),
                    ("filtered page", "/review?state=signed+off&page=2"),
                    ("a ward's review page", f"/review/{codes[0]}"),
                ):
                    times = []
                    for _ in range(loads):
                        began = time.perf_counter()
                        answer = client.get(target)
                        times.append(1000 * (time.perf_counter() - began))
                        assert answer.status_code == 200, (target, answer.status_code)
                    results[f"{label} p50 ms"] = statistics.median(times)
                    results[f"{label} p95 ms"] = percentile(times, 0.95)
                page = client.get("/review").text
                assert page.count('class="ward-row"') == 50 and f"of {wards} wards" in page
        finally:
            server.terminate()
            server.wait(10)
        return results


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--edits", type=int, default=100)
    parser.add_argument("--organisers", type=int, default=20)
    parser.add_argument("--rounds", type=int, default=15)
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--limit-s", type=float, default=120)
    parser.add_argument("--queue-wards", type=int, default=1000)
    parser.add_argument("--queue-loads", type=int, default=20)
    parser.add_argument("--parts", default="preview,organisers,queue", help="which parts to run, comma-separated")
    args = parser.parse_args()
    parts = set(args.parts.split(","))
    if "queue" in parts:
        print(f"the review queue with {args.queue_wards} wards, leaflet serve (one worker), {args.queue_loads} loads:")
        for key, value in queue(args.queue_wards, args.queue_loads).items():
            print(f"  {key}: {value:.0f}")
    if "preview" in parts:
        print(f"one edit to a new preview, one core ({args.edits} edits, median of {args.repeat} runs):")
        runs = []
        for _ in range(args.repeat):
            # each run in its own process: pinned to one core, its own caches
            output = subprocess.run(
                [sys.executable, __file__, "--one-core-child", str(args.edits)],
                capture_output=True,
                text=True,
                check=True,
            ).stdout
            runs.append({key: float(value) for key, value in (line.split("=") for line in output.split())})
        for key in runs[0]:
            values = [run[key] for run in runs]
            print(f"  {key}: {statistics.median(values):.0f} (runs: {', '.join(f'{v:.0f}' for v in values)})")
    if "organisers" in parts:
        print(
            f"{args.organisers} organisers at once, leaflet serve --workers {args.workers}, {args.rounds} edits each "
            f"(median of {args.repeat} runs):"
        )
        many = [many_organisers(args.organisers, args.rounds, args.workers, args.limit_s) for _ in range(args.repeat)]
        for key in many[0]:
            values = [run[key] for run in many]
            print(f"  {key}: {statistics.median(values):.0f} (runs: {', '.join(f'{v:.0f}' for v in values)})")


if __name__ == "__main__":
    if len(sys.argv) == 3 and sys.argv[1] == "--one-core-child":
        for key, value in one_core(int(sys.argv[2])).items():
            print(f"{key.replace(' ', '_')}={value:.3f}")
    else:
        main()
