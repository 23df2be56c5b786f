"""Loading: a store's files read into memory, and the opened store they are held in.

`read_store` reads the main file and the hour segments it names (migrating an older
format); `StoreBase` is a store opened by one process: its write lock, its tables in
memory (loaded at once or in a background thread), the index of which documents live in
which hour segment, and the one mutex every public method runs under. `reads` and
`writes` add the methods of the Store protocol on top of it.

What a loaded store holds is exactly what the last completed commit wrote: segments written
by a commit that a crash cut short are not named by the main file and never read.
"""

from __future__ import annotations

import functools
import os
import threading
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from datetime import timedelta
from pathlib import Path
from typing import Any, NoReturn

from dashboard.clock import utc_now
from dashboard.memory import gc_paused_then_frozen
from dashboard.storage import modes, schema
from dashboard.storage.archive import Archive
from dashboard.storage.base import StoreError
from dashboard.storage.engine import InPlaceTable, MemoryStorage, open_tinydb
from dashboard.storage.lock import WriterLock
from dashboard.storage.paths import adopt_legacy, backup_name, resolve_store_path
from dashboard.storage.segments import (
    HOURLY_TABLES,
    SegmentIndex,
    Tables,
    Unloadable,
    index_segments,
    load_json,
    read_segments,
    remove_unnamed,
    segment_dir,
    segment_names,
)


@dataclass
class Loaded:
    """A store as read from disk: its tables and where their documents live."""

    tables: Tables
    segments: SegmentIndex  # which documents belong to which hour segment
    names: dict[str, str]  # hour -> segment file named by the main file
    round: int  # commits so far (names new segment files)
    version: int  # the format it was read in
    next_ids: dict[str, int] = field(default_factory=dict)  # first free doc id per table
    digests: bool = False  # every named segment has its digest (see `digests`)


def read_store(path: Path) -> Loaded | None:
    """Load and migrate the store (main file plus named segments); None when there is none."""
    # millions of long-lived acyclic documents: no collection while they are made, and
    # frozen after, so later full collections skip them
    with gc_paused_then_frozen():
        return read_store_files(path)


def read_store_files(path: Path) -> Loaded | None:
    """`read_store` without pausing the garbage collector."""
    return schema.read_committed(path, lambda data, version: _loaded(path, data, version))


def _loaded(path: Path, data: Tables, version: int) -> Loaded:
    """The store whose main file at `path` holds `data` (FileNotFoundError when a
    segment it names is gone)."""
    if version == 1:
        return Loaded(schema.migrate(data, 1), index_segments(data), {}, 0, 1)
    meta = next(iter(data["meta"].values()))
    names = segment_names(meta)
    tables: Tables = {name: data.get(name, {}) for name in ("health", "history", "audit")}
    hours = read_segments(segment_dir(path), names, tables)
    round_no = meta.get("round", 0)
    next_ids = meta.get("next_ids")
    tables = schema.migrate(tables, version)
    if version < schema.FORMAT:
        hours = index_segments(tables)
    return Loaded(tables, hours, names, round_no if isinstance(round_no, int) else 0,
                  version, next_ids if isinstance(next_ids, dict) else {},
                  meta.get("digests") == 1 and version == schema.FORMAT)


def read_main(path: Path) -> Loaded | None:
    """The main file alone, no segment read: its tables, the segments it names and the
    next document ids. None when the store has to be read whole: no store yet, an older
    format (migrated on a full load), or no record of the next ids (without it they are
    found by scanning the segments)."""
    try:  # a damaged file is read whole too: that load says what is wrong
        data = load_json(path)
        if schema.format_of(data) != schema.FORMAT:
            return None
        meta = next(iter(data["meta"].values()))
        names, next_ids = segment_names(meta), meta.get("next_ids")
    except (FileNotFoundError, Unloadable):
        return None
    if not (isinstance(next_ids, dict)
            and all(isinstance(next_ids.get(name), int) for name in HOURLY_TABLES)):
        return None
    tables = schema.empty_tables()
    tables.update({name: data.get(name, {}) for name in ("health", "history", "audit")})
    tables["meta"] = {"1": meta}  # a deferred commit writes it back as read (`writes`)
    round_no = meta.get("round", 0)
    return Loaded(tables, {}, names, round_no if isinstance(round_no, int) else 0,
                  schema.FORMAT, next_ids)


# A background load waits at most this long for `start_loading` before it starts anyway.
LOAD_GATE_TIMEOUT = 2.0


# What a `deferred` store answers before reading its segments: the main file's tables,
# `cue_hits` and `cue_weights` (read the horizon's segment files, hold none) and
# `commit_round` (a round without items or retention due writes the main file alone).
MAIN_FILE_METHODS = frozenset({"close", "health", "history", "decisions", "cue_hits",
                               "cue_weights", "commit_round"})


def synchronized(method: Callable[..., Any]) -> Callable[..., Any]:
    """Run a public store method under the store's lock.

    The App reads snapshots in one thread while a round commits in another; iterating a
    table while another thread inserts into it would fail or see half a round. A store
    loading in the background (see StoreBase) first waits for the load to finish.
    """

    @functools.wraps(method)
    def wrapper(self: StoreBase, *args: Any, **kwargs: Any) -> Any:
        if not self._loaded.is_set() and threading.get_ident() != self._loader:
            self._loaded.wait()  # the loading thread itself goes on (it may close on failure)
        if self._failure is not None and method.__name__ != "close":
            raise StoreError(self._failure)
        with self._mutex:
            if self._deferred and method.__name__ not in MAIN_FILE_METHODS:
                self._complete()
            return method(self, *args, **kwargs)

    return wrapper


