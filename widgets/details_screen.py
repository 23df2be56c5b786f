"""A modal screen with the full details of one selection (statement, position, change)."""

from __future__ import annotations

from typing import ClassVar

from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import VerticalScroll
from textual.message import Message
from textual.screen import ModalScreen
from textual.widgets import Static

from widgets.plain_text import clean


def details_text(title: str, fields: list[tuple[str, object]]) -> Text:
    """Labelled, cleaned fields as one Text; long values wrap."""
    out = Text(f"{clean(title)}\n\n", style="bold")
    for label, value in fields:
        out.append(f"{label}: ", style="bold")
        out.append(f"{clean(value)}\n")
    return out


class DetailsScreen(ModalScreen[None]):
    """Shows `fields` (label, untrusted value) as plain text; `link` is what `c` copies."""

    DEFAULT_CSS = """
    DetailsScreen { align: center middle; }
    DetailsScreen > VerticalScroll {
        background: $surface; border: round $primary; padding: 0 1;
        width: 90%; height: auto; max-height: 90%; }
    """
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("escape,q", "dismiss", "Close"),
        Binding("c", "copy", "Copy link"),
    ]

    class CopyRequested(Message):
        """The analyst asked to copy this screen's link; the App decides whether it may."""

        def __init__(self, link: str | None) -> None:
            self.link = link
            super().__init__()

    def __init__(self, title: str, fields: list[tuple[str, object]], link: str | None = None):
        super().__init__()
        self.title_text = title
        self.fields = fields
        self.link = link

    def compose(self) -> ComposeResult:
        with VerticalScroll(id="details-body"):
            yield Static(details_text(self.title_text, self.fields))

    def action_copy(self) -> None:
        """Ask the App to copy the link (it refuses anything but http/https)."""
        self.post_message(self.CopyRequested(self.link))
