"""Actor × topic matrix of current positions, readable without colour."""

from __future__ import annotations

from typing import Any

from rich.text import Text
from textual.app import ComposeResult
from textual.containers import Vertical
from textual.message import Message
from textual.reactive import reactive
from textual.widgets import DataTable, Static

from dashboard.models import Position
from widgets.nav_table import NavTable
from widgets.plain_text import cell, plain, set_static, truncate
from widgets.table_cells import patch_rows

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


def shown_range(table: DataTable) -> tuple[int, int, int]:
    """(first, last, total) of the topic columns wholly in view, 1-based; (0, 0, n) if none.

    The actor column is frozen at the left; the topic columns scroll behind it.
    """
    widths = [col.get_render_width(table) for col in table.ordered_columns]
    if not widths:
        return 0, 0, 0
    fixed = sum(widths[: table.fixed_columns])
    left = table.scroll_x + fixed
    right = table.scroll_x + table.scrollable_content_region.width
    shown, x = [], fixed
    for number, width in enumerate(widths[table.fixed_columns:], start=1):
        if x >= left and x + width <= right:
            shown.append(number)
        x += width
    total = len(widths) - table.fixed_columns
    return (shown[0], shown[-1], total) if shown else (0, 0, total)


class PositionsPanel(Vertical):
    """Rows are actors, columns are topics; selecting a cell asks for its evidence.

    The actor column stays put while the topics scroll, and the title says which topics
    are in view when not all of them are.
    """

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
    topic_tags: reactive[dict[str, str]] = reactive(dict)  # short column headers
    actor_filter: reactive[str | None] = reactive(None)
    topic_filter: reactive[str | None] = reactive(None)
    pending: reactive[bool] = reactive(False)  # the positions are still being read

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        # what the table shows, to repaint only what changed
        self._painted: tuple[object, ...] | None = None
        self._columns_shown: list[str] = []
        self._headers: list[Text] = []
        self._keys: list[str] = []
        self._shown: list[tuple[Text, ...]] = []

    def compose(self) -> ComposeResult:
        yield Static(Text("Actor positions", style="bold"), classes="panel-title")
        yield NavTable(id="positions-table", cursor_type="cell", fixed_columns=1)
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
        painted = (self.positions, self.actors, self.topics, self.topic_tags,
                   self.actor_filter, self.topic_filter)
        if painted == self._painted:
            return  # every snapshot sets the positions, mostly to the same ones
        self._painted = painted
        table = self.query_one(DataTable)
        by_cell = {(p.actor, p.topic): p for p in self.positions}
        topics = self._columns()
        headers = [Text("actor")] + [
            plain(self.topic_tags.get(t) or truncate(self.topics.get(t, t), 12)) for t in topics
        ]
        keys = self._rows()
        rows = [
            (cell(self.actors.get(a, a), 18), *(stance_cell(by_cell.get((a, t))) for t in topics))
            for a in keys
        ]
        columns = ["actor", *topics]
        same = (columns, headers, keys) == (self._columns_shown, self._headers, self._keys)
        # the same actors and topics: update only the changed cells, as rebuilding the
        # whole matrix after every snapshot stalls the event loop
        if not (same and patch_rows(table, keys, columns, self._shown, rows)):
            cursor = table.cursor_coordinate
            table.clear(columns=True)
            for key, header in zip(columns, headers, strict=True):
                table.add_column(header, key=key)
            for actor, cells in zip(keys, rows, strict=True):
                table.add_row(*cells, key=actor)
            if table.row_count:
                table.cursor_coordinate = table.validate_cursor_coordinate(cursor)
            self.call_after_refresh(self._show_range)
        self._columns_shown, self._headers, self._keys, self._shown = columns, headers, keys, rows

    def _show_range(self) -> None:
        """The title, with the topics in view when some are scrolled out of it."""
        if not self.is_mounted:
            return
        first, last, total = shown_range(self.query_one(DataTable))
        title = Text("Actor positions", style="bold")
        if self.pending:
            title.append("  reading the store…", style="italic")
        elif total and first and (first, last) != (1, total):
            more = ("← " if first > 1 else "") + ("→ " if last < total else "")
            title.append(f"  topics {first}–{last} of {total} {more}(←/→ scroll)")
        set_static(self.query_one(".panel-title", Static), title)

    def watch_positions(self) -> None:
        self._redraw()

    def watch_actor_filter(self) -> None:
        self._redraw()

    def watch_pending(self) -> None:
        self._show_range()

    def watch_topic_filter(self) -> None:
        self._redraw()

    def on_mount(self) -> None:
        self._redraw()
        self.watch(self.query_one(DataTable), "scroll_x", self._show_range, init=False)

    def on_resize(self) -> None:
        self.call_after_refresh(self._show_range)

    def on_show(self) -> None:
        self.call_after_refresh(self._show_range)  # a tab shown: the table has a width now

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
