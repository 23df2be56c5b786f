"""Where a store's files live: the store file resolved once, and what lies beside it.

Everything a store keeps beside its main file is named after the main file's full name
(`x.json.items/`, `x.json.archive/`, `x.json.alerts.json`), so `x.json` and `x.db` in one
folder never share anything. Archives and alert state used to be named after the stem
(`x.archive/`, `x.alerts.json`); `adopt_legacy` brings them over at a writer's start.
A symlinked store path is resolved once, at start, so the files beside it are beside the
target, and nothing ever moves or replaces the link itself.
"""

from __future__ import annotations

import logging
import os
import shutil
from datetime import datetime
from pathlib import Path

log = logging.getLogger(__name__)


def resolve_store_path(path: str | os.PathLike[str]) -> Path:
    """The store file's real path: `~` expanded, symlinks (also dangling ones) followed."""
    return Path(path).expanduser().resolve()


def archive_dir(store: Path) -> Path:
    """The directory of the store's daily archive files."""
    return store.with_name(store.name + ".archive")


def alert_state_path(store: Path) -> Path:
    """The alert state (cooldowns, mutes) of the writer of this store."""
    return store.with_name(store.name + ".alerts.json")


def legacy_paths(store: Path) -> list[tuple[Path, Path]]:
    """(old, new) for every file that older versions named after the store's stem."""
    return [(store.with_name(store.stem + ".archive"), archive_dir(store)),
            (store.with_name(store.stem + ".alerts.json"), alert_state_path(store))]


def shares_stem(store: Path) -> bool:
    """True when another store file in the folder has the same stem (`x.json`, `x.db`)."""
    try:
        return any(p != store and p.stem == store.stem and p.is_file()
                   for p in store.parent.iterdir())
    except OSError:
        return False


def adopt_legacy(store: Path) -> None:
    """Bring the stem-named archive and alert state to their full-name paths (writers).

    A folder with one store moves them (a rename). Where another store shares the stem,
    the old files may hold both stores' ids: each store gets a copy and the old ones stay,
    so no archived id is forgotten by either. A failure is logged, never fatal: the store
    then starts a new archive (its items stay deduplicated against the hot store).
    """
    shared = shares_stem(store)
    for old, new in legacy_paths(store):
        if new.exists() or not old.exists():
            continue
        try:
            if not shared:
                os.replace(old, new)
            elif old.is_dir():
                shutil.copytree(old, new)
            else:
                shutil.copy2(old, new)
        except OSError as exc:
            log.warning("cannot bring %s over to %s: %s", old, new, exc.strerror or exc)
            continue
        log.info("%s %s to %s", "copied" if shared else "moved", old, new)


def backup_name(path: Path, now: datetime) -> Path:
    """A free `<name>.corrupt-YYYYmmddTHHMMSS` path next to `path`."""
    base = path.with_name(f"{path.name}.corrupt-{now:%Y%m%dT%H%M%S}")
    candidate, n = base, 1
    while candidate.exists():
        candidate = base.with_name(f"{base.name}-{n}")
        n += 1
    return candidate
