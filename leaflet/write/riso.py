"""Laid-out Riso pages -> one greyscale master per drum (DeviceGray, 0 = full ink): each page's
separation for that drum, imposed 2-up on the sheet, with the cut marks; and the file of a run's
masters for each drum.

Drawing never measures.  A colour prints on its drum at its tint and, unless it overprints,
knocks out the other drums where it prints (paper knocks out every drum), as it hides what is
under it in the press file; photos print on the photos' drum and knock out the others.
``prepare_drums`` serialises once per run what every master of a drum shares: font subsets, the
photos' drum images and each static frame's separation as a Form XObject; per ward,
``separate`` draws only its own frames.  A master's digest is that of its content and its own
photos, so that wards whose masters are the same can share one.
"""

from __future__ import annotations

import hashlib
import itertools
from dataclasses import dataclass, field, replace
from functools import cached_property, lru_cache
from typing import assert_never

from leaflet.assets.halftone import DrumImage, drum_image
from leaflet.assets.images import read_image_source
from leaflet.model import (
    BoxPt,
    Cmyk,
    Drum,
    DrumInk,
    FilledBox,
    Item,
    LaidOutFrame,
    LaidOutLeaflet,
    Layout,
    PlacedImage,
    PlacedQr,
    RisoSpec,
    TextLine,
    mm_to_pt,
)
from leaflet.version import __version__
from leaflet.ward.imposition import CUT_MARK_PT, SheetPlan, intersect
from leaflet.write import pdf
from leaflet.write.draw import ByteSink, pdf_date
from leaflet.write.operators import DrawnFace, image_ops, qr_ops, rect_ops, text_ops
from leaflet.write.pdffont import BASE_REPERTOIRE, EmbeddedFont, FontSource, embed_font

BLACK = Cmyk(0, 0, 0, 1)
KNOCKOUT = b"1 g"  # paper: what a colour printing on another drum leaves on this one


@dataclass(frozen=True)
class Master:
    """One drum's master of a ward's sheet: its content stream and the photos of its own."""

    drum: str
    content: bytes
    images: tuple[DrumImage, ...]

    @cached_property
    def digest(self) -> str:
        """The same for two masters exactly when they print the same: the drum (its forms are its
        own), the content and its photos."""
        digest = hashlib.sha256(self.drum.encode("utf-8") + b"\n" + self.content)
        for image in self.images:
            digest.update(image.data)
        return digest.hexdigest()


@dataclass
class DrumDocument:
    """What every master of one drum shares, serialised once per run."""

    drum: Drum
    shared: pdf.SharedPart
    next_number: int
    fonts: dict[str, DrawnFace]
    images: dict[tuple, tuple[str, DrumImage]]  # photo placement -> (resource name, image)
    forms: dict[int, str | None]  # id of a static frame -> its form, None when it draws nothing here
    resources: dict[str, dict[str, pdf.Ref]]
    _frames: list[LaidOutFrame] = field(default_factory=list)  # keeps the ids in ``forms`` valid

    @cached_property
    def serialised_resources(self) -> bytes:
        return pdf.serialise(self.resources)


@dataclass
class RisoDocuments:
    riso: RisoSpec
    plan: SheetPlan
    drums: dict[str, DrumDocument]
    date: str
    trim: BoxPt
    _inks: dict[tuple[Cmyk, str, bool], bytes | None] = field(default_factory=dict)

    def paint(self, colour: Cmyk, drum: str, stroke: bool = False) -> bytes | None:
        """The operator that sets ``colour`` on ``drum``'s master (its grey, or paper to knock
        out), or None when it leaves this drum alone (it prints elsewhere, over it)."""
        key = (colour, drum, stroke)
        if key not in self._inks:
            ink: DrumInk = self.riso.ink(colour)
            if ink.drum == drum:
                op: bytes | None = b"%s %s" % (pdf.number(round(1 - ink.tint, 4)), b"G" if stroke else b"g")
            elif ink.overprint:
                op = None
            else:
                op = b"1 G" if stroke else KNOCKOUT
            self._inks[key] = op
        return self._inks[key]


def _image_key(item: PlacedImage) -> tuple:
    return (item.path, item.placed, item.clip)


def _drum_image(item: PlacedImage, riso: RisoSpec) -> DrumImage:
    return drum_image(read_image_source(item.path), item.placed, item.clip, riso.photos)


