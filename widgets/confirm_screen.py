"""A modal yes/no question; dismisses with True (y) or False (n, escape)."""

from __future__ import annotations

from typing import ClassVar

from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Vertical
from textual.screen import ModalScreen
from textual.widgets import Static

from widgets.plain_text import clean


class ConfirmScreen(ModalScreen[bool]):
    """Asks `question` (plain text, lines kept); `y` answers yes, `n` or escape no."""

    DEFAULT_CSS = """
    ConfirmScreen { align: center middle; }
    ConfirmScreen > Vertical {
        background: $surface; border: round $warning; padding: 0 1;
        width: 72; max-width: 95%; height: auto; }
    ConfirmScreen #confirm-keys { margin-top: 1; }
    """
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("y", "answer(True)", "Yes"),
        Binding("n,escape", "answer(False)", "No"),
    ]

    def __init__(self, title: str, question: str) -> None:
        super().__init__()
        self.title_text = title
        self.question = question

    def compose(self) -> ComposeResult:
        body = Text(f"{clean(self.title_text)}\n\n", style="bold")
        # the question may quote a country name from data files: cleaned line by line
        body.append("\n".join(clean(line) for line in self.question.splitlines()))
        with Vertical(id="confirm-body"):
            yield Static(body, id="confirm-question")
            yield Static(Text("y yes    n / escape no", style="bold"), id="confirm-keys")

    def action_answer(self, yes: bool) -> None:
        """Close with the answer."""
        self.dismiss(yes)
