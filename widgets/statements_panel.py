"""Latest statements, newest first, in a bounded table that pages older ones on demand.

Rows are keyed by statement, so the cursor stays on the statement it was on when new
rows arrive; the selected statement is shown in full in a preview under the table.
"""

from __future__ import annotations

from datetime import date, datetime

from rich.text import Text
from textual.app import ComposeResult
from textual.containers import Vertical
from textual.message import Message
from textual.reactive import reactive
from textual.widgets import DataTable, Static

from dashboard.models import Statement
from widgets.nav_table import NavTable
from widgets.plain_text import set_static, truncate
from widgets.statement_cells import Layout, layout_for, preview, row_cells, statement_key
from widgets.table_cells import show_rows


class StatementsPanel(Vertical):
    """A DataTable of statements (time, actor, speaker, statement, source when wide) and a
    preview of the selected one."""

    DEFAULT_CSS = """
    StatementsPanel > DataTable { height: 1fr; }
    StatementsPanel > .panel-title { height: 1; }
    StatementsPanel > #statement-preview { height: auto; max-height: 4; }
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
    actor_tags: reactive[dict[str, str]] = reactive(dict)
    source_names: reactive[dict[str, str]] = reactive(dict)
    filter_label: reactive[str] = reactive("")
    today: reactive[date | None] = reactive(None)  # compact times show the hour on this day

    def __init__(self, *, max_rows: int = 200, **kwargs) -> None:
        super().__init__(**kwargs)
        self.max_rows = max_rows
        self.paged = False
        self._asked_before: datetime | None = None
        self._shown: list[tuple[Text, ...]] = []  # the cells now in the table, row by row
        self._keys: list[str] = []  # the row keys now in the table
        self._memo: dict[tuple, tuple[Text, ...]] = {}
        self._layout: Layout | None = None  # set from the panel's width on the first resize

    def compose(self) -> ComposeResult:
        yield Static(Text("Latest statements", style="bold"), classes="panel-title")
        yield NavTable(id="statements-table", cursor_type="row", zebra_stripes=True)
        yield Static(Text(""), id="statement-preview")

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
        combined = self.statements + extra
        dropped = max(0, len(combined) - self.max_rows)
        self.paged = True
        self.statements = combined[dropped:]

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

    def watch_today(self) -> None:
        if self._layout is not None and self._layout.compact:
            self.statements = self.statements  # compact times read against the day

    def on_resize(self) -> None:
        layout = layout_for(self.size.width)
        if layout != self._layout:
            self._layout = layout
            table = self.query_one(DataTable)
            table.clear(columns=True)
            for key, header, width in layout.columns:
                table.add_column(Text(header), width=width, key=key)
            self._shown, self._keys = [], []
            self.statements = self.statements  # the rows again, in the new columns

    def _cells(self, s: Statement, layout: Layout) -> tuple[Text, ...]:
        actor = self.actors.get(s.actor or "", s.actor or "?")
        tag = self.actor_tags.get(s.actor or "", actor)
        return row_cells(s, layout, actor=actor, tag=tag, today=self.today,
                         source=self.source_names.get(s.source_id, s.source_id))

    def watch_statements(self, statements: tuple[Statement, ...]) -> None:
        if self._layout is None:
            return  # no columns before the first resize; it shows the rows
        layout = self._layout
        table = self.query_one(DataTable)
        # Formatting is memoised per statement (and its names) across snapshots: a round
        # adds a few statements, the other rows are the ones already shown.
        memo = self._memo
        fresh: dict[tuple, tuple[Text, ...]] = {}
        rows, keys, seen = [], [], set()
        for s in statements:
            key = (s, layout, self.actors.get(s.actor or ""), self.actor_tags.get(s.actor or ""),
                   self.source_names.get(s.source_id), self.today if layout.compact else None)
            cells = memo.get(key) or fresh.get(key) or self._cells(s, layout)
            fresh[key] = cells
            rows.append(cells)
            row_key = statement_key(s)
            while row_key in seen:  # the same statement twice: still one row each
                row_key += "\x1f+"
            seen.add(row_key)
            keys.append(row_key)
        self._memo = fresh
        # new statements arrive on top: they are added and the oldest removed, the rows
        # that stay are kept (patched where a cell changed), the cursor stays on its
        # statement; a 200-row rebuild after every round stalled the event loop
        show_rows(table, keys, self._keys, self._shown, rows)
        self._shown, self._keys = rows, keys
        self._asked_before = None
        self._show_preview()

    def _show_preview(self) -> None:
        chosen = self.selected
        text = Text("")
        if chosen is not None:
            actor = self.actors.get(chosen.actor or "", chosen.actor or "")
            source = self.source_names.get(chosen.source_id, chosen.source_id)
            text = preview(chosen, actor=actor, source=source, width=max(20, self.size.width))
        set_static(self.query_one("#statement-preview", Static), text)

    def on_data_table_row_selected(self, event: DataTable.RowSelected) -> None:
        event.stop()
        statement = self.selected
        if statement is not None:
            self.post_message(self.Selected(statement))

    def on_data_table_row_highlighted(self, event: DataTable.RowHighlighted) -> None:
        event.stop()
        self._show_preview()
        # Bottom reached: ask once per oldest row for older statements.
        # (the table's cursor now, not the event's: a redraw may have moved it since)
        row = self.query_one(DataTable).cursor_row
        if not self.statements or row < len(self.statements) - 1:
            return
        oldest = self.statements[-1].time
        if oldest is not None and oldest != self._asked_before:
            self._asked_before = oldest
            self.post_message(self.MoreRequested(oldest, max(1, self.max_rows // 2)))