def prepare_drums(
    layout: Layout, plan: SheetPlan, samples: list[LaidOutLeaflet], faces: set[str], characters: set[str]
) -> RisoDocuments:
    """``samples``: one ward's clipped leaflet per language, which show every static frame."""
    assert layout.riso is not None
    riso = layout.riso
    trim = BoxPt(0, 0, mm_to_pt(layout.trim_width_mm), mm_to_pt(layout.trim_height_mm))
    documents = RisoDocuments(riso, plan, {}, pdf_date(), trim)
    static = list({id(f): f for sample in samples for page in sample.pages for f in page.frames if f.static}.values())
    glyphs = _run_glyphs({key: FontSource(layout.fonts[key]) for key in sorted(faces)}, characters, static)
    for name, drum in riso.drums.items():
        documents.drums[name] = _prepare_drum(documents, drum, static, glyphs)
    return documents


def _run_glyphs(
    sources: dict[str, FontSource], characters: set[str], static: list[LaidOutFrame]
) -> dict[str, tuple[FontSource, frozenset[int]]]:
    """Each face's subset for the run's masters (one file a drum, every ward in it): the glyphs
    of every character the run's words have, the dotted circle HarfBuzz puts under a mark with
    no letter, and every glyph shaping can make of them."""
    wanted = characters | BASE_REPERTOIRE | {"\u25cc"}
    glyphs = {key: set(source.closure(wanted)) for key, source in sources.items()}
    for frame in static:
        for item in frame.items:
            for run in item.runs if isinstance(item, TextLine) else ():
                glyphs[run.font].update(run.glyphs)
    return {key: (sources[key], frozenset(glyphs[key] - {0})) for key in sources}


def _prepare_drum(
    documents: RisoDocuments,
    drum: Drum,
    static: list[LaidOutFrame],
    glyphs: dict[str, tuple[FontSource, frozenset[int]]],
) -> DrumDocument:
    body = pdf.Body()
    number = 1
    fonts: dict[str, DrawnFace] = {}
    font_refs: dict[str, pdf.Ref] = {}
    for key, (source, kept) in glyphs.items():
        name = None
        if kept:
            name = f"F{len(font_refs)}"
            embedded = _embedded_font(source, kept, number)
            for object_number, serialised in embedded.objects:
                body.add(object_number, serialised)
            number += len(embedded.objects)
            font_refs[name] = pdf.Ref(embedded.font_ref)
        fonts[key] = DrawnFace(source, name, kept)
    images: dict[tuple, tuple[str, DrumImage]] = {}
    image_refs: dict[str, pdf.Ref] = {}
    if drum.name == documents.riso.photos.drum:
        for frame in static:
            for item in frame.items:
                if isinstance(item, PlacedImage) and _image_key(item) not in images:
                    image = _drum_image(item, documents.riso)
                    body.add(number, _image_object(number, image))
                    images[_image_key(item)] = (f"Im{len(images)}", image)
                    image_refs[f"Im{len(images) - 1}"] = pdf.Ref(number)
                    number += 1
    body.add(number, pdf.indirect(number, {"Font": font_refs, "XObject": image_refs}))
    form_resources = pdf.Ref(number)
    number += 1
    document = DrumDocument(drum, pdf.SharedPart(b"", {}, b""), 0, fonts, images, {}, {})
    xobjects = dict(image_refs)
    bbox = [0, 0, documents.trim.width, documents.trim.height]  # nothing on a Riso page bleeds
    for frame in static:
        ops = _frame_ops(frame, drum.name, documents, document, None)
        if not ops:
            document.forms[id(frame)] = None
            continue
        name = f"Fx{len(xobjects) - len(image_refs)}"
        entries = {"Type": pdf.Name("XObject"), "Subtype": pdf.Name("Form"), "BBox": bbox, "Resources": form_resources}
        body.add(number, pdf.stream(number, entries, ops))
        document.forms[id(frame)] = name
        xobjects[name] = pdf.Ref(number)
        number += 1
    document._frames.extend(static)
    document.resources = {"Font": font_refs, "XObject": xobjects}
    document.shared = pdf.SharedPart.from_body(body)
    document.next_number = number
    return document


