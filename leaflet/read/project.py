"""A campaign folder -> the project folder its files may come from, and paths held inside it."""

from __future__ import annotations

from pathlib import Path


def project_folder(campaign_dir: Path) -> Path:
    """The folder a campaign's files may come from: the nearest one above it that holds a
    ``layouts`` folder (the project: layouts/, content/, fonts/, images/), or the campaign's own."""
    campaign_dir = campaign_dir.resolve()
    for folder in (campaign_dir, *campaign_dir.parents):
        if (folder / "layouts").is_dir():
            return folder
    return campaign_dir


def is_file(path: Path) -> bool:
    try:
        return path.is_file()
    except OSError:  # a name too long for the system, say
        return False
