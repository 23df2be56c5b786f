"""The cheap-repaint helpers keep what is shown right while skipping needless work."""

from __future__ import annotations

from rich.text import Text
from textual.app import App, ComposeResult
from textual.widgets import Static

from widgets.plain_text import cell, set_static


class OneStatic(App):
    CSS = "Static { width: 30; height: auto; }"

    def compose(self) -> ComposeResult:
        yield Static(Text("Escalation 10 calm"))


async def test_set_static_lays_out_only_when_the_height_may_change():
    app = OneStatic()
    async with app.run_test(size=(40, 10)) as pilot:
        static = app.query_one(Static)
        await pilot.pause()
        layouts = static._layout_updates

        set_static(static, Text("Escalation 12 calm"))  # same height: repaint only
        assert static.content.plain == "Escalation 12 calm"
        assert static._layout_updates == layouts

        set_static(static, Text("Escalation 12 calm"))  # unchanged: nothing at all
        assert static._layout_updates == layouts

        set_static(static, Text("Escalation 40 tense\ndriver: troops"))  # one more line
        assert static._layout_updates == layouts + 1
        await pilot.pause()
        assert static.size.height == 2

        layouts = static._layout_updates
        set_static(static, Text("x" * 45 + "\ny"))  # same line count, but the first wraps
        assert static._layout_updates == layouts + 1
        await pilot.pause()
        assert static.size.height == 3


def test_cells_are_one_clean_line_cut_to_width():
    value = cell("\x1b[31mVucic\u202e said [b]no[/b] to the return of troops", 20)
    assert value.no_wrap is True
    assert value.plain == "[31mVucic said [b]n…"
    assert len(value.plain) == 20
    assert "\x1b" not in value.plain and "\u202e" not in value.plain
    assert cell("short").plain == "short" and not cell("short").spans
