"""leaflet serve's speed: one edit to a new preview on one core, and 20 organisers editing
different wards at once against one server.

    python bench/serve.py [--edits N] [--organisers 20] [--rounds 15] [--workers 2] [--repeat 3]

Part 1 pins this process to one CPU and times ``Previews.preview`` for edits of the example's
local text (lay out, draw, preflight and render both pages at screen size, as the page gets
them): once with every page rendered afresh, once as served (a page whose drawing did not change
is not rendered again).  Part 2 starts ``leaflet serve --workers W`` on a copy of the example
with enough wards, signs in one organiser per ward and has them all edit at once over loopback:
each edit (a few words typed, 1 to 2 s apart) asks for a preview, every third one saves it;
afterwards every ward's stored versions are checked against what was saved.  Bounded: each
organiser makes ``rounds`` edits, and the run stops after ``--limit-s`` seconds whatever happens.
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

from leaflet.commands.invite import invite  # noqa: E402
from leaflet.runs.local import read_values  # noqa: E402
from leaflet.runs.preview import Previews  # noqa: E402
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
    for mode in ("both pages rendered", "as served"):
        times = []
        for step in range(edits):
            values = read_values(local, {"slots": {"local_focus": text_for(step + 1000)}}, start)
            if mode == "both pages rendered":
                previews._rendered.clear()
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


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--edits", type=int, default=100)
    parser.add_argument("--organisers", type=int, default=20)
    parser.add_argument("--rounds", type=int, default=15)
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--limit-s", type=float, default=120)
    args = parser.parse_args()
    print(f"one edit to a new preview, one core ({args.edits} edits, median of {args.repeat} runs):")
    runs = []
    for _ in range(args.repeat):
        # each run in its own process: pinned to one core, its own caches
        output = subprocess.run(
            [sys.executable, __file__, "--one-core-child", str(args.edits)], capture_output=True, text=True, check=True
        ).stdout
        runs.append({key: float(value) for key, value in (line.split("=") for line in output.split())})
    for key in runs[0]:
        values = [run[key] for run in runs]
        print(f"  {key}: {statistics.median(values):.0f} (runs: {', '.join(f'{v:.0f}' for v in values)})")
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
