"""Words as typed -> the same words with a typesetter's punctuation: curly quotes and apostrophes,
en dashes in number ranges, and no-break spaces where a line must not break.

One character in, one character out: straight quotes become ’ ‘ “ ” (O'Brien -> O’Brien, a'r,
'quoted' -> ‘quoted’), a hyphen between the two numbers of a range (10-12) becomes an en dash
(never in a date such as 2021-05-06, a code or a phone number), a spaced hyphen between words
an en dash, and the space inside a UK postcode (AT1 2AB), after a title (Mr, Dr, St, Cllr...)
or between a number and its unit (5 mm, 20 mph) a no-break space.  Web and e-mail addresses and
``{ward.*}`` placeholders are left exactly as written; so is every letter and digit.  Applying
it twice changes nothing more.  Languages that quote otherwise („...“, «...») keep their
quotation marks as typed; only apostrophes inside their words are curled.
"""

from __future__ import annotations

import re

from leaflet.model import Paragraph, Run

NO_BREAK_SPACE = "\u00a0"
EN_DASH = "\u2013"

# Languages that quote ‘like this’ and “like this”.
_ENGLISH_QUOTES = {"en", "cy", "ga", "gd", "kw", "gv", "sco"}

_PROTECTED = re.compile(
    r"\{[^{}]*\}"  # a placeholder
    r"|(?:https?://|www\.)\S+"  # a web address
    r"|[\w.+'-]+@[\w-]+(?:\.[\w-]+)+"  # an e-mail address
    r"|\b[\w-]+(?:\.[\w-]+)+/\S*"  # a domain with a path: example.org/sign-up
)
_STRAIGHT_QUOTE = re.compile("['\"]")
_MAY_BE_PROTECTED = re.compile(r"[{@/]|www\.")
_TITLES = ("Mr", "Ms", "Mx", "Dr", "St", "Cllr", "Prof", "Rev", "Sgt", "Fr", "Cyng")
_DIGIT = re.compile("[0-9]")
_TITLE_HINT = re.compile("|".join(_TITLES))
_POSTCODE = re.compile(r"\b[A-Z]{1,2}[0-9][A-Z0-9]?( )[0-9][A-Z]{2}\b")
_TITLE = re.compile(r"\b(?:" + "|".join(("Mrs", "Revd", *_TITLES)) + r")\.?( )")
_UNIT = re.compile(
    r"(?<![\w.,])[0-9]+(?:[.,][0-9]+)?( )"
    r"(?:km/h|mm|cm|km|mi|mph|kph|kg|mg|ml|ha|kW|kWh|MW|Hz|dB|GB|MB|TB|ft|yd|lb|oz|am|pm|m|g|l|%|°C|°F)(?![\w/])"
)
_RANGE = re.compile(
    r"(?<![\w\-\u2010\u2013/.,:+#])[£$€]?([0-9]{1,4})(-)[£$€]?([0-9]{1,4})(?![\w\-\u2010\u2013/]|[.,:][0-9])"
)
_SPACED_HYPHEN = re.compile(r"(?<=[\w,.;:!?)\]’”'\"]) (-) (?=[\w(\[‘“'\"£$€])")
_ELISION = re.compile(r"'(?:[0-9]{2}s?\b|n'|tis\b|twas\b|em\b|cause\b|til\b)", re.IGNORECASE)

_QUOTE_MARKS = "'\"\u2018\u2019\u201c\u201d"
_OPENING_CONTEXT = "([{\u2018\u201c\u2013\u2014-/"
_CLOSING_PUNCTUATION = ".,;:!?)]}\u2019\u201d\u2026"


