"""The header: theatre, escalation badge (or NO DATA / STALE), sources ok, update, clock."""

from __future__ import annotations

from datetime import datetime

from rich.text import Text
from textual.reactive import reactive
from textual.widget import Widget

from dashboard.models import Freshness, Level
from widgets.plain_text import clean
from widgets.sources_panel import age

# Symbol and word as well as colour, so the level reads without colour.
LEVEL_BADGES: dict[str, tuple[str, str]] = {
    "calm": ("○", "success"),
    "tense": ("◔", "primary"),
    "elevated": ("◑", "warning"),
    "high": ("◕", "warning"),
    "critical": ("●", "error"),
}
NO_DATA_BADGE = "◌ NO DATA"


def _short(when: datetime | None) -> str:
    return when.strftime("%m-%d %H:%M") if when else "never"


class HeaderBar(Widget):
    """One line: theatre name, level, sources answering, mode, last update and clock.

    Without data the level reads NO DATA, never a calm that nothing measured; once the
    newest success is older than its sources allow, STALE and the data's age follow the
    level. Both are judged against the ticking clock, so a viewer whose collector died
    sees the data go stale without a new snapshot.
    """

    DEFAULT_CSS = """
    HeaderBar { height: 1; }
    """

    theatre: reactive[str] = reactive("")
    now: reactive[datetime | None] = reactive(None)
    updated: reactive[datetime | None] = reactive(None)
    level: reactive[Level | None] = reactive(None)
    freshness: reactive[Freshness | None] = reactive(None)
    mode: reactive[str] = reactive("")  # "", "viewer", "demo"
    paused: reactive[bool] = reactive(False)
    muted: reactive[bool] = reactive(False)  # every configured alert is muted

    def watch_level(self, level: Level | None) -> None:
        for name in LEVEL_BADGES:
            self.set_class(level == name, f"-{name}")

    def watch_freshness(self) -> None:
        self._mark_freshness()

    def watch_now(self) -> None:
        self._mark_freshness()

    def _mark_freshness(self) -> None:
        self.set_class(self.no_data, "-no-data")
        self.set_class(self.stale, "-stale")

    @property
    def no_data(self) -> bool:
        """True while no source has ever answered."""
        return self.freshness is not None and self.freshness.no_data

    @property
    def stale(self) -> bool:
        """True when the newest data is older than the sources' intervals allow."""
        return (self.freshness is not None and self.now is not None
                and self.freshness.stale_since(self.now) is not None)

    def render(self) -> Text:
        """The header line as plain Text (the theatre name is config text, still inert)."""
        line = Text()
        line.append(" Flashpoint ", style="bold reverse")
        line.append(f" {clean(self.theatre)} ", style="bold")
        if self.no_data:
            line.append(f" {NO_DATA_BADGE} ", style="bold reverse")
        elif self.level:
            symbol, _ = LEVEL_BADGES.get(self.level, ("?", ""))
            line.append(f" {symbol} {self.level.upper()} ", style="bold reverse")
        fresh = self.freshness
        if self.stale and fresh is not None:
            line.append(f" STALE {age(fresh.last_success, self.now)} ", style="bold reverse")
        if fresh is not None:
            style = "bold" if fresh.sources_ok < fresh.sources else ""
            line.append(f"  {fresh.sources_ok}/{fresh.sources} sources ok", style=style)
        if self.mode:
            line.append(f"  {self.mode.upper()}", style="bold")
        if self.paused:
            line.append("  ‖ PAUSED", style="bold")
        if self.muted:
            line.append("  ✕ MUTED", style="bold")
        # the update time and the clock only where they fit: the rest says more
        for extra in (f"  updated {_short(self.updated)}",
                      f"  {self.now.strftime('%H:%M:%S')} UTC" if self.now else ""):
            if extra and (not self.size.width or line.cell_len + len(extra) <= self.size.width):
                line.append(extra)
        return line
