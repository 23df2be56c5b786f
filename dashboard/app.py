"""The Textual App: the mediator between fetch rounds, the store and the widgets.

Attributes down, messages up: the App reads a `Snapshot` (in a thread worker, since it
reads the store) and sets widget attributes; widgets post messages that the App answers.
Fetch rounds run as async workers, one at a time; parsing runs in the collector's pool.
"""

from __future__ import annotations

import asyncio
import dataclasses
import os
from collections.abc import Callable, Iterable, MutableMapping, Sequence
from datetime import datetime
from typing import TYPE_CHECKING, ClassVar

from rich.text import Text
from textual import on, work
from textual.app import App, ComposeResult, SystemCommand
from textual.binding import Binding, BindingType
from textual.containers import Container
from textual.message import Message
from textual.widgets import Footer, Static, Tab, Tabs
from textual.worker import Worker, WorkerState

from dashboard.clock import utc_now
from dashboard.config import Config
from dashboard.decisions import (
    change_sentence,
    country_label,
    decision_note,
    decision_question,
    in_effect,
    undo_question,
)
from dashboard.levels import level_change
from dashboard.memory import limit_malloc_arenas
from dashboard.models import Snapshot, Statement
from dashboard.read_only import HIDDEN_SYSTEM_COMMANDS, ReadOnlyMixin
from dashboard.report import freshness_of, source_details_fields
from dashboard.textclean import safe_link
from widgets.confirm_screen import ConfirmScreen
from widgets.details_screen import DetailsScreen
from widgets.escalation_panel import EscalationPanel
from widgets.filter_bar import FilterBar
from widgets.header_bar import HeaderBar
from widgets.help_screen import HelpScreen
from widgets.picker_screen import PickerScreen
from widgets.plain_text import clean
from widgets.positions_panel import PositionsPanel
from widgets.recognition_panel import RecognitionPanel
from widgets.sources_panel import SourcesPanel
from widgets.statements_panel import StatementsPanel

if TYPE_CHECKING:
    # a viewer never runs rounds: the collector's modules (httpx, alerts) stay unimported,
    # which is a fifth of a viewer's start-up
    from dashboard.alerts import AlertEvent
    from dashboard.pipeline import Collector
    from dashboard.service import CollectorService, RoundDone
    from dashboard.storage import Store

SnapshotBuilder = Callable[..., Snapshot]

# Below this the panels become tabs; above it they share a grid.
WIDE_MIN = (120, 36)
PANELS: tuple[tuple[str, str], ...] = (
    ("statements", "Statements"),
    ("positions", "Positions"),
    ("recognition", "Recognition"),
    ("escalation", "Escalation"),
    ("sources", "Sources"),
)


class RoundFinished(Message):
    """The round service finished a round (a pass of its aftermath): what to paint."""

    def __init__(self, done: RoundDone) -> None:
        super().__init__()
        self.done = done


def _start_resource_tracker() -> None:
    """Start multiprocessing's resource tracker while stderr is still a real file.

    The collector's parse pool spawns processes, and spawning starts the tracker with
    `sys.stderr.fileno()`; inside a running Textual app stderr is replaced by a capture
    without a file descriptor, so the first round would fail with "bad value(s) in
    fds_to_keep". Started here, before the app runs, later spawns reuse it.
    """
    from multiprocessing import resource_tracker

    resource_tracker.ensure_running()


