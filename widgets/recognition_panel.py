"""Recognition: series with bars and provenance, blocs, counts, changes to confirm."""

from __future__ import annotations

from typing import Any, ClassVar

from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import VerticalScroll
from textual.message import Message
from textual.reactive import reactive
from textual.widgets import DataTable, Static

from dashboard.models import Decision, PendingStatus, Recognition, RecognitionEvent
from widgets.nav_table import NavTable
from widgets.plain_text import cell, clean, set_static, truncate
from widgets.table_cells import show_rows

BAR_WIDTH = 20


def bar(count: int, of: int | None, width: int = BAR_WIDTH) -> str:
    """A text bar of count/of; blank when there is no denominator (nothing to compare)."""
    if not of:
        return " " * width
    filled = round(width * min(count, of) / of)
    return "█" * filled + "░" * (width - filled)


def summary_text(rec: Recognition) -> Text:
    """Series, blocs, unverified/disputed counts and recent changes as plain Text."""
    out = Text()
    if not (rec.subject or rec.series or rec.blocs or rec.pending or rec.recent):
        out.append("No recognition subject configured.", style="dim")
        return out
    title = f"Recognition of {clean(rec.subject)}" if rec.subject else "Recognition"
    out.append(f"{title}\n", style="bold")
    for s in rec.series:
        # the label whole on its own line: cut to fit beside the bar it lost its meaning
        # ("Kosovo's own count (incl. n…")
        out.append(f"{clean(s.label)}\n")
        gauge = f"{bar(s.count, s.of)} " if s.of else ""
        out.append(f"  {gauge}{s.count}{f'/{s.of}' if s.of else ''}\n")
        as_of = f", as of {clean(s.as_of)}" if s.as_of else ""
        out.append(f"  source: {truncate(s.source, 60)}{as_of}\n", style="dim")
    if rec.blocs:
        out.append("Blocs\n", style="bold")
        for b in rec.blocs:
            out.append(f"  {truncate(b.bloc, 14):<14} {b.recognizing}/{b.members}")
            if b.not_recognizing:
                out.append(f"  not: {truncate(', '.join(b.not_recognizing), 50)}", style="dim")
            out.append("\n")
    out.append(f"unverified rows: {rec.unverified_rows}   disputed rows: {rec.disputed_rows}\n")
    if rec.recent:
        out.append("Recent changes\n", style="bold")
        for e in rec.recent[:5]:
            when = e.time.strftime("%Y-%m-%d") if e.time else "undated"
            country = country_label(e.country, rec.countries)
            out.append(f"  {when} {country} {e.change} ({e.status})\n")
    return out


def country_label(iso3: str, names: dict[str, str]) -> str:
    """`Greece (GRC)`, or the bare code when the ledger does not name it."""
    name = names.get(iso3)
    return f"{clean(name)} ({clean(iso3)})" if name and name != iso3 else clean(iso3)


