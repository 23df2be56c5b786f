"""The positions matrix shows as many topics as its width allows: stance words when every
topic fits with them, else symbols and evidence counts under short names or abbreviations;
the line under the table names the cell under the cursor in full, and topics that still do
not fit scroll behind the frozen actor column with the title saying which are in view."""

from __future__ import annotations

from pathlib import Path

import pytest
from textual.widgets import DataTable, Static, Tabs

from dashboard.config import load_config
from dashboard.models import Position, StanceEvidence
from tests.app.conftest import NOW, FakeBuilder, FakeStore, make_statements
from tests.app.test_keys import make_app, settle
from widgets.details_screen import DetailsScreen
from widgets.positions_panel import PositionsPanel, shown_range, shown_rows

REPO = Path(__file__).resolve().parents[2]
SHIPPED = load_config(REPO / "config.toml")
ACTORS = [a.model_dump() for a in SHIPPED.actors]
TOPICS = [t.model_dump() for t in SHIPPED.topics]
MANY = [{"id": f"topic-{n}", "label": f"A long label for topic number {n}",
         "short": f"Topic {n}", "phrases": [f"phrase {n}"]} for n in range(1, 21)]


def evidence(actor: str, topic: str, stance: str) -> StanceEvidence:
    return StanceEvidence(actor, topic, stance, f"{actor} on {topic}.", source_id="wire",
                          time=NOW)


POSITIONS = (
    Position("serbia", "serbian-forces-return", "support", 0.9,
             (evidence("serbia", "serbian-forces-return", "support"),), weighed=4),
    Position("kosovo", "serbian-forces-return", "oppose", 0.8,
             (evidence("kosovo", "serbian-forces-return", "oppose"),), changed=True, weighed=2),
    Position("usa", "ibar-bridge", "conditional", 0.6,
             (evidence("usa", "ibar-bridge", "conditional"),), weighed=1),
)


def shipped_app(**config):
    store = FakeStore(make_statements(5))
    return make_app(store, builder=FakeBuilder(store, positions=POSITIONS),
                    actors=ACTORS, topics=TOPICS, **config)


def line(table: DataTable, y: int) -> str:
    return table.render_line(y).text


def static_text(app, selector: str) -> str:
    return str(app.query_one(selector, Static).render())


async def test_the_nine_shipped_topics_are_all_columns_at_160x48():
    app = shipped_app()
    async with app.run_test(size=(160, 48)) as pilot:
        await settle(app, pilot)
        table = app.query_one("#positions-table", DataTable)
        await measured(app, pilot, table)  # lines read from the table's render
        assert shown_range(table) == (1, 9, 9)
        assert "topics" not in static_text(app, "#positions .panel-title")  # nothing hidden
        assert line(table, 0).split() == ["actor", "Frc", "Rec", "Dlg", "ASM", "KFR", "Pol",
                                          "EUm", "Din", "Ibr"]
        # the key under the table names every abbreviation
        key = static_text(app, "#positions .topic-key")
        assert "Frc Forces back" in key and "Ibr Ibar bridge" in key
        assert line(table, 1).split()[:3] == ["Serbia", "▲4", "·"]
        assert line(table, 2).split()[:2] == ["Kosovo", "▼2!"]  # changed: marked
        assert line(table, 7).startswith(" USA")  # actor tags where room is short


async def test_the_nine_shipped_topics_are_all_columns_on_the_positions_tab_at_80x24():
    app = shipped_app()
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(app, pilot)
        await pilot.press("2")  # the positions tab
        await settle(app, pilot)
        table = app.query_one("#positions-table", DataTable)
        await measured(app, pilot, table)  # lines read from the table's render
        assert app.focused is table
        assert shown_range(table) == (1, 9, 9)
        # the short names over two lines: more room than abbreviations need, so no key
        assert line(table, 0).split()[:3] == ["actor", "Forces", "Recognition"]
        assert line(table, 1).split()[:2] == ["back", "assoc."]
        assert not app.query_one("#positions .topic-key", Static).display
        await pilot.press("right")
        await measured(app, pilot, table)
        assert static_text(app, "#positions .cursor-cell") == (
            "Serbia: ▲ support, 4 pieces of evidence · Return of Serbian forces to Kosovo")


