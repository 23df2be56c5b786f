"""Scheduler ticks that arrive together share one round and one aftermath (issue 14, 7).

With 2,000 sources a minute, each tick waited for its own snapshot and view write in
turn, so ticks overran their interval and APScheduler skipped 461 fetches in 3 minutes.
Ticks batch into one round (Collector.request) and the snapshot, view and alerts after
it run once per batch (CollectorService). Real HTTP, store and workers; bench/collect_skips.py
measures the skips with `collect` itself.
"""

from __future__ import annotations

import asyncio

from dashboard.config import load_config
from dashboard.pipeline import Collector
from dashboard.service import CollectorService
from dashboard.storage import open_store
from dashboard.viewcache import load_view
from support.farm import Farm

FEEDS = 30


async def test_ticks_of_one_batch_share_one_round_and_one_snapshot(tmp_path):
    with Farm(feeds=FEEDS, items=2) as farm:
        cfg = tmp_path / "config.toml"
        cfg.write_text(farm.config_toml(str(tmp_path / "store.json"), every="1m"))
        config = load_config(cfg)
        store = open_store(config.storage.resolved_path())
        collector = Collector(config, store)
        runner = CollectorService(config, collector, keep_view=True)
        snapshots = 0
        take = runner._snapshot

        def counted():
            nonlocal snapshots
            snapshots += 1
            return take()

        runner._snapshot = counted  # a spy: the real snapshot still runs
        try:
            ids = [s.id for s in config.sources]
            # the scheduler's ticks of one interval: each awaits its own source's result
            results = await asyncio.gather(*(runner([i]) for i in ids))
        finally:
            await runner.aclose()
            store.close()
    assert [r[0].source_id for r in results] == ids
    assert all(r[0].state == "ok" for r in results)
    assert collector._commits == 1, "one round for the batch"
    assert snapshots == 1, f"{snapshots} snapshots for one batch (one per tick before)"
    view = load_view(config.storage.resolved_path(), config)
    assert view is not None and view.items == FEEDS * 2
