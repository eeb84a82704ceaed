"""Office (Riso) output's speed: per ward, on one core, what leaflet build --for riso does, against
the press build of the same wards in the same run.

    python bench/riso.py [--wards N]

Pins this process to one CPU, makes N synthetic wards from the example's (unique codes, names
that keep their accents, as bench/run.py does), and times, per ward: laying out and checking its
Riso pages and separating its masters; its composite (rendered, inks multiplied, PNG written,
QR code read back); and, for the ratio, the press build's lay-out, preflight and file.  Prints
milliseconds a ward and the ratios.  Not a test; pytest does not collect it.
"""

from __future__ import annotations

import argparse
import csv
import os
import shutil
import statistics
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from leaflet.commands.riso import _Compositor  # noqa: E402
from leaflet.runs.preflight import Preflight  # noqa: E402
from leaflet.runs.prepare import load, prepare_run  # noqa: E402
from leaflet.runs.riso import prepare_riso  # noqa: E402


def _wards(path: Path, count: int) -> None:
    with open(ROOT / "content" / "pcc-2021" / "wards.csv", encoding="utf-8-sig", newline="") as stream:
        rows = list(csv.DictReader(stream))
    with open(path, "w", encoding="utf-8", newline="") as stream:
        writer = csv.DictWriter(stream, fieldnames=list(rows[0]))
        writer.writeheader()
        for index in range(count):
            row = dict(rows[index % len(rows)])
            row["code"] = f"W{index:07d}"
            if index >= len(rows):
                row["name"] = f"{row['name']} {index // len(rows) + 1}"
            writer.writerow(row)


def _per_ward_ms(task, wards) -> float:
    times = []
    for ward in wards:
        start = time.process_time()
        task(ward)
        times.append(time.process_time() - start)
    return statistics.median(times) * 1000


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--wards", type=int, default=100)
    args = parser.parse_args(argv)
    if hasattr(os, "sched_setaffinity"):
        os.sched_setaffinity(0, {min(os.sched_getaffinity(0))})
    folder = Path(tempfile.mkdtemp(prefix="leaflet-riso-bench-"))
    try:
        campaign = folder / "campaign"
        shutil.copytree(ROOT / "content" / "pcc-2021", campaign / "content" / "pcc-2021")
        for name in ("layouts", "fonts", "images"):
            shutil.copytree(ROOT / name, campaign / name)
        wards_csv = folder / "wards.csv"
        _wards(wards_csv, args.wards)
        campaigns, wards = load(campaign / "content" / "pcc-2021", wards_csv)

        start = time.process_time()
        riso = prepare_riso(campaigns, wards)
        prepare_s = time.process_time() - start
        separated = {}

        def separate(ward):
            leaflet, _ = riso.check(ward)
            assert leaflet is not None, ward.code
            separated[ward.code] = riso.separate(leaflet)

        separate_ms = _per_ward_ms(separate, wards)
        shared = {m.digest for code in separated for m in separated[code].values() if m.drum != "black"}
        paths = {ward.code: folder / f"{ward.code}.png" for ward in wards}
        composite_ms = _per_ward_ms(_Compositor(riso, separated, paths, shared), wards)

        press = prepare_run(campaigns, wards)
        preflight = Preflight(press, wards)

        def press_ward(ward):
            leaflet, _ = preflight.lay_out(ward)
            assert leaflet is not None, ward.code
            press.write(leaflet, folder / f"{ward.code}.pdf")

        press_ms = _per_ward_ms(press_ward, wards)
    finally:
        shutil.rmtree(folder, ignore_errors=True)
    print(f"{args.wards} wards, one core; medians a ward (process time)")
    print(f"  Riso run prepared once:            {prepare_s * 1000:8.0f} ms (fonts, halftones, shared frames)")
    print(f"  Riso: check and separate a ward:   {separate_ms:8.2f} ms")
    print(f"  Riso: its composite PNG and QR:    {composite_ms:8.2f} ms")
    print(f"  press: check and write its PDF:    {press_ms:8.2f} ms")
    print(f"  Riso masters / press file:         {separate_ms / press_ms:8.2f}x")
    print(f"  Riso masters and composite / press: {(separate_ms + composite_ms) / press_ms:7.1f}x")


if __name__ == "__main__":
    main()
