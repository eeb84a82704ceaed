"""Files the print order does not list -> why each is not for print, and each moved out of the
print folder into ``not-for-print/`` with a README line saying why, so that the print folder holds
exactly what its manifest lists (nothing is deleted: a file moved aside can be looked at, or moved
back).  Press and office (Riso) output alike.
"""

from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path

from leaflet.errors import InputError
from leaflet.runs.files import write_atomically
from leaflet.runs.folders import make_folder

FOLDER = "not-for-print"
README = "README.txt"
_HEADER = (
    "NOT FOR PRINT. leaflet moved these files out of the print folder above, which holds exactly the "
    "files its manifest.csv lists. Each line: a file, then why it is here.\n\n"
)


@dataclass(frozen=True)
class MovedFile:
    name: str
    reason: str


@dataclass(frozen=True)
class Accounted:
    """What a print order says of one ward: its file for print (None when not for print), and
    otherwise its status and why."""

    file: str | None
    status: str
    reason: str


def unlisted_files(
    out_dir: Path,
    suffixes: tuple[str, ...],
    listed: set[str],
    owners: dict[str, str],
    wards: dict[str, Accounted],
    wards_file: str,
    known: dict[str, str],
    kind: str = "print file",
) -> dict[str, str]:
    """Every file in ``out_dir`` with one of ``suffixes`` that the print order does not list, and
    why: ``owners`` names the ward a file was written for (by this build's names and the last
    print order's), ``wards`` what the print order says of each ward of the spreadsheet, and
    ``known`` why a file of the run's own (not a ward's) is not listed; ``kind``: what a ward's
    file is."""
    reasons = {}
    for path in sorted(out_dir.iterdir()):
        if path.suffix.lower() not in suffixes or path.name in listed or not path.is_file():
            continue
        code = owners.get(path.name)
        ward = wards.get(code or "")
        if path.name in known:
            reason = known[path.name]
        elif code is None:
            reason = "in no print order: not written by leaflet for this campaign's wards"
        elif ward is None:
            reason = f"ward {code} is no longer in {wards_file}"
        elif ward.file:
            reason = f"ward {code}'s {kind} is now {ward.file}"
        else:
            reason = f"ward {code} {ward.status}: {ward.reason}"
        reasons[path.name] = reason
    return reasons


def move_aside(out_dir: Path, reasons: dict[str, str]) -> tuple[MovedFile, ...]:
    """Move each file named in ``reasons`` into ``out_dir``/not-for-print (replacing a file of
    that name moved there earlier) and add why to its README."""
    if not reasons:
        return ()
    folder = out_dir / FOLDER
    make_folder(folder)
    moved = []
    for name, reason in reasons.items():
        try:
            os.replace(out_dir / name, folder / name)
        except OSError as error:
            raise InputError(
                out_dir / name,
                None,
                f"cannot move it into {FOLDER}/ ({error.strerror}), and it is not for print",
                "delete it or move it away by hand",
            ) from None
        moved.append(MovedFile(name, " ".join(reason.split())))
    lines = [line for line in _readme_lines(folder) if line.split(": ", 1)[0] not in reasons]
    lines.extend(f"{file.name}: {file.reason}" for file in moved)
    write_atomically(folder / README, (_HEADER + "".join(line + "\n" for line in lines)).encode("utf-8"))
    return tuple(moved)


def _readme_lines(folder: Path) -> list[str]:
    """The README's lines for files still in the folder."""
    try:
        text = (folder / README).read_text(encoding="utf-8")
    except (OSError, ValueError):
        return []
    return [line for line in text.splitlines() if ": " in line and (folder / line.split(": ", 1)[0]).is_file()]
