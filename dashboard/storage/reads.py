"""Reads: the Store protocol's questions, answered from the tables in memory.

Read paths look at the raw documents and convert only the rows they return; the tables
that grow with the news are read hour segment by hour segment, so paging and `since`
skip whole segments.
A reader (a viewer, `status`) also re-reads the files when the writer committed.
"""

from __future__ import annotations

import heapq
from collections.abc import Callable, Collection, Iterable, Sequence
from datetime import datetime
from typing import Any, TypeVar

from dashboard.memory import release_free_memory
from dashboard.models import (
    CueHit,
    Decision,
    HistoryPoint,
    Item,
    RecognitionEvent,
    SourceHealth,
    StanceEvidence,
    Statement,
)
from dashboard.storage import convert
from dashboard.storage.base import CueWeights, StoreError
from dashboard.storage.digests import digest_name, digest_of, usable
from dashboard.storage.loading import synchronized
from dashboard.storage.residency import ResidentHours
from dashboard.storage.segments import (
    UNDATED,
    Unloadable,
    holds,
    load_json,
    may_hold_before,
    segment_dir,
    wholly_before,
)

T = TypeVar("T")


class StoreReads(ResidentHours):
    """The reading half of the Store protocol (writers and readers alike)."""

    @synchronized
    def decisions(self, limit: int | None = None) -> list[Decision]:
        """The audit trail of recognition decisions, newest first."""
        # equal times (a fixed clock, two keys in one second) keep the order of writing
        rows = sorted(self._tables.get("audit", {}).items(),
                      key=lambda row: (row[1]["time"], int(row[0])), reverse=True)
        return [convert.from_doc(Decision, doc) for _, doc in rows[:limit]]

    @synchronized
    def reload_if_changed(self) -> bool:
        """Readers: re-read the store when the main file (replaced by every commit) changed.

        A store that cannot be read (gone, no permission, damaged) keeps the last
        complete data in memory and says why in `read_problem` until a read succeeds.
        """
        if not self.readonly:
            return False
        signature = self._stat()
        if signature == self._signature:
            return False
        if signature is None:  # it was there, now it is not: deleted or moved
            self.read_problem = f"{self._path} is gone (deleted or moved)"
            return False
        try:
            loaded = self._read()
            self.archive.load()
        except (StoreError, Unloadable, OSError) as exc:
            self.read_problem = f"cannot read {self._path}: {exc}"
            return False  # keep showing the last complete data
        if loaded is None:  # vanished between the stat and the read
            self.read_problem = f"{self._path} is gone (deleted or moved)"
            return False
        self._use(loaded)
        self._signature = signature
        self.read_problem = None
        release_free_memory()  # the previous copy of the store was just freed
        return True

    @synchronized
    def known_ids(self, ids: Iterable[str]) -> set[str]:
        """The subset of `ids` already stored (hot segments or archive)."""
        return {i for i in ids if i in self._hot_ids or i in self._archived}

    @synchronized
    def item_count(self) -> int:
        """Items in the hot segments plus the archive."""
        return len(self._hot_ids) + len(self._archived)

    @synchronized
    def items(self, *, limit: int | None = None, source_id: str | None = None) -> list[Item]:
        """Items not yet archived, newest first."""
        docs: Iterable[dict[str, Any]] = self._all_docs("items")
        if source_id is not None:
            docs = (d for d in docs if d["source_id"] == source_id)
        chosen = newest(docs, limit, key=lambda d: d["when"])
        return [convert.from_doc(Item, d) for d in chosen]

    @synchronized
    def item(self, item_id: str) -> Item | None:
        """One hot item by id, or None (archived items are not looked up)."""
        if item_id not in self._hot_ids:
            return None
        doc = next((d for d in self._all_docs("items") if d["id"] == item_id), None)
        return convert.from_doc(Item, doc) if doc is not None else None

    @synchronized
    def pending_pages(self, source_id: str) -> list[Item]:
        """Hot items of this source whose article page is still to be read, oldest first."""
        docs = [d for d in self._docs("items") if d["source_id"] == source_id
                and isinstance(d.get("page"), dict) and d["page"].get("state") == "pending"]
        docs.sort(key=lambda d: d["when"])
        return [convert.from_doc(Item, d) for d in docs]

    @synchronized
    def health(self) -> dict[str, SourceHealth]:
        """Persisted health per source id."""
        return {d["source_id"]: convert.from_doc(SourceHealth, d) for d in self._docs("health")}

    @synchronized
    def statements(self, *, limit: int = 200, before: datetime | None = None,
                   actor: str | None = None, text: str | None = None) -> list[Statement]:
        """Statements newest first; `before` pages back, `actor`/`text` filter."""
        return pick_statements(self._hours(), lambda hour: self._hour_docs(hour, "statements"),
            limit=limit, before=before, actor=actor, text=text)

    @synchronized
    def stance_evidence(self) -> list[StanceEvidence]:
        """All stance evidence, oldest first."""
        return self._rows_by_segment("stances", StanceEvidence)

    @synchronized
    def recognition_events(self) -> list[RecognitionEvent]:
        """Recognition events with their status, oldest first."""
        return recognition_in(self._tables.get("recognition", {}).items())

    @synchronized
    def cue_hits(self, since: datetime | None = None) -> list[CueHit]:
        """Cue hits oldest first; with `since`, only those at or after it."""
        if self._deferred:  # the horizon's segment files are read, not held
            rows = self._unheld_rows("cues", CueHit, convert.time_to_str(since))
            if rows is not None:
                return rows
            self._complete()  # a segment gone or damaged: the full load says what is wrong
        return self._rows_by_segment("cues", CueHit, convert.time_to_str(since))

    def _unheld_rows(self, table: str, model: type, since: str | None) -> list[Any] | None:
        """`_rows_by_segment` of a deferred store, from the named segment files (read one
        at a time, nothing kept); None when one of them cannot be read."""
        directory = segment_dir(self._path)
        out: list[Any] = []
        for hour in _hours_since(self._names, since):
            try:
                data = load_json(directory / self._names[hour])
                docs = data["tables"].get(table, {})
                ordered = sorted(docs, key=lambda k: (docs[k]["time"] or "", int(k)))
                rows = [(docs[k]["time"], convert.from_doc(model, docs[k])) for k in ordered]
            except (FileNotFoundError, Unloadable, StoreError, KeyError, TypeError,
                    AttributeError, ValueError):
                return None
            out.extend(_rows_since(hour, rows, since))
        return out

    @synchronized
    def cue_weights(self, since: datetime | None = None) -> CueWeights:
        """What the escalation score needs of the cue hits at or after `since`: the weight
        × credibility of each, by time (see escalation.compute_weighed)."""
        bound = convert.time_to_str(since)
        if self._deferred:  # a round of 304s: the horizon's digests, not its segments
            groups = self._unheld_weights(bound)
            if groups is not None:
                return weights_of(groups, bound)
            self._complete()
        # each hour's weights are worked out once (a cold hour keeps only them)
        groups = (group for hour in self._hours()
                  if bound is None or (hour != UNDATED and not wholly_before(hour, bound))
                  for group in self._hour_weights(hour).items())
        return weights_of(groups, bound)

    def _unheld_weights(self, bound: str | None) -> list[tuple[str | None, list[float]]] | None:
        """The cue weights of a deferred store's hours at or after `bound`, by time, from
        each hour's digest (`digests`: a few KB where the segment is hundreds), nothing
        kept; an hour without a usable digest from its segment, with the writer's function.
        None when a file cannot be read (the full load then says what is wrong)."""
        directory = segment_dir(self._path)
        groups: list[tuple[str | None, list[float]]] = []
        for hour, name in self._names.items():
            if bound is not None and (hour == UNDATED or wholly_before(hour, bound)):
                continue
            try:
                data = load_json(directory / digest_name(name))
            except FileNotFoundError:
                data = None
            except (Unloadable, StoreError):
                data = None  # a damaged digest: the segment says the same
            try:
                if not usable(data):
                    held = load_json(directory / name)["tables"]
                    data = digest_of({"cues": held.get("cues", {})})
                groups.extend((stamp or None, list(map(float, products)))
                              for stamp, products in data["cues"].items())
            except (FileNotFoundError, Unloadable, StoreError, KeyError, TypeError,
                    AttributeError, ValueError):
                return None
        return groups

    @synchronized
    def cue_hits_at(self, times: Collection[datetime | None]) -> list[CueHit]:
        """The cue hits dated at one of `times` (the drivers' candidates)."""
        return hits_at(times, self._hours(), lambda hour: self._hour_docs(hour, "cues"))

    def _rows_by_segment(self, table: str, model: type,
                     since: str | None = None) -> list[Any]:
        """A segmented table's rows as model values, oldest first; with `since` (ISO), from then.

        Each resident hour is converted once and kept until a write touches it (a cold
        hour's stance evidence too: the positions read all of it every snapshot).
        """
        out: list[Any] = []
        for hour in _hours_since(self._hours(), since):
            out.extend(_rows_since(hour, self._rows_converted(table, model, hour), since))
        return out

    @synchronized
    def history(self, limit: int | None = None) -> list[HistoryPoint]:
        """Escalation history, oldest first; the last `limit` points when given."""
        docs = sorted(self._docs("history"), key=lambda d: d["time"])
        if limit is not None:
            docs = docs[-limit:] if limit > 0 else []
        return [convert.from_doc(HistoryPoint, d) for d in docs]


