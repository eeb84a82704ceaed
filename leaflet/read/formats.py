"""The file formats, defined once: every key of a layout, campaign and language file with its
kind, default, bounds, allowed values and description.

The loaders read values through these definitions (``Kind.read``: one error per problem, all of
them collected, each naming the line and key path), and ``leaflet schema`` writes them out as
JSON Schemas (``Kind.schema``), so what an editor flags is what leaflet refuses.  Rules that
relate one value to another (a style's swatch must exist, ``min_size_pt`` at most ``size_pt``, a
frame within the bleed) are checked by the loaders; a JSON Schema cannot express them.
"""

from __future__ import annotations

from dataclasses import fields, replace
from typing import get_args

from leaflet.model import (
    Align,
    Campaign,
    ImageFit,
    ImageFrame,
    ImprintWording,
    LocalField,
    PhotoScreen,
    QrFrame,
    RisoFeed,
    RisoPhotos,
    RisoSheet,
    RisoSpec,
    RisoThresholds,
    ShapeFrame,
    TextFrame,
    TextStyle,
    Thresholds,
    Translations,
    VAlign,
)
from leaflet.read.kinds import (
    REQUIRED,
    Colour,
    Field,
    FilePath,
    Flag,
    ListOf,
    MapOf,
    Money,
    Number,
    Numbers,
    OneOf,
    Section,
    Tagged,
    Text,
    Whole,
    Words,
    default_of,
)
from leaflet.read.spending_presets import spending_presets

# ---------------------------------------------------------------- layouts

FONT_VARIANTS = {"regular": (False, False), "bold": (True, False), "italic": (False, True), "bold_italic": (True, True)}

PAGE = Section(
    (
        Field(
            "trim_mm",
            Numbers((Number(above=0), Number(above=0)), "trim width and height must be positive"),
            "the trimmed page's width and height in mm",
            (148.0, 210.0),
        ),
        Field("bleed_mm", Number(minimum=0), "how far artwork that bleeds runs past the trim, in mm", 3.0),
        Field("safe_mm", Number(minimum=0), "text and codes keep this far inside the trim, in mm", 5.0),
    )
)

FONT_FAMILY = Section(
    tuple(
        Field(
            variant,
            Text(),
            f"the {variant.replace('_', ' ')} face's TrueType file, from the layout's folder",
            REQUIRED if variant == "regular" else None,
            missing_hint="every family needs a regular face" if variant == "regular" else None,
        )
        for variant in FONT_VARIANTS
    )
)

SPOT = Section(
    (
        Field("spot", Text(), "the spot ink's name, e.g. PANTONE 485 C"),
        Field("cmyk", Colour(names=False), "the ink's look in process colours, for proofs and screens"),
    )
)

SWATCH = OneOf(
    (Colour(names=False), SPOT),
    "expected [C, M, Y, K] percentages 0-100 or {spot: NAME, cmyk: [C, M, Y, K]}",
    pick=lambda value: SPOT if isinstance(value, dict) else Colour(names=False),
)

STYLE = Section(
    (
        Field("font", Text(), "a font family named under fonts"),
        Field("size_pt", Number(minimum=1), "the type size in points"),
        Field("leading_pt", Number(minimum=1), "baseline to baseline, in points (default: 1.2 x size_pt)", None),
        Field("colour", Colour(), "a swatch name or [C, M, Y, K]", "black"),
        Field(
            "align",
            Text(get_args(Align), "alignment"),
            "how lines sit in the frame (justify: both edges, every paragraph broken total-fit)",
            default_of(TextStyle, "align"),
        ),
        Field(
            "min_size_pt",
            Number(minimum=1),
            "copy-fitting may shrink the text down to this (default: it may not shrink)",
            None,
        ),
        Field("bold", Flag(), "set in the family's bold face", default_of(TextStyle, "bold")),
        Field("italic", Flag(), "set in the family's italic face", default_of(TextStyle, "italic")),
        Field("uppercase", Flag(), "set in capitals", default_of(TextStyle, "uppercase")),
        Field(
            "space_before_pt",
            Number(minimum=0),
            "room above each paragraph, in points",
            default_of(TextStyle, "space_before_pt"),
        ),
        Field(
            "space_after_pt",
            Number(minimum=0),
            "room below each paragraph, in points",
            default_of(TextStyle, "space_after_pt"),
        ),
    )
)

