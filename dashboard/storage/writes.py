"""Writes: a round committed to disk in one step, the analyst's decisions, retention.

A commit writes each hour segment the round touched under a new name, then replaces the
main file that names them (`segments` explains why that is atomic): the cost of a round
is bounded by an hour's documents, not by the store's size. Items older than the
retention period move into the archive (`archive`) before the hot write; their ids stay
known so they never land twice. Memory follows disk: a commit that fails is undone in
memory as well.
"""

from __future__ import annotations

import contextlib
import os
from collections.abc import Collection, Iterator
from datetime import datetime, timedelta
from pathlib import Path
from typing import Any

from tinydb import Query

from dashboard.clock import utc_now
from dashboard.models import Analysis, Decision, HistoryPoint, Item, PendingStatus
from dashboard.storage import convert, modes, schema
from dashboard.storage.atomic import atomic_write_bytes, fsync_directory
from dashboard.storage.base import Round, StoreError
from dashboard.storage.digests import beside, digest_documents
from dashboard.storage.loading import synchronized
from dashboard.storage.residency import ResidentHours
from dashboard.storage.segments import (
    HOURLY_TABLES,
    UNDATED,
    Unloadable,
    file_name,
    is_minute,
    main_document,
    may_hold_before,
    minute_of,
    segment_dir,
    segment_document,
    segment_of,
    share_strings,
)

HISTORY_LIMIT = 5000
# Derived tables whose rows leave the hot store with their item at retention.
ARCHIVED_WITH_ITEMS = ("statements", "stances", "cues")
# Retention runs once the oldest hot item is this far past the cutoff, so archive files
# are rewritten about once a day rather than every round.
RETENTION_SLACK = timedelta(days=1)


