"""What preparing a run makes from its inputs that takes time and is always the same for the
same inputs (a photo's press-ready CMYK JPEG, what a font file tells its PDF objects), kept on
disk from one run to the next: a campaign is built, checked and proofed again and again.

An entry is found by the SHA-256 of everything it is made from: the input file's bytes, the
settings, the libraries' versions and the source of the module that makes it. A changed photo,
setting or leaflet is a new entry, never a stale one. Each entry ends in the SHA-256 of what it
holds, so a damaged entry is made again. The folder is ``$LEAFLET_CACHE_DIR``, else
``$XDG_CACHE_HOME/leaflet``, else ``~/.cache/leaflet``; ``LEAFLET_CACHE_DIR=`` (empty) keeps
nothing. A folder that cannot be written costs only the time.
"""

from __future__ import annotations

import hashlib
import os
import tempfile
from collections.abc import Callable
from functools import cache
from pathlib import Path

_CHECK = 32  # bytes of SHA-256 after each entry's contents


def cache_folder() -> Path | None:
    given = os.environ.get("LEAFLET_CACHE_DIR")
    if given is not None:
        return Path(given) if given else None
    base = os.environ.get("XDG_CACHE_HOME")
    if not base:
        try:
            base = str(Path.home() / ".cache")
        except RuntimeError:  # no home folder to be found (a service's user): nothing is kept
            return None
    return Path(base) / "leaflet"


@cache
def source_digest(module_file: str) -> bytes:
    """The SHA-256 of a module's source: what makes an entry is part of its key."""
    return hashlib.sha256(Path(module_file).read_bytes()).digest()


def file_digest(path: Path) -> bytes:
    return hashlib.sha256(path.read_bytes()).digest()


def remembered(kind: str, key: list[bytes], make: Callable[[], bytes]) -> bytes:
    """``make()``, or what it gave last time for the same ``key`` (all it is made from)."""
    folder = cache_folder()
    if folder is None:
        return make()
    digest = hashlib.sha256()
    for part in key:  # each part's length first: no two keys run together alike
        digest.update(len(part).to_bytes(8, "big"))
        digest.update(part)
    path = folder / kind / digest.hexdigest()
    try:
        stored = path.read_bytes()
    except OSError:
        stored = b""
    contents, check = stored[:-_CHECK], stored[-_CHECK:]
    if len(stored) > _CHECK and hashlib.sha256(contents).digest() == check:
        return contents
    contents = make()
    _store(path, contents + hashlib.sha256(contents).digest())
    return contents


def _store(path: Path, data: bytes) -> None:
    """Written under a temporary name and renamed: a reader never sees half an entry."""
    try:
        path.parent.mkdir(mode=0o700, parents=True, exist_ok=True)
        handle, temporary = tempfile.mkstemp(prefix=".", suffix=".part", dir=path.parent)
    except OSError:
        return
    try:
        with os.fdopen(handle, "wb") as out:
            out.write(data)
        os.replace(temporary, path)
    except OSError:
        Path(temporary).unlink(missing_ok=True)