async def measured(app, pilot, table: DataTable) -> None:
    """Settled, and the table's cells measured (DataTable measures them when the app is
    idle, later on a loaded machine) with the screen the same twice in a row."""
    await settle(app, pilot)
    previous = None
    for _ in range(100):  # 10 s at most
        await pilot.pause(0.1)
        shot = app.export_screenshot()
        if not table._require_update_dimensions and shot == previous:
            return
        previous = shot


def row_room(table: DataTable) -> int:
    """How many rows the table has room for under its header."""
    return table.scrollable_content_region.height - table.header_height


def row_names(table: DataTable) -> list[str]:
    return [table.get_row_at(r)[0].plain.strip() for r in range(table.row_count)]


@pytest.mark.parametrize("demo", [False, True], ids=["run", "demo"])
async def test_all_fifteen_shipped_actors_fit_the_positions_tab_at_80x24(demo):
    # the demo's banner took the row of the last actor (Ukraine): the tabs gave up their
    # underline for it, the active tab being marked by its colours
    store = FakeStore(make_statements(5))
    app = make_app(store, builder=FakeBuilder(store, positions=POSITIONS), demo=demo,
                   actors=ACTORS, topics=TOPICS)
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(app, pilot)
        await pilot.press("2")
        table = app.query_one("#positions-table", DataTable)
        await measured(app, pilot, table)
        assert bool(app.query("#demo-banner")) is demo
        assert table.row_count == len(ACTORS) == 15
        assert table.max_scroll_y == 0
        assert row_names(table) == [a.tag for a in SHIPPED.actors]
        assert row_room(table) >= 15  # all on screen
        assert "actors" not in static_text(app, "#positions .panel-title")
        assert shown_range(table) == (1, 9, 9)
        tabs = app.query_one("#panel-tabs", Tabs)
        assert tabs.size.height == 1 and tabs.active_tab is not None
        assert tabs.active_tab.id == "tab-positions"
        assert tabs.active_tab.has_class("-active")


async def test_actors_below_a_short_screen_scroll_with_the_cursor_and_the_title_says_so():
    app = shipped_app()
    async with app.run_test(size=(80, 20)) as pilot:  # 12 of the 15 actors have room
        await settle(app, pilot)
        await pilot.press("2")
        table = app.query_one("#positions-table", DataTable)
        await measured(app, pilot, table)
        title = app.query_one("#positions .panel-title", Static)
        room = row_room(table)
        assert 0 < room < 15 and table.scroll_y == 0
        assert shown_rows(table) == (1, room, 15)
        assert f"actors 1–{room} of 15 ↓" in str(title.render())
        for _ in range(14):
            await pilot.press("down")
        await measured(app, pilot, table)
        assert table.cursor_row == 14 and row_names(table)[14] == "Ukraine"
        assert table.scroll_y == 15 - room  # scrolled with the cursor: its row is the last
        assert "Ukraine" in static_text(app, "#positions .cursor-cell")
        assert shown_rows(table) == (16 - room, 15, 15)
        assert f"actors {16 - room}–15 of 15 ↑" in str(title.render())


async def test_the_cursor_line_names_the_cell_in_full_and_enter_opens_its_evidence():
    app = shipped_app()
    async with app.run_test(size=(160, 48)) as pilot:
        await settle(app, pilot)
        await pilot.press("2")
        await pilot.press("down", "right")  # Kosovo × the first topic
        await settle(app, pilot)
        # abbreviated headers: the topic's label on a line of its own, the line as high
        # whichever cell is chosen
        cursor_line = app.query_one("#positions .cursor-cell", Static)
        assert static_text(app, "#positions .cursor-cell").splitlines() == [
            "Kosovo: ▼ oppose (changed), 2 pieces of evidence",
            "Return of Serbian forces to Kosovo"]
        assert cursor_line.size.height == 2
        await pilot.press("right")
        await settle(app, pilot)
        assert static_text(app, "#positions .cursor-cell").splitlines() == [
            "Kosovo: no evidence", "Recognition of Kosovo's independence"]
        assert cursor_line.size.height == 2
        await pilot.press("left", "enter")
        await settle(app, pilot)
        assert isinstance(app.screen, DetailsScreen)
        assert "kosovo on serbian-forces-return." in str(app.screen.query_one(
            "#details-body Static", Static).render())


