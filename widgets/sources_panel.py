"""Sources: state, age of the last success, next run, error reason, fetching mark."""

from __future__ import annotations

from datetime import datetime

from rich.text import Text
from textual.app import ComposeResult
from textual.containers import Vertical
from textual.message import Message
from textual.reactive import reactive
from textual.widgets import DataTable, Static

from dashboard.models import SourceView
from widgets.nav_table import NavTable
from widgets.plain_text import cell, clean, set_static
from widgets.table_cells import show_rows

# A fixed mark rather than an animated spinner keeps snapshots deterministic.
FETCHING_MARK = "⟳"
STATE_SYMBOLS = {"ok": "✓", "not_modified": "=", "error": "✗", "postponed": "…", "never": "-"}
STATE_WORDS = {"not_modified": "not modified"}
ERRORS_SHOWN = 3  # failing sources whose error is shown in full under the table


def age(when: datetime | None, now: datetime | None) -> str:
    """How long ago `when` was, compactly (`3m`, `2h`, `5d`), or `never`."""
    if when is None or now is None:
        return "never"
    seconds = max(0, int((now - when).total_seconds()))
    for unit, size in (("d", 86400), ("h", 3600), ("m", 60)):
        if seconds >= size:
            return f"{seconds // size}{unit}"
    return f"{seconds}s"


def until(when: datetime | None, now: datetime | None) -> str:
    """How long until `when` (`in 5m`), or `-`."""
    if when is None or now is None:
        return "-"
    return "now" if when <= now else f"in {age(now, when)}"


class SourcesPanel(Vertical):
    """A table of sources with the selected one's error in full below it; enter opens
    its details. `-error` is set while any source is failing."""

    DEFAULT_CSS = """
    SourcesPanel > DataTable { height: 1fr; }
    SourcesPanel > .panel-title { height: 1; }
    SourcesPanel > #sources-error { height: auto; max-height: 8; }
    """

    class Selected(Message):
        """The analyst opened a source (enter) to read its details."""

        def __init__(self, source: SourceView) -> None:
            self.source = source
            super().__init__()

    sources: reactive[tuple[SourceView, ...]] = reactive((), always_update=True)
    now: reactive[datetime | None] = reactive(None)

    def compose(self) -> ComposeResult:
        yield Static(Text("Sources", style="bold"), classes="panel-title")
        table: DataTable = NavTable(id="sources-table", cursor_type="row")
        # the error last: it takes the width the others leave, and is shown in full below
        table.add_columns("", "source", "state", "last ok", "next", "items", "error")
        self._shown: list[tuple[Text, ...]] = []  # the cells now in the table, row by row
        self._keys: list[str] = []
        self._memo: dict[tuple, tuple[Text, ...]] = {}  # cells by (source, ages shown)
        yield table
        yield Static(Text(""), id="sources-error")

    @property
    def selected(self) -> SourceView | None:
        """The source under the cursor, if any."""
        row = self.query_one(DataTable).cursor_row
        return self.sources[row] if 0 <= row < len(self.sources) else None

    def _cells(self, s: SourceView) -> tuple[Text, ...]:
        h = s.health
        symbol = STATE_SYMBOLS.get(h.state, "?")
        state = Text(f"{symbol} {STATE_WORDS.get(h.state, h.state)}", no_wrap=True)
        if h.state == "error":
            state.stylize("bold red")
        return (
            Text(FETCHING_MARK if s.fetching else " ", no_wrap=True),
            cell(s.name or s.id, 24),
            state,
            Text(age(h.last_success, self.now), no_wrap=True),
            Text(until(h.next_run, self.now), no_wrap=True),
            Text(str(h.items), no_wrap=True),
            cell(h.last_error or "", 160),
        )

    def watch_sources(self, sources: tuple[SourceView, ...]) -> None:
        table = self.query_one(DataTable)
        # the cells of a source are kept while it and its ages read the same: the marks
        # change a few sources at a time, each second during a round
        memo = self._memo
        fresh: dict[tuple, tuple[Text, ...]] = {}
        rows = []
        for s in sources:
            key = (s, age(s.health.last_success, self.now), until(s.health.next_run, self.now))
            cells = fresh.get(key) or memo.get(key) or self._cells(s)
            fresh[key] = cells
            rows.append(cells)
        self._memo = fresh
        keys = [s.id for s in sources]
        # the same sources in the same order (every snapshot but the first): touch only
        # the cells that changed, as a rebuild of every row stalls the event loop
        show_rows(table, keys, self._keys, self._shown, rows)
        self._shown, self._keys = rows, keys
        self.set_class(any(s.health.state == "error" for s in sources), "-error")
        self._show_error()

    def _show_error(self) -> None:
        """The errors in full under the table: the selected source's first, then others."""
        chosen = self.selected
        failing = [s for s in self.sources if s.health.last_error and s is not chosen]
        if chosen is not None and chosen.health.last_error:
            failing.insert(0, chosen)
        line = Text()
        for s in failing[:ERRORS_SHOWN]:
            line.append(f"{clean(s.name or s.id)}: ", style="bold")
            line.append(f"{clean(s.health.last_error)}\n")
        if len(failing) > ERRORS_SHOWN:
            line.append(f"and {len(failing) - ERRORS_SHOWN} more; ", style="dim")
        if failing:
            line.append("enter on a source: its details", style="dim")
        set_static(self.query_one("#sources-error", Static), line)

    def on_data_table_row_highlighted(self, event: DataTable.RowHighlighted) -> None:
        self._show_error()

    def on_data_table_row_selected(self, event: DataTable.RowSelected) -> None:
        event.stop()
        chosen = self.selected
        if chosen is not None:
            self.post_message(self.Selected(chosen))
