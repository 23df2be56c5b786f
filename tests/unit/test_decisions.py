"""The words of a recognition decision and which decisions can still be undone."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from dashboard.decisions import (
    change_sentence,
    decision_question,
    in_effect,
    undo_question,
)
from dashboard.models import Decision, RecognitionEvent

T = datetime(2026, 11, 27, 16, 0, tzinfo=UTC)
NAMES = {"GRC": "Greece", "TGO": "Togo"}


def test_the_change_names_the_country_and_what_changed():
    assert change_sentence("GRC", "recognized", NAMES, "Kosovo") == "Greece (GRC) recognized Kosovo"
    assert change_sentence("TGO", "withdrawn", NAMES, "Kosovo") == (
        "Togo (TGO) withdrew its recognition of Kosovo")
    assert change_sentence("XYZ", "not_recognized", NAMES, "Kosovo") == (
        "XYZ does not recognize Kosovo")


def test_confirm_and_reject_say_what_follows():
    event = RecognitionEvent("GRC", "recognized", "evidence")
    assert decision_question(event, "confirmed", NAMES, "Kosovo").startswith(
        "Confirm that Greece (GRC) recognized Kosovo?")
    assert "counts stay" in decision_question(event, "rejected", NAMES, "Kosovo")


def test_only_the_newest_decision_per_change_holds_and_an_undo_holds_nothing():
    a1 = Decision(T, "GRC:recognized", "confirmed", "pending")
    a2 = Decision(T + timedelta(minutes=1), "GRC:recognized", "pending", "confirmed", undo=True)
    b1 = Decision(T, "TGO:withdrawn", "rejected", "pending")
    b2 = Decision(T + timedelta(minutes=2), "TGO:withdrawn", "confirmed", "rejected")
    newest_first = [b2, a2, b1, a1]
    assert in_effect(newest_first) == [b2]


def test_the_undo_question_says_where_it_goes_back_to():
    d = Decision(T, "TGO:withdrawn", "rejected", "pending")
    text = undo_question(d, NAMES, "Kosovo")
    assert "2026-11-27 16:00 UTC: rejected that Togo (TGO) withdrew its recognition" in text
    assert text.endswith("It goes back to pending.")
