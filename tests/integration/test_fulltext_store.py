"""Article pages in the real store: read later, written once, archived with their item."""

from __future__ import annotations

from dataclasses import replace
from datetime import timedelta

import orjson

from dashboard.models import Analysis, Page, Statement
from dashboard.storage import Round, open_store
from tests.integration.test_store import NOW, make_analysis, make_item

TEXT = "Talks resumed.\n\n“We are ready,” the envoy said."


def page_statement(item) -> Statement:
    return Statement("Envoy", None, "direct", "We are ready", "“We are ready,” the envoy said.",
                     item_id=item.id, source_id=item.source_id, time=item.when,
                     origin="page")


def test_a_page_read_later_updates_its_item_and_leaves_with_it_at_retention(tmp_path):
    path = tmp_path / "store.json"
    pending = [replace(make_item(n, NOW - timedelta(hours=n)), page=Page()) for n in range(3)]
    store = open_store(path, retention_days=30)
    store.commit_round(Round(finished=NOW, items=pending,
                             analyses={i.id: make_analysis(i) for i in pending}))
    assert [i.id for i in store.pending_pages("src")] == ["item-2", "item-1", "item-0"]

    read = replace(pending[2], page=Page(state="ok", url="https://e/2?r", title="T",
                                         text=TEXT))
    failed = replace(pending[1], page=Page(state="failed", reason="paywall", error="stub"))
    extras = Analysis(statements=(page_statement(read),))
    store.commit_round(Round(finished=NOW, updated=[read, failed],
                             analyses={read.id: extras, failed.id: Analysis()}))
    store.close()

    store = open_store(path, retention_days=30)  # what was written, read back from disk
    assert [i.id for i in store.pending_pages("src")] == ["item-0"]
    assert store.item(read.id).page == read.page
    assert store.item(failed.id).page.reason == "paywall"
    origins = sorted((s.item_id, s.origin) for s in store.statements(limit=50))
    assert origins == [("item-0", "feed"), ("item-1", "feed"), ("item-2", "feed"),
                       ("item-2", "page")]
    assert store.item_count() == 3  # an update is not a new item
    # 40 days on, retention archives the items with their pages and page statements
    store.commit_round(Round(finished=NOW + timedelta(days=40)))
    store.close()
    archived = {}
    for day in tmp_path.glob("store*.archive/20*.json"):
        archived.update(orjson.loads(day.read_bytes())["items"])
    assert archived[read.id]["page"]["text"] == TEXT
    assert sorted(r.get("from", "feed") for r in archived[read.id]["derived"]["statements"]) == [
        "feed", "page"]
