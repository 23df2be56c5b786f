"""Alerts for service mode: tell the team when things move.

Three parts, kept apart so each can be tested alone:

- `evaluate()` is pure: config alerts + the snapshot before and after a round -> the
  `AlertEvent`s their triggers describe (level change, new pending recognition change,
  watched statement, source failing N rounds in a row).
- `AlertState` remembers what already fired (dedupe), when each alert last fired
  (cooldown) and which alerts are muted at runtime; a small JSON file next to the store,
  written atomically.
- `AlertDispatcher` delivers one event to its sinks: a command (argv, never a shell, the
  event as JSON on stdin) and a webhook (JSON POST). Failures become log lines, never
  exceptions. The `notify` sink is the TUI's: the caller shows events with `notify=True`.

`AlertEngine.after_round()` wires the three together for `collect` and the TUI.

Semantics: at most once. A fired key is recorded before its sinks run, so a crash during
delivery loses that alert rather than sending it twice after a restart.
"""

from __future__ import annotations

import asyncio
import contextlib
import hashlib
import logging
import os
import signal
import tempfile
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field, replace
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any, Literal

import httpx
import orjson
from filelock import FileLock

from dashboard import config as cfg
from dashboard.analysis.text import fold
from dashboard.models import LEVELS, RecognitionEvent, Snapshot, SourceView, Statement
from dashboard.report import escalation_json, source_json, statement_json
from dashboard.textclean import strip_controls

log = logging.getLogger(__name__)

Trigger = Literal["level", "pending", "statement", "source_failing"]

MAX_KEYS = 1000
"""How many fired keys `AlertState` remembers (oldest forgotten first)."""

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
    if before is None:  # no baseline: a level is not a change
        return
    old, new = before.escalation.level, after.escalation.level
    if old == new or max(LEVELS.index(old), LEVELS.index(new)) < LEVELS.index(alert.min_level):
        return
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


# --- state: dedupe, cooldown, mutes ----------------------------------------------------


def state_path_for(db_path: str | os.PathLike[str]) -> Path:
    """Where the alert state lives: next to the store (`flashpoint.json` ->
    `flashpoint.alerts.json`)."""
    db = Path(db_path)
    return db.with_name(f"{db.stem}.alerts.json")


def _write_atomically(path: Path, data: bytes) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=path.parent)
    try:
        with os.fdopen(fd, "wb") as fh:
            fh.write(data)
            fh.flush()
            os.fsync(fh.fileno())
        os.replace(tmp, path)
    except BaseException:
        with contextlib.suppress(OSError):
            os.unlink(tmp)
        raise


