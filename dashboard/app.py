"""The Textual App: it hosts the round service and the dashboard screen.

Attributes down, messages up: a writing App hosts the same `CollectorService` as
`flashpoint collect` and hears of each round as a `RoundFinished` message carrying the
snapshot the service took; the `DashboardScreen` paints it. A viewer runs no rounds: it
paints the writer's last view, then re-reads the store when its main file is replaced.
The keys are the action registry's (`actions.py`); what they do is `app_actions.py`.
"""

from __future__ import annotations

import asyncio
import os
from collections.abc import Callable, Iterable, MutableMapping, Sequence
from datetime import datetime
from typing import TYPE_CHECKING, ClassVar

from textual import on
from textual.app import App
from textual.binding import BindingType
from textual.message import Message

from dashboard.actions import APP_BINDINGS
from dashboard.app_actions import AppActions
from dashboard.clock import utc_now
from dashboard.config import Config
from dashboard.memory import tune_malloc
from dashboard.models import Snapshot
from dashboard.read_only import ReadOnlyMixin
from dashboard.screens.dashboard import DashboardScreen
from widgets.header_bar import HeaderBar
from widgets.plain_text import clean
from widgets.statements_panel import StatementsPanel

if TYPE_CHECKING:
    # a viewer never runs rounds: the collector's modules (httpx, alerts) stay unimported,
    # which is a fifth of a viewer's start-up
    from dashboard.alerts import AlertEvent
    from dashboard.pipeline import Collector
    from dashboard.service import CollectorService, RoundDone
    from dashboard.storage import Store

SnapshotBuilder = Callable[..., Snapshot]


class RoundFinished(Message):
    """The round service finished a round (a pass of its aftermath): what to paint."""

    def __init__(self, done: RoundDone) -> None:
        super().__init__()
        self.done = done


def _start_resource_tracker() -> None:
    """Start multiprocessing's resource tracker while stderr is a real file: the worker
    pool's spawns start it with `sys.stderr.fileno()`, which a running Textual app has
    replaced ("bad value(s) in fds_to_keep"); later spawns reuse this one."""
    from multiprocessing import resource_tracker

    resource_tracker.ensure_running()


class FlashpointApp(AppActions, ReadOnlyMixin, App[None]):
    """The dashboard. Build it with `create_app`."""

    CSS_PATH = "dashboard.tcss"
    TITLE = "Flashpoint"
    ENABLE_COMMAND_PALETTE = True
    BINDINGS: ClassVar[list[BindingType]] = list(APP_BINDINGS)

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
        self.snapshot_builder = snapshot_builder
        self._polling = False  # a viewer's store reload is running
        self._read_problem: str | None = None  # why the store cannot be read, on screen
        self.rounds_completed = 0
        self.service: CollectorService | None = None
        self._starting: asyncio.Future[None] | None = None
        if self.collector is not None:
            from dashboard.service import CollectorService

            _start_resource_tracker()
            # this App writes the store, so it hosts the round service (schedule, alerts,
            # the last view), as `collect` does; it hears of rounds as RoundFinished
            self.service = CollectorService(
                config, self.collector, clock=clock, snapshot_builder=snapshot_builder,
                keep_view=snapshot_builder is None,
                on_round=lambda done: self.post_message(RoundFinished(done)))

    def get_default_screen(self) -> DashboardScreen:
        return DashboardScreen()

    @property
    def main(self) -> DashboardScreen:
        """The dashboard screen, even while a modal (help, details, picker) is on top."""
        return self.screen_stack[0] if self.screen_stack else self.screen  # type: ignore[return-value]

    @property
    def snapshot(self) -> Snapshot | None:
        """The snapshot on the dashboard now."""
        return self.main.snapshot if self.screen_stack else None

    def dashboard_ready(self, main: DashboardScreen) -> None:
        """The dashboard screen is composed: fill it, then start reading and rounds."""
        header = main.query_one(HeaderBar)
        header.theatre = self.config.theatre.name
        header.mode = ("read-only" if self.read_only else "viewer" if self.viewer
                       else "demo" if self.demo else "")
        header.now = self.clock()
        header.muted = self.alerts_muted()
        main.set_class(self.no_color, "-no-color")  # NO_COLOR: marks without colour
        main.apply_layout(self.size.width, self.size.height)
        main.query_one("#statements-table").focus()
        self.set_interval(1.0, self._tick)
        if self._last_view is not None:
            main.apply_snapshot(self._last_view)
            self._last_view = None
            # the store loads once the view is on screen, not in competition with it
            self.call_after_refresh(self.store.start_loading)
        else:
            self.store.start_loading()
        main.load_snapshot()
        if self.viewer:
            self.set_interval(1.0, self._poll_store)
        elif self.service is not None:
            self._starting = asyncio.ensure_future(self._start_rounds(main))

    async def _start_rounds(self, main: DashboardScreen) -> None:
        await main.painter.wait_settled()  # first paint, then rounds (ARCHITECTURE.md)
        if self.service is not None and self.screen_stack:
            await self.service.start(scheduler=self.use_scheduler)
            self.set_timer(0.2, self._show_fetching)

    async def on_unmount(self) -> None:
        if self.service is not None:
            # the write in progress finishes; the HTTP clients, pool and alerts close
            await self.service.stop()

    def _tick(self) -> None:
        if not self.screen_stack:
            return  # shutting down: a tick due while the screens close finds none
        now = self.clock()
        for widget in self.main.query("HeaderBar, SourcesPanel"):
            widget.now = now  # type: ignore[attr-defined]
        for panel in self.main.query(StatementsPanel):
            panel.today = now.date()  # a new day changes how compact times read
        self._show_fetching()  # scheduled rounds start inside the service

    def start_round(self, source_ids: Iterable[str] | None) -> bool:
        """Start a round now over these sources (all when None) not being fetched."""
        if self.service is None:
            return False
        self.service.run_now(source_ids)
        self.set_timer(0.2, self._show_fetching)  # the marks, once it claimed its sources
        return True

    def _show_fetching(self) -> None:
        if self.service is not None and self.screen_stack:
            self.main.show_fetching(self.service.fetching)

    @on(RoundFinished)
    def _round_finished(self, message: RoundFinished) -> None:
        """Paint the snapshot the service took after a round, with the alerts it fired."""
        done = message.done
        self.rounds_completed += 1
        if done.error is not None:
            self.notify(f"fetch round failed: {clean(done.error)}", severity="error",
                        markup=False)
        if done.snapshot is not None and self.screen_stack:
            self.main.paint_round(done.snapshot, done.fired)

    def load_snapshot(self) -> None:
        """Read a fresh snapshot from the store in a thread; the newest request wins."""
        self.main.load_snapshot()

    def apply_snapshot(self, snap: Snapshot, fired: Sequence[AlertEvent] = ()) -> None:
        """Paint `snap` on the dashboard and announce what changed."""
        if self.screen_stack:
            self.main.apply_snapshot(snap, fired)

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
        self._read_problem = problem
        if self.screen_stack:
            self.main.show_read_problem(problem)


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
    tune_malloc()  # before the App starts its worker threads
    return FlashpointApp(config, store=store, collector=collector, clock=clock, demo=demo,
                         viewer=viewer, scheduler=scheduler, snapshot_builder=snapshot_builder,
                         last_view=last_view, read_only=read_only)
