"""A DataTable with the usual keys of terminal lists: j/k, g/G and Home/End."""

from __future__ import annotations

from typing import ClassVar

from textual.binding import Binding, BindingType
from textual.widgets import DataTable


class NavTable(DataTable):
    """j/k move down/up; g/Home go to the first row, G/End to the last (DataTable's own
    Home/End scroll sideways, which a row list never needs)."""

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("j", "cursor_down", "Down", show=False),
        Binding("k", "cursor_up", "Up", show=False),
        Binding("g,home", "scroll_top", "First row", show=False),
        Binding("G,end", "scroll_bottom", "Last row", show=False),
    ]