FLOW = Section(
    (
        Field("slot", Text(), "the campaign slot whose words flow through the chain"),
        Field("body", Text(), "the style of plain paragraphs"),
        Field("heading", Text(), "the style of headings (default: body)", None),
        Field("bullet", Text(), "the style of bullet points (default: body)", None),
    )
)

BOX = Numbers((Number(), Number(), Number(above=0), Number(above=0)), "width and height must be positive")
FRAME_COMMON = (
    Field("name", Text(), "the frame's name, unique in the layout: findings and proofs name it"),
    Field("box_mm", BOX, "x, y, width, height in mm from the trim's top-left corner; -3 starts in the bleed"),
)

FRAME_TYPES: dict[str, Section] = {  # by FrameType
    "shape": Section(
        (
            *FRAME_COMMON,
            Field("fill", Colour(), "the panel's colour", None),
            Field("stroke", Colour(), "the outline's colour", None),
            Field("stroke_pt", Number(minimum=0), "the outline's width in points", default_of(ShapeFrame, "stroke_pt")),
        ),
        "a colour panel or rule; may run into the bleed",
    ),
    "text": Section(
        (
            *FRAME_COMMON,
            Field("slot", Text(), "the campaign slot whose words it sets"),
            Field("style", Text(), "a style named under styles"),
            Field(
                "valign",
                Text(get_args(VAlign), "vertical alignment"),
                "where the text sits in the frame",
                default_of(TextFrame, "valign"),
            ),
            Field("fill", Colour(), "a background colour behind the text", None),
            Field(
                "padding_mm",
                Number(minimum=0),
                "room between the frame's edge and its text, in mm",
                default_of(TextFrame, "padding_mm"),
            ),
            Field(
                "credits",
                Text(),
                "the image slot whose photo these words credit: where a ward or a language replaces that photo, "
                "it prints its own credit, or none",
                None,
            ),
        ),
        "one block of words: a headline, a caption, the ward banner, a photo credit",
    ),
    "flow": Section(
        (
            *FRAME_COMMON,
            Field("flow", Text(), "the flow (under flows) this frame is a link of"),
        ),
        "one link of a chain the long text flows through, front to back",
    ),
    "image": Section(
        (
            *FRAME_COMMON,
            Field("slot", Text(), "the campaign image slot whose photo it shows"),
            Field(
                "fit",
                Text(get_args(ImageFit), "fit"),
                "cover: fill the frame, cropping; contain: show it whole",
                default_of(ImageFrame, "fit"),
            ),
            Field(
                "focal",
                Numbers(
                    (Number(minimum=0, maximum=1), Number(minimum=0, maximum=1)),
                    "focal point is a fraction of width and height, each 0 to 1",
                ),
                "the point of the photo kept in view when cropping, as fractions of its width and height",
                default_of(ImageFrame, "focal"),
            ),
        ),
        "a photo, cropped to the frame, never distorted",
    ),
    "qr": Section(
        (
            *FRAME_COMMON,
            Field("caption_slot", Text(), "a slot whose words go under the code", None),
            Field("caption_style", Text(), "the caption's style (needed with caption_slot)", None),
            Field(
                "caption_gap_mm",
                Number(minimum=0),
                "room between the code and its caption, in mm",
                default_of(QrFrame, "caption_gap_mm"),
            ),
        ),
        "the ward's sign-up QR code (vector, 4-module quiet zone) and a caption",
    ),
    "imprint": Section(
        (
            *FRAME_COMMON,
            Field("style", Text(), "a style named under styles, 6 pt or more"),
        ),
        "the legal imprint composed from the campaign's parts",
    ),
}
FRAME = Tagged("type", FRAME_TYPES, "frame type")
FRAMES = ListOf(FRAME, "expected a list of frames")

