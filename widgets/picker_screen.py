"""A modal list to pick one id (an actor or a topic); dismisses with the id or None."""

from __future__ import annotations

from typing import ClassVar

from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.screen import ModalScreen
from textual.widgets import OptionList
from textual.widgets.option_list import Option

from widgets.plain_text import plain

ALL = "__all__"


class PickerScreen(ModalScreen[str | None]):
    """Choose from `choices` (id -> label); the first option clears the filter (""),
    escape cancels (None)."""

    DEFAULT_CSS = """
    PickerScreen { align: center middle; }
    PickerScreen > OptionList { width: 50; max-height: 80%; }
    """
    BINDINGS: ClassVar[list[BindingType]] = [Binding("escape", "cancel", "Cancel")]

    def __init__(self, title: str, choices: dict[str, str]) -> None:
        super().__init__()
        self.title_text = title
        self.choices = choices

    def compose(self) -> ComposeResult:
        options = [Option(plain(f"(all — {self.title_text})"), id=ALL)]
        options += [Option(plain(label), id=key) for key, label in self.choices.items()]
        yield OptionList(*options, id="picker-options")

    def on_option_list_option_selected(self, event: OptionList.OptionSelected) -> None:
        event.stop()
        chosen = event.option.id
        self.dismiss("" if chosen == ALL else chosen)

    def action_cancel(self) -> None:
        """Close without choosing."""
        self.dismiss(None)
