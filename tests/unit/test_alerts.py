"""evaluate() and AlertState with hand-built snapshots (no sinks, no network)."""

from __future__ import annotations

from dataclasses import replace
from datetime import UTC, datetime, timedelta

import orjson
import pytest

from dashboard.alerts import AlertEvent, AlertState, added_statements, evaluate, state_path_for
from dashboard.config import Alert
from dashboard.models import (
    Escalation,
    Recognition,
    RecognitionEvent,
    Snapshot,
    SourceHealth,
    SourceView,
    Statement,
)

NOW = datetime(2026, 11, 26, 18, 0, tzinfo=UTC)


def snap(level="calm", *, pending=(), sources=(), statements=(), updated=NOW) -> Snapshot:
    """A minimal snapshot: only what the triggers read."""
    return Snapshot(
        theatre="Test theatre",
        items=0,
        statements=tuple(statements),
        positions=(),
        recognition=Recognition(
            subject="Kosovo", series=(), blocs=(), pending=tuple(pending), recent=()
        ),
        escalation=Escalation(score=40.0, level=level, trend="rising"),
        sources=tuple(sources),
        actors={"serbia": "Serbia", "kosovo": "Kosovo"},
        updated=updated,
    )


def source(sid="tanjug", failures=0, last_success=None) -> SourceView:
    return SourceView(
        id=sid,
        name=sid.title(),
        kind="rss",
        url=f"http://127.0.0.1/{sid}.xml",
        health=SourceHealth(
            source_id=sid,
            state="error" if failures else "ok",
            failures=failures,
            last_success=last_success,
            last_error="HTTP 500" if failures else None,
        ),
    )


def stmt(text, *, actor="serbia", speaker="Aleksandar Vučić", item="i1") -> Statement:
    return Statement(
        speaker=speaker, actor=actor, kind="direct", text=text, sentence=f'"{text}," he said.',
        item_id=item, source_id="tanjug", time=NOW, link="https://example.org/a",
    )


def alert(**kw) -> Alert:
    kw.setdefault("id", "a1")
    return Alert(**kw)


# --- level ---------------------------------------------------------------------------


def test_level_change_fires_with_from_to_and_escalation_detail():
    [event] = evaluate([alert(on="level")], snap("tense"), snap("elevated"), now=NOW)
    assert event.trigger == "level"
    assert event.key.startswith("level:tense->elevated@")
    assert event.detail["from"] == "tense" and event.detail["to"] == "elevated"
    assert event.detail["escalation"]["level"] == "elevated"
    assert "history" not in event.detail["escalation"]
    assert event.time == NOW


def test_same_level_fires_nothing():
    assert evaluate([alert(on="level")], snap("tense"), snap("tense"), now=NOW) == []


def test_no_baseline_fires_no_level_change():
    assert evaluate([alert(on="level")], None, snap("critical"), now=NOW) == []


@pytest.mark.parametrize(
    ("old", "new", "fires"),
    [
        ("calm", "tense", False),
        ("tense", "elevated", True),  # the new level reaches min_level
        ("high", "tense", True),  # falling from above min_level also matters
        ("tense", "calm", False),
    ],
)
def test_level_min_level_uses_the_higher_of_old_and_new(old, new, fires):
    events = evaluate([alert(on="level", min_level="elevated")], snap(old), snap(new), now=NOW)
    assert bool(events) is fires


def test_the_same_transition_later_has_a_new_key():
    a = alert(on="level")
    first = evaluate([a], snap("tense"), snap("elevated"), now=NOW)
    later = NOW + timedelta(days=1)
    again = evaluate([a], snap("tense", updated=later), snap("elevated", updated=later), now=later)
    assert first[0].key != again[0].key


# --- pending -------------------------------------------------------------------------


def rec(country, change="recognized") -> RecognitionEvent:
    return RecognitionEvent(country=country, change=change, evidence=f"{country} did it.",
                            source_id="rferl", time=NOW)


def test_pending_fires_only_for_new_keys():
    before = snap(pending=[rec("ALB")])
    after = snap(pending=[rec("ALB"), rec("SRB", "withdrawn")])
    [event] = evaluate([alert(on="pending")], before, after, now=NOW)
    assert event.key == "pending:SRB:withdrawn"
    assert event.detail["pending"]["evidence"] == "SRB did it."
    assert event.detail["pending"]["source"] == "rferl"


def test_pending_without_baseline_fires_nothing():
    assert evaluate([alert(on="pending")], None, snap(pending=[rec("ALB")]), now=NOW) == []


# --- statement -----------------------------------------------------------------------


def test_statement_filters_by_actor_and_folded_words():
    watched = alert(on="statement", actors=("serbia",), words=("VUCIC", "sanction"))
    statements = [
        stmt("We reject the Sanctions outright", item="i1"),  # actor and word
        stmt("We reject the sanctions outright", actor="kosovo", item="i2"),  # wrong actor
        stmt("Nothing to see here", item="i3"),  # no word
        stmt("Vučić will travel to Brussels", item="i4"),  # accent-insensitive word
    ]
    events = evaluate([watched], snap(), snap(), new_statements=statements, now=NOW)
    assert [e.detail["statement"]["item"] for e in events] == ["i1", "i4"]
    assert events[0].detail["statement"]["link"] == "https://example.org/a"
    assert "Serbia" in events[0].title


