"""Actor × topic matrix of current positions, readable without colour.

The matrix takes the roomiest form in which every topic fits the panel's width
(widgets/positions_layout.py): stance words where there is room, a symbol and an evidence
count headed by short names or abbreviations where there is less. The line under the
table names the cell under the cursor in full, so every form stays traceable.
"""

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
from widgets.plain_text import set_static, truncate
from widgets.positions_layout import (
    COMPACT_LEGEND,
    LEGEND,
    NONE_SYMBOL,
    STANCE_SYMBOLS,
    Matrix,
    TopicColumn,
    build,
    describe,
    fit,
    positions_grid,
    stance_cell,
    topic_key,
)
from widgets.table_cells import patch_rows

__all__ = ["LEGEND", "NONE_SYMBOL", "STANCE_SYMBOLS", "PositionsPanel", "shown_range",
           "shown_rows", "stance_cell"]


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


def shown_rows(table: DataTable) -> tuple[int, int, int]:
    """(first, last, total) of the actor rows wholly in view, 1-based; (0, 0, n) if none.

    The rows are one line each and scroll under the fixed header.
    """
    total = table.row_count
    room = table.scrollable_content_region.height - (table.header_height
                                                     if table.show_header else 0)
    first = round(table.scroll_y)
    last = min(total, first + max(room, 0))
    return (first + 1, last, total) if last > first else (0, 0, total)


