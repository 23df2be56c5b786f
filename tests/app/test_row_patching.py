"""Snapshots repaint only what changed: an equal snapshot touches no table, a changed cell
is updated in place, and only a change of rows or columns rebuilds a table."""

from __future__ import annotations

from dataclasses import replace

from textual.app import App, ComposeResult
from textual.widgets import DataTable

from dashboard.models import Position, Recognition, RecognitionEvent
from widgets.positions_panel import PositionsPanel
from widgets.recognition_panel import RecognitionPanel


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