def _segment_order(hour: str) -> str:
    """Segments in time order, the undated rows (time None) first, as a sort by time puts them."""
    return "" if hour == UNDATED else hour


def _hours_since(hours: Iterable[str], since: str | None) -> list[str]:
    """The segment hours in time order, without those wholly before `since` (ISO)."""
    return [hour for hour in sorted(hours, key=_segment_order)
            if since is None or (hour != UNDATED and not wholly_before(hour, since))]


def _rows_since(hour: str, rows: Iterable[tuple[str | None, Any]],
                since: str | None) -> Iterable[Any]:
    """The rows of `hour`'s (time, row) pairs at or after `since`: only the hour that
    holds `since` needs each row's time looked at."""
    if since is not None and holds(hour, since):
        return (row for stamp, row in rows if stamp is not None and stamp >= since)
    return (row for _, row in rows)


def newest(docs: Iterable[T], limit: int | None, key: Callable[[T], Any]) -> list[T]:
    """Documents by `key` descending, at most `limit` (a heap, not a full sort)."""
    if limit is None:
        return sorted(docs, key=key, reverse=True)
    return heapq.nlargest(limit, docs, key=key)


# --- what the full store and the lean reader (`lean`) read alike --------------------------
# One function per question, given the hours and a way to get an hour's documents, so a
# viewer's snapshot is the one a full load gives (tests/integration/test_lean_reader.py).