def typographic(text: str, language: str = "en") -> str:
    """``text`` with typographic punctuation (see the module's docstring); the same length."""
    if " " not in text and "'" not in text and '"' not in text and "-" not in text:
        return text  # every rule needs one of them
    quotes = [match.start() for match in _STRAIGHT_QUOTE.finditer(text)] if "'" in text or '"' in text else []
    digits = _DIGIT.search(text) is not None
    titles = _TITLE_HINT.search(text) is not None
    if not (quotes or digits or titles or "-" in text):
        return text
    chars = list(text)
    protected = [m.span() for m in _PROTECTED.finditer(text)] if _MAY_BE_PROTECTED.search(text) else []

    def free(index: int) -> bool:
        return not protected or not any(start <= index < end for start, end in protected)

    for pattern in ((_POSTCODE, _UNIT) if digits else ()) + ((_TITLE,) if titles else ()):
        for match in pattern.finditer(text):
            if free(match.start(1)) and (pattern is not _TITLE or _names_follow(text, match.end(1))):
                chars[match.start(1)] = NO_BREAK_SPACE
    if "-" in text:
        if digits:
            for match in _RANGE.finditer(text):
                if free(match.start(2)) and _is_range(match.group(1), match.group(3)):
                    chars[match.start(2)] = EN_DASH
        for match in _SPACED_HYPHEN.finditer(text):
            if free(match.start(1)):
                chars[match.start(1)] = EN_DASH
    if quotes:
        english = language.split("-")[0].lower() in _ENGLISH_QUOTES
        for index in quotes:
            if free(index):
                chars[index] = _quote(text, chars, index, english)
    return "".join(chars)


def _names_follow(text: str, index: int) -> bool:
    """A name (a capital, a number or a placeholder) at ``index``, as after Mr or St."""
    return index < len(text) and (text[index].isupper() or text[index].isdigit() or text[index] == "{")


def _is_range(first: str, second: str) -> bool:
    """Two numbers joined by a hyphen that read as a range: 10-12, 2019-2021, 1990-95; not a
    score (3-2), a number with a leading zero (01-12, phone numbers) or 555-1234."""
    if (first[0] == "0" and len(first) > 1) or (second[0] == "0" and len(second) > 1):
        return False
    low, high = int(first), int(second)
    if len(first) == 4 and len(second) == 2:  # a span of years: 1990-95
        return high > low % 100
    if len(second) > len(first) and len(first) >= 3:
        return False
    return low < high


def _quote(text: str, chars: list[str], index: int, english: bool) -> str:
    """The mark a straight quote at ``index`` stands for, from what stands before it (already
    converted) and after it (as typed)."""
    char = text[index]
    before = chars[index - 1] if index else " "
    after = text[index + 1] if index + 1 < len(text) else " "
    before_word = before.isalnum() or before == "}"
    if before.isdigit() and not after.isalpha():
        return char  # a prime: 5'10", 6"
    if char == "'":
        if before_word and after.isalpha():
            return "\u2019"  # an apostrophe inside a word: O’Brien, a’r, sy’n, 1990’s
        if not english:
            return char
        if before_word or before in _CLOSING_PUNCTUATION:
            return "\u2019"  # a closing quote, or an apostrophe ending a word: the Joneses’
        if (before.isspace() or before in _OPENING_CONTEXT) and (
            after.isalnum() or after == "{" or after in _QUOTE_MARKS
        ):
            if _ELISION.match(text, index) or not _closes_later(text, index):
                return "\u2019"  # ’90s, rock ’n’ roll, Gaelic ’S: no quotation to open
            return "\u2018"
        return char
    if not english:
        return char
    if before.isspace() or before in _OPENING_CONTEXT:
        return "\u201c" if not after.isspace() else char
    return "\u201d"


def _closes_later(text: str, index: int) -> bool:
    """Whether a single quote after ``index`` can close a quotation (it follows a word or a
    closing mark and no letter follows it)."""
    for later in range(index + 1, len(text)):
        if text[later] in "'\u2019":
            before = text[later - 1]
            after = text[later + 1] if later + 1 < len(text) else " "
            if (before.isalnum() or before in _CLOSING_PUNCTUATION or before in _QUOTE_MARKS) and not after.isalpha():
                return True
    return False


def typographic_paragraphs(paragraphs: tuple[Paragraph, ...]) -> tuple[Paragraph, ...]:
    """Each paragraph's runs, punctuated as one text (a quote may close in another run), by the
    conventions of the paragraph's language."""
    converted: list[Paragraph] = []
    for paragraph in paragraphs:
        text = "".join(run.text for run in paragraph.runs)
        new = typographic(text, paragraph.language)
        if new == text:
            converted.append(paragraph)
            continue
        runs, position = [], 0
        for run in paragraph.runs:
            runs.append(Run(new[position : position + len(run.text)], run.bold, run.italic))
            position += len(run.text)
        converted.append(Paragraph(paragraph.kind, tuple(runs), paragraph.language))
    return tuple(converted)
