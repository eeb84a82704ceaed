"""The file formats, defined once: every key of a layout, campaign and language file with its
kind, default, bounds, allowed values and description.

The loaders read values through these definitions (``Kind.read``: one error per problem, all of
them collected, each naming the line and key path), and ``leaflet schema`` writes them out as
JSON Schemas (``Kind.schema``), so what an editor flags is what leaflet refuses.  Rules that
relate one value to another (a style's swatch must exist, ``min_size_pt`` at most ``size_pt``, a
frame within the bleed) are checked by the loaders; a JSON Schema cannot express them.
"""

from __future__ import annotations

import difflib
import math
import re
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field, fields, replace
from decimal import Decimal
from typing import Any, Protocol, get_args

from leaflet.errors import InputError, InputErrors, shorten
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
from leaflet.read.spending_presets import spending_presets


class Reader(Protocol):
    """What a kind needs of the file it reads (``yamlfile.YamlReader``): errors at a key path."""

    def error(self, where: str, message: str, hint: str | None = None) -> InputError: ...


REQUIRED: Any = object()  # a field's default when it has none: leaving it out is an error


def default_of(spec: type, name: str) -> Any:
    """The default a model dataclass gives a field, so that the file format and the code that
    builds the dataclass never disagree about it."""
    return next(f.default for f in fields(spec) if f.name == name)


def _join_or(words: Iterable[str]) -> str:
    words = list(words)
    return words[0] if len(words) == 1 else ", ".join(words[:-1]) + " or " + words[-1]


def shown(value: Any) -> str:
    """A value as a message shows it: its repr, cut to a readable length."""
    return shorten(repr(value), 60)


def _is_number(value: Any) -> bool:
    return isinstance(value, (int, float)) and not isinstance(value, bool)


class Kind:
    """What a value may be.  ``read`` returns it checked (raising InputError or InputErrors);
    ``schema`` says the same as JSON Schema."""

    def read(self, r: Reader, value: Any, where: str) -> Any:
        raise NotImplementedError

    def schema(self) -> dict[str, Any]:
        raise NotImplementedError


@dataclass(frozen=True)
class Text(Kind):
    choices: tuple[str, ...] = ()  # when given, the only values allowed
    label: str = ""  # what a choice is called in messages: "unknown alignment 'centre'"
    pattern: str | None = None  # a regular expression the text must contain (as JSON Schema has it)
    message: str = ""  # said when the pattern is not found; {value} is the value, quoted and cut short
    hint: str | None = None

    def read(self, r: Reader, value: Any, where: str) -> str:
        if not isinstance(value, str):
            raise r.error(where, f"expected text, got {shown(value)}")
        if self.choices and value not in self.choices:
            raise r.error(where, f"unknown {self.label} '{value}'", f"use {_join_or(self.choices)}")
        if self.pattern and not re.search(self.pattern, value):
            raise r.error(where, self.message.format(value=shown(value)), self.hint)
        return value

    def schema(self) -> dict[str, Any]:
        if self.choices:
            return {"enum": list(self.choices)}
        return {"type": "string", **({"pattern": self.pattern} if self.pattern else {})}


@dataclass(frozen=True)
class FilePath(Kind):
    """The path of a file, from the folder of the file that names it (the loader resolves it)."""

    what: str  # "an image file"

    def read(self, r: Reader, value: Any, where: str) -> str:
        if not isinstance(value, str) or not value.strip():
            raise r.error(where, f"expected the path of {self.what}")
        return value

    def schema(self) -> dict[str, Any]:
        return {"type": "string", "minLength": 1}


