"""The store's schema: its format version, its tables, and the migrations between formats.

A writer migrates a store of an older format when it opens it (`loading`); a store of a
newer format is refused with a message naming it. docs/ARCHITECTURE.md (Storage format)
describes each format.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from pathlib import Path
from typing import Any, TypeVar

from dashboard.storage.segments import READ_ATTEMPTS, Tables, Unloadable, load_json, segment_dir

T = TypeVar("T")

FORMAT = 2
"""The store's format version, kept in the main file's `meta` table.

1: everything in one file. 2: a main file plus hour segments (`segments`; the first
format-2 stores had day segments, read alike); the tables are the same, so the migration
from 1 only rewrites the layout (done by the first writer).
"""

TABLES = ("items", "statements", "stances", "recognition", "cues", "history", "health",
          "audit", "meta")


def same_tables(tables: Tables) -> Tables:
    """Format 1 -> 2: the tables are unchanged; only the layout on disk differs."""
    return tables


# MIGRATIONS[n] turns the tables of a format-n store into those of a format-(n+1) store.
MIGRATIONS: dict[int, Callable[[Tables], Tables]] = {1: same_tables}


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




def read_committed(path: Path, read: Callable[[Any, int], T]) -> T | None:
    """`read(data, version)` of the main file at `path`, its format checked; None when
    there is no store. `read` raises FileNotFoundError when a file the main file names
    is gone: the writer committed meanwhile, so the new main file is read again."""
    for attempt in range(READ_ATTEMPTS):
        if attempt:  # back off: the writer committed twice while this read ran
            time.sleep(min(0.02 * 2**attempt, 1.0))
        try:
            data = load_json(path)
        except FileNotFoundError:
            return None
        except Unloadable as exc:
            raise Unloadable(str(exc).replace(f"{path.name} is", "it is", 1)) from None
        version = format_of(data)
        check_version(version)
        try:
            return read(data, version)
        except FileNotFoundError:
            continue
    raise Unloadable(f"an hour segment it names is missing from {segment_dir(path)}")
