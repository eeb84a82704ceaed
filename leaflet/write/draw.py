"""Laid-out leaflets -> print-ready PDF bytes (PDF/X-1a:2001: CMYK, embedded fonts, page boxes).

Drawing never measures.  ``prepare_document`` serialises once per run what every ward's file
shares (font subsets, photos, the press profile, and each run of static frames as a Form
XObject); per ward, ``draw_pages`` draws its own frames into two short content streams and
``file_tail`` writes its own objects: its pages, the document info and the cross-reference table.
A ward's print file is the head of its shared part (``write/parts.py``: only the artwork its pages
draw) followed by ``file_tail(...)``.
"""

from __future__ import annotations

import itertools
import os
import time
import zlib
from collections.abc import Iterable
from dataclasses import dataclass, field
from functools import cached_property, partial
from typing import Protocol, assert_never

from leaflet.assets.images import (
    PRESS_CONDITION,
    PRESS_CONDITION_INFO,
    PRESS_PROFILE,
    PrintImage,
    prepare_print_image,
    read_image_source,
)
from leaflet.errors import InputError, shorten
from leaflet.model import (
    Cmyk,
    FilledBox,
    LaidOutFrame,
    LaidOutLeaflet,
    Layout,
    PlacedImage,
    PlacedQr,
    TextLine,
    mm_to_pt,
)
from leaflet.version import __version__
from leaflet.ward.joins import grown
from leaflet.ward.marks import MARK_LENGTH_MM, MARK_WIDTH_PT, mark_offset_pt, marks_margin_pt
from leaflet.write import pdf
from leaflet.write.operators import (
    KNOCKOUT,
    OVERPRINT,
    THIN_RULE_PT,
    DrawnFace,
    image_ops,
    overprinted,
    overprints,
    qr_ops,
    rect_ops,
    text_ops,
)
from leaflet.write.parts import Artwork, DocumentPart, SharedObjects
from leaflet.write.pdffont import FONT_OBJECTS, FontSource, embed_font, shared_glyphs

REGISTRATION = "All"  # the separation every plate prints: what crop marks are drawn in


DEFAULT_EPOCH = 946684800  # 2000-01-01, when SOURCE_DATE_EPOCH is not set
LAST_PDF_EPOCH = 253402300799  # 9999-12-31 23:59:59: PDF dates have four-digit years


def pdf_date() -> str:
    """A fixed date, so the same inputs give the same bytes (SOURCE_DATE_EPOCH overrides it, as
    reproducible builds define it: whole seconds since 1970-01-01 UTC; blank counts as unset)."""
    setting = os.environ.get("SOURCE_DATE_EPOCH", "").strip()
    if not setting:
        epoch = DEFAULT_EPOCH
    elif setting.isascii() and setting.isdigit() and len(setting) <= 12 and int(setting) <= LAST_PDF_EPOCH:
        epoch = int(setting)
    else:
        raise InputError(
            None,
            "SOURCE_DATE_EPOCH",
            f"'{shorten(setting)}' is not a date leaflet can use: whole seconds since 1970-01-01 UTC, up to the "
            f"year 9999",
            "set it to e.g. $(date +%s) or 946684800, or unset it for the default date (2000-01-01)",
        )
    return time.strftime("D:%Y%m%d%H%M%SZ", time.gmtime(epoch))


