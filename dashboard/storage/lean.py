"""The lean reader: a read-only store holding the hour digests, not the documents.

Viewers (`flashpoint run` beside `collect`, `serve`) and the reading commands open a
store read-only. A full load holds every document (289 MB for 20,000 items); this reader
holds the main file (health, history, decisions), each hour's digest (`digests`: item
ids, recognition events, the cue hits' weights; `lean_files` reads them), the stance
evidence once the positions asked for it, and two recently read segments. A snapshot
reads the digests, and of the segments only the newest for the statements and the few
hours holding the escalation's drivers; paging, filters and details read segments as
they are asked for (newest first, one at a time).

Every answer is computed by the same functions as the full store's (`reads`), from the
same documents, so a snapshot is the same whichever reads it
(tests/integration/test_lean_reader.py). A format-1 store (one file) is held whole.
"""

from __future__ import annotations

from collections import OrderedDict
from collections.abc import Collection, Iterable
from datetime import datetime
from pathlib import Path
from typing import Any

from dashboard.models import CueHit, Item, RecognitionEvent, StanceEvidence, Statement
from dashboard.storage import convert, schema
from dashboard.storage.archive import Archive
from dashboard.storage.base import CueWeights, StoreError
from dashboard.storage.engine import open_tinydb
from dashboard.storage.lean_files import (
    Docs,
    LeanLoaded,
    read_lean,
    read_segment,
)
from dashboard.storage.loading import synchronized
from dashboard.storage.reads import (
    StoreReads,
    _segment_order,
    hits_at,
    hours_since,
    in_time_order,
    newest,
    pick_statements,
    recognition_in,
    weights_of,
)
from dashboard.storage.segments import HOURLY_TABLES, Unloadable, index_segments, segment_dir

SEGMENTS_KEPT = 2  # parsed segments kept for the next question (paging reads the next one)


class LazyArchive(Archive):
    """The archive's id index, read only when an archived id is asked about."""

    def __init__(self, store_path: Path):
        self._ids: set[str] | None = None
        super().__init__(store_path)

    @property  # type: ignore[override]
    def ids(self) -> set[str]:
        if self._ids is None:
            Archive.load(self)
        return self._ids or set()

    @ids.setter
    def ids(self, value: set[str]) -> None:
        self._ids = value

    def load(self) -> None:
        """Forget the index; it is read again when next needed."""
        self._ids = None


