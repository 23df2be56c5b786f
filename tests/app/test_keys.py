"""Pilot tests: each panel shows its data and each key has its effect (fakes, unit level)."""

from __future__ import annotations

import asyncio
import dataclasses

from textual.app import App
from textual.command import CommandList, CommandPalette
from textual.widgets import DataTable, OptionList, Static

from dashboard.app import create_app
from dashboard.models import RecognitionEvent
from tests.app.conftest import (
    NOW,
    FakeBuilder,
    FakeCollector,
    FakeStore,
    fixed_clock,
    make_config,
    make_escalation,
    make_recognition,
    make_statements,
)
from widgets.details_screen import DetailsScreen
from widgets.escalation_panel import EscalationPanel
from widgets.header_bar import HeaderBar
from widgets.help_screen import HelpScreen
from widgets.picker_screen import PickerScreen
from widgets.positions_panel import PositionsPanel
from widgets.sources_panel import SourcesPanel
from widgets.statements_panel import StatementsPanel

PENDING = RecognitionEvent("GRC", "recognized", "Greece recognized Kosovo today.", time=NOW)


def make_app(store=None, *, collector=None, viewer=False, demo=False, builder=None, **config):
    store = store or FakeStore(make_statements(30))
    collector = None if viewer else (collector or FakeCollector())
    if collector is not None:
        collector.store = store  # the round service takes its snapshots of this store
    app = create_app(make_config(**config), store=store, collector=collector, clock=fixed_clock,
                     viewer=viewer, demo=demo, scheduler=False,
                     snapshot_builder=builder or FakeBuilder(store))
    app.notes = []  # type: ignore[attr-defined]
    real_notify = app.notify

    def notify(message, **kw):
        app.notes.append(str(message))  # type: ignore[attr-defined]
        real_notify(message, **kw)

    app.notify = notify  # type: ignore[method-assign]
    return app


async def settle(app, pilot) -> None:
    """Let workers (rounds, snapshot reads) finish and their results land on every panel
    (the panels after the statements are painted one per frame; the first round starts
    once the first snapshot is painted)."""
    for _ in range(250):
        starting = getattr(app, "_starting", None)
        if starting is None or starting.done():
            break
        await pilot.pause(0.02)
    for _ in range(3):
        await pilot.pause()
        await app.workers.wait_for_complete()
    await pilot.pause()
    for _ in range(100):
        if not app.screen_stack or not app.main.painting:
            break
        await pilot.pause(0.02)
    await pilot.pause()


def cell_text(table: DataTable, row: int, column: int) -> str:
    return str(table.get_cell_at((row, column)))


async def test_panels_show_the_snapshot():
    app = make_app()
    async with app.run_test(size=(160, 48)) as pilot:
        await settle(app, pilot)
        statements = app.query_one("#statements-table", DataTable)
        assert statements.row_count == 20  # config.display.statements bounds the rows
        assert cell_text(statements, 0, 3) == "statement number 0 about the forces"
        assert cell_text(statements, 0, 1) == "Serbia"
        positions = app.query_one("#positions-table", DataTable)
        assert positions.row_count == 3
        assert cell_text(positions, 2, 1) == "▼ oppose!"  # usa/forces: changed
        assert cell_text(positions, 1, 1) == "·"
        summary = str(app.query_one("#recognition-summary", Static).render())
        assert "104/193" in summary and "disputed rows: 2" in summary
        headline = str(app.query_one("#escalation-headline", Static).render())
        assert "TENSE" in headline and "↑" in headline
        sources = app.query_one(SourcesPanel)
        assert sources.has_class("-error")
        assert "HTTP 500" in cell_text(sources.query_one(DataTable), 2, 6)
        header = str(app.query_one(HeaderBar).render())
        assert "TENSE" in header and "Test Theatre" in header and "12:00:00" in header


async def test_first_round_starts_at_launch_and_r_refreshes():
    collector = FakeCollector()
    app = make_app(collector=collector)
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(app, pilot)
        assert collector.rounds == [None]
        await pilot.press("r")
        await settle(app, pilot)
        assert collector.rounds == [None, None]


async def test_ticks_go_through_the_services_batch_and_r_runs_at_once():
    # one rule with `collect` (issue 15): the App hosts the CollectorService, whose ticks
    # ask the collector's batch (ticks within a second share a round) and whose "now"
    # rounds start at once; the App used to queue ticks behind a running round itself
    collector = FakeCollector()
    app = make_app(collector=collector)
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(app, pilot)
        assert collector.rounds == [None]  # the first round, at launch
        await app.service.tick(["wire"])
        await pilot.press("r")
        await settle(app, pilot)
        assert collector.requests == [["wire"]]
        assert collector.rounds == [None, ["wire"], None]
        assert app.rounds_completed == 3  # one RoundFinished message per round


