"""The action registry: every key of the dashboard, in one table.

Each row says which key runs which action, how the footer labels it, how the help screen
and the command palette describe it, and whether it changes anything (then read-only
mode hides and refuses it, see `read_only.py`). The App's bindings, its palette entries,
the help screen and the test of README's keys table (`tests/app/test_action_registry.py`)
are all made from this table, so a key is added or changed here once.

Some keys belong to a widget (a table's j/k, the recognition panel's y/n/u, the details
screen's c): widgets import only `dashboard.models` and textual, so they bind those keys
themselves; their rows here (`bound_by`) describe them, and the test checks that each
widget binds what its rows say.
"""

from __future__ import annotations

from dataclasses import dataclass

from textual.actions import parse as parse_action
from textual.binding import Binding

PANELS: tuple[tuple[str, str], ...] = (
    ("statements", "Statements"),
    ("positions", "Positions"),
    ("recognition", "Recognition"),
    ("escalation", "Escalation"),
    ("sources", "Sources"),
)
"""The panels, in the order of their number keys and tabs."""


@dataclass(frozen=True)
class Action:
    """One key and what it does."""

    key: str
    """Textual's key names, comma-separated ("question_mark", "g,home")."""
    action: str
    """The action string it runs ("decide('confirmed')")."""
    label: str
    """The footer's (and the palette's, unless `palette` is set) name for it."""
    help: str = ""
    """What the help screen says; empty when another row already says it."""
    row: str = ""
    """The help screen's key column, when it is not the key itself ("y / n")."""
    palette: str = ""
    """The command palette's title; empty: not offered in the palette."""
    palette_help: str = ""
    changes: bool = False
    """It changes something (the store, fetching, the alerts, the clipboard): read-only
    mode hides and refuses it."""
    show: bool = True
    """Shown in the footer."""
    priority: bool = False
    bound_by: str = "app"
    """Who binds the key: the App, or the widget named here."""

    @property
    def name(self) -> str:
        """The bare action name ("decide" for "decide('confirmed')")."""
        return parse_action(self.action)[1]

    def binding(self) -> Binding:
        """The App's Binding for this row."""
        return Binding(self.key, self.action, self.label, show=self.show,
                       priority=self.priority)


ACTIONS: tuple[Action, ...] = (
    # q and ? first: the footer shows a panel's own keys before these and cuts the rest
    # at 80 columns, and these two must stay in sight (Textual's palette has its own Quit)
    Action("q", "quit", "Quit", "quit (ctrl+q too)"),
    Action("question_mark", "help", "Help", "this help", row="?",
           palette="Help", palette_help="Show the keys"),
    *(Action(str(n), f"show_panel('{key}')", label,
             "show a panel (statements … sources)" if n == 1 else "", row="1 … 5",
             show=False)
      for n, (key, label) in enumerate(PANELS, start=1)),
    Action("tab", "next_panel(1)", "Next panel", "next / previous panel",
           row="tab / shift+tab", show=False, priority=True),
    Action("shift+tab", "next_panel(-1)", "Previous panel", show=False, priority=True),
    Action("j", "cursor_down", "Down", "down / up in a table", row="j / k",
           show=False, bound_by="NavTable"),
    Action("k", "cursor_up", "Up", show=False, bound_by="NavTable"),
    Action("g,home", "scroll_top", "First row", "first / last row",
           row="g / G, home / end", show=False, bound_by="NavTable"),
    Action("G,end", "scroll_bottom", "Last row", show=False, bound_by="NavTable"),
    Action("slash", "filter_text", "Filter", "filter statements by text", row="/",
           palette="Filter by text", palette_help="Filter statements by text"),
    Action("a", "filter_actor", "Actor", "filter by actor",
           palette="Filter by actor", palette_help="Pick an actor"),
    Action("t", "filter_topic", "Topic", "filter positions by topic",
           palette="Filter by topic", palette_help="Pick a topic"),
    Action("escape", "clear_filters", "Clear filters", "clear filters / close", show=False,
           palette="Clear filters", palette_help="Drop every filter"),
    Action("enter", "details", "Details", "details of the selection", show=False,
           palette="Details", palette_help="Details of the selection"),
    Action("c", "copy_link", "Copy link", "copy the selection's link (http/https only)",
           palette="Copy link", palette_help="Copy the selected link (OSC 52)",
           changes=True),
    Action("c", "copy", "Copy link", show=False, changes=True, bound_by="DetailsScreen"),
    Action("r", "refresh", "Refresh", "refresh now", palette="Refresh now",
           palette_help="Fetch every source now", changes=True),
    Action("p", "pause", "Pause", "pause / resume fetching", palette="Pause / resume",
           palette_help="Pause or resume fetching", changes=True),
    # shown instead of Pause while paused (the App's check_action)
    Action("p", "resume", "Resume", changes=True),
    Action("m", "mute_alerts", "Mute alerts", "mute / unmute alerts", show=False,
           palette="Mute / unmute alerts",
           palette_help="Silence every configured alert, or let them fire", changes=True),
    # the App's y/n say what they need when the pending table does not have the focus;
    # the panel binds its own, which act on its selection
    Action("y", "decide('confirmed')", "Confirm",
           "confirm / reject the selected pending change (asks first)", row="y / n",
           show=False, palette="Confirm change",
           palette_help="Confirm the selected pending change", changes=True),
    Action("n", "decide('rejected')", "Reject", show=False, palette="Reject change",
           palette_help="Reject the selected pending change", changes=True),
    Action("y", "decide('confirmed')", "Confirm change", changes=True,
           bound_by="RecognitionPanel"),
    Action("n", "decide('rejected')", "Reject change", changes=True,
           bound_by="RecognitionPanel"),
    Action("u", "undo_decision", "Undo decision",
           "undo a recognition decision (the selected one in its history, else the newest)",
           palette="Undo decision",
           palette_help="Undo the newest recognition decision that still holds",
           changes=True, bound_by="RecognitionPanel"),
    Action("ctrl+p", "command_palette", "Palette", "command palette", show=False,
           bound_by="textual"),  # Textual's own binding
)

APP_BINDINGS: list[Binding] = [a.binding() for a in ACTIONS if a.bound_by == "app"]
"""The App's bindings, in the table's order (the footer's order)."""

CHANGING_ACTIONS: frozenset[str] = frozenset(a.name for a in ACTIONS if a.changes)
"""Action names (of the App or any widget) that change state somewhere."""


def help_rows() -> list[tuple[str, str]]:
    """The help screen's rows: the key column and what it does."""
    return [(a.row or a.key, a.help) for a in ACTIONS if a.help]


def palette_entries(read_only: bool) -> list[Action]:
    """The rows the command palette offers (not the changing ones when read-only)."""
    return [a for a in ACTIONS if a.palette and not (read_only and a.changes)]
