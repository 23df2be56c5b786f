"""Escalation: level, score, trend arrow, history sparkline and the top drivers."""

from __future__ import annotations

from rich.text import Text
from textual.app import ComposeResult
from textual.containers import VerticalScroll
from textual.reactive import reactive
from textual.widgets import Sparkline, Static

from dashboard.models import Escalation
from widgets.header_bar import LEVEL_BADGES, NO_DATA_BADGE
from widgets.plain_text import clean, set_static, truncate

TREND_ARROWS = {"rising": "↑", "steady": "→", "falling": "↓"}
TOP_DRIVERS = 5


def headline(esc: Escalation) -> Text:
    """`◕ HIGH  62.0  ↑ rising` — symbol and word, so it reads without colour."""
    symbol, _ = LEVEL_BADGES.get(esc.level, ("?", ""))
    arrow = TREND_ARROWS.get(esc.trend, "?")
    return Text(f"{symbol} {esc.level.upper()}  score {esc.score:.1f}  {arrow} {esc.trend}",
                style="bold")


def no_data_text() -> Text:
    """What the panel says before any source has answered: no level, no score."""
    out = Text(f"{NO_DATA_BADGE}\n", style="bold")
    out.append("No source has answered yet, so there is nothing to score. "
               "The Sources panel says why.", style="dim")
    return out


def drivers_text(esc: Escalation) -> Text:
    """The top drivers with their signed contribution and evidence sentence."""
    out = Text()
    if not esc.drivers:
        out.append("No escalation cues in the window.", style="dim")
        return out
    out.append("Top drivers\n", style="bold")
    for d in esc.drivers[:TOP_DRIVERS]:
        out.append(f"{d.contribution:+5.1f} {clean(d.hit.cue)}")
        if d.hit.code:  # the CAMEO event the cue stands for
            out.append(f"  CAMEO {clean(d.hit.code)} {clean(d.hit.label)}", style="dim")
        out.append("\n")
        out.append(f"      {truncate(d.hit.evidence, 150)}\n", style="dim")
    return out


class EscalationPanel(VerticalScroll, can_focus=True):
    """The escalation indicator."""

    DEFAULT_CSS = """
    EscalationPanel > Static { height: auto; }
    EscalationPanel > Sparkline { height: 2; }
    """

    escalation: reactive[Escalation | None] = reactive(None, always_update=True)
    no_data = False  # set before `escalation`: no source has ever answered

    def compose(self) -> ComposeResult:
        yield Static(Text("Escalation", style="bold"), classes="panel-title")
        yield Static(Text("no score yet", style="dim"), id="escalation-headline")
        yield Sparkline([], id="escalation-history")
        yield Static(Text(""), id="escalation-drivers")

    def watch_escalation(self, esc: Escalation | None) -> None:
        if esc is None:
            return
        headline_static = self.query_one("#escalation-headline", Static)
        drivers = self.query_one("#escalation-drivers", Static)
        if self.no_data:
            set_static(headline_static, no_data_text())
            self.query_one(Sparkline).data = []  # an empty baseline, never a bar
            set_static(drivers, Text(""))
        else:
            set_static(headline_static, headline(esc))
            # one point would fill the whole height (Sparkline draws a lone value as its
            # maximum): a trend needs two
            history = [p.score for p in esc.history]
            self.query_one(Sparkline).data = history if len(history) >= 2 else []
            set_static(drivers, drivers_text(esc))
        for level in LEVEL_BADGES:
            self.set_class(esc.level == level and not self.no_data, f"-{level}")
        self.set_class(self.no_data, "-no-data")
