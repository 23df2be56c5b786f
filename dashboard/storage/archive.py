"""The archive: items past retention, in one file per day beside the store.

`<store>.archive/YYYY-MM-DD.json` holds the items of that day (each with the statements,
stances and cue hits found in it, under "derived"); `ids.json` lists every archived id so
an item never lands twice. The writer moves items here at retention (`writes`).
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import orjson

from dashboard.storage import modes, schema
from dashboard.storage.atomic import atomic_write_bytes
from dashboard.storage.base import StoreError
from dashboard.storage.paths import archive_dir


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
            atomic_write_bytes(path, orjson.dumps({"format": schema.FORMAT, "items": held}))
        ids = self.ids | {doc["id"] for doc in docs}
        atomic_write_bytes(self.index, orjson.dumps(sorted(ids)))
        self.ids = ids  # only once on disk: memory follows disk


