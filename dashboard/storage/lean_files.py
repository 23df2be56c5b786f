"""What the lean reader (`lean.py`) reads: the main file and one digest per hour.

`read_lean` reads the main file and the digest of every hour it names (`digests`), reusing
the digests of segment files it read before; an hour's stances and its segment are read
when asked for (`HourDigest.stances`, `read_segment`). A store without digests (written
before them) has each hour's digest made from its segment, with the writer's function.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from sys import intern
from typing import Any

from dashboard.memory import gc_paused_then_frozen
from dashboard.models import StanceEvidence
from dashboard.storage import convert, schema
from dashboard.storage.digests import Digest, digest_name, digest_of, stances_name, usable
from dashboard.storage.reads import in_time_order
from dashboard.storage.segments import (
    HOURLY_TABLES,
    Tables,
    Unloadable,
    index_segments,
    load_json,
    segment_dir,
    segment_names,
    share_strings,
)

Docs = dict[str, dict[str, Any]]


@dataclass
class HourDigest:
    """One hour's digest as the reader holds it."""

    ids: list[str]
    statements: int
    recognition: list[tuple[str, dict[str, Any]]]  # (key, document)
    cues: dict[str | None, list[float]]  # time -> weight × credibility of each hit
    where: tuple[Path, str] | None = None  # (segment directory, segment file name)
    inline: Docs | None = None  # the stance documents of a format-1 store
    read_stances: list[StanceEvidence] | None = None  # oldest first, once read

    def stances(self, pool: dict[str, str]) -> list[StanceEvidence]:
        """The hour's stance evidence, oldest first (read on first use: Unloadable when
        damaged, FileNotFoundError when the writer replaced the hour twice since)."""
        if self.read_stances is None:
            docs = self.inline if self.inline is not None else read_stance_file(*self.where)
            try:
                # held for the store's life: each actor, topic, id and sentence once
                for d in docs.values():
                    d["actor"], d["topic"], d["stance"], d["source_id"] = (
                        intern(d["actor"]), intern(d["topic"]), intern(d["stance"]),
                        intern(d["source_id"]))
                    d["item_id"] = pool.setdefault(d["item_id"], d["item_id"])
                    d["evidence"] = pool.setdefault(d["evidence"], d["evidence"])
                self.read_stances = [convert.from_doc(StanceEvidence, d)
                                     for d in in_time_order(docs)]
            except (KeyError, TypeError, ValueError, AttributeError) as exc:
                raise Unloadable(f"an hour's stances are damaged ({exc!r})") from None
            self.inline = None
        return self.read_stances


@dataclass
class LeanLoaded:
    """A store as the lean reader reads it: the main file's tables and the digests."""

    main: Tables  # health, history, audit, meta
    names: dict[str, str]  # hour -> segment file
    hours: dict[str, HourDigest]  # hour -> its digest
    version: int
    items: int | None  # the writer's count of hot and archived items, when it says
    inline: Tables | None = None  # a format-1 store: every table, held whole
    by_name: dict[str, HourDigest] = field(default_factory=dict)  # segment file -> digest


def hold(digest: Digest, pool: dict[str, str]) -> HourDigest:
    """A parsed digest as held (Unloadable when damaged)."""
    try:
        share_strings(digest["recognition"].values(), pool)
        cues = {t or None: products for t, products in digest["cues"].items()}
        if not all(isinstance(p, list) for p in cues.values()):
            raise TypeError("cue weights")
        return HourDigest(
            ids=list(map(str, digest["ids"])),
            statements=int(digest.get("statements", 1)),
            recognition=list(digest["recognition"].items()),
            cues=cues,
        )
    except (KeyError, TypeError, ValueError, AttributeError) as exc:
        raise Unloadable(f"an hour digest is damaged ({exc!r})") from None


def read_digest(directory: Path, name: str, pool: dict[str, str]) -> HourDigest:
    """The digest of segment `name`: its digest file, or (a store written before digests,
    or a digest lost) one made from the segment. FileNotFoundError when the segment is
    gone (the writer replaced its hour twice since the main file was read)."""
    try:
        data = load_json(directory / digest_name(name))
    except (FileNotFoundError, Unloadable):
        data = None
    held = hold(data if usable(data) else digest_of(read_segment(directory, name)), pool)
    held.where = (directory, name)
    return held


def read_stance_file(directory: Path, name: str) -> Docs:
    """The stance documents of segment `name`: its stances file, or those in the segment."""
    try:
        docs = load_json(directory / stances_name(name))
    except (FileNotFoundError, Unloadable):
        docs = None
    if not isinstance(docs, dict):
        docs = read_segment(directory, name).get("stances", {})
    return docs


def read_segment(directory: Path, name: str) -> Docs | Any:
    """The tables of one hour segment (FileNotFoundError when it is gone)."""
    data = load_json(directory / name)
    held = data.get("tables") if isinstance(data, dict) else None
    if not isinstance(held, dict) or not set(held) <= set(HOURLY_TABLES) or not all(
            isinstance(docs, dict) for docs in held.values()):
        raise Unloadable(f"segment {name} is not a store segment")
    return held


def read_lean(path: Path, previous: dict[str, HourDigest]) -> LeanLoaded | None:
    """The main file and the digest of every hour it names; None when there is no store.

    Digests of segment files read before (`previous`, by file name) are not read again:
    a commit renames only the hours it changed.
    """
    with gc_paused_then_frozen():
        return schema.read_committed(
            path, lambda data, version: _lean(path, data, version, previous))


def _lean(path: Path, data: Tables, version: int,
          previous: dict[str, HourDigest]) -> LeanLoaded:
    """The lean store whose main file at `path` holds `data` (FileNotFoundError when a
    digest or segment it names is gone)."""
    if version == 1:
        return _whole(data)
    meta = next(iter(data["meta"].values()))
    names = segment_names(meta)
    directory = segment_dir(path)
    pool: dict[str, str] = {}
    by_name = {name: previous.get(name) or read_digest(directory, name, pool)
               for name in names.values()}
    main = {name: data.get(name, {}) for name in ("health", "history", "audit")}
    main["meta"] = data["meta"]
    main = schema.migrate(main, schema.FORMAT)  # checks they are documents
    count = meta.get("items")  # written with the digests
    return LeanLoaded(main, names, {hour: by_name[n] for hour, n in names.items()},
                      version, count if isinstance(count, int) else None, by_name=by_name)


def _whole(data: Tables) -> LeanLoaded:
    """A format-1 store (everything in its one file), held whole, with digests per hour."""
    tables = schema.migrate(data, 1)
    hours = {}
    for hour, index in index_segments(tables).items():
        held = {t: {k: tables[t][k] for k in keys} for t, keys in index.items()}
        hours[hour] = hold(digest_of(held), {})
        hours[hour].inline = held.get("stances", {})
    main = {name: tables[name] for name in ("health", "history", "audit", "meta")}
    return LeanLoaded(main, {}, hours, 1, None, inline=tables)