def test_statement_without_filters_fires_for_every_new_statement():
    statements = [stmt("one", item="i1"), stmt("two", item="i2")]
    events = evaluate([alert(on="statement")], None, snap(), new_statements=statements, now=NOW)
    assert len({e.key for e in events}) == 2


def test_statement_title_has_no_control_characters():
    s = stmt("evil \x1b[31mred\x1b[0m\ntext")
    [event] = evaluate([alert(on="statement")], None, snap(), new_statements=[s], now=NOW)
    assert "\x1b" not in event.title and "\n" not in event.title


def test_added_statements_are_the_ones_before_did_not_show():
    old, new = stmt("old", item="i1"), stmt("new", item="i2")
    assert added_statements(snap(statements=[old]), snap(statements=[new, old])) == [new]
    assert added_statements(None, snap(statements=[new])) == []


# --- source_failing ------------------------------------------------------------------


def test_source_fires_when_it_crosses_the_threshold_only():
    a = alert(on="source_failing", rounds=3)
    s2, s3, s4 = source(failures=2), source(failures=3), source(failures=4)
    assert evaluate([a], snap(sources=[s2]), snap(sources=[source(failures=2)]), now=NOW) == []
    [event] = evaluate([a], snap(sources=[s2]), snap(sources=[s3]), now=NOW)
    assert event.detail["source"]["id"] == "tanjug"
    assert event.detail["source"]["failures"] == 3
    assert evaluate([a], snap(sources=[s3]), snap(sources=[s4]), now=NOW) == []


def test_source_failing_again_after_recovery_has_a_new_key():
    a = alert(on="source_failing", rounds=1)
    first = evaluate([a], snap(sources=[source()]), snap(sources=[source(failures=1)]), now=NOW)
    recovered = source(last_success=NOW)
    second = evaluate(
        [a], snap(sources=[recovered]), snap(sources=[source(failures=1, last_success=NOW)]),
        now=NOW,
    )
    assert first[0].key != second[0].key


def test_config_muted_alert_fires_nothing():
    assert evaluate([alert(on="level", mute=True)], snap("calm"), snap("high"), now=NOW) == []


# --- state ---------------------------------------------------------------------------


def event(key="k1", alert_id="a1") -> AlertEvent:
    return AlertEvent(alert_id, "level", key, "title", {"x": 1}, time=NOW)


def test_state_dedupes_keys_and_survives_a_reload(tmp_path):
    path = tmp_path / "s.alerts.json"
    state = AlertState.load(path)
    assert state.admit(event(), cooldown=0, now=NOW) is not None
    assert state.admit(event(), cooldown=0, now=NOW) is None
    state.save()
    reloaded = AlertState.load(path)
    assert reloaded.admit(event(), cooldown=0, now=NOW + timedelta(days=1)) is None
    assert reloaded.admit(event("k2"), cooldown=0, now=NOW) is not None


def test_state_cooldown_counts_suppressed_and_reports_them_next(tmp_path):
    state = AlertState.load(tmp_path / "s.json")
    assert state.admit(event("k1"), cooldown=600, now=NOW) is not None
    assert state.admit(event("k2"), cooldown=600, now=NOW + timedelta(seconds=10)) is None
    assert state.admit(event("k3"), cooldown=600, now=NOW + timedelta(seconds=20)) is None
    assert state.admit(event("k4", "other"), cooldown=600, now=NOW) is not None  # per alert
    fired = state.admit(event("k5"), cooldown=600, now=NOW + timedelta(seconds=601))
    assert fired is not None and fired.detail == {"x": 1, "suppressed": 2}
    later = state.admit(event("k6"), cooldown=600, now=NOW + timedelta(seconds=1300))
    assert later is not None and "suppressed" not in later.detail


def test_state_runtime_mute_is_persisted(tmp_path):
    path = tmp_path / "s.json"
    state = AlertState.load(path)
    state.mute("a1")
    assert AlertState.load(path).admit(event(), cooldown=0, now=NOW) is None
    state.unmute("a1")
    assert AlertState.load(path).admit(event(), cooldown=0, now=NOW) is not None


def test_state_remembers_a_bounded_number_of_keys(tmp_path):
    state = AlertState.load(tmp_path / "s.json", max_keys=5)
    for i in range(8):
        state.admit(event(f"k{i}"), cooldown=0, now=NOW)
    assert list(state.fired) == [f"k{i}" for i in range(3, 8)]
    assert state.admit(event("k0"), cooldown=0, now=NOW) is not None  # forgotten


def test_state_file_is_json_and_a_corrupt_one_starts_empty(tmp_path):
    path = tmp_path / "s.json"
    state = AlertState.load(path)
    state.admit(event(), cooldown=0, now=NOW)
    state.save()
    data = orjson.loads(path.read_bytes())
    assert data["fired"] == ["k1"] and data["last_fired"]["a1"] == NOW.isoformat()
    assert [p.name for p in tmp_path.iterdir()] == ["s.json"]  # no temp file left behind
    path.write_text("{not json")
    assert AlertState.load(path).fired == {}


def test_state_path_sits_next_to_the_store(tmp_path):
    assert state_path_for(tmp_path / "flashpoint.json") == tmp_path / "flashpoint.json.alerts.json"


def test_event_json_is_plain_data():
    e = replace(event(), detail={"when": "x", "n": [1, 2]})
    assert orjson.loads(e.to_bytes()) == {
        "alert": "a1", "trigger": "level", "key": "k1", "title": "title",
        "time": NOW.isoformat(), "detail": {"when": "x", "n": [1, 2]},
    }
