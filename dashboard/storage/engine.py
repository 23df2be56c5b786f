"""The storage engine: TinyDB over tables held in memory, updated in place.

TinyDB keeps the tables; this `Storage` means TinyDB's per-operation `write` calls only
touch memory, and the store decides when to write files (once per round, or once per
user action: see `writes`). The only module besides `writes` that imports tinydb.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator, MutableMapping
from typing import Any

from tinydb import TinyDB
from tinydb.storages import Storage
from tinydb.table import Table

from dashboard.storage.segments import Tables


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

    def insert_documents(self, docs: list[dict[str, Any]]) -> range:
        """Insert fresh documents as they are: the ids they got, in order.

        TinyDB's `insert_multiple` copies every document and checks each one through an
        abstract-class test; a round's rows are new dicts made for the store alone.
        """
        first = self.peek_next_id()
        ids = range(first, first + len(docs))
        tables = self._storage.read()
        tables.setdefault(self.name, {}).update(zip(map(str, ids), docs, strict=True))
        self._next_id = ids.stop
        self._storage.write(tables)
        self.clear_cache()
        return ids

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