@dataclass(frozen=True)
class Number(Kind):
    minimum: float | None = None
    maximum: float | None = None
    above: float | None = None  # an exclusive minimum: a width is above 0

    def read(self, r: Reader, value: Any, where: str) -> float:
        if not _is_number(value):
            raise r.error(where, f"expected a number, got {shown(value)}")
        try:
            number = float(value)
        except OverflowError:
            raise r.error(where, f"the number {str(value)[:20]}... is too large") from None
        if not math.isfinite(number):
            raise r.error(where, f"expected a number, got {shown(value)}")
        problem = self.out_of_bounds(number)
        if problem:
            raise r.error(where, problem)
        return number

    def out_of_bounds(self, number: float) -> str | None:
        if self.minimum is not None and number < self.minimum:
            return f"must be at least {self.minimum:g}, got {number}"
        if self.above is not None and number <= self.above:
            return f"must be more than {self.above:g}, got {number}"
        if self.maximum is not None and number > self.maximum:
            return f"must be at most {self.maximum:g}, got {number}"
        return None

    def schema(self) -> dict[str, Any]:
        bounds = {"minimum": self.minimum, "exclusiveMinimum": self.above, "maximum": self.maximum}
        return {"type": "number", **{key: value for key, value in bounds.items() if value is not None}}


@dataclass(frozen=True)
class Whole(Kind):
    minimum: int | None = None

    def read(self, r: Reader, value: Any, where: str) -> int:
        if not isinstance(value, int) or isinstance(value, bool):
            raise r.error(where, f"expected a whole number, got {shown(value)}")
        if self.minimum is not None and value < self.minimum:
            raise r.error(where, f"must be a whole number of at least {self.minimum}")
        return value

    def schema(self) -> dict[str, Any]:
        return {"type": "integer", **({"minimum": self.minimum} if self.minimum is not None else {})}


@dataclass(frozen=True)
class Flag(Kind):
    def read(self, r: Reader, value: Any, where: str) -> bool:
        if not isinstance(value, bool):
            raise r.error(where, f"expected true or false, got {shown(value)}")
        return value

    def schema(self) -> dict[str, Any]:
        return {"type": "boolean"}


@dataclass(frozen=True)
class Numbers(Kind):
    """A list of exactly ``len(items)`` numbers, each within its item's bounds."""

    items: tuple[Number, ...]
    message: str  # said when a number is out of its bounds

    def read(self, r: Reader, value: Any, where: str) -> tuple[float, ...]:
        if not isinstance(value, list) or len(value) != len(self.items) or not all(map(_is_number, value)):
            raise r.error(where, f"expected a list of {len(self.items)} numbers, got {shown(value)}")
        numbers = tuple(float(v) for v in value)
        if any(item.out_of_bounds(number) for number, item in zip(numbers, self.items, strict=True)):
            raise r.error(where, self.message)
        return numbers

    def schema(self) -> dict[str, Any]:
        count = len(self.items)
        if len(set(self.items)) == 1:
            return {"type": "array", "items": self.items[0].schema(), "minItems": count, "maxItems": count}
        return {
            "type": "array",
            "prefixItems": [item.schema() for item in self.items],
            "items": False,
            "minItems": count,
        }


@dataclass(frozen=True)
class Words(Kind):
    """Words as text; a number will do too (a slot that is just a year)."""

    message: str

    def read(self, r: Reader, value: Any, where: str) -> str:
        if isinstance(value, str):
            return value
        if _is_number(value):
            return str(value)
        raise r.error(where, self.message)

    def schema(self) -> dict[str, Any]:
        return {"type": ["string", "number"]}


_POUNDS = re.compile(r"£?((?:\d{1,3}(?:,\d{3})+|\d+)(?:\.\d+)?)")
_PENCE = re.compile(r"(\d+(?:\.\d+)?)p")
MONEY_DECIMALS = 4  # of a pound: a hundredth of a penny, enough for a unit price


@dataclass(frozen=True)
class Money(Kind):
    """An amount in pounds, read exactly (Decimal, never a float's approximation): 1.50, "£1,250",
    "£0.045" or "4.5p"; never negative, at most four decimal places of a pound."""

    def read(self, r: Reader, value: Any, where: str) -> Decimal:
        text = repr(value) if _is_number(value) else value.strip() if isinstance(value, str) else None
        # repr gives a float's shortest form, which is the number as the file wrote it
        pence = _PENCE.fullmatch(text) if text is not None else None
        pounds = _POUNDS.fullmatch(text) if text is not None and not pence else None
        if pence:
            amount = Decimal(pence.group(1)) / 100
        elif pounds:
            amount = Decimal(pounds.group(1).replace(",", ""))
        else:
            raise r.error(where, f"expected an amount of money such as 1.50, £0.045 or 4.5p, got {shown(value)}")
        exponent = amount.normalize().as_tuple().exponent
        if isinstance(exponent, int) and exponent < -MONEY_DECIMALS:
            raise r.error(where, f"{shown(value)} has more than {MONEY_DECIMALS} decimal places of a pound")
        return amount

    def schema(self) -> dict[str, Any]:
        return {
            "oneOf": [
                {"type": "number", "minimum": 0},
                {"type": "string", "pattern": r"^\s*(£?(\d{1,3}(,\d{3})+|\d+)(\.\d+)?|\d+(\.\d+)?p)\s*$"},
            ],
            "description": "pounds: 1.50, £0.045, or pence: 4.5p",
        }


