"""Rounds: many sources refreshed concurrently, one commit to the store per round.

`Collector.run_round()` refreshes the due sources (`refreshing.py`) and commits everything
they learned in one atomic write; `Collector.request()` batches scheduler ticks that
arrive together into one round.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Callable, Iterable
from datetime import datetime, timedelta

import httpx

from dashboard.analysis.escalation import CueWeights, score_weighed, weigh
from dashboard.claims import claim_items
from dashboard.clock import utc_now
from dashboard.config import Config, Source
from dashboard.fetching import make_client
from dashboard.fetching.client import import_connection_backend
from dashboard.fetching.pages import PageFetcher
from dashboard.memory import release_free_memory
from dashboard.models import (
    Analysis,
    HistoryPoint,
    RefreshResult,
    Statement,
)
from dashboard.pipeline.pool import WorkerPool
from dashboard.pipeline.refreshing import SourceOutcome, refresh
from dashboard.pipeline.workers import AnalysisSetup, prepare_worker
from dashboard.storage import Round, Store

log = logging.getLogger(__name__)


def _consume(future: asyncio.Future) -> None:
    if not future.cancelled():
        future.exception()  # retrieved, so an unawaited failure is not logged as lost


class Collector:
    """Runs fetch rounds for a config against a store; owns the HTTP client and parse pool.

    Rounds may overlap (a scheduler tick for one source need not wait for a slow round of
    others), but a source is never fetched by two rounds at once, and commits are
    serialised.
    """

    def __init__(
        self,
        config: Config,
        store: Store,
        *,
        clock: Callable[[], datetime] = utc_now,
        client: httpx.AsyncClient | None = None,
        pool: WorkerPool | None = None,
    ):
        self.config = config
        self.store = store
        self.clock = clock
        self.client = client or make_client(config.fetch)
        self.setup = AnalysisSetup.of(config)
        # workers start on the first body (a round of 304s never starts them) and
        # compile the analysis while the other sources are still downloading
        self.pool = pool or WorkerPool(initializer=prepare_worker, initargs=(self.setup,))
        # article pages: their own client and pool, made only when a source reads pages
        self.pages: PageFetcher | None = (
            PageFetcher(config.fetch, config.pages)
            if any(s.fulltext_mode != "never" for s in config.sources) else None
        )
        self.paused = False
        self.draining = False  # set by drain(): no round starts fetching any more
        self._in_flight: set[str] = set()
        self._commit_lock = asyncio.Lock()
        self._pending: set[str] = set()
        self._source_tasks: set[asyncio.Future[SourceOutcome]] = set()
        self._rounds: set[asyncio.Task] = set()
        self._batch: asyncio.Future[list[RefreshResult]] | None = None
        self._commits = 0  # rounds committed by this collector
        self.stored = 0  # items its commits added to the store (each stored copy once)
        # when a list (the alert runner sets one), each commit adds the statements of
        # its new items; whoever set it takes them out
        self.stored_statements: list[Statement] | None = None

    @property
    def fetching(self) -> frozenset[str]:
        """Ids of the sources being fetched now."""
        return frozenset(self._in_flight)

    def due(self, source_ids: Iterable[str] | None = None) -> list[Source]:
        """Enabled sources (optionally only these ids) that are not already being fetched."""
        wanted = None if source_ids is None else set(source_ids)
        return [
            s
            for s in self.config.sources
            if s.enabled
            and (wanted is None or s.id in wanted)
            and s.id not in self._in_flight
        ]

    async def run_round(self, source_ids: Iterable[str] | None = None) -> list[RefreshResult]:
        """Refresh sources concurrently and commit what they learned in one write.

        A postponed source (429/503 with Retry-After) is skipped until its time comes.
        """
        now = self.clock()
        sources = self.due(source_ids)
        if not sources or self.draining:
            return []
        health, _ = await asyncio.gather(  # the imports of the first fetch off the loop
            asyncio.to_thread(self.store.health), asyncio.to_thread(import_connection_backend))
        if self.draining:  # a stop came before this round had fetches to stop
            return []
        # read the stored cue hits the history point needs while the sources download
        stored_hits = asyncio.ensure_future(asyncio.to_thread(self._stored_hits, now))
        stored_hits.add_done_callback(_consume)  # a round that ends early never awaits it
        limit = asyncio.Semaphore(self.config.fetch.concurrency)
        self._in_flight.update(s.id for s in sources)

        async def one(source: Source) -> SourceOutcome:
            before = health.get(source.id)
            if (
                before is not None
                and before.state == "postponed"
                and before.next_run is not None
                and before.next_run > now
            ):
                result = RefreshResult(
                    source.id, "postponed", error=before.last_error, postponed_until=before.next_run
                )
                return SourceOutcome(result, before)
            try:
                return await refresh(
                    source,
                    client=self.client,
                    store=self.store,
                    now=now,
                    config=self.config,
                    pool=self.pool,
                    previous=before,
                    setup=self.setup,
                    network=limit,  # downloads go on while earlier bodies are parsed
                    pages=self.pages,
                )
            finally:
                self._in_flight.discard(source.id)

        tasks = [asyncio.ensure_future(one(s)) for s in sources]
        self._source_tasks.update(tasks)
        current = asyncio.current_task()
        if current is not None:
            self._rounds.add(current)
        try:
            # a source cancelled by drain() is left out: its health stays as it was
            gathered = await asyncio.gather(*tasks, return_exceptions=True)
            outcomes = [o for o in gathered if isinstance(o, SourceOutcome)]
            for failure in gathered:
                if isinstance(failure, Exception):
                    log.error("source task failed: %r", failure)
            await self._commit(outcomes, now, stored_hits)
        finally:
            self._in_flight.difference_update(s.id for s in sources)
            self._source_tasks.difference_update(tasks)
            self._rounds.discard(current)
        return [o.result for o in outcomes]

    async def drain(self) -> None:
        """Stop fetching now and let rounds commit what they already have (for shutdown);
        a round that has not started its fetches yet starts none."""
        self.paused = True
        self.draining = True
        for task in list(self._source_tasks):
            task.cancel()
        if self._rounds:
            await asyncio.gather(*list(self._rounds), return_exceptions=True)

    async def request(self, source_ids: Iterable[str], delay: float = 1.0) -> list[RefreshResult]:
        """Ask for these sources to be refreshed; requests within `delay` share one round.

        Scheduler ticks of sources with the same interval arrive together; batching them
        makes one store write instead of one per source.
        """
        self._pending.update(source_ids)
        if self._batch is None:
            self._batch = asyncio.ensure_future(self._run_batch(delay))
        batch = self._batch
        results = await asyncio.shield(batch)
        wanted = set(source_ids)
        return [r for r in results if r.source_id in wanted]

    async def _run_batch(self, delay: float) -> list[RefreshResult]:
        await asyncio.sleep(delay)
        ids, self._pending, self._batch = self._pending, set(), None
        if self.paused:
            return []
        return await self.run_round(ids)

    async def _commit(
        self,
        outcomes: list[SourceOutcome],
        now: datetime,
        stored_hits: asyncio.Future[tuple[int, CueWeights]],
    ) -> None:
        if not outcomes:
            return
        async with self._commit_lock:
            # one stored copy per item id: the first source to bring it keeps it (a round
            # without items does not ask: a deferred store would read its segments)
            ids = [i.id for o in outcomes for i in o.items]
            known = await asyncio.to_thread(self.store.known_ids, ids) if ids else set()
            claim_items(outcomes, known)
            items = [i for o in outcomes for i in o.items]
            updated = [i for o in outcomes for i in o.updated]
            analyses = {k: v for o in outcomes for k, v in o.analyses.items()}
            seen, hits = await stored_hits
            if seen != self._commits:  # another round committed since they were read
                seen, hits = await asyncio.to_thread(self._stored_hits, now)
            point = await asyncio.to_thread(self._history_point, hits, analyses, now)
            round_ = Round(
                finished=self.clock(),
                items=items,
                updated=updated,
                analyses=analyses,
                health=[o.health for o in outcomes],
                history=point,
            )
            new = await asyncio.to_thread(self._store_round, round_)
            self._commits += 1
            self.stored += new
            if self.stored_statements is not None:
                self.stored_statements.extend(
                    s for a in analyses.values() for s in a.statements)
        log.info("round stored: %d sources, %d new items", len(outcomes), new)

    def _store_round(self, round_: Round) -> int:
        """Commit a round (in a worker thread), then return what it freed to the system."""
        try:
            return self.store.commit_round(round_)
        finally:
            release_free_memory()

    def _stored_hits(self, now: datetime) -> tuple[int, CueWeights]:
        """The stored cue hits within the escalation horizon (their times and weights),
        and the commit count before reading them (which tells the round whether a commit
        may have come in between)."""
        seen = self._commits
        horizon = now - timedelta(seconds=self.config.escalation.horizon)
        return seen, self.store.cue_weights(since=horizon)

    def _history_point(
        self, stored: CueWeights, analyses: dict[str, Analysis], now: datetime
    ) -> HistoryPoint:
        cfg = self.config.escalation
        new = weigh(h for a in analyses.values() for h in a.cues)
        value = score_weighed([stored, new], now, half_life=cfg.half_life, scale=cfg.scale)
        return HistoryPoint(now, value)

    async def aclose(self) -> None:
        """Close the HTTP client and the parse pool."""
        await self.client.aclose()
        if self.pages is not None:
            await self.pages.aclose()
        self.pool.close()


