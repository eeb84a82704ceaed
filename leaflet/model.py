"""The plain data every stage shares: specs in millimetres in, laid-out pages in points out.

Spec types (Layout, Campaign, Ward) come from ``load``; laid-out types (LaidOutLeaflet and what it
holds) come from ``layout`` and go to ``draw`` and ``check``.  Laid-out coordinates are points in
trim space: origin at the trim box's bottom-left corner, y up, as PDF has it.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from decimal import Decimal
from fractions import Fraction
from pathlib import Path
from typing import Literal, assert_never

PT_PER_MM = 72 / 25.4


def mm_to_pt(value_mm: float) -> float:
    return value_mm * PT_PER_MM


def pt_to_mm(value_pt: float) -> float:
    return value_pt / PT_PER_MM


# ---------------------------------------------------------------- colours and styles


@dataclass(frozen=True)
class Cmyk:
    """A process colour, each component 0..1 (layouts give percentages), or a spot ink: then
    ``spot`` names the ink and the CMYK values are its alternate (for proofs and screens)."""

    c: float
    m: float
    y: float
    k: float
    spot: str | None = None

    @property
    def total_ink(self) -> float:
        return self.c + self.m + self.y + self.k


WHITE = Cmyk(0, 0, 0, 0)

Align = Literal["left", "center", "right", "justify"]
VAlign = Literal["top", "middle", "bottom"]
ImageFit = Literal["cover", "contain"]


@dataclass(frozen=True)
class FontFace:
    """One font file of a family, e.g. family 'Sans' bold italic."""

    family: str
    bold: bool
    italic: bool
    path: Path

    @property
    def key(self) -> str:
        variant = ("Bold" if self.bold else "") + ("Italic" if self.italic else "")
        return f"{self.family}-{variant or 'Regular'}"


@dataclass(frozen=True)
class TextStyle:
    name: str
    family: str
    size_pt: float
    leading_pt: float
    colour: Cmyk
    align: Align = "left"
    min_size_pt: float | None = None  # None: the text may not shrink
    bold: bool = False
    italic: bool = False
    uppercase: bool = False
    space_before_pt: float = 0.0
    space_after_pt: float = 0.0

    @property
    def smallest_size_pt(self) -> float:
        return self.size_pt if self.min_size_pt is None else self.min_size_pt


# ---------------------------------------------------------------- layout spec (millimetres)


@dataclass(frozen=True)
class BoxMm:
    """A rectangle in trim coordinates as designers give them: from the trim's top-left corner."""

    x: float
    y: float
    width: float
    height: float


@dataclass(frozen=True)
class ShapeFrame:
    name: str
    box: BoxMm
    fill: Cmyk | None = None
    stroke: Cmyk | None = None
    stroke_pt: float = 0.0


@dataclass(frozen=True)
class TextFrame:
    """A single block of text from one content slot: a headline, a caption, the ward banner."""

    name: str
    box: BoxMm
    slot: str
    style: str
    valign: VAlign = "top"
    fill: Cmyk | None = None
    padding_mm: float = 0.0
    credits: str | None = None  # the image slot whose photo these words credit (a photo credit)


@dataclass(frozen=True)
class FlowFrame:
    """One link of a chain of frames that a long text flows through, in page and frame order."""

    name: str
    box: BoxMm
    flow: str


@dataclass(frozen=True)
class ImageFrame:
    name: str
    box: BoxMm
    slot: str
    fit: ImageFit = "cover"
    focal: tuple[float, float] = (0.5, 0.5)  # fraction of the image width and height


@dataclass(frozen=True)
class QrFrame:
    """A QR code to the ward's sign-up URL, square, ``box.width`` wide including its quiet zone."""

    name: str
    box: BoxMm
    caption_slot: str | None = None
    caption_style: str | None = None
    caption_gap_mm: float = 2.0


@dataclass(frozen=True)
class ImprintFrame:
    name: str
    box: BoxMm
    style: str


Frame = ShapeFrame | TextFrame | FlowFrame | ImageFrame | QrFrame | ImprintFrame
FrameType = Literal["shape", "text", "flow", "image", "qr", "imprint"]  # a frame's ``type`` in a layout file


@dataclass(frozen=True)
class Flow:
    """A chain's content: which slot flows, and the styles its paragraphs take."""

    name: str
    slot: str
    body_style: str
    heading_style: str
    bullet_style: str


def frame_slots(frame: Frame, flows: dict[str, Flow]) -> tuple[tuple[str, ...], tuple[str, ...]]:
    """The campaign slots a frame takes its words from, and the image slots of its photos."""
    match frame:
        case ShapeFrame() | ImprintFrame():
            return (), ()
        case TextFrame():
            return (frame.slot,), ()
        case FlowFrame():
            return (flows[frame.flow].slot,), ()
        case ImageFrame():
            return (), (frame.slot,)
        case QrFrame():
            return ((frame.caption_slot,) if frame.caption_slot else ()), ()
        case _:
            assert_never(frame)