CMYK_HINT = "a spot ink is a swatch: {spot: NAME, cmyk: [C, M, Y, K]}"


@dataclass(frozen=True)
class Colour(Kind):
    """A swatch's name (the loader resolves it) or [C, M, Y, K] in percent."""

    names: bool = True  # whether a swatch name will do (not inside a swatch's own definition)

    def read(self, r: Reader, value: Any, where: str) -> str | tuple[float, float, float, float]:
        if self.names and isinstance(value, str):
            return value
        if isinstance(value, list) and len(value) == 4 and all(_is_number(v) and 0 <= v <= 100 for v in value):
            c, m, y, k = (float(v) for v in value)
            return (c, m, y, k)
        raise r.error(where, f"expected a swatch name or [C, M, Y, K] percentages 0-100, got {shown(value)}", CMYK_HINT)

    def schema(self) -> dict[str, Any]:
        cmyk = {
            "type": "array",
            "items": {"type": "number", "minimum": 0, "maximum": 100},
            "minItems": 4,
            "maxItems": 4,
            "description": "C, M, Y, K in percent",
        }
        if not self.names:
            return cmyk
        return {"oneOf": [{"type": "string", "description": "a swatch name (white and black are built in)"}, cmyk]}


@dataclass(frozen=True)
class ListOf(Kind):
    item: Kind
    message: str = "expected a list"

    def read(self, r: Reader, value: Any, where: str) -> list[Any]:
        if not isinstance(value, list):
            raise r.error(where, self.message)
        return value  # items are read by the loader, which knows what each one names

    def schema(self) -> dict[str, Any]:
        return {"type": "array", "items": self.item.schema()}


@dataclass(frozen=True)
class MapOf(Kind):
    """A mapping from names the file chooses (swatches, styles, slots) to values of one kind."""

    value: Kind

    def read(self, r: Reader, value: Any, where: str) -> dict[str, Any]:
        if not isinstance(value, dict):
            raise r.error(where, f"expected a mapping, got {shown(value)}")
        return {str(key): item for key, item in value.items()}  # values are read by the loader

    def schema(self) -> dict[str, Any]:
        return {"type": "object", "additionalProperties": self.value.schema()}


@dataclass(frozen=True)
class Field:
    key: str
    kind: Kind
    description: str
    default: Any = REQUIRED
    missing: str = "missing required field"  # said when a required field is left out
    missing_hint: str | None = None

    def schema(self) -> dict[str, Any]:
        schema = {**self.kind.schema(), "description": self.description}
        if self.default is not REQUIRED and self.default is not None:
            schema["default"] = list(self.default) if isinstance(self.default, tuple) else self.default
        return schema


