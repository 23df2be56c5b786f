"""Config problems: each names file, line, key and what is allowed.

The TOML text is scanned for the line of each key only to say where a problem is;
pydantic's errors are reworded here into one `Problem` each.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any

from pydantic import ValidationError


@dataclass(frozen=True)
class Problem:
    """One thing wrong with a config file."""

    file: str
    line: int
    key: str
    message: str

    def __str__(self) -> str:
        return f"{self.file}:{self.line}: {self.key}: {self.message}"


class ConfigError(Exception):
    """A config file that cannot be used; `problems` lists everything wrong with it."""

    def __init__(self, problems: list[Problem]):
        self.problems = problems
        super().__init__("\n".join(str(p) for p in problems))


# --- locating keys in the TOML text (for error messages only) --------------------------

_HEADER = re.compile(r"^\s*(\[\[?)\s*([A-Za-z0-9_.\-\"' ]+?)\s*\]\]?\s*(#.*)?$")
_KEYLINE = re.compile(r"^\s*([A-Za-z0-9_\-\"']+)\s*=")


def key_lines(text: str) -> dict[tuple[Any, ...], int]:
    """Map key paths like ("sources", 2, "every") to 1-based line numbers."""
    lines: dict[tuple[Any, ...], int] = {}
    counters: dict[tuple[str, ...], int] = {}
    table: tuple[Any, ...] = ()
    for number, raw in enumerate(text.splitlines(), start=1):
        header = _HEADER.match(raw)
        if header:
            names = tuple(n.strip().strip("\"'") for n in header.group(2).split("."))
            if header.group(1) == "[[":
                index = counters.get(names, -1) + 1
                counters[names] = index
                # nested arrays of tables index into their parent's latest entry
                table = (*_with_indices(names[:-1], counters), names[-1], index)
            else:
                table = _with_indices(names, counters)
            lines.setdefault(table, number)
            continue
        key = _KEYLINE.match(raw)
        if key:
            lines.setdefault((*table, key.group(1).strip("\"'")), number)
    return lines


def _with_indices(names: tuple[str, ...], counters: dict[tuple[str, ...], int]) -> tuple:
    path: list[Any] = []
    for i, name in enumerate(names):
        path.append(name)
        if names[: i + 1] in counters:
            path.append(counters[names[: i + 1]])
    return tuple(path)


def line_for(loc: tuple[Any, ...], lines: dict[tuple[Any, ...], int]) -> int:
    """The line of the key at `loc`, else of its nearest enclosing table, else 1."""
    for end in range(len(loc), 0, -1):
        if loc[:end] in lines:
            return lines[loc[:end]]
    return 1


def _dotted(loc: tuple[Any, ...]) -> str:
    out = ""
    for part in loc:
        out += f"[{part}]" if isinstance(part, int) else (f".{part}" if out else str(part))
    return out or "(top level)"


def _describe(error: dict[str, Any]) -> str:
    kind = error["type"]
    if kind == "extra_forbidden":
        return "unknown key (check the spelling against the config reference in README.md)"
    if kind == "missing":
        return "missing (this key is required)"
    if kind == "literal_error":
        expected = error.get("ctx", {}).get("expected", "")
        return f"{error['input']!r} is not allowed (allowed: {expected})"
    message = str(error["msg"]).removeprefix("Value error, ")
    if kind.endswith("_type") or kind.endswith("_parsing"):
        return f"{message} (got {type(error['input']).__name__} {error['input']!r})"
    return message


def validation_problems(path: str, lines: dict, error: ValidationError) -> list[Problem]:
    """pydantic's errors as Problems, each reworded to say what is allowed."""
    problems = []
    for e in error.errors():
        loc = tuple(e["loc"])
        message = _describe(e)
        # a model validator may name the key it is about as "key: message"
        key, sep, rest = message.partition(": ")
        if sep and e["type"] == "value_error" and key.isidentifier():
            loc, message = (*loc, key), rest
        problems.append(Problem(path, line_for(loc, lines), _dotted(loc), message))
    return problems


_ID_TABLES = (("sources",), ("actors",), ("topics",), ("escalation", "cues"), ("alerts",))
# (table, key, what): values that must differ between the entries of a table; names shown
# to the analyst are compared without case ("Rec" and "REC" read as the same column)
_UNIQUE = (*((table, "id", "id") for table in _ID_TABLES),
           (("topics",), "short", "short name"), (("topics",), "abbr", "abbreviation"))


def duplicate_ids(path: str, data: dict, lines: dict) -> list[Problem]:
    """Duplicate ids and topic names, found on the raw data so they are listed with every
    other problem."""
    problems = []
    for table, key, what in _UNIQUE:
        entries: Any = data
        for name in table:
            entries = entries.get(name, []) if isinstance(entries, dict) else []
        if not isinstance(entries, list):
            continue
        seen: dict[str, int] = {}
        for i, entry in enumerate(entries):
            value = entry.get(key) if isinstance(entry, dict) else None
            if not isinstance(value, str) or not value:
                continue
            same = value if key == "id" else value.casefold()
            loc = (*table, i, key)
            if same in seen:
                first = line_for((*table, seen[same], key), lines)
                problems.append(Problem(path, line_for(loc, lines), _dotted(loc),
                                        f"duplicate {what} {value!r}, first used on line "
                                        f"{first} ({what}s must be unique)"))
            else:
                seen[same] = i
    return problems
