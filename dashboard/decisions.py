"""What the analyst confirms, rejects or undoes, said in words before it happens.

A recognition decision moves the counts, so the dashboard asks first, naming the country
and the change; every decision goes into the store's audit trail and can be taken back.
Pure functions over models: the App asks these for its questions and for what to undo.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping

from dashboard.models import Decision, PendingStatus, RecognitionEvent

_CHANGES = {
    "recognized": "recognized {subject}",
    "withdrawn": "withdrew its recognition of {subject}",
    "not_recognized": "does not recognize {subject}",
}
_STATUS_WORDS = {"confirmed": "confirmed", "rejected": "rejected", "pending": "pending"}


def country_label(iso3: str, names: Mapping[str, str]) -> str:
    """`Greece (GRC)`, or the bare code when the ledger does not name it."""
    name = names.get(iso3)
    return f"{name} ({iso3})" if name and name != iso3 else iso3


def change_sentence(iso3: str, change: str, names: Mapping[str, str], subject: str) -> str:
    """`Greece (GRC) recognized Kosovo`: the reported change as a sentence."""
    what = _CHANGES.get(change, change.replace("_", " ") + " {subject}")
    return f"{country_label(iso3, names)} {what.format(subject=subject or 'the subject')}"


def decision_question(event: RecognitionEvent, status: PendingStatus,
                      names: Mapping[str, str], subject: str) -> str:
    """The question asked before a confirm or a reject."""
    said = change_sentence(event.country, event.change, names, subject)
    if status == "confirmed":
        return (f"Confirm that {said}?\n"
                "The recognition counts will include this change.")
    return (f"Reject the report that {said}?\n"
            "The counts stay as they are; the report leaves the pending list.")


def in_effect(decisions: Iterable[Decision]) -> list[Decision]:
    """The decisions that still hold (newest first): the newest per key, unless an undo.

    Only these can be undone: an older decision of the same key was already replaced.
    """
    seen: set[str] = set()
    holding = []
    for d in decisions:  # newest first
        if d.key in seen:
            continue
        seen.add(d.key)
        if not d.undo:
            holding.append(d)
    return holding


def undo_question(decision: Decision, names: Mapping[str, str], subject: str) -> str:
    """The question asked before an undo."""
    said = change_sentence(decision.country, decision.change, names, subject)
    when = decision.time.strftime("%Y-%m-%d %H:%M UTC")
    return (f"Undo your decision of {when}: {_STATUS_WORDS[decision.status]} that {said}?\n"
            f"It goes back to {decision.previous}.")


def decision_note(decision: Decision, names: Mapping[str, str], subject: str) -> str:
    """One line for the notification after a decision was stored."""
    said = change_sentence(decision.country, decision.change, names, subject)
    if decision.undo:
        return f"Undone: {said} is {decision.status} again."
    return f"{_STATUS_WORDS[decision.status].capitalize()}: {said}. (u undoes)"