@lru_cache(maxsize=32)
def _embedded_font(source: FontSource, glyphs: frozenset[int], number: int) -> EmbeddedFont:
    """A font subset, serialised once for every drum's file: it has the same numbers in each."""
    return embed_font(source, glyphs, number)


def _image_object(number: int, image: DrumImage) -> bytes:
    entries = {
        "Type": pdf.Name("XObject"),
        "Subtype": pdf.Name("Image"),
        "Width": image.width_px,
        "Height": image.height_px,
        "ColorSpace": pdf.Name("DeviceGray"),
        "BitsPerComponent": image.bits,
        "Filter": pdf.Name(image.filter),
    }
    return pdf.stream(number, entries, image.data, compress=False)


class _OwnImages:
    def __init__(self) -> None:
        self.images: list[DrumImage] = []

    def add(self, image: DrumImage) -> str:
        self.images.append(image)
        return f"Iw{len(self.images) - 1}"


def separate(leaflet: LaidOutLeaflet, documents: RisoDocuments) -> dict[str, Master]:
    """The ward's sheet for each drum: its pages placed as the sheet plan says, shared frames by
    reference, its own frames drawn out, the cut marks on every drum."""
    plan = documents.plan
    masters = {}
    n = pdf.number
    for name, document in documents.drums.items():
        own = _OwnImages()
        ops = []
        for placement in plan.placements:
            page = leaflet.pages[placement.page]
            clip = intersect(documents.trim, plan.areas[placement.page].printable)
            matrix = b" ".join(n(round(value, 4)) for value in placement.matrix)
            ops.append(b"q %s cm %s W n\n" % (matrix, rect_ops(clip)))
            for frame in page.frames:
                if not (frame.static and id(frame) in document.forms):
                    ops.append(_frame_ops(frame, name, documents, document, own))
                elif (form := document.forms[id(frame)]) is not None:
                    ops.append(b"/%s Do\n" % form.encode("ascii"))
            ops.append(b"Q\n")
        ops.append(_cut_mark_ops(plan))
        masters[name] = Master(name, b"".join(ops), tuple(own.images))
    return masters


def _cut_mark_ops(plan: SheetPlan) -> bytes:
    """Short lines on the cut line at both ends of the printable area, in every drum's full ink:
    in the gutter between the pages' artwork, where the guillotine goes."""
    n = pdf.number
    ops = [b"q 0 G %s w 0 J\n" % n(CUT_MARK_PT)]
    for (x0, y0), (x1, y1) in plan.cut_marks:
        ops.append(b"%s %s m %s %s l S\n" % tuple(n(round(v, 3)) for v in (x0, y0, x1, y1)))
    ops.append(b"Q\n")
    return b"".join(ops)


def _frame_ops(
    frame: LaidOutFrame, drum: str, documents: RisoDocuments, document: DrumDocument, own: _OwnImages | None
) -> bytes:
    return b"".join(_item_ops(item, drum, documents, document, own) for item in frame.items)


def _item_ops(item: Item, drum: str, documents: RisoDocuments, document: DrumDocument, own: _OwnImages | None) -> bytes:
    match item:
        case TextLine():
            runs = tuple(run for run in item.runs if documents.paint(run.colour, drum) is not None)
            if not runs:
                return b""
            line = item if len(runs) == len(item.runs) else replace(item, runs=runs)
            return text_ops(line, document.fonts, lambda colour: documents.paint(colour, drum) or KNOCKOUT)
        case FilledBox():
            ops = []
            fill = documents.paint(item.fill, drum) if item.fill is not None else None
            if fill is not None:
                ops.append(fill + b" " + rect_ops(item.box) + b" f\n")
            stroke = documents.paint(item.stroke, drum, stroke=True) if item.stroke is not None else None
            if stroke is not None and item.stroke_pt > 0:
                ops.append(stroke + b" %s w " % pdf.number(item.stroke_pt) + rect_ops(item.box) + b" S\n")
            return b"".join(ops)
        case PlacedImage():
            if drum != documents.riso.photos.drum:
                return KNOCKOUT + b" " + rect_ops(item.clip) + b" f\n"  # a photo hides what is under it
            return _image_ops(item, documents, document, own)
        case PlacedQr():
            op = documents.paint(BLACK, drum)
            return qr_ops(item, op) if op is not None else b""
        case _:
            assert_never(item)


