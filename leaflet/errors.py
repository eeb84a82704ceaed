"""User errors -> one line a person can act on.

Every mistake in a campaign's files is raised as a subclass of LeafletError.  The CLI prints
``str(error)`` and exits; no traceback reaches the user.  Anything else that escapes is a bug.
"""

from __future__ import annotations

import re
from pathlib import Path


def shorten(text: str, limit: int = 40) -> str:
    """A value cut to a length a one-line message can hold: its start, an ellipsis, its end."""
    text = " ".join(str(text).split()) if len(str(text)) > limit else str(text)
    if len(text) <= limit:
        return text
    head = limit * 2 // 3
    return f"{text[:head]}…{text[-(limit - head - 1) :]}"


class LeafletError(Exception):
    """Base of every error a user can fix by changing their files or options."""

    exit_code = 2


class InputError(LeafletError):
    """A file, or a field in it, is missing, malformed or inconsistent.

    ``where`` names the place inside the file: a key path (``pages.front[2].style``) or a line
    (``line 14``).  ``hint`` says what to do about it.
    """

    def __init__(self, path: Path | str | None, where: str | None, message: str, hint: str | None = None):
        self.path = Path(path) if path is not None else None
        self.where = where
        self.message = message
        self.hint = hint
        super().__init__(str(self))

    def __reduce__(self):  # rebuilt from its parts when a worker process raises it
        return type(self), (self.path, self.where, self.message, self.hint)

    def __str__(self) -> str:
        place = ": ".join(part for part in (str(self.path) if self.path else None, self.where) if part)
        text = f"{place}: {self.message}" if place else self.message
        return f"{text} ({self.hint})" if self.hint else text


class InputErrors(InputError):
    """Several problems found in one pass over a file: each is one line of its own."""

    def __init__(self, errors: list[InputError]):
        self.errors = errors
        first = errors[0]
        super().__init__(first.path, first.where, first.message, first.hint)

    def __reduce__(self):
        return type(self), (self.errors,)

    def __str__(self) -> str:
        return "\n".join(str(error) for error in self.errors)


class DoesNotFit(LeafletError):
    """Text does not fit its frame (or frame chain) even at the style's minimum size."""

    exit_code = 1

    def __init__(self, frame: str, overflow_words: int, first_words: str, ward: str | None = None):
        self.frame = frame
        self.overflow_words = overflow_words
        self.first_words = first_words
        self.ward = ward
        super().__init__(str(self))

    def __reduce__(self):
        return type(self), (self.frame, self.overflow_words, self.first_words, self.ward)

    def __str__(self) -> str:
        who = f"ward {self.ward}: " if self.ward else ""
        return (
            f"{who}text does not fit frame '{self.frame}' even at its minimum size: "
            f'{self.overflow_words} word(s) left over, starting "{self.first_words}" '
            "(shorten the text, enlarge the frame or lower the style's min_size_pt)"
        )

    @staticmethod
    def words_over(message: str) -> int | None:
        """The words left over, read back from a message of this class (a Finding keeps only
        its message)."""
        match = re.search(r": (\d+) word\(s\) left over", message)
        return int(match.group(1)) if match else None
