"""One fetch round: retrieve -> parse -> analyse -> store, one result per source.

`refresh()` handles one source and turns every failure into a `RefreshResult` value, so
one broken feed never stops the others. `Collector.run_round()` refreshes many sources
concurrently and commits everything they learned to the store in one atomic write.
"""

from __future__ import annotations

import asyncio
import logging
import time
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field, replace
from datetime import UTC, datetime, timedelta

import httpx

from dashboard.analysis.analyzer import analyse_items, config_fingerprint
from dashboard.analysis.escalation import score as escalation_score
from dashboard.analysis.text import fold
from dashboard.config import Config, Source
from dashboard.fetching import (
    FetchError,
    NotModified,
    ParseError,
    ParsePool,
    Postponed,
    item_id,
    make_client,
    retrieve,
)
from dashboard.models import Analysis, HistoryPoint, Item, ParsedItem, RefreshResult, SourceHealth
from dashboard.storage import Round, Store

log = logging.getLogger(__name__)


def utc_now() -> datetime:
    """The current time, timezone-aware UTC (the default clock)."""
    return datetime.now(UTC)


@dataclass
class SourceOutcome:
    """What one source's refresh produced, before the round is committed."""

    result: RefreshResult
    health: SourceHealth
    items: list[Item] = field(default_factory=list)
    analyses: dict[str, Analysis] = field(default_factory=dict)


def _keep(item: ParsedItem, keywords: tuple[str, ...]) -> bool:
    if not keywords:
        return True
    haystack = fold(f"{item.title} {item.summary}")
    return any(fold(k) in haystack for k in keywords)


def _to_items(parsed: list[ParsedItem], source: Source, now: datetime) -> list[Item]:
    items: dict[str, Item] = {}
    for p in parsed:
        if not _keep(p, source.keywords):
            continue
        iid = item_id(p, source.id)
        items.setdefault(
            iid,
            Item(
                id=iid,
                source_id=source.id,
                title=p.title,
                summary=p.summary,
                link=p.link,
                published=p.published,
                fetched=now,
                author=p.author,
            ),
        )
    return list(items.values())


async def refresh(
    source: Source,
    *,
    client: httpx.AsyncClient,
    store: Store,
    now: datetime,
    config: Config,
    pool: ParsePool,
    previous: SourceHealth | None = None,
) -> SourceOutcome:
    """Refresh one source: a value for every outcome, never an exception for a source's fault."""
    started = time.monotonic()
    before = previous or SourceHealth(source_id=source.id)
    every = timedelta(seconds=source.every)

    def done(state, *, error=None, until=None, new=0, **health) -> RefreshResult:
        return RefreshResult(
            source_id=source.id,
            state=state,
            new_items=new,
            error=error,
            postponed_until=until,
            elapsed=time.monotonic() - started,
        )

    try:
        got = await retrieve(
            source,
            client=client,
            fetch=config.fetch,
            etag=before.etag,
            last_modified=before.last_modified,
        )
        if isinstance(got, NotModified):
            health = replace(
                before,
                state="not_modified",
                last_attempt=now,
                last_success=now,
                last_error=None,
                failures=0,
                next_run=now + every,
                etag=got.etag or before.etag,
                last_modified=got.last_modified or before.last_modified,
            )
            return SourceOutcome(done("not_modified"), health)
        parsed = await pool.parse(
            got.body,
            kind=source.kind,
            content_type=got.content_type,
            timeout=config.fetch.parse_deadline,
        )
        items = _to_items(parsed, source, now)
        known = store.known_ids(i.id for i in items)
        fresh = [i for i in items if i.id not in known]
        analyses: dict[str, Analysis] = {}
        if fresh:
            analyses = await pool.run(
                analyse_items,
                (config, config_fingerprint(config), fresh, source.credibility),
                timeout=config.fetch.parse_deadline,
            )
        health = replace(
            before,
            state="ok",
            last_attempt=now,
            last_success=now,
            last_error=None,
            failures=0,
            next_run=now + every,
            items=before.items + len(fresh),
            etag=got.etag,
            last_modified=got.last_modified,
        )
        return SourceOutcome(done("ok", new=len(fresh)), health, fresh, analyses)
    except Postponed as p:
        health = replace(
            before,
            state="postponed",
            last_attempt=now,
            last_error=p.message,
            failures=before.failures + 1,
            next_run=p.until,
        )
        return SourceOutcome(done("postponed", error=p.message, until=p.until), health)
    except (FetchError, ParseError) as exc:
        message = str(exc)
    except Exception as exc:  # a bug must not hide the other sources; it is logged in full
        log.exception("unexpected failure refreshing %s", source.id)
        message = f"internal error: {type(exc).__name__}: {exc}"
    health = replace(
        before,
        state="error",
        last_attempt=now,
        last_error=message,
        failures=before.failures + 1,
        next_run=now + every,
    )
    return SourceOutcome(done("error", error=message), health)


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
        pool: ParsePool | None = None,
    ):
        self.config = config
        self.store = store
        self.clock = clock
        self.client = client or make_client(config.fetch)
        self.pool = pool or ParsePool()
        self.paused = False
        self._in_flight: set[str] = set()
        self._commit_lock = asyncio.Lock()
        self._pending: set[str] = set()
        self._source_tasks: set[asyncio.Future[SourceOutcome]] = set()
        self._rounds: set[asyncio.Task] = set()
        self._batch: asyncio.Future[list[RefreshResult]] | None = None

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
        if not sources:
            return []
        health = self.store.health()
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
            async with limit:
                try:
                    return await refresh(
                        source,
                        client=self.client,
                        store=self.store,
                        now=now,
                        config=self.config,
                        pool=self.pool,
                        previous=before,
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
            await self._commit(outcomes, now)
        finally:
            self._in_flight.difference_update(s.id for s in sources)
            self._source_tasks.difference_update(tasks)
            self._rounds.discard(current)
        return [o.result for o in outcomes]

    async def drain(self) -> None:
        """Stop fetching now and let rounds commit what they already have (for shutdown)."""
        self.paused = True
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

    async def _commit(self, outcomes: list[SourceOutcome], now: datetime) -> None:
        if not outcomes:
            return
        items = [i for o in outcomes for i in o.items]
        analyses = {k: v for o in outcomes for k, v in o.analyses.items()}
        async with self._commit_lock:
            point = await asyncio.to_thread(self._history_point, analyses, now)
            round_ = Round(
                finished=self.clock(),
                items=items,
                analyses=analyses,
                health=[o.health for o in outcomes],
                history=point,
            )
            new = await asyncio.to_thread(self.store.commit_round, round_)
        log.info("round stored: %d sources, %d new items", len(outcomes), new)

    def _history_point(self, analyses: dict[str, Analysis], now: datetime) -> HistoryPoint:
        cfg = self.config.escalation
        horizon = now - timedelta(seconds=cfg.half_life * 10)
        hits = self.store.cue_hits(since=horizon)
        hits += [h for a in analyses.values() for h in a.cues]
        value = escalation_score(hits, now, half_life=cfg.half_life, scale=cfg.scale)
        return HistoryPoint(now, value)

    async def aclose(self) -> None:
        """Close the HTTP client and the parse pool."""
        await self.client.aclose()
        self.pool.close()


__all__ = ["Collector", "SourceOutcome", "refresh", "utc_now"]
