"""Storage: the Store protocol and its TinyDB implementation (the only tinydb import).

Split by concern (docs/ARCHITECTURE.md, Storage): `engine` (TinyDB in memory), `schema`
(format and migrations), `segments` (the files on disk), `loading` (files into memory,
the opened store), `archive`, `reads` and `writes` (the protocol's two halves), and
`convert` (documents <-> models).
"""

from __future__ import annotations

import os

from dashboard.storage.base import Round, Store, StoreError, StoreLocked, StoreLost
from dashboard.storage.lean import LeanReader
from dashboard.storage.lock import writer_holder
from dashboard.storage.reads import StoreReads
from dashboard.storage.writes import StoreWrites

__all__ = ["Round", "Store", "StoreError", "StoreLocked", "StoreLost", "open_store",
           "writer_holder"]


class TinyDBStore(StoreWrites, StoreReads):
    """A Store kept in a main file, hour segment files and an archive directory."""


def open_store(path: str | os.PathLike[str], *, readonly: bool = False,
               retention_days: int = 30, background: bool = False,
               deferred: bool = False) -> Store:
    """Open the store at `path`: a writer (takes the lock) or a reader (never writes).

    Raises StoreLocked when another writer holds the store, StoreError when it cannot be
    read or written (the message says why and what to do).

    With `background`, the files load in a thread and every method waits for them (the
    dashboard paints its last view meanwhile); a load failure is raised by each call.
    With `deferred` (a writer), the main file is read now and the hour segments only when
    a method needs them: a round of 304s never holds them (`fetch --once`).
    """
    if readonly:
        # readers hold the digests, not the documents (see storage/lean.py)
        return LeanReader(path, retention_days=retention_days, background=background)
    return TinyDBStore(path, readonly=False, retention_days=retention_days,
                       background=background, deferred=deferred)
