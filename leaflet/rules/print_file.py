"""A written print file -> what a printer's preflight reads from it (pypdf and PDFium, not our
writer): colour spaces, fonts embedded, transparency; and the QR code rendered at 300 dpi and
decoded to exactly the ward's address.
"""

from __future__ import annotations

import io
import re
from functools import lru_cache
from typing import Any

import zxingcpp

from leaflet.model import Finding, LaidOutLeaflet, PlacedQr

QR_RENDER_DPI = 300


def qr_decode_findings(data: bytes, leaflet: LaidOutLeaflet, trim_width_pt: float) -> list[Finding]:
    """Each QR code of the leaflet cut from a 300 dpi render of its print file and decoded."""
    import pypdfium2  # imported when first needed: a build never renders (its peak memory stays lower)

    findings = []
    document = pypdfium2.PdfDocument(data)
    try:
        for index, page in enumerate(leaflet.pages):
            for frame in page.frames:
                for item in frame.items:
                    if not isinstance(item, PlacedQr):
                        continue
                    pdf_page = document[index]
                    width, height = pdf_page.get_size()
                    margin = (width - trim_width_pt) / 2
                    pad = 6.0
                    left, bottom = margin + item.x_pt - pad, margin + item.y_pt - pad
                    right, top = left + item.size_pt + 2 * pad, bottom + item.size_pt + 2 * pad
                    image = pdf_page.render(
                        scale=QR_RENDER_DPI / 72, crop=(left, bottom, width - right, height - top), grayscale=True
                    ).to_pil()
                    decoded = [result.text for result in zxingcpp.read_barcodes(image)]
                    if decoded != [item.url]:
                        found = decoded[0] if decoded else "nothing"
                        findings.append(
                            Finding(
                                "error",
                                "qr-decode",
                                f"the QR code decodes to {found!r}, not {item.url!r}: check its frame, colours and "
                                "what overlaps it",
                                leaflet.ward.code,
                                page.name,
                                frame.name,
                            )
                        )
    finally:
        document.close()
    return findings


_COLOUR_OPERATORS = re.compile(rb"(?<![A-Za-z])(rg|RG|sc|SC|scn|SCN|cs|CS|sh|gs)(?![A-Za-z])")
_BAD_SPACES = {"/DeviceRGB", "/CalRGB", "/Lab", "/DeviceN"}


def print_file_findings(data: bytes, ward: str | None = None) -> list[Finding]:
    """Colour spaces, fonts and transparency, as a preflight reads them (pypdf, not our writer)."""
    from pypdf import PdfReader  # imported when first needed, after a run's photos are prepared

    reader = PdfReader(io.BytesIO(data))
    findings: list[Finding] = []
    seen: set[int] = set()
    problem = _output_intent_problem(reader.trailer["/Root"].get_object())
    if problem:
        findings.append(Finding("error", "output-intent", problem, ward))
    for number, page in enumerate(reader.pages, start=1):

        def add(rule: str, message: str, page_name: str = f"page {number}") -> None:
            findings.append(Finding("error", rule, message, ward, page=page_name))

        contents = page.get_contents()
        streams = [contents.get_data()] if contents is not None else []
        pending: list[Any] = [page["/Resources"]]
        while pending:
            resources = pending.pop().get_object()
            for space in resources.get("/ColorSpace", {}).values():
                space = space.get_object()
                family = space[0] if isinstance(space, list) else space
                alternate = space[2] if isinstance(space, list) and family == "/Separation" else None
                if family in _BAD_SPACES or alternate in _BAD_SPACES or _is_rgb_icc(family, space):
                    add("rgb-colour", f"colour space {family} is not CMYK: use CMYK swatches")
            for font in resources.get("/Font", {}).values():
                font = font.get_object()
                if _first_sight(font, seen) and not _font_embedded(font):
                    add(
                        "font-embedding",
                        f"font {font.get('/BaseFont')} is not embedded: use a font file the layout names",
                    )
            for state in resources.get("/ExtGState", {}).values():
                state = state.get_object()
                if (
                    state.get("/SMask", "/None") != "/None"
                    or float(state.get("/CA", 1)) < 1
                    or float(state.get("/ca", 1)) < 1
                ):
                    add("transparency", "transparency is not allowed in PDF/X-1a: flatten it")
            for xobject in resources.get("/XObject", {}).values():
                xobject = xobject.get_object()
                if not _first_sight(xobject, seen):
                    continue
                if xobject["/Subtype"] == "/Image":
                    space = xobject.get("/ColorSpace")
                    space = space.get_object() if space is not None else None
                    family = space[0] if isinstance(space, list) else space
                    if family in _BAD_SPACES or _is_rgb_icc(family, space):
                        add("rgb-colour", "a photo is stored in RGB: leaflet converts photos to CMYK")
                    if "/SMask" in xobject or "/Mask" in xobject:
                        add("transparency", "a photo has a transparency mask: flatten it")
                elif xobject["/Subtype"] == "/Form":
                    streams.append(xobject.get_data())
                    if "/Resources" in xobject:
                        pending.append(xobject["/Resources"])
                    if xobject.get("/Group", {}).get("/S") == "/Transparency":
                        add("transparency", "a transparency group: flatten it")
        for stream in streams:
            if {b"rg", b"RG"} & _stream_colour_operators(stream):
                add("rgb-colour", "RGB colour in a content stream: use CMYK swatches")
    return findings


