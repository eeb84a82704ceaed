"""Print files the print order no longer lists -> moved out of the print folder into
``not-for-print/``, with a README line each saying why, so that the print folder holds exactly
what its manifest lists (nothing is deleted: a file moved aside can be looked at, or moved back).
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
