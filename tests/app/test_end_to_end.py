"""The App with the real Collector, real store and the loopback demo server: one round."""

from __future__ import annotations

from dashboard import demo
from tests.app.test_snapshots import snapshot_config


async def test_first_round_fills_the_panels(tmp_path):
    from dashboard.app import create_app
    from dashboard.pipeline import Collector
    from dashboard.storage import open_store

    server = demo.DemoServer(speed=1000.0).start()  # everything released at once
    try:
        config = demo.demo_config(snapshot_config(), server, str(tmp_path / "store.json"))
        store = open_store(config.storage.path)
        app = create_app(config, store=store, collector=Collector(config, store), demo=True,
                         scheduler=False)
        async with app.run_test(size=(160, 48)) as pilot:
            for _ in range(100):  # bounded: at most ~20 s
                await pilot.pause(0.2)
                if app.rounds_completed:
                    break
            await app.workers.wait_for_complete()
            await pilot.pause()
            states = {s.id: (s.health.state, s.health.last_error) for s in app.snapshot.sources}
            # the parse pool spawns processes from inside a running Textual app
            assert all(state == "ok" for state, _ in states.values()), states
            assert app.snapshot.statements
            assert app.main.query_one("#statements-table").row_count == len(
                app.snapshot.statements)
        store.close()
    finally:
        server.stop()
