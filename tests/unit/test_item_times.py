"""An item is never newer than the moment it was first seen (issue 15, item times).

A feed that dates an item later than its fetch (a wrong time zone, a typo) had it weigh in
full in the escalation, head the latest statements and tie among the drivers until its
time came. Decided: where items are made from a fetched feed (`pipeline.workers`), a later
date becomes the fetch time; the feed's own is kept in `stated` when it was more than
CLOCK_SKEW ahead (provenance: the store, the statement's details, `status --json`).
"""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from email.utils import format_datetime

from dashboard.analysis.analyzer import stamp
from dashboard.fetching.dates import CLOCK_SKEW, not_after_seen
from dashboard.models import Analysis, Item, Statement
from dashboard.pipeline.workers import items_in_worker
from dashboard.report import statement_json
from dashboard.screens.details import statement_time
from dashboard.storage import convert

SEEN = datetime(2026, 11, 28, 6, 0, tzinfo=UTC)


def test_a_date_in_the_past_or_none_is_kept_as_it_is():
    assert not_after_seen(SEEN - timedelta(hours=3), SEEN) == (SEEN - timedelta(hours=3), None)
    assert not_after_seen(SEEN, SEEN) == (SEEN, None)
    assert not_after_seen(None, SEEN) == (None, None)


def test_a_later_date_becomes_the_sighting_and_the_feeds_own_is_kept_past_the_skew():
    tomorrow = SEEN + timedelta(days=1)
    assert not_after_seen(tomorrow, SEEN) == (SEEN, tomorrow)
    # a wrong zone: hours ahead
    assert not_after_seen(SEEN + timedelta(hours=5), SEEN) == (SEEN, SEEN + timedelta(hours=5))


def test_within_the_clock_skew_the_date_is_clamped_but_not_kept_as_a_mis_dating():
    assert not_after_seen(SEEN + timedelta(seconds=20), SEEN) == (SEEN, None)
    assert not_after_seen(SEEN + CLOCK_SKEW, SEEN) == (SEEN, None)
    just_past = SEEN + CLOCK_SKEW + timedelta(seconds=1)
    assert not_after_seen(just_past, SEEN) == (SEEN, just_past)


def rss(*dates: datetime) -> bytes:
    items = "".join(f"<item><title>Item {n}</title><guid>g-{n}</guid>"
                    f"<pubDate>{format_datetime(d)}</pubDate></item>"
                    for n, d in enumerate(dates))
    return (f"<?xml version='1.0' encoding='utf-8'?><rss version='2.0'><channel><title>T"
            f"</title>{items}</channel></rss>").encode()


def test_items_made_from_a_feed_are_never_dated_after_their_fetch():
    past, skewed, tomorrow = (SEEN - timedelta(hours=1), SEEN + timedelta(minutes=2),
                              SEEN + timedelta(days=1))
    items, _, _ = items_in_worker(rss(past, skewed, tomorrow), "rss", "", "src", (), SEEN,
                                  None, 1.0)
    got = {i.title: (i.published, i.fetched, i.stated) for i in items}
    assert got == {"Item 0": (past, SEEN, None), "Item 1": (SEEN, SEEN, None),
                   "Item 2": (SEEN, SEEN, tomorrow)}
    assert all(i.when <= i.fetched for i in items)


def test_the_feeds_own_date_follows_the_item_to_its_statements_and_back_from_the_store():
    tomorrow = SEEN + timedelta(days=1)
    item = Item(id="i", source_id="s", title="t", summary="", link=None, published=SEEN,
                fetched=SEEN, stated=tomorrow)
    said = Statement(speaker="X", actor=None, kind="direct", text="w", sentence="w.")
    [s] = stamp(Analysis(statements=(said,)), item).statements
    assert (s.time, s.stated) == (SEEN, tomorrow)
    assert statement_json(s)["time"] == SEEN.isoformat()
    assert statement_json(s)["stated"] == tomorrow.isoformat()
    assert statement_time(s) == (f"{SEEN.isoformat()} (first seen; the feed dated it "
                                 f"{tomorrow.isoformat()}, after that)")
    assert convert.from_doc(Item, convert.to_doc(item)) == item
    assert convert.from_doc(Statement, convert.to_doc(s)) == s


def test_an_ordinary_item_and_statement_store_no_stated_key():
    # the documents of items dated in the past are what they were (tests/data/store_v2)
    item = Item(id="i", source_id="s", title="t", summary="", link=None, published=SEEN,
                fetched=SEEN)
    said = Statement(speaker="X", actor=None, kind="direct", text="w", sentence="w.", time=SEEN)
    assert "stated" not in convert.to_doc(item)
    assert "stated" not in convert.to_doc(said)
    assert statement_time(said) == SEEN.isoformat()