class LeanReader(StoreReads):
    """A read-only Store over the main file and the hour digests (see the module doc)."""

    archive_class = LazyArchive

    def __init__(self, path: Any, *, retention_days: int = 30, background: bool = False):
        self._lean = LeanLoaded({}, {}, {}, schema.FORMAT, None)
        self._parsed: OrderedDict[str, Docs] = OrderedDict()  # segment file -> its tables
        self._hour_of: dict[str, str] | None = None  # item id -> hour, built when asked
        super().__init__(path, readonly=True, retention_days=retention_days,
                         background=background)

    def _read(self) -> LeanLoaded | None:  # type: ignore[override]
        return read_lean(self._path, self._lean.by_name)

    def _use(self, loaded: Any) -> None:
        if loaded is None:
            loaded = LeanLoaded(schema.empty_tables(), {}, {}, schema.FORMAT, None)
        self._lean = loaded
        tables = {name: loaded.main.get(name, {}) for name in ("health", "history", "audit")}
        tables["meta"] = loaded.main.get("meta", {})
        self._db = open_tinydb({**tables, **{name: {} for name in HOURLY_TABLES}})
        self._names = loaded.names
        self._segments = {hour: {"items": d.ids, "statements": d.statements,
                                 "recognition": d.recognition,
                                 "cues": d.cues} for hour, d in loaded.hours.items()}
        self._hot_ids = {i for d in loaded.hours.values() for i in d.ids}
        self._hour_of = None
        self._parsed = OrderedDict((n, docs) for n, docs in self._parsed.items()
                                   if n in set(loaded.names.values()))

    # --- the documents of an hour, read when asked ----------------------------------

    def _docs_of(self, hour: str, table: str) -> Docs:
        """One table of an hour segment (read from disk unless read lately)."""
        inline = self._lean.inline
        if inline is not None:
            return {k: inline[table][k] for k in index_segments(inline).get(hour, {}).get(
                table, ())}
        name = self._names.get(hour)
        if name is None:
            return {}
        held = self._parsed.get(name)
        if held is None:
            try:
                held = read_segment(segment_dir(self._path), name)
            except FileNotFoundError:
                # the writer replaced this hour twice since this reader's main file: read
                # the new one and its segment
                if not self.reload_if_changed() or hour not in self._names:
                    raise StoreError(
                        f"cannot read {self._path}: segment {name} is gone") from None
                return self._docs_of(hour, table)
            except Unloadable as exc:
                self._refuse(str(exc))  # says what to do
            self._parsed[name] = held
            while len(self._parsed) > SEGMENTS_KEPT:
                self._parsed.popitem(last=False)
        else:
            self._parsed.move_to_end(name)
        return held.get(table, {})

    def _hours_with(self, table: str) -> list[str]:
        return [hour for hour, index in self._segments.items() if index.get(table)]

    # --- the Store protocol's questions ---------------------------------------------

    @synchronized
    def known_ids(self, ids: Iterable[str]) -> set[str]:
        """The subset of `ids` already stored (hot segments or archive)."""
        return {i for i in ids if i in self._hot_ids or i in self.archive.ids}

    @synchronized
    def item_count(self) -> int:
        """Items in the hot segments plus the archive (the writer's count when it gave one)."""
        if self._lean.items is not None:
            return self._lean.items
        return len(self._hot_ids) + len(self.archive.ids - self._hot_ids)

    @synchronized
    def items(self, *, limit: int | None = None, source_id: str | None = None) -> list[Item]:
        """Items not yet archived, newest first (newest hours read first)."""
        chosen: list[dict[str, Any]] = []
        for hour in sorted(self._hours_with("items"), key=_segment_order, reverse=True):
            chosen.extend(d for d in self._docs_of(hour, "items").values()
                          if source_id is None or d["source_id"] == source_id)
            if limit is not None and len(chosen) >= limit:
                break  # an hour's items are all newer than an older hour's
        return [convert.from_doc(Item, d) for d in newest(chosen, limit, key=lambda d: d["when"])]

    @synchronized
    def item(self, item_id: str) -> Item | None:
        """One hot item by id, or None (archived items are not looked up)."""
        if self._hour_of is None:
            self._hour_of = {i: hour for hour, d in self._lean.hours.items() for i in d.ids}
        hour = self._hour_of.get(item_id)
        if hour is None:
            return None
        doc = next((d for d in self._docs_of(hour, "items").values() if d["id"] == item_id),
                   None)
        return convert.from_doc(Item, doc) if doc is not None else None

    @synchronized
    def pending_pages(self, source_id: str) -> list[Item]:
        """Hot items of this source whose article page is still to be read, oldest first."""
        docs = [d for hour in self._hours_with("items")
                for d in self._docs_of(hour, "items").values() if d["source_id"] == source_id
                and isinstance(d.get("page"), dict) and d["page"].get("state") == "pending"]
        docs.sort(key=lambda d: d["when"])
        return [convert.from_doc(Item, d) for d in docs]

    @synchronized
    def statements(self, *, limit: int = 200, before: datetime | None = None,
                   actor: str | None = None, text: str | None = None) -> list[Statement]:
        """Statements newest first; `before` pages back, `actor`/`text` filter."""
        return pick_statements(self._hours_with("statements"),
                               lambda hour: self._docs_of(hour, "statements"),
                               limit=limit, before=before, actor=actor, text=text)

    @synchronized
    def stance_evidence(self) -> list[StanceEvidence]:
        """All stance evidence, oldest first (from the digests)."""
        pool: dict[str, str] = {}
        try:
            return [ev for hour in sorted(self._lean.hours, key=_segment_order)
                    for ev in self._lean.hours[hour].stances(pool)]
        except FileNotFoundError:
            # the writer replaced an hour twice since this reader's main file: read anew
            if not self.reload_if_changed():
                raise StoreError(f"cannot read {self._path}: an hour segment is gone") from None
            return self.stance_evidence()
        except Unloadable as exc:
            self._refuse(str(exc))

    @synchronized
    def recognition_events(self) -> list[RecognitionEvent]:
        """Recognition events with their status, oldest first (from the digests)."""
        return recognition_in(row for d in self._lean.hours.values() for row in d.recognition)

    @synchronized
    def cue_hits(self, since: datetime | None = None) -> list[CueHit]:
        """Cue hits oldest first; with `since`, only those at or after it (reads segments)."""
        bound = convert.time_to_str(since)
        return [convert.from_doc(CueHit, d)
                for hour in sorted(hours_since(self._segments, "cues", bound),
                                   key=_segment_order)
                for d in in_time_order(self._docs_of(hour, "cues"))
                if bound is None or (d["time"] is not None and d["time"] >= bound)]

    @synchronized
    def cue_weights(self, since: datetime | None = None) -> CueWeights:
        """The escalation weights of the cue hits at or after `since` (from the digests)."""
        bound = convert.time_to_str(since)
        return weights_of((group for hour in hours_since(self._segments, "cues", bound)
                           for group in self._lean.hours[hour].cues.items()), bound)

    @synchronized
    def cue_hits_at(self, times: Collection[datetime | None]) -> list[CueHit]:
        """The cue hits dated at one of `times` (read from their hours' segments)."""
        return hits_at(times, self._hours_with("cues"),
                       lambda hour: self._docs_of(hour, "cues"))

    def _refuse_writes(self) -> None:
        raise StoreError(f"{self._path} is open read-only; only the writer changes it")

    def commit_round(self, round: Any) -> int:
        """Readers never write."""
        self._refuse_writes()
        return 0

    def set_recognition_status(self, *args: Any, **kwargs: Any) -> None:
        """Readers never write."""
        self._refuse_writes()

    def replace_analyses(self, analyses: Any) -> None:
        """Readers never write."""
        self._refuse_writes()

    def flush(self) -> None:
        """Readers never write."""
        self._refuse_writes()
