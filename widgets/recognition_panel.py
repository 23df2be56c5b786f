"""Recognition: series with bars and provenance, blocs, counts, changes to confirm."""

from __future__ import annotations

from typing import ClassVar

from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import VerticalScroll
from textual.message import Message
from textual.reactive import reactive
from textual.widgets import DataTable, Static

from dashboard.models import PendingStatus, Recognition, RecognitionEvent
from widgets.plain_text import cell, clean, set_static, truncate

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
        of = f"/{s.of}" if s.of else ""
        out.append(f"{truncate(s.label, 28):<28} {bar(s.count, s.of)} {s.count}{of}\n")
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
            out.append(f"  {when} {clean(e.country)} {e.change} ({e.status})\n")
    return out


class RecognitionPanel(VerticalScroll):
    """The recognition summary and a table of pending changes; y confirms, n rejects."""

    DEFAULT_CSS = """
    RecognitionPanel > #recognition-pending { height: auto; max-height: 8; }
    RecognitionPanel > Static { height: auto; }
    """

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("y", "decide('confirmed')", "Confirm change"),
        Binding("n", "decide('rejected')", "Reject change"),
    ]

    class Decided(Message):
        """The analyst confirmed or rejected the pending change with this key."""

        def __init__(self, key: str, status: PendingStatus) -> None:
            self.key = key
            self.status = status
            super().__init__()

    class PendingSelected(Message):
        """The analyst opened a pending change (enter) to read its evidence."""

        def __init__(self, event: RecognitionEvent) -> None:
            self.event = event
            super().__init__()

    recognition: reactive[Recognition | None] = reactive(None, always_update=True)

    def compose(self) -> ComposeResult:
        # Pending changes first: they are what the analyst acts on.
        yield Static(Text("Pending changes (y confirm, n reject)", style="bold"))
        table: DataTable = DataTable(id="recognition-pending", cursor_type="row")
        table.add_columns("country", "change", "evidence")
        yield table
        yield Static(Text("Recognition", style="bold"), id="recognition-summary")

    @property
    def pending(self) -> tuple[RecognitionEvent, ...]:
        """Pending changes in table order."""
        return self.recognition.pending if self.recognition else ()

    @property
    def selected(self) -> RecognitionEvent | None:
        """The pending change under the cursor, if any."""
        row = self.query_one(DataTable).cursor_row
        return self.pending[row] if 0 <= row < len(self.pending) else None

    def watch_recognition(self, rec: Recognition | None) -> None:
        if rec is None:
            return
        set_static(self.query_one("#recognition-summary", Static), summary_text(rec))
        table = self.query_one(DataTable)
        row = table.cursor_row
        table.clear()
        for event in rec.pending:
            table.add_row(
                cell(event.country), cell(event.change), cell(event.evidence, 80)
            )
        if rec.pending:
            table.move_cursor(row=min(max(row, 0), len(rec.pending) - 1), animate=False)
        self.set_class(bool(rec.pending), "-pending")

    def action_decide(self, status: PendingStatus) -> None:
        """Post `Decided` for the selected pending change (nothing when there is none)."""
        event = self.selected
        if event is not None:
            self.post_message(self.Decided(event.key, status))

    def on_data_table_row_selected(self, event: DataTable.RowSelected) -> None:
        event.stop()
        chosen = self.selected
        if chosen is not None:
            self.post_message(self.PendingSelected(chosen))