class AlertState:
    """Fired keys, last fire time per alert, suppressed counts and runtime mutes.

    Persisted as a small JSON file (`save()` writes it atomically). A missing or unreadable
    file starts an empty state (logged): losing it risks a repeated alert, not a crash.
    `mute`/`unmute` and `transaction()` reload and save under a lock file, so a viewer
    muting an alert does not race the collector that fires them.
    """

    def __init__(self, path: str | os.PathLike[str], *, max_keys: int = MAX_KEYS):
        self.path = Path(path)
        self.max_keys = max_keys
        self.fired: dict[str, None] = {}  # insertion-ordered set of keys
        self.last_fired: dict[str, datetime] = {}
        self.suppressed: dict[str, int] = {}
        self.muted: set[str] = set()

    @classmethod
    def load(cls, path: str | os.PathLike[str], *, max_keys: int = MAX_KEYS) -> AlertState:
        """The state saved at `path`, or an empty one."""
        state = cls(path, max_keys=max_keys)
        try:
            raw = orjson.loads(state.path.read_bytes())
            state.fired = dict.fromkeys(str(k) for k in raw.get("fired", []))
            state.last_fired = {
                str(k): datetime.fromisoformat(v) for k, v in raw.get("last_fired", {}).items()
            }
            state.suppressed = {str(k): int(v) for k, v in raw.get("suppressed", {}).items()}
            state.muted = {str(m) for m in raw.get("muted", [])}
        except FileNotFoundError:
            pass
        except (OSError, ValueError, TypeError, AttributeError) as exc:
            log.warning("alert state %s unreadable, starting empty: %s", state.path, exc)
            state = cls(path, max_keys=max_keys)
        state._trim()
        return state

    def _replace_with(self, other: AlertState) -> None:
        self.fired, self.last_fired = other.fired, other.last_fired
        self.suppressed, self.muted = other.suppressed, other.muted

    @contextlib.contextmanager
    def transaction(self) -> Iterator[AlertState]:
        """Lock the file, reload it, yield self and save on success (blocking: use a thread)."""
        self.path.parent.mkdir(parents=True, exist_ok=True)
        with FileLock(self.path.with_name(self.path.name + ".lock"), timeout=30):
            self._replace_with(AlertState.load(self.path, max_keys=self.max_keys))
            yield self
            self.save()

    def save(self) -> None:
        """Write the state atomically (temp file, fsync, os.replace)."""
        data = {
            "fired": list(self.fired),
            "last_fired": {k: v.isoformat() for k, v in self.last_fired.items()},
            "suppressed": self.suppressed,
            "muted": sorted(self.muted),
        }
        _write_atomically(self.path, orjson.dumps(data, option=orjson.OPT_INDENT_2))

    def _trim(self) -> None:
        while len(self.fired) > self.max_keys:
            del self.fired[next(iter(self.fired))]

    def mute(self, alert_id: str) -> None:
        """Mute an alert until `unmute` (persisted)."""
        with self.transaction():
            self.muted.add(alert_id)

    def unmute(self, alert_id: str) -> None:
        """Let a muted alert fire again (persisted)."""
        with self.transaction():
            self.muted.discard(alert_id)

    def is_muted(self, alert_id: str) -> bool:
        """True when the alert was muted at runtime."""
        return alert_id in self.muted

    def admit(self, event: AlertEvent, *, cooldown: float, now: datetime) -> AlertEvent | None:
        """The event to fire, or None when it is muted, already fired or inside the cooldown.

        An admitted event is recorded as fired; one dropped by the cooldown is counted and
        the count rides along in the next admitted event's `detail["suppressed"]`.
        """
        if event.alert in self.muted or event.key in self.fired:
            return None
        last = self.last_fired.get(event.alert)
        if last is not None and now - last < timedelta(seconds=cooldown):
            self.suppressed[event.alert] = self.suppressed.get(event.alert, 0) + 1
            log.info("alert %s suppressed by cooldown: %s", event.alert, event.key)
            return None
        skipped = self.suppressed.pop(event.alert, 0)
        if skipped:
            event = replace(event, detail={**event.detail, "suppressed": skipped})
        self.fired[event.key] = None
        self._trim()
        self.last_fired[event.alert] = now
        return event


# --- sinks -----------------------------------------------------------------------------


def make_alert_client(*, retries: int = 2) -> httpx.AsyncClient:
    """An AsyncClient for webhooks: connection failures retried by httpcore (`retries`),
    no redirects followed, nothing taken from the environment."""
    transport = httpx.AsyncHTTPTransport(retries=retries, trust_env=False)
    return httpx.AsyncClient(
        transport=transport,
        trust_env=False,
        follow_redirects=False,
        headers={"User-Agent": "flashpoint-alerts"},
    )


def _kill_group(proc: asyncio.subprocess.Process) -> None:
    # the command runs in its own session, so its children die with it
    try:
        os.killpg(proc.pid, signal.SIGKILL)
    except (ProcessLookupError, PermissionError, AttributeError):
        with contextlib.suppress(ProcessLookupError):
            proc.kill()


