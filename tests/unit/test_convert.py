"""convert.py: every model value survives a trip through a JSON document."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta, timezone

import orjson
import pytest

from dashboard.models import (
    CueHit,
    HistoryPoint,
    Item,
    RecognitionEvent,
    SourceHealth,
    StanceEvidence,
    Statement,
)
from dashboard.storage import convert

T = datetime(2026, 3, 4, 5, 6, 7, 890123, tzinfo=UTC)

CASES = [
    (convert.item_to_doc, convert.doc_to_item,
     Item("id1", "src", "Tïtle", "sum", "https://x/a", T, T + timedelta(minutes=1), "Ann")),
    (convert.item_to_doc, convert.doc_to_item,
     Item("id2", "src", "t", "", None, None, T)),
    (convert.statement_to_doc, convert.doc_to_statement,
     Statement("Aleksandar Vučić", "serbia", "direct", "no", "He said \"no\".", "id1", "src",
               T, "https://x/a")),
    (convert.statement_to_doc, convert.doc_to_statement,
     Statement("Someone", None, "reported", "it", "Someone said it.")),
    (convert.stance_to_doc, convert.doc_to_stance,
     StanceEvidence("usa", "topic", "oppose", "ev", "id1", "src", T, 0.5)),
    (convert.recognition_to_doc, convert.doc_to_recognition,
     RecognitionEvent("GRC", "recognized", "ev", "id1", "src", T, "confirmed")),
    (convert.cue_to_doc, convert.doc_to_cue, CueHit("troops", -2.5, "ev", "id1", "src", T, 0.7)),
    (convert.history_to_doc, convert.doc_to_history, HistoryPoint(T, 42.5)),
    (convert.health_to_doc, convert.doc_to_health,
     SourceHealth("src", "error", T, T - timedelta(hours=1), "boom", T + timedelta(hours=1), 7, 2,
                  '"etag"', "Wed, 04 Mar 2026 05:06:07 GMT")),
    (convert.health_to_doc, convert.doc_to_health, SourceHealth("never-fetched")),
]


@pytest.mark.parametrize(("to_doc", "from_doc", "value"), CASES,
                         ids=lambda v: type(v).__name__ if not callable(v) else "")
def test_round_trip_through_json(to_doc, from_doc, value):
    doc = orjson.loads(orjson.dumps(to_doc(value)))  # what the file really holds
    assert from_doc(doc) == value


def test_times_are_stored_as_utc_iso_strings_in_time_order():
    plus2 = timezone(timedelta(hours=2))
    local = datetime(2026, 3, 4, 7, 0, tzinfo=plus2)
    assert convert.time_to_str(local) == "2026-03-04T05:00:00+00:00"
    assert convert.str_to_time(convert.time_to_str(local)) == local
    # whole seconds sort before fractions of the same second, as string comparison needs
    whole, fraction = T.replace(microsecond=0), T
    assert convert.time_to_str(whole) < convert.time_to_str(fraction)


def test_item_doc_keeps_when_for_retention():
    item = Item("i", "s", "t", "", None, None, T)
    assert convert.item_to_doc(item)["when"] == convert.time_to_str(T)
