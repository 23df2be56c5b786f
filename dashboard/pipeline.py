"""One fetch round: retrieve -> parse -> analyse -> store, one result per source.

`refresh()` handles one source and turns every failure into a `RefreshResult` value, so
one broken feed never stops the others. `Collector.run_round()` refreshes many sources
concurrently and commits everything they learned to the store in one atomic write.

The CPU work runs in the pool's worker processes (functions below `# --- in the
workers`): parsing and item ids always, and the analysis in the same task when nothing
is stored from the source yet (every item is then new), so a first round makes one
round trip per feed. Later rounds filter known ids first and analyse only new items.
The config reaches the workers pickled once per Collector, not once per task.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import pickle
import time
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field, replace
from datetime import datetime, timedelta

import httpx

from dashboard.analysis.escalation import score as escalation_score
from dashboard.analysis.text import fold
from dashboard.claims import claim_items
from dashboard.clock import utc_now
from dashboard.config import Config, Source, config_digest
from dashboard.fetching import (
    FetchError,
    NotModified,
    ParseError,
    ParsePool,
    Postponed,
    item_id,
    make_client,
    parse_feed,
    retrieve,
)
from dashboard.fetching.pages import PageFetcher
from dashboard.fulltext import want_pages, with_pages
from dashboard.memory import release_free_memory
from dashboard.models import (
    Analysis,
    CueHit,
    HistoryPoint,
    Item,
    ParsedItem,
    RefreshResult,
    SourceHealth,
    Statement,
)
from dashboard.storage import Round, Store

log = logging.getLogger(__name__)


@dataclass
class SourceOutcome:
    """What one source's refresh produced, before the round is committed."""

    result: RefreshResult
    health: SourceHealth
    items: list[Item] = field(default_factory=list)
    analyses: dict[str, Analysis] = field(default_factory=dict)
    updated: list[Item] = field(default_factory=list)  # stored items whose page was read


def _keep(item: ParsedItem, keywords: tuple[str, ...]) -> bool:
    if not keywords:
        return True
    haystack = fold(f"{item.title} {item.summary}")
    return any(fold(k) in haystack for k in keywords)


def _to_items(
    parsed: list[ParsedItem], source_id: str, keywords: tuple[str, ...], now: datetime
) -> tuple[list[Item], int]:
    """The feed's items with ids, and how many repeated an earlier item's id with other
    content (the feed's first is kept: it is where the feed lists the item)."""
    items: dict[str, Item] = {}
    repeated = 0
    for p in parsed:
        if not _keep(p, keywords):
            continue
        iid = item_id(p, source_id)
        kept = items.get(iid)
        if kept is not None:
            repeated += (kept.title, kept.summary, kept.link) != (p.title, p.summary, p.link)
            continue
        items.setdefault(
            iid,
            Item(
                id=iid,
                source_id=source_id,
                title=p.title,
                summary=p.summary,
                link=p.link,
                published=p.published,
                fetched=now,
                author=p.author,
            ),
        )
    return list(items.values()), repeated


# --- in the workers (module-level, so the pool can pickle references to them) ----------


@dataclass(frozen=True)
class AnalysisSetup:
    """What a worker needs to analyse: the config, pickled once, and its digest naming it."""

    fingerprint: str
    config_blob: bytes

    @classmethod
    def of(cls, config: Config) -> AnalysisSetup:
        """The setup for `config` (the fetching process never imports the analysis)."""
        return cls(config_digest(config), pickle.dumps(config))


_WORKER_CONFIG: dict[str, Config] = {}


def _worker_config(setup: AnalysisSetup) -> Config:
    # one config per worker process, unpickled on its first task (or in prepare_worker)
    config = _WORKER_CONFIG.get(setup.fingerprint)
    if config is None:
        _WORKER_CONFIG.clear()
        config = _WORKER_CONFIG[setup.fingerprint] = pickle.loads(setup.config_blob)
    return config


worker_config = _worker_config  # for the other worker entry points (fulltext.py)


def prepare_worker(setup: AnalysisSetup) -> None:
    """Pool initializer: load the parser and compile the analysis before the first task."""
    from dashboard.analysis.analyzer import analyzer_for

    try:
        parse_feed(b"<rss version='2.0'><channel><item><title>warm</title></item></channel>"
                   b"</rss>", kind="rss")  # imports the feed parser's own modules too
        analyzer_for(_worker_config(setup), setup.fingerprint)
    except Exception:  # a failing initializer would make pebble drop every worker;
        log.debug("worker warm-up failed", exc_info=True)  # the first task reports it


def analyse_in_worker(
    setup: AnalysisSetup, items: list[Item], credibility: float
) -> dict[str, Analysis]:
    """Analyse items with the setup's config: item id -> analysis."""
    from dashboard.analysis.analyzer import analyse_items

    return analyse_items(_worker_config(setup), setup.fingerprint, items, credibility)


def items_in_worker(
    body: bytes,
    kind: str,
    content_type: str,
    source_id: str,
    keywords: tuple[str, ...],
    now: datetime,
    setup: AnalysisSetup | None,
    credibility: float,
) -> tuple[list[Item], dict[str, Analysis] | None, tuple[int, int]]:
    """Parse a body into items with ids; with a setup, analyse every item too. The last
    value counts the items dropped for repeating an earlier one's id (see `_to_items`)
    and those the feed lists beyond the parser's MAX_ITEMS."""
    parsed = parse_feed(body, kind=kind, content_type=content_type)
    items, repeated = _to_items(parsed, source_id, keywords, now)
    analyses = analyse_in_worker(setup, items, credibility) if setup else None
    return items, analyses, (repeated, parsed.truncated)