@dataclass
class PreparedDocument:
    """What every ward's file shares, already serialised."""

    margin_pt: float  # from the media box's edge to the trim: the bleed, or more with crop marks
    marks: bytes  # crop mark operators, or nothing
    media_box: list[float]
    trim_box: list[float]
    bleed_box: list[float]
    colour_spaces: dict[str, str]  # spot ink name -> its colour space's resource name
    objects: SharedObjects
    fonts: dict[str, DrawnFace]  # by face key
    images: dict[tuple, tuple[str, PrintImage]]  # placement key -> (resource name, data)
    forms: dict[tuple[int, ...], str]  # ids of a run of static frames -> resource name
    output_intent: pdf.Ref
    date: str
    overprint_black: bool = False
    _static_frames: list = field(default_factory=list)  # keeps the ids in ``forms`` valid
    colour_ops: dict[tuple[Cmyk, bool], bytes] = field(default_factory=dict)  # (colour, stroke) -> operator
    shown_glyphs: dict[tuple, bytes] = field(default_factory=dict)  # a run's glyphs -> operators showing them

    def part_for(self, pages: WardPages) -> DocumentPart:
        """The shared part holding the artwork ``pages`` draw."""
        return self.objects.part(pages.drawn)

    @property
    def everything(self) -> DocumentPart:
        """The shared part holding all the run's artwork: the combined file's."""
        return self.objects.everything

    @cached_property
    def serialised_boxes(self) -> bytes:
        boxes = {"MediaBox": self.media_box, "BleedBox": self.bleed_box, "TrimBox": self.trim_box}
        return b"".join(b"/%s %s " % (key.encode("ascii"), pdf.serialise(value)) for key, value in boxes.items())

    @cached_property
    def serialised_info_entries(self) -> bytes:
        """The document info every file of the run has; each adds its own Title and Subject."""
        return pdf.serialise(
            {
                "Creator": f"leaflet {__version__}",
                "Producer": f"leaflet {__version__}",
                "CreationDate": self.date,
                "ModDate": self.date,
                "Trapped": pdf.Name("False"),
                "GTS_PDFXVersion": "PDF/X-1:2001",
                "GTS_PDFXConformance": "PDF/X-1a:2001",
            }
        )[2:-2]


def _image_key(item: PlacedImage) -> tuple:
    return (item.path, item.placed, item.clip, item.underlaps)


def _print_image(item: PlacedImage) -> PrintImage:
    return prepare_print_image(read_image_source(item.path), item.placed, grown(item.clip, item.underlaps))


