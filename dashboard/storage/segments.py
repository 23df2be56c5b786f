"""The store's files (format 2): a small main file plus one segment file per hour.

    <path>                                   main file: meta, health, history
    <path>.items/YYYY-MM-DDTHH.<round>.json  one hour's items, statements, stances,
                                             recognition events and cue hits
    <path>.items/YYYY-MM-DDTHHMM.<round>.json
                                             the same of one minute of an hour still
                                             being written (`minute_of`)
    <path>.items/YYYY-MM-DDTHH.<round>.digest.json, .stances.json
                                             what a snapshot needs of that hour
                                             (`digests`)

A commit writes each segment the round changed under a NEW name, then replaces the main
file, whose meta names the segment file of every hour. Replacing the main file is the commit
point: a crash before it leaves the previous main file naming only the previous segment
files (still there: superseded files are deleted after the commit), so a loaded store is
always exactly one committed round, never a mix. Unnamed files are leftovers of a crash and
the writer deletes them when it opens the store.

A reader that finds a named segment gone (the writer committed again and deleted it between
the reader's two reads) reads the new main file and starts over. Every file beside a store
is listed in docs/ARCHITECTURE.md (Storage format).
"""

from __future__ import annotations

import contextlib
import os
from collections.abc import Iterable
from pathlib import Path
from sys import intern
from typing import Any

import orjson

from dashboard.storage.base import StoreError
from dashboard.storage.digests import beside

HOURLY_TABLES = ("items", "statements", "stances", "recognition", "cues")
MAIN_TABLES = ("health", "history", "audit", "meta")
UNDATED = "undated"
MINUTE = len("YYYY-MM-DDTHH:MM")  # the length of a minute segment's key
READ_ATTEMPTS = 20

Tables = dict[str, dict[str, dict[str, Any]]]
SegmentIndex = dict[str, dict[str, set[str]]]  # hour -> table -> doc keys


class Unloadable(Exception):
    """The store file is not a Flashpoint store this version can read; the message says why."""


def segment_dir(path: Path) -> Path:
    """The directory of a store's hour segments."""
    # The full name, not the stem: store.json and store.db side by side must not share
    # segments (the writer deletes files in there that its main file does not name).
    return path.with_name(path.name + ".items")


def segment_of(table: str, doc: dict[str, Any]) -> str:
    """The segment a document belongs to: the hour of an item's `when` or a derived row's
    `time`, as "YYYY-MM-DDTHH" (stores written before hourly segments also hold whole days,
    "YYYY-MM-DD", and the hour being written is kept in minutes, "YYYY-MM-DDTHH:MM": every
    comparison below takes a key's own length)."""
    stamp = doc.get("when") if table == "items" else doc.get("time")
    return stamp[:13] if isinstance(stamp, str) and len(stamp) >= 10 else UNDATED


def minute_of(table: str, doc: dict[str, Any]) -> str:
    """The minute segment of a document, "YYYY-MM-DDTHH:MM": where a writer puts the rows
    of an hour that has no segment of its own yet (`writes`), so that a round rewrites
    the few rows of its minutes, not its whole hour; the hour's minutes become one hour
    segment once a commit passes without writing into it (`residency`)."""
    stamp = doc.get("when") if table == "items" else doc.get("time")
    if not isinstance(stamp, str) or len(stamp) < MINUTE:
        return segment_of(table, doc)
    return stamp[:MINUTE]


def is_minute(key: str) -> bool:
    """Whether segment `key` is a minute's (see `minute_of`)."""
    return len(key) == MINUTE


def file_name(key: str, round_no: int) -> str:
    """The file of segment `key` written by commit `round_no` (no ':' in a file name)."""
    return f"{key.replace(':', '')}.{round_no}.json"


def may_hold_before(key: str, stamp: str) -> bool:
    """Whether segment `key` may hold a time earlier than the ISO time `stamp`."""
    return key != UNDATED and key <= stamp[: len(key)]


def wholly_before(key: str, stamp: str) -> bool:
    """Whether every time in segment `key` is earlier than the ISO time `stamp`."""
    return key != UNDATED and key < stamp[: len(key)]


def holds(key: str, stamp: str) -> bool:
    """Whether the ISO time `stamp` falls within segment `key`."""
    return stamp[: len(key)] == key


def index_segments(tables: Tables) -> SegmentIndex:
    """Which documents of the segmented tables belong to which hour (a full scan: migration
    only)."""
    hours: SegmentIndex = {}
    for table in HOURLY_TABLES:
        for key, doc in tables.get(table, {}).items():
            hours.setdefault(segment_of(table, doc), {}).setdefault(table, set()).add(key)
    return hours


