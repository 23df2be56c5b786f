"""Actor × topic matrix of current positions, readable without colour."""

from __future__ import annotations

from rich.text import Text
from textual.app import ComposeResult
from textual.containers import Vertical
from textual.message import Message
from textual.reactive import reactive
from textual.widgets import DataTable, Static

from dashboard.models import Position
from widgets.plain_text import cell, plain, truncate

# Symbol first, colour second: the matrix must read on a monochrome terminal.
STANCE_SYMBOLS: dict[str, tuple[str, str]] = {
    "support": ("▲", "green"),
    "oppose": ("▼", "red"),
    "conditional": ("◆", "yellow"),
    "neutral": ("●", "blue"),
}
NONE_SYMBOL = "·"
CHANGED_MARK = "!"
LEGEND = "▲ support  ▼ oppose  ◆ conditional  ● neutral  · none  ! changed"


def stance_cell(position: Position | None) -> Text:
    """One matrix cell: stance symbol, word and a change mark."""
    if position is None:
        return Text(NONE_SYMBOL, style="dim", no_wrap=True)
    symbol, colour = STANCE_SYMBOLS.get(position.stance, ("?", ""))
    text = Text(f"{symbol} {position.stance}", style=colour, no_wrap=True)
    if position.changed:
        text.append(CHANGED_MARK, style="bold")
    return text


class PositionsPanel(Vertical):
    """Rows are actors, columns are topics; selecting a cell asks for its evidence."""

    DEFAULT_CSS = """
    PositionsPanel > DataTable { height: 1fr; }
    PositionsPanel > .panel-title { height: 1; }
    PositionsPanel > .legend { height: auto; }
    """

    class Selected(Message):
        """The analyst chose a cell; `position` is None for a cell without evidence."""

        def __init__(self, actor: str, topic: str, position: Position | None) -> None:
            self.actor = actor
            self.topic = topic
            self.position = position
            super().__init__()

    positions: reactive[tuple[Position, ...]] = reactive((), always_update=True)
    actors: reactive[dict[str, str]] = reactive(dict)
    topics: reactive[dict[str, str]] = reactive(dict)
    actor_filter: reactive[str | None] = reactive(None)
    topic_filter: reactive[str | None] = reactive(None)

    def compose(self) -> ComposeResult:
        yield Static(Text("Actor positions", style="bold"), classes="panel-title")
        yield DataTable(id="positions-table", cursor_type="cell")
        yield Static(Text(LEGEND, style="dim"), classes="legend")

    def _rows(self) -> list[str]:
        ids = list(self.actors) or sorted({p.actor for p in self.positions})
        return [a for a in ids if self.actor_filter in (None, a)]

    def _columns(self) -> list[str]:
        ids = list(self.topics) or sorted({p.topic for p in self.positions})
        return [t for t in ids if self.topic_filter in (None, t)]

    def _redraw(self) -> None:
        if not self.is_mounted:
            return
        table = self.query_one(DataTable)
        cursor = table.cursor_coordinate
        table.clear(columns=True)
        by_cell = {(p.actor, p.topic): p for p in self.positions}
        table.add_column(Text("actor"), key="actor")
        for topic in self._columns():
            table.add_column(plain(truncate(self.topics.get(topic, topic), 18)), key=topic)
        for actor in self._rows():
            cells = [stance_cell(by_cell.get((actor, t))) for t in self._columns()]
            table.add_row(cell(self.actors.get(actor, actor), 18), *cells, key=actor)
        if table.row_count:
            table.cursor_coordinate = table.validate_cursor_coordinate(cursor)

    def watch_positions(self) -> None:
        self._redraw()

    def watch_actor_filter(self) -> None:
        self._redraw()

    def watch_topic_filter(self) -> None:
        self._redraw()

    def on_mount(self) -> None:
        self._redraw()

    @property
    def selected(self) -> tuple[str, str, Position | None] | None:
        """(actor, topic, position) under the cursor, or None on the actor column."""
        table = self.query_one(DataTable)
        rows, cols = self._rows(), self._columns()
        r, c = table.cursor_coordinate.row, table.cursor_coordinate.column - 1
        if not (0 <= r < len(rows) and 0 <= c < len(cols)):
            return None
        by_cell = {(p.actor, p.topic): p for p in self.positions}
        return rows[r], cols[c], by_cell.get((rows[r], cols[c]))

    def on_data_table_cell_selected(self, event: DataTable.CellSelected) -> None:
        event.stop()
        chosen = self.selected
        if chosen is not None:
            self.post_message(self.Selected(*chosen))
