"""Recognition decisions are deliberate: selected row, a question naming it, undo, audit."""

from __future__ import annotations

import dataclasses

from textual.widgets import DataTable, Static

from dashboard.app import create_app
from tests.app.conftest import (
    FakeBuilder,
    FakeCollector,
    FakeStore,
    fixed_clock,
    make_recognition,
    make_statements,
)
from tests.app.test_keys import PENDING, make_app, settle
from tests.app.test_snapshots import _loaded, seed, snapshot_config
from widgets.confirm_screen import ConfirmScreen


def pending_app():
    store = FakeStore(make_statements(5))
    rec = dataclasses.replace(make_recognition(pending=(PENDING,)), countries={"GRC": "Greece"})
    return make_app(store, builder=FakeBuilder(store, recognition=rec)), store


def question(app) -> str:
    return str(app.screen.query_one("#confirm-question", Static).render())


async def test_y_and_n_do_nothing_outside_the_pending_table():
    app, store = pending_app()
    async with app.run_test(size=(160, 48)) as pilot:
        await settle(app, pilot)
        for where in ("#statements-table", "#positions-table", "#sources-table"):
            app.query_one(where).focus()
            await pilot.press("y", "n")
            await pilot.pause()
            assert not isinstance(app.screen, ConfirmScreen)
        assert store.decisions == []


async def test_the_question_names_the_country_and_the_change_and_no_cancels():
    app, store = pending_app()
    async with app.run_test(size=(160, 48)) as pilot:
        await settle(app, pilot)
        app.query_one("#recognition-pending").focus()
        await pilot.press("y")
        await pilot.pause()
        assert isinstance(app.screen, ConfirmScreen)
        assert "Confirm that Greece (GRC) recognized Kosovo?" in question(app)
        await pilot.press("n")  # no: nothing is written
        await pilot.pause()
        assert not isinstance(app.screen, ConfirmScreen) and store.decisions == []
        await pilot.press("n")
        await pilot.pause()
        assert "Reject the report that Greece (GRC) recognized Kosovo?" in question(app)
        await pilot.press("escape")
        await pilot.pause()
        assert store.decisions == []


async def test_n_after_a_text_filter_never_rejects():
    """`/` then `n` (next match, as in less or vim) must not reach the pending change."""
    app, store = pending_app()
    async with app.run_test(size=(160, 48)) as pilot:
        await settle(app, pilot)
        app.query_one("#recognition-pending").focus()
        await pilot.pause()
        await pilot.press("slash", *"forces", "enter")
        await settle(app, pilot)
        await pilot.press("n", "n", "y")
        await pilot.pause()
        assert not isinstance(app.screen, ConfirmScreen)
        assert store.decisions == []
        assert app.focused is app.query_one("#statements-table")


async def test_a_viewer_is_refused_before_any_question():
    store = FakeStore(make_statements(5))
    rec = make_recognition(pending=(PENDING,))
    app = make_app(store, viewer=True, builder=FakeBuilder(store, recognition=rec))
    async with app.run_test(size=(160, 48)) as pilot:
        await settle(app, pilot)
        app.query_one("#recognition-pending").focus()
        await pilot.press("y")
        await pilot.pause()
        assert not isinstance(app.screen, ConfirmScreen)
        assert "Viewer" in app.notes[-1] and store.decisions == []


async def test_a_decision_is_audited_and_undone_in_the_real_store(tmp_path):
    store = seed(tmp_path / "store.json")
    app = create_app(snapshot_config(), store=store, collector=FakeCollector(),
                     clock=fixed_clock, scheduler=False)
    try:
        async with app.run_test(size=(160, 48)) as pilot:
            await _loaded(pilot)
            before = app.snapshot.recognition.series
            app.query_one("#recognition-pending").focus()
            await pilot.press("y")
            await pilot.pause()
            assert "Greece (GRC) recognized Kosovo" in question(app)
            await pilot.press("y")
            await _loaded(pilot)
            assert {e.key: e.status for e in store.recognition_events()} == {
                "GRC:recognized": "confirmed"}
            assert app.snapshot.recognition.series != before  # the counts moved
            [audit] = store.decisions()
            assert (audit.key, audit.status, audit.previous, audit.undo) == (
                "GRC:recognized", "confirmed", "pending", False)
            table = app.query_one("#recognition-decisions", DataTable)
            assert table.display and table.row_count == 1
            assert "Greece (GRC)" in str(table.get_cell_at((0, 1)))

            await pilot.press("u")  # undo the newest decision: asked, then done
            await pilot.pause()
            assert "Undo your decision" in question(app) and "back to pending" in question(app)
            await pilot.press("y")
            await _loaded(pilot)
            assert {e.key: e.status for e in store.recognition_events()} == {
                "GRC:recognized": "pending"}
            assert app.snapshot.recognition.series == before
            undo, first = store.decisions()
            assert (undo.status, undo.previous, undo.undo) == ("pending", "confirmed", True)
            assert first == audit
            await pilot.press("u")  # nothing holds any more: nothing to undo
            await pilot.pause()
            assert not isinstance(app.screen, ConfirmScreen)
    finally:
        store.close()
    reopened = __import__("dashboard.storage", fromlist=["open_store"]).open_store(
        tmp_path / "store.json", readonly=True)
    try:
        assert [d.undo for d in reopened.decisions()] == [True, False]  # kept on disk
    finally:
        reopened.close()


async def test_undo_from_the_history_table_picks_that_decision(tmp_path):
    store = seed(tmp_path / "store.json")
    app = create_app(snapshot_config(), store=store, collector=FakeCollector(),
                     clock=fixed_clock, scheduler=False)
    try:
        async with app.run_test(size=(160, 48)) as pilot:
            await _loaded(pilot)
            app.query_one("#recognition-pending").focus()
            await pilot.press("n", "y")  # reject the report
            await _loaded(pilot)
            assert app.snapshot.recognition.pending == ()
            app.query_one("#recognition-decisions").focus()
            await pilot.press("u")
            await pilot.pause()
            assert "rejected that Greece (GRC) recognized Kosovo" in question(app)
            await pilot.press("y")
            await _loaded(pilot)
            assert [e.key for e in app.snapshot.recognition.pending] == ["GRC:recognized"]
    finally:
        store.close()