@dataclass(frozen=True)
class PageSpec:
    name: str
    frames: tuple[Frame, ...]


@dataclass(frozen=True)
class Thresholds:
    """Preflight limits; a layout's ``preflight:`` section may change any of them."""

    warn_below_ppi: float = 300
    error_below_ppi: float = 200
    min_text_pt: float = 6
    min_line_pt: float = 0.25
    max_ink_percent: float = 300
    min_qr_module_mm: float = 0.4
    min_qr_size_mm: float = 20
    min_quiet_modules: int = 4
    reversed_text_min_pt: float = 8  # light text on a background of several inks, smaller: a warning
    reversed_text_regular_min_pt: float = 10  # the same for text that is not bold
    multi_ink_text_min_pt: float = 10  # text of several inks, smaller: a warning


OutputIntentForm = Literal["embedded", "named"]


@dataclass(frozen=True)
class PressOptions:
    """How the print files go to press (a layout's ``press:`` section)."""

    overprint_black: bool = True  # 100% K text and thin 100% K rules overprint what is under them
    output_intent: OutputIntentForm = "embedded"  # the FOGRA39 profile embedded, or the condition named


@dataclass(frozen=True)
class Layout:
    path: Path
    name: str
    trim_width_mm: float
    trim_height_mm: float
    bleed_mm: float
    safe_mm: float
    fonts: dict[str, FontFace]  # by FontFace.key
    spot_colours: dict[str, Cmyk]  # spot ink name -> the swatch that uses it
    styles: dict[str, TextStyle]
    flows: dict[str, Flow]
    pages: tuple[PageSpec, ...]
    preflight: Thresholds = Thresholds()
    fallback_fonts: tuple[str, ...] = ()  # families that draw what a style's family cannot
    riso: RisoSpec | None = None  # how the leaflet prints on the office's Riso, if it says
    press: PressOptions = PressOptions()


# ---------------------------------------------------------------- content and wards


@dataclass(frozen=True)
class Run:
    """A stretch of text in one inline style; its text may hold ``{ward.field}`` placeholders."""

    text: str
    bold: bool = False
    italic: bool = False


ParagraphKind = Literal["body", "heading", "bullet"]


@dataclass(frozen=True)
class Paragraph:
    kind: ParagraphKind
    runs: tuple[Run, ...]
    language: str = ""  # of its words (a campaign file's or a ward's language): hyphenation, quotes


@dataclass(frozen=True)
class ImprintWording:
    """The words the imprint is composed with, in the leaflet's language."""

    printed_by: str = "Printed by"
    promoted_by: str = "Promoted by"
    on_behalf_of: str = "on behalf of"


@dataclass(frozen=True)
class Imprint:
    printer: str
    promoter: str
    on_behalf_of: str | None = None
    wording: ImprintWording = ImprintWording()

    @property
    def text(self) -> str:
        words = self.wording
        parts = [f"{words.printed_by} {self.printer}.", f"{words.promoted_by} {self.promoter}"]
        if self.on_behalf_of and self.on_behalf_of != self.promoter:
            parts[-1] += f" {words.on_behalf_of} {self.on_behalf_of}"
        parts[-1] += "."
        return " ".join(parts)


Translations = Literal["partial", "complete"]
# ---------------------------------------------------------------- what a ward may change (campaign.yaml's local:)


@dataclass(frozen=True)
class LocalSlot:
    """A slot whose words a ward's organiser may write (``leaflet serve``)."""

    slot: str
    label: str  # what the organiser's form calls it
    help: str = ""
    max_words: int | None = None
    max_characters: int | None = None
    must_change: tuple[str, ...] = ()  # placeholder words ("[your priority]") to replace before submitting
    start: str | None = None  # the words an organiser starts from; None: the ward's words as they print now


@dataclass(frozen=True)
class LocalPhoto:
    """An image slot whose photo a ward may replace, and whose focal point it may set."""

    slot: str
    label: str
    help: str = ""
    min_ppi: float | None = None  # at its placed size; None: the layout's preflight limits alone


@dataclass(frozen=True)
class LocalField:
    """A ward column (the organiser's name) that the ward may change."""

    field: str
    label: str
    help: str = ""
    max_characters: int = 100


@dataclass(frozen=True)
class LocalEdits:
    """Everything a ward may change; the rest of the leaflet stays as the campaign made it."""

    slots: tuple[LocalSlot, ...] = ()
    photos: tuple[LocalPhoto, ...] = ()
    fields: tuple[LocalField, ...] = ()

    @property
    def is_open(self) -> bool:
        return bool(self.slots or self.photos or self.fields)


