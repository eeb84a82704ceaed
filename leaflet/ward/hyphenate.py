"""A word and its language -> where a line may break it with a hyphen (Liang's patterns).

English takes pyphen's en_GB patterns; Welsh and Irish the TeX hyph-utf8 patterns shipped in
``leaflet/assets/hyphenation``.  A language without patterns (Scottish Gaelic, or any other)
gets no hyphens at all: a word is never broken on a guess.  Only words of letters are broken
(an apostrophe may join two parts, as in "force's"); never a word in capitals (an acronym), with
a digit or a mark the patterns do not know, nor one that a caller protects (a ward's own values:
names).  Soft hyphens (U+00AD) are handled where words are measured: they are the author's.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable
from functools import cache
from importlib import resources

import pyphen

SOFT_HYPHEN = "\u00ad"
_APOSTROPHES = re.compile(r"['\u2019]")
_LETTERS = re.compile(r"[^\W\d_]+")

# language -> (source, lefthyphenmin, righthyphenmin): how many letters stay before and after
# a hyphen.  2 and 3 are what the patterns' authors give (and TeX uses for English).
_LANGUAGES = {
    "en": ("pyphen:en_GB", 2, 3),
    "en-us": ("pyphen:en_US", 2, 3),
    "cy": ("hyph-cy.tex", 2, 3),
    "ga": ("hyph-ga.tex", 2, 3),
}


class Hyphenator:
    """The hyphenation points of a language's words, remembered once found."""

    def __init__(
        self,
        language: str,
        positions: Callable[[str], Iterable[int]],
        left: int,
        right: int,
        protected: frozenset[str] = frozenset(),
        cache: dict[str, tuple[int, ...]] | None = None,
    ):
        self.language = language
        self.left, self.right = left, right
        self._positions = positions  # a lower-case word of letters -> offsets where the patterns allow a hyphen
        self._protected = protected  # case-folded stretches of letters
        self._cache: dict[str, tuple[int, ...]] = {} if cache is None else cache

    def protecting(self, words: Iterable[str]) -> Hyphenator:
        """The same patterns, never breaking a word that has one of the stretches of letters of
        ``words`` (compared without case): "O'Brien" protects "O’Brien" and "Brien"."""
        protected = self._protected | {part.casefold() for word in words for part in _LETTERS.findall(word)}
        return Hyphenator(self.language, self._positions, self.left, self.right, frozenset(protected), self._cache)

    def points(self, word: str) -> tuple[int, ...]:
        """Offsets into ``word`` (a word as written, punctuation and all) where a hyphen may go."""
        points = self._cache.get(word)
        if points is None:
            points = self._cache[word] = self._find(word)
        if points and self._protected and any(part.casefold() in self._protected for part in _LETTERS.findall(word)):
            return ()
        return points

    def _find(self, word: str) -> tuple[int, ...]:
        start = next((i for i, char in enumerate(word) if char.isalpha()), len(word))
        end = len(word)
        while end > start and not word[end - 1].isalpha():
            end -= 1
        core = word[start:end]
        if len(core) < self.left + self.right:
            return ()
        if core.upper() == core:  # capitals: an acronym, or a style's uppercase
            return ()
        points: list[int] = []
        offset = start
        for part in _APOSTROPHES.split(core):
            if not part.isalpha():
                return ()  # a digit, a mark or a sign inside: not a word the patterns know
            if len(part) >= self.left + self.right:
                points.extend(
                    offset + point
                    for point in self._positions(part.lower())
                    if self.left <= point <= len(part) - self.right
                )
            offset += len(part) + 1
        return tuple(points)


@cache
def hyphenator_for(language: str) -> Hyphenator | None:
    """The hyphenator of a language code (``en``, ``cy``, ``en-GB``...), or None without patterns."""
    code = language.strip().lower().replace("_", "-")
    entry = _LANGUAGES.get(code) or _LANGUAGES.get(code.split("-")[0])
    if entry is None or not code:
        return None
    source, left, right = entry
    if source.startswith("pyphen:"):
        dictionary = pyphen.Pyphen(lang=source.removeprefix("pyphen:"), left=1, right=1)
        return Hyphenator(code, dictionary.positions, left, right)
    patterns = TexPatterns.read(resources.files("leaflet.assets") / "hyphenation" / source)
    return Hyphenator(code, patterns.positions, left, right)


class TexPatterns:
    """Liang's patterns and exceptions as a TeX file gives them (``\\patterns{}``, ``\\hyphenation{}``)."""

    def __init__(self, patterns: dict[str, tuple[int, ...]], exceptions: dict[str, tuple[int, ...]]):
        self.patterns = patterns  # letters ('.' marks a word's edge) -> the value before each letter and after the last
        self.exceptions = exceptions  # a word -> its only hyphenation points
        self.longest = max(map(len, patterns), default=0)

    @classmethod
    def read(cls, source) -> TexPatterns:
        text = re.sub(r"%.*", "", source.read_text(encoding="utf-8"))
        patterns: dict[str, tuple[int, ...]] = {}
        exceptions: dict[str, tuple[int, ...]] = {}
        for command, body in re.findall(r"\\(patterns|hyphenation)\s*\{([^}]*)\}", text):
            for token in body.split():
                if command == "hyphenation":
                    word = token.replace("-", "")
                    exceptions[word.lower()] = tuple(
                        index - number for number, index in enumerate(m.start() for m in re.finditer("-", token))
                    )
                    continue
                letters = re.sub(r"\d", "", token)
                values = [0] * (len(letters) + 1)
                position = 0
                for char in token:
                    if char.isdigit():
                        values[position] = int(char)
                    else:
                        position += 1
                patterns[letters] = tuple(values)
        return cls(patterns, exceptions)

    def positions(self, word: str) -> list[int]:
        """Offsets into ``word`` (lower case) after which the patterns allow a hyphen."""
        if word in self.exceptions:
            return list(self.exceptions[word])
        dotted = f".{word}."
        values = [0] * (len(dotted) + 1)
        for start in range(len(dotted)):
            for stop in range(start + 1, min(len(dotted), start + self.longest) + 1):
                pattern = self.patterns.get(dotted[start:stop])
                if pattern:
                    for index, value in enumerate(pattern, start):
                        if value > values[index]:
                            values[index] = value
        return [point for point in range(1, len(word)) if values[point + 1] % 2]
