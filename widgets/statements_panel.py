"""Latest statements, newest first, in a bounded table that pages older ones on demand."""

from __future__ import annotations

from datetime import datetime

from rich.text import Text
from textual.app import ComposeResult
from textual.containers import Vertical
from textual.message import Message
from textual.reactive import reactive
from textual.widgets import DataTable, Static

from dashboard.models import Statement
from widgets.plain_text import cell, set_static, truncate
from widgets.table_cells import patch_rows


def _time(when: datetime | None) -> Text:
    return Text(when.strftime("%m-%d %H:%M") if when else "?", no_wrap=True)


class StatementsPanel(Vertical):
    """A DataTable of statements: time, actor, speaker, statement, source."""

    DEFAULT_CSS = """
    StatementsPanel > DataTable { height: 1fr; }
    StatementsPanel > .panel-title { height: 1; }
    """

    class Selected(Message):
        """The analyst chose a statement (enter or click)."""

        def __init__(self, statement: Statement) -> None:
            self.statement = statement
            super().__init__()

    class MoreRequested(Message):
        """The cursor reached the bottom: the App may page in up to `limit` statements older
        than `before` (half the window, so the row being read stays in it)."""

        def __init__(self, before: datetime, limit: int) -> None:
            self.before = before
            self.limit = limit
            super().__init__()

    statements: reactive[tuple[Statement, ...]] = reactive((), always_update=True)
    actors: reactive[dict[str, str]] = reactive(dict)
    filter_label: reactive[str] = reactive("")

    def __init__(self, *, max_rows: int = 200, **kwargs) -> None:
        super().__init__(**kwargs)
        self.max_rows = max_rows
        self.paged = False
        self._asked_before: datetime | None = None
        self._shown: list[tuple[Text, ...]] = []  # the cells now in the table, row by row
        self._memo: dict[tuple, tuple[Text, ...]] = {}
        self._columns = ("time", "actor", "speaker", "text", "source")

    def compose(self) -> ComposeResult:
        yield Static(Text("Latest statements", style="bold"), classes="panel-title")
        table: DataTable = DataTable(id="statements-table", cursor_type="row", zebra_stripes=True)
        table.add_column("time", key="time")
        table.add_column("actor", key="actor")
        table.add_column("speaker", key="speaker")
        table.add_column("statement", key="text")
        table.add_column("source", key="source")
        yield table

    @property
    def selected(self) -> Statement | None:
        """The statement under the cursor, if any."""
        table = self.query_one(DataTable)
        if not self.statements or table.cursor_row >= len(self.statements):
            return None
        return self.statements[max(0, table.cursor_row)]

    def append_older(self, older: tuple[Statement, ...] | list[Statement]) -> None:
        """Add statements older than the last row, keeping at most `max_rows` (newest dropped).

        The cursor stays on the statement it was on, although rows above it may go.
        """
        known = {(s.item_id, s.sentence, s.speaker) for s in self.statements}
        extra = tuple(s for s in older if (s.item_id, s.sentence, s.speaker) not in known)
        if not extra:
            return
        table = self.query_one(DataTable)
        row = table.cursor_row
        combined = self.statements + extra
        dropped = max(0, len(combined) - self.max_rows)
        self.statements = combined[dropped:]
        self.paged = True
        table.move_cursor(row=max(0, row - dropped), animate=False)

    @property
    def following(self) -> bool:
        """True unless the analyst paged into older statements and is reading below the top.

        While not following, the App leaves the rows alone so they do not jump under the
        cursor; back on the first row, the panel follows the newest statements again.
        """
        return not self.paged or self.query_one(DataTable).cursor_row == 0

    def show_latest(self, statements: tuple[Statement, ...]) -> None:
        """Show the newest statements (a new snapshot or a changed filter)."""
        self.paged = False
        self.statements = statements

    def watch_filter_label(self, label: str) -> None:
        title = Text("Latest statements", style="bold")
        if label:
            title.append(f"  filter: {truncate(label, 40)}")
        set_static(self.query_one(".panel-title", Static), title)

    def _cells(self, s: Statement) -> tuple[Text, ...]:
        actor = self.actors.get(s.actor or "", s.actor or "?")
        return (
            _time(s.time),
            cell(actor, 16),
            cell(s.speaker, 22),
            cell(s.text, 70),
            cell(s.source_id, 16),
        )

    def watch_statements(self, statements: tuple[Statement, ...]) -> None:
        table = self.query_one(DataTable)
        # Formatting is memoised per statement (and actor name) across snapshots: a round
        # adds a few statements, the other rows are the ones already shown.
        memo = self._memo
        fresh: dict[tuple, tuple[Text, ...]] = {}
        rows = []
        for s in statements:
            key = (s.item_id, s.sentence, s.speaker, s.text, s.time, s.source_id,
                   self.actors.get(s.actor or "", s.actor or "?"))
            cells = memo.get(key) or fresh.get(key) or self._cells(s)
            fresh[key] = cells
            rows.append(cells)
        self._memo = fresh
        if rows != self._shown:
            keys = [str(i) for i in range(len(rows))]
            changed = sum(a != b for a, b in zip(rows, self._shown, strict=False))
            # A few rows differ in place: update those cells. New statements on top shift
            # every row, and then a rebuild costs less than updating every cell.
            if (len(rows) != len(self._shown) or changed > len(rows) // 4
                    or not patch_rows(table, keys, self._columns, self._shown, rows)):
                row = table.cursor_row
                table.clear()
                for key, cells in zip(keys, rows, strict=True):
                    table.add_row(*cells, key=key)
                if statements:
                    table.move_cursor(row=min(max(row, 0), len(statements) - 1),
                                      animate=False)
            self._shown = rows
        self._asked_before = None

    def on_data_table_row_selected(self, event: DataTable.RowSelected) -> None:
        event.stop()
        statement = self.selected
        if statement is not None:
            self.post_message(self.Selected(statement))

    def on_data_table_row_highlighted(self, event: DataTable.RowHighlighted) -> None:
        event.stop()
        # Bottom reached: ask once per oldest row for older statements.
        # (the table's cursor now, not the event's: a redraw may have moved it since)
        row = self.query_one(DataTable).cursor_row
        if not self.statements or row < len(self.statements) - 1:
            return
        oldest = self.statements[-1].time
        if oldest is not None and oldest != self._asked_before:
            self._asked_before = oldest
            self.post_message(self.MoreRequested(oldest, max(1, self.max_rows // 2)))
