"""The last view (dashboard.viewcache) and the background store load it covers for."""

from __future__ import annotations

import dataclasses
import os
import threading
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from dashboard.app import create_app
from dashboard.config import load_config
from dashboard.models import Item, Statement
from dashboard.pipeline import Collector
from dashboard.service import CollectorService
from dashboard.snapshot import build_snapshot
from dashboard.storage import Round, StoreError, StoreLocked, lean, loading, open_store
from dashboard.viewcache import MAX_LAG, load_view, save_view, view_path
from support.farm import Farm

NOW = datetime(2026, 5, 20, 12, 0, tzinfo=UTC)


@pytest.fixture
def farm_config(tmp_path: Path):
    with Farm(feeds=3, items=5) as farm:
        cfg = tmp_path / "config.toml"
        cfg.write_text(farm.config_toml(str(tmp_path / "store.json")))
        yield load_config(cfg), tmp_path / "store.json", farm


def commit_one(path: Path, n: int = 0) -> None:
    store = open_store(path)
    item = Item(f"i{n}", "feed-0", "t", "s", None, NOW, NOW)
    store.commit_round(Round(NOW, items=[item]))
    store.close()


def test_a_view_round_trips_and_is_refused_when_it_does_not_fit(farm_config, tmp_path):
    config, path, _ = farm_config
    commit_one(path)
    store = open_store(path, readonly=True)
    snap = build_snapshot(config, store, now=NOW)
    store.close()
    save_view(path, config, snap)
    assert load_view(path, config) == snap

    other = config.model_copy(update={"theatre": config.theatre.model_copy(
        update={"name": "Elsewhere"})})
    assert load_view(path, other) is None, "a view from another config is not shown"

    stale = os.stat(path).st_mtime - MAX_LAG - 5
    os.utime(view_path(path), (stale, stale))
    assert load_view(path, config) is None, "a view older than the store's last commit"

    view_path(path).write_bytes(b'{"version": 1, "config": "x"}\n{"theatre": ')
    assert load_view(path, config) is None
    view_path(path).write_bytes(b"\x00garbage")
    assert load_view(path, config) is None
    view_path(path).unlink()
    assert load_view(path, config) is None


async def test_collect_keeps_a_view_that_a_new_dashboard_paints_before_the_store_loads(
        farm_config, monkeypatch):
    config, path, _ = farm_config
    store = open_store(path)
    runner = CollectorService(config, Collector(config, store), keep_view=True)
    await runner.round()
    await runner.aclose()
    store.close()
    view = load_view(path, config)
    assert view is not None and view.items == 15

    # the next dashboard: its store load is held back until the test lets it go
    release = threading.Event()
    real_read = lean.read_lean  # what a reader reads (storage/lean.py)

    def slow_read(p, known):
        release.wait(30)
        return real_read(p, known)

    monkeypatch.setattr(lean, "read_lean", slow_read)
    viewer = open_store(path, readonly=True, background=True)
    app = create_app(config, store=viewer, collector=None, viewer=True, scheduler=False,
                     last_view=view)
    async with app.run_test(size=(120, 36)) as pilot:
        await pilot.pause(0.2)
        assert app.snapshot is view  # painted from the view; the store is still loading
        assert app.screen.query_one("#statements-table").row_count > 0
        release.set()
        for _ in range(50):
            await pilot.pause(0.1)
            if app.snapshot is not view:
                break
        assert app.snapshot is not view and app.snapshot.items == 15  # the live snapshot
    viewer.close()


def test_a_background_load_makes_calls_wait_and_holds_the_lock_at_once(tmp_path, monkeypatch):
    path = tmp_path / "store.json"
    commit_one(path)
    release = threading.Event()
    real_read = loading.read_store
    monkeypatch.setattr(loading, "read_store",
                        lambda p: (release.wait(30), real_read(p))[1])
    store = open_store(path, background=True)
    store.start_loading()
    with pytest.raises(StoreLocked):  # the writer lock is taken before the load
        open_store(path)
    answer: list[int] = []
    reader = threading.Thread(target=lambda: answer.append(store.item_count()))
    reader.start()
    reader.join(0.3)
    assert reader.is_alive() and not answer, "a call must wait for the load"
    release.set()
    reader.join(10)
    assert answer == [1]
    store.close()


def test_a_background_load_that_fails_is_raised_by_every_call_and_frees_the_lock(tmp_path):
    path = tmp_path / "store.json"
    commit_one(path)
    path.write_bytes(b'{"meta": ')  # truncated main file
    store = open_store(path, background=True)
    store.start_loading()
    with pytest.raises(StoreError, match="moved to"):
        store.item_count()
    with pytest.raises(StoreError, match="moved to"):
        store.statements()
    store.close()
    again = open_store(path)  # the failed writer released the lock; a clean start
    assert again.item_count() == 0
    again.close()


def test_a_background_load_begins_when_asked_or_after_the_gate_timeout(tmp_path, monkeypatch):
    """The dashboard paints its last view before the load competes with it for the GIL."""
    path = tmp_path / "store.json"
    commit_one(path)
    reads: list[float] = []
    real_read = lean.read_lean  # what a reader reads (storage/lean.py)
    monkeypatch.setattr(lean, "read_lean",
                        lambda p, known: (reads.append(time.monotonic()), real_read(p, known))[1])
    store = open_store(path, readonly=True, background=True)
    time.sleep(0.3)
    assert reads == []  # waiting for start_loading
    store.start_loading()
    assert store.item_count() == 1 and len(reads) == 1
    store.close()
    monkeypatch.setattr(loading, "LOAD_GATE_TIMEOUT", 0.2)
    started = time.monotonic()
    unattended = open_store(path, readonly=True, background=True)  # nobody asks
    assert unattended.item_count() == 1  # it loads anyway, after the timeout
    assert reads[-1] - started >= 0.15
    unattended.close()


def test_a_view_keeps_statements_as_inert_text(farm_config):
    """The view is data, not markup: hostile text comes back exactly as it went in."""
    config, path, _ = farm_config
    commit_one(path)
    store = open_store(path, readonly=True)
    snap = build_snapshot(config, store, now=NOW)
    store.close()
    hostile = Statement("[b]x[/b]", None, "direct", "\x1b]0;pwned\x07", "s",
                        time=NOW - timedelta(hours=1))
    snap = dataclasses.replace(snap, statements=(hostile,))
    save_view(path, config, snap)
    assert load_view(path, config).statements == (hostile,)
