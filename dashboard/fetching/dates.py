"""Item dates from what the parsers give: UTC, or None when the feed's date names no moment.

A date is dropped, never invented: one out of datetime's range (year 1 or 9999 with an
offset) becomes "no date" for that item only, and so does a string that does not say
its year, month and day. fastfeedparser falls back to dateutil for strings its strict
parsers do not read, and dateutil fills what a string lacks from today ("-5" becomes the
5th of this month); `strict_fastfeedparser` replaces that fallback with one that accepts a
string only when dateutil reads the same moment whatever the default it fills from.
A date later than the moment its item was first seen becomes that moment
(`not_after_seen`), the feed's own kept beside it.
"""

from __future__ import annotations

import contextlib
import functools
import time
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from typing import Any

# Two defaults that differ in year, month and day (times both 00:00): a string read
# alike from both says all three itself.
_DEFAULTS = (datetime(2001, 2, 3), datetime(2012, 11, 24))
GDELT_SEENDATE = "%Y%m%dT%H%M%SZ"
# How far ahead of its first sighting a feed may date an item before its own date is kept
# as a mis-dating: clocks of publishers' servers drift by seconds to a few minutes, and a
# round's time is taken when it starts, so a source answering late in the round can list
# an item published after it. Beyond this it is a wrong zone (hours) or a typo (days).
CLOCK_SKEW = timedelta(minutes=5)


def to_utc(stamp: datetime) -> datetime | None:
    """An aware datetime in UTC (naive is taken as UTC); None when UTC is out of range."""
    try:
        return stamp.astimezone(UTC) if stamp.tzinfo else stamp.replace(tzinfo=UTC)
    except (ValueError, OverflowError):  # 0001-01-01T00:00+05:00 is before year 1 in UTC
        return None


def not_after_seen(
    published: datetime | None, seen: datetime
) -> tuple[datetime | None, datetime | None]:
    """(the item's time, the feed's own date when it was a mis-dating) for an item first
    seen at `seen`.

    An item cannot be newer than the moment it was first seen, so a later date becomes
    `seen` (as Tiny Tiny RSS clamps an entry's date to the time it updates the feed): it
    would otherwise weigh in full in the escalation and head every "latest" list until
    its time came. The feed's date is kept as the second value (provenance) when it was
    more than CLOCK_SKEW ahead; within that it is ordinary clock skew, not worth keeping.
    """
    if published is None or published <= seen:
        return published, None
    return seen, (published if published - seen > CLOCK_SKEW else None)


def iso_date(value: object) -> datetime | None:
    """An ISO 8601 string as UTC, or None."""
    if not isinstance(value, str):
        return None
    try:
        stamp = datetime.fromisoformat(value.strip())
    except ValueError:
        return None
    return to_utc(stamp)


def struct_to_utc(value: object) -> datetime | None:
    """feedparser's `*_parsed` (already UTC) as a datetime, or None."""
    if not isinstance(value, time.struct_time):
        return None
    try:
        return datetime(*value[:6], tzinfo=UTC)
    except (ValueError, OverflowError):
        return None


def gdelt_date(value: object) -> datetime | None:
    """GDELT's `seendate` (20250610T040000Z) as UTC, or None."""
    if not isinstance(value, str):
        return None
    try:
        return datetime.strptime(value.strip(), GDELT_SEENDATE).replace(tzinfo=UTC)
    except ValueError:
        return None


def complete_date(value: str, tzinfos: Any = None) -> datetime | None:
    """dateutil's reading of `value`, or None when it had to fill in the year, month or day."""
    from dateutil import parser  # fastfeedparser's own dependency

    try:
        first, second = (parser.parse(value, default=d, tzinfos=tzinfos) for d in _DEFAULTS)
    except (ValueError, TypeError, ArithmeticError):  # OverflowError included
        return None
    return first if first == second else None


@functools.cache
def strict_fastfeedparser() -> None:
    """Make fastfeedparser's loose date fallbacks (dateutil, dateparser) drop partial dates.

    Once per process. Its own RFC 822 and ISO 8601 readers still run first; only what
    they cannot read reaches `complete_date`. `tests/unit/test_dates.py` fails if the
    hook disappears in a new fastfeedparser.
    """
    from fastfeedparser import main

    tzinfos = getattr(main, "_custom_tzinfos", None)
    main._slow_dateutil_parse = lambda value: complete_date(value, tzinfos)
    main._slow_dateparser = lambda value: None
    main._parse_date.cache_clear()


@contextlib.contextmanager
def no_loose_dates() -> Iterator[None]:
    """fastfeedparser without its dateutil fallback for the block (a bulk feed, see parse).

    For an item without a date it tries the item's GUID as one: with 100,000 GUIDs that is
    100,000 dateutil calls (16 s). Dates in RFC 822 or ISO 8601 are still read; others get
    no date. Its date cache is cleared after, so no answer given here outlives the block.
    """
    from fastfeedparser import main

    strict_fastfeedparser()
    strict = main._slow_dateutil_parse
    main._slow_dateutil_parse = lambda value: None
    try:
        yield
    finally:
        main._slow_dateutil_parse = strict
        main._parse_date.cache_clear()
