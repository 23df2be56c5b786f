"""The dashboard screen: the five panels, their layout, and what they show.

Attributes down, messages up: the screen sets its widgets' attributes from a `Snapshot`
(one the round service took after a round, or one it reads itself in a thread when the
filters change or a viewer's store was replaced) and answers the widgets' messages
(a row chosen opens its details, the bottom of the statements asks for older rows). The
App around it owns the store, the round service and the keys.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Sequence
from datetime import datetime
from typing import TYPE_CHECKING

from rich.text import Text
from textual import on, work
from textual.app import ComposeResult
from textual.containers import Container
from textual.screen import Screen
from textual.widgets import Footer, Static, Tab, Tabs
from textual.worker import Worker, WorkerState

from dashboard.actions import PANELS
from dashboard.decisions import change_sentence
from dashboard.levels import level_change
from dashboard.models import Snapshot, Statement
from dashboard.report import freshness_of
from dashboard.screens import details
from dashboard.screens.panel_paint import PanelPainter
from widgets.escalation_panel import EscalationPanel
from widgets.filter_bar import FilterBar
from widgets.header_bar import HeaderBar
from widgets.plain_text import clean
from widgets.positions_panel import PositionsPanel
from widgets.recognition_panel import RecognitionPanel
from widgets.sources_panel import SourcesPanel
from widgets.statements_panel import StatementsPanel

if TYPE_CHECKING:
    from dashboard.alerts import AlertEvent
    from dashboard.app import FlashpointApp

# Below this the panels become tabs; above it they share a grid.
WIDE_MIN = (120, 36)
PANEL_TYPES = (StatementsPanel, PositionsPanel, RecognitionPanel, EscalationPanel, SourcesPanel)


class DashboardScreen(Screen[None]):
    """The App's first screen: header, filter bar, tabs and the five panels."""

    app: FlashpointApp  # type: ignore[assignment]

    def __init__(self) -> None:
        super().__init__()
        self.snapshot: Snapshot | None = None
        self.text_filter = ""
        self.actor_filter: str | None = None
        self.topic_filter: str | None = None
        self._filters_dirty = False  # the next snapshot must replace the statement rows
        self.painter = PanelPainter(self)  # the panels after the statements, one a frame
        self.idle_collections = self.painter.idle_collections  # garbage collected after it

    # --- layout -------------------------------------------------------------------------

    def compose(self) -> ComposeResult:
        yield HeaderBar(id="header")
        if self.app.demo:
            yield Static(Text("DEMO — sample feeds from a local server", style="bold"),
                         id="demo-banner")
        yield FilterBar(placeholder="filter statements (enter applies, empty clears)",
                        id="filter-bar")
        tabs = Tabs(*(Tab(label, id=f"tab-{key}") for key, label in PANELS), id="panel-tabs")
        tabs.can_focus = False  # tab/shift+tab move between panels; the mouse still clicks
        yield tabs
        with Container(id="panels"):
            yield StatementsPanel(max_rows=self.app.config.display.statements,
                                  id="statements", classes="panel")
            yield PositionsPanel(id="positions", classes="panel")
            yield RecognitionPanel(id="recognition", classes="panel")
            yield EscalationPanel(id="escalation", classes="panel")
            yield SourcesPanel(id="sources", classes="panel")
        yield Footer(compact=True, show_command_palette=False)  # ctrl+p is in the help

    def on_mount(self) -> None:
        self.painter.start()
        self.app.dashboard_ready(self)

    def on_unmount(self) -> None:
        self.painter.stop()

    def on_resize(self, event) -> None:
        if self.query(Tabs):  # composed
            self.apply_layout(event.size.width, event.size.height)

    def apply_layout(self, width: int, height: int) -> None:
        """The grid on a wide terminal, tabs on a small one."""
        wide = width >= WIDE_MIN[0] and height >= WIDE_MIN[1]
        self.set_class(wide, "-wide")
        self.set_class(not wide, "-compact")
        self.show_panel(self.current_panel_id())

    def current_panel_id(self) -> str:
        """The id of the panel whose tab is active."""
        active = self.query_one(Tabs).active or "tab-statements"
        return active.removeprefix("tab-")

    def show_panel(self, panel_id: str, *, focus: bool = False) -> None:
        """Show one panel (in the tabbed layout, the only one) and optionally focus it."""
        for key, _ in PANELS:
            self.query_one(f"#{key}").set_class(key == panel_id, "-active")
        tabs = self.query_one(Tabs)
        if tabs.active != f"tab-{panel_id}":
            tabs.active = f"tab-{panel_id}"
        if focus:
            self._focus_panel(self.query_one(f"#{panel_id}"))

    def next_panel(self, step: int) -> None:
        """Show and focus the next (or previous) panel."""
        order = [key for key, _ in PANELS]
        current = order.index(self.current_panel_id())
        self.show_panel(order[(current + step) % len(order)], focus=True)

    @on(Tabs.TabActivated, "#panel-tabs")
    def _tab_chosen(self, event: Tabs.TabActivated) -> None:
        if event.tab.id != event.tabs.active:
            return  # a stale activation: focus already moved on to another panel
        panel_id = (event.tab.id or "tab-statements").removeprefix("tab-")
        self.show_panel(panel_id)
        panel = self.query_one(f"#{panel_id}")
        if not panel.has_focus_within:
            self._focus_panel(panel)

    def _focus_panel(self, panel) -> None:
        target = panel if panel.can_focus else next(
            (w for w in panel.query("*") if w.can_focus), None)
        if target is not None:
            target.focus()

    def on_descendant_focus(self, event) -> None:
        # In the tabbed layout, focus moving into a hidden panel (a click, a search) shows it.
        if not self.app.screen_stack or event.widget is not self.app.focused:
            return  # shutting down, or stale: keys typed ahead have already moved focus on
        for node in event.widget.ancestors_with_self:
            if isinstance(node, PANEL_TYPES):
                self.show_panel(node.id or "statements")
                break

    # --- snapshots ----------------------------------------------------------------------

    def load_snapshot(self) -> None:
        """Read a fresh snapshot from the store in a thread; the newest request wins."""
        self.run_worker(self._read_snapshot, name="read-snapshot", group="snapshot",
                        thread=True, exclusive=True)

    def _read_snapshot(self) -> Snapshot:
        app = self.app
        build = app.snapshot_builder
        if build is None:
            from dashboard.snapshot import build_snapshot as build
        fetching = app.service.fetching if app.service else frozenset()
        if self.snapshot is None and app.viewer and app.snapshot_builder is None:
            # a viewer with nothing on screen yet (no saved view): paint first what reads
            # fast, then the positions, which need every stance of the store
            first = build(app.config, app.store, now=app.clock(), fetching=fetching,
                          positions=False)
            app.call_from_thread(self.apply_snapshot, self._filtered(first))
        return self._filtered(build(app.config, app.store, now=app.clock(), fetching=fetching))

    def _filtered(self, snap: Snapshot) -> Snapshot:
        """`snap` with the statements the filters let through (read from the store)."""
        if self.text_filter or self.actor_filter:
            filtered = self.app.store.statements(limit=self.app.config.display.statements,
                                                 actor=self.actor_filter or None,
                                                 text=self.text_filter or None)
            snap = dataclasses.replace(snap, statements=tuple(filtered))
        return snap

    def paint_round(self, snap: Snapshot, fired: Sequence[AlertEvent]) -> None:
        """Paint the snapshot the round service took, with the alerts it fired."""
        if self.text_filter or self.actor_filter:  # the filtered rows come from the store
            self._paint_filtered(snap, fired)
        else:
            self.apply_snapshot(snap, fired)

    @work(thread=True, group="snapshot", exclusive=True)
    def _paint_filtered(self, snap: Snapshot, fired: Sequence[AlertEvent]) -> None:
        self.app.call_from_thread(self.apply_snapshot, self._filtered(snap), fired)

    def on_worker_state_changed(self, event: Worker.StateChanged) -> None:
        worker = event.worker
        if worker.name == "read-snapshot" and event.state == WorkerState.SUCCESS:
            self.painter.store_read = True
            self.apply_snapshot(worker.result)
        elif worker.group == "snapshot" and event.state == WorkerState.ERROR:
            self.painter.settle()  # what is on screen is all there will be: go on
            self.notify(f"cannot read the store: {clean(worker.error)}", severity="error",
                        markup=False)

    def apply_snapshot(self, snap: Snapshot, fired: Sequence[AlertEvent] = ()) -> None:
        """Set every widget's attributes from `snap` and announce what changed.

        The header and statements at once; then (but for the first paint) the other
        panels one per frame, PAINT_GAP apart, so that a round's snapshot, which changes
        every table, is five short frames rather than one long stall of the event loop
        (docs/PERFORMANCE.md §4). They paint from the newest snapshot; one arriving
        meanwhile starts them over (a panel given equal values repaints nothing).
        """
        if not self.is_attached or not self.query(HeaderBar):
            return  # shutting down: the widgets are gone
        previous, self.snapshot = self.snapshot, snap
        now = self.app.clock()
        header = self.query_one(HeaderBar)
        header.updated = snap.updated
        header.level = snap.escalation.level
        header.freshness = freshness_of(snap)
        header.now = now
        statements = self.query_one(StatementsPanel)
        statements.actors, statements.actor_tags = snap.actors, snap.actor_tags
        statements.source_names = {s.id: s.name for s in snap.sources}
        statements.today = now.date()
        if statements.following or self._filters_dirty:
            statements.show_latest(snap.statements)
        self._filters_dirty = False
        self.painter.paint(at_once=previous is None)  # nothing on screen: at once
        told = self.alerts_fired(fired)
        if previous is not None:
            self._announce(previous, snap, told)

    @property
    def painting(self) -> bool:
        """True while panels of the last snapshot are still to be painted."""
        return self.painter.painting

    def alerts_fired(self, events: Sequence[AlertEvent]) -> set[str]:
        """Toast the alerts meant for the screen; return the triggers they announced."""
        shown = [e for e in events if e.notify]
        for event in shown:
            # the title can quote feed text: plain text, never markup
            self.app.notify(clean(event.title), title=f"Alert: {event.alert}",
                            severity="warning", markup=False)
        if self.app.config.display.bell and shown:
            self.app.bell()
        return {e.trigger for e in shown}

    def _announce(self, before: Snapshot, after: Snapshot, told: set[str]) -> None:
        bell = self.app.config.display.bell
        change = level_change(before, after)  # the rule the level alerts fire by
        if change is not None and "level" not in told:  # an alert's toast said it already
            self.app.notify(str(change), markup=False,
                            severity="warning" if change.rising else "information")
            if bell:
                self.app.bell()
        old = {e.key for e in before.recognition.pending}
        for event in after.recognition.pending:
            if event.key not in old:
                said = change_sentence(event.country, event.change,
                                       after.recognition.countries, after.recognition.subject)
                self.app.notify(f"Recognition change to confirm: {clean(said)} "
                                "(Recognition panel: y confirm, n reject)", severity="warning",
                                markup=False)
                if bell:
                    self.app.bell()

    def show_fetching(self, fetching: frozenset[str]) -> None:
        """Mark the sources being fetched on the last snapshot, without reading the store.

        A full snapshot here would read the store while the round's sources look up known
        ids in it, on the event loop, behind the same lock.
        """
        snap = self.snapshot
        if snap is None or not self.is_attached:
            return
        sources = tuple(s if s.fetching == (s.id in fetching)
                        else dataclasses.replace(s, fetching=s.id in fetching)
                        for s in snap.sources)
        if all(new is old for new, old in zip(sources, snap.sources, strict=True)):
            return  # nothing started or ended since the marks were drawn
        self.snapshot = dataclasses.replace(snap, sources=sources)
        for panel in self.query(SourcesPanel):
            panel.sources = sources

    def show_read_problem(self, problem: str | None) -> None:
        """A banner while the store cannot be read: the panels show older data."""
        banners = self.query("#store-problem")
        if problem is None:
            banners.remove()
            return
        when = self.snapshot.updated if self.snapshot else None
        since = f"data as of {when:%Y-%m-%d %H:%M} UTC" if when else "older data"
        text = Text(f"Cannot read the store: {clean(problem)}. Showing {since}; "
                    "it updates again once the store can be read.", style="bold")
        if banners:  # another problem: said in place (a removed id is not free at once)
            banners.first(Static).update(text)
        else:
            self.mount(Static(text, id="store-problem"), after=self.query_one(HeaderBar))

    # --- filters ------------------------------------------------------------------------

    def set_filters(self, *, text: str | None = None, actor: str | bool | None = False,
                    topic: str | bool | None = False) -> None:
        """Change the filters (an argument left out keeps its filter) and re-read."""
        if text is not None:
            self.text_filter = text
        if actor is not False:
            self.actor_filter = actor or None  # type: ignore[assignment]
        if topic is not False:
            self.topic_filter = topic or None  # type: ignore[assignment]
        positions = self.query_one(PositionsPanel)
        positions.actor_filter = self.actor_filter
        positions.topic_filter = self.topic_filter
        parts = []
        if self.text_filter:
            parts.append(f"“{self.text_filter}”")
        if self.actor_filter:
            parts.append(f"actor={self.actor_filter}")
        if self.topic_filter:
            parts.append(f"topic={self.topic_filter}")
        self.query_one(StatementsPanel).filter_label = " ".join(parts)
        self._filters_dirty = True
        self.load_snapshot()

    @on(FilterBar.FilterChanged)
    def _filter_changed(self, message: FilterBar.FilterChanged) -> None:
        self.set_filters(text=message.text)
        # the filter is on statements: show them, and keep the next keys (n, as in "next
        # match") away from the panel it was opened from, such as the pending changes
        self.show_panel("statements")
        self.call_after_refresh(self.query_one("#statements-table").focus)

    @on(StatementsPanel.MoreRequested)
    def _page_older(self, message: StatementsPanel.MoreRequested) -> None:
        self._read_older(message.before, message.limit)

    @work(thread=True, group="page", exclusive=True)
    def _read_older(self, before: datetime, limit: int) -> None:
        older = self.app.store.statements(limit=limit, before=before,
                                          actor=self.actor_filter or None,
                                          text=self.text_filter or None)
        if older:
            self.app.call_from_thread(self._append_older, older)

    def _append_older(self, older: list[Statement]) -> None:
        for panel in self.query(StatementsPanel):  # none while shutting down
            panel.append_older(older)

    # --- details ------------------------------------------------------------------------

    def selection(self) -> tuple[str, object] | None:
        """What enter/c act on: the focused panel's selection."""
        focused = self.app.focused
        for node in focused.ancestors_with_self if focused else ():
            if isinstance(node, StatementsPanel):
                return ("statement", node.selected)
            if isinstance(node, RecognitionPanel):
                return ("pending", node.selected)
        return None

    def statement_details(self, statement: Statement) -> None:
        """Open the details of one statement."""
        self.app.push_screen(details.statement_details(self.app.config, self.snapshot,
                                                       statement))

    @on(StatementsPanel.Selected)
    def _statement_chosen(self, message: StatementsPanel.Selected) -> None:
        self.statement_details(message.statement)

    @on(PositionsPanel.Selected)
    def _position_chosen(self, message: PositionsPanel.Selected) -> None:
        self.app.push_screen(details.position_details(
            self.app.config, self.snapshot, message.actor, message.topic, message.position))

    @on(SourcesPanel.Selected)
    def _source_chosen(self, message: SourcesPanel.Selected) -> None:
        self.app.push_screen(details.source_details(message.source, self.app.clock()))

    @on(RecognitionPanel.PendingSelected)
    def _pending_chosen(self, message: RecognitionPanel.PendingSelected) -> None:
        self.app.push_screen(details.pending_details(self.app.config, self.snapshot,
                                                     message.event))