@dataclass(frozen=True)
class Campaign:
    path: Path  # the campaign.yaml
    name: str  # the campaign folder's name, e.g. pcc-2021
    title: str
    layout: Layout
    wards_path: Path
    signup_url: str  # template with {ward.code} and other ward placeholders
    imprint: Imprint
    slots: dict[str, tuple[Paragraph, ...]]
    images: dict[str, Path]
    project: Path  # the folder its files, and the photos its wards name, may come from
    language: str = "en"  # of its words: campaign.yaml's, or a campaign.<language>.yaml's
    typographic_punctuation: bool = True  # curly quotes, en dashes in ranges, no-break spaces (read/punctuation.py)
    overs_percent: float = 5.0  # the print order: extra copies on top of households
    pack_size: int = 50  # quantities are rounded up to whole packs
    translations: Translations = "partial"  # complete: a slot a language file leaves out is an error
    source_files: tuple[Path, ...] = ()  # the YAML and Markdown files its words were read from
    office_printer: str | None = None  # the imprint's printer on office (Riso) output
    prices: PrintPrices = field(default_factory=lambda: PrintPrices())
    spending_limit: SpendingLimit | None = None
    local: LocalEdits = LocalEdits()  # what a ward's organiser may change in leaflet serve
    require_sign_off: bool = False  # leaflet build prints only what the agent signed off

    @property
    def root(self) -> Path:
        return self.path.parent


@dataclass(frozen=True)
class Ward:
    code: str
    name: str
    fields: dict[str, str]  # every column, header lower-cased, code and name included
    line: int  # where the ward's row starts in its CSV, for messages


# ---------------------------------------------------------------- laid out (points, trim space)


@dataclass(frozen=True)
class BoxPt:
    x: float
    y: float
    width: float
    height: float

    @property
    def top(self) -> float:
        return self.y + self.height

    @property
    def right(self) -> float:
        return self.x + self.width


@dataclass(frozen=True)
class GlyphRun:
    """Shaped text in one font, size and colour, starting at ``x_pt`` on its line's baseline.

    ``glyphs`` are the font's glyph ids left to right as they are drawn, each moved on by its
    ``advances`` entry (kerning, and for justified lines ``word_space_pt`` after each space,
    included) and, when ``offsets`` is not empty, drawn off its pen position by its (x, y)
    entry; all in thousandths of an em.  ``text`` is what the glyphs say, in reading order: what
    copying and searching the PDF give back; a ``right_to_left`` run's glyphs say it backwards.
    """

    font: str  # FontFace.key
    size_pt: float
    colour: Cmyk
    x_pt: float
    text: str
    glyphs: tuple[int, ...]
    advances: tuple[float, ...]
    offsets: tuple[tuple[float, float], ...] = ()
    word_space_pt: float = 0.0
    right_to_left: bool = False

    @property
    def width_pt(self) -> float:
        return sum(self.advances) * self.size_pt / 1000.0


@dataclass(frozen=True)
class TextLine:
    baseline_pt: float
    width_pt: float
    runs: tuple[GlyphRun, ...]


@dataclass(frozen=True)
class FilledBox:
    """A rectangle filled and/or stroked; ``underlaps`` are strips beyond ``box``, under frames
    drawn above it where they meet it, that the fill covers too (so no paper shows at the join)."""

    box: BoxPt
    fill: Cmyk | None
    stroke: Cmyk | None = None
    stroke_pt: float = 0.0
    underlaps: tuple[BoxPt, ...] = ()


@dataclass(frozen=True)
class PlacedImage:
    """An image drawn at ``placed`` (its whole extent) and clipped to ``clip`` and its
    ``underlaps`` (strips under the frames drawn above it where they meet it, see FilledBox)."""

    slot: str
    path: Path
    placed: BoxPt
    clip: BoxPt
    underlaps: tuple[BoxPt, ...] = ()


@dataclass(frozen=True)
class PlacedQr:
    url: str
    x_pt: float  # the quiet zone's bottom-left corner
    y_pt: float
    module_pt: float
    quiet_modules: int
    modules: tuple[str, ...]  # rows from the top, "1" dark and "0" light, quiet zone excluded

    @property
    def size_pt(self) -> float:
        return self.module_pt * (len(self.modules) + 2 * self.quiet_modules)


Item = TextLine | FilledBox | PlacedImage | PlacedQr


@dataclass(frozen=True)
class LaidOutFrame:
    """One frame's drawable items.  ``static`` frames are identical for every ward of a run."""

    name: str
    box: BoxPt
    items: tuple[Item, ...]
    static: bool
    scale: float = 1.0  # copy-fitting: the text was set at this fraction of its style's size


