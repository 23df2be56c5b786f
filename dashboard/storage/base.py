"""The Store protocol: what the pipeline, the CLI and the App may ask of storage.

Only `dashboard.storage` knows how things are kept on disk; everyone else speaks in
`dashboard.models` values through this protocol.
"""

from __future__ import annotations

from collections.abc import Collection, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import datetime
from typing import Protocol

from dashboard.models import (
    Analysis,
    CueHit,
    Decision,
    HistoryPoint,
    Item,
    PendingStatus,
    RecognitionEvent,
    SourceHealth,
    StanceEvidence,
    Statement,
)

CueWeights = Mapping[datetime | None, Sequence[float]]
"""Per time, the weight × credibility of each cue hit (analysis.escalation.CueWeights)."""


class StoreError(Exception):
    """The store cannot be opened or written; the message says why and what to do."""


class StoreLocked(StoreError):
    """Another process holds the store's write lock; `holder` describes it."""

    def __init__(self, path: str, holder: str):
        self.holder = holder
        super().__init__(
            f"{path} is being written by {holder}; "
            "open it read-only (viewer) or stop that process first"
        )


class StoreLost(StoreError):
    """The writer's lock file (or store) vanished or was replaced under it: another writer
    may hold the store now, so this one must stop writing."""


@dataclass(frozen=True)
class Round:
    """Everything one fetch round learned, written to the store in one atomic commit."""

    finished: datetime
    items: Sequence[Item] = ()
    analyses: dict[str, Analysis] = field(default_factory=dict)  # item id -> analysis
    # stored items whose article page was read since: their document is replaced and
    # their analysis here (what the page adds) is stored beside the one they have
    updated: Sequence[Item] = ()
    health: Sequence[SourceHealth] = ()
    history: HistoryPoint | None = None


class Store(Protocol):
    """Durable storage of items, their analysis, source health and escalation history."""

    path: str
    readonly: bool
    read_problem: str | None  # a reader's last failed reload (see reload_if_changed)

    def known_ids(self, ids: Iterable[str]) -> set[str]:
        """The subset of `ids` already stored (hot store or archive index)."""
        ...

    def commit_round(self, round: Round) -> int:
        """Store a round atomically; returns how many of its items were new."""
        ...

    def item_count(self) -> int:
        """How many items the store holds (hot segments plus archives)."""
        ...

    def items(self, *, limit: int | None = None, source_id: str | None = None) -> list[Item]:
        """Stored items not yet archived, newest first."""
        ...

    def item(self, item_id: str) -> Item | None:
        """One item by id, or None."""
        ...

    def pending_pages(self, source_id: str) -> list[Item]:
        """Hot items of this source whose article page is still to be read, oldest first."""
        ...

    def health(self) -> dict[str, SourceHealth]:
        """Persisted health per source id."""
        ...

    def statements(
        self,
        *,
        limit: int = 200,
        before: datetime | None = None,
        actor: str | None = None,
        text: str | None = None,
    ) -> list[Statement]:
        """Statements newest first; `before` pages back, `actor`/`text` filter."""
        ...

    def stance_evidence(self) -> list[StanceEvidence]:
        """All stored stance evidence."""
        ...

    def recognition_events(self) -> list[RecognitionEvent]:
        """Detected recognition events with their current status."""
        ...

    def set_recognition_status(self, key: str, status: PendingStatus, *,
                               at: datetime | None = None, undo: bool = False) -> None:
        """Set every event with this key (see RecognitionEvent.key) to `status`; the
        change goes into the audit trail (`decisions`) in the same write."""
        ...

    def decisions(self, limit: int | None = None) -> list[Decision]:
        """The audit trail of recognition decisions, newest first."""
        ...

    def cue_hits(self, since: datetime | None = None) -> list[CueHit]:
        """Escalation cue hits, optionally only those at or after `since`."""
        ...

    def cue_weights(self, since: datetime | None = None) -> CueWeights:
        """Per time, the weight × credibility of each cue hit at or after `since`: all the
        escalation score needs (its drivers come from `cue_hits_at`)."""
        ...

    def cue_hits_at(self, times: Collection[datetime | None]) -> list[CueHit]:
        """The cue hits dated at one of `times`, oldest first."""
        ...

    def history(self, limit: int | None = None) -> list[HistoryPoint]:
        """Escalation history, oldest first."""
        ...

    def replace_analyses(self, analyses: dict[str, Analysis]) -> None:
        """Drop all derived data and store these analyses instead (for `reanalyze`)."""
        ...

    def reload_if_changed(self) -> bool:
        """Readers: re-read the store if another process committed; True if it did.

        When the store can no longer be read, the last data stays and `read_problem`
        says why (None again once a read succeeds).
        """
        ...

    def start_loading(self) -> None:
        """A store opened in the background may load now (see open_store); else nothing."""
        ...

    def close(self) -> None:
        """Flush anything pending and release the write lock."""
        ...