_THRESHOLD_HELP = {
    "warn_below_ppi": "a photo under this resolution at its placed size is a warning",
    "error_below_ppi": "a photo under this resolution at its placed size is an error",
    "min_text_pt": "text smaller than this is an error",
    "min_line_pt": "a line thinner than this is an error",
    "max_ink_percent": "total ink above this in a fill or a photo is an error",
    "min_qr_module_mm": "QR modules smaller than this are an error",
    "min_qr_size_mm": "a QR code narrower than this is an error",
    "min_quiet_modules": "a quiet zone narrower than this many modules is an error",
}
PREFLIGHT = Section(
    tuple(
        Field(
            threshold.name,
            Whole(minimum=0) if threshold.type in (int, "int") else Number(minimum=0),
            _THRESHOLD_HELP[threshold.name],
            threshold.default,
        )
        for threshold in fields(Thresholds)
    ),
    "limits of the preflight rules (leaflet check)",
)

# ---------------------------------------------------------------- a layout's Riso (office) variant

PAPER_DRUM = "paper"  # a swatch that prints nowhere
RISO_DRUM = Section(
    (
        Field("ink", Text(pattern=r"\S", message="expected the ink's name, got {value}"), "the ink's name"),
        Field(
            "rgb",
            Text(pattern=r"^#[0-9A-Fa-f]{6}$", message="expected #RRGGBB, got {value}", hint="e.g. #3255A4"),
            "how the ink looks on paper, #RRGGBB (sRGB), for the composite",
        ),
    )
)
RISO_SWATCH = Section(
    (
        Field("drum", Text(), f"the drum it prints on (under riso.drums), or {PAPER_DRUM}: nowhere"),
        Field("tint", Number(minimum=0, maximum=100), "how much of the drum's full ink, in percent", 100.0),
        Field(
            "overprint",
            Flag(),
            "print over the other drums instead of knocking them out (black text, typically)",
            False,
        ),
    )
)
RISO_PHOTOS = Section(
    (
        Field("drum", Text(), "the drum photos print on (default: black's)", None),
        Field(
            "screen",
            Text(get_args(PhotoScreen), "photo screen"),
            "halftone: leaflet screens photos into dots; grey: the machine screens them",
            default_of(RisoPhotos, "screen"),
        ),
        Field(
            "lpi",
            Number(minimum=20, maximum=200),
            "the halftone's lines per inch (a Riso holds about 50 to 100)",
            default_of(RisoPhotos, "lpi"),
        ),
        Field(
            "dpi",
            Number(minimum=150, maximum=1200),
            "the master's resolution, which the halftone is drawn at",
            default_of(RisoPhotos, "dpi"),
        ),
        Field(
            "max_tint",
            Number(minimum=1, maximum=100),
            "the darkest tone of a photo, in percent of full ink",
            default_of(RisoPhotos, "max_tint") * 100,
        ),
    )
)
RISO_SHEET = Section(
    (
        Field(
            "size_mm",
            Numbers((Number(above=0), Number(above=0)), "the sheet's sides must be positive"),
            "the paper's short and long side in mm (A4)",
            default_of(RisoSheet, "size_mm"),
        ),
        Field(
            "feed",
            Text(get_args(RisoFeed), "feed"),
            "which edge feeds first: long_edge (A4 landscape, A3 machines) or short_edge",
            default_of(RisoSheet, "feed"),
        ),
        Field(
            "leading_mm",
            Number(minimum=0),
            "unprintable at the edge that feeds first",
            default_of(RisoSheet, "leading_mm"),
        ),
        Field("trailing_mm", Number(minimum=0), "unprintable at the last edge", default_of(RisoSheet, "trailing_mm")),
        Field("sides_mm", Number(minimum=0), "unprintable at each side", default_of(RisoSheet, "sides_mm")),
    )
)
RISO_PREFLIGHT = Section(
    (
        Field(
            "max_solid_percent",
            Number(minimum=0, maximum=100),
            "a large fill above this tint is an error (feed and drying trouble)",
            default_of(RisoThresholds, "max_solid_percent"),
        ),
        Field(
            "large_solid_cm2",
            Number(minimum=0),
            "a fill at least this large counts as a large fill",
            default_of(RisoThresholds, "large_solid_cm2"),
        ),
        Field(
            "min_tint_text_pt",
            Number(minimum=0),
            "text smaller than this on or in a tint is a warning",
            default_of(RisoThresholds, "min_tint_text_pt"),
        ),
    ),
    "limits of the Riso preflight rules",
)
RISO_STYLE = Section(tuple(replace(spec, default=None) for spec in STYLE.fields))  # what a Riso style changes
_OMIT = Field("omit", Flag(), "leave the frame out of the Riso pages", False)


