"""Two versions of some words -> what changed between them: the words, kept or deleted or
inserted, for a reviewer's page, and a one-line summary ("“crime” → “crimes”, and 2 more
changes") for a sign-off that no longer holds.

Words are compared as words (a run of white space is one gap), so a reflowed paragraph is not
a change and a changed letter shows as its whole word.
"""

from __future__ import annotations

import difflib
import re
from dataclasses import dataclass
from typing import Literal

SUMMARY_WORDS = 6  # of a change, in the one-line summary: the rest is "…"


@dataclass(frozen=True)
class Piece:
    kind: Literal["same", "deleted", "inserted"]
    text: str


def _words(text: str) -> list[str]:
    return re.findall(r"\S+", text)


def word_diff(before: str, after: str) -> tuple[Piece, ...]:
    """The words of ``after`` with those of ``before`` that it no longer has, in reading order:
    each run of deleted words just before the run of words that replaced it."""
    old, new = _words(before), _words(after)
    pieces: list[Piece] = []
    matcher = difflib.SequenceMatcher(None, old, new, autojunk=False)
    for tag, old_start, old_end, new_start, new_end in matcher.get_opcodes():
        if tag == "equal":
            pieces.append(Piece("same", " ".join(new[new_start:new_end])))
            continue
        if old_end > old_start:
            pieces.append(Piece("deleted", " ".join(old[old_start:old_end])))
        if new_end > new_start:
            pieces.append(Piece("inserted", " ".join(new[new_start:new_end])))
    return tuple(pieces)


def _clipped(text: str) -> str:
    words = text.split(" ")
    return " ".join(words[:SUMMARY_WORDS]) + (" …" if len(words) > SUMMARY_WORDS else "")


def change_summary(before: str, after: str) -> str:
    """The first change in a few words, and how many more there are; "" when the words are the
    same (the text changed only in its spacing or line breaks)."""
    changes: list[str] = []
    pieces = word_diff(before, after)
    index = 0
    while index < len(pieces):
        piece = pieces[index]
        if piece.kind == "same":
            index += 1
            continue
        if piece.kind == "deleted" and index + 1 < len(pieces) and pieces[index + 1].kind == "inserted":
            changes.append(f"“{_clipped(piece.text)}” → “{_clipped(pieces[index + 1].text)}”")
            index += 2
            continue
        changes.append(f"{'removed' if piece.kind == 'deleted' else 'added'} “{_clipped(piece.text)}”")
        index += 1
    if not changes:
        return ""
    more = len(changes) - 1
    return changes[0] + (f", and {more} more change{'s' if more != 1 else ''}" if more else "")
