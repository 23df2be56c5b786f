"""APScheduler wiring: one job per enabled source, and a hung source delays no one."""

import asyncio
from datetime import UTC, datetime

from dashboard.config import parse_config
from dashboard.scheduling import make_scheduler

CONFIG = parse_config(
    '[[sources]]\nid = "fast"\nurl = "http://127.0.0.1:9/a"\nevery = "1s"\n'
    '[[sources]]\nid = "hung"\nurl = "http://127.0.0.1:9/b"\nevery = "1s"\n'
    '[[sources]]\nid = "off"\nurl = "http://127.0.0.1:9/c"\nevery = "1s"\nenabled = false\n'
    '[[sources]]\nid = "hourly"\nurl = "http://127.0.0.1:9/d"\nevery = "1h"\n'
)


async def test_one_job_per_enabled_source_with_its_own_interval():
    scheduler = make_scheduler(CONFIG, lambda ids: asyncio.sleep(0))
    jobs = {job.id: job for job in scheduler.get_jobs()}
    assert set(jobs) == {"source:fast", "source:hung", "source:hourly"}
    hourly = jobs["source:hourly"]
    assert hourly.trigger.interval.total_seconds() == 3600
    assert hourly.trigger.jitter == 60  # spreads sources that share an interval
    assert hourly.coalesce is True and hourly.max_instances == 1
    assert hourly.misfire_grace_time == 1800
    assert str(scheduler.timezone) == "UTC"


async def test_a_hung_source_never_delays_the_others_or_piles_up():
    calls: list[str] = []

    async def run(ids: list[str]) -> None:
        calls.extend(ids)
        if ids == ["hung"]:
            await asyncio.sleep(3600)  # never returns while the test runs

    scheduler = make_scheduler(CONFIG, run, first_run=datetime.now(UTC))
    scheduler.start()
    try:
        await asyncio.sleep(3.6)
    finally:
        scheduler.shutdown(wait=False)
    assert calls.count("fast") >= 3  # every second, whatever "hung" does
    assert calls.count("hung") == 1  # one instance at a time: ticks while it hangs are skipped
    assert "off" not in calls  # a disabled source is never scheduled
