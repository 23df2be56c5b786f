"""The config's value types and their checks: durations, URLs, ids, partial dates.

Used by `schema.py`'s models; `parse_duration` is public because `--every`-like options
and tests read durations too.
"""

from __future__ import annotations

import re
from typing import Annotated
from urllib.parse import urlsplit

from pydantic import AfterValidator, BeforeValidator, Field

APP_NAME = "flashpoint"
MAX_RETENTION_DAYS = 36_500  # storage.retention_days: a hundred years

_DURATION = re.compile(r"(\d+(?:\.\d+)?)\s*(d|h|m|s)")
_UNITS = {"d": 86400.0, "h": 3600.0, "m": 60.0, "s": 1.0}


def parse_duration(value: object) -> float:
    """Turn "15m", "1h30m", "45s", "2d" (or a number of seconds) into seconds > 0."""
    if isinstance(value, bool):
        raise ValueError("a duration like \"15m\", \"1h\", \"30s\" or \"2d\"")
    if isinstance(value, int | float):
        seconds = float(value)
    elif isinstance(value, str):
        text = value.strip().lower().replace(" ", "")
        parts = _DURATION.findall(text)
        if not parts or "".join(n + u for n, u in parts) != text:
            raise ValueError(f"{value!r} is not a duration like \"15m\", \"1h\", \"30s\" or \"2d\"")
        seconds = sum(float(n) * _UNITS[u] for n, u in parts)
    else:
        raise ValueError("a duration like \"15m\", \"1h\", \"30s\" or \"2d\"")
    if seconds <= 0:
        raise ValueError(f"{value!r} must be longer than zero")
    return seconds


def _http_url(value: str) -> str:
    parts = urlsplit(value)
    if parts.scheme not in ("http", "https") or not parts.netloc:
        raise ValueError(f"{value!r} is not an http:// or https:// URL")
    return value


def _slug(value: str) -> str:
    if not value.strip():
        raise ValueError("must not be empty")
    if not re.fullmatch(r"[A-Za-z0-9][A-Za-z0-9_.-]*", value):
        raise ValueError(f"{value!r} may hold only letters, digits, '-', '_' and '.'")
    return value


Duration = Annotated[float, BeforeValidator(parse_duration)]
HttpUrl = Annotated[str, AfterValidator(_http_url)]
Slug = Annotated[str, AfterValidator(_slug)]
Unit = Annotated[float, Field(ge=0.0, le=1.0)]


# Short names in narrow tables: an actor's tag, a topic's column header, and the topic's
# abbreviation that heads its column where even the header does not fit.
ACTOR_SHORT_MAX = 8
TOPIC_SHORT_MAX = 12
TOPIC_ABBR_MAX = 3


def _short_name(value: str) -> str:
    # a short name is drawn in a table header: one line, nothing a terminal would act on
    if value and (value != value.strip() or not value.isprintable()):
        raise ValueError(f"{value!r} must be printable text on one line, without spaces "
                         "at either end")
    return value


ShortName = Annotated[str, AfterValidator(_short_name)]


_PARTIAL_DATE = re.compile(r"\d{4}(?:-(?:0[1-9]|1[0-2])(?:-(?:0[1-9]|[12]\d|3[01]))?)?")


def _partial_date(value: str) -> str:
    if not _PARTIAL_DATE.fullmatch(value):
        raise ValueError(
            f'"{value}" is not a year ("2021"), month ("2021-05") or day ("2021-05-24")'
        )
    return value


PartialDate = Annotated[str, AfterValidator(_partial_date)]