# Characterization data registered with the ICC (www.color.org): PDF/X-1a lets a file name one of
# these instead of embedding its profile.
REGISTERED_CONDITIONS = frozenset(
    {"FOGRA39", "FOGRA39L", "FOGRA47", "FOGRA51", "FOGRA52", "FOGRA40", "FOGRA29", "FOGRA28", "FOGRA27",
     "CGATS TR 001", "CGATS TR 006", "CGATS TR 005", "CGATS.21-2-CRPC6", "CGATS.21-2-CRPC5", "JC200103", "JCW2003"}
)  # fmt: skip
ICC_REGISTRY = "http://www.color.org"


def _output_intent_problem(catalog: Any) -> str | None:
    """What a PDF/X-1a preflight says of the file's output intent, or None: one GTS_PDFX intent,
    with a CMYK profile embedded or naming a condition registered with the ICC."""
    intents = [intent.get_object() for intent in catalog.get("/OutputIntents", [])]
    pdfx = [intent for intent in intents if intent.get("/S") == "/GTS_PDFX"]
    if len(pdfx) != 1:
        return f"{len(pdfx)} PDF/X output intents, not one: the printer cannot tell which press condition it is for"
    intent = pdfx[0]
    identifier = str(intent.get("/OutputConditionIdentifier", ""))
    profile = intent.get("/DestOutputProfile")
    if profile is not None:
        header = profile.get_object().get_data()[:20]
        if len(header) < 20 or header[16:20] != b"CMYK":
            return "the output intent's profile is not a CMYK profile: embed the press profile (FOGRA39)"
        return None
    if identifier not in REGISTERED_CONDITIONS or str(intent.get("/RegistryName", "")) != ICC_REGISTRY:
        return (
            f"the output intent names '{identifier}' without its profile, and that is not a condition registered "
            f"at {ICC_REGISTRY}: embed the profile (press: output_intent: embedded)"
        )
    return None


def _is_rgb_icc(family: Any, space: Any) -> bool:
    return family == "/ICCBased" and space[1].get_object().get("/N") == 3


@lru_cache(maxsize=256)
def _stream_colour_operators(stream: bytes) -> frozenset[bytes]:
    """Shared Form XObjects are the same bytes in every ward's file: read them once."""
    return frozenset(_COLOUR_OPERATORS.findall(stream))


def _first_sight(pdf_object, seen: set[int]) -> bool:
    """Whether a shared object (a font, a photo, a form on every page) is met for the first time."""
    reference = getattr(pdf_object, "indirect_reference", None)
    if reference is None:
        return True
    if reference.idnum in seen:
        return False
    seen.add(reference.idnum)
    return True


def _font_embedded(font) -> bool:
    if font.get("/Subtype") == "/Type3":
        return True
    if font.get("/Subtype") == "/Type0":
        font = font["/DescendantFonts"][0].get_object()
    descriptor = font.get("/FontDescriptor")
    descriptor = descriptor.get_object() if descriptor is not None else {}
    return any(key in descriptor for key in ("/FontFile", "/FontFile2", "/FontFile3"))
