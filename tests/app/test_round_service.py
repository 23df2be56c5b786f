"""The TUI hosts the same round service as `collect` (issue 15, points 1 and 4).

One snapshot per round, taken by the service, paints the screen, feeds the alerts and is
kept as the last view; a level change is announced once, whether or not an alert fires
for it.
"""

from __future__ import annotations

from dashboard.app import create_app
from dashboard.models import RefreshResult
from tests.app.conftest import FakeBuilder, FakeCollector, FakeStore, make_escalation
from tests.app.test_keys import make_app, settle


async def test_with_alerts_a_round_builds_one_snapshot_and_keeps_one_view(tmp_path, monkeypatch):
    # before: the round runner took a snapshot for the alerts, then the App read another
    # one to paint (and wrote the last view from it)
    from dashboard import service, snapshot, viewcache
    from dashboard.config import load_config
    from dashboard.pipeline import Collector
    from dashboard.storage import open_store
    from dashboard.viewcache import load_view
    from support.farm import Farm

    built, kept = [], []
    real_build, real_save = snapshot.build_snapshot, service.save_view

    def counted_build(*args, **kw):
        built.append(1)
        return real_build(*args, **kw)

    def counted_save(*args, **kw):
        kept.append(1)
        return real_save(*args, **kw)

    monkeypatch.setattr(snapshot, "build_snapshot", counted_build)
    monkeypatch.setattr(service, "build_snapshot", counted_build)
    monkeypatch.setattr(service, "save_view", counted_save)
    monkeypatch.setattr(viewcache, "save_view", counted_save)
    with Farm(feeds=3, items=4) as farm:
        cfg = tmp_path / "config.toml"
        cfg.write_text(farm.config_toml(str(tmp_path / "store.json"), every="1h")
                       + '\n[[alerts]]\nid = "lvl"\non = "level"\n')
        config = load_config(cfg)
        store = open_store(config.storage.resolved_path())
        app = create_app(config, store=store, collector=Collector(config, store),
                         scheduler=False)
        async with app.run_test(size=(120, 36)) as pilot:
            for _ in range(150):  # bounded: at most ~30 s
                await pilot.pause(0.2)
                if app.rounds_completed:
                    break
            await settle(app, pilot)
            assert app.rounds_completed == 1
            built.clear()
            kept.clear()
            farm.bump()  # news on every feed
            await pilot.press("r")
            for _ in range(150):
                await pilot.pause(0.2)
                if app.rounds_completed == 2:
                    break
            await settle(app, pilot)
            assert app.snapshot is not None and app.snapshot.items > 12
            assert len(built) == 1, f"{len(built)} snapshots for one round"
            assert len(kept) == 1, f"the last view written {len(kept)} times in one round"
            items = app.snapshot.items
        store.close()
    view = load_view(config.storage.resolved_path(), config)
    assert view is not None and view.items == items


def level_app(tmp_path, **config):
    store = FakeStore()
    builder = FakeBuilder(store)
    collector = FakeCollector(store)
    collector.results = [RefreshResult("wire", "ok", new_items=1)]
    app = make_app(store, collector=collector, builder=builder,
                   storage={"path": str(tmp_path / "store.json")},
                   display={"bell": True, "statements": 20}, **config)
    fired = []
    post = app.service.on_round
    app.service.on_round = lambda done: (fired.extend(done.fired), post(done))
    rings = []
    app.bell = lambda: rings.append(1)  # type: ignore[method-assign]
    return app, builder, fired, rings


async def test_a_level_change_with_a_level_alert_is_one_alert_and_one_toast(tmp_path):
    # before: the alert's toast and the dashboard's own "Escalation a → b", two toasts
    app, builder, fired, rings = level_app(
        tmp_path, alerts=[{"id": "lvl", "on": "level", "notify": True}])
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(app, pilot)
        app.notes.clear()
        builder.overrides = {"escalation": make_escalation("high", 60.0)}
        await app.service.round()
        await settle(app, pilot)
    assert [e.trigger for e in fired] == ["level"]
    toasts = [n for n in app.notes if "high" in n]
    assert len(toasts) == 1, toasts
    assert "tense -> high" in toasts[0]  # the alert's own title
    assert rings == [1]


async def test_a_level_change_without_alerts_is_one_toast(tmp_path):
    app, builder, fired, rings = level_app(tmp_path)
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(app, pilot)
        app.notes.clear()
        builder.overrides = {"escalation": make_escalation("high", 60.0)}
        await app.service.round()
        await settle(app, pilot)
    assert fired == []
    assert app.notes == ["Escalation tense → high"]
    assert rings == [1]
