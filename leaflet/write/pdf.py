"""PDF syntax -> bytes: numbers, names, strings, dictionaries, streams, and the file's skeleton.

Just what leaflet writes (PDF 1.3, classic cross-reference table), kept small so that a run can
serialise its shared objects once and then assemble each ward's file from a few new objects.
"""

from __future__ import annotations

import hashlib
import zlib
from dataclasses import dataclass
from functools import cached_property

HEADER = b"%PDF-1.3\n%\xe2\xe3\xcf\xd3\n"


class Name(str):
    """A PDF name, written /Like_this."""


@dataclass(frozen=True)
class Ref:
    number: int


def number(value: float) -> bytes:
    if isinstance(value, int) or value == int(value):
        return b"%d" % int(value)
    return (b"%.4f" % value).rstrip(b"0").rstrip(b".")


def text_string(text: str) -> bytes:
    """A text string: PDFDocEncoding-safe ASCII as a literal, anything else as UTF-16BE hex."""
    if text.isascii():
        escaped = (
            text.replace("\\", "\\\\").replace("(", "\\(").replace(")", "\\)").replace("\r", "\\r").replace("\n", "\\n")
        )
        return b"(" + escaped.encode("ascii") + b")"
    return b"<FEFF" + text.encode("utf-16-be").hex().upper().encode("ascii") + b">"


def serialise(value) -> bytes:
    if isinstance(value, Name):
        if value.isascii() and value.isalnum():
            return b"/" + value.encode("ascii")
        return b"/" + "".join(c if c.isalnum() or c in "-_.+" else f"#{ord(c):02X}" for c in value).encode("ascii")
    if isinstance(value, bool):
        return b"true" if value else b"false"
    if isinstance(value, (int, float)):
        return number(value)
    if isinstance(value, Ref):
        return b"%d 0 R" % value.number
    if isinstance(value, str):
        return text_string(value)
    if isinstance(value, bytes):
        return value  # already PDF syntax
    if isinstance(value, (list, tuple)):
        return b"[" + b" ".join(serialise(item) for item in value) + b"]"
    if isinstance(value, dict):
        return (
            b"<<" + b"".join(b"/" + key.encode("ascii") + b" " + serialise(item) for key, item in value.items()) + b">>"
        )
    if value is None:
        return b"null"
    raise TypeError(f"cannot write {type(value).__name__} to PDF")


def indirect(number_: int, value) -> bytes:
    return b"%d 0 obj\n" % number_ + serialise(value) + b"\nendobj\n"


def stream(number_: int, entries: dict, data: bytes, compress: bool = True) -> bytes:
    if compress:
        data = zlib.compress(data, 6)
        entries = {**entries, "Filter": Name("FlateDecode")}
    entries = {**entries, "Length": len(data)}
    return b"%d 0 obj\n" % number_ + serialise(entries) + b"\nstream\n" + data + b"\nendstream\nendobj\n"


class Body:
    """Objects laid end to end after the header, with the offsets a cross-reference table needs."""

    def __init__(self, start: int = len(HEADER)):
        self.chunks: list[bytes] = []
        self.offsets: dict[int, int] = {}
        self.position = start

    def add(self, number_: int, serialised: bytes) -> None:
        self.offsets[number_] = self.position
        self.chunks.append(serialised)
        self.position += len(serialised)

    def data(self) -> bytes:
        return b"".join(self.chunks)


@dataclass(frozen=True)
class SharedPart:
    """The first bytes of every file of a run: the header and the objects serialised once."""

    head: bytes
    offsets: dict[int, int]
    digest: bytes

    @classmethod
    def from_body(cls, body: Body) -> SharedPart:
        head = HEADER + body.data()
        return cls(head, dict(body.offsets), hashlib.md5(head).digest())

    @cached_property
    def xref_rows(self) -> tuple[int, bytes]:
        """The cross-reference rows of objects 0 up to the last shared one: the same in every file."""
        count = max(self.offsets, default=0) + 1
        return count, _xref_rows(self.offsets, 0, count)


def _xref_rows(offsets: dict[int, int], start: int, stop: int) -> bytes:
    return b"".join(
        b"%010d 00000 n \n" % offsets[n] if n in offsets else b"0000000000 65535 f \n" for n in range(start, stop)
    )


def file_tail(shared: SharedPart, own: Body, root: int, info: int) -> bytes:
    """What follows the shared head: this file's own objects, the xref table and the trailer.

    The document ID is an MD5 over the shared part's digest and this file's own objects: the
    same inputs give the same ID, without hashing the (large, unchanging) shared part per file.
    """
    shared_count, shared_rows = shared.xref_rows
    count = max(own.offsets, default=shared_count - 1) + 1
    own_rows = _xref_rows(own.offsets, shared_count, count)
    own_data = own.data()
    document_id = hashlib.md5(shared.digest + own_data + b"%d" % count).hexdigest().upper().encode("ascii")
    trailer = serialise({"Size": count, "Root": Ref(root), "Info": Ref(info), "ID": [b"<" + document_id + b">"] * 2})
    return b"".join(
        (
            own_data,
            b"xref\n0 %d\n" % count,
            shared_rows,
            own_rows,
            b"trailer\n",
            trailer,
            b"\nstartxref\n%d\n%%%%EOF\n" % own.position,
        )
    )
