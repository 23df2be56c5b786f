"""A round's snapshot is painted in frames: the header and statements at once, then each
other panel after the one before it is on screen, always from the newest snapshot; the
garbage collector runs after the last frame and freezes what survives."""

from __future__ import annotations

import gc
import time
import weakref
from dataclasses import replace

import pytest
from rich.text import Text
from textual.widgets import DataTable

import dashboard.screens.panel_paint as panel_paint
from dashboard.screens.dashboard import DashboardScreen
from dashboard.screens.panel_paint import PAINT_ORDER
from tests.app.conftest import FakeCollector, make_escalation, make_statements
from tests.app.test_keys import make_app, settle
from widgets.escalation_panel import EscalationPanel
from widgets.positions_panel import PositionsPanel
from widgets.sources_panel import SourcesPanel
from widgets.statements_panel import StatementsPanel


def record_paints(monkeypatch, screen) -> list[str]:
    """Record each panel painted and each frame the screen renders, in order."""
    events: list[str] = []

    def recorded(paint):
        def paint_and_record(*args):
            events.append(paint.__name__.removeprefix("paint_"))
            paint(*args)
        return paint_and_record

    monkeypatch.setattr(panel_paint, "PAINT_ORDER", tuple(map(recorded, PAINT_ORDER)))
    real_refresh = screen._compositor_refresh

    def frame() -> None:
        events.append("frame")
        real_refresh()

    monkeypatch.setattr(screen, "_compositor_refresh", frame)
    return events


async def painted(app, pilot) -> None:
    for _ in range(200):
        if not app.main.painting:
            return
        await pilot.pause(0.01)
    raise AssertionError("the panels were not all painted")


def changed(snap, mark: str):
    """`snap` with every panel's content changed."""
    return replace(
        snap, statements=tuple(make_statements(2, texts=[f"new {mark}"])),
        positions=tuple(replace(p, stance="support" if p.stance != "support" else "oppose")
                        for p in snap.positions),
        escalation=make_escalation(level="critical", score=70.0 + len(mark)),
        sources=tuple(replace(s, name=f"{s.name}{mark}") for s in snap.sources))


async def test_the_statements_paint_at_once_and_each_other_panel_in_a_frame_of_its_own(
        monkeypatch):
    app = make_app()
    async with app.run_test(size=(160, 48)) as pilot:
        await settle(app, pilot)
        screen = app.main
        events = record_paints(monkeypatch, screen)
        first = changed(app.snapshot, "!")
        newest = changed(app.snapshot, "?")
        screen.apply_snapshot(first)
        screen.apply_snapshot(newest)  # a newer one before the next frame: it is painted
        assert len(app.query_one(StatementsPanel).statements) == 2  # at once
        assert events == []  # the other panels: not yet
        await painted(app, pilot)
        paints = [e for e in events if e != "frame"]
        assert paints == ["positions", "recognition", "escalation", "sources"]
        # a frame was rendered before each panel was set, so none shares a frame
        firsts = [events.index(name) for name in paints]
        assert all("frame" in events[start:end]
                   for start, end in zip([0, *firsts], firsts, strict=False))
        sources = app.query_one(SourcesPanel)
        assert sources.sources == newest.sources
        table = sources.query_one(DataTable)
        assert [str(table.get_row_at(r)[1]) for r in range(table.row_count)] == [
            s.name for s in newest.sources]
        assert app.query_one(EscalationPanel).escalation == newest.escalation


async def test_a_snapshot_arriving_while_the_panels_paint_starts_them_over(monkeypatch):
    app = make_app()
    async with app.run_test(size=(160, 48)) as pilot:
        await settle(app, pilot)
        screen = app.main
        events = record_paints(monkeypatch, screen)
        first, newest = changed(app.snapshot, "!"), changed(app.snapshot, "?")
        screen.apply_snapshot(first)
        for _ in range(200):
            if "recognition" in events:
                break
            await pilot.pause(0.005)
        screen.apply_snapshot(newest)
        await painted(app, pilot)
        paints = [e for e in events if e != "frame"]
        assert paints[-4:] == ["positions", "recognition", "escalation", "sources"]
        assert paints.count("positions") == 2  # painted again from the newest snapshot
        assert app.query_one(PositionsPanel).positions == newest.positions
        assert app.query_one(SourcesPanel).sources == newest.sources


