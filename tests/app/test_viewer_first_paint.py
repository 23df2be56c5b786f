"""A viewer without a saved view, on a real store file: it paints first what reads fast
(the positions panel says it is still reading), then the positions, and what it ends with
is the snapshot of a full load."""

from __future__ import annotations

import dataclasses
import threading

from dashboard.app import create_app
from dashboard.screens.dashboard import DashboardScreen
from dashboard.snapshot import build_snapshot
from dashboard.storage import TinyDBStore, open_store
from dashboard.storage.lean import LeanReader
from tests.integration.test_lean_reader import CONFIG, NOW, write_store
from widgets.positions_panel import PositionsPanel


async def test_a_viewer_paints_then_reads_the_positions(tmp_path, monkeypatch):
    path = tmp_path / "store.json"
    write_store(path)
    config = CONFIG.model_copy(
        update={"storage": CONFIG.storage.model_copy(update={"path": str(path)})})
    # the positions wait until the test has seen the first paint
    reading = threading.Event()
    real_stances = LeanReader.stance_evidence

    def held_stances(store):
        assert reading.wait(30)
        return real_stances(store)

    monkeypatch.setattr(LeanReader, "stance_evidence", held_stances)
    painted = []
    real_apply = DashboardScreen.apply_snapshot

    def apply(screen, snap, fired=()):
        painted.append(snap)
        real_apply(screen, snap, fired)

    monkeypatch.setattr(DashboardScreen, "apply_snapshot", apply)
    store = open_store(path, readonly=True, background=True)
    app = create_app(config, store=store, collector=None, clock=lambda: NOW, viewer=True,
                     scheduler=False)

    def title() -> str:
        return str(app.main.query_one(PositionsPanel).query_one(".panel-title").render())

    async with app.run_test(size=(160, 48)) as pilot:
        for _ in range(100):
            await pilot.pause(0.1)
            if painted:
                break
        await pilot.pause(0.2)
        assert len(painted) == 1 and "reading the store" in title()
        reading.set()
        for _ in range(100):
            await pilot.pause(0.1)
            if len(painted) >= 2:
                break
        await pilot.pause(0.2)
        assert "reading" not in title()
    first, last = painted[0], painted[-1]
    assert first.positions_pending and first.positions == ()
    assert first.statements and first.escalation.drivers  # the rest is there at once
    assert not last.positions_pending and last.positions
    full = build_snapshot(config, TinyDBStore(path, readonly=True), now=NOW)
    assert last == full
    assert first == dataclasses.replace(full, positions=(), positions_pending=True)
    store.close()