async def test_two_topics_keep_their_stance_words_and_actor_names():
    app = make_app()  # three actors, two topics
    async with app.run_test(size=(160, 48)) as pilot:
        await settle(app, pilot)
        table = app.query_one("#positions-table", DataTable)
        await measured(app, pilot, table)  # lines read from the table's render
        # "Forces return" is longer than a short name: its first word heads the column
        assert line(table, 0).split()[1:] == ["Forces", "Dialogue"]
        assert "▼ oppose!" in line(table, 3) and line(table, 3).lstrip().startswith(
            "United States")


async def test_twenty_topics_scroll_behind_the_actor_column_and_the_title_says_so():
    app = make_app(topics=MANY)
    async with app.run_test(size=(160, 48)) as pilot:
        await settle(app, pilot)
        table = app.query_one("#positions-table", DataTable)
        await measured(app, pilot, table)  # lines read from the table's render
        title = app.query_one("#positions .panel-title", Static)
        first, last, total = shown_range(table)
        assert (first, total) == (1, 20) and 9 <= last < 20  # abbreviations: most of them
        assert f"topics 1–{last} of 20 →" in str(title.render())
        await pilot.press("tab")  # to the positions panel
        assert app.focused is table
        for _ in range(20):
            await pilot.press("right")
        await measured(app, pilot, table)
        assert table.scroll_x > 0
        assert "T20" in line(table, 0)
        assert line(table, 3).lstrip().startswith("USA")  # the actor stays
        shown = str(title.render())
        assert "of 20 ←" in shown and "–20 of 20" in shown
        assert "A long label for topic number 20" in static_text(app, "#positions .cursor-cell")


async def test_a_wider_screen_changes_the_form_to_the_roomier_one_that_fits():
    app = shipped_app()
    async with app.run_test(size=(160, 48)) as pilot:
        await settle(app, pilot)
        table = app.query_one("#positions-table", DataTable)
        await measured(app, pilot, table)  # lines read from the table's render
        assert "Frc" in line(table, 0)
        await pilot.resize_terminal(300, 48)
        await measured(app, pilot, table)
        assert shown_range(table) == (1, 9, 9)
        assert "Forces" in line(table, 0) and "Frc" not in line(table, 0)
        await pilot.resize_terminal(160, 48)
        await measured(app, pilot, table)
        assert "Frc" in line(table, 0) and shown_range(table) == (1, 9, 9)


async def test_topic_names_from_the_config_are_shown_literally():
    topics = [{"id": "a", "label": "[bold red]A[/] label", "short": "[b]x[/b]",
               "phrases": ["a"]},
              {"id": "b", "label": "B", "abbr": "[i]", "phrases": ["b"]}]
    app = make_app(topics=topics)
    async with app.run_test(size=(160, 48)) as pilot:
        await settle(app, pilot)
        panel = app.query_one(PositionsPanel)
        table = panel.query_one(DataTable)
        await measured(app, pilot, table)  # lines read from the table's render
        assert "[b]x[/b]" in line(table, 0)
        await pilot.press("tab", "right")
        await measured(app, pilot, table)
        assert "[bold red]A[/] label" in static_text(app, "#positions .cursor-cell")


async def test_a_snapshot_without_abbreviations_numbers_the_narrow_columns():
    store = FakeStore(make_statements(5))  # e.g. a last view saved before there were any
    app = make_app(store, builder=FakeBuilder(store, positions=POSITIONS, topic_abbrs={}),
                   actors=ACTORS, topics=TOPICS)
    async with app.run_test(size=(160, 48)) as pilot:
        await settle(app, pilot)
        table = app.query_one("#positions-table", DataTable)
        await measured(app, pilot, table)  # lines read from the table's render
        assert line(table, 0).split() == ["actor", *map(str, range(1, 10))]
        assert "1 Forces back" in static_text(app, "#positions .topic-key")
