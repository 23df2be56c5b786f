"""The round service: what `flashpoint collect` and the collecting TUI both host.

One `CollectorService` per writing process owns everything around a round, each under
one rule (docs/ARCHITECTURE.md, "A round, from the config to the screen"):

- scheduling: one APScheduler job per source; each tick asks for its source;
- batching: ticks that arrive within `BATCH_DELAY` share one round
  (`Collector.request`); "now" requests (the first round, the TUI's `r`) start a round
  at once over every source not already being fetched; rounds over different sources
  may overlap, a source is never fetched twice at once;
- the aftermath: one snapshot for every round committed before it starts, kept as the
  store's last view (`viewcache`), compared with the previous one by the alert engine,
  and handed to the host as a `RoundDone` (the TUI paints that snapshot: it does not
  read another one);
- failures: a lost store stops the service (`lost`), a failed commit is logged and the
  next tick tries again, any other error is reported in `RoundDone.error`;
- shutdown: the scheduler stops, the write in progress finishes, fetches stop, alert
  deliveries settle (each has a deadline), the HTTP clients and the parse pool close.

Alerts belong to the process that writes the store, so a viewer never builds one.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from dashboard.alerts import AlertEngine, AlertEvent, make_alert_client, state_path_for
from dashboard.clock import utc_now
from dashboard.config import Config
from dashboard.models import RefreshResult, Snapshot
from dashboard.pipeline import Collector
from dashboard.snapshot import build_snapshot
from dashboard.storage.base import StoreError, StoreLost
from dashboard.viewcache import save_view

log = logging.getLogger(__name__)

BATCH_DELAY = 1.0  # seconds a scheduler tick waits for others to share its round

SnapshotBuilder = Callable[..., Snapshot]


@dataclass(frozen=True)
class RoundDone:
    """What the host hears after each round: its results, the snapshot taken after it
    (None when the round stored nothing), the alerts it fired, or why it failed."""

    results: list[RefreshResult] = field(default_factory=list)
    snapshot: Snapshot | None = None
    fired: list[AlertEvent] = field(default_factory=list)
    error: str | None = None


class CollectorService:
    """Rounds, their schedule and their aftermath for one writing process."""

    def __init__(
        self,
        config: Config,
        collector: Collector,
        *,
        clock: Callable[[], datetime] = utc_now,
        on_round: Callable[[RoundDone], object] | None = None,
        keep_view: bool = True,
        snapshot_builder: SnapshotBuilder | None = None,
        batch_delay: float = BATCH_DELAY,
    ):
        self.config = config
        self.collector = collector
        self.clock = clock
        self.on_round = on_round
        self.keep_view = keep_view
        self.batch_delay = batch_delay
        self._build = snapshot_builder or build_snapshot
        self._client = make_alert_client() if config.alerts else None
        self.engine = (
            AlertEngine(config, state_path_for(config.storage.resolved_path()), self._client)
            if self._client is not None
            else None
        )
        self.lost: StoreLost | None = None  # set when another writer took the store
        self.stopped = asyncio.Event()  # set by a lost store (the host then stops)
        self._before: Snapshot | None = None
        self._lock = asyncio.Lock()
        self._next: asyncio.Future[None] | None = None  # the pass waiting to start
        self._unreported: list[RefreshResult] = []  # results the next pass reports
        self._scheduler: Any = None
        self._tasks: set[asyncio.Future[Any]] = set()
        self._closed = False
        if self.engine is not None:
            # statement alerts check every statement a round stored, not only the ones
            # a snapshot shows (the newest `display.statements`)
            collector.stored_statements = []

    # --- what the host calls ----------------------------------------------------------

    @property
    def paused(self) -> bool:
        """True while scheduled rounds are skipped (the TUI's `p`)."""
        return self.collector.paused

    @paused.setter
    def paused(self, value: bool) -> None:
        self.collector.paused = value

    @property
    def fetching(self) -> frozenset[str]:
        """Ids of the sources being fetched now."""
        return self.collector.fetching

    async def start(self, *, scheduler: bool = True) -> None:
        """Measure the baseline for alerts, start the first round and the schedule."""
        await self.prime()
        if self.stopped.is_set() or self._closed:
            return
        self.run_now(None)
        if scheduler:
            from dashboard.scheduling import make_scheduler

            self._scheduler = make_scheduler(self.config, self.tick)
            self._scheduler.start()

    def run_now(self, source_ids: Iterable[str] | None = None) -> asyncio.Future[Any]:
        """Start a round at once over these sources (all when None) not being fetched."""
        ids = None if source_ids is None else list(source_ids)
        task = asyncio.ensure_future(self._guarded(self.round(ids)))
        self._tasks.add(task)
        task.add_done_callback(self._tasks.discard)
        return task

    async def tick(self, source_ids: list[str]) -> list[RefreshResult]:
        """Scheduler callback: ask for these sources; ticks within the delay share a round."""
        if self.collector.paused:
            return []
        return await self._guarded(self(source_ids))

    async def stop(self) -> None:
        """Stop the schedule, let the write in progress finish, close everything."""
        if self._closed:
            return
        self._closed = True
        if self._scheduler is not None:
            self._scheduler.shutdown(wait=False)
        await self.collector.drain()  # the write in progress finishes; fetches stop
        for task in list(self._tasks):
            task.cancel()
        await asyncio.gather(*self._tasks, return_exceptions=True)
        await self.collector.aclose()
        if self.engine is not None:
            await self.engine.settle()
        if self._client is not None:
            await self._client.aclose()

    aclose = stop

    # --- rounds -----------------------------------------------------------------------

    async def prime(self) -> None:
        """Take the snapshot that the first round's changes are measured against."""
        if self.engine is not None and self._before is None:
            self._before = await asyncio.to_thread(self._snapshot)

    async def __call__(self, source_ids: Iterable[str] | None = None) -> list[RefreshResult]:
        """A batched request (a round at once when None), then its aftermath."""
        if source_ids is None:
            return await self.round()
        results = await self.collector.request(list(source_ids), self.batch_delay)
        await self._after(results)
        return results

    async def round(self, source_ids: Iterable[str] | None = None) -> list[RefreshResult]:
        """One round at once over these sources (all when None), then its aftermath."""
        results = await self.collector.run_round(source_ids)
        await self._after(results)
        return results

    async def _guarded(self, work) -> list[RefreshResult]:
        """Run a round so that its failure is a report, never the end of collecting."""
        try:
            return await work
        except asyncio.CancelledError:
            if self._closed:  # shutdown cancels rounds waiting for a batch: not an error
                return []
            raise
        except StoreLost as exc:  # another writer may hold the store now: stop
            self.lost = exc
            self.stopped.set()
            self._report(RoundDone(error=str(exc)))
        except StoreError as exc:  # a full disk may free up: say so, keep collecting
            log.error("round not stored: %s; retrying on the next tick", exc)
            self._report(RoundDone(error=str(exc)))
        except Exception as exc:
            log.exception("a round failed")
            self._report(RoundDone(error=f"{type(exc).__name__}: {exc}"))
        return []

    def _report(self, done: RoundDone) -> None:
        if self.on_round is not None:
            self.on_round(done)

    def _snapshot(self) -> Snapshot:
        return self._build(self.config, self.collector.store, now=self.clock(),
                           fetching=self.collector.fetching)

    async def _after(self, results: list[RefreshResult]) -> None:
        if not results:  # nothing was due (or the batch was paused): nothing changed
            self._report(RoundDone(results))
            return
        self._unreported.extend(results)
        await self._after_commits()

    async def _after_commits(self) -> None:
        """One snapshot, view and alert pass for every round committed before it starts.

        Each scheduler tick waits here for its round's aftermath; with 2,000 sources a
        minute, one snapshot (and view write) per tick in turn held the ticks so long that
        APScheduler skipped 461 fetches in 3 minutes. Callers that arrive while a pass
        waits to start share it; one that arrives while a pass runs gets the next. Each
        pass reports once, with the results of every round it covers.
        """
        if self._next is None:
            self._next = asyncio.ensure_future(self._aftermath())
        await asyncio.shield(self._next)

    def _snapshot_kept(self) -> Snapshot:
        snap = self._snapshot()
        if self.keep_view:
            save_view(self.config.storage.resolved_path(), self.config, snap)
        return snap

    async def _aftermath(self) -> None:
        # rounds may overlap; alerts compare consecutive snapshots, so one at a time
        async with self._lock:
            self._next = None  # rounds committed from now on need the next pass
            results, self._unreported = self._unreported, []
            after, fired = await self._snapshot_and_alerts()
        self._report(RoundDone(results, after, fired))

    async def _snapshot_and_alerts(self) -> tuple[Snapshot | None, list[AlertEvent]]:
        try:
            after = await asyncio.to_thread(self._snapshot_kept)
        except StoreError as exc:  # the store's files went away or broke: say so plainly
            log.error("the snapshot after a round failed: %s", exc)
            return None, []
        except Exception:  # a snapshot bug must never stop collecting
            log.exception("the snapshot after a round failed")
            return None, []
        if self.engine is None:
            return after, []
        try:
            stored = self.collector.stored_statements or []
            self.collector.stored_statements = []
            # delivery runs on: a slow webhook must not hold up the next round
            fired = await self.engine.after_round(self._before, after, stored,
                                                  now=self.clock(), background=True)
        except Exception:  # an alert bug must never stop collecting
            log.exception("the alerts after a round failed")
            return after, []
        self._before = after
        return after, fired
