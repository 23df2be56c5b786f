"""What the App's keys and palette entries do (the table of them is `actions.ACTIONS`).

A mixin of `FlashpointApp`: the actions act on the dashboard screen (`self.main`), the
round service, the store (recognition decisions) and the alert state beside the store.
Each action that changes something refuses on its own in read-only mode, since the
command palette calls actions directly.
"""

from __future__ import annotations

import time
from functools import partial
from typing import TYPE_CHECKING

from textual import events
from textual.app import SystemCommand

from dashboard.actions import palette_entries
from dashboard.decisions import decision_note, decision_question, in_effect, undo_question
from dashboard.read_only import HIDDEN_SYSTEM_COMMANDS
from dashboard.textclean import safe_link
from widgets.confirm_screen import ConfirmScreen
from widgets.details_screen import DetailsScreen
from widgets.filter_bar import FilterBar
from widgets.header_bar import HeaderBar
from widgets.help_screen import HelpScreen
from widgets.picker_screen import PickerScreen
from widgets.plain_text import clean
from widgets.recognition_panel import RecognitionPanel

if TYPE_CHECKING:
    from dashboard.app import FlashpointApp

    _Base = FlashpointApp
else:
    _Base = object


class AppActions(_Base):
    """The action_* methods of the App, its palette entries and the decisions flow."""

    last_input = 0.0  # when a key was last pressed or a mouse button (time.monotonic)

    async def on_event(self, event: events.Event) -> None:
        if isinstance(event, events.Key | events.MouseDown):
            self.last_input = time.monotonic()  # the screen thaws only when nobody uses it
        await super().on_event(event)

    def action_help(self) -> None:
        """Show the key help."""
        if not isinstance(self.screen, HelpScreen):
            from dashboard.actions import help_rows

            self.push_screen(HelpScreen(help_rows()))

    def action_filter_text(self) -> None:
        """Open the text filter."""
        bar = self.main.query_one(FilterBar)
        bar.value = self.main.text_filter
        bar.open()

    def action_filter_actor(self) -> None:
        """Pick an actor to filter statements and positions by."""
        choices = {a.id: a.name for a in self.config.actors}
        self.push_screen(PickerScreen("actors", choices), self._actor_picked)

    def _actor_picked(self, actor: str | None) -> None:
        if actor is not None:
            self.main.set_filters(actor=actor)

    def action_filter_topic(self) -> None:
        """Pick a topic to narrow the positions matrix to."""
        choices = {t.id: t.label for t in self.config.topics}
        self.push_screen(PickerScreen("topics", choices), self._topic_picked)

    def _topic_picked(self, topic: str | None) -> None:
        if topic is not None:
            self.main.set_filters(topic=topic)

    def action_clear_filters(self) -> None:
        """Drop every filter."""
        main = self.main
        if main.text_filter or main.actor_filter or main.topic_filter:
            main.set_filters(text="", actor=None, topic=None)

    def action_details(self) -> None:
        """Open the details of the selection in the focused panel."""
        chosen = self.main.selection()
        if chosen and chosen[0] == "statement" and chosen[1] is not None:
            self.main.statement_details(chosen[1])  # type: ignore[arg-type]

    # handlers by name: Textual collects @on handlers only from its own classes, not mixins
    def on_details_screen_copy_requested(self, message: DetailsScreen.CopyRequested) -> None:
        self.copy_link(message.link)

    def action_copy_link(self) -> None:
        """Copy the selected statement's link with OSC 52 (http/https only)."""
        link = None
        chosen = self.main.selection()
        if chosen and chosen[0] == "statement" and chosen[1] is not None:
            link = chosen[1].link  # type: ignore[union-attr]
        self.copy_link(link)

    def copy_link(self, link: str | None) -> None:
        """Copy `link` with OSC 52 when it is http(s); otherwise say why not."""
        if self.refused_read_only():
            return
        if not link:
            self.notify("Nothing to copy: select a statement with a link.", markup=False)
            return
        checked = safe_link(link)
        if checked is None:
            self.notify("Refused to copy a link that is not http(s).", severity="warning",
                        markup=False)
            return
        self.copy_to_clipboard(checked)
        self.notify("Link copied to the clipboard.", markup=False)

    def action_refresh(self) -> None:
        """Fetch every source now (those a running round is not fetching already)."""
        if self.refused_read_only():
            return
        if self.service is None:
            self.notify("Viewer: the collector owns fetching.", markup=False)
            return
        self.start_round(None)
        self.notify("Refreshing all sources…", markup=False)

    def action_pause(self) -> None:
        """Pause or resume scheduled fetching."""
        if self.refused_read_only():
            return
        if self.service is None:
            self.notify("Viewer: the collector owns fetching.", markup=False)
            return
        self.service.paused = not self.service.paused
        self.main.query_one(HeaderBar).paused = self.service.paused
        self.refresh_bindings()  # the footer says Resume while paused
        self.notify("Fetching paused." if self.service.paused else "Fetching resumed.",
                    markup=False)

    def action_resume(self) -> None:
        """Resume scheduled fetching (the `p` key while paused)."""
        self.action_pause()

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        """Of the two `p` bindings, only the one that names what `p` does now is shown."""
        if action in ("pause", "resume"):
            paused = bool(self.service and self.service.paused)
            return (action == "resume") == paused
        return True

    def action_show_panel(self, panel_id: str) -> None:
        """Show and focus one panel (the keys 1 to 5)."""
        if len(self.screen_stack) > 1:
            return
        self.main.show_panel(panel_id, focus=True)

    def action_next_panel(self, step: int) -> None:
        """Focus the next (or previous) panel; in the tabbed layout, show it too."""
        if len(self.screen_stack) > 1 or isinstance(self.focused, FilterBar):
            # modal screens and the filter input keep ordinary focus movement
            (self.screen.focus_next if step > 0 else self.screen.focus_previous)()
            return
        self.main.next_panel(step)

    # --- alerts -------------------------------------------------------------------------

    def action_mute_alerts(self) -> None:
        """Mute every configured alert, or unmute them all when all are muted.

        The mute is kept next to the store, so the collector (this App or `collect`)
        honours it from its next round on; a viewer can mute too (not a read-only one).
        """
        if self.refused_read_only():
            return
        ids = [a.id for a in self.config.alerts]
        if not ids:
            self.notify("No alerts are configured ([[alerts]] in the config).", markup=False)
            return
        from dashboard.alert_state import AlertState, state_path_for
        from dashboard.storage.base import StoreError

        state = AlertState.load(state_path_for(self.config.storage.resolved_path()))
        muting = not all(state.is_muted(i) for i in ids)
        try:
            for alert_id in ids:
                (state.mute if muting else state.unmute)(alert_id)
        except (OSError, StoreError) as exc:  # a viewer in the service's group may only read
            self.notify(f"Cannot {'mute' if muting else 'unmute'} alerts: {clean(exc)}",
                        severity="error", markup=False)
            return
        self.main.query_one(HeaderBar).muted = muting
        self.notify(f"{len(ids)} alert(s) {'muted' if muting else 'unmuted'}.", markup=False)

    def alerts_muted(self) -> bool:
        """True when alerts are configured and every one is muted."""
        ids = [a.id for a in self.config.alerts]
        if not ids:
            return False
        from dashboard.alert_state import AlertState, state_path_for

        state = AlertState.load(state_path_for(self.config.storage.resolved_path()))
        return all(state.is_muted(i) for i in ids)

    # --- recognition decisions ----------------------------------------------------------

    def action_decide(self, status: str) -> None:
        """Confirm or reject the selected pending recognition change (asks first)."""
        if self.refused_read_only():
            return
        self.main.query_one(RecognitionPanel).action_decide(status)  # type: ignore[arg-type]

    def action_undo_decision(self) -> None:
        """Undo the newest recognition decision that still holds (asks first)."""
        if self.refused_read_only():
            return
        self.main.query_one(RecognitionPanel).action_undo_decision()

    def _may_decide(self) -> bool:
        if self.refused_read_only():
            return False
        if self.viewer:
            self.notify("Viewer: the collector owns the store; decide there.", markup=False)
            return False
        return True

    def _recognition(self) -> tuple[dict[str, str], str]:
        rec = self.snapshot.recognition if self.snapshot else None
        return (rec.countries if rec else {}), (rec.subject if rec else "")

    def on_recognition_panel_decided(self, message: RecognitionPanel.Decided) -> None:
        """Ask first, naming the country and the change; then store it with its audit entry."""
        if not self._may_decide():
            return
        names, subject = self._recognition()
        title = "Confirm this change?" if message.status == "confirmed" else "Reject this report?"
        question = decision_question(message.event, message.status, names, subject)

        def answered(yes: bool | None) -> None:
            if yes:
                self._store_decision(message.key, message.status, undo=False)

        self.push_screen(ConfirmScreen(title, question), answered)

    def on_recognition_panel_undo_requested(self, message: RecognitionPanel.UndoRequested) -> None:
        if not self._may_decide():
            return
        rec = self.snapshot.recognition if self.snapshot else None
        holding = in_effect(rec.decisions if rec else ())
        chosen = message.decision or (holding[0] if holding else None)
        if chosen is None or chosen not in holding:
            self.notify("Nothing to undo there: that decision was already replaced or "
                        "undone." if chosen else "No decision to undo.", markup=False)
            return
        names, subject = self._recognition()

        def answered(yes: bool | None) -> None:
            if yes:
                self._store_decision(chosen.key, chosen.previous, undo=True)

        self.push_screen(ConfirmScreen("Undo this decision?",
                                       undo_question(chosen, names, subject)), answered)

    def _store_decision(self, key: str, status: str, *, undo: bool) -> None:
        from dashboard.models import Decision

        self.store.set_recognition_status(key, status, at=self.clock(),  # type: ignore[arg-type]
                                          undo=undo)
        names, subject = self._recognition()
        done = Decision(self.clock(), key, status, status, undo=undo)  # type: ignore[arg-type]
        self.notify(decision_note(done, names, subject), markup=False)
        self.load_snapshot()

    # --- the command palette ------------------------------------------------------------

    def get_system_commands(self, screen):
        """Textual's commands and every palette row of the action registry.

        Read-only, the changing rows are left out (and Textual's that write a file)."""
        commands = [*super().get_system_commands(screen)]  # type: ignore[misc]
        if self.read_only:  # a browser visitor may look, filter, read details and leave
            commands = [c for c in commands if c.title not in HIDDEN_SYSTEM_COMMANDS]
        for entry in palette_entries(self.read_only):
            commands.append(SystemCommand(entry.palette, entry.palette_help,
                                          partial(self.run_action, entry.action)))
        yield from commands
