"""Sources: state, age of the last success, next run, error reason, fetching mark."""

from __future__ import annotations

from datetime import datetime

from rich.text import Text
from textual.app import ComposeResult
from textual.containers import Vertical
from textual.reactive import reactive
from textual.widgets import DataTable, Static

from dashboard.models import SourceView
from widgets.plain_text import cell
from widgets.table_cells import patch_rows

# A fixed mark rather than an animated spinner keeps snapshots deterministic.
FETCHING_MARK = "⟳"
STATE_SYMBOLS = {"ok": "✓", "not_modified": "=", "error": "✗", "postponed": "…", "never": "-"}
STATE_WORDS = {"not_modified": "not modified"}


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
    """A table of sources; `-error` is set while any source is failing."""

    DEFAULT_CSS = """
    SourcesPanel > DataTable { height: 1fr; }
    SourcesPanel > .panel-title { height: 1; }
    """

    sources: reactive[tuple[SourceView, ...]] = reactive((), always_update=True)
    now: reactive[datetime | None] = reactive(None)

    def compose(self) -> ComposeResult:
        yield Static(Text("Sources", style="bold"), classes="panel-title")
        table: DataTable = DataTable(id="sources-table", cursor_type="row")
        self._columns = table.add_columns("", "source", "state", "error", "last ok", "next",
                                          "items")
        self._shown: list[tuple[Text, ...]] = []  # the cells now in the table, row by row
        self._keys: list[str] = []
        yield table

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
            cell(h.last_error or "", 40),
            Text(age(h.last_success, self.now), no_wrap=True),
            Text(until(h.next_run, self.now), no_wrap=True),
            Text(str(h.items), no_wrap=True),
        )

    def watch_sources(self, sources: tuple[SourceView, ...]) -> None:
        table = self.query_one(DataTable)
        rows = [self._cells(s) for s in sources]
        keys = [s.id for s in sources]
        # the same sources in the same order (every snapshot but the first): touch only
        # the cells that changed, as a rebuild of every row stalls the event loop
        if keys != self._keys or not patch_rows(table, keys, self._columns, self._shown, rows):
            row = table.cursor_row
            table.clear()
            for key, cells in zip(keys, rows, strict=True):
                table.add_row(*cells, key=key)
            if sources:
                table.move_cursor(row=min(max(row, 0), len(sources) - 1), animate=False)
        self._shown, self._keys = rows, keys
        self.set_class(any(s.health.state == "error" for s in sources), "-error")
