"""models.py: values cross to and from the worker processes pickled as (class, field
values), rebuilt by their own __init__ (the generated per-value state functions were a
third of a first round's hand-off)."""

from __future__ import annotations

import dataclasses
import pickle
from datetime import UTC, datetime

from dashboard import models
from dashboard.models import (
    Analysis,
    CueHit,
    HistoryPoint,
    Item,
    Page,
    ParsedItem,
    RecognitionEvent,
    StanceEvidence,
    Statement,
)

T = datetime(2031, 5, 6, 7, 8, 9, tzinfo=UTC)


def every_model() -> list[type]:
    return [v for v in vars(models).values()
            if isinstance(v, type) and dataclasses.is_dataclass(v)
            and v.__module__ == models.__name__]


def test_every_model_pickles_as_its_class_and_field_values():
    assert len(every_model()) >= 20
    for model in every_model():
        assert model.__reduce__ is models._reduce_by_fields, model


def test_a_workers_results_come_back_equal_and_share_what_they_shared():
    item = Item("id1", "src", "Tïtle", "sum", "https://x/a", T, T, "Ann",
                page=Page("ok", "https://x/b", "T", "2031-05-01", "Body."))
    analysis = Analysis(
        statements=(Statement("Ann", "serbia", "direct", "no", "Ann said no.", item.id, "src",
                              T, item.link, origin="page"),),
        stances=(StanceEvidence("usa", "topic", "oppose", "ev", item.id, "src", T, 0.5),),
        recognition_events=(RecognitionEvent("GRC", "recognized", "ev", item.id, "src", T),),
        cues=(CueHit("troops", -2.5, "ev", item.id, "src", T, 0.7, "190", "Force"),),
    )
    parsed = [ParsedItem("t", "s", None, "g", None), ParsedItem("u", "", "https://x", None, T)]
    sent = ([item], {item.id: analysis}, parsed, HistoryPoint(T, 1.5))
    back = pickle.loads(pickle.dumps(sent, protocol=pickle.HIGHEST_PROTOCOL))
    assert back == sent
    items, analyses, _, _ = back
    # one object for a value the worker held once (pickle's memo still applies)
    assert analyses[items[0].id].cues[0].time is analyses[items[0].id].statements[0].time


def test_a_subclass_made_elsewhere_keeps_its_class_and_its_own_fields():
    @dataclasses.dataclass(frozen=True)
    class Tagged(HistoryPoint):
        tag: str = ""

    value = Tagged(T, 2.0, "x")
    reduced = value.__reduce__()
    assert reduced == (Tagged, (T, 2.0, "x"))
    assert reduced[0](*reduced[1]) == value
