"""The TinyDB implementation of the Store protocol.

TinyDB keeps the tables; a custom in-memory `Storage` means TinyDB's per-operation
`write` calls only touch memory, and the store commits once per round (or once per user
action). On disk (format 2, see `segments`) the documents that grow with the news (items
and their statements, stances, recognition events, cue hits) live in one segment file per
hour, and a commit rewrites only the hours it touched, then the small main file last: the
cost of a round is bounded by an hour's documents, not by the store's size. Items older than
the retention period move into daily archive files next to the store; their ids stay
known so they never land twice.

What a loaded store holds is exactly what the last completed commit wrote: segments written
by a commit that a crash cut short are not named by the main file and never read.
"""

from __future__ import annotations

import contextlib
import functools
import heapq
import os
import threading
import time
from collections.abc import Callable, Iterable, Iterator, MutableMapping
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from pathlib import Path
from typing import Any, NoReturn, TypeVar

import orjson
from tinydb import Query, TinyDB
from tinydb.storages import Storage
from tinydb.table import Table

from dashboard.clock import utc_now
from dashboard.memory import gc_paused_then_frozen, release_free_memory
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
from dashboard.storage import convert, modes
from dashboard.storage.atomic import atomic_write_bytes, fsync_directory
from dashboard.storage.base import Round, StoreError
from dashboard.storage.lock import WriterLock
from dashboard.storage.paths import adopt_legacy, archive_dir, resolve_store_path
from dashboard.storage.segments import (
    DAY_TABLES,
    READ_ATTEMPTS,
    UNDATED,
    DayIndex,
    Unloadable,
    day_of,
    holds,
    index_days,
    load_json,
    main_document,
    may_hold_before,
    read_segments,
    remove_unnamed,
    segment_dir,
    segment_document,
    segment_names,
    share_strings,
    wholly_before,
)

FORMAT = 2
"""The store's format version, kept in the main file's `meta` table.

1: everything in one file. 2: a main file plus hour segments (`segments`; the first
format-2 stores had day segments, read alike); the tables are the same, so the migration
from 1 only rewrites the layout (done by the first writer).
"""

TABLES = ("items", "statements", "stances", "recognition", "cues", "history", "health",
          "audit", "meta")
HISTORY_LIMIT = 5000
# Derived tables whose rows leave the hot store with their item at retention.
ARCHIVED_WITH_ITEMS = ("statements", "stances", "cues")
# Retention runs once the oldest hot item is this far past the cutoff, so archive files
# are rewritten about once a day rather than every round.
RETENTION_SLACK = timedelta(days=1)
T = TypeVar("T")

Tables = dict[str, dict[str, dict[str, Any]]]


def same_tables(tables: Tables) -> Tables:
    """Format 1 -> 2: the tables are unchanged; only the layout on disk differs."""
    return tables


# MIGRATIONS[n] turns the tables of a format-n store into those of a format-(n+1) store.
MIGRATIONS: dict[int, Callable[[Tables], Tables]] = {1: same_tables}


class MemoryStorage(Storage):
    """TinyDB storage that keeps the tables in memory; the store decides when to write."""

    def __init__(self, data: Tables, next_ids: dict[str, int] | None = None):
        self.data = data
        self.next_ids = next_ids or {}  # the first free doc id per table, when known

    def read(self) -> Tables:
        """The tables, without copying (TinyDB only reads them to update them)."""
        return self.data

    def write(self, data: Tables) -> None:
        """Keep TinyDB's update in memory; the file is written by `TinyDBStore.flush`."""
        self.data = data


class IntKeyView(MutableMapping[int, Any]):
    """A raw table (string ids, as JSON has them) seen with the int ids TinyDB's updaters use."""

    def __init__(self, raw: dict[str, Any]):
        self.raw = raw

    def __getitem__(self, doc_id: int) -> Any:
        return self.raw[str(doc_id)]

    def __setitem__(self, doc_id: int, doc: Any) -> None:
        self.raw[str(doc_id)] = doc

    def __delitem__(self, doc_id: int) -> None:
        del self.raw[str(doc_id)]

    def __contains__(self, doc_id: object) -> bool:
        return str(doc_id) in self.raw

    def __iter__(self) -> Iterator[int]:
        return map(int, self.raw)

    def __len__(self) -> int:
        return len(self.raw)

    def clear(self) -> None:
        self.raw.clear()


