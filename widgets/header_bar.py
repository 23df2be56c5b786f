"""The header: theatre, clock, last update, mode and the escalation badge."""

from __future__ import annotations

from datetime import datetime

from rich.text import Text
from textual.reactive import reactive
from textual.widget import Widget

from dashboard.models import Level
from widgets.plain_text import clean

# Symbol and word as well as colour, so the level reads without colour.
LEVEL_BADGES: dict[str, tuple[str, str]] = {
    "calm": ("○", "success"),
    "tense": ("◔", "primary"),
    "elevated": ("◑", "warning"),
    "high": ("◕", "warning"),
    "critical": ("●", "error"),
}


def _short(when: datetime | None) -> str:
    return when.strftime("%m-%d %H:%M") if when else "never"


class HeaderBar(Widget):
    """One line: theatre name, mode, last update, clock and the escalation badge."""

    DEFAULT_CSS = """
    HeaderBar { height: 1; }
    """

    theatre: reactive[str] = reactive("")
    now: reactive[datetime | None] = reactive(None)
    updated: reactive[datetime | None] = reactive(None)
    level: reactive[Level | None] = reactive(None)
    mode: reactive[str] = reactive("")  # "", "viewer", "demo"
    paused: reactive[bool] = reactive(False)

    def watch_level(self, level: Level | None) -> None:
        for name in LEVEL_BADGES:
            self.set_class(level == name, f"-{name}")

    def render(self) -> Text:
        """The header line as plain Text (the theatre name is config text, still inert)."""
        line = Text()
        line.append(" Flashpoint ", style="bold reverse")
        line.append(f" {clean(self.theatre)} ", style="bold")
        if self.level:
            symbol, _ = LEVEL_BADGES.get(self.level, ("?", ""))
            line.append(f" {symbol} {self.level.upper()} ", style="bold reverse")
        if self.mode:
            line.append(f" {self.mode.upper()}", style="bold")
        if self.paused:
            line.append(" ‖ PAUSED", style="bold")
        line.append(f"  updated {_short(self.updated)}")
        if self.now:
            line.append(f"  {self.now.strftime('%H:%M:%S')} UTC")
        return line
