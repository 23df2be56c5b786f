"""The last view: the snapshot the writer last built, kept in a small file next to the store.

A dashboard starting on a large store paints this at once and replaces it with a live
snapshot when the store has loaded (reading every segment takes seconds at 50k items).
The file is a cache, never a source of truth: it is written after commits by whoever
writes the store, and it is ignored when it is missing, damaged, from another config or
older than the store's last commit by more than `MAX_LAG`.
"""

from __future__ import annotations

import contextlib
import functools
import logging
from pathlib import Path
from typing import Any

import orjson

from dashboard.config import Config, config_digest
from dashboard.models import Snapshot
from dashboard.storage.atomic import atomic_write_bytes
from dashboard.storage.base import StoreError

log = logging.getLogger(__name__)

VERSION = 1
MAX_LAG = 120.0  # seconds a view may trail the store's main file and still be shown


def view_path(store_path: Path) -> Path:
    """Where the last view of the store at `store_path` is kept."""
    return store_path.with_name(store_path.name + ".view.json")


@functools.lru_cache(maxsize=1)
def _adapter() -> Any:
    from pydantic import TypeAdapter  # built on first use: a viewer may never need it

    return TypeAdapter(Snapshot)


def save_view(store_path: Path, config: Config, snap: Snapshot) -> None:
    """Keep `snap` as the store's last view (atomically; a failure is only logged)."""
    body = _adapter().dump_json(snap)
    head = orjson.dumps({"version": VERSION, "config": config_digest(config)})
    try:
        atomic_write_bytes(view_path(store_path), head + b"\n" + body, sync_directory=False)
    except StoreError as exc:
        log.warning("cannot keep the last view: %s", exc)


def load_view(store_path: Path, config: Config) -> Snapshot | None:
    """The store's last view, or None when there is no usable one (see the module doc)."""
    path = view_path(store_path)
    try:
        store_mtime = store_path.stat().st_mtime
        if path.stat().st_mtime + MAX_LAG < store_mtime:
            return None  # rounds were committed since by a writer that kept no view
        head, _, body = path.read_bytes().partition(b"\n")
        meta = orjson.loads(head)
    except (OSError, orjson.JSONDecodeError):
        return None
    if not isinstance(meta, dict) or meta.get("version") != VERSION:
        return None
    if meta.get("config") != config_digest(config):
        return None
    with contextlib.suppress(ValueError):  # pydantic's ValidationError is a ValueError
        return _adapter().validate_json(body)
    return None