async def test_p_pauses_and_scheduler_ticks_are_skipped():
    collector = FakeCollector()
    app = make_app(collector=collector)
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(app, pilot)
        await pilot.press("p")
        assert collector.paused and app.query_one(HeaderBar).paused
        await app.service.tick(["wire"])
        await settle(app, pilot)
        assert collector.rounds == [None]
        await pilot.press("p")
        assert not collector.paused
        assert app.notes[-1] == "Fetching resumed."


async def test_question_mark_opens_help_and_escape_closes():
    app = make_app()
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.press("question_mark")
        assert isinstance(app.screen, HelpScreen)
        await pilot.press("escape")
        assert not isinstance(app.screen, HelpScreen)


async def test_slash_filters_statements_by_text():
    store = FakeStore(make_statements(30))
    app = make_app(store)
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(app, pilot)
        await pilot.press("slash")
        await pilot.press(*"number 1")
        await pilot.press("enter")
        await settle(app, pilot)
        table = app.query_one("#statements-table", DataTable)
        texts = [cell_text(table, r, 3) for r in range(table.row_count)]
        assert texts and all("number 1" in t for t in texts)
        assert len(texts) == 11  # 1, 10..19
        await pilot.press("escape")  # clears filters
        await settle(app, pilot)
        assert table.row_count == 20


async def pick(app, pilot, key: str, wanted: str) -> None:
    await pilot.press(key)
    assert isinstance(app.screen, PickerScreen)
    options = app.screen.query_one(OptionList)
    ids = [options.get_option_at_index(i).id for i in range(options.option_count)]
    options.highlighted = ids.index(wanted)
    await pilot.press("enter")
    await settle(app, pilot)


async def test_a_filters_by_actor():
    app = make_app()
    async with app.run_test(size=(160, 48)) as pilot:
        await settle(app, pilot)
        await pick(app, pilot, "a", "kosovo")
        table = app.query_one("#statements-table", DataTable)
        actors = {cell_text(table, r, 1) for r in range(table.row_count)}
        assert actors == {"Kosovo"}
        positions = app.query_one("#positions-table", DataTable)
        assert positions.row_count == 1 and cell_text(positions, 0, 0) == "Kosovo"


async def test_t_filters_positions_by_topic():
    app = make_app()
    async with app.run_test(size=(160, 48)) as pilot:
        await settle(app, pilot)
        await pick(app, pilot, "t", "dialogue")
        positions = app.query_one(PositionsPanel)
        assert positions.topic_filter == "dialogue"
        assert len(positions.query_one(DataTable).columns) == 2  # actor + one topic


async def test_enter_opens_details_and_c_copies_the_link():
    app = make_app()
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(app, pilot)
        await pilot.press("down", "enter")
        assert isinstance(app.screen, DetailsScreen)
        body = str(app.screen.query_one(Static).render())
        assert "Speaker 1 said:" in body and "https://example.org/1" in body
        await pilot.press("c")
        assert app.clipboard == "https://example.org/1"
        await pilot.press("escape")
        await pilot.press("down", "c")  # from the table, without opening details
        assert app.clipboard == "https://example.org/2"


async def test_c_refuses_links_that_are_not_http():
    bad = [dataclasses.replace(s, link="file:///etc/passwd") for s in make_statements(3)]
    app = make_app(FakeStore(bad))
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(app, pilot)
        await pilot.press("c")
        assert app.clipboard == ""
        assert app.notes[-1] == "Refused to copy a link that is not http(s)."


async def test_y_and_n_decide_the_selected_pending_change_after_asking():
    store = FakeStore(make_statements(5))
    builder = FakeBuilder(store, recognition=make_recognition(pending=(PENDING,)))
    app = make_app(store, builder=builder)
    async with app.run_test(size=(160, 48)) as pilot:
        await settle(app, pilot)
        await pilot.press("y")  # from the statements table: nothing, and it says why
        await pilot.pause()
        assert store.decisions == []
        assert "Select a pending change" in app.notes[-1]
        app.query_one("#recognition-pending").focus()
        await pilot.press("y", "y")  # ask, answer yes
        await pilot.pause()
        assert store.decisions == [("GRC:recognized", "confirmed")]
        await pilot.press("n", "y")
        await pilot.pause()
        assert store.decisions[-1] == ("GRC:recognized", "rejected")


async def test_tab_moves_between_panels_and_shows_them_in_compact_layout():
    app = make_app()
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(app, pilot)
        assert app.screen.has_class("-compact")
        assert app.query_one(StatementsPanel).has_class("-active")
        await pilot.press("tab")
        await pilot.pause()
        assert app.focused is app.query_one("#positions-table")
        assert app.query_one(PositionsPanel).has_class("-active")
        assert not app.query_one(StatementsPanel).has_class("-active")
        await pilot.press("shift+tab")
        await pilot.pause()
        assert app.query_one(StatementsPanel).has_class("-active")


