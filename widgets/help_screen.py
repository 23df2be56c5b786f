"""The help screen: every key and what it does."""

from __future__ import annotations

from typing import ClassVar

from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import VerticalScroll
from textual.screen import ModalScreen
from textual.widgets import Static

KEYS: tuple[tuple[str, str], ...] = (
    ("q", "quit (ctrl+q too)"),
    ("?", "this help"),
    ("1 … 5", "show a panel (statements … sources)"),
    ("tab / shift+tab", "next / previous panel"),
    ("j / k", "down / up in a table"),
    ("g / G, home / end", "first / last row"),
    ("/", "filter statements by text"),
    ("a", "filter by actor"),
    ("t", "filter positions by topic"),
    ("escape", "clear filters / close"),
    ("enter", "details of the selection"),
    ("c", "copy the selection's link (http/https only)"),
    ("r", "refresh now"),
    ("p", "pause / resume fetching"),
    ("m", "mute / unmute alerts"),
    ("y / n", "confirm / reject the selected pending change (asks first)"),
    ("u", "undo a recognition decision (the selected one in its history, else the newest)"),
    ("ctrl+p", "command palette"),
)


def help_text() -> Text:
    """The key table as Text."""
    out = Text("Flashpoint keys\n\n", style="bold")
    for key, what in KEYS:
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

    def compose(self) -> ComposeResult:
        with VerticalScroll(id="help-body"):
            yield Static(help_text())