class FlashpointApp(ReadOnlyMixin, App[None]):
    """The dashboard. Build it with `create_app`."""

    CSS_PATH = "dashboard.tcss"
    TITLE = "Flashpoint"
    ENABLE_COMMAND_PALETTE = True

    BINDINGS: ClassVar[list[BindingType]] = [
        # q and ? first: the footer shows a panel's own keys before these and cuts the
        # rest at 80 columns, and these two must stay in sight
        Binding("q", "quit", "Quit"),
        Binding("question_mark", "help", "Help"),
        Binding("slash", "filter_text", "Filter"),
        Binding("a", "filter_actor", "Actor"),
        Binding("t", "filter_topic", "Topic"),
        Binding("enter", "details", "Details", show=False),
        Binding("c", "copy_link", "Copy link"),
        Binding("r", "refresh", "Refresh"),
        Binding("p", "pause", "Pause"),
        Binding("p", "resume", "Resume"),  # shown instead while paused (check_action)
        Binding("m", "mute_alerts", "Mute alerts", show=False),
        # only from the pending table (the panel's own y/n); elsewhere they say so
        Binding("y", "decide('confirmed')", "Confirm", show=False),
        Binding("n", "decide('rejected')", "Reject", show=False),
        Binding("escape", "clear_filters", "Clear filters", show=False),
        Binding("tab", "next_panel(1)", "Next panel", show=False, priority=True),
        Binding("shift+tab", "next_panel(-1)", "Previous panel", show=False, priority=True),
        *(Binding(str(n), f"show_panel('{key}')", label, show=False)
          for n, (key, label) in enumerate(PANELS, start=1)),
    ]

    def __init__(
        self,
        config: Config,
        *,
        store: Store,
        collector: Collector | None,
        clock: Callable[[], datetime] = utc_now,
        demo: bool = False,
        viewer: bool = False,
        scheduler: bool = True,
        snapshot_builder: SnapshotBuilder | None = None,
        last_view: Snapshot | None = None,
        read_only: bool = False,
    ) -> None:
        super().__init__()
        self.read_only = read_only  # served to a browser: nothing can be changed
        viewer = viewer or read_only
        self._last_view = last_view  # painted first, while the store loads
        self.config = config
        self.store = store
        self.collector = None if viewer else collector
        self.clock = clock
        self.demo = demo
        self.viewer = viewer or collector is None
        self.use_scheduler = scheduler and self.collector is not None
        self._build_snapshot = snapshot_builder
        self.snapshot: Snapshot | None = None
        self.text_filter = ""
        self.actor_filter: str | None = None
        self.topic_filter: str | None = None
        self._polling = False  # a viewer's store reload is running
        self._read_problem: str | None = None  # why the store cannot be read, on screen
        self.rounds_completed = 0
        self._filters_dirty = False  # the next snapshot must replace the statement rows
        self.service: CollectorService | None = None
        if self.collector is not None:
            from dashboard.service import CollectorService

            _start_resource_tracker()
            # this App writes the store, so it hosts the round service (schedule, alerts,
            # the last view), as `collect` does; it hears of rounds as RoundFinished
            self.service = CollectorService(
                config, self.collector, clock=clock, snapshot_builder=snapshot_builder,
                keep_view=snapshot_builder is None,
                on_round=lambda done: self.post_message(RoundFinished(done)))

    @property
    def main(self):
        """The dashboard screen, even while a modal (help, details, picker) is on top."""
        return self.screen_stack[0] if self.screen_stack else self.screen

    # --- layout -------------------------------------------------------------------------

    def compose(self) -> ComposeResult:
        yield HeaderBar(id="header")
        if self.demo:
            yield Static(Text("DEMO — sample feeds from a local server", style="bold"),
                         id="demo-banner")
        yield FilterBar(placeholder="filter statements (enter applies, empty clears)",
                        id="filter-bar")
        tabs = Tabs(*(Tab(label, id=f"tab-{key}") for key, label in PANELS), id="panel-tabs")
        tabs.can_focus = False  # tab/shift+tab move between panels; the mouse still clicks
        yield tabs
        with Container(id="panels"):
            yield StatementsPanel(max_rows=self.config.display.statements,
                                  id="statements", classes="panel")
            yield PositionsPanel(id="positions", classes="panel")
            yield RecognitionPanel(id="recognition", classes="panel")
            yield EscalationPanel(id="escalation", classes="panel")
            yield SourcesPanel(id="sources", classes="panel")
        yield Footer(compact=True, show_command_palette=False)  # ctrl+p is in the help

    def on_mount(self) -> None:
        header = self.main.query_one(HeaderBar)
        header.theatre = self.config.theatre.name
        header.mode = ("read-only" if self.read_only else "viewer" if self.viewer
                       else "demo" if self.demo else "")
        header.now = self.clock()
        header.muted = self._alerts_muted()
        self.main.set_class(self.no_color, "-no-color")  # NO_COLOR: marks without colour
        self._apply_layout(self.size.width, self.size.height)
        self.main.query_one("#statements-table").focus()
        self.set_interval(1.0, self._tick)
        if self._last_view is not None:
            self.apply_snapshot(self._last_view)
            self._last_view = None
            # the store loads once the view is on screen, not in competition with it
            self.call_after_refresh(self.store.start_loading)
        else:
            self.store.start_loading()
        self.load_snapshot()
        if self.viewer:
            self.set_interval(1.0, self._poll_store)
        elif self.service is not None:
            self._starting = asyncio.ensure_future(
                self.service.start(scheduler=self.use_scheduler))
            self.set_timer(0.2, self._show_fetching)

    async def on_unmount(self) -> None:
        if self.service is not None:
            # the write in progress finishes; the HTTP clients, pool and alerts close
            await self.service.stop()

    def on_resize(self, event) -> None:
        self._apply_layout(event.size.width, event.size.height)

    def _apply_layout(self, width: int, height: int) -> None:
        wide = width >= WIDE_MIN[0] and height >= WIDE_MIN[1]
        self.main.set_class(wide, "-wide")
        self.main.set_class(not wide, "-compact")
        self._show_panel(self._current_panel_id())

    def _current_panel_id(self) -> str:
        tabs = self.main.query_one(Tabs)
        active = tabs.active or "tab-statements"
        return active.removeprefix("tab-")

    def _show_panel(self, panel_id: str) -> None:
        for key, _ in PANELS:
            self.main.query_one(f"#{key}").set_class(key == panel_id, "-active")
        tabs = self.main.query_one(Tabs)
        if tabs.active != f"tab-{panel_id}":
            tabs.active = f"tab-{panel_id}"

    @on(Tabs.TabActivated, "#panel-tabs")
    def _tab_chosen(self, event: Tabs.TabActivated) -> None:
        if event.tab.id != event.tabs.active:
            return  # a stale activation: focus already moved on to another panel
        panel_id = (event.tab.id or "tab-statements").removeprefix("tab-")
        self._show_panel(panel_id)
        panel = self.main.query_one(f"#{panel_id}")
        if not panel.has_focus_within:
            self._focus_panel(panel)

    def _focus_panel(self, panel) -> None:
        target = panel if panel.can_focus else next(
            (w for w in panel.query("*") if w.can_focus), None)
        if target is not None:
            target.focus()

    def action_next_panel(self, step: int) -> None:
        """Focus the next (or previous) panel; in the tabbed layout, show it too."""
        if len(self.screen_stack) > 1 or isinstance(self.focused, FilterBar):
            # modal screens and the filter input keep ordinary focus movement
            (self.screen.focus_next if step > 0 else self.screen.focus_previous)()
            return
        order = [key for key, _ in PANELS]
        current = order.index(self._current_panel_id())
        target = order[(current + step) % len(order)]
        self._show_panel(target)
        self._focus_panel(self.main.query_one(f"#{target}"))

    def on_descendant_focus(self, event) -> None:
        # In the tabbed layout, focus moving into a hidden panel (a click, a search) shows it.
        if not self.screen_stack or event.widget is not self.focused:
            return  # shutting down, or stale: keys typed ahead have already moved focus on
        for node in event.widget.ancestors_with_self:
            if isinstance(node, (StatementsPanel, PositionsPanel, RecognitionPanel,
                                 EscalationPanel, SourcesPanel)):
                self._show_panel(node.id or "statements")
                break

    # --- clock, rounds, snapshots --------------------------------------------------------

    def _tick(self) -> None:
        now = self.clock()
        for widget in self.main.query("HeaderBar, SourcesPanel"):  # none while shutting down
            widget.now = now  # type: ignore[attr-defined]
        for panel in self.main.query(StatementsPanel):
            panel.today = now.date()  # a new day changes how compact times read
        if self.service is not None and self.snapshot is not None:
            self._show_fetching()  # scheduled rounds start inside the service

    def start_round(self, source_ids: Iterable[str] | None) -> bool:
        """Start a round now over these sources (all when None) not being fetched."""
        if self.service is None:
            return False
        self.service.run_now(source_ids)
        # Show the fetching marks once the round has claimed its sources.
        self.set_timer(0.2, self._show_fetching)
        return True

    def _show_fetching(self) -> None:
        """Mark the sources being fetched on the last snapshot, without reading the store.

        A full snapshot here would read the store while the round's sources look up known
        ids in it, on the event loop, behind the same lock.
        """
        snap, service = self.snapshot, self.service
        if service is None or not self.screen_stack:
            return
        if snap is None:  # the first snapshot is still being read: try again shortly
            self.set_timer(0.2, self._show_fetching)
            return
        fetching = service.fetching
        sources = tuple(s if s.fetching == (s.id in fetching)
                        else dataclasses.replace(s, fetching=s.id in fetching)
                        for s in snap.sources)
        if all(new is old for new, old in zip(sources, snap.sources, strict=True)):
            return  # nothing started or ended since the marks were drawn
        self.snapshot = dataclasses.replace(snap, sources=sources)
        for panel in self.main.query(SourcesPanel):
            panel.sources = sources

    @on(RoundFinished)
    def _round_finished(self, message: RoundFinished) -> None:
        """Paint the snapshot the service took after a round, with the alerts it fired."""
        done = message.done
        self.rounds_completed += 1
        if done.error is not None:
            self.notify(f"fetch round failed: {clean(done.error)}", severity="error",
                        markup=False)
        if done.snapshot is None:
            return
        if self.text_filter or self.actor_filter:  # the filtered rows come from the store
            self._paint_filtered(done.snapshot, done.fired)
        else:
            self.apply_snapshot(done.snapshot, fired=done.fired)

    @work(thread=True, group="snapshot", exclusive=True)
    def _paint_filtered(self, snap: Snapshot, fired: Sequence[AlertEvent]) -> None:
        self.call_from_thread(self.apply_snapshot, self._filtered(snap), fired)

    def on_worker_state_changed(self, event: Worker.StateChanged) -> None:
        worker = event.worker
        if worker.group == "snapshot" and event.state == WorkerState.SUCCESS:
            self.apply_snapshot(worker.result)
        elif worker.group == "snapshot" and event.state == WorkerState.ERROR:
            self.notify(f"cannot read the store: {clean(worker.error)}", severity="error",
                        markup=False)

    def load_snapshot(self) -> None:
        """Read a fresh snapshot from the store in a thread; the newest request wins."""
        self.run_worker(self._read_snapshot, name="read-snapshot", group="snapshot",
                        thread=True, exclusive=True)

    def _read_snapshot(self) -> Snapshot:
        build = self._build_snapshot
        if build is None:
            from dashboard.snapshot import build_snapshot as build
        fetching = self.service.fetching if self.service else frozenset()
        return self._filtered(build(self.config, self.store, now=self.clock(),
                                    fetching=fetching))

    def _filtered(self, snap: Snapshot) -> Snapshot:
        """`snap` with the statements the filters let through (read from the store)."""
        if self.text_filter or self.actor_filter:
            filtered = self.store.statements(limit=self.config.display.statements,
                                             actor=self.actor_filter or None,
                                             text=self.text_filter or None)
            snap = dataclasses.replace(snap, statements=tuple(filtered))
        return snap

    def _poll_store(self) -> None:
        # reloading reads every segment: in a thread, one poll at a time
        if not self._polling:
            self._polling = True
            self.run_worker(self._reload_store, name="poll-store", group="poll", thread=True)

    def _reload_store(self) -> None:
        try:
            if self.store.reload_if_changed():
                self.call_from_thread(self.load_snapshot)
            problem = getattr(self.store, "read_problem", None)
            if problem != self._read_problem:
                self.call_from_thread(self._show_read_problem, problem)
        finally:
            self._polling = False

    def _show_read_problem(self, problem: str | None) -> None:
        """A banner while the store cannot be read: the panels show older data."""
        self._read_problem = problem
        if not self.screen_stack:
            return
        for banner in self.main.query("#store-problem"):
            banner.remove()
        if problem is not None:
            when = self.snapshot.updated if self.snapshot else None
            since = f"data as of {when:%Y-%m-%d %H:%M} UTC" if when else "older data"
            text = Text(f"Cannot read the store: {clean(problem)}. Showing {since}; "
                        "it updates again once the store can be read.", style="bold")
            self.main.mount(Static(text, id="store-problem"), after=self.main.query_one(HeaderBar))

    def apply_snapshot(self, snap: Snapshot, fired: Sequence[AlertEvent] = ()) -> None:
        """Set every widget's attributes from `snap` and announce what changed."""
        if not self.screen_stack:  # shutting down: the widgets are gone
            return
        headers = self.main.query(HeaderBar)
        if not headers:
            return
        previous, self.snapshot = self.snapshot, snap
        now = self.clock()
        header = headers.first()
        header.updated = snap.updated
        header.level = snap.escalation.level
        header.freshness = freshness_of(snap)
        header.now = now
        statements = self.main.query_one(StatementsPanel)
        statements.actors, statements.actor_tags = snap.actors, snap.actor_tags
        statements.source_names = {s.id: s.name for s in snap.sources}
        statements.today = now.date()
        if statements.following or self._filters_dirty:
            statements.show_latest(snap.statements)
        self._filters_dirty = False
        positions = self.main.query_one(PositionsPanel)
        positions.actors, positions.topics = snap.actors, snap.topics
        positions.topic_tags = snap.topic_tags
        positions.positions = snap.positions
        self.main.query_one(RecognitionPanel).recognition = snap.recognition
        escalation = self.main.query_one(EscalationPanel)
        escalation.no_data = header.freshness.no_data
        escalation.escalation = snap.escalation
        sources = self.main.query_one(SourcesPanel)
        sources.now = now
        sources.sources = snap.sources
        told = self._alerts_fired(fired)
        if previous is not None:
            self._announce(previous, snap, told)

    def _alerts_fired(self, events: Sequence[AlertEvent]) -> set[str]:
        """Toast the alerts meant for the screen; return the triggers they announced."""
        shown = [e for e in events if e.notify]
        for event in shown:
            # the title can quote feed text: plain text, never markup
            self.notify(clean(event.title), title=f"Alert: {event.alert}",
                        severity="warning", markup=False)
        if self.config.display.bell and shown:
            self.bell()
        return {e.trigger for e in shown}

    def _announce(self, before: Snapshot, after: Snapshot, told: set[str] = frozenset()) -> None:
        bell = self.config.display.bell
        change = level_change(before, after)  # the rule the level alerts fire by
        if change is not None and "level" not in told:  # an alert's toast said it already
            self.notify(str(change), severity="warning" if change.rising else "information",
                        markup=False)
            if bell:
                self.bell()
        old = {e.key for e in before.recognition.pending}
        for event in after.recognition.pending:
            if event.key not in old:
                said = change_sentence(event.country, event.change,
                                       after.recognition.countries, after.recognition.subject)
                self.notify(f"Recognition change to confirm: {clean(said)} "
                            "(Recognition panel: y confirm, n reject)", severity="warning",
                            markup=False)
                if bell:
                    self.bell()

    # --- messages from widgets ------------------------------------------------------------

    @on(StatementsPanel.MoreRequested)
    def _page_older(self, message: StatementsPanel.MoreRequested) -> None:
        self._read_older(message.before, message.limit)

    @work(thread=True, group="page", exclusive=True)
    def _read_older(self, before: datetime, limit: int) -> None:
        older = self.store.statements(limit=limit, before=before,
                                      actor=self.actor_filter or None,
                                      text=self.text_filter or None)
        if older:
            self.call_from_thread(self._append_older, older)

    def _append_older(self, older: list[Statement]) -> None:
        for panel in self.main.query(StatementsPanel):  # none while shutting down
            panel.append_older(older)

    @on(StatementsPanel.Selected)
    def _statement_chosen(self, message: StatementsPanel.Selected) -> None:
        self.push_screen(self.statement_details(message.statement))

    @on(PositionsPanel.Selected)
    def _position_chosen(self, message: PositionsPanel.Selected) -> None:
        snap = self.snapshot
        actor = snap.actors.get(message.actor, message.actor) if snap else message.actor
        topic = snap.topics.get(message.topic, message.topic) if snap else message.topic
        fields: list[tuple[str, object]] = [("actor", actor), ("topic", topic)]
        pos = message.position
        if pos is None:
            fields.append(("stance", "no evidence"))
        else:
            fields += [("stance", pos.stance), ("confidence", f"{pos.confidence:.0%}"),
                       ("changed", "yes" if pos.changed else "no")]
            for ev in pos.evidence[:10]:
                when = ev.time.isoformat() if ev.time else "undated"
                fields.append((f"{ev.stance} · {self.source_name(ev.source_id)} · {when}",
                               ev.evidence))
        self.push_screen(DetailsScreen(f"{actor} on {topic}", fields))

    @on(SourcesPanel.Selected)
    def _source_chosen(self, message: SourcesPanel.Selected) -> None:
        v = message.source
        self.push_screen(DetailsScreen(f"Source: {v.name or v.id}",
                                       source_details_fields(v, self.clock()), link=v.url))

    @on(RecognitionPanel.PendingSelected)
    def _pending_chosen(self, message: RecognitionPanel.PendingSelected) -> None:
        e = message.event
        when = e.time.isoformat() if e.time else "undated"
        names, subject = self._recognition()
        self.push_screen(DetailsScreen(
            f"Pending: {change_sentence(e.country, e.change, names, subject)}",
            [("country", country_label(e.country, names)), ("change", e.change),
             ("status", e.status),
             ("source", self.source_name(e.source_id)), ("time", when),
             ("evidence", e.evidence)]))

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

    @on(RecognitionPanel.Decided)
    def _decided(self, message: RecognitionPanel.Decided) -> None:
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

    @on(RecognitionPanel.UndoRequested)
    def _undo_requested(self, message: RecognitionPanel.UndoRequested) -> None:
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

    @on(FilterBar.FilterChanged)
    def _filter_changed(self, message: FilterBar.FilterChanged) -> None:
        self.text_filter = message.text
        self._filters_changed()
        # the filter is on statements: show them, and keep the next keys (n, as in "next
        # match") away from the panel it was opened from, such as the pending changes
        self._show_panel("statements")
        self.call_after_refresh(self.main.query_one("#statements-table").focus)

    def source_name(self, source_id: str) -> str:
        """`Name (id)` of a configured source, the bare id of one no longer configured."""
        name = next((s.name for s in self.config.sources if s.id == source_id), None)
        return f"{name} ({source_id})" if name and name != source_id else source_id

    def statement_details(self, s: Statement) -> DetailsScreen:
        """The details screen of one statement."""
        actor = (self.snapshot.actors.get(s.actor or "", s.actor) if self.snapshot else s.actor)
        return DetailsScreen(
            f"{s.speaker} ({actor or 'unknown actor'})",
            [("statement", s.text), ("kind", s.kind), ("sentence", s.sentence),
             ("found in", "the article page" if s.origin == "page" else "the feed's text"),
             ("source", self.source_name(s.source_id)), ("link", s.link or "none"),
             ("time", s.time.isoformat() if s.time else "unknown")],
            link=s.link,
        )

    # --- actions --------------------------------------------------------------------------

    def action_help(self) -> None:
        """Show the key help."""
        if not isinstance(self.screen, HelpScreen):
            self.push_screen(HelpScreen())

    def action_filter_text(self) -> None:
        """Open the text filter."""
        bar = self.main.query_one(FilterBar)
        bar.value = self.text_filter
        bar.open()

    def action_filter_actor(self) -> None:
        """Pick an actor to filter statements and positions by."""
        choices = {a.id: a.name for a in self.config.actors}
        self.push_screen(PickerScreen("actors", choices), self._actor_picked)

    def _actor_picked(self, actor: str | None) -> None:
        if actor is not None:
            self.actor_filter = actor or None
            self._filters_changed()

    def action_filter_topic(self) -> None:
        """Pick a topic to narrow the positions matrix to."""
        choices = {t.id: t.label for t in self.config.topics}
        self.push_screen(PickerScreen("topics", choices), self._topic_picked)

    def _topic_picked(self, topic: str | None) -> None:
        if topic is not None:
            self.topic_filter = topic or None
            self._filters_changed()

    def action_clear_filters(self) -> None:
        """Drop every filter."""
        if self.text_filter or self.actor_filter or self.topic_filter:
            self.text_filter, self.actor_filter, self.topic_filter = "", None, None
            self._filters_changed()

    def _filters_changed(self) -> None:
        positions = self.main.query_one(PositionsPanel)
        positions.actor_filter = self.actor_filter
        positions.topic_filter = self.topic_filter
        parts = []
        if self.text_filter:
            parts.append(f"“{self.text_filter}”")
        if self.actor_filter:
            parts.append(f"actor={self.actor_filter}")
        if self.topic_filter:
            parts.append(f"topic={self.topic_filter}")
        self.main.query_one(StatementsPanel).filter_label = " ".join(parts)
        self._filters_dirty = True
        self.load_snapshot()

    def _selection(self) -> tuple[str, object] | None:
        """What enter/c act on: the focused panel's selection."""
        focused = self.focused
        for node in focused.ancestors_with_self if focused else ():
            if isinstance(node, StatementsPanel):
                return ("statement", node.selected)
            if isinstance(node, RecognitionPanel):
                return ("pending", node.selected)
        return None

    def action_details(self) -> None:
        """Open the details of the selection in the focused panel."""
        chosen = self._selection()
        if chosen and chosen[0] == "statement" and chosen[1] is not None:
            self.push_screen(self.statement_details(chosen[1]))  # type: ignore[arg-type]

    @on(DetailsScreen.CopyRequested)
    def _copy_requested(self, message: DetailsScreen.CopyRequested) -> None:
        self.copy_link(message.link)

    def action_copy_link(self) -> None:
        """Copy the selected statement's link with OSC 52 (http/https only)."""
        link = None
        chosen = self._selection()
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
        if self.collector is None:
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

    def _alerts_muted(self) -> bool:
        """True when alerts are configured and every one is muted."""
        ids = [a.id for a in self.config.alerts]
        if not ids:
            return False
        from dashboard.alert_state import AlertState, state_path_for

        state = AlertState.load(state_path_for(self.config.storage.resolved_path()))
        return all(state.is_muted(i) for i in ids)

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        """Of the two `p` bindings, only the one that names what `p` does now is shown."""
        if action in ("pause", "resume"):
            paused = bool(self.service and self.service.paused)
            return (action == "resume") == paused
        return True

    def action_resume(self) -> None:
        """Resume scheduled fetching (the `p` key while paused)."""
        self.action_pause()

    def action_show_panel(self, panel_id: str) -> None:
        """Show and focus one panel (the keys 1 to 5)."""
        if len(self.screen_stack) > 1:
            return
        self._show_panel(panel_id)
        self._focus_panel(self.main.query_one(f"#{panel_id}"))

    def get_system_commands(self, screen):
        commands = [*super().get_system_commands(screen)]
        for title, help_text, action in (
            ("Help", "Show the keys", self.action_help),
            ("Filter by text", "Filter statements by text", self.action_filter_text),
            ("Filter by actor", "Pick an actor", self.action_filter_actor),
            ("Filter by topic", "Pick a topic", self.action_filter_topic),
            ("Clear filters", "Drop every filter", self.action_clear_filters),
            ("Details", "Details of the selection", self.action_details),
            ("Copy link", "Copy the selected link (OSC 52)", self.action_copy_link),
            ("Refresh now", "Fetch every source now", self.action_refresh),
            ("Pause / resume", "Pause or resume fetching", self.action_pause),
            ("Mute / unmute alerts", "Silence every configured alert, or let them fire",
             self.action_mute_alerts),
            ("Confirm change", "Confirm the selected pending change",
             lambda: self.action_decide("confirmed")),
            ("Reject change", "Reject the selected pending change",
             lambda: self.action_decide("rejected")),
            ("Undo decision", "Undo the newest recognition decision that still holds",
             self.action_undo_decision),
        ):
            commands.append(SystemCommand(title, help_text, action))
        if self.read_only:  # a browser visitor may look, filter, read details and leave
            hidden = HIDDEN_SYSTEM_COMMANDS | {
                "Copy link", "Refresh now", "Pause / resume", "Mute / unmute alerts",
                "Confirm change", "Reject change", "Undo decision"}
            commands = [c for c in commands if c.title not in hidden]
        yield from commands


def honour_plain_terminal(environ: MutableMapping[str, str] = os.environ) -> None:
    """Give a `TERM=dumb` terminal the NO_COLOR screen: no colours, and the selection, the
    active tab and the focused panel in reverse video (Textual reads NO_COLOR at start)."""
    if environ.get("TERM", "") == "dumb":
        environ.setdefault("NO_COLOR", "1")


def create_app(
    config: Config,
    *,
    store: Store,
    collector: Collector | None,
    clock: Callable[[], datetime] = utc_now,
    demo: bool = False,
    viewer: bool = False,
    scheduler: bool = True,
    snapshot_builder: SnapshotBuilder | None = None,
    last_view: Snapshot | None = None,
    read_only: bool = False,
) -> FlashpointApp:
    """The dashboard app, as the CLI and the snapshot tests build it."""
    limit_malloc_arenas()  # before the App starts its worker threads
    return FlashpointApp(config, store=store, collector=collector, clock=clock, demo=demo,
                         viewer=viewer, scheduler=scheduler, snapshot_builder=snapshot_builder,
                         last_view=last_view, read_only=read_only)
