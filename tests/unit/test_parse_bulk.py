"""A feed listing more than MAX_ITEMS items: its first are read, the rest counted (point 5
of issue 14), whatever the format, and fast enough for the parse deadline."""

from __future__ import annotations

import orjson

from dashboard.fetching.parse import parse_feed
from dashboard.fetching.parsed import MAX_ITEMS

EXTRA = 500


def test_a_long_json_feed_keeps_its_first_items_and_counts_the_rest():
    body = orjson.dumps({"version": "https://jsonfeed.org/version/1.1", "items": [
        {"id": str(n), "title": f"Item {n}"} for n in range(MAX_ITEMS + EXTRA)]})
    items = parse_feed(body, kind="rss")
    assert len(items) == MAX_ITEMS and items.truncated == EXTRA
    assert items[0].title == "Item 0" and items[-1].title == f"Item {MAX_ITEMS - 1}"


def test_a_long_atom_feed_is_read_in_bulk_with_its_entry_ids():
    entries = "".join(f"<entry><title>Entry {n}</title><id>urn:e:{n}</id>"
                      f"<link href='https://a.example/{n}'/>"
                      "<updated>2026-11-20T08:00:00Z</updated></entry>"
                      for n in range(MAX_ITEMS + EXTRA))
    body = ("<?xml version='1.0' encoding='utf-8'?><feed xmlns='http://www.w3.org/2005/Atom'>"
            f"<title>T</title>{entries}</feed>").encode()
    items = parse_feed(body, kind="rss")
    assert len(items) == MAX_ITEMS and items.truncated == EXTRA
    assert (items[0].guid, items[0].link) == ("urn:e:0", "https://a.example/0")
    assert items[0].published is not None


def test_a_short_feed_is_not_truncated():
    body = orjson.dumps({"version": "https://jsonfeed.org/version/1.1",
                         "items": [{"id": "1", "title": "One"}]})
    assert parse_feed(body, kind="rss").truncated == 0