class AlertDispatcher:
    """Delivers events to an alert's command and webhook; outcomes are strings, never raised.

    `timeout` bounds the command's whole run and each webhook attempt; `retry_pause` is
    the wait before the one extra attempt after a 5xx.
    """

    def __init__(self, client: httpx.AsyncClient, *, timeout: float = 10.0,
                 retry_pause: float = 2.0):
        self.client = client
        self.timeout = timeout
        self.retry_pause = retry_pause

    async def dispatch(self, event: AlertEvent, alert: cfg.Alert) -> list[str]:
        """Run the alert's sinks for this event concurrently; one outcome line per sink."""
        payload = event.to_bytes()
        jobs = []
        if alert.command:
            jobs.append(self._run_command(alert.command, payload))
        if alert.webhook is not None:
            jobs.append(self._post(str(alert.webhook), payload))
        outcomes = list(await asyncio.gather(*jobs))
        if alert.notify:
            outcomes.append("notify: for the TUI")
        return outcomes

    async def _run_command(self, argv: Sequence[str], payload: bytes) -> str:
        name = Path(argv[0]).name
        try:
            # argv as configured, never a shell; the event only travels on stdin
            proc = await asyncio.create_subprocess_exec(
                *argv,
                stdin=asyncio.subprocess.PIPE,
                stdout=asyncio.subprocess.DEVNULL,
                stderr=asyncio.subprocess.PIPE,
                start_new_session=True,
            )
        except OSError as exc:
            return f"command {name}: cannot start: {exc}"
        try:
            _, err = await asyncio.wait_for(proc.communicate(payload), self.timeout)
        except TimeoutError:
            _kill_group(proc)
            await proc.wait()
            return f"command {name}: killed after {self.timeout:g} s"
        except (BrokenPipeError, ConnectionResetError):
            # it exited without reading stdin; its exit status still tells
            await proc.wait()
            err = b""
        if proc.returncode != 0:
            tail = strip_controls((err or b"").decode(errors="replace"))[-200:]
            return f"command {name}: exit {proc.returncode}" + (f": {tail}" if tail else "")
        return f"command {name}: ok"

    async def _post_once(self, url: str, payload: bytes) -> httpx.Response:
        return await self.client.post(
            url,
            content=payload,
            headers={"Content-Type": "application/json"},
            timeout=self.timeout,
        )

    async def _post(self, url: str, payload: bytes) -> str:
        host = httpx.URL(url).host
        try:
            response = await self._post_once(url, payload)
            if response.is_server_error:
                # httpx retries only connection failures. A 5xx is often a receiver
                # restarting; one more attempt after a short pause is bounded (at most two
                # posts, a few seconds) and the receiver must accept a duplicate anyway.
                await asyncio.sleep(self.retry_pause)
                response = await self._post_once(url, payload)
        except httpx.HTTPError as exc:
            return f"webhook {host}: failed: {type(exc).__name__}: {exc}"
        if response.is_success:
            return f"webhook {host}: {response.status_code}"
        return f"webhook {host}: failed: HTTP {response.status_code}"


# --- wiring ----------------------------------------------------------------------------


class AlertEngine:
    """Evaluate, dedupe/rate-limit, persist and dispatch after each round.

    Only the process that writes the store (`collect`, or the TUI when it collects)
    should own an engine: two engines on one state file would each fire.
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

    async def after_round(
        self,
        before: Snapshot | None,
        after: Snapshot,
        new_statements: Sequence[Statement] | None = None,
        *,
        now: datetime | None = None,
    ) -> list[AlertEvent]:
        """Fire what changed between two snapshots; returns the events that fired.

        `new_statements` defaults to the statements `after` shows and `before` did not.
        `now` (the wall clock by default) times the events and the cooldowns. Sink
        failures are logged, never raised.
        """
        if not self.alerts:
            return []
        if new_statements is None:
            new_statements = added_statements(before, after)
        when = now or datetime.now(UTC)
        events = evaluate(
            list(self.alerts.values()), before, after, new_statements=new_statements, now=when
        )
        fired = await asyncio.to_thread(self._admit, events, when)
        for event in fired:
            log.info("alert %s fired: %s", event.alert, event.key)
        results = await asyncio.gather(
            *(self.dispatcher.dispatch(e, self.alerts[e.alert]) for e in fired)
        )
        for event, outcomes in zip(fired, results, strict=True):
            for outcome in outcomes:
                log.info("alert %s: %s", event.alert, outcome)
        return fired

    def _admit(self, events: list[AlertEvent], now: datetime) -> list[AlertEvent]:
        with self.state.transaction() as state:
            admitted = (
                state.admit(e, cooldown=self.alerts[e.alert].cooldown, now=now) for e in events
            )
            return [e for e in admitted if e is not None]


__all__ = [
    "AlertDispatcher",
    "AlertEngine",
    "AlertEvent",
    "AlertState",
    "added_statements",
    "evaluate",
    "make_alert_client",
    "state_path_for",
]