class StoreWrites(ResidentHours):
    """The writing half of the Store protocol (the writer process only)."""

    def _check_writable(self) -> None:
        if self.readonly:
            raise StoreError(f"{self._path} is open read-only; only the writer changes it")
        if self._lock is None:
            raise StoreError(f"{self._path} is closed")
        self._lock.check()  # StoreLost: the store's directory went away under this writer

    @contextlib.contextmanager
    def _all_or_nothing(self) -> Iterator[None]:
        """Memory follows disk: a change that fails to reach disk (a full disk while the
        archive or a segment is written) is undone in memory as well, the archived ids
        included (`Archive.add` changes its ids only once they are on disk), so no view
        shows a round that is not on disk and the next round counts its items as new."""
        try:
            yield
        except StoreError:
            with contextlib.suppress(StoreError, Unloadable):
                self._use(self._read())
                self._deferred = False  # the read was whole
            raise

    @synchronized
    def flush(self) -> None:
        """Commit: write the touched hour segments, then the main file that names them.

        On failure memory goes back to what the files hold.
        """
        self._check_writable()
        with self._all_or_nothing():
            self._write()

    def _write(self) -> None:
        """`flush` without the rollback (the caller's `_all_or_nothing` does it)."""
        self._merge_closed_hours()
        touched = set(self._dirty)
        # a segment and its digest are written from the documents in memory (a store
        # without digests gets them for every hour: see `_write_missing_digests`)
        self._warm(touched if self._digested else list(self._names))
        round_no = self._round + 1
        names = dict(self._names)
        directory = segment_dir(self._path)
        tables = self._tables
        try:
            if self._dirty:
                make_directory(directory)
            for hour in sorted(self._dirty):
                index = self._segments.get(hour, {})
                if not any(index.values()):
                    names.pop(hour, None)
                    continue
                names[hour] = file_name(hour, round_no)
                atomic_write_bytes(directory / names[hour], segment_document(tables, index),
                                   sync_directory=False)
                self._write_digest(directory, names[hour], index)  # for viewers
            self._write_missing_digests(directory, names)
            if self._dirty:
                fsync_directory(directory)  # the segments exist before the main file names them
            next_ids = {name: self._table(name).peek_next_id() for name in HOURLY_TABLES}
            meta = {"format": schema.FORMAT, "round": round_no, "segments": names,
                    "next_ids": next_ids, "digests": 1,
                    "items": len(self._hot_ids) + len(self._archived)}
            atomic_write_bytes(self._path, main_document(tables, meta))
        except StoreError:
            # The segments this commit wrote are named by no main file: remove them, so a
            # full disk gets its space back and the folder is as the last commit left it.
            for hour, name in names.items():
                if self._names.get(hour) != name:
                    for written in (name, *beside(name)):
                        with contextlib.suppress(OSError):
                            os.unlink(directory / written)
            raise
        self._digested = True
        superseded = [name for hour, name in self._names.items() if names.get(hour) != name]
        self._names, self._round, self._dirty = names, round_no, set()
        self._segments = {hour: index for hour, index in self._segments.items() if hour in names}
        stale, self._retired = self._retired, superseded
        for name in stale:  # replaced two commits ago: no complete main file names them
            for written in (name, *beside(name)):
                with contextlib.suppress(OSError):
                    os.unlink(directory / written)
        self._signature = self._stat()
        # what the files now hold need not stay in memory; the minutes being written do,
        # a merged or late-written hour does not
        self._cool(keep={key for key in touched if is_minute(key)})

    def _write_missing_digests(self, directory: Path, names: dict[str, str]) -> None:
        """A store last written by a version without digests gets one for every segment
        once (the main file says so from this commit on: see `digests`)."""
        if self._digested:
            return
        for hour, name in names.items():
            if hour not in self._dirty and not all(
                    (directory / written).exists() for written in beside(name)):
                self._write_digest(directory, name, self._segments.get(hour, {}))

    def _write_digest(self, directory: Path, segment: str, index: dict[str, set[str]]) -> None:
        """The digest and the stances of the hour whose segment file is `segment`."""
        for name, data in zip(beside(segment), digest_documents(self._tables, index),
                              strict=True):
            atomic_write_bytes(directory / name, data, sync_directory=False)

    def _segment_for(self, table: str, doc: dict[str, Any], newest: str | None = None,
                     in_minutes: Collection[str] = ()) -> str:
        """The segment a stored document lives in, or (given the `newest` hour and the
        hours kept `in_minutes`) where a new one goes: its minute's in the newest hour or
        an hour not folded yet (`segments.minute_of`), else its hour's. An hour is never
        both whole and in minutes: newest-first reads rely on segments not overlapping."""
        hour = segment_of(table, doc)
        if hour == UNDATED or hour in self._segments:
            return hour
        minute = minute_of(table, doc)
        if minute in self._segments or hour in in_minutes or (
                newest is not None and hour >= newest):
            return minute
        return hour

    def _insert(self, table: str, docs: list[dict[str, Any]]) -> None:
        """Insert fresh documents (the caller's own: stored as they are) and file them
        under their segments."""
        field = "when" if table == "items" else "time"
        stamps = {doc.get(field) for doc in docs}  # an item's rows share its time
        newest = max((hour for hour in (*(key[:13] for key in self._segments),
                                        *(segment_of(table, {field: s}) for s in stamps))
                      if hour != UNDATED), default="")
        in_minutes = {key[:13] for key in self._segments if is_minute(key)}
        where = {s: self._segment_for(table, {field: s}, newest, in_minutes) for s in stamps}
        hours = [where[doc.get(field)] for doc in docs]
        touched = set(hours)
        self._warm(touched)
        keys = self._table(table).insert_documents(docs)
        index = {hour: self._segments.setdefault(hour, {}).setdefault(table, set())
                 for hour in touched}
        for key, hour in zip(keys, hours, strict=True):
            index[hour].add(str(key))
        for hour in touched:
            self._dirty.add(hour)
            self._forget_hour(table, hour)

    @synchronized
    def commit_round(self, round: Round) -> int:
        """Store a round in one commit (see `flush`); returns how many items were new.

        All or nothing: on a failure (the archive or a segment cannot be written) memory
        is back at the last commit and the round's items are still new to the next one.
        """
        self._check_writable()
        if self._deferred and (round.items or round.updated
                               or self._retention_may_be_due(round.finished)):
            self._complete()
        with self._all_or_nothing():
            return self._commit_round(round)

    def _retention_may_be_due(self, now: datetime) -> bool:
        """Whether retention may move items at `now`, from the hours the main file names
        alone (a deferred store: its items' times are not read yet)."""
        slack = convert.time_to_str(now - self.retention - RETENTION_SLACK)
        assert slack is not None
        return any(may_hold_before(hour, slack) for hour in self._names)

    def _commit_round(self, round: Round) -> int:
        new: dict[str, Item] = {}
        for item in round.items:
            if item.id not in self._hot_ids and item.id not in self._archived:
                new.setdefault(item.id, item)
        if new:
            pool: dict[str, str] = {}  # one copy of each string the round's rows repeat
            docs = [convert.to_doc(item) for item in new.values()]
            share_strings(docs, pool)
            self._insert("items", docs)
            self._hot_ids.update(new)
            oldest = min(doc["when"] for doc in docs)
            if self._oldest is None or oldest < self._oldest:
                self._oldest = oldest
            fresh = {k: a for k, a in round.analyses.items() if k in new}
            self._insert_analyses(fresh, self._decisions(), pool)
        if round.updated:
            self._update_pages(round, set(new))
        health = self._db.table("health")
        for h in round.health:
            health.upsert(convert.to_doc(h), Query().source_id == h.source_id)
        if round.history is not None:
            self._append_history(round.history)
        self._apply_retention(round.finished)  # the archive is written first
        if self._deferred:  # no item and no segment changed: `commit_round`
            self._write_main_only()
        else:
            self._write()
        return len(new)

    def _write_main_only(self) -> None:
        """A deferred store's commit: the main file alone, with its meta as it was read
        but for the round (no segment changed, so the segments, next ids and whatever
        else the meta says of them still hold)."""
        meta = {**self._tables["meta"]["1"], "round": self._round + 1}
        atomic_write_bytes(self._path, main_document(self._tables, meta))
        self._tables["meta"]["1"] = meta
        self._round += 1
        self._signature = self._stat()

    def _update_pages(self, round: Round, new: set[str]) -> None:
        """Replace the documents of hot items whose page was read since they were stored
        (same id and time, so same segment) and add what their pages showed."""
        updated = {i.id: i for i in round.updated if i.id in self._hot_ids and i.id not in new}
        if not updated:
            return
        self._warm({self._segment_for("items", {"when": convert.time_to_str(i.when)})
                    for i in updated.values()})
        raw = self._tables["items"]
        for key, doc in raw.items():
            item = updated.get(doc["id"])
            if item is not None and doc.get("when") == convert.time_to_str(item.when):
                raw[key] = convert.to_doc(item)
                hour = self._segment_for("items", doc)
                self._dirty.add(hour)
                self._forget_hour("items", hour)
        self._table("items").clear_cache()  # TinyDB's query cache holds the old documents
        extras = {k: a for k, a in round.analyses.items() if k in updated}
        self._insert_analyses(extras, self._decisions(), {})

    def _decisions(self) -> dict[str, str]:
        """Recognition keys the analyst confirmed or rejected, with the decision."""
        return {
            d["key"]: d["status"] for d in self._docs("recognition") if d["status"] != "pending"
        }

    def _insert_analyses(
        self, analyses: dict[str, Analysis], decided: dict[str, str], pool: dict[str, str]
    ) -> None:
        """Insert the derived rows of these analyses, one TinyDB insert per table."""
        rows: dict[str, list[dict[str, Any]]] = {
            "statements": [], "stances": [], "recognition": [], "cues": []
        }
        for analysis in analyses.values():
            rows["statements"].extend(map(convert.to_doc, analysis.statements))
            rows["stances"].extend(map(convert.to_doc, analysis.stances))
            rows["cues"].extend(map(convert.to_doc, analysis.cues))
            for event in analysis.recognition_events:
                doc = convert.to_doc(event)
                # A key the analyst already decided stays decided for new reports of it.
                doc["status"] = decided.get(doc["key"], doc["status"])
                rows["recognition"].append(doc)
        for table, docs in rows.items():
            if docs:
                share_strings(docs, pool)
                self._insert(table, docs)

    def _append_history(self, point: HistoryPoint) -> None:
        table = self._db.table("history")
        table.insert(convert.to_doc(point))
        excess = len(table) - HISTORY_LIMIT
        if excess > 0:
            oldest = sorted(int(k) for k in self._tables["history"])[:excess]
            table.remove(doc_ids=oldest)

    def _apply_retention(self, now: datetime) -> None:
        """Move items older than the retention period into the archive (before the hot write).

        Their statements, stances and cue hits go with them (a derived row has its item's
        time, so it is past the cutoff exactly when its item is); recognition events stay,
        since the recognition panel and the analyst's decisions need all of them.
        """
        cutoff = convert.time_to_str(now - self.retention)
        slack = convert.time_to_str(now - self.retention - RETENTION_SLACK)
        assert cutoff is not None and slack is not None
        if self._oldest is None or self._oldest >= slack:
            return
        tables = self._tables
        # Only the hours up to the cutoff's can hold rows past it: no scan of the rest.
        old_hours = [hour for hour in self._segments if may_hold_before(hour, cutoff)]
        self._warm(old_hours)
        moving: dict[str, list[tuple[str, str]]] = {}  # table -> (hour, key)
        for table in ("items", *ARCHIVED_WITH_ITEMS):
            raw = tables[table]
            moving[table] = [(hour, key) for hour in old_hours
                             for key in self._segments[hour].get(table, ())
                             if (raw[key].get("when") or raw[key].get("time") or "") < cutoff]
        if not any(moving.values()):
            return
        docs = [tables["items"][key] for _, key in moving["items"]]
        derived: dict[str, dict[str, list[dict[str, Any]]]] = {}
        for table in ARCHIVED_WITH_ITEMS:
            for _, key in moving[table]:
                row = tables[table][key]
                derived.setdefault(row.get("item_id") or "", {}).setdefault(table, []).append(row)
        self.archive.add(docs, derived)  # archive first: a crash now leaves rows in both places
        for table, rows in moving.items():
            self._db.table(table).remove(doc_ids=[int(key) for _, key in rows])
            for hour, key in rows:
                self._segments[hour][table].discard(key)
                self._dirty.add(hour)
                self._forget_hour(table, hour)
        moved = {doc["id"] for doc in docs}
        self._hot_ids -= moved
        self._archived |= moved
        self._oldest = self._oldest_item_time()

    @synchronized
    def set_recognition_status(self, key: str, status: PendingStatus, *,
                               at: datetime | None = None, undo: bool = False) -> None:
        """Set the status of every event with this key and log it in the audit trail.

        Written to disk at once, the status and its audit entry in the same commit.
        """
        self._check_writable()
        table = self._db.table("recognition")
        previous = next((doc.get("status", "pending") for doc in table.search(
            Query().key == key)), "pending")
        changed = table.update({"status": status}, Query().key == key)
        rows = self._tables["recognition"]
        hours = {self._segment_for("recognition", rows[str(k)]) for k in changed}
        self._warm(hours)  # their segments are written again, with every table
        self._dirty.update(hours)
        self._db.table("audit").insert(convert.to_doc(Decision(
            time=at or utc_now(), key=key, status=status, previous=previous,
            undo=undo)))
        self.flush()

    @synchronized
    def replace_analyses(self, analyses: dict[str, Analysis]) -> None:
        """Drop all derived data and store these analyses instead, in one write.

        The analyst's confirm/reject decisions carry over to new events with the same key.
        """
        self._check_writable()
        decided = self._decisions()
        self._warm_all()
        self._converted = {}
        self._weights = {}
        for table in HOURLY_TABLES[1:]:
            self._db.table(table).truncate()
        for hour, index in self._segments.items():
            if any(index.get(table) for table in HOURLY_TABLES[1:]):
                self._dirty.add(hour)
            self._segments[hour] = {"items": index["items"]} if "items" in index else {}
        self._insert_analyses(analyses, decided, {})
        self.flush()


def make_directory(directory: Path) -> None:
    """Create a directory the store writes into; StoreError saying which on failure."""
    try:
        modes.make_directory(directory)
    except OSError as exc:
        raise StoreError(f"cannot create {directory}: {exc.strerror or exc}") from exc

