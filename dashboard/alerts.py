"""Alerts for service mode: tell the team when things move.

Three parts, kept apart so each can be tested alone:

- `evaluate()` is pure: config alerts + the snapshot before and after a round -> the
  `AlertEvent`s their triggers describe (level change, new pending recognition change,
  watched statement, source failing N rounds in a row).
- `AlertState` remembers what already fired (dedupe), when each alert last fired
  (cooldown) and which alerts are muted at runtime; a small JSON file next to the store,
  written atomically (`dashboard.alert_state`).
- `AlertDispatcher` delivers one event to its sinks: a command (argv, never a shell, the
  event as JSON on stdin) and a webhook (JSON POST). Failures become log lines, never
  exceptions; every delivery is bounded (`dashboard.alert_delivery`). The `notify` sink is
  the TUI's: the caller shows events with `notify=True`.

`AlertEngine.after_round()` wires the three together for `collect` and the TUI.

Semantics: at most once. A fired key is recorded before its sinks run, so a crash during
delivery loses that alert rather than sending it twice after a restart.
"""

from __future__ import annotations

import asyncio
import hashlib
import logging
import os
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any, Literal

import httpx
import orjson

from dashboard import config as cfg
from dashboard.alert_delivery import REPLY_CAP, AlertDispatcher, make_alert_client
from dashboard.alert_state import MAX_KEYS, AlertState, state_path_for
from dashboard.analysis.text import fold
from dashboard.clock import utc_now
from dashboard.levels import level_change
from dashboard.models import RecognitionEvent, Snapshot, SourceView, Statement
from dashboard.report import escalation_json, source_json, statement_json
from dashboard.textclean import strip_controls

log = logging.getLogger(__name__)

Trigger = Literal["level", "pending", "statement", "source_failing"]


_TITLE_TEXT = 120  # characters of untrusted text kept in a title


@dataclass(frozen=True)
class AlertEvent:
    """One thing an alert noticed; `key` identifies it for dedupe across rounds and restarts."""

    alert: str  # the alert's id
    trigger: Trigger
    key: str
    title: str  # one short human line (plain text, controls stripped; still untrusted)
    detail: dict[str, Any] = field(default_factory=dict)  # JSON-able
    time: datetime | None = None
    notify: bool = False  # the TUI should show it

    def to_json(self) -> dict[str, Any]:
        """The event as the command (stdin) and webhook (body) receive it."""
        return {
            "alert": self.alert,
            "trigger": self.trigger,
            "key": self.key,
            "title": self.title,
            "time": self.time.isoformat() if self.time else None,
            "detail": self.detail,
        }

    def to_bytes(self) -> bytes:
        """`to_json()` as UTF-8 JSON bytes."""
        return orjson.dumps(self.to_json(), option=orjson.OPT_NON_STR_KEYS)


# --- the pure part ---------------------------------------------------------------------


def _short(text: str) -> str:
    text = strip_controls(text)
    return text if len(text) <= _TITLE_TEXT else text[: _TITLE_TEXT - 1] + "…"


def _stamp(snapshot: Snapshot, now: datetime) -> str:
    return (snapshot.updated or now).isoformat()


def _level_events(alert: cfg.Alert, before: Snapshot | None, after: Snapshot, now: datetime):
    change = level_change(before, after)  # the rule the dashboard announces by
    if change is None or not change.reaches(alert.min_level):
        return
    old, new = change.old, change.new
    esc = after.escalation
    # the round's time makes the key one transition, so a later tense->elevated fires again
    yield (
        f"level:{old}->{new}@{_stamp(after, now)}",
        f"{after.theatre}: escalation {old} -> {new} (score {esc.score:.0f}, {esc.trend})",
        {"from": old, "to": new, "escalation": escalation_json(esc, history=False)},
    )


def _pending_json(e: RecognitionEvent) -> dict[str, Any]:
    return {
        "country": e.country,
        "change": e.change,
        "status": e.status,
        "evidence": e.evidence,
        "time": e.time.isoformat() if e.time else None,
        "source": e.source_id or None,
        "item": e.item_id or None,
    }


def _pending_events(alert: cfg.Alert, before: Snapshot | None, after: Snapshot):
    if before is None:  # no baseline: everything would look new at startup
        return
    known = {e.key for e in before.recognition.pending}
    for e in after.recognition.pending:
        if e.key in known:
            continue
        known.add(e.key)
        subject = after.recognition.subject or after.theatre
        yield (
            f"pending:{e.key}",
            f"{subject}: pending recognition change {e.country} {e.change}",
            {"pending": _pending_json(e)},
        )


def _statement_key(s: Statement) -> str:
    digest = hashlib.sha1(f"{s.speaker}\x1f{s.text}".encode(), usedforsecurity=False)
    return f"statement:{s.item_id}:{digest.hexdigest()[:12]}"


def _statement_events(alert: cfg.Alert, statements: Sequence[Statement], after: Snapshot):
    words = [fold(w) for w in alert.words if w.strip()]
    for s in statements:
        if alert.actors and s.actor not in alert.actors:
            continue
        if words:
            text = fold(s.text)
            if not any(w in text for w in words):
                continue
        actor = after.actors.get(s.actor or "", s.actor or "unknown actor")
        yield (
            _statement_key(s),
            f"{_short(s.speaker)} ({actor}): {_short(s.text)}",
            {"statement": statement_json(s)},
        )