def _image_ops(item: PlacedImage, documents: RisoDocuments, document: DrumDocument, own: _OwnImages | None) -> bytes:
    key = _image_key(item)
    if key in document.images:
        name, image = document.images[key]
    else:  # a photo of the ward's own
        assert own is not None, "a shared frame shows only the run's shared photos"
        image = _drum_image(item, documents.riso)
        name = own.add(image)
    return image_ops(item.clip, image.placed, name)


# ---------------------------------------------------------------- files


class DrumFile:
    """A drum's masters, one page each, in one file: shared objects stored once, each master's
    objects written out as it comes."""

    def __init__(self, stream: ByteSink, documents: RisoDocuments, drum: str, title: str):
        self.stream = stream
        self.documents = documents
        self.document = documents.drums[drum]
        self.title = title
        self.numbers = itertools.count(self.document.next_number)
        self.pages_number = next(self.numbers)
        self.page_numbers: list[int] = []
        self.body = pdf.Body(len(self.document.shared.head))
        stream.write(self.document.shared.head)

    def add(self, master: Master) -> None:
        self.page_numbers.append(
            _write_page(master, self.documents, self.document, self.numbers, self.body, self.pages_number)
        )
        self.stream.write(self.body.data())
        self.body.chunks.clear()

    def close(self) -> None:
        drum = self.document.drum
        subject = f"Riso masters for the {drum.name} drum ({drum.ink}): {len(self.page_numbers)}, one a page"
        self.stream.write(
            _file_end(
                self.documents,
                self.document,
                self.body,
                self.numbers,
                self.pages_number,
                self.page_numbers,
                self.title,
                subject,
            )
        )


def master_file(master: Master, documents: RisoDocuments, title: str) -> bytes:
    """One master as a file of its own: for the composite, and for a reader to check."""
    document = documents.drums[master.drum]
    numbers = itertools.count(document.next_number)
    pages_number = next(numbers)
    body = pdf.Body(len(document.shared.head))
    page = _write_page(master, documents, document, numbers, body, pages_number)
    drum = document.drum
    subject = f"Riso master for the {drum.name} drum ({drum.ink})"
    return document.shared.head + _file_end(documents, document, body, numbers, pages_number, [page], title, subject)


def _write_page(
    master: Master, documents: RisoDocuments, document: DrumDocument, numbers, body: pdf.Body, parent: int
) -> int:
    resources = document.serialised_resources
    if master.images:
        xobjects = dict(document.resources["XObject"])
        for index, image in enumerate(master.images):
            number = next(numbers)
            body.add(number, _image_object(number, image))
            xobjects[f"Iw{index}"] = pdf.Ref(number)
        resources = pdf.serialise({**document.resources, "XObject": xobjects})
    content_number, page_number = next(numbers), next(numbers)
    body.add(content_number, pdf.stream(content_number, {}, master.content))
    plan = documents.plan
    media = pdf.serialise([0, 0, round(plan.width_pt, 3), round(plan.height_pt, 3)])
    body.add(
        page_number,
        b"%d 0 obj\n<</Type /Page /Parent %d 0 R /MediaBox %s /TrimBox %s /Resources %s/Contents %d 0 R>>\nendobj\n"
        % (page_number, parent, media, media, resources, content_number),
    )
    return page_number


def _file_end(
    documents: RisoDocuments,
    document: DrumDocument,
    body: pdf.Body,
    numbers,
    pages_number: int,
    page_numbers: list[int],
    title: str,
    subject: str,
) -> bytes:
    catalog, info = next(numbers), next(numbers)
    body.add(catalog, pdf.indirect(catalog, {"Type": pdf.Name("Catalog"), "Pages": pdf.Ref(pages_number)}))
    kids = {"Type": pdf.Name("Pages"), "Kids": [pdf.Ref(n) for n in page_numbers], "Count": len(page_numbers)}
    body.add(pages_number, pdf.indirect(pages_number, kids))
    entries = {
        "Title": title,
        "Subject": subject,
        "Creator": f"leaflet {__version__}",
        "Producer": f"leaflet {__version__}",
        "CreationDate": documents.date,
        "ModDate": documents.date,
    }
    body.add(info, pdf.indirect(info, entries))
    return pdf.file_tail(document.shared, body, catalog, info)