@dataclass(frozen=True)
class LaidOutPage:
    name: str
    frames: tuple[LaidOutFrame, ...]
    slug: tuple[TextLine, ...] = ()  # with --marks: the ward, its name and the page, outside the bleed


Severity = Literal["error", "warning"]


@dataclass(frozen=True)
class Finding:
    severity: Severity
    rule: str
    message: str
    ward: str | None = None
    page: str | None = None
    frame: str | None = None


@dataclass(frozen=True)
class LaidOutLeaflet:
    ward: Ward
    title: str
    signup_url: str
    pages: tuple[LaidOutPage, ...]
    findings: tuple[Finding, ...] = field(default=())


# ---------------------------------------------------------------- office (Riso) output and the print bill

RisoFeed = Literal["long_edge", "short_edge"]  # which edge of the sheet goes into the machine first
PhotoScreen = Literal["halftone", "grey"]  # photos screened by leaflet, or left grey for the machine to screen


@dataclass(frozen=True)
class Drum:
    """One drum of the office's Riso and its ink; ``rgb`` is how the ink looks on paper (sRGB
    0..255), for the composite that simulates the print."""

    name: str
    ink: str
    rgb: tuple[int, int, int]


@dataclass(frozen=True)
class DrumInk:
    """Where a colour prints on the Riso: on ``drum`` at ``tint`` (0..1 of full ink), or with no
    drum nowhere (paper, which knocks out what is under it).  Unless it ``overprint``s, a colour
    knocks out the other drums where it prints, as it hides what is under it in the press file."""

    drum: str | None
    tint: float
    overprint: bool = False


PAPER = DrumInk(None, 0.0)


@dataclass(frozen=True)
class RisoPhotos:
    """Photos print on one drum: screened by leaflet into dots at ``lpi`` lines per inch on the
    master's ``dpi`` grid, or left grey for the machine's own screening; ``max_tint`` caps the
    darkest tone, so no photo becomes a solid."""

    drum: str
    screen: PhotoScreen = "halftone"
    lpi: float = 71.0
    dpi: float = 600.0
    max_tint: float = 0.85


@dataclass(frozen=True)
class RisoSheet:
    """The paper (short side, long side) and the edges the machine cannot print on: the edge that
    feeds first (leading), the last one (trailing) and the two sides."""

    size_mm: tuple[float, float] = (210.0, 297.0)
    feed: RisoFeed = "long_edge"
    leading_mm: float = 5.0
    trailing_mm: float = 2.0
    sides_mm: float = 3.0


@dataclass(frozen=True)
class RisoThresholds:
    """Limits of the Riso preflight rules; ``riso.preflight`` in a layout may change them."""

    max_solid_percent: float = 85.0  # a larger fill above this tint makes feed and drying trouble
    large_solid_cm2: float = 4.0  # what counts as a large fill
    min_tint_text_pt: float = 7.0  # smaller text on (or in) a tint breaks up in the screen


@dataclass(frozen=True)
class RisoSpec:
    """A layout's Riso variant: its drums, where each colour prints, its pages and styles with the
    Riso's changes applied, and the sheet the A5 pages are imposed on 2-up."""

    drums: dict[str, Drum]
    inks: dict[Cmyk, DrumInk]  # every colour the Riso pages use, by its value
    photos: RisoPhotos
    pages: tuple[PageSpec, ...]
    styles: dict[str, TextStyle]
    sheet: RisoSheet = RisoSheet()
    margin_mm: float = 6.0  # artwork that bleeds in the press layout stops this far inside the trim
    saturated_percent: float = 70.0  # fills at this tint or more keep further in ...
    saturated_inset_mm: float = 3.0  # ... by this much inside the printable area
    preflight: RisoThresholds = RisoThresholds()

    def ink(self, colour: Cmyk) -> DrumInk:
        return self.inks[colour]


@dataclass(frozen=True)
class PrintPrices:
    """Unit prices in pounds, exact decimals (VAT included, as a spending return has them); None
    where the campaign gives none.  The commercial printer charges per copy or per pack."""

    per_copy: Decimal | None = None
    per_pack: Decimal | None = None
    riso_per_master: Decimal | None = None
    riso_per_copy: Decimal | None = None


@dataclass(frozen=True)
class SpendingLimit:
    """A candidate's spending limit: ``fixed`` + ``per_elector`` x the electorate, less
    ``reduction`` (joint candidates share one), rounded down to the penny.  ``per_ward``: each
    ward is its own election (local councils), else the run's wards are one (a constituency,
    a police area)."""

    name: str  # the preset's title, or "set in campaign.yaml"
    fixed: Decimal
    per_elector: Decimal
    per_ward: bool
    reduction: Fraction = Fraction(0)
    source: str = ""  # where the figures come from
