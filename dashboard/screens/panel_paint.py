"""The panels a snapshot paints after the statements, each in a frame of its own.

A round's snapshot changes every table; set all at once, their repaint was one long stall
of the event loop (docs/PERFORMANCE.md §4). `DashboardScreen.apply_snapshot` sets the
header and statements at once and then these, one per frame, in PAINT_ORDER.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime

from textual.screen import Screen

from dashboard.models import Snapshot
from dashboard.report import freshness_of
from widgets.escalation_panel import EscalationPanel
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

PAINT_ORDER: tuple[Callable[[Screen, Snapshot, datetime], None], ...] = (
    paint_positions, paint_recognition, paint_escalation, paint_sources)