def prepare_document(
    layout: Layout,
    samples: list[LaidOutLeaflet],
    faces: set[str],
    characters: set[str],
    crop_marks: bool = False,
) -> PreparedDocument:
    """Serialise the shared objects, taking the static frames from one ward's leaflet per
    language (any ward will do: static frames are the same for all of them)."""
    body = pdf.Body()
    number = 1

    inks = dict(sorted(layout.spot_colours.items()))
    if crop_marks:
        inks[REGISTRATION] = Cmyk(1, 1, 1, 1, REGISTRATION)
    colour_spaces: dict[str, str] = {}
    colour_space_refs: dict[str, pdf.Ref] = {}
    for index, (ink, alternate) in enumerate(inks.items()):
        tint = {
            "FunctionType": 2,
            "Domain": [0, 1],
            "C0": [0, 0, 0, 0],
            "C1": [alternate.c, alternate.m, alternate.y, alternate.k],
            "N": 1,
        }
        body.add(number, pdf.indirect(number, [pdf.Name("Separation"), pdf.Name(ink), pdf.Name("DeviceCMYK"), tint]))
        colour_spaces[ink] = f"CS{index}"
        colour_space_refs[f"CS{index}"] = pdf.Ref(number)
        number += 1

    fonts: dict[str, DrawnFace] = {}
    font_refs: dict[str, pdf.Ref] = {}
    sources = {key: FontSource(layout.fonts[key]) for key in sorted(faces)}
    style_families = {style.family for style in layout.styles.values()}
    for key, glyphs in shared_glyphs(sources, style_families, characters, _static_glyphs(samples)).items():
        name = None
        if glyphs:
            name = f"F{len(font_refs)}"
            embedded = embed_font(sources[key], glyphs, number)
            for object_number, serialised in embedded.objects:
                body.add(object_number, serialised)
            number += len(embedded.objects)
            font_refs[name] = pdf.Ref(embedded.font_ref)
        fonts[key] = DrawnFace(sources[key], name, glyphs)

    images: dict[tuple, tuple[str, PrintImage]] = {}
    artwork: list[Artwork] = []
    for page in (page for sample in samples for page in sample.pages):
        for frame in page.frames:
            for item in frame.items:
                if isinstance(item, PlacedImage) and frame.static and _image_key(item) not in images:
                    print_image = _print_image(item)
                    name = f"Im{len(images)}"
                    images[_image_key(item)] = (name, print_image)
                    artwork.append(Artwork(name, partial(_photo_object, image=print_image)))

    intent: dict[str, object] = {
        "Type": pdf.Name("OutputIntent"),
        "S": pdf.Name("GTS_PDFX"),
        "OutputConditionIdentifier": PRESS_CONDITION,
        "OutputCondition": PRESS_CONDITION_INFO,
        "Info": PRESS_CONDITION_INFO,
        "RegistryName": "http://www.color.org",
    }
    if layout.press.output_intent == "embedded":  # named: a registered condition needs no profile (PDF/X-1a)
        icc = PRESS_PROFILE.read_bytes()
        body.add(number, pdf.stream(number, {"N": 4, "Alternate": pdf.Name("DeviceCMYK")}, icc))
        intent["DestOutputProfile"] = pdf.Ref(number)
        number += 1
    body.add(number, pdf.indirect(number, intent))
    output_intent = number
    number += 1

    states: dict[str, pdf.Ref] = {}
    if layout.press.overprint_black:  # PDF 1.3's overprint keys, OPM 1: only the inks a colour has
        for name, on in ((OVERPRINT, True), (KNOCKOUT, False)):
            state = {"Type": pdf.Name("ExtGState"), "OP": on, "op": on, "OPM": 1 if on else 0}
            body.add(number, pdf.indirect(number, state))
            states[name] = pdf.Ref(number)
            number += 1
    graphics_states = {"ExtGState": states} if states else {}

    common = {"Font": font_refs, "ColorSpace": colour_space_refs, **graphics_states}
    objects = SharedObjects(list(zip(body.offsets, body.chunks, strict=True)), number, common, artwork)

    bleed = mm_to_pt(layout.bleed_mm)
    trim_w, trim_h = mm_to_pt(layout.trim_width_mm), mm_to_pt(layout.trim_height_mm)
    mark_offset = mark_offset_pt(layout)
    margin = marks_margin_pt(layout) if crop_marks else bleed
    prepared = PreparedDocument(
        margin_pt=margin,
        marks=b"",
        media_box=[0, 0, trim_w + 2 * margin, trim_h + 2 * margin],
        trim_box=[margin, margin, margin + trim_w, margin + trim_h],
        bleed_box=[margin - bleed, margin - bleed, margin + trim_w + bleed, margin + trim_h + bleed],
        colour_spaces=colour_spaces,
        objects=objects,
        fonts=fonts,
        images=images,
        forms={},
        output_intent=pdf.Ref(output_intent),
        date=pdf_date(),
        overprint_black=layout.press.overprint_black,
    )
    if crop_marks:
        prepared.marks = _crop_mark_ops(trim_w, trim_h, mark_offset, colour_spaces[REGISTRATION])
    bbox = [-bleed, -bleed, trim_w + bleed, trim_h + bleed]
    for page in (page for sample in samples for page in sample.pages):
        for group in _groups(page.frames):
            if not group[0].static or tuple(id(frame) for frame in group) in prepared.forms:
                continue
            drawn = _WardOwn()
            content = zlib.compress(b"".join(_frame_ops(frame, prepared, drawn) for frame in group), 6)
            assert not drawn.images and not drawn.fonts, "a shared frame draws only what the run shares"
            name = f"Fx{len(prepared.forms)}"
            artwork.append(
                Artwork(name, partial(_form_object, bbox=bbox, content=content), True, frozenset(drawn.drawn))
            )
            prepared.forms[tuple(id(frame) for frame in group)] = name
            prepared._static_frames.append(group)
    for sample in samples:  # each language's part made now, before worker processes fork
        prepared.part_for(draw_pages(sample, prepared))
    return prepared


def _form_object(number: int, resources: pdf.Ref, bbox: list[float], content: bytes) -> bytes:
    entries = {
        "Type": pdf.Name("XObject"),
        "Subtype": pdf.Name("Form"),
        "BBox": bbox,
        "Resources": resources,
        "Filter": pdf.Name("FlateDecode"),
    }
    return pdf.stream(number, entries, content, compress=False)


