"""The rounds behind tests/data/store_v2: every stored model, with and without its optional
values, an item with each kind of page, a page statement, a decision and an archived item.

`python -m tests.integration.store_fixture DIR` writes the store these rounds make. The
committed copy in tests/data/store_v2 was written by the code before the storage split and
the generic document conversion (2026-11-27), so loading it proves later code still reads
what earlier code wrote, and writing the same rounds proves it writes the same documents.
"""

from __future__ import annotations

import sys
from datetime import UTC, datetime, timedelta
from pathlib import Path

from dashboard.models import (
    Analysis,
    CueHit,
    HistoryPoint,
    Item,
    Page,
    RecognitionEvent,
    SourceHealth,
    StanceEvidence,
    Statement,
)

NOW = datetime(2026, 11, 27, 12, 0, 0, 123456, tzinfo=UTC)
OLD = NOW - timedelta(days=40)  # past retention (30 days): archived by the second round
DECIDED_AT = NOW + timedelta(minutes=7)

ITEMS = (
    Item("full", "wire", "Tïtle \"quoted\"", "A summary.", "https://e.test/a", NOW,
         NOW + timedelta(minutes=1), "Ann Author",
         Page("ok", "https://e.test/a?r=1", "Page title", "2026-11-26", "Body.\n\nMore.")),
    Item("bare", "wire", "t", "", None, None, NOW - timedelta(hours=3)),
    Item("pending", "blog", "p", "s", "https://e.test/p", NOW - timedelta(hours=1), NOW,
         page=Page()),
    Item("failed", "blog", "f", "s", "https://e.test/f", NOW - timedelta(hours=2), NOW,
         page=Page("failed", reason="robots", error="robots.txt disallows this page")),
    Item("old", "wire", "old", "s", "https://e.test/o", OLD, OLD),
)


def analysis_of(item: Item) -> Analysis:
    """Rows of every derived table for an item, one with every optional value set."""
    t, common = item.when, {"item_id": item.id, "source_id": item.source_id}
    return Analysis(
        statements=(
            Statement("Aleksandar Vučić", "serbia", "direct", "no", "He said \"no\".",
                      time=t, link=item.link, **common),
            Statement("Someone", None, "reported", "it", "Someone said it.", time=t,
                      origin="page", **common),
        ),
        stances=(StanceEvidence("usa", "status", "oppose", "ev", time=t, credibility=0.5,
                                **common),),
        recognition_events=(RecognitionEvent("GRC", "recognized", "ev", time=t, **common),),
        cues=(CueHit("troops", -2.5, "ev", time=t, credibility=0.7, code="190",
                     label="Use conventional military force", **common),
              CueHit("talks", 1.0, "ev2", time=t, **common)),
    )


HEALTH = (
    SourceHealth("wire", "error", NOW, NOW - timedelta(hours=1), "boom",
                 NOW + timedelta(hours=1), 7, 2, '"etag"', "Wed, 04 Mar 2026 05:06:07 GMT"),
    SourceHealth("blog"),
)
HISTORY = (HistoryPoint(OLD, 10.0), HistoryPoint(NOW, 42.5))


def write(path: Path) -> None:
    """Write the fixture store at `path` with whatever code is installed."""
    from dashboard.storage import Round, open_store

    store = open_store(path, retention_days=30)
    try:
        # the old item alone first (retention runs at the end of the second round)
        old, *fresh = ITEMS[-1:] + ITEMS[:-1]
        store.commit_round(Round(finished=OLD + timedelta(hours=1), items=[old],
                                 analyses={old.id: analysis_of(old)}, history=HISTORY[0]))
        store.commit_round(Round(finished=NOW, items=fresh,
                                 analyses={i.id: analysis_of(i) for i in fresh},
                                 health=HEALTH, history=HISTORY[1]))
        store.set_recognition_status("GRC:recognized", "confirmed", at=DECIDED_AT)
    finally:
        store.close()


if __name__ == "__main__":
    write(Path(sys.argv[1]))
