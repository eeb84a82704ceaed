"""A run's shared objects -> the shared part each ward's file starts with: the objects every file
needs (colour spaces, font subsets, the output intent) and only the artwork its pages draw.

Artwork (the photos and the static frames' Form XObjects of every language) is serialised once
a run, unnumbered; a part numbers the pieces it holds one after the other behind the common
objects.  There is one part per set of artwork some ward draws (one per language, and one more
for a ward that shows its own photo instead of the campaign's), each made once a run, and
``everything`` for the combined file.  A part depends on the campaign alone, so a ward built by
itself gets the bytes it gets in a full build.
"""

from __future__ import annotations

import hashlib
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from functools import cached_property

from leaflet.write import pdf


@dataclass(frozen=True)
class Artwork:
    """A photo or a run of static frames that pages draw by ``name``; ``serialise(number,
    resources)`` writes its object, a form's with ``resources`` as its resource dictionary."""

    name: str
    serialise: Callable[[int, pdf.Ref], bytes]
    form: bool = False
    draws: frozenset[str] = frozenset()  # a form's photos


@dataclass
class DocumentPart:
    """The first bytes of a ward's file and what its pages' resource dictionaries name."""

    shared: pdf.SharedPart
    resources: dict[str, dict[str, pdf.Ref]]
    next_number: int  # the first object number the ward's own objects take

    @cached_property
    def serialised_resources(self) -> bytes:
        return pdf.serialise(self.resources)

    @cached_property
    def head_hash(self) -> hashlib._Hash:
        """The SHA-256 of the head, to be copied and fed each file's tail."""
        return hashlib.sha256(self.shared.head)


@dataclass
class SharedObjects:
    """The common objects (numbered from 1) and the run's artwork, in the order parts number it."""

    common: list[tuple[int, bytes]]
    first_artwork_number: int
    resources: dict[str, dict[str, pdf.Ref]]  # fonts, colour spaces, graphics states
    artwork: list[Artwork] = field(default_factory=list)
    _parts: dict[frozenset[str], DocumentPart] = field(default_factory=dict)

    def part(self, drawn: Iterable[str]) -> DocumentPart:
        """The part for pages that draw the artwork named ``drawn`` (a form's photos go with it)."""
        names = set(drawn)
        names.update(name for piece in self.artwork if piece.name in names for name in piece.draws)
        key = frozenset(names)
        if key not in self._parts:
            self._parts[key] = self._assemble(key)
        return self._parts[key]

    @cached_property
    def everything(self) -> DocumentPart:
        return self.part(piece.name for piece in self.artwork)

    def _assemble(self, names: frozenset[str]) -> DocumentPart:
        body = pdf.Body()
        for number, serialised in self.common:
            body.add(number, serialised)
        chosen = [piece for piece in self.artwork if piece.name in names]
        refs = {piece.name: pdf.Ref(self.first_artwork_number + index) for index, piece in enumerate(chosen)}
        form_resources = pdf.Ref(self.first_artwork_number + len(chosen))
        for piece in chosen:
            number = refs[piece.name].number
            body.add(number, piece.serialise(number, form_resources))
        photos = {piece.name: refs[piece.name] for piece in chosen if not piece.form}
        body.add(form_resources.number, pdf.indirect(form_resources.number, {**self.resources, "XObject": photos}))
        return DocumentPart(
            pdf.SharedPart.from_body(body), {**self.resources, "XObject": refs}, form_resources.number + 1
        )