def _static_glyphs(samples: list[LaidOutLeaflet]) -> dict[str, set[int]]:
    """The glyphs each face draws in the static frames (which the shared subsets must hold)."""
    glyphs: dict[str, set[int]] = {}
    for frame in (frame for sample in samples for page in sample.pages for frame in page.frames):
        for item in frame.items if frame.static else ():
            for run in item.runs if isinstance(item, TextLine) else ():
                glyphs.setdefault(run.font, set()).update(run.glyphs)
    return glyphs


def _groups(frames: tuple[LaidOutFrame, ...]) -> list[tuple[LaidOutFrame, ...]]:
    """Consecutive frames that are all static or all the ward's own, in drawing order."""
    groups: list[list[LaidOutFrame]] = []
    for frame in frames:
        if groups and groups[-1][0].static == frame.static:
            groups[-1].append(frame)
        else:
            groups.append([frame])
    return [tuple(group) for group in groups]


def _photo_object(number: int, _resources: pdf.Ref, image: PrintImage) -> bytes:
    return _image_object(number, image)


def _image_object(number: int, image: PrintImage) -> bytes:
    entries = {
        "Type": pdf.Name("XObject"),
        "Subtype": pdf.Name("Image"),
        "Width": image.width_px,
        "Height": image.height_px,
        "ColorSpace": pdf.Name("DeviceCMYK"),
        "BitsPerComponent": 8,
        "Filter": pdf.Name("DCTDecode"),
    }
    return pdf.stream(number, entries, image.jpeg, compress=False)


@dataclass(frozen=True)
class WardPages:
    """A ward's own drawing: a compressed content stream per page, photos of its own (drawn as
    /Iw0, /Iw1 ...) and, per face, the glyphs of its own subset when the shared one lacks some
    (resource name /Fw0, /Fw1 ..., face key, glyph ids).  Everything else its pages show is in
    the shared part."""

    ward_code: str
    ward_name: str
    title: str
    contents: tuple[bytes, ...]
    images: tuple[PrintImage, ...]
    fonts: tuple[tuple[str, str, tuple[int, ...]], ...] = ()
    drawn: frozenset[str] = frozenset()  # the run's shared artwork (photos, forms) its pages draw


class _WardOwn:
    """What a ward's own frames draw that the shared part does not hold."""

    def __init__(self) -> None:
        self.images: list[PrintImage] = []
        self.fonts: dict[str, tuple[str, set[int]]] = {}  # face key -> (resource name, glyphs)
        self.drawn: set[str] = set()  # the shared photos and forms drawn

    def add_image(self, image: PrintImage) -> str:
        self.images.append(image)
        return f"Iw{len(self.images) - 1}"

    def font_for(self, face: str, glyphs: Iterable[int]) -> str:
        if face not in self.fonts:
            self.fonts[face] = (f"Fw{len(self.fonts)}", set())
        name, kept = self.fonts[face]
        kept.update(glyphs)
        return name


def draw_pages(leaflet: LaidOutLeaflet, prepared: PreparedDocument) -> WardPages:
    """The ward's content streams: shared frames by reference, its own frames drawn out."""
    own = _WardOwn()
    contents = []
    for page in leaflet.pages:
        ops = [b"q 1 0 0 1 %s %s cm\n" % (pdf.number(prepared.margin_pt), pdf.number(prepared.margin_pt))]
        for group in _groups(page.frames):
            form = prepared.forms.get(tuple(id(frame) for frame in group)) if group[0].static else None
            if form:
                own.drawn.add(form)
                ops.append(b"/%s Do\n" % form.encode("ascii"))
            else:
                ops.extend(_frame_ops(frame, prepared, own) for frame in group)
        ops.append(prepared.marks)
        ops.extend(_text_ops(line, prepared, own) for line in page.slug)
        ops.append(b"Q\n")
        contents.append(zlib.compress(b"".join(ops), 1))  # per ward: speed over the last few hundred bytes
    fonts = tuple((name, face, tuple(sorted(glyphs))) for face, (name, glyphs) in own.fonts.items())
    return WardPages(
        leaflet.ward.code,
        leaflet.ward.name,
        leaflet.title,
        tuple(contents),
        tuple(own.images),
        fonts,
        frozenset(own.drawn),
    )


