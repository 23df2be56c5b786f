"""Snapshots repaint only what changed: an equal snapshot touches no table, a changed cell
is updated in place and repaints only its row, new rows join the rows that stay (new
statements on top included), and only a change of columns, a cell wider than its column
or a table with no row kept rebuilds a table."""

from __future__ import annotations

import dataclasses
from dataclasses import replace
from datetime import timedelta

from rich.text import Text
from textual.app import App, ComposeResult
from textual.widgets import DataTable

from dashboard.models import Position, Recognition, RecognitionEvent
from tests.app.conftest import NOW, FakeStore, make_statements
from tests.app.test_keys import make_app, settle
from widgets.nav_table import NavTable
from widgets.positions_panel import PositionsPanel
from widgets.recognition_panel import RecognitionPanel
from widgets.sources_panel import FETCHING_MARK, SourcesPanel
from widgets.statements_panel import StatementsPanel


def count_rebuilds(table: DataTable) -> dict[str, int]:
    calls = {"clear": 0, "add_row": 0}
    for name in calls:
        real = getattr(table, name)

        def counted(*args, _real=real, _name=name, **kwargs):
            calls[_name] += 1
            return _real(*args, **kwargs)

        setattr(table, name, counted)
    return calls


class Panels(App):
    def compose(self) -> ComposeResult:
        yield PositionsPanel()
        yield RecognitionPanel()


def position(actor: str, topic: str, stance: str) -> Position:
    return Position(actor=actor, topic=topic, stance=stance, confidence=1.0, evidence=())


POSITIONS = (position("srb", "status", "oppose"), position("usa", "status", "support"),
             position("srb", "dialogue", "conditional"))


def recognition(evidence: str) -> Recognition:
    pending = (RecognitionEvent(country="GRC", change="recognized", evidence=evidence),
               RecognitionEvent(country="ESP", change="recognized", evidence="Madrid says"))
    return Recognition(subject="Kosovo", series=(), blocs=(), pending=pending, recent=(),
                       countries={"GRC": "Greece", "ESP": "Spain"})


def cells(table: DataTable) -> list[list[str]]:
    return [[c.plain for c in table.get_row_at(r)] for r in range(table.row_count)]


async def test_positions_equal_snapshot_paints_nothing_and_a_changed_cell_is_patched():
    app = Panels()
    async with app.run_test(size=(120, 40)) as pilot:
        panel = app.query_one(PositionsPanel)
        panel.actors = {"srb": "Serbia", "usa": "United States"}
        panel.topics = {"status": "Status", "dialogue": "Dialogue"}
        panel.positions = POSITIONS
        await pilot.pause()
        table = panel.query_one(DataTable)
        before = cells(table)
        assert before[0] == ["Serbia", "▼ oppose", "◆ conditional"]
        rows = list(table.rows)
        calls = count_rebuilds(table)

        panel.positions = tuple(POSITIONS)  # an equal snapshot (a new tuple)
        await pilot.pause()
        assert calls == {"clear": 0, "add_row": 0}
        assert cells(table) == before

        changed = (POSITIONS[0], replace(POSITIONS[1], stance="oppose", changed=True),
                   POSITIONS[2])
        panel.positions = changed  # one cell, no wider than its column
        await pilot.pause()
        assert calls == {"clear": 0, "add_row": 0}
        assert list(table.rows) == rows  # the same row keys, in order
        assert cells(table)[1] == ["United States", "▼ oppose!", "·"]
        assert "oppose!" in table.render_line(2).text  # and it is what the screen shows

        panel.positions = (*changed, position("usa", "dialogue", "support"))
        await pilot.pause()
        assert calls["clear"] == 0  # a cell that fits: still a patch
        assert cells(table)[1] == ["United States", "▼ oppose!", "▲ support"]

        panel.actors = {**panel.actors, "rus": "Russia"}  # a new row: rebuilt
        panel.positions = (*changed, position("rus", "status", "oppose"))
        await pilot.pause()
        assert calls["clear"] == 1
        assert cells(table)[2] == ["Russia", "▼ oppose", "·"]


async def test_recognition_equal_snapshot_paints_nothing_and_new_evidence_is_patched():
    app = Panels()
    async with app.run_test(size=(120, 40)) as pilot:
        panel = app.query_one(RecognitionPanel)
        panel.recognition = recognition("Athens will recognise Kosovo soon")
        await pilot.pause()
        table = panel.query_one("#recognition-pending", DataTable)
        first = ["Greece (GRC)", "recognized", "Athens will recognise Kosovo soon"]
        assert cells(table)[0] == first
        calls = count_rebuilds(table)

        panel.recognition = recognition("Athens will recognise Kosovo soon")  # equal
        await pilot.pause()
        assert calls == {"clear": 0, "add_row": 0}

        panel.recognition = recognition("Athens recognises Kosovo")  # narrower: fits
        await pilot.pause()
        assert calls == {"clear": 0, "add_row": 0}
        assert cells(table)[0][2] == "Athens recognises Kosovo"
        assert cells(table)[1] == ["Spain (ESP)", "recognized", "Madrid says"]

        wider = "Athens will recognise Kosovo soon, the foreign minister said today"
        panel.recognition = recognition(wider)  # wider than its column: rebuilt to widen
        await pilot.pause()
        assert calls["clear"] == 1 and cells(table)[0][2] == wider


