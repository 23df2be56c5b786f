"""Alert state: what already fired (dedupe), when each alert last fired (cooldown) and
which alerts are muted at runtime; a small JSON file next to the store, written
atomically and changed under a lock file.
"""

from __future__ import annotations

import contextlib
import logging
import os
from collections.abc import Iterator
from dataclasses import replace
from datetime import datetime, timedelta
from pathlib import Path
from typing import TYPE_CHECKING

import orjson
from filelock import FileLock

from dashboard.storage.atomic import atomic_write_bytes
from dashboard.storage.modes import file_mode, make_directory
from dashboard.storage.paths import alert_state_path

if TYPE_CHECKING:
    from dashboard.alerts import AlertEvent

log = logging.getLogger(__name__)

MAX_KEYS = 1000
"""How many fired keys `AlertState` remembers (oldest forgotten first)."""


def state_path_for(db_path: str | os.PathLike[str]) -> Path:
    """Where the alert state lives: next to the store (`flashpoint.json` ->
    `flashpoint.json.alerts.json`, keyed by the full name, see `dashboard.storage.paths`)."""
    return alert_state_path(Path(db_path))


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
        make_directory(self.path.parent)
        with FileLock(self.path.with_name(self.path.name + ".lock"), timeout=30,
                      mode=file_mode()):
            self._replace_with(AlertState.load(self.path, max_keys=self.max_keys))
            yield self
            self.save()

    def save(self) -> None:
        """Write the state atomically (the store's own atomic write; StoreError on failure,
        the previous state file intact)."""
        data = {
            "fired": list(self.fired),
            "last_fired": {k: v.isoformat() for k, v in self.last_fired.items()},
            "suppressed": self.suppressed,
            "muted": sorted(self.muted),
        }
        make_directory(self.path.parent)
        atomic_write_bytes(self.path, orjson.dumps(data, option=orjson.OPT_INDENT_2))

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
        if last is not None and last > now:
            # the clock went back (a restart under a slower clock): a fire "in the future"
            # says nothing about how long ago it was, so it must not hold the alert back
            log.warning("alert %s last fired at %s, after now (%s): the clock went back; "
                        "its cooldown starts again from now", event.alert, last.isoformat(),
                        now.isoformat())
            last = None
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


__all__ = ["MAX_KEYS", "AlertState", "state_path_for"]
