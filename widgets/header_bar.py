"""The header: theatre, escalation badge (or NO DATA / STALE), sources ok, update, clock."""

from __future__ import annotations

from datetime import datetime
from typing import NamedTuple

from rich.cells import cell_len
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
        """The header line as plain Text (the theatre name is config text, still inert).

        On a narrow terminal the parts that say least give way first (see `_fit`): the
        level, STALE and the flags are never dropped, only worded shorter.
        """
        fresh = self.freshness
        level = None
        if self.no_data:
            level = f" {NO_DATA_BADGE} "
        elif self.level:
            symbol, _ = LEVEL_BADGES.get(self.level, ("?", ""))
            level = f" {symbol} {self.level.upper()} "
        theatre = clean(self.theatre)
        parts: list[_Part] = [
            _Part(" Flashpoint ", "", "bold reverse", 1),
            _Part(f" {theatre} ", _cut(theatre), "bold", 6),
            _Part(level, level, "bold reverse"),
            _Part(f" STALE {age(fresh.last_success, self.now)} " if self.stale and fresh
                  else None, None, "bold reverse"),
        ]
        if fresh is not None:
            ok = f"{fresh.sources_ok}/{fresh.sources}"
            parts.append(_Part(f"  {ok} sources ok", f" {ok} ok",
                               "bold" if fresh.sources_ok < fresh.sources else "", 3))
        if self.mode:
            parts.append(_Part(f"  {self.mode.upper()}", f" {self.mode.upper()}", "bold", 4))
        if self.paused:
            parts.append(_Part("  ‖ PAUSED", " ‖PAUSED", "bold", 5))
        if self.muted:
            parts.append(_Part("  ✕ MUTED", " ✕MUTED", "bold", 5))
        # the update time and the clock only where they fit: the rest says more
        parts += [_Part(f"  updated {_short(self.updated)}", "", "", 2),
                  _Part(f"  {self.now.strftime('%H:%M:%S')} UTC" if self.now else None, "", "", 0)]
        return _fit(parts, self.size.width)


class _Part(NamedTuple):
    """A piece of the header: its text, a shorter one ("" drops it), its style, and when
    it gives way (0 first; None never)."""

    text: str | None
    short: str | None
    style: str
    order: int | None = None


def _cut(theatre: str) -> str:
    """The theatre name cut to 12 cells with an ellipsis."""
    return f" {theatre[:11]}… " if len(theatre) > 12 else f" {theatre} "


def _fit(parts: list[_Part], width: int) -> Text:
    """The parts on one line, each giving way in its order until the line fits `width`
    (0: a size not known yet, everything shown)."""
    texts = [part.text or "" for part in parts]
    for order in sorted({p.order for p in parts if p.order is not None}):
        if not width or sum(cell_len(t) for t in texts) <= width:
            break
        for n, part in enumerate(parts):
            if part.order == order and part.text:
                texts[n] = part.short or ""
    line = Text(no_wrap=True, overflow="ellipsis")
    for text, part in zip(texts, parts, strict=True):
        if text:
            line.append(text, style=part.style)
    return line