@dataclass(frozen=True)
class Section(Kind):
    """A mapping with known keys: each read through its field, unknown ones refused with a
    "did you mean".  ``read`` reports every problem in the mapping at once."""

    fields: tuple[Field, ...]
    description: str = ""
    by_key: dict[str, Field] = field(init=False, repr=False, compare=False, hash=False)

    def __post_init__(self) -> None:
        object.__setattr__(self, "by_key", {f.key: f for f in self.fields})

    @property
    def keys(self) -> set[str]:
        return set(self.by_key)

    def read(self, r: Reader, value: Any, where: str) -> dict[str, Any]:
        """The mapping's values, checked, with defaults for the fields left out."""
        values, errors = self.read_each(r, value, where)
        raise_all(errors)
        return values

    def read_each(self, r: Reader, value: Any, where: str) -> tuple[dict[str, Any], list[InputError]]:
        """The values of the fields that are right, and a problem for each one that is not (a
        field with a problem is left out of the values)."""
        if not isinstance(value, dict):
            return {}, [r.error(where, f"expected a mapping (key: value lines), got {shown(value)}")]
        errors: list[InputError] = [unknown_key(r, key, self.keys, where) for key in value if key not in self.by_key]
        values: dict[str, Any] = {}
        for spec in self.fields:
            place = f"{where}.{spec.key}" if where else spec.key
            item = value.get(spec.key)
            if item is None:
                if spec.default is REQUIRED:
                    errors.append(r.error(place, spec.missing, spec.missing_hint))
                else:
                    values[spec.key] = spec.default
                continue
            try:
                values[spec.key] = spec.kind.read(r, item, place)
            except InputErrors as error:
                errors.extend(error.errors)
            except InputError as error:
                errors.append(error)
        return values, errors

    def schema(self) -> dict[str, Any]:
        schema: dict[str, Any] = {
            "type": "object",
            "properties": {spec.key: spec.schema() for spec in self.fields},
            "additionalProperties": False,
        }
        required = [spec.key for spec in self.fields if spec.default is REQUIRED]
        if required:
            schema["required"] = required
        if self.description:
            schema["description"] = self.description
        return schema


def raise_all(errors: list[InputError]) -> None:
    if len(errors) == 1:
        raise errors[0]
    if errors:
        raise InputErrors(errors)


def unknown_key(r: Reader, key: Any, allowed: set[str], where: str) -> InputError:
    close = difflib.get_close_matches(str(key), sorted(allowed), n=1)
    hint = f"did you mean '{close[0]}'?" if close else f"expected one of: {', '.join(sorted(allowed))}"
    return r.error(f"{where}.{key}" if where else str(key), "unknown field", hint)


@dataclass(frozen=True)
class OneOf(Kind):
    """One of several kinds, tried in order; the message when none takes the value."""

    kinds: tuple[Kind, ...]
    message: str
    pick: Callable[[Any], Kind | None] = lambda value: None  # the kind a value plainly means, if any

    def read(self, r: Reader, value: Any, where: str) -> Any:
        chosen = self.pick(value)
        if chosen is not None:
            return chosen.read(r, value, where)
        for kind in self.kinds:
            try:
                return kind.read(r, value, where)
            except InputError:
                continue
        raise r.error(where, self.message)

    def schema(self) -> dict[str, Any]:
        return {"oneOf": [kind.schema() for kind in self.kinds]}


@dataclass(frozen=True)
class Tagged(Kind):
    """A mapping whose ``tag`` key says which section it is (a frame's ``type``)."""

    tag: str
    sections: Mapping[str, Section]
    label: str

    def section(self, r: Reader, value: Any, where: str) -> tuple[str, Section]:
        if not isinstance(value, dict):
            raise r.error(where, f"expected a mapping (key: value lines), got {shown(value)}")
        kind = value.get(self.tag)
        place = f"{where}.{self.tag}"
        if kind is None:
            raise r.error(place, "missing required field")
        if not isinstance(kind, str):
            raise r.error(place, f"expected text, got {shown(kind)}")
        if kind not in self.sections:
            raise r.error(place, f"unknown {self.label} '{kind}'", f"use one of: {', '.join(self.sections)}")
        return kind, self.sections[kind]

    def read(self, r: Reader, value: Any, where: str) -> dict[str, Any]:
        kind, section = self.section(r, value, where)
        values = section.read(r, {key: item for key, item in value.items() if key != self.tag}, where)
        values[self.tag] = kind
        return values

    def schema(self) -> dict[str, Any]:
        schemas = []
        for kind, section in self.sections.items():
            schema = section.schema()
            schema["properties"] = {self.tag: {"const": kind}, **schema["properties"]}
            schema["required"] = [self.tag, *schema.get("required", [])]
            schemas.append(schema)
        return {"oneOf": schemas}


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
            "how lines sit in the frame (justify: both edges)",
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
