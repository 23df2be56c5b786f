"""Rounds with alerts: what `collect` and the collecting TUI run on each scheduler tick.

`RoundRunner` asks the collector for a round, then compares the snapshot before and
after it and lets the alert engine fire what changed. Alerts belong to the process that
writes the store, so a viewer never builds one. With `keep_view`, the snapshot after each
round is also kept as the store's last view (see `viewcache`), so that a dashboard
started on the store paints at once.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Callable, Iterable
from datetime import datetime

from dashboard.alerts import AlertEngine, AlertEvent, make_alert_client, state_path_for
from dashboard.clock import utc_now
from dashboard.config import Config
from dashboard.models import RefreshResult, Snapshot
from dashboard.pipeline import Collector
from dashboard.snapshot import build_snapshot
from dashboard.viewcache import save_view

log = logging.getLogger(__name__)


class RoundRunner:
    """Runs collector rounds and the alerts that follow them; one instance per writer."""

    def __init__(
        self,
        config: Config,
        collector: Collector,
        *,
        clock: Callable[[], datetime] = utc_now,
        on_alerts: Callable[[list[AlertEvent]], object] | None = None,
        keep_view: bool = False,
    ):
        self.config = config
        self.keep_view = keep_view
        self.collector = collector
        self.clock = clock
        self.on_alerts = on_alerts
        self._client = make_alert_client() if config.alerts else None
        self.engine = (
            AlertEngine(config, state_path_for(config.storage.resolved_path()), self._client)
            if self._client is not None
            else None
        )
        self._before: Snapshot | None = None
        self._lock = asyncio.Lock()
        self._next: asyncio.Future[None] | None = None  # the pass waiting to start
        if self.engine is not None:
            # statement alerts check every statement a round stored, not only the ones
            # a snapshot shows (the newest `display.statements`)
            collector.stored_statements = []

    def _snapshot(self) -> Snapshot:
        return build_snapshot(self.config, self.collector.store, now=self.clock())

    async def prime(self) -> None:
        """Take the snapshot that the first round's changes are measured against."""
        if self.engine is not None and self._before is None:
            self._before = await asyncio.to_thread(self._snapshot)

    async def __call__(self, source_ids: Iterable[str] | None = None) -> list[RefreshResult]:
        """Scheduler callback: a round (ticks that arrive together share one), then alerts."""
        if source_ids is None:
            return await self.round()
        results = await self.collector.request(list(source_ids))
        await self._after(results)
        return results

    async def round(self, source_ids: Iterable[str] | None = None) -> list[RefreshResult]:
        """One round at once over these sources (all when None), then alerts."""
        results = await self.collector.run_round(source_ids)
        await self._after(results)
        return results

    async def _after(self, results: list[RefreshResult]) -> None:
        if (self.engine is not None or self.keep_view) and results:
            await self._after_commits()

    async def _after_commits(self) -> None:
        """One snapshot, view and alert pass for every round committed before it starts.

        Each scheduler tick waits here for its round's aftermath; with 2,000 sources a
        minute, one snapshot (and view write) per tick in turn held the ticks so long that
        APScheduler skipped 461 fetches in 3 minutes. Callers that arrive while a pass
        waits to start share it; one that arrives while a pass runs gets the next.
        """
        if self._next is None:
            self._next = asyncio.ensure_future(self._alerts())
        await asyncio.shield(self._next)

    def _snapshot_kept(self) -> Snapshot:
        snap = self._snapshot()
        if self.keep_view:
            save_view(self.config.storage.resolved_path(), self.config, snap)
        return snap

    async def _alerts(self) -> None:
        # rounds may overlap; alerts compare consecutive snapshots, so one at a time
        async with self._lock:
            self._next = None  # rounds committed from now on need the next pass
            try:
                after = await asyncio.to_thread(self._snapshot_kept)
                if self.engine is None:
                    return
                stored = self.collector.stored_statements or []
                self.collector.stored_statements = []
                # delivery runs on: a slow webhook must not hold up the next round
                fired = await self.engine.after_round(self._before, after, stored,
                                                      now=self.clock(), background=True)
                self._before = after
            except Exception:  # an alert bug must never stop collecting
                log.exception("the snapshot or the alerts after a round failed")
                return
        if fired and self.on_alerts is not None:
            self.on_alerts(fired)

    async def aclose(self) -> None:
        """Let running alert deliveries finish (each has a deadline), then close the client."""
        if self.engine is not None:
            await self.engine.settle()
        if self._client is not None:
            await self._client.aclose()