async def test_layout_follows_the_terminal_size():
    app = make_app()
    async with app.run_test(size=(80, 24)) as pilot:
        assert app.screen.has_class("-compact")
        await pilot.resize_terminal(200, 60)
        await pilot.pause()
        assert app.screen.has_class("-wide") and not app.screen.has_class("-compact")
        assert all(p.display for p in app.query(".panel"))


async def test_bottom_of_the_table_pages_older_statements():
    store = FakeStore(make_statements(60))
    app = make_app(store)
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(app, pilot)
        panel = app.query_one(StatementsPanel)
        oldest = panel.statements[-1].time
        await pilot.press("ctrl+end")
        await settle(app, pilot)
        assert panel.statements[-1].time < oldest
        assert len(panel.statements) == 20  # still bounded
        reading = panel.selected
        app.load_snapshot()  # a new round while reading history: the rows hold still
        await settle(app, pilot)
        assert panel.statements[-1].time < oldest and panel.selected == reading
        await pilot.press("ctrl+home")  # back at the top: follow the newest again
        app.load_snapshot()
        await settle(app, pilot)
        assert panel.statements[-1].time == oldest


async def test_level_change_and_new_pending_notify_and_ring():
    store = FakeStore(make_statements(5))
    builder = FakeBuilder(store)
    app = make_app(store, builder=builder, display={"bell": True, "statements": 20})
    bells = []
    app.bell = lambda: bells.append(1)  # type: ignore[method-assign]
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(app, pilot)
        builder.overrides = {"escalation": make_escalation("high", 60.0),
                             "recognition": make_recognition(pending=(PENDING,))}
        app.load_snapshot()
        await settle(app, pilot)
        assert "Escalation tense → high" in app.notes
        assert any("GRC recognized" in n for n in app.notes)
        assert len(bells) == 2
        assert app.query_one(EscalationPanel).has_class("-high")


async def test_viewer_polls_the_store_and_does_not_fetch():
    store = FakeStore(make_statements(5))
    builder = FakeBuilder(store)
    app = make_app(store, viewer=True, builder=builder)
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(app, pilot)
        assert "VIEWER" in str(app.query_one(HeaderBar).render())
        calls = builder.calls
        app._poll_store()  # unchanged file: nothing read
        await settle(app, pilot)
        assert builder.calls == calls
        store.changed = True
        app._poll_store()
        await settle(app, pilot)
        assert builder.calls == calls + 1
        await pilot.press("r")
        assert app.notes[-1] == "Viewer: the collector owns fetching."
        await pilot.press("p")
        assert app.notes[-1] == "Viewer: the collector owns fetching."


async def test_demo_shows_a_banner():
    app = make_app(demo=True)
    async with app.run_test(size=(80, 24)):
        banner = app.query_one("#demo-banner", Static)
        assert "DEMO" in str(banner.render())
    plain = make_app()
    async with plain.run_test(size=(80, 24)):
        assert not plain.query("#demo-banner")


async def test_every_action_is_in_the_command_palette():
    app = make_app()
    async with app.run_test(size=(80, 24)):
        textuals = {c.title for c in App.get_system_commands(app, app.screen)}
        ours = {c.title for c in app.get_system_commands(app.screen)} - textuals
        # our own commands, not Textual's look-alikes ("Quit the application" is Textual's)
        assert ours == {"Help", "Filter by text", "Filter by actor", "Filter by topic",
                        "Clear filters", "Details", "Copy link", "Refresh now",
                        "Pause / resume", "Mute / unmute alerts", "Confirm change",
                        "Reject change", "Undo decision"}


async def test_quit_from_the_command_palette_ends_the_app():
    # "q" quits through Textual's action_quit, and the palette offers Textual's "Quit" command
    # for it: proved by running it, not by finding its title
    app = make_app()
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(app, pilot)
        await pilot.press("ctrl+p")
        await pilot.pause()
        assert isinstance(app.screen, CommandPalette)
        await pilot.press(*"quit")
        results = app.screen.query_one(CommandList)
        for _ in range(100):  # the palette searches in a worker: wait for its first hit
            if results.option_count and results.highlighted == 0:
                break
            await asyncio.sleep(0.05)
        assert "Quit" in str(results.get_option_at_index(0).prompt)
        await pilot.press("enter")
        await pilot.pause()
        assert app.return_code == 0, "choosing Quit in the palette did not end the app"


async def test_updates_while_a_modal_is_open_reach_the_dashboard():
    store = FakeStore(make_statements(5))
    builder = FakeBuilder(store)
    app = make_app(store, builder=builder)
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(app, pilot)
        await pilot.press("question_mark")
        builder.overrides = {"escalation": make_escalation("critical", 90.0)}
        app._tick()
        app.load_snapshot()
        await settle(app, pilot)
        assert isinstance(app.screen, HelpScreen)
        assert app.main.query_one(HeaderBar).level == "critical"