async def test_garbage_is_collected_and_the_survivors_frozen_after_a_paint_and_thawed_at_exit():
    app = make_app()
    assert gc.isenabled()
    async with app.run_test(size=(160, 48)) as pilot:
        await settle(app, pilot)
        collections = app.main.idle_collections
        await pilot.pause(0.2)  # the collection after the last frame
        assert collections.collections > 0 and gc.get_freeze_count() > 0
        calls = []
        real = collections.collect
        collections.collect = lambda: (calls.append(1), real())  # type: ignore[method-assign]
        app.main.apply_snapshot(changed(app.snapshot, "!"))
        await settle(app, pilot)
        await pilot.pause(0.2)
        assert calls == [1]  # once, after the snapshot's last frame
    assert gc.get_freeze_count() == 0  # the closed screen thawed what it froze


@pytest.fixture(autouse=True)
def _thawed():
    yield
    gc.unfreeze()  # whatever a failed test left frozen


async def test_the_first_round_starts_once_the_stores_first_snapshot_is_painted(monkeypatch):
    # start-up and the first round share no frame: the compose, the first renders of the
    # whole screen and the first collection come first (docs/PERFORMANCE.md §4)
    seen: list[tuple[bool, int, bool]] = []

    class Recording(FakeCollector):
        async def run_round(self, source_ids=None):
            main = app.main
            seen.append((main.painting, app.query_one("#statements-table", DataTable)
                         .row_count, main.painter.settled.is_set()))
            return await super().run_round(source_ids)

    frames: list[str] = []
    real_refresh = DashboardScreen._compositor_refresh

    def frame(screen) -> None:
        frames.append("round" if seen else "frame")
        real_refresh(screen)

    monkeypatch.setattr(DashboardScreen, "_compositor_refresh", frame)
    app = make_app(collector=Recording())
    async with app.run_test(size=(160, 48)) as pilot:
        await settle(app, pilot)
        assert app.main.idle_collections.collections >= 1  # the start-up's collection ran
    assert len(seen) == 1
    painting, rows, settled = seen[0]
    assert not painting and rows == 20 and settled  # every panel of it was on screen
    assert "frame" in frames  # rendered before the round started



async def test_a_due_thaw_waits_for_a_quiet_moment():
    app = make_app()
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(app, pilot)
        painter = app.main.painter
        collections = painter.idle_collections
        collections.collections = collections.thaw_every  # a thaw is due
        painter.thaw_if_quiet()
        assert collections.thaws == 0  # just painted
        painter.painted_at = time.monotonic() - 60
        app.last_input = time.monotonic()
        painter.thaw_if_quiet()
        assert collections.thaws == 0  # a key was just pressed
        app.last_input = 0.0
        app.service.collector.fetching = frozenset({"wire"})
        painter.thaw_if_quiet()
        assert collections.thaws == 0  # a round is fetching
        app.service.collector.fetching = frozenset()
        painter.thaw_if_quiet()
        assert collections.thaws == 1 and not collections.thaw_due
        await pilot.press("j")
        assert time.monotonic() - app.last_input < 5  # keys count as use


async def test_a_cleared_table_frees_its_rows_without_a_full_collection():
    # Textual's render caches keep their entries in a ring; dropped whole by a clear, the
    # ring is a reference cycle holding the rows' renders (docs/PERFORMANCE.md §4)
    app = make_app()
    async with app.run_test(size=(160, 48)) as pilot:
        await settle(app, pilot)
        table = app.query_one("#statements-table", DataTable)
        rows = [weakref.ref(row) for row in table.ordered_rows]
        assert rows and table._ordered_row_cache  # rendered: the caches hold the rows
        gc.disable()
        try:
            table.clear()
            table.add_row(*(Text("x"),) * len(table.columns), key="new")
            await pilot.pause()  # rendered again: the caches hold only the new row
            assert table._ordered_row_cache
            assert all(row() is None for row in rows), "freed by their reference counts"
        finally:
            gc.enable()