def write_pages(
    pages: WardPages, prepared: PreparedDocument, part: DocumentPart, numbers, body: pdf.Body, parent: int
) -> list[int]:
    """Add a ward's page objects (and its own photos and font subsets) to ``body``, after the
    shared ``part``; returns the pages' numbers."""
    resources = part.serialised_resources
    if pages.images or pages.fonts:
        xobjects = dict(part.resources["XObject"])
        for index, image in enumerate(pages.images):
            number = next(numbers)
            body.add(number, _image_object(number, image))
            xobjects[f"Iw{index}"] = pdf.Ref(number)
        fonts = dict(part.resources["Font"])
        for name, face, glyphs in pages.fonts:
            first = next(numbers)
            for _ in range(FONT_OBJECTS - 1):
                next(numbers)
            embedded = embed_font(prepared.fonts[face].source, glyphs, first)
            for object_number, serialised in embedded.objects:
                body.add(object_number, serialised)
            fonts[name] = pdf.Ref(embedded.font_ref)
        resources = pdf.serialise({**part.resources, "Font": fonts, "XObject": xobjects})
    boxes = prepared.serialised_boxes
    page_numbers = []
    for content in pages.contents:
        content_number, page_number = next(numbers), next(numbers)
        body.add(
            content_number, pdf.stream(content_number, {"Filter": pdf.Name("FlateDecode")}, content, compress=False)
        )
        body.add(
            page_number,
            b"%d 0 obj\n<</Type /Page /Parent %d 0 R %s/Resources %s/Contents %d 0 R>>\nendobj\n"
            % (page_number, parent, boxes, resources, content_number),
        )
        page_numbers.append(page_number)
    return page_numbers


def file_from_pages(pages: WardPages, prepared: PreparedDocument, part: DocumentPart | None = None) -> bytes:
    """A ward's whole print file (after ``part``, by default the one holding what it draws)."""
    part = part or prepared.part_for(pages)
    return part.shared.head + file_tail(pages, prepared, part)


def file_tail(pages: WardPages, prepared: PreparedDocument, part: DocumentPart | None = None) -> bytes:
    """A ward's file is the head of ``part`` (``prepared.part_for(pages)``) followed by these bytes."""
    part = part or prepared.part_for(pages)
    numbers = itertools.count(part.next_number)
    body = pdf.Body(len(part.shared.head))
    catalog, pages_number, info = next(numbers), next(numbers), next(numbers)
    page_numbers = write_pages(pages, prepared, part, numbers, body, pages_number)
    finish_objects(
        body, prepared, catalog, pages_number, info, page_numbers, pages.title, f"Print file for ward {pages.ward_code}"
    )
    return pdf.file_tail(part.shared, body, catalog, info)


def finish_objects(
    body: pdf.Body,
    prepared: PreparedDocument,
    catalog: int,
    pages_number: int,
    info: int,
    page_numbers: list[int],
    title: str,
    subject: str,
    catalog_entries: dict | None = None,
) -> None:
    """The catalog (with ``catalog_entries``: a print job's outline and page labels), the page
    tree and the document info."""
    body.add(
        catalog,
        pdf.indirect(
            catalog,
            {
                "Type": pdf.Name("Catalog"),
                "Pages": pdf.Ref(pages_number),
                "OutputIntents": [prepared.output_intent],
                **(catalog_entries or {}),
            },
        ),
    )
    body.add(
        pages_number,
        pdf.indirect(
            pages_number,
            {"Type": pdf.Name("Pages"), "Kids": [pdf.Ref(n) for n in page_numbers], "Count": len(page_numbers)},
        ),
    )
    entries = b"/Title %s/Subject %s%s" % (
        pdf.text_string(title),
        pdf.text_string(subject),
        prepared.serialised_info_entries,
    )
    body.add(info, b"%d 0 obj\n<<%s>>\nendobj\n" % (info, entries))


class ByteSink(Protocol):
    """Where a combined file's bytes go, as they are made (an open file)."""

    def write(self, data: bytes, /) -> object: ...


# ---------------------------------------------------------------- content stream operators


