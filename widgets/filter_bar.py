"""The text filter input shown by `/`."""

from __future__ import annotations

from typing import ClassVar

from textual.binding import Binding, BindingType
from textual.message import Message
from textual.widgets import Input


class FilterBar(Input):
    """An Input that posts `FilterChanged` on enter and hides itself on escape."""

    DEFAULT_CSS = """
    FilterBar { display: none; }
    FilterBar.-visible { display: block; }
    """
    BINDINGS: ClassVar[list[BindingType]] = [Binding("escape", "close", "Close filter")]

    class FilterChanged(Message):
        """The text filter changed ('' clears it)."""

        def __init__(self, text: str) -> None:
            self.text = text
            super().__init__()

    def open(self) -> None:
        """Show and focus the bar."""
        self.add_class("-visible")
        self.focus()

    def action_close(self) -> None:
        """Hide the bar without changing the filter."""
        self.remove_class("-visible")
        self.screen.focus_next()

    def on_input_submitted(self, event: Input.Submitted) -> None:
        event.stop()
        self.post_message(self.FilterChanged(event.value.strip()))
        self.action_close()