class PositionsPanel(Vertical):
    """Rows are actors, columns are topics; selecting a cell asks for its evidence.

    The actor column stays put while the topics scroll, and the title says which topics,
    and which actors, are in view when not all of them are (the table scrolls with the
    cursor).
    """

    DEFAULT_CSS = """
    PositionsPanel > DataTable { height: 1fr; }
    PositionsPanel > .panel-title { height: 1; }
    PositionsPanel > .cursor-cell { height: 1; }
    PositionsPanel > .cursor-cell.-two-lines { height: 2; }
    PositionsPanel > .topic-key { height: auto; display: none; }
    PositionsPanel > .topic-key.-shown { display: block; }
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
    actor_tags: reactive[dict[str, str]] = reactive(dict)  # the actor column when narrow
    topics: reactive[dict[str, str]] = reactive(dict)
    topic_tags: reactive[dict[str, str]] = reactive(dict)  # short column headers
    topic_abbrs: reactive[dict[str, str]] = reactive(dict)  # the headers when narrowest
    actor_filter: reactive[str | None] = reactive(None)
    topic_filter: reactive[str | None] = reactive(None)
    pending: reactive[bool] = reactive(False)  # the positions are still being read

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        # what the table shows, to repaint only what changed
        self._painted: tuple[object, ...] | None = None
        self._form = "words"  # the matrix's form (positions_layout.FORMS) as shown
        self._laid_width = 0  # the width it was chosen for
        self._columns_shown: list[str] = []
        self._headers: tuple[Text, ...] = ()
        self._keys: list[str] = []
        self._shown: tuple[tuple[Text, ...], ...] = ()

    def compose(self) -> ComposeResult:
        yield Static(Text("Actor positions", style="bold"), classes="panel-title")
        yield NavTable(id="positions-table", cursor_type="cell", fixed_columns=1)
        yield Static(Text(""), classes="cursor-cell")
        yield Static(Text(""), classes="topic-key")
        yield Static(Text(LEGEND, style="dim"), classes="legend")

    def _rows(self) -> list[str]:
        ids = list(self.actors) or sorted({p.actor for p in self.positions})
        return [a for a in ids if self.actor_filter in (None, a)]

    def _columns(self) -> list[str]:
        ids = list(self.topics) or sorted({p.topic for p in self.positions})
        return [t for t in ids if self.topic_filter in (None, t)]

    def _topic_columns(self, topics: list[str]) -> list[TopicColumn]:
        columns = []
        for number, topic in enumerate(topics, start=1):
            label = self.topics.get(topic, topic)
            short = self.topic_tags.get(topic) or truncate(label, 12)
            # without abbreviations (a snapshot that has none) the columns are numbered
            abbr = self.topic_abbrs.get(topic) or str(number)
            columns.append(TopicColumn(label, short, abbr))
        return columns

    def _width(self) -> int:
        """The cells the table has for its columns (0 before it is laid out or shown)."""
        return self.query_one(DataTable).scrollable_content_region.width

    def _matrix(self, width: int) -> Matrix:
        """The matrix in the form that fits `width`, or in the form shown when the table
        has no width yet (a hidden tab)."""
        keys, topics = self._rows(), self._columns()
        actors = [(self.actors.get(a, a), self.actor_tags.get(a) or truncate(
            self.actors.get(a, a), 8)) for a in keys]
        grid = positions_grid(keys, topics, self.positions)
        columns = self._topic_columns(topics)
        if width <= 0:
            return build(self._form, actors, columns, grid)
        return fit(width, actors, columns, grid)

    def _redraw(self, *, force: bool = False) -> None:
        if not self.is_mounted:
            return
        width = self._width()
        painted = (self.positions, self.actors, self.actor_tags, self.topics,
                   self.topic_tags, self.topic_abbrs, self.actor_filter, self.topic_filter)
        if painted == self._painted and not force:
            return  # every snapshot sets the positions, mostly to the same ones
        self._painted = painted
        table = self.query_one(DataTable)
        matrix = self._matrix(width)
        keys, topics = self._rows(), self._columns()
        columns = ["actor", *topics]
        same = ((matrix.form, columns, matrix.headers, keys)
                == (self._form, self._columns_shown, self._headers, self._keys))
        # the same form, actors and topics: update only the changed cells, as rebuilding
        # the whole matrix after every snapshot stalls the event loop
        if not (same and patch_rows(table, keys, columns, self._shown, matrix.rows)):
            cursor = table.cursor_coordinate
            table.clear(columns=True)
            table.cell_padding = matrix.padding
            table.header_height = matrix.header_height
            for key, header in zip(columns, matrix.headers, strict=True):
                table.add_column(header, key=key)
            for actor, cells in zip(keys, matrix.rows, strict=True):
                table.add_row(*cells, key=actor)
            if table.row_count:
                table.cursor_coordinate = table.validate_cursor_coordinate(cursor)
            self.call_after_refresh(self._show_range)
        if matrix.form != self._form or not same:
            self._show_form(matrix.form, self._topic_columns(topics))
        self._form, self._columns_shown, self._headers = matrix.form, columns, matrix.headers
        self._laid_width = width
        self._keys, self._shown = keys, matrix.rows
        self._show_cursor_cell()

    def _show_form(self, form: str, topics: list[TopicColumn]) -> None:
        """The key of the abbreviations and the legend that go with `form`."""
        key = self.query_one(".topic-key", Static)
        key.set_class(form == "codes", "-shown")
        if form == "codes":
            set_static(key, topic_key(topics, self.content_region.width or 80))
        legend = LEGEND if form == "words" else COMPACT_LEGEND
        set_static(self.query_one(".legend", Static), Text(legend, style="dim"))

    def _show_cursor_cell(self) -> None:
        """The line under the table: the cell under the cursor, in full."""
        chosen = self.selected
        if chosen is None:
            rows = self._rows()
            row = self.query_one(DataTable).cursor_coordinate.row
            line = Text(truncate(self.actors.get(rows[row], rows[row]), 40), style="bold") \
                if 0 <= row < len(rows) else Text("")
            if line:
                line.append("  → to a topic", style="dim")
        else:
            actor, topic, position = chosen
            line = describe(self.actors.get(actor, actor), self.topics.get(topic, topic),
                            position, two_lines=self._form == "codes")
        static = self.query_one(".cursor-cell", Static)
        # as high as the form's lines, whatever the cell: the table must not jump
        static.set_class(self._form == "codes", "-two-lines")
        set_static(static, line)

    def _show_range(self) -> None:
        """The title, with the topics in view when some are scrolled out of it; a form
        that no longer fits the width is changed first."""
        if not self.is_mounted:
            return
        width = self._width()
        if width > 0 and width != self._laid_width:
            if self._matrix(width).form != self._form:
                self._redraw(force=True)  # resized or shown: another form fits now
                return
            self._laid_width = width
            self._show_form(self._form, self._topic_columns(self._columns()))
        self._show_title()

    def _show_title(self) -> None:
        """The title: the topics and actors in view when some are scrolled out of it."""
        if not self.is_mounted:
            return
        table = self.query_one(DataTable)
        first, last, total = shown_range(table)
        top, bottom, actors = shown_rows(table)
        title = Text("Actor positions", style="bold")
        if self.pending:
            title.append("  reading the store…", style="italic")
        else:
            if actors and top and (top, bottom) != (1, actors):  # a short screen, many actors
                more = ("↑ " if top > 1 else "") + ("↓" if bottom < actors else "")
                title.append(f"  actors {top}–{bottom} of {actors} {more}".rstrip())
            if total and first and (first, last) != (1, total):
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
        table = self.query_one(DataTable)
        self.watch(table, "scroll_x", self._show_range, init=False)
        self.watch(table, "scroll_y", self._show_title, init=False)
        # the rows in view change too when the table has measured its cells (it does so
        # when the app is idle): its horizontal scroll bar may come or go
        self.watch(table, "show_horizontal_scrollbar",
                   lambda: self.call_after_refresh(self._show_title), init=False)

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

    def on_data_table_cell_highlighted(self, event: DataTable.CellHighlighted) -> None:
        event.stop()
        self._show_cursor_cell()

    def on_data_table_cell_selected(self, event: DataTable.CellSelected) -> None:
        event.stop()
        chosen = self.selected
        if chosen is not None:
            self.post_message(self.Selected(*chosen))
