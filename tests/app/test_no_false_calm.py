"""No data is not calm: the header and the escalation panel on real stores and rounds."""

from __future__ import annotations

from datetime import timedelta

from textual.widgets import Sparkline, Static

from dashboard.app import create_app
from dashboard.models import HistoryPoint, SourceHealth
from dashboard.storage import Round, open_store
from tests.app.conftest import NOW, fixed_clock, make_config
from widgets.header_bar import HeaderBar


def offline_config(tmp_path, **extra):
    sources = [{"id": f"s{n}", "url": f"http://127.0.0.1:9/{n}.xml"} for n in range(3)]
    return make_config(sources=sources, storage={"path": str(tmp_path / "store.json")},
                       **extra)


async def rounds_done(app, pilot, count: int) -> None:
    for _ in range(150):  # bounded: at most ~30 s
        await pilot.pause(0.2)
        if app.rounds_completed >= count:
            break
    for _ in range(3):
        await app.workers.wait_for_complete()
        await pilot.pause()


def header_text(app) -> str:
    return str(app.main.query_one(HeaderBar).render())


async def test_every_source_failing_shows_no_data_not_calm(tmp_path):
    from dashboard.pipeline import Collector

    config = offline_config(tmp_path)
    store = open_store(config.storage.path)
    app = create_app(config, store=store, collector=Collector(config, store),
                     clock=fixed_clock, scheduler=False)
    try:
        async with app.run_test(size=(160, 48)) as pilot:
            await rounds_done(app, pilot, 1)
            assert {s.health.state for s in app.snapshot.sources} == {"error"}
            header = header_text(app)
            assert "NO DATA" in header and "CALM" not in header
            assert "0/3 sources ok" in header
            assert "updated never" in header
            headline = str(app.main.query_one("#escalation-headline", Static).render())
            assert "NO DATA" in headline and "CALM" not in headline
            assert list(app.main.query_one("#escalation").query_one(Sparkline).data) == []
            await pilot.press("r")  # another failed round: still nothing, not "updated"
            await rounds_done(app, pilot, 2)
            assert app.main.query_one(HeaderBar).updated is None
            assert "updated never" in header_text(app)
    finally:
        store.close()


def seeded(tmp_path, *, ok_ago: timedelta, history: int = 1):
    config = offline_config(tmp_path)
    store = open_store(config.storage.path)
    ok_at = NOW - ok_ago
    health = [SourceHealth("s0", "ok", ok_at, ok_at, None, ok_at + timedelta(minutes=30), 4),
              SourceHealth("s1", "error", NOW, ok_at, "HTTP 503", None, failures=2),
              SourceHealth("s2", "never")]
    for n in range(history):
        store.commit_round(Round(finished=ok_at, items=[], analyses={}, health=health,
                                 history=HistoryPoint(ok_at - timedelta(hours=n), 5.0 + n)))
    return config, store


async def test_old_data_is_marked_stale_with_its_age(tmp_path):
    config, store = seeded(tmp_path, ok_ago=timedelta(hours=5))  # every 30 min: 2x is 1h
    app = create_app(config, store=store, collector=None, clock=fixed_clock, viewer=True,
                     scheduler=False)
    try:
        async with app.run_test(size=(80, 24)) as pilot:
            await rounds_done(app, pilot, 0)
            header = header_text(app)
            assert "CALM" in header and "STALE 5h" in header
            assert "1/3 sources ok" in header
            assert app.main.query_one(HeaderBar).has_class("-stale")
    finally:
        store.close()


async def test_data_goes_stale_as_the_clock_runs_without_a_new_snapshot(tmp_path):
    """A viewer whose collector died sees its data age: the header judges on each tick."""
    config, store = seeded(tmp_path, ok_ago=timedelta(minutes=10))
    clock = [NOW]
    app = create_app(config, store=store, collector=None, clock=lambda: clock[0],
                     viewer=True, scheduler=False)
    try:
        async with app.run_test(size=(160, 48)) as pilot:
            await rounds_done(app, pilot, 0)
            assert "STALE" not in header_text(app)
            clock[0] = NOW + timedelta(hours=2)
            await pilot.pause(1.3)  # the header's clock ticks every second
            assert "STALE 2h" in header_text(app)
    finally:
        store.close()


async def test_one_history_point_draws_no_full_bar(tmp_path):
    config, store = seeded(tmp_path, ok_ago=timedelta(minutes=5), history=1)
    app = create_app(config, store=store, collector=None, clock=fixed_clock, viewer=True,
                     scheduler=False)
    try:
        async with app.run_test(size=(160, 48)) as pilot:
            await rounds_done(app, pilot, 0)
            assert list(app.main.query_one(Sparkline).data) == []
    finally:
        store.close()