# --- in the fetching process ------------------------------------------------------------


async def refresh(
    source: Source,
    *,
    client: httpx.AsyncClient,
    store: Store,
    now: datetime,
    config: Config,
    pool: ParsePool,
    previous: SourceHealth | None = None,
    setup: AnalysisSetup | None = None,
    network: asyncio.Semaphore | None = None,
    pages: PageFetcher | None = None,
) -> SourceOutcome:
    """Refresh one source: a value for every outcome, never an exception for a source's fault.

    `setup` (the config prepared for the workers) is made from `config` when not given;
    `network`, when given, bounds the HTTP exchange only, not the parsing after it.
    With `pages`, a source with `fulltext` then reads its items' article pages (after
    its feed, outside `network`; see fulltext.py).
    """
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
        async with network or contextlib.nullcontext():
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
            outcome = SourceOutcome(done("not_modified"), health)
            if pages is not None and source.fulltext_mode != "never":  # pages left pending
                await with_pages(outcome, source, store=store, fetcher=pages, pool=pool,
                                 setup=setup or AnalysisSetup.of(config), config=config)
            return outcome
        setup = setup or AnalysisSetup.of(config)
        deadline = config.fetch.parse_deadline
        # nothing stored from this source yet: every item is new, analyse in the same task
        at_once = before.items == 0
        items, analyses, dropped = await pool.run(
            items_in_worker,
            (got.body, source.kind, got.content_type, source.id, source.keywords, now,
             setup if at_once else None, source.credibility),
            timeout=deadline * 2 if at_once else deadline,
            what="parsing",
        )
        # the store's lock may be held by a commit or a snapshot read: wait off the loop
        known = await asyncio.to_thread(store.known_ids, [i.id for i in items])
        fresh = want_pages(source, [i for i in items if i.id not in known], config.pages)
        if analyses is not None:
            analyses = {i.id: analyses[i.id] for i in fresh}
        elif fresh:
            analyses = await pool.run(
                analyse_in_worker, (setup, fresh, source.credibility),
                timeout=deadline, what="analysis",
            )
        else:
            analyses = {}
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
        repeated, truncated = dropped
        if repeated:
            log.info("%s: %d items repeat an earlier item's id with other content; the "
                     "feed's first is kept", source.id, repeated)
        if truncated:
            log.warning("%s: truncated: the feed lists %d items more than the parser reads "
                        "(its first are kept)", source.id, truncated)
        result = replace(done("ok", new=len(fresh)), repeated=repeated, truncated=truncated)
        outcome = SourceOutcome(result, health, fresh, analyses)
        if pages is not None and source.fulltext_mode != "never":
            await with_pages(outcome, source, store=store, fetcher=pages, pool=pool,
                             setup=setup, config=config)
        return outcome
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
        pool: ParsePool | None = None,
    ):
        self.config = config
        self.store = store
        self.clock = clock
        self.client = client or make_client(config.fetch)
        self.setup = AnalysisSetup.of(config)
        # workers start on the first body (a round of 304s never starts them) and
        # compile the analysis while the other sources are still downloading
        self.pool = pool or ParsePool(initializer=prepare_worker, initargs=(self.setup,))
        # article pages: their own client and pool, made only when a source reads pages
        self.pages: PageFetcher | None = (
            PageFetcher(config.fetch, config.pages)
            if any(s.fulltext_mode != "never" for s in config.sources) else None
        )
        self.paused = False
        self._in_flight: set[str] = set()
        self._commit_lock = asyncio.Lock()
        self._pending: set[str] = set()
        self._source_tasks: set[asyncio.Future[SourceOutcome]] = set()
        self._rounds: set[asyncio.Task] = set()
        self._batch: asyncio.Future[list[RefreshResult]] | None = None
        self._commits = 0  # rounds committed by this collector
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
        if not sources:
            return []
        health = await asyncio.to_thread(self.store.health)
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

    async def _commit(
        self,
        outcomes: list[SourceOutcome],
        now: datetime,
        stored_hits: asyncio.Future[tuple[int, list[CueHit]]],
    ) -> None:
        if not outcomes:
            return
        async with self._commit_lock:
            # one stored copy per item id: the first source to bring it keeps it
            known = await asyncio.to_thread(
                self.store.known_ids, [i.id for o in outcomes for i in o.items])
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

    def _stored_hits(self, now: datetime) -> tuple[int, list[CueHit]]:
        """The stored cue hits within the escalation horizon, and the commit count before
        reading them (which tells the round whether a commit may have come in between)."""
        seen = self._commits
        horizon = now - timedelta(seconds=self.config.escalation.horizon)
        return seen, self.store.cue_hits(since=horizon)

    def _history_point(
        self, stored: list[CueHit], analyses: dict[str, Analysis], now: datetime
    ) -> HistoryPoint:
        cfg = self.config.escalation
        hits = stored + [h for a in analyses.values() for h in a.cues]
        value = escalation_score(hits, now, half_life=cfg.half_life, scale=cfg.scale)
        return HistoryPoint(now, value)

    async def aclose(self) -> None:
        """Close the HTTP client and the parse pool."""
        await self.client.aclose()
        if self.pages is not None:
            await self.pages.aclose()
        self.pool.close()


__all__ = ["AnalysisSetup", "Collector", "SourceOutcome", "refresh"]