def riso_frame_section(frame_type: str) -> Section:
    """The keys a Riso variant of a frame may change: its type's keys but the name, and omit."""
    changeable = (replace(spec, default=None) for spec in FRAME_TYPES[frame_type].fields if spec.key != "name")
    return Section((*changeable, _OMIT))


# For the schema, which cannot tell a frame's type from its name: the keys of every frame type.
_FRAME_KEYS = {spec.key: spec for section in FRAME_TYPES.values() for spec in section.fields if spec.key != "name"}
RISO_FRAME = Section((*(replace(spec, default=None) for spec in _FRAME_KEYS.values()), _OMIT))
RISO = Section(
    (
        Field("drums", MapOf(RISO_DRUM), "the Riso's drums by name, each with its ink"),
        Field(
            "swatches",
            MapOf(RISO_SWATCH),
            "each swatch the Riso pages use (white is paper): its drum and tint",
        ),
        Field("photos", RISO_PHOTOS, "how photos print", None),
        Field("styles", MapOf(RISO_STYLE), "style keys that change for the Riso (a colour, a size)", None),
        Field(
            "frames",
            MapOf(RISO_FRAME),
            "frame keys that change for the Riso, by frame name (box_mm, fill ..., or omit: true)",
            None,
        ),
        Field("sheet", RISO_SHEET, "the paper and the machine's unprintable edges", None),
        Field(
            "margin_mm",
            Number(minimum=2),
            "artwork that bleeds in the press layout stops this far inside the trim",
            default_of(RisoSpec, "margin_mm"),
        ),
        Field(
            "saturated_percent",
            Number(minimum=0, maximum=100),
            "fills at this tint or more keep saturated_inset_mm further inside the printable area",
            default_of(RisoSpec, "saturated_percent"),
        ),
        Field(
            "saturated_inset_mm",
            Number(minimum=0),
            "how much further in saturated fills keep",
            default_of(RisoSpec, "saturated_inset_mm"),
        ),
        Field("preflight", RISO_PREFLIGHT, "limits of the Riso preflight rules", None),
    ),
    "how the leaflet prints on the office's Riso (leaflet build --for riso)",
)

LAYOUT = Section(
    (
        Field("name", Text(), "the layout's name (default: the file's name)", None),
        Field("page", PAGE, "page geometry"),
        Field("fonts", MapOf(FONT_FAMILY), "font families by name, each its faces' files"),
        Field(
            "fallback_fonts", ListOf(Text()), "families that draw the characters a style's family lacks, in order", ()
        ),
        Field("swatches", MapOf(SWATCH), "named colours: [C, M, Y, K] percentages, or a spot ink", None),
        Field("styles", MapOf(STYLE), "named text styles that frames refer to"),
        Field("flows", MapOf(FLOW), "chains of frames a long text flows through", None),
        Field("pages", MapOf(FRAMES), "each page's frames, in drawing order"),
        Field("preflight", PREFLIGHT, "limits of the preflight rules", None),
        Field("riso", RISO, "the leaflet's Riso (office) variant: drums, inks, changes", None),
    )
)

# ---------------------------------------------------------------- campaigns and their languages

