"""Every ward's pages, in order -> the combined print file: one print job a printer's RIP can run
and split, with a bookmark (outline item) per ward at its first page and page labels per ward
("E05001234 1", "E05001234 2").

Outlines and page labels are both PDF 1.3, so the file stays PDF/X-1a:2001.  The shared objects
are stored once; each ward's objects are written out as they come, so memory stays flat however
many wards there are (per ward only its bookmark's title and first page are kept for the end).
"""

from __future__ import annotations

import itertools
from dataclasses import dataclass

from leaflet.write import pdf
from leaflet.write.draw import ByteSink, PreparedDocument, WardPages, finish_objects, write_pages


@dataclass(frozen=True)
class JobWard:
    """Where one ward sits in the job: its bookmark's title and its pages (first, last; from 1)."""

    code: str
    title: str
    first_page: int
    last_page: int


def bookmark_title(code: str, name: str) -> str:
    return f"{code} {name}"


def page_label_prefix(code: str) -> str:
    """What a ward's page labels start with; the page number within the ward follows."""
    return f"{code} "


class CombinedFile:
    """The combined print file, written to ``stream`` ward by ward; ``close`` writes the outline,
    the page labels, the catalog and the cross-reference table."""

    def __init__(self, stream: ByteSink, prepared: PreparedDocument, title: str):
        self.stream = stream
        self.prepared = prepared
        self.part = prepared.everything  # the shared part holding every ward's artwork
        self.title = title
        self.numbers = itertools.count(self.part.next_number)
        self.pages_number = next(self.numbers)
        self.page_numbers: list[int] = []
        self.wards: list[JobWard] = []
        self._first_page_objects: list[int] = []
        self.body = pdf.Body(len(self.part.shared.head))
        stream.write(self.part.shared.head)

    def add(self, pages: WardPages) -> JobWard:
        """Append a ward's pages; where they are in the job."""
        numbers = write_pages(pages, self.prepared, self.part, self.numbers, self.body, self.pages_number)
        first = len(self.page_numbers) + 1
        self.page_numbers.extend(numbers)
        self.stream.write(self.body.data())
        self.body.chunks.clear()
        ward = JobWard(
            pages.ward_code, bookmark_title(pages.ward_code, pages.ward_name), first, first + len(numbers) - 1
        )
        self.wards.append(ward)
        self._first_page_objects.append(numbers[0])
        return ward

    def close(self) -> None:
        entries: dict = {}
        if self.wards:
            entries = {
                "PageMode": pdf.Name("UseOutlines"),
                "Outlines": pdf.Ref(self._write_outline()),
                "PageLabels": pdf.Ref(self._write_page_labels()),
            }
        catalog, info = next(self.numbers), next(self.numbers)
        finish_objects(
            self.body,
            self.prepared,
            catalog,
            self.pages_number,
            info,
            self.page_numbers,
            self.title,
            f"Print job: {len(self.wards)} wards, {len(self.page_numbers)} pages",
            entries,
        )
        self.stream.write(pdf.file_tail(self.part.shared, self.body, catalog, info))

    def _write_outline(self) -> int:
        """A flat outline: one item per ward, in the job's order, opening its first page whole."""
        root = next(self.numbers)
        items = [next(self.numbers) for _ in self.wards]
        self.body.add(
            root,
            pdf.indirect(
                root,
                {
                    "Type": pdf.Name("Outlines"),
                    "First": pdf.Ref(items[0]),
                    "Last": pdf.Ref(items[-1]),
                    "Count": len(items),
                },
            ),
        )
        for index, (number, ward, page) in enumerate(zip(items, self.wards, self._first_page_objects, strict=True)):
            entries: dict = {"Title": ward.title, "Parent": pdf.Ref(root)}
            if index > 0:
                entries["Prev"] = pdf.Ref(items[index - 1])
            if index + 1 < len(items):
                entries["Next"] = pdf.Ref(items[index + 1])
            entries["Dest"] = [pdf.Ref(page), pdf.Name("Fit")]
            self.body.add(number, pdf.indirect(number, entries))
        return root

    def _write_page_labels(self) -> int:
        """A number tree of one node: at each ward's first page (from 0), its prefix and decimal
        numbers from 1."""
        number = next(self.numbers)
        nums: list = []
        for ward in self.wards:
            nums.append(ward.first_page - 1)
            nums.append({"S": pdf.Name("D"), "P": page_label_prefix(ward.code), "St": 1})
        self.body.add(number, pdf.indirect(number, {"Nums": nums}))
        return number
