"""The panels a snapshot paints after the statements, each in a frame of its own.

A round's snapshot changes every table; set all at once, their repaint was one long stall
of the event loop (docs/PERFORMANCE.md §4). `DashboardScreen.apply_snapshot` sets the
header and statements at once and then, through a `PanelPainter`, these, one per frame,
in PAINT_ORDER; after the last frame the garbage collector runs (`IdleCollections`), and
the first time that follows a snapshot read from the store the screen has *settled*: the
App starts its first round only then (docs/ARCHITECTURE.md, "Start-up").
"""

from __future__ import annotations

import asyncio
import contextlib
import time
from collections.abc import Callable
from datetime import datetime

from textual.screen import Screen

from dashboard.memory import IdleCollections
from dashboard.models import Snapshot
from dashboard.report import freshness_of
from widgets.escalation_panel import EscalationPanel
from widgets.header_bar import HeaderBar
from widgets.positions_panel import PositionsPanel
from widgets.recognition_panel import RecognitionPanel
from widgets.sources_panel import SourcesPanel


def paint_positions(screen: Screen, snap: Snapshot, now: datetime) -> None:
    """The actor × topic matrix (or that it is still being read)."""
    positions = screen.query_one(PositionsPanel)
    positions.actors, positions.topics = snap.actors, snap.topics
    positions.actor_tags = snap.actor_tags
    positions.topic_tags, positions.topic_abbrs = snap.topic_tags, snap.topic_abbrs
    positions.positions = snap.positions
    positions.pending = snap.positions_pending


def paint_recognition(screen: Screen, snap: Snapshot, now: datetime) -> None:
    """The recognition counts, pending changes and decisions."""
    screen.query_one(RecognitionPanel).recognition = snap.recognition


def paint_escalation(screen: Screen, snap: Snapshot, now: datetime) -> None:
    """The escalation score, level, trend and drivers."""
    escalation = screen.query_one(EscalationPanel)
    escalation.no_data = freshness_of(snap).no_data
    escalation.escalation = snap.escalation


def paint_sources(screen: Screen, snap: Snapshot, now: datetime) -> None:
    """Each source's health and age."""
    sources = screen.query_one(SourcesPanel)
    sources.now = now
    sources.sources = snap.sources


# Time between two panels: two of Textual's frames (60 a second), so that the one set
# before is rendered (its own callback of the event loop) before the next is set.
PAINT_GAP = 2 / 60
# The longest the App's first round waits for the screen to settle (a store that loads
# for longer than this has its first round fetch meanwhile, as before there was a wait).
SETTLE_WAIT = 10.0
# Seconds without a paint, a key or a click (and with no source being fetched) before a
# due thaw of the idle collections (a stall of 100-250 ms) may run.
QUIET = 5.0

PAINT_ORDER: tuple[Callable[[Screen, Snapshot, datetime], None], ...] = (
    paint_positions, paint_recognition, paint_escalation, paint_sources)


class PanelPainter:
    """Paints the newest snapshot's PAINT_ORDER panels one per frame, then collects.

    `settled` is set once a snapshot read from the store (`store_read`; the App's saved
    last view does not count) is all on screen and the garbage of the start-up collected,
    or once the screen knows no such snapshot will come (`settle`).
    """

    def __init__(self, screen: Screen) -> None:
        self.screen = screen
        self.next: int | None = None  # which of PAINT_ORDER paints after the next frame
        self.idle_collections = IdleCollections()  # garbage collected after each paint
        self.store_read = False
        self.settled = asyncio.Event()
        self.painted_at = 0.0  # when the last snapshot's last panel was painted (monotonic)

    @property
    def painting(self) -> bool:
        """True while panels of the last snapshot are still to be painted."""
        return self.next is not None

    def paint(self, *, at_once: bool) -> None:
        """Paint the panels (again) from the newest snapshot: all after the next frame
        when `at_once` (nothing was on screen), else one per frame, PAINT_GAP apart."""
        if self.next is None and at_once:
            self.screen.call_after_refresh(self._paint_next, True)
        elif self.next is None:
            self.screen.set_timer(PAINT_GAP, self._paint_next)
        self.next = 0

    def _paint_next(self, at_once: bool = False) -> None:
        """Paint the next panel (`at_once`: all that are left) from the newest snapshot;
        the one after it on a timer (`call_after_refresh` callbacks can run back to back
        in one loop callback, before anything is rendered)."""
        screen = self.screen
        step, snap = self.next, getattr(screen, "snapshot", None)
        if (step is None or snap is None or not screen.is_attached
                or not screen.query(HeaderBar)):  # shutting down: the widgets are gone
            self.next = None
            return
        for paint in PAINT_ORDER[step:] if at_once else PAINT_ORDER[step:step + 1]:
            paint(screen, snap, screen.app.clock())  # type: ignore[attr-defined]
        step = len(PAINT_ORDER) - 1 if at_once else step
        if step + 1 < len(PAINT_ORDER):
            self.next = step + 1
            screen.set_timer(PAINT_GAP, self._paint_next)
        else:
            self.next = None  # on screen: collect after its last frame (memory.py)
            screen.set_timer(PAINT_GAP, self._painted)

    def _painted(self) -> None:
        self.idle_collections.collect()
        self.painted_at = time.monotonic()
        if self.store_read:
            self.settled.set()

    def thaw_if_quiet(self) -> None:
        """(Every second.) Thaw the idle collections when a thaw is due and the screen is
        quiet: nothing painted, typed or clicked for QUIET seconds, no source being
        fetched. A thaw holds the loop 100-250 ms (memory.IdleCollections)."""
        app = self.screen.app
        service = getattr(app, "service", None)
        if (not self.idle_collections.thaw_due or self.painting
                or (service is not None and service.fetching)):
            return
        last = max(self.painted_at, getattr(app, "last_input", 0.0))
        if time.monotonic() - last >= QUIET:
            self.idle_collections.thaw()

    async def wait_settled(self, timeout: float = SETTLE_WAIT) -> None:
        """Wait until the screen has settled, `timeout` seconds at most."""
        with contextlib.suppress(TimeoutError):
            await asyncio.wait_for(self.settled.wait(), timeout)

    def settle(self) -> None:
        """No snapshot from the store is coming (its read failed): settled as it is."""
        self.settled.set()

    def start(self) -> None:
        """The screen is mounted: full collections are the idle collections' from now."""
        self.idle_collections.start()
        self.screen.set_interval(1.0, self.thaw_if_quiet)

    def stop(self) -> None:
        """The screen closes: thaw what the idle collections froze."""
        self.idle_collections.stop()