class StoreBase:
    """A store opened by this process, kept in a main file, hour segments and an archive.

    The Store protocol's methods are added by `reads.StoreReads` and `writes.StoreWrites`.
    """

    archive_class: type[Archive] = Archive  # the lean reader reads the archive's ids lazily

    def __init__(self, path: str | os.PathLike[str], *, readonly: bool = False,
                 retention_days: int = 30, background: bool = False,
                 deferred: bool = False):
        """Open (and, for a writer, lock) the store; `background` loads it in a thread.

        In the background, the constructor returns at once (a writer has its lock by then)
        and every method waits for the load; a load that fails makes every method but
        `close` raise its StoreError.

        `deferred` (a writer: `fetch --once`) reads the main file now and the segments
        when a method first needs them (MAIN_FILE_METHODS do not): a round of 304s
        commits without ever holding the store's documents.
        """
        self._path = resolve_store_path(path)  # once: a symlink's target, for the whole run
        self.path = str(self._path)
        self.readonly = readonly
        self.retention = timedelta(days=retention_days)
        self.archive = self.archive_class(self._path)
        self._mutex = threading.RLock()
        self._lock: WriterLock | None = None
        self._signature: tuple[int, int, int] | None = None
        self.read_problem: str | None = None  # a reader's last failed reload, said on screen
        self._hot_ids: set[str] = set()
        self._archived: set[str] = set()  # archived ids not also hot
        self._oldest: str | None = None  # smallest `when` among hot items
        self._segments: SegmentIndex = {}
        self._names: dict[str, str] = {}
        # segments the last commit replaced: kept until the next commit, so that a reader
        # still loading the previous main file finds every segment it names
        self._retired: list[str] = []
        self._round = 0
        self._dirty: set[str] = set()  # hours whose segment the next flush rewrites
        self._digested = False  # every named segment has its digest on disk
        # (table, hour) -> that hour's (time, model value) rows, oldest first: a snapshot after
        # a round converts only the hours the round touched, not every stored cue hit again
        self._converted: dict[tuple[str, str], list[tuple[str | None, Any]]] = {}
        self._db = open_tinydb(schema.empty_tables())
        self._loaded = threading.Event()
        self._may_load = threading.Event()  # see start_loading
        self._failure: str | None = None
        self._loader = threading.get_ident()  # the thread that loads the store
        self._deferred = False  # only the main file is read yet (see `deferred`)
        if not readonly:
            self._prepare_writer()
        if deferred and not readonly and not background:
            self._loaded.set()  # nothing loads in another thread
            try:
                self._load_main()
            except BaseException:
                self.close()
                raise
            return
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
            loaded = self._read()
        except Unloadable as exc:
            self._refuse(str(exc))
        self.archive.load()
        self._use(loaded)
        self._signature = signature
        if not self.readonly:
            remove_unnamed(segment_dir(self._path), self._names)  # a crash's leftovers
            if loaded is not None and loaded.version < schema.FORMAT:
                # the rows are filed by hour again: files named by other keys go
                self._dirty = set(self._segments) | set(self._names)
                self.flush()  # write the new layout now; the old file is replaced last

    def _load_main(self) -> None:
        """Read the main file alone (a deferred writer); the whole store where it must."""
        main = read_main(self._path)
        if main is None:
            self._load()
            return
        signature = self._stat()
        self._use(main)
        self._signature = signature
        self._deferred = True
        remove_unnamed(segment_dir(self._path), self._names)  # a crash's leftovers

    def _complete(self) -> None:
        """Read the segments of a deferred store (what `_load` reads at open)."""
        self._deferred = False
        self._load()

    def _read(self) -> Loaded | None:
        """The store's files as they are now (see `read_store`)."""
        return read_store(self._path)

    def flush(self) -> None:
        """Commit the changes in memory to disk: see `writes.StoreWrites.flush`."""
        raise NotImplementedError

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
            loaded = Loaded(schema.empty_tables(), {}, {}, 0, schema.FORMAT)
        tables = loaded.tables
        self._db = open_tinydb(tables, loaded.next_ids)
        self._segments, self._names, self._round = loaded.segments, loaded.names, loaded.round
        self._digested = loaded.digests
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
        """The smallest `when` of the hot items: only the earliest date's items are looked at."""
        first = min((hour for hour, index in self._segments.items() if index.get("items")),
                    default=None)
        if first is None:
            return None
        raw = self._tables["items"]
        # the first date's segments: a whole-day one (older stores) and its hours
        return min(raw[key]["when"] for hour, index in self._segments.items()
                   if hour[:10] == first[:10] for key in index.get("items", ()))

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

    def _table(self, name: str) -> InPlaceTable:
        table = self._db.table(name)
        assert isinstance(table, InPlaceTable)
        return table

    @synchronized
    def close(self) -> None:
        """Release the write lock (every change is already on disk)."""
        if self._lock is not None:
            self._lock.release()
            self._lock = None