class OneTable(App):
    def compose(self) -> ComposeResult:
        yield NavTable(cursor_type="row")


def rendered(table: DataTable) -> list[str]:
    """What the screen shows of the table, line by line (the header first)."""
    return [table.render_line(y).text for y in range(table.size.height)]


async def test_a_changed_cell_repaints_only_its_row():
    app = OneTable()
    async with app.run_test(size=(60, 20)) as pilot:
        table = app.query_one(NavTable)
        table.add_column("name", key="name")
        table.add_column("state", key="state")
        for i in range(10):
            table.add_row(Text(f"source {i}"), Text("ok"), key=f"s{i}")
        await pilot.pause()
        rendered(table)  # every visible cell rendered and cached
        cached = {key[0].value for key in list(table._cell_render_cache.keys())}
        assert {"s0", "s3", "s9"} <= cached

        table.update_cells([("s3", "state", Text("down"))])  # fits its column
        left = {key[0].value for key in list(table._cell_render_cache.keys())}
        assert "s3" not in left  # its renders are dropped ...
        assert left >= cached - {"s3"}  # ... and every other row keeps its own
        await pilot.pause()
        lines = rendered(table)
        assert "source 3" in lines[4] and "down" in lines[4]  # the header is line 0
        assert "source 2" in lines[3] and "ok" in lines[3]


async def test_rows_added_and_removed_keep_the_rows_that_stay():
    app = OneTable()
    async with app.run_test(size=(60, 20)) as pilot:
        table = app.query_one(NavTable)
        table.add_columns("name")
        keys = [f"r{i}" for i in range(6)]
        for key in keys:
            table.add_row(Text(key), key=key)
        await pilot.pause()
        table.move_cursor(row=2)  # on r2
        rows = {key.value: row for key, row in table.rows.items()}
        calls = count_rebuilds(table)

        order = ["new-a", "new-b", *keys[:4]]  # two on top, the two oldest gone
        table.arrange_rows(order, {"new-a": [Text("new-a")], "new-b": [Text("new-b")]})
        assert calls == {"clear": 0, "add_row": 2}
        assert [str(table.get_row_at(r)[0]) for r in range(table.row_count)] == order
        assert all(table.rows[key] is rows[key] for key in keys[:4])  # the same objects
        assert table.cursor_row == 4  # still on r2
        await pilot.pause()
        assert [line.strip() for line in rendered(table)[1:7]] == order


async def test_new_statements_on_top_join_without_a_rebuild():
    store = FakeStore(make_statements(30))
    app = make_app(store)
    async with app.run_test(size=(160, 48)) as pilot:
        await settle(app, pilot)
        panel = app.query_one(StatementsPanel)
        table = panel.query_one(DataTable)
        await pilot.press("down", "down")
        reading = panel.selected
        rows = dict(table.rows)
        calls = count_rebuilds(table)
        newer = [dataclasses.replace(s, item_id=f"new-{i}", sentence=f"new {i}",
                                     time=NOW + timedelta(minutes=10 - i))
                 for i, s in enumerate(make_statements(2))]
        store._statements[:0] = newer
        app.load_snapshot()
        await settle(app, pilot)
        assert calls == {"clear": 0, "add_row": 2}  # only the new rows are added
        assert panel.statements[0].item_id == "new-0"
        kept = [key for key in rows if key in table.rows]
        assert len(kept) == 18 and all(table.rows[key] is rows[key] for key in kept)
        shown = [str(table.get_row_at(r)[3]) for r in range(table.row_count)]
        assert shown == [str(c[3]) for c in panel._shown]  # in order
        assert panel.selected == reading and table.cursor_row == 4


async def test_a_fetching_mark_patches_one_source_row():
    app = make_app(FakeStore(make_statements(3)))
    async with app.run_test(size=(160, 48)) as pilot:
        await settle(app, pilot)
        panel = app.query_one(SourcesPanel)
        table = panel.query_one(DataTable)
        rows = dict(table.rows)
        calls = count_rebuilds(table)
        marked = tuple(replace(s, fetching=s.id == "paper") for s in panel.sources)
        panel.sources = marked
        await pilot.pause()
        assert calls == {"clear": 0, "add_row": 0}
        assert all(table.rows[key] is rows[key] for key in rows)
        assert [str(table.get_row_at(r)[0]).strip() for r in range(table.row_count)] == [
            FETCHING_MARK if s.fetching else "" for s in marked]