def load_json(path: Path) -> Any:
    """Parsed JSON of a file; FileNotFoundError passes, damage is Unloadable."""
    try:
        raw = path.read_bytes()
    except FileNotFoundError:
        raise
    except OSError as exc:
        raise StoreError(f"cannot read {path}: {exc.strerror or exc}") from exc
    try:
        return orjson.loads(raw)
    except orjson.JSONDecodeError as exc:
        raise Unloadable(f"{path.name} is not valid JSON (truncated or damaged: {exc})") from None


def segment_names(meta: dict[str, Any]) -> dict[str, str]:
    """The hour -> segment file mapping a format-2 main file's meta document names."""
    names = meta.get("segments", {})
    if not isinstance(names, dict) or not all(
            isinstance(d, str) and isinstance(n, str) and "/" not in n and n.endswith(".json")
            for d, n in names.items()):
        raise Unloadable("its list of segments is damaged")
    return names


# Fields with few distinct values (config ids, speakers, enumerations).
_FEW_VALUES = frozenset({
    "cue", "actor", "kind", "source_id", "topic", "stance", "speaker", "country", "change",
    "status",
})


def share_strings(docs: Iterable[Any], pool: dict[str, str]) -> None:
    """Make equal string values of `docs` one object (`pool` maps each to its first copy).

    Parsed JSON (and a round's converted rows) hold a new string object for every value:
    an item's time in each of its cue hits and statements, its id and link in each row,
    the same cue ids, speakers and actors, a sentence both as a statement and as the
    evidence of its cue hits. The store is held for weeks by `collect` and every viewer;
    one copy of each is a third less memory (a 20k-item store with unique text: 413 ->
    264 MB). Done as each segment is parsed, so the copies are freed before the next.
    """
    for doc in docs:
        if isinstance(doc, dict):
            for key, value in doc.items():
                if value.__class__ is str:
                    # few distinct values, repeated across rounds: one copy process-wide
                    # (interned strings are freed when no row holds them any more)
                    doc[key] = intern(value) if key in _FEW_VALUES else pool.setdefault(
                        value, value)


def read_segments(directory: Path, names: dict[str, str], tables: Tables) -> SegmentIndex:
    """Merge the named segments into `tables`; FileNotFoundError when one is gone."""
    hours: SegmentIndex = {}
    pool: dict[str, str] = {}
    for hour, name in names.items():
        data = load_json(directory / name)
        held = data.get("tables") if isinstance(data, dict) else None
        if not isinstance(held, dict) or not set(held) <= set(HOURLY_TABLES):
            raise Unloadable(f"segment {name} is not a store segment")
        index = hours.setdefault(hour, {})
        for table, docs in held.items():
            if not isinstance(docs, dict):
                raise Unloadable(f"segment {name} holds a damaged {table} table")
            share_strings(docs.values(), pool)
            tables.setdefault(table, {}).update(docs)
            index[table] = set(docs)
    return hours


def main_document(tables: Tables, meta: dict[str, Any]) -> bytes:
    """The main file's bytes: the small tables and the meta document."""
    doc = {name: tables.get(name, {}) for name in MAIN_TABLES}
    doc["meta"] = {"1": meta}
    return orjson.dumps(doc)


# Documents per orjson call when a segment is written (see `segment_document`).
SEGMENT_PIECE = 250


def segment_document(tables: Tables, index: dict[str, set[str]]) -> bytes:
    """A segment file's bytes: the given documents of each segmented table.

    The same bytes as one `orjson.dumps({"tables": held})`, made SEGMENT_PIECE documents
    per call: orjson holds the GIL for a whole call, and one call over a first round's
    hour (26 MB, 5,000 items and their rows) held it ≈ 80 ms, during which the
    collecting screen's event loop could not run (docs/PERFORMANCE.md §4, "Loop stalls:
    a seventh pass"); between two calls the writer's thread lets it in.
    """
    held = {table: {key: tables[table][key] for key in keys}
            for table, keys in index.items() if keys}
    parts = [b'{"tables":{']
    for n, (table, docs) in enumerate(held.items()):
        parts.append(b"," if n else b"")
        parts.append(orjson.dumps(table) + b":{")
        rows = list(docs.items())
        for start in range(0, len(rows), SEGMENT_PIECE):
            piece = orjson.dumps(dict(rows[start:start + SEGMENT_PIECE]))
            parts.append((b"," if start else b"") + piece[1:-1])  # without its braces
        parts.append(b"}")
    parts.append(b"}}")
    return b"".join(parts)


def remove_unnamed(directory: Path, names: dict[str, str]) -> None:
    """Delete files in the segment directory that the main file does not name (writer only)."""
    keep = {kept for name in names.values() for kept in (name, *beside(name))}
    try:
        entries = list(os.scandir(directory))
    except OSError:
        return
    for entry in entries:
        if entry.name not in keep and entry.is_file(follow_symlinks=False):
            with contextlib.suppress(OSError):
                os.unlink(entry.path)
