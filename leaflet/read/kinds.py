"""The kinds of value a file format is made of (text, numbers, money, colours, sections of
keys ...): each reads a value, raising one InputError per problem with the key path, and says the
same as JSON Schema.  ``formats`` builds the layout, campaign and language files from them.
"""

from __future__ import annotations

import difflib
import math
import re
from abc import ABC, abstractmethod
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field, fields
from decimal import Decimal
from typing import Any, Protocol

from leaflet.errors import InputError, InputErrors, shorten


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


class Kind(ABC):
    """What a value may be.  ``read`` returns it checked (raising InputError or InputErrors);
    ``schema`` says the same as JSON Schema."""

    @abstractmethod
    def read(self, r: Reader, value: Any, where: str) -> Any: ...

    @abstractmethod
    def schema(self) -> dict[str, Any]: ...


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
