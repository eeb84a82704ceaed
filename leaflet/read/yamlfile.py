"""A YAML file -> its data, the line every key path starts on, and a reader whose errors name the
file, the line and the key path (``line 14: styles.body.size_pt``).

Loaded safely: no tags that run code, a bound on aliases, duplicate keys refused.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any, TypeVar

import yaml

from leaflet.errors import InputError, InputErrors, shorten
from leaflet.read.project import on_disk, outside_project

T = TypeVar("T")
MAX_YAML_ALIASES = 20  # enough for sharing a style; too few for a "billion laughs" expansion
# libyaml's parser where PyYAML was built with it (its wheels are): the same documents and marks in
# a tenth of the time (a build reads the layout and the campaign's words at every start); a file
# it refuses is read again by PyYAML's own parser, whose messages say more ("expected ',' or ']'")
FAST_LOADER = getattr(yaml, "CSafeLoader", yaml.SafeLoader)


def read_yaml_with_lines(path: Path) -> tuple[dict[str, Any], dict[str, int]]:
    """The file's data, and the line each key path (``pages.front[2].style``) starts on."""
    try:
        text = path.read_text(encoding="utf-8")
    except FileNotFoundError:
        raise InputError(path, None, "file not found") from None
    except UnicodeDecodeError as error:
        raise InputError(path, f"byte {error.start}", "not UTF-8 text", "save the file as UTF-8") from None
    except OSError as error:
        raise InputError(path, None, f"cannot be read ({error.strerror or error})") from None
    try:
        try:
            aliases, node, data = _read(text, FAST_LOADER)
        except yaml.YAMLError:
            aliases, node, data = _read(text, yaml.SafeLoader)
        if aliases > MAX_YAML_ALIASES:
            raise InputError(
                path,
                None,
                f"{aliases} YAML aliases (*name), more than {MAX_YAML_ALIASES}",
                "write the values out instead",
            )
        lines: dict[str, int] = {}
        _key_lines(node, "", lines, path)
    except yaml.YAMLError as error:
        mark = getattr(error, "problem_mark", None)
        where = f"line {mark.line + 1}" if mark else None
        problem = getattr(error, "problem", None) or "invalid YAML"
        raise InputError(path, where, problem, "check indentation and quoting") from None
    except (ValueError, AttributeError, TypeError, OverflowError) as error:  # a bad date, tag or number
        raise InputError(path, None, f"a value YAML cannot read ({error})", "quote it to keep it as text") from None
    if not isinstance(data, dict):
        raise InputError(path, None, "expected a mapping of keys at the top level")
    return data, lines


def _read(text: str, loader: type) -> tuple[int, yaml.Node | None, Any]:
    """The YAML aliases in ``text``, its node tree (for the lines) and its data."""
    aliases = sum(1 for event in yaml.parse(text, Loader=loader) if isinstance(event, yaml.AliasEvent))
    if aliases > MAX_YAML_ALIASES:
        return aliases, None, None  # not composed: that is what a flood of aliases would cost
    return aliases, yaml.compose(text, Loader=loader), yaml.load(text, Loader=loader)


def _key_lines(node, where: str, lines: dict[str, int], path: Path) -> None:
    if isinstance(node, yaml.MappingNode):
        seen: set[str] = set()
        for key_node, value_node in node.value:
            key = str(key_node.value)
            place = f"{where}.{key}" if where else key
            if key in seen:
                raise InputError(
                    path,
                    f"line {key_node.start_mark.line + 1}: {place}",
                    "this key appears twice here",
                    "keep one of them",
                )
            seen.add(key)
            lines[place] = key_node.start_mark.line + 1
            _key_lines(value_node, place, lines, path)
    elif isinstance(node, yaml.SequenceNode):
        for index, item in enumerate(node.value):
            place = f"{where}[{index}]"
            lines[place] = item.start_mark.line + 1
            _key_lines(item, place, lines, path)


class AlreadyReported(Exception):
    """A reference to something whose own definition was refused: reported once, there."""


class Problems:
    """Collects the problems of independent parts of a file, to report them all in one go."""

    def __init__(self) -> None:
        self.errors: list[InputError] = []
        self.failed: set[str] = set()  # names of swatches, styles and flows that were refused
        self.failed_sections: set[str] = set()  # top-level sections that were refused or left out

    def attempt(self, load: Callable[..., T], *args: Any, name: str | None = None) -> T | None:
        """``load(*args)``, or None with its problems kept when it fails; a failed ``name`` is
        remembered, so that what refers to it is not reported again."""
        try:
            return load(*args)
        except AlreadyReported:
            pass  # what this depends on was refused: it fails too, unreported
        except InputErrors as error:
            self.errors.extend(error.errors)
        except InputError as error:
            self.errors.append(error)
        if name is not None:
            self.failed.add(name)
        return None

    def raise_any(self) -> None:
        if len(self.errors) == 1:
            raise self.errors[0]
        if self.errors:
            raise InputErrors(self.errors)


class YamlReader:
    """One YAML file being read: errors that name the file, the line and the key path, the
    problems found so far, and paths from the file's folder kept inside the project."""

    def __init__(self, path: Path, lines: dict[str, int] | None = None, project: Path | None = None):
        self.path = path
        self.lines = lines or {}
        self.project = project  # paths may not lead out of it
        self.problems = Problems()
        self.bleed_box_mm = (float("-inf"), float("-inf"), float("inf"), float("inf"))  # where frames may go

    def error(self, where: str, message: str, hint: str | None = None) -> InputError:
        place = where
        while place and place not in self.lines:  # the nearest key above a missing one
            place = place.rpartition(".")[0] if "." in place else place.rpartition("[")[0]
        line = self.lines.get(place)
        return InputError(self.path, f"line {line}: {where}" if line and where else where, message, hint)

    def relative_path(self, value: str, where: str) -> Path:
        """The file a path in this file names, from its folder: as it is on disk (in whatever
        Unicode normalisation), links followed, and kept inside the project."""
        path = on_disk(self.path.parent / value)
        problem = outside_project(path, self.project) if self.project is not None else None
        if problem:
            raise self.error(where, f"'{shorten(value)}' {problem}", "keep layouts, words and photos inside it")
        return path.resolve()