FILE_SLOT = Section((Field("file", Text(), "a Markdown file, from the campaign's folder"),))
SLOT = OneOf(
    (Words("expected text, or {file: words.md}"), FILE_SLOT),
    "expected text, or {file: words.md}",
    pick=lambda value: FILE_SLOT if isinstance(value, dict) else None,
)
PHOTO = FilePath("an image file")
IMPRINT_PART = "missing: printed election material must say who printed and who promoted it"
IMPRINT_WORDING = Section(
    tuple(
        Field(
            words.name,
            Text(pattern=r"\S", message="the imprint's words may not be blank", hint="give them in this language"),
            f"the imprint's words before the {words.name.removesuffix('_by').replace('_', ' ')}'s name "
            f"(default: {words.default})",
            words.default,
        )
        for words in fields(ImprintWording)
    ),
    "the words the imprint is composed with: '<printed_by> <printer>. <promoted_by> <promoter> <on_behalf_of> ...'",
)
IMPRINT = Section(
    (
        *(
            Field(
                part,
                Text(pattern=r"\S", message=IMPRINT_PART, hint=f"give the {part}'s name and address"),
                f"the {part}'s name and address",
                missing=IMPRINT_PART,
                missing_hint=f"give the {part}'s name and address",
            )
            for part in ("printer", "promoter")
        ),
        Field("on_behalf_of", Text(), "for whom, when not the promoter: name and address", None),
        Field(
            "office_printer",
            Text(pattern=r"\S", message=IMPRINT_PART, hint="give the name and address of who prints in the office"),
            "who prints office (Riso) output, name and address: the imprint of leaflet build --for riso names them",
            None,
        ),
        Field("wording", IMPRINT_WORDING, "the imprint's words, in this file's language", None),
    )
)
LANGUAGE_IMPRINT = Section(
    (Field("wording", IMPRINT_WORDING, "the imprint's words in this language (names stay campaign.yaml's)"),),
    "the imprint in this language",
)
PRINT_ORDER = Section(
    (
        Field(
            "overs_percent",
            Number(minimum=0),
            "extra copies on top of the households, in percent",
            default_of(Campaign, "overs_percent"),
        ),
        Field(
            "pack_size",
            Whole(minimum=1),
            "the printer's pack: quantities are rounded up to whole packs",
            default_of(Campaign, "pack_size"),
        ),
        Field("per_copy", Money(), "the commercial printer's price of one leaflet, in pounds (or per_pack)", None),
        Field(
            "per_pack", Money(), "the commercial printer's price of a pack of pack_size leaflets (or per_copy)", None
        ),
    )
)
RISO_PRICES = Section(
    (
        Field("per_master", Money(), "what one master costs (the master and its share of drum wear), in pounds"),
        Field("per_copy", Money(), "what one leaflet costs to print in the office (paper and ink), in pounds"),
    ),
    "the office's Riso: unit prices for the print bill of leaflet build --for riso",
)
SPENDING_LIMIT = Section(
    (
        Field(
            "election",
            Text(tuple(spending_presets()), "election type"),
            "the election, for its spending limit (leaflet's presets, with their sources in the README)",
            None,
        ),
        Field("area", Text(), "the police area, for an election whose limit is set per area (pcc)", None),
        Field("fixed", Money(), "instead of a preset: the fixed amount of the limit, in pounds", None),
        Field("per_elector", Money(), "instead of a preset: the amount per elector, in pounds", None),
        Field(
            "per_ward",
            Flag(),
            "instead of a preset: each ward is its own election (true), or the wards together are one",
            False,
        ),
        Field("joint_candidates", Whole(minimum=1), "candidates sharing one limit as joint candidates", 1),
    ),
    "a candidate's spending limit: the build reports the share the print bill uses",
)

