"""The help screen: every key and what it does."""

from __future__ import annotations

from collections.abc import Sequence
from typing import ClassVar

from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import VerticalScroll
from textual.screen import ModalScreen
from textual.widgets import Static


def help_text(rows: Sequence[tuple[str, str]]) -> Text:
    """The key table as Text: `rows` are (key, what it does), the App's action registry."""
    out = Text("Flashpoint keys\n\n", style="bold")
    for key, what in rows:
        out.append(f"{key:>18}  ", style="bold")
        out.append(f"{what}\n")
    out.append("\nPositions: ▲ support ▼ oppose ◆ conditional ● neutral · none ! changed\n")
    out.append("Sources: ✓ ok  = not modified  ✗ error  … postponed  ⟳ fetching\n")
    return out


class HelpScreen(ModalScreen[None]):
    """A modal list of keys; escape, q or ? closes it."""

    DEFAULT_CSS = """
    HelpScreen { align: center middle; }
    HelpScreen > VerticalScroll {
        background: $surface; border: round $primary; padding: 0 1;
        width: 76; max-width: 95%; height: auto; max-height: 90%; }
    """
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("escape,q,question_mark", "dismiss", "Close"),
    ]

    def __init__(self, rows: Sequence[tuple[str, str]]) -> None:
        super().__init__()
        self.rows = tuple(rows)

    def compose(self) -> ComposeResult:
        with VerticalScroll(id="help-body"):
            yield Static(help_text(self.rows))