class InPlaceTable(Table):
    """A TinyDB table that updates the stored dict in place.

    TinyDB's own `_update_table` copies the whole table twice (to int keys and back) on
    every insert; with 200k items that alone costs more than a round should.
    """

    def _update_table(self, updater: Callable[[dict[int, Any]], None]) -> None:
        tables = self._storage.read()
        updater(IntKeyView(tables.setdefault(self.name, {})))  # type: ignore[arg-type]
        self._storage.write(tables)
        self.clear_cache()

    def peek_next_id(self) -> int:
        """The id the next insert gets (the main file records it for the next load)."""
        if self._next_id is None:
            storage = self._storage
            assert isinstance(storage, MemoryStorage)
            known = storage.next_ids.get(self.name)
            if isinstance(known, int):
                self._next_id = known
            else:
                # A scan only for stores without the record (format 1): segments merge in
                # day order, so the last key is not necessarily the largest.
                raw = storage.read().get(self.name) or {}
                self._next_id = max(map(int, raw), default=0) + 1
        return self._next_id

    def _get_next_id(self) -> int:
        next_id = self.peek_next_id()
        self._next_id = next_id + 1
        return next_id


class FlashpointDB(TinyDB):
    """TinyDB with in-place tables."""

    table_class = InPlaceTable


def open_tinydb(tables: Tables, next_ids: dict[str, int] | None = None) -> TinyDB:
    """A TinyDB over in-memory tables with in-place updates."""
    return FlashpointDB(tables, next_ids, storage=MemoryStorage)


def empty_tables() -> Tables:
    """The tables of a new store."""
    tables: Tables = {name: {} for name in TABLES}
    tables["meta"] = {"1": {"format": FORMAT}}
    return tables


def format_of(tables: Any) -> int:
    """The format version of loaded JSON, or Unloadable when it is not a store's shape."""
    if not isinstance(tables, dict) or not all(isinstance(t, dict) for t in tables.values()):
        raise Unloadable("it is JSON, but not a store (expected an object of tables)")
    meta = tables.get("meta")
    versions = [d.get("format") for d in (meta or {}).values() if isinstance(d, dict)]
    if not versions or not isinstance(versions[0], int) or isinstance(versions[0], bool):
        raise Unloadable("it is JSON, but has no store format version (meta table)")
    return versions[0]


def check_version(version: int) -> None:
    """Unloadable for a format newer than this version reads."""
    if version > FORMAT:
        raise Unloadable(
            f"it was written by a newer Flashpoint (store format {version}; "
            f"this version reads format {FORMAT}); use that version to read it"
        )


def migrate(tables: Tables, version: int) -> Tables:
    """Bring loaded tables of format `version` to the current FORMAT."""
    while version < FORMAT:
        step = MIGRATIONS.get(version)
        if step is None:
            raise Unloadable(f"store format {version} is unknown")
        tables = step(tables)
        version += 1
        tables["meta"] = {"1": {"format": version}}
    for name in TABLES:
        tables.setdefault(name, {})
    for name in TABLES:
        if not set(map(type, tables[name].values())) <= {dict}:  # map: no per-doc bytecode
            raise Unloadable(f"its {name} table holds something other than documents")
    return tables


@dataclass
class Loaded:
    """A store as read from disk: its tables and where their documents live."""

    tables: Tables
    days: DayIndex  # which documents belong to which hour segment
    names: dict[str, str]  # day -> segment file named by the main file
    round: int  # commits so far (names new segment files)
    version: int  # the format it was read in
    next_ids: dict[str, int] = field(default_factory=dict)  # first free doc id per table