LABEL = Text(pattern=r"\S", message="expected the words the organiser's form shows")
LOCAL_SLOT = Section(
    (
        Field("label", LABEL, "what the organiser's form calls it, e.g. Your local priority"),
        Field("help", Text(), "a line under the label: what to write", ""),
        Field("max_words", Whole(minimum=1), "at most this many words", None),
        Field("max_characters", Whole(minimum=1), "at most this many characters", None),
        Field(
            "must_change",
            ListOf(Text(pattern=r"\S", message="expected the placeholder words, e.g. '[your priority]'")),
            "placeholder words, e.g. [your priority], that must be replaced before the ward is submitted",
            (),
        ),
        Field(
            "start",
            Words("expected the words an organiser starts from"),
            "the words an organiser starts from, {ward.<column>} filled in (default: the ward's words as they "
            "print now)",
            None,
        ),
    ),
    "a slot whose words the ward's organiser writes",
)
LOCAL_PHOTO = Section(
    (
        Field("label", LABEL, "what the organiser's form calls it, e.g. Back page photo"),
        Field("help", Text(), "a line under the label: what to show", ""),
        Field(
            "min_ppi",
            Number(above=0),
            "a photo under this resolution at its placed size cannot be submitted (default: the layout's preflight)",
            None,
        ),
    ),
    "an image slot whose photo the ward may replace, and whose focal point it may set",
)
LOCAL_FIELD = Section(
    (
        Field("label", LABEL, "what the organiser's form calls it, e.g. Organiser's name"),
        Field("help", Text(), "a line under the label", ""),
        Field(
            "max_characters",
            Whole(minimum=1),
            "at most this many characters",
            default_of(LocalField, "max_characters"),
        ),
    ),
    "a ward column, e.g. organiser, that the ward may change",
)
LOCAL = Section(
    (
        Field("slots", MapOf(LOCAL_SLOT), "slots whose words a ward writes, by slot name", None),
        Field("photos", MapOf(LOCAL_PHOTO), "image slots whose photo a ward may replace, by slot name", None),
        Field("fields", MapOf(LOCAL_FIELD), "ward columns a ward may change, by column name", None),
    ),
    "what a ward's organiser may change in leaflet serve; everything else stays locked",
)

CAMPAIGN = Section(
    (
        Field("title", Text(), "the campaign's title, in every print file's metadata"),
        Field("layout", Text(), "the layout file, from the campaign's folder"),
        Field("wards", Text(), "the wards spreadsheet, from the campaign's folder", "wards.csv"),
        Field(
            "signup_url",
            Text(pattern=r"^https?://", message="expected an http(s) address, got {value}"),
            "the sign-up address the QR code holds; {ward.code} and other ward fields are filled in",
        ),
        Field(
            "imprint",
            IMPRINT,
            "the legal imprint: who printed and who promoted the leaflet",
            missing="missing: printed election material must carry an imprint",
            missing_hint="add imprint: with printer and promoter (names and addresses)",
        ),
        Field("images", MapOf(PHOTO), "photos by image slot, from the campaign's folder", None),
        Field("slots", MapOf(SLOT), "the words by slot: text (inline **bold** and *italic*) or {file: words.md}"),
        Field("print_order", PRINT_ORDER, "for manifest.csv: what to order from the printer", None),
        Field("riso", RISO_PRICES, "the office's Riso prices, for the print bill of office output", None),
        Field("spending_limit", SPENDING_LIMIT, "the candidate's spending limit, against the print bill", None),
        Field(
            "language",
            Text(),
            "the language of this file's words; wards in others use campaign.<language>.yaml",
            default_of(Campaign, "language"),
        ),
        Field(
            "typographic_punctuation",
            Flag(),
            "set ' and \" as ’ ‘ “ ”, number ranges with en dashes (10–12), and no-break spaces in postcodes, "
            "after titles (Mr, Dr, St) and before units (5 mm), in the campaign's words and the wards' cells",
            default_of(Campaign, "typographic_punctuation"),
        ),
        Field(
            "translations",
            Text(get_args(Translations), "translations setting"),
            "complete: a slot a campaign.<language>.yaml leaves out fails its wards; partial: it prints in this "
            "file's language, with a warning",
            default_of(Campaign, "translations"),
        ),
        Field("local", LOCAL, "what a ward's organiser may change in leaflet serve", None),
        Field(
            "require_sign_off",
            Flag(),
            "leaflet build prints only wards whose print file the election agent signed off (leaflet approve, or "
            "the agent in leaflet serve), each exactly as signed; --unapproved prints the others too",
            default_of(Campaign, "require_sign_off"),
        ),
    )
)

LANGUAGE = Section(
    (
        Field("title", Text(), "the title in this language (default: campaign.yaml's)", None),
        Field("slots", MapOf(SLOT), "words that replace campaign.yaml's, slot by slot", None),
        Field("images", MapOf(PHOTO), "photos that replace campaign.yaml's, slot by slot", None),
        Field("imprint", LANGUAGE_IMPRINT, "the imprint's words in this language", None),
    )
)