DocsOfHour = Callable[[str], dict[str, dict[str, Any]]]


def in_time_order(docs: dict[str, dict[str, Any]]) -> list[dict[str, Any]]:
    """An hour's rows oldest first; equal times in the order they were stored (key)."""
    return [docs[k] for k in sorted(docs, key=lambda k: (docs[k]["time"] or "", int(k)))]


def pick_statements(hours: Iterable[str], docs_of: DocsOfHour, *, limit: int,
                    before: datetime | None, actor: str | None,
                    text: str | None) -> list[Statement]:
    """Statements newest first from the hours' rows (see Store.statements)."""
    bound = convert.time_to_str(before) if before is not None else None
    needle = text.casefold() if text else None
    chosen: list[tuple[str, dict[str, Any]]] = []
    # A segment holds only rows of its hour (a whole day in older stores), so once the
    # newest segments gave `limit` rows no older one can hold a newer row (undated rows
    # sort oldest, so come last).
    for hour in sorted(hours, key=_segment_order, reverse=True):
        if bound is not None and hour != UNDATED and not may_hold_before(hour, bound):
            continue
        for key, d in docs_of(hour).items():
            if bound is not None and (d["time"] is None or d["time"] >= bound):
                continue
            if actor is not None and d["actor"] != actor:
                continue
            if needle and needle not in (
                    f"{d['speaker']}\n{d['text']}\n{d['sentence']}".casefold()):
                continue
            chosen.append((key, d))
        if len(chosen) >= limit:
            break
    # Equal times keep the order they were stored in (an article's sentence order):
    # a segment's keys are a set, whose order changes from one process to the next.
    rows = newest(chosen, limit, key=lambda kd: (kd[1]["time"] or "", -int(kd[0])))
    return [convert.from_doc(Statement, d) for _, d in rows]


def recognition_in(rows: Iterable[tuple[str, dict[str, Any]]]) -> list[RecognitionEvent]:
    """Recognition events oldest first (equal times in the order stored) from (key, doc)."""
    ordered = sorted(rows, key=lambda kd: (kd[1]["time"] or "", int(kd[0])))
    return [convert.from_doc(RecognitionEvent, d) for _, d in ordered]


def hours_since(segments: dict[str, dict[str, Any]], table: str,
                bound: str | None) -> list[str]:
    """The hours holding rows of `table` that may be at or after `bound` (ISO; None: all)."""
    return [hour for hour, index in segments.items() if index.get(table) and (
        bound is None or (hour != UNDATED and not wholly_before(hour, bound)))]


def weights_of(groups: Iterable[tuple[str | None, Sequence[float]]],
               bound: str | None) -> CueWeights:
    """Cue hits' weight × credibility grouped by time (ISO), those at or after `bound`
    (ISO; None: all), as the escalation's weights.

    A time's sequence is passed on as given, not copied (a writer's `HourWeights`, a
    digest's list: a month of hits is read twice a round, and a copy made a float object
    per hit each time); only a time given in several groups gets a list of its own.
    Nobody changes the sequences of a `CueWeights`.
    """
    out: dict[datetime | None, Sequence[float]] = {}
    joined: dict[datetime | None, list[float]] = {}  # times with a list made here
    for stamp, products in groups:
        if bound is not None and (stamp is None or stamp < bound):
            continue
        time = convert.str_to_time(stamp)
        if time not in out:
            out[time] = products
            continue
        if time not in joined:
            out[time] = joined[time] = list(out[time])
        joined[time].extend(products)
    return out


def hits_at(times: Collection[datetime | None], hours: Iterable[str],
            docs_of: DocsOfHour) -> list[CueHit]:
    """The cue hits dated at one of `times`, read from the hours that may hold them."""
    stamps = {convert.time_to_str(t) for t in times}
    wanted = [hour for hour in hours if any(
        (hour == UNDATED) if s is None else holds(hour, s) for s in stamps)]
    return [convert.from_doc(CueHit, d) for hour in sorted(wanted, key=_segment_order)
            for d in in_time_order(docs_of(hour)) if d["time"] in stamps]
