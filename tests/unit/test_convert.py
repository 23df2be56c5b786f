"""convert.py: every model value survives a trip through a JSON document."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta, timezone

import orjson
import pytest

from dashboard.models import (
    CueHit,
    Decision,
    HistoryPoint,
    Item,
    Page,
    RecognitionEvent,
    SourceHealth,
    StanceEvidence,
    Statement,
)
from dashboard.storage import convert

T = datetime(2026, 3, 4, 5, 6, 7, 890123, tzinfo=UTC)

CASES = [
    Item("id1", "src", "Tïtle", "sum", "https://x/a", T, T + timedelta(minutes=1), "Ann"),
    Item("id2", "src", "t", "", None, None, T),
    Item("id3", "src", "t", "", None, None, T, page=Page("ok", "https://x/b", "T", "2026-03-01",
                                                         "Body.")),
    Page(),
    Statement("Aleksandar Vučić", "serbia", "direct", "no", "He said \"no\".", "id1", "src",
              T, "https://x/a"),
    Statement("Someone", None, "reported", "it", "Someone said it.", origin="page"),
    StanceEvidence("usa", "topic", "oppose", "ev", "id1", "src", T, 0.5),
    RecognitionEvent("GRC", "recognized", "ev", "id1", "src", T, "confirmed"),
    CueHit("troops", -2.5, "ev", "id1", "src", T, 0.7, "190", "Use conventional military force"),
    CueHit("talks", 1.0, "ev"),
    Decision(T, "GRC:recognized", "rejected", "confirmed", undo=True),
    HistoryPoint(T, 42.5),
    SourceHealth("src", "error", T, T - timedelta(hours=1), "boom", T + timedelta(hours=1), 7, 2,
                 '"etag"', "Wed, 04 Mar 2026 05:06:07 GMT"),
    SourceHealth("never-fetched"),
]


@pytest.mark.parametrize("value", CASES, ids=lambda v: type(v).__name__)
def test_round_trip_through_json(value):
    doc = orjson.loads(orjson.dumps(convert.to_doc(value)))  # what the file really holds
    assert convert.from_doc(type(value), doc) == value


def test_every_stored_model_has_a_case_and_a_shape():
    assert {type(v) for v in CASES} == set(convert.SHAPES)


def test_documents_keep_the_fields_declared_order_and_the_stored_extras():
    statement = convert.to_doc(CASES[5])
    assert list(statement) == ["speaker", "actor", "kind", "text", "sentence", "item_id",
                               "source_id", "time", "link", "from"]
    assert list(convert.to_doc(CASES[7]))[-1] == "key"  # recognition: decided by key
    assert convert.to_doc(Page()) == {"state": "pending"}  # empty values left out


def test_a_document_without_a_required_field_is_refused_and_unknown_keys_are_ignored():
    doc = convert.to_doc(CASES[11])
    with pytest.raises(KeyError):
        convert.from_doc(HistoryPoint, {"time": doc["time"]})
    assert convert.from_doc(HistoryPoint, {**doc, "later": 1}) == CASES[11]


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
    assert convert.to_doc(item)["when"] == convert.time_to_str(T)


def test_cached_times_give_each_instant_its_utc_string_whatever_zone_or_naivety_came_first():
    # time_to_str is cached by value: equal aware datetimes are one instant, one string
    plus2 = timezone(timedelta(hours=2))
    moment = datetime(2031, 1, 2, 3, 4, 5, tzinfo=UTC)
    in_plus2 = moment.astimezone(plus2)
    naive = moment.replace(tzinfo=None)  # taken as UTC; never equal to an aware value
    assert convert.time_to_str(in_plus2) == convert.time_to_str(moment) == \
        "2031-01-02T03:04:05+00:00"
    assert convert.time_to_str(naive) == "2031-01-02T03:04:05+00:00"
    later_naive = datetime(2031, 1, 2, 3, 4, 6)
    assert convert.time_to_str(later_naive.replace(tzinfo=plus2)) == "2031-01-02T01:04:06+00:00"
    assert convert.time_to_str(later_naive) == "2031-01-02T03:04:06+00:00"


def test_a_model_with_a_single_stored_field_writes_it_too(monkeypatch):
    # the writer reads the stored fields with one attrgetter (one field: not a tuple)
    monkeypatch.setitem(convert.SHAPES, HistoryPoint, convert.Shape(
        sparse=frozenset({"score"})))
    monkeypatch.setattr(convert, "_WRITERS", {})
    convert._fields.cache_clear()
    try:
        assert convert.to_doc(HistoryPoint(T, 2.5)) == {"time": convert.time_to_str(T),
                                                        "score": 2.5}
        assert convert.to_doc(HistoryPoint(T, 0.0)) == {"time": convert.time_to_str(T)}
    finally:
        convert._fields.cache_clear()
