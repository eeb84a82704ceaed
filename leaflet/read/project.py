"""A campaign folder -> the project folder its files may come from; a path named in a file or a
cell -> the file it is on disk, kept inside the project.

A path stays inside the project when the file it leads to, links followed, does: a link that
leads out is refused like a path that does.  A name matches a file whose name differs from it
only in Unicode normalisation (typed 'Gŵyr.jpg', composed, for a file stored decomposed, as
macOS writes names, or the reverse).
"""

from __future__ import annotations

import os
import unicodedata
from pathlib import Path


def project_folder(campaign_dir: Path) -> Path:
    """The folder a campaign's files may come from: the nearest one above it, as given (its links
    not followed), that holds a ``layouts`` folder (the project: layouts/, content/, fonts/,
    images/), or the campaign's own."""
    campaign_dir = Path(os.path.abspath(campaign_dir))
    for folder in (campaign_dir, *campaign_dir.parents):
        if (folder / "layouts").is_dir():
            return folder
    return campaign_dir


def is_file(path: Path) -> bool:
    try:
        return path.is_file()
    except OSError:  # a name too long for the system, say
        return False


def outside_project(path: Path, project: Path) -> str | None:
    """Why the file ``path`` names is not inside ``project`` (links followed), or None if it is."""
    try:
        real = path.resolve()
        inside = real.is_relative_to(project.resolve())
    except (OSError, RuntimeError):  # a loop of links
        return f"leads through a loop of links, out of the project folder {project}"
    if inside:
        return None
    if named_inside(path, project):
        return f"is a link that leads out of the project folder {project} (to {real})"
    return f"leads out of the project folder {project}"


def named_inside(path: Path, project: Path) -> bool:
    """Whether ``path``, as written (links not followed), names a place inside ``project``."""
    return Path(os.path.normpath(os.path.abspath(path))).is_relative_to(os.path.abspath(project))


def on_disk(path: Path) -> Path:
    """``path`` as it is on disk: where a part of it is not found, the one entry of its folder
    whose name is the same text in another Unicode normalisation; unchanged when none is."""
    path = Path(path)
    if str(path).isascii() or os.path.lexists(path):
        return path
    found = Path(path.anchor)
    for part in path.parts[1:] if path.anchor else path.parts:
        candidate = found / part
        if not part.isascii() and not os.path.lexists(candidate):
            wanted = unicodedata.normalize("NFC", part)
            try:
                matches = [name for name in os.listdir(found) if unicodedata.normalize("NFC", name) == wanted]
            except OSError:
                return path
            if len(matches) != 1:
                return path
            candidate = found / matches[0]
        found = candidate
    return found