def read_store(path: Path) -> Loaded | None:
    """Load and migrate the store (main file plus named segments); None when there is none."""
    # millions of long-lived acyclic documents: no collection while they are made, and
    # frozen after, so later full collections skip them
    with gc_paused_then_frozen():
        return read_store_files(path)


def read_store_files(path: Path) -> Loaded | None:
    """`read_store` without pausing the garbage collector."""
    for attempt in range(READ_ATTEMPTS):
        if attempt:
            # the writer committed twice while this read ran: back off, then read again
            time.sleep(min(0.02 * 2**attempt, 1.0))
        try:
            data = load_json(path)
        except FileNotFoundError:
            return None
        except Unloadable as exc:
            raise Unloadable(str(exc).replace(f"{path.name} is", "it is", 1)) from None
        version = format_of(data)
        check_version(version)
        if version == 1:
            return Loaded(migrate(data, 1), index_days(data), {}, 0, 1)
        meta = next(iter(data["meta"].values()))
        names = segment_names(meta)
        tables: Tables = {name: data.get(name, {}) for name in ("health", "history", "audit")}
        try:
            days = read_segments(segment_dir(path), names, tables)
        except FileNotFoundError:
            continue  # the writer committed again meanwhile: read its new main file
        round_no = meta.get("round", 0)
        next_ids = meta.get("next_ids")
        tables = migrate(tables, version)
        if version < FORMAT:
            days = index_days(tables)
        return Loaded(tables, days, names, round_no if isinstance(round_no, int) else 0,
                      version, next_ids if isinstance(next_ids, dict) else {})
    raise Unloadable(f"an hour segment it names is missing from {segment_dir(path)}")


def backup_name(path: Path, now: datetime) -> Path:
    """A free `<name>.corrupt-YYYYmmddTHHMMSS` path next to `path`."""
    base = path.with_name(f"{path.name}.corrupt-{now:%Y%m%dT%H%M%S}")
    candidate, n = base, 1
    while candidate.exists():
        candidate = base.with_name(f"{base.name}-{n}")
        n += 1
    return candidate


class Archive:
    """Daily archive files of items past retention, plus the index of their ids.

    One file per day of the items' time, so archiving a day reads and writes only that
    day's file (a month file grew until every retention run cost a month of JSON).
    """

    def __init__(self, store_path: Path):
        self.directory = archive_dir(store_path)
        self.index = self.directory / "ids.json"
        self.ids: set[str] = set()

    def load(self) -> None:
        """Read the ids index (missing means no archive yet)."""
        try:
            self.ids = set(orjson.loads(self.index.read_bytes()))
        except FileNotFoundError:
            self.ids = set()
        except (OSError, orjson.JSONDecodeError, TypeError) as exc:
            raise StoreError(
                f"cannot read the archive index {self.index}: {exc}; "
                "move the archive directory aside to start a new one"
            ) from exc

    def add(self, docs: list[dict[str, Any]],
            derived: dict[str, dict[str, list[dict[str, Any]]]] | None = None) -> None:
        """Append item documents to their day files, then record their ids (all atomic).

        `derived` (item id -> table -> rows) is kept under each item's "derived" key, so an
        archived item carries the statements, stances and cue hits found in it.
        """
        try:
            modes.make_directory(self.directory)
        except OSError as exc:
            raise StoreError(f"cannot create {self.directory}: {exc.strerror or exc}") from exc
        derived = derived or {}
        by_day: dict[str, list[dict[str, Any]]] = {}
        for doc in docs:
            rows = derived.pop(doc["id"], None)
            by_day.setdefault(doc["when"][:10], []).append(
                {**doc, "derived": rows} if rows else doc)
        for item_id, rows in derived.items():  # rows of items archived by an older version
            day = next(r["time"][:10] for table in rows.values() for r in table)
            by_day.setdefault(day, []).append({"id": item_id, "derived": rows})
        for day, day_docs in sorted(by_day.items()):
            path = self.directory / f"{day}.json"
            try:
                held = orjson.loads(path.read_bytes())["items"]
            except FileNotFoundError:
                held = {}
            except (OSError, orjson.JSONDecodeError, KeyError, TypeError) as exc:
                raise StoreError(f"cannot read archive file {path}: {exc}") from exc
            # Keyed by id: a crash between archive and hot write may move an item twice.
            for doc in day_docs:
                if "when" in doc:
                    held[doc["id"]] = doc
                elif isinstance(held.get(doc["id"]), dict):
                    held[doc["id"]]["derived"] = doc["derived"]
            atomic_write_bytes(path, orjson.dumps({"format": FORMAT, "items": held}))
        ids = self.ids | {doc["id"] for doc in docs}
        atomic_write_bytes(self.index, orjson.dumps(sorted(ids)))
        self.ids = ids  # only once on disk: memory follows disk


