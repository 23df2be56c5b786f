"""Items with article pages in store documents, and stores written before pages existed."""

from __future__ import annotations

from datetime import UTC, datetime

from dashboard.models import Item, Page, Statement
from dashboard.storage import convert

NOW = datetime(2026, 11, 27, 12, tzinfo=UTC)


def test_an_item_with_its_page_round_trips():
    page = Page(state="ok", url="https://x/a?after=redirect", title="T", date="2026-11-20",
                text="Body.\n\nMore.")
    item = Item(id="i", source_id="s", title="t", summary="one line", link="https://x/a",
                published=NOW, fetched=NOW, page=page)
    assert convert.from_doc(Item, convert.to_doc(item)) == item
    failed = Item(**{**{f: getattr(item, f) for f in item.__slots__}, "page": Page(
        state="failed", reason="robots", error="robots.txt disallows this page")})
    assert convert.from_doc(Item, convert.to_doc(failed)) == failed


def test_documents_written_before_pages_read_as_no_page_and_feed_statements():
    # the shape of an item and a statement stored by the previous version (format 2)
    old_item = {"id": "i", "source_id": "s", "title": "t", "summary": "s", "link": None,
                "published": None, "fetched": NOW.isoformat(), "author": None,
                "when": NOW.isoformat()}
    old_statement = {"speaker": "A", "actor": None, "kind": "direct", "text": "x",
                     "sentence": "A said x.", "item_id": "i", "source_id": "s",
                     "time": NOW.isoformat(), "link": None}
    assert convert.from_doc(Item, old_item).page is None
    assert convert.from_doc(Statement, old_statement).origin == "feed"
    # and what this version writes for an item without a page is what the old one wrote
    assert convert.to_doc(convert.from_doc(Item, old_item)) == old_item


def test_a_page_statement_says_so_in_its_document():
    s = Statement(speaker="A", actor=None, kind="direct", text="x", sentence="A said x.",
                  origin="page")
    assert convert.to_doc(s)["from"] == "page"
    assert convert.from_doc(Statement, convert.to_doc(s)) == s
