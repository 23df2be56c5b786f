"""A Collector's rounds against the loopback farm: what the fast paths must not change.

A first round parses and analyses each feed in one worker task; later rounds analyse only
new items; a round of 304s never starts the worker pool. Real HTTP, real store, real
worker processes.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from pathlib import Path

import pytest

from dashboard.config import Fetch, load_config
from dashboard.fetching import make_client
from dashboard.pipeline import Collector, WorkerPool
from dashboard.storage import open_store
from support.farm import Farm
from support.loopback import Reply
from tests.integration.test_fetch_faults import RSS, get

FEEDS, ITEMS = 4, 6


@pytest.fixture
def farm() -> Iterator[Farm]:
    with Farm(feeds=FEEDS, items=ITEMS) as f:
        yield f


def collector_for(farm: Farm, tmp_path: Path) -> Collector:
    cfg = tmp_path / "config.toml"
    cfg.write_text(farm.config_toml(str(tmp_path / "store.json")))
    config = load_config(cfg)
    return Collector(config, open_store(config.storage.resolved_path()))


async def one_round(collector: Collector):
    try:
        return await collector.run_round()
    finally:
        await collector.aclose()


async def test_first_round_stores_and_analyses_every_item(farm, tmp_path):
    collector = collector_for(farm, tmp_path)
    try:
        results = await one_round(collector)
        assert [r.state for r in results] == ["ok"] * FEEDS
        assert sum(r.new_items for r in results) == FEEDS * ITEMS
        items = {i.id for i in collector.store.items()}
        statements = collector.store.statements(limit=1000)
        assert len(items) == FEEDS * ITEMS
        # every farm item has a "X said on Tuesday that ..." sentence
        assert {s.item_id for s in statements} == items
        assert collector.store.history()  # the round's escalation point
    finally:
        collector.store.close()


async def test_unchanged_feeds_never_start_the_pool_and_news_is_analysed_alone(farm, tmp_path):
    first = collector_for(farm, tmp_path)
    try:
        await one_round(first)
    finally:
        first.store.close()
    second = collector_for(farm, tmp_path)
    try:
        results = await second.run_round()
        assert [r.state for r in results] == ["not_modified"] * FEEDS
        assert not second.pool.running  # no body arrived: no worker was started
        before = {i.id for i in second.store.items()}
        said_before = {s.item_id for s in second.store.statements(limit=1000)}
        farm.bump()
        results = await second.run_round()
        assert [r.new_items for r in results] == [1] * FEEDS
        new = {i.id for i in second.store.items()} - before
        assert len(new) == FEEDS
        said = {s.item_id for s in second.store.statements(limit=1000)}
        assert said - said_before == new
        assert len(second.store.history()) == 3
    finally:
        await second.aclose()
        second.store.close()


async def test_regex_bomb_author_on_the_fast_path_is_cheap_and_cut(loopback, tmp_path):
    # no <guid> or date anywhere, so fastfeedparser reads it; feedparser's e-mail regex
    # would take seconds over this <author> (see test_fetch_faults), fastfeedparser has none
    body = re.sub(rb"<guid>.*?</guid>|<pubDate>.*?</pubDate>", b"", RSS).replace(
        b"<title>Second</title>", b"<title>S</title><author>" + b"a" * 30_000 + b"</author>")
    url = loopback.route("/author", Reply(body=body))
    fetch = Fetch(deadline=5)
    async with make_client(fetch) as client:
        got = await get(url, client, fetch)
    pool = WorkerPool(max_workers=1)
    try:
        await pool.parse(RSS, kind="rss", timeout=30)  # the worker is up: time only the parse
        items = await pool.parse(got.body, kind="rss", content_type=got.content_type, timeout=1)
    finally:
        pool.close()
    assert [len(i.author or "") for i in items] == [0, 300]
