"""Read-only mode: the dashboard that `flashpoint serve` runs for each browser session.

A visitor of the served page sends keys over a websocket, so in this mode no action that
changes anything is reachable: its bindings are hidden from the footer and refused when
pressed (whichever widget owns them), its command-palette entries are left out, and each
such action refuses again on its own, since the palette calls actions directly.
"""

from __future__ import annotations

from textual.actions import ActionParseResult
from textual.actions import parse as parse_action

from dashboard.actions import CHANGING_ACTIONS  # the registry's rows that change something

HIDDEN_SYSTEM_COMMANDS = frozenset({"Screenshot"})
"""Textual's own palette commands that write or deliver a file."""

READ_ONLY_NOTE = "Read-only: this dashboard is served to a browser and cannot change anything."


def action_name(action: str | ActionParseResult) -> str:
    """The bare name of an action string like "decide('confirmed')" or "app.pause"."""
    if isinstance(action, tuple):
        return action[1]
    try:
        return parse_action(action)[1]
    except Exception:  # an unparsable action is not one of ours: let Textual report it
        return ""


class ReadOnlyMixin:
    """For the App: with `read_only` set, the changing actions are hidden and refused."""

    read_only: bool = False

    def refused_read_only(self) -> bool:
        """True (after saying so) when the app is read-only: the caller must do nothing."""
        if self.read_only:
            self.notify(READ_ONLY_NOTE, markup=False)  # type: ignore[attr-defined]
        return self.read_only

    async def run_action(self, action, default_namespace=None, namespaces=None) -> bool:
        # every binding of every widget, and every clicked action, runs through here
        if self.read_only and action_name(action) in CHANGING_ACTIONS:
            self.refused_read_only()
            return True  # handled (refused): the key goes no further
        return await super().run_action(  # type: ignore[misc]
            action, default_namespace, namespaces)

    def _check_action_state(self, action, default_namespace):
        # what the footer asks before showing a binding: hide the refused ones
        if self.read_only and action_name(action) in CHANGING_ACTIONS:
            return False
        return super()._check_action_state(action, default_namespace)  # type: ignore[misc]