# A background load waits at most this long for `start_loading` before it starts anyway.
LOAD_GATE_TIMEOUT = 2.0


def synchronized(method: Callable[..., Any]) -> Callable[..., Any]:
    """Run a public store method under the store's lock.

    The App reads snapshots in one thread while a round commits in another; iterating a
    table while another thread inserts into it would fail or see half a round. A store
    loading in the background (see TinyDBStore) first waits for the load to finish.
    """

    @functools.wraps(method)
    def wrapper(self: TinyDBStore, *args: Any, **kwargs: Any) -> Any:
        if not self._loaded.is_set() and threading.get_ident() != self._loader:
            self._loaded.wait()  # the loading thread itself goes on (it may close on failure)
        if self._failure is not None and method.__name__ != "close":
            raise StoreError(self._failure)
        with self._mutex:
            return method(self, *args, **kwargs)

    return wrapper


class TinyDBStore:
    """A Store kept in a main file, hour segment files and an archive directory."""

    def __init__(self, path: str | os.PathLike[str], *, readonly: bool = False,
                 retention_days: int = 30, background: bool = False):
        """Open (and, for a writer, lock) the store; `background` loads it in a thread.

        In the background, the constructor returns at once (a writer has its lock by then)
        and every method waits for the load; a load that fails makes every method but
        `close` raise its StoreError.
        """
        self._path = resolve_store_path(path)  # once: a symlink's target, for the whole run
        self.path = str(self._path)
        self.readonly = readonly
        self.retention = timedelta(days=retention_days)
        self.archive = Archive(self._path)
        self._mutex = threading.RLock()
        self._lock: WriterLock | None = None
        self._signature: tuple[int, int, int] | None = None
        self.read_problem: str | None = None  # a reader's last failed reload, said on screen
        self._hot_ids: set[str] = set()
        self._archived: set[str] = set()  # archived ids not also hot
        self._oldest: str | None = None  # smallest `when` among hot items
        self._days: DayIndex = {}
        self._names: dict[str, str] = {}
        # segments the last commit replaced: kept until the next commit, so that a reader
        # still loading the previous main file finds every segment it names
        self._retired: list[str] = []
        self._round = 0
        self._dirty: set[str] = set()  # days whose segment the next flush rewrites
        # (table, day) -> that day's (time, model value) rows, oldest first: a snapshot after
        # a round converts only the days the round touched, not every stored cue hit again
        self._converted: dict[tuple[str, str], list[tuple[str | None, Any]]] = {}
        self._db = open_tinydb(empty_tables())
        self._loaded = threading.Event()
        self._may_load = threading.Event()  # see start_loading
        self._failure: str | None = None
        self._loader = threading.get_ident()  # the thread that loads the store
        if not readonly:
            self._prepare_writer()
        if background:
            loader = threading.Thread(target=self._load_in_background, name="store-load",
                                      daemon=True)
            loader.start()
            self._loader = loader.ident or 0
            return
        try:
            self._load()
        except BaseException:
            self._loaded.set()
            self.close()  # a store that failed to open must not keep the write lock
            raise
        self._loaded.set()

    def _load_in_background(self) -> None:
        self._loader = threading.get_ident()  # before start() returns its ident
        self._may_load.wait(LOAD_GATE_TIMEOUT)
        try:
            with self._mutex:
                self._load()
        except StoreError as exc:
            self._failure = str(exc)
        except Exception as exc:  # any failure is reported by every later call
            self._failure = f"cannot read {self._path}: {exc}"
        finally:
            self._loaded.set()
        if self._failure is not None:
            self.close()

    def start_loading(self) -> None:
        """Let a background load begin (it begins by itself after LOAD_GATE_TIMEOUT).

        Loading holds the GIL for most of its work; a dashboard painting its last view
        would share the interpreter with it and paint later. The App calls this once that
        view is on screen. Not synchronized: the synchronized methods wait for the load.
        """
        self._may_load.set()

    # --- opening and loading --------------------------------------------------------

    def _prepare_writer(self) -> None:
        try:
            modes.make_directory(self._path.parent)
        except OSError as exc:
            raise StoreError(
                f"cannot create the directory for {self._path}: {exc.strerror or exc}"
            ) from exc
        self._lock = WriterLock(self._path)
        self._lock.acquire()
        adopt_legacy(self._path)  # archive and alert state named after the stem, before 2026-11

    def _load(self) -> None:
        """Read the store (and the archive index) into memory; a writer finishes migrations."""
        signature = self._stat()
        try:
            loaded = read_store(self._path)
        except Unloadable as exc:
            self._refuse(str(exc))
        self.archive.load()
        self._use(loaded)
        self._signature = signature
        if not self.readonly:
            remove_unnamed(segment_dir(self._path), self._names)  # a crash's leftovers
            if loaded is not None and loaded.version < FORMAT:
                self._dirty = set(self._days)
                self.flush()  # write the new layout now; the old file is replaced last

    def _refuse(self, reason: str) -> NoReturn:
        """A file that does not load: readers explain, writers move it aside first."""
        if self.readonly or self._lock is None:
            raise StoreError(
                f"cannot read {self._path}: {reason}. Start a writer (e.g. `flashpoint fetch "
                "--once`) to move it aside and begin a new store, or restore a backup."
            )
        now = utc_now()
        backup = backup_name(self._path, now)
        segments = segment_dir(self._path)
        try:
            os.replace(self._path, backup)
            if segments.exists():  # its segments go too, or the next writer would prune them
                os.replace(segments, backup_name(segments, now))
        except OSError as exc:
            self.close()
            raise StoreError(
                f"cannot read {self._path}: {reason}; moving it aside failed too: "
                f"{exc.strerror or exc}"
            ) from exc
        self.close()
        raise StoreError(
            f"cannot read {self._path}: {reason}. It was moved to {backup}; "
            "the next start begins with an empty store."
        )

    def _use(self, loaded: Loaded | None) -> None:
        """Install a loaded store and rebuild the in-memory id index."""
        if loaded is None:
            loaded = Loaded(empty_tables(), {}, {}, 0, FORMAT)
        tables = loaded.tables
        self._db = open_tinydb(tables, loaded.next_ids)
        self._days, self._names, self._round = loaded.days, loaded.names, loaded.round
        self._dirty = set()
        self._converted = {}
        items = tables["items"].values()
        try:
            self._hot_ids = {doc["id"] for doc in items}
            self._oldest = self._oldest_item_time()
        except (KeyError, TypeError):
            raise StoreError(f"{self._path} holds items without an id or time") from None
        self._archived = self.archive.ids - self._hot_ids

    def _oldest_item_time(self) -> str | None:
        """The smallest `when` of the hot items: only the earliest day's items are looked at."""
        first = min((day for day, index in self._days.items() if index.get("items")),
                    default=None)
        if first is None:
            return None
        raw = self._tables["items"]
        # the first date's segments: a whole-day one (older stores) and its hours
        return min(raw[key]["when"] for day, index in self._days.items()
                   if day[:10] == first[:10] for key in index.get("items", ()))

    def _stat(self) -> tuple[int, int, int] | None:
        try:
            st = self._path.stat()
        except OSError:
            return None
        return (st.st_mtime_ns, st.st_size, st.st_ino)

    @property
    def _tables(self) -> Tables:
        storage = self._db.storage
        assert isinstance(storage, MemoryStorage)
        return storage.data

    def _docs(self, table: str) -> Iterable[dict[str, Any]]:
        # Read paths look at the raw documents: TinyDB's Table.all() would wrap every one.
        return self._tables.get(table, {}).values()

    # --- writing --------------------------------------------------------------------

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
                self._use(read_store(self._path))
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
        round_no = self._round + 1
        names = dict(self._names)
        directory = segment_dir(self._path)
        tables = self._tables
        try:
            if self._dirty:
                make_directory(directory)
            for day in sorted(self._dirty):
                index = self._days.get(day, {})
                if not any(index.values()):
                    names.pop(day, None)
                    continue
                names[day] = f"{day}.{round_no}.json"
                atomic_write_bytes(directory / names[day], segment_document(tables, index),
                                   sync_directory=False)
            if self._dirty:
                fsync_directory(directory)  # the segments exist before the main file names them
            next_ids = {name: self._table(name).peek_next_id() for name in DAY_TABLES}
            meta = {"format": FORMAT, "round": round_no, "segments": names,
                    "next_ids": next_ids}
            atomic_write_bytes(self._path, main_document(tables, meta))
        except StoreError:
            # The segments this commit wrote are named by no main file: remove them, so a
            # full disk gets its space back and the folder is as the last commit left it.
            for day, name in names.items():
                if self._names.get(day) != name:
                    with contextlib.suppress(OSError):
                        os.unlink(directory / name)
            raise
        superseded = [name for day, name in self._names.items() if names.get(day) != name]
        self._names, self._round, self._dirty = names, round_no, set()
        self._days = {day: index for day, index in self._days.items() if day in names}
        stale, self._retired = self._retired, superseded
        for name in stale:  # replaced two commits ago: no complete main file names them
            with contextlib.suppress(OSError):
                os.unlink(directory / name)
        self._signature = self._stat()

    def _table(self, name: str) -> InPlaceTable:
        table = self._db.table(name)
        assert isinstance(table, InPlaceTable)
        return table

    def _insert(self, table: str, docs: list[dict[str, Any]]) -> None:
        """Insert documents and file them under their hour segments."""
        keys = self._db.table(table).insert_multiple(docs)
        for key, doc in zip(keys, docs, strict=True):
            day = day_of(table, doc)
            self._days.setdefault(day, {}).setdefault(table, set()).add(str(key))
            self._dirty.add(day)
            self._converted.pop((table, day), None)

    @synchronized
    def commit_round(self, round: Round) -> int:
        """Store a round in one commit (see `flush`); returns how many items were new.

        All or nothing: on a failure (the archive or a segment cannot be written) memory
        is back at the last commit and the round's items are still new to the next one.
        """
        self._check_writable()
        with self._all_or_nothing():
            return self._commit_round(round)

    def _commit_round(self, round: Round) -> int:
        new: dict[str, Item] = {}
        for item in round.items:
            if item.id not in self._hot_ids and item.id not in self._archived:
                new.setdefault(item.id, item)
        if new:
            pool: dict[str, str] = {}  # one copy of each string the round's rows repeat
            docs = [convert.item_to_doc(item) for item in new.values()]
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
            health.upsert(convert.health_to_doc(h), Query().source_id == h.source_id)
        if round.history is not None:
            self._append_history(round.history)
        self._apply_retention(round.finished)  # the archive is written first
        self._write()
        return len(new)

    def _update_pages(self, round: Round, new: set[str]) -> None:
        """Replace the documents of hot items whose page was read since they were stored
        (same id and time, so same segment) and add what their pages showed."""
        updated = {i.id: i for i in round.updated if i.id in self._hot_ids and i.id not in new}
        if not updated:
            return
        raw = self._tables["items"]
        for key, doc in raw.items():
            item = updated.get(doc["id"])
            if item is not None and doc.get("when") == convert.time_to_str(item.when):
                raw[key] = convert.item_to_doc(item)
                day = day_of("items", doc)
                self._dirty.add(day)
                self._converted.pop(("items", day), None)
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
            rows["statements"].extend(map(convert.statement_to_doc, analysis.statements))
            rows["stances"].extend(map(convert.stance_to_doc, analysis.stances))
            rows["cues"].extend(map(convert.cue_to_doc, analysis.cues))
            for event in analysis.recognition_events:
                doc = convert.recognition_to_doc(event)
                # A key the analyst already decided stays decided for new reports of it.
                doc["status"] = decided.get(doc["key"], doc["status"])
                rows["recognition"].append(doc)
        for table, docs in rows.items():
            if docs:
                share_strings(docs, pool)
                self._insert(table, docs)

    def _append_history(self, point: HistoryPoint) -> None:
        table = self._db.table("history")
        table.insert(convert.history_to_doc(point))
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
        # Only the days up to the cutoff's can hold rows past it: no scan of the rest.
        old_days = [day for day in self._days if may_hold_before(day, cutoff)]
        moving: dict[str, list[tuple[str, str]]] = {}  # table -> (day, key)
        for table in ("items", *ARCHIVED_WITH_ITEMS):
            raw = tables[table]
            moving[table] = [(day, key) for day in old_days
                             for key in self._days[day].get(table, ())
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
            for day, key in rows:
                self._days[day][table].discard(key)
                self._dirty.add(day)
                self._converted.pop((table, day), None)
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
        self._dirty.update(day_of("recognition", rows[str(k)]) for k in changed)
        self._db.table("audit").insert(convert.decision_to_doc(Decision(
            time=at or utc_now(), key=key, status=status, previous=previous,
            undo=undo)))
        self.flush()

    @synchronized
    def decisions(self, limit: int | None = None) -> list[Decision]:
        """The audit trail of recognition decisions, newest first."""
        # equal times (a fixed clock, two keys in one second) keep the order of writing
        rows = sorted(self._tables.get("audit", {}).items(),
                      key=lambda row: (row[1]["time"], int(row[0])), reverse=True)
        return [convert.doc_to_decision(doc) for _, doc in rows[:limit]]

    @synchronized
    def replace_analyses(self, analyses: dict[str, Analysis]) -> None:
        """Drop all derived data and store these analyses instead, in one write.

        The analyst's confirm/reject decisions carry over to new events with the same key.
        """
        self._check_writable()
        decided = self._decisions()
        self._converted = {}
        for table in DAY_TABLES[1:]:
            self._db.table(table).truncate()
        for day, index in self._days.items():
            if any(index.get(table) for table in DAY_TABLES[1:]):
                self._dirty.add(day)
            self._days[day] = {"items": index["items"]} if "items" in index else {}
        self._insert_analyses(analyses, decided, {})
        self.flush()

    @synchronized
    def close(self) -> None:
        """Release the write lock (every change is already on disk)."""
        if self._lock is not None:
            self._lock.release()
            self._lock = None

    # --- reading --------------------------------------------------------------------

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
            loaded = read_store(self._path)
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
        docs: Iterable[dict[str, Any]] = self._docs("items")
        if source_id is not None:
            docs = (d for d in docs if d["source_id"] == source_id)
        chosen = newest(docs, limit, key=lambda d: d["when"])
        return [convert.doc_to_item(d) for d in chosen]

    @synchronized
    def item(self, item_id: str) -> Item | None:
        """One hot item by id, or None (archived items are not looked up)."""
        if item_id not in self._hot_ids:
            return None
        doc = self._db.table("items").get(Query().id == item_id)
        return convert.doc_to_item(dict(doc)) if isinstance(doc, dict) else None

    @synchronized
    def pending_pages(self, source_id: str) -> list[Item]:
        """Hot items of this source whose article page is still to be read, oldest first."""
        docs = [d for d in self._docs("items") if d["source_id"] == source_id
                and isinstance(d.get("page"), dict) and d["page"].get("state") == "pending"]
        docs.sort(key=lambda d: d["when"])
        return [convert.doc_to_item(d) for d in docs]

    @synchronized
    def health(self) -> dict[str, SourceHealth]:
        """Persisted health per source id."""
        return {d["source_id"]: convert.doc_to_health(d) for d in self._docs("health")}

    @synchronized
    def statements(self, *, limit: int = 200, before: datetime | None = None,
                   actor: str | None = None, text: str | None = None) -> list[Statement]:
        """Statements newest first; `before` pages back, `actor`/`text` filter."""
        bound = convert.time_to_str(before) if before is not None else None
        needle = text.casefold() if text else None
        raw = self._tables.get("statements", {})
        chosen: list[tuple[str, dict[str, Any]]] = []
        # A day holds only rows of that date, so once the newest days gave `limit` rows
        # no older day can hold a newer one (undated rows sort oldest, so come last).
        for day in sorted(self._days, key=_day_order, reverse=True):
            if bound is not None and day != UNDATED and not may_hold_before(day, bound):
                continue
            for key in self._days[day].get("statements", ()):
                d = raw[key]
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
        # a day's keys are a set, whose order changes from one process to the next.
        rows = newest(chosen, limit, key=lambda kd: (kd[1]["time"] or "", -int(kd[0])))
        return [convert.doc_to_statement(d) for _, d in rows]

    @synchronized
    def stance_evidence(self) -> list[StanceEvidence]:
        """All stance evidence, oldest first."""
        return self._rows_by_day("stances", convert.doc_to_stance)

    @synchronized
    def recognition_events(self) -> list[RecognitionEvent]:
        """Recognition events with their status, oldest first."""
        docs = sorted(self._docs("recognition"), key=lambda d: d["time"] or "")
        return [convert.doc_to_recognition(d) for d in docs]

    @synchronized
    def cue_hits(self, since: datetime | None = None) -> list[CueHit]:
        """Cue hits oldest first; with `since`, only those at or after it."""
        return self._rows_by_day("cues", convert.doc_to_cue, convert.time_to_str(since))

    def _rows_by_day(self, table: str, to_model: Callable[[dict[str, Any]], Any],
                     since: str | None = None) -> list[Any]:
        """A day table's rows as model values, oldest first; with `since` (ISO), from then.

        Each day is converted once and kept until a write touches it.
        """
        raw = self._tables.get(table, {})
        out: list[Any] = []
        for day in sorted(self._days, key=_day_order):
            keys = self._days[day].get(table)
            if not keys or (since is not None and (day == UNDATED or wholly_before(day, since))):
                continue
            rows = self._converted.get((table, day))
            if rows is None:
                ordered = sorted(keys, key=lambda k: (raw[k]["time"] or "", int(k)))
                docs = [raw[k] for k in ordered]
                rows = self._converted[(table, day)] = [(d["time"], to_model(d)) for d in docs]
            if since is not None and holds(day, since):
                out.extend(row for stamp, row in rows if stamp is not None and stamp >= since)
            else:
                out.extend(row for _, row in rows)
        return out

    @synchronized
    def history(self, limit: int | None = None) -> list[HistoryPoint]:
        """Escalation history, oldest first; the last `limit` points when given."""
        docs = sorted(self._docs("history"), key=lambda d: d["time"])
        if limit is not None:
            docs = docs[-limit:] if limit > 0 else []
        return [convert.doc_to_history(d) for d in docs]


def _day_order(day: str) -> str:
    """Days in time order, the undated rows (time None) first, as a sort by time puts them."""
    return "" if day == UNDATED else day


def make_directory(directory: Path) -> None:
    """Create a directory the store writes into; StoreError saying which on failure."""
    try:
        modes.make_directory(directory)
    except OSError as exc:
        raise StoreError(f"cannot create {directory}: {exc.strerror or exc}") from exc


def newest(docs: Iterable[T], limit: int | None, key: Callable[[T], Any]) -> list[T]:
    """Documents by `key` descending, at most `limit` (a heap, not a full sort)."""
    if limit is None:
        return sorted(docs, key=key, reverse=True)
    return heapq.nlargest(limit, docs, key=key)