def _source_events(alert: cfg.Alert, before: Snapshot | None, after: Snapshot):
    earlier: dict[str, SourceView] = {v.id: v for v in before.sources} if before else {}
    for view in after.sources:
        failures = view.health.failures
        if failures < alert.rounds:
            continue
        prior = earlier.get(view.id)
        if prior is not None and prior.health.failures >= alert.rounds:
            continue  # already past the threshold: it fired when it crossed
        # the last success names the failure streak: after a recovery the key is new
        since = view.health.last_success.isoformat() if view.health.last_success else "never"
        yield (
            f"source:{view.id}:failing@{since}",
            f"{after.theatre}: source {view.name} failing for {failures} rounds",
            {"source": source_json(view)},
        )


def evaluate(
    alerts: Sequence[cfg.Alert],
    before: Snapshot | None,
    after: Snapshot,
    *,
    new_statements: Sequence[Statement] = (),
    now: datetime,
) -> list[AlertEvent]:
    """The events the alerts' triggers describe between two snapshots (no state, no I/O).

    `before` is None for the first round a process sees: then level and pending changes
    cannot be told and do not fire. Muted alerts (config) give nothing; runtime mutes,
    dedupe and cooldown are `AlertState`'s business.
    """
    events: list[AlertEvent] = []
    for alert in alerts:
        if alert.mute:
            continue
        if alert.on == "level":
            found = _level_events(alert, before, after, now)
        elif alert.on == "pending":
            found = _pending_events(alert, before, after)
        elif alert.on == "statement":
            found = _statement_events(alert, new_statements, after)
        else:
            found = _source_events(alert, before, after)
        for key, title, detail in found:
            detail = {"theatre": after.theatre, **detail}
            events.append(
                AlertEvent(alert.id, alert.on, key, title, detail, time=now, notify=alert.notify)
            )
    return events


def added_statements(before: Snapshot | None, after: Snapshot) -> list[Statement]:
    """Statements in `after` that `before` did not show (none when there is no `before`)."""
    if before is None:
        return []
    seen = {_statement_key(s) for s in before.statements}
    return [s for s in after.statements if _statement_key(s) not in seen]


# --- wiring ----------------------------------------------------------------------------


class AlertEngine:
    """Evaluate, dedupe/rate-limit, persist and dispatch after each round.

    Only the process that writes the store (`collect`, or the TUI when it collects)
    should own an engine: two engines on one state file would each fire.
    Delivery runs in background tasks (`background=True`) so that a slow receiver never
    holds up the round that fired it; `settle()` waits for them (each is bounded).
    """

    def __init__(
        self,
        config: cfg.Config,
        state_path: str | os.PathLike[str],
        client: httpx.AsyncClient,
        *,
        timeout: float = 10.0,
        retry_pause: float = 2.0,
    ):
        self.alerts = {a.id: a for a in config.alerts}
        self.state = AlertState.load(state_path)
        self.dispatcher = AlertDispatcher(client, timeout=timeout, retry_pause=retry_pause)
        self._deliveries: set[asyncio.Task[None]] = set()

    async def after_round(
        self,
        before: Snapshot | None,
        after: Snapshot,
        new_statements: Sequence[Statement] | None = None,
        *,
        now: datetime | None = None,
        background: bool = False,
    ) -> list[AlertEvent]:
        """Fire what changed between two snapshots; returns the events that fired.

        `new_statements` defaults to the statements `after` shows and `before` did not
        (a writer passes every statement its round stored). `now` (the wall clock by
        default) times the events and the cooldowns. With `background`, delivery is
        left running and this returns once the events are recorded. Sink failures are
        logged, never raised.
        """
        if not self.alerts:
            return []
        if new_statements is None:
            new_statements = added_statements(before, after)
        when = now or utc_now()
        events = evaluate(
            list(self.alerts.values()), before, after, new_statements=new_statements, now=when
        )
        fired = await asyncio.to_thread(self._admit, events, when)
        for event in fired:
            log.info("alert %s fired: %s", event.alert, event.key)
        if fired:
            delivery = asyncio.ensure_future(self._deliver(fired))
            if not background:
                await delivery
            else:
                self._deliveries.add(delivery)
                delivery.add_done_callback(self._deliveries.discard)
        return fired

    async def _deliver(self, fired: list[AlertEvent]) -> None:
        results = await asyncio.gather(
            *(self.dispatcher.dispatch(e, self.alerts[e.alert]) for e in fired)
        )
        for event, outcomes in zip(fired, results, strict=True):
            for outcome in outcomes:
                log.info("alert %s: %s", event.alert, outcome)

    @property
    def delivering(self) -> int:
        """How many background deliveries are still running."""
        return len(self._deliveries)

    async def settle(self) -> None:
        """Wait for the background deliveries (each ends within its sinks' deadlines)."""
        if self._deliveries:
            await asyncio.gather(*list(self._deliveries), return_exceptions=True)

    def _admit(self, events: list[AlertEvent], now: datetime) -> list[AlertEvent]:
        with self.state.transaction() as state:
            admitted = (
                state.admit(e, cooldown=self.alerts[e.alert].cooldown, now=now) for e in events
            )
            return [e for e in admitted if e is not None]


__all__ = [
    "MAX_KEYS",
    "REPLY_CAP",
    "AlertDispatcher",
    "AlertEngine",
    "AlertEvent",
    "AlertState",
    "added_statements",
    "evaluate",
    "make_alert_client",
    "state_path_for",
]
