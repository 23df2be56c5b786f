"""APScheduler wiring only: one job per source at its own interval.

Jobs are `async def` and only hand the source id to a callback (the collector's round
runner); they never fetch themselves. The scheduler runs on the caller's event loop.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from datetime import datetime, timedelta

from apscheduler.schedulers.asyncio import AsyncIOScheduler
from apscheduler.triggers.interval import IntervalTrigger

from dashboard.clock import utc_now
from dashboard.config import Config

RunSources = Callable[[list[str]], Awaitable[object]]


def job_options(every: float) -> dict[str, object]:
    """Scheduling options for a source fetched every `every` seconds.

    Jitter spreads sources that share an interval; coalescing and one instance at a time
    mean a late or slow source runs once, not in a burst; the misfire grace lets a job
    that was held up (a busy loop, a suspended laptop) still run instead of being dropped.
    """
    return {
        "coalesce": True,
        "max_instances": 1,
        "misfire_grace_time": max(1, int(every / 2)),
        "jitter_seconds": min(every * 0.1, 60.0),
    }


def make_scheduler(
    config: Config,
    run_sources: RunSources,
    *,
    first_run: datetime | None = None,
) -> AsyncIOScheduler:
    """A UTC AsyncIOScheduler with one interval job per enabled source (not started).

    `first_run` is when the first scheduled tick of each source may happen; by default
    one interval from now, because callers run a first round at once themselves.
    """
    scheduler = AsyncIOScheduler(timezone="UTC")
    for source in config.sources:
        if not source.enabled:
            continue
        opts = job_options(source.every)
        start = first_run or (utc_now() + timedelta(seconds=source.every))
        scheduler.add_job(
            _tick,
            IntervalTrigger(
                seconds=source.every,
                jitter=opts.pop("jitter_seconds"),
                start_date=start,
                timezone="UTC",
            ),
            args=(run_sources, source.id),
            id=f"source:{source.id}",
            name=f"fetch {source.id}",
            replace_existing=True,
            **opts,
        )
    return scheduler


async def _tick(run_sources: RunSources, source_id: str) -> None:
    await run_sources([source_id])