def _colour(colour: Cmyk, prepared: PreparedDocument, stroke: bool = False) -> bytes:
    """Set the fill (or stroke) colour: process CMYK, or a spot ink's Separation at full tint.
    A layout has a handful of colours: each is written out once a run."""
    key = (colour, stroke)
    if key not in prepared.colour_ops:
        prepared.colour_ops[key] = _colour_ops(colour, prepared, stroke)
    return prepared.colour_ops[key]


def _colour_ops(colour: Cmyk, prepared: PreparedDocument, stroke: bool) -> bytes:
    if colour.spot:
        space = prepared.colour_spaces[colour.spot].encode("ascii")
        return b"/%s CS 1 SCN" % space if stroke else b"/%s cs 1 scn" % space
    n = pdf.number
    operator = b"K" if stroke else b"k"
    return b"%s %s %s %s %s" % (
        n(round(colour.c, 4)),
        n(round(colour.m, 4)),
        n(round(colour.y, 4)),
        n(round(colour.k, 4)),
        operator,
    )


def _crop_mark_ops(width: float, height: float, offset: float, registration: str) -> bytes:
    """Eight short lines in the registration colour, outside the bleed, in line with the trim."""
    length = mm_to_pt(MARK_LENGTH_MM)
    n = pdf.number
    ops = [b"/%s CS 1 SCN %s w 0 J\n" % (registration.encode("ascii"), n(MARK_WIDTH_PT))]
    for x, y, outward_x, outward_y in ((0, 0, -1, -1), (width, 0, 1, -1), (0, height, -1, 1), (width, height, 1, 1)):
        near_x, far_x = x + outward_x * offset, x + outward_x * (offset + length)
        near_y, far_y = y + outward_y * offset, y + outward_y * (offset + length)
        ops.append(b"%s %s m %s %s l S\n" % (n(round(near_x, 3)), n(round(y, 3)), n(round(far_x, 3)), n(round(y, 3))))
        ops.append(b"%s %s m %s %s l S\n" % (n(round(x, 3)), n(round(near_y, 3)), n(round(x, 3)), n(round(far_y, 3))))
    return b"".join(ops)


def _frame_ops(frame: LaidOutFrame, prepared: PreparedDocument, ward: _WardOwn | None) -> bytes:
    out: list[bytes] = []
    for item in frame.items:
        match item:
            case TextLine():
                out.append(_text_ops(item, prepared, ward))
            case FilledBox():
                out.append(_box_ops(item, prepared))
            case PlacedImage():
                out.append(_image_ops(item, prepared, ward))
            case PlacedQr():
                out.append(qr_ops(item))
            case _:
                assert_never(item)
    return b"".join(out)


def _box_ops(item: FilledBox, prepared: PreparedDocument) -> bytes:
    ops = []
    if item.fill is not None:
        thin = min(item.box.width, item.box.height) <= THIN_RULE_PT
        fill = _colour(item.fill, prepared) + b" " + rect_ops(item.box, *item.underlaps) + b" f\n"
        ops.append(overprinted(fill) if prepared.overprint_black and thin and overprints(item.fill) else fill)
    if item.stroke is not None and item.stroke_pt > 0:
        stroke = (
            _colour(item.stroke, prepared, stroke=True)
            + b" %s w " % pdf.number(item.stroke_pt)
            + rect_ops(item.box)
            + b" S\n"
        )
        thin = item.stroke_pt <= THIN_RULE_PT
        ops.append(overprinted(stroke) if prepared.overprint_black and thin and overprints(item.stroke) else stroke)
    return b"".join(ops)


def _text_ops(line: TextLine, prepared: PreparedDocument, ward: _WardOwn | None) -> bytes:
    return text_ops(
        line,
        prepared.fonts,
        lambda colour: _colour(colour, prepared),
        ward,
        prepared.shown_glyphs,
        prepared.overprint_black,
    )


def _image_ops(item: PlacedImage, prepared: PreparedDocument, ward: _WardOwn | None) -> bytes:
    key = _image_key(item)
    if key in prepared.images:
        name, image = prepared.images[key]
        if ward is not None:
            ward.drawn.add(name)
    else:  # a photo of the ward's own: embedded in its file
        assert ward is not None, "a shared frame shows only the run's shared photos"
        image = _print_image(item)
        name = ward.add_image(image)
    return image_ops(item.clip, image.placed, name, item.underlaps)
