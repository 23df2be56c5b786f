"""Item dates: a date out of range or incomplete becomes "no date" for that item only.

Issue 14, point 10: a JSON Feed item dated year 1 or 9999 with an offset raised
OverflowError and lost the whole feed; RSS "-5" was stored as the 5th of this month
(fastfeedparser's dateutil fallback filled in the rest from today).
"""

from __future__ import annotations

from datetime import UTC, datetime

import orjson
import pytest

from dashboard.fetching import parse_feed
from dashboard.fetching.dates import complete_date, iso_date

GOOD = datetime(2026, 11, 20, 8, tzinfo=UTC)


def json_feed(date: str) -> bytes:
    return orjson.dumps({"version": "https://jsonfeed.org/version/1.1", "items": [
        {"id": "odd", "title": "Odd date", "date_published": date},
        {"id": "good", "title": "Good date", "date_published": GOOD.isoformat()},
    ]})


def rss(date: str, *, doctype: bool = False) -> bytes:
    guid = "<guid>{}</guid>"
    head = "<!DOCTYPE rss>" if doctype else ""  # a DOCTYPE routes the feed to feedparser
    return (f"<?xml version='1.0' encoding='utf-8'?>{head}<rss version='2.0'><channel>"
            "<title>T</title>"
            f"<item><title>Odd date</title>{guid.format('odd')}<pubDate>{date}</pubDate></item>"
            f"<item><title>Good date</title>{guid.format('good')}"
            "<pubDate>Fri, 20 Nov 2026 08:00:00 GMT</pubDate></item>"
            "</channel></rss>").encode()


@pytest.mark.parametrize("date", ["0001-01-01T00:00:00+05:00", "9999-12-31T23:59:59-05:00",
                                  "0001-01-01T00:00:00", "9999-12-31T23:59:59Z"])
def test_a_json_feed_date_out_of_range_is_no_date_for_that_item_only(date):
    odd, good = parse_feed(json_feed(date), kind="rss")
    assert (odd.title, odd.published) == ("Odd date", None)
    assert good.published == GOOD


@pytest.mark.parametrize("date", ["-5", "5", "31 Dec 9999", "Dec 2026", "9999",
                                  "1 Jan 0001 00:00:00 +0500", "Mon, 31 Dec 9999 23:00:00 GMT"])
@pytest.mark.parametrize("doctype", [False, True], ids=["fastfeedparser", "feedparser"])
def test_an_incomplete_or_impossible_rss_date_is_dropped_not_invented(date, doctype):
    odd, good = parse_feed(rss(date, doctype=doctype), kind="rss")
    assert odd.published is None, odd.published
    assert good.published == GOOD


@pytest.mark.parametrize(("date", "expected"), [
    ("Fri, 20 Nov 2026 09:00:00 +0100", GOOD),
    ("20 Nov 2026 08:00 GMT", GOOD),
    ("2026-11-20 08:00:00", GOOD),
    ("November 20, 2026 3:00am EST", GOOD),
])
def test_complete_dates_in_odd_layouts_still_parse(date, expected):
    odd, _ = parse_feed(rss(date), kind="rss")
    assert odd.published == expected


def test_complete_date_needs_year_month_and_day():
    assert complete_date("20 Nov 2026") == datetime(2026, 11, 20)
    assert complete_date("20 Nov") is None
    assert complete_date("-5") is None
    assert iso_date("0001-01-01T00:00:00+00:01") is None