class RecognitionPanel(VerticalScroll):
    """Pending changes (y confirm, n reject), the analyst's decisions (u undo), the summary.

    y and n act only on the pending change under the cursor of the pending table, and u
    on the decision under the cursor of the decisions table (else the newest one that
    still holds); the App asks before anything is written.
    """

    DEFAULT_CSS = """
    RecognitionPanel > #recognition-pending { height: auto; max-height: 8; }
    RecognitionPanel > #recognition-decisions { height: auto; max-height: 6; }
    RecognitionPanel > Static { height: auto; }
    """

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("y", "decide('confirmed')", "Confirm change"),
        Binding("n", "decide('rejected')", "Reject change"),
        Binding("u", "undo_decision", "Undo decision"),
    ]

    class Decided(Message):
        """The analyst asked to confirm or reject this pending change (not yet done)."""

        def __init__(self, event: RecognitionEvent, status: PendingStatus) -> None:
            self.event = event
            self.key = event.key
            self.status = status
            super().__init__()

    class UndoRequested(Message):
        """The analyst asked to undo a decision (None: the newest that still holds)."""

        def __init__(self, decision: Decision | None) -> None:
            self.decision = decision
            super().__init__()

    class PendingSelected(Message):
        """The analyst opened a pending change (enter) to read its evidence."""

        def __init__(self, event: RecognitionEvent) -> None:
            self.event = event
            super().__init__()

    recognition: reactive[Recognition | None] = reactive(None, always_update=True)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self._painted: Recognition | None = None  # what the tables and summary show
        self._pending_rows: list[tuple[Text, ...]] = []
        self._decision_rows: list[tuple[Text, ...]] = []

    def compose(self) -> ComposeResult:
        yield Static(Text("Recognition", style="bold"), classes="panel-title")
        # Pending changes first: they are what the analyst acts on.
        yield Static(Text("Pending changes (y confirm, n reject)", style="bold"))
        table: DataTable = NavTable(id="recognition-pending", cursor_type="row")
        table.add_columns("country", "change", "evidence")
        yield table
        yield Static(Text("Your decisions (u undo)", style="bold"), id="decisions-title")
        decisions: DataTable = NavTable(id="recognition-decisions", cursor_type="row")
        decisions.add_columns("time", "country", "change", "decision")
        yield decisions
        yield Static(Text("Recognition", style="bold"), id="recognition-summary")

    @property
    def pending(self) -> tuple[RecognitionEvent, ...]:
        """Pending changes in table order."""
        return self.recognition.pending if self.recognition else ()

    @property
    def decisions(self) -> tuple[Decision, ...]:
        """The analyst's decisions in table order (newest first)."""
        return self.recognition.decisions if self.recognition else ()

    @property
    def selected(self) -> RecognitionEvent | None:
        """The pending change under the cursor, if any."""
        row = self.query_one("#recognition-pending", DataTable).cursor_row
        return self.pending[row] if 0 <= row < len(self.pending) else None

    @property
    def selected_decision(self) -> Decision | None:
        """The decision under the cursor while the decisions table has focus."""
        table = self.query_one("#recognition-decisions", DataTable)
        row = table.cursor_row
        if not table.has_focus or not 0 <= row < len(self.decisions):
            return None
        return self.decisions[row]

    def watch_recognition(self, rec: Recognition | None) -> None:
        # every snapshot sets this, mostly to an equal value: repaint nothing then, and
        # otherwise only the cells that changed (a rebuild of every row stalls the loop)
        if rec is None or rec == self._painted:
            return
        self._painted = rec
        set_static(self.query_one("#recognition-summary", Static), summary_text(rec))
        rows = [(cell(country_label(e.country, rec.countries), 24), cell(e.change),
                 cell(e.evidence, 80)) for e in rec.pending]
        self._pending_rows = self._show(self.query_one("#recognition-pending", DataTable),
                                        self._pending_rows, rows)
        self._show_decisions(rec)
        self.set_class(bool(rec.pending), "-pending")

    @staticmethod
    def _show(table: DataTable, shown: list[tuple[Text, ...]],
              rows: list[tuple[Text, ...]]) -> list[tuple[Text, ...]]:
        """Show `rows` where `shown` is; rows are keyed by position, like the cursor."""
        show_rows(table, [str(i) for i in range(len(rows))],
                  [str(i) for i in range(len(shown))], shown, rows)
        return rows

    def _show_decisions(self, rec: Recognition) -> None:
        table = self.query_one("#recognition-decisions", DataTable)
        rows = [(cell(d.time.strftime("%m-%d %H:%M")),
                 cell(country_label(d.country, rec.countries), 24), cell(d.change),
                 cell(f"{'undo → ' if d.undo else ''}{d.status}")) for d in rec.decisions]
        self._decision_rows = self._show(table, self._decision_rows, rows)
        table.display = bool(rec.decisions)
        self.query_one("#decisions-title", Static).display = bool(rec.decisions)

    def action_decide(self, status: PendingStatus) -> None:
        """Ask to decide the pending change under the cursor, only from the pending table."""
        table = self.query_one("#recognition-pending", DataTable)
        event = self.selected
        if table.has_focus and event is not None:
            self.post_message(self.Decided(event, status))
        else:
            self.notify("Select a pending change in the Recognition panel first "
                        "(tab to it, then y or n).", markup=False)

    def action_undo_decision(self) -> None:
        """Ask to undo the decision under the cursor, else the newest that still holds."""
        if not self.decisions:
            self.notify("No decision to undo.", markup=False)
            return
        self.post_message(self.UndoRequested(self.selected_decision))

    def on_data_table_row_selected(self, event: DataTable.RowSelected) -> None:
        event.stop()
        if event.data_table.id != "recognition-pending":
            return
        chosen = self.selected
        if chosen is not None:
            self.post_message(self.PendingSelected(chosen))
