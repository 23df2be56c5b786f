"""One source's refresh: retrieve -> parse -> analyse, every failure a value.

`refresh()` handles one source and turns every failure into a `SourceOutcome` holding a
`RefreshResult`, so one broken feed never stops the others. Parsing and item ids always
run in a worker, and the analysis in the same task when nothing is stored from the
source yet (every item is then new), so a first round makes one round trip per feed.
Later rounds filter known ids first and analyse only new items.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import time
from dataclasses import dataclass, field, replace
from datetime import datetime, timedelta

import httpx

from dashboard.config import Config, Source
from dashboard.fetching import (
    FetchError,
    NotModified,
    ParseError,
    Postponed,
    retrieve,
)
from dashboard.fetching.pages import PageFetcher
from dashboard.models import (
    Analysis,
    Item,
    RefreshResult,
    SourceHealth,
)
from dashboard.pipeline.fulltext import want_pages, with_pages
from dashboard.pipeline.pool import WorkerPool
from dashboard.pipeline.workers import AnalysisSetup, analyse_in_worker, items_in_worker
from dashboard.storage import Store

log = logging.getLogger(__name__)


@dataclass
class SourceOutcome:
    """What one source's refresh produced, before the round is committed."""

    result: RefreshResult
    health: SourceHealth
    items: list[Item] = field(default_factory=list)
    analyses: dict[str, Analysis] = field(default_factory=dict)
    updated: list[Item] = field(default_factory=list)  # stored items whose page was read


async def refresh(
    source: Source,
    *,
    client: httpx.AsyncClient,
    store: Store,
    now: datetime,
    config: Config,
    pool: WorkerPool,
    previous: SourceHealth | None = None,
    setup: AnalysisSetup | None = None,
    network: asyncio.Semaphore | None = None,
    pages: PageFetcher | None = None,
) -> SourceOutcome:
    """Refresh one source: a value for every outcome, never an exception for a source's fault.

    `setup` (the config prepared for the workers) is made from `config` when not given;
    `network`, when given, bounds the HTTP exchange only, not the parsing after it.
    With `pages`, a source with `fulltext` then reads its items' article pages (after
    its feed, outside `network`; see `fulltext.py`).
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
