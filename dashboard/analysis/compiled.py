"""Compiled lexicons kept on disk between processes, keyed by what they are built from.

Building the CAMEO event lexicon (5,505 rows, each lemmatised and filed) costs 0.3-0.5 s,
paid by every process that analyses text: each `flashpoint extract`, each parse worker.
Its compiled form loads in 0.1-0.15 s. The file's name holds a digest of everything the
build reads (the data files, the code that builds, the lemmatiser's version), so a
changed input never meets a stale build; only the newest few builds are kept (two
versions of the code sharing one cache would otherwise remove each other's).

The cache is the user's own (platformdirs' cache directory, or $FLASHPOINT_CACHE_DIR);
when it cannot be read or written the lexicon is simply built, and nothing else changes.
"""

from __future__ import annotations

import contextlib
import hashlib
import os
import pickle
import tempfile
import time
from collections.abc import Callable, Iterable
from pathlib import Path
from typing import TypeVar

from platformdirs import user_cache_path

T = TypeVar("T")
_ENV = "FLASHPOINT_CACHE_DIR"  # "" turns the cache off


def cache_dir() -> Path | None:
    """Where compiled lexicons are kept; None when the cache is turned off."""
    configured = os.environ.get(_ENV)
    if configured is not None:
        return Path(configured).expanduser() if configured else None
    return user_cache_path("flashpoint") / "lexicons"


def digest(parts: Iterable[bytes | str]) -> str:
    """A short digest of the inputs of a build."""
    h = hashlib.sha256()
    for part in parts:
        data = part.encode("utf-8") if isinstance(part, str) else part
        h.update(len(data).to_bytes(8, "little"))
        h.update(data)
    return h.hexdigest()[:24]


def cached(name: str, inputs: Iterable[bytes | str], build: Callable[[], T],
           kind: type[T]) -> T:
    """What `build()` returns, loaded from the cache when a build of the same inputs was
    kept there, else built and kept (written to a temporary file, then renamed, so a
    concurrent reader never sees half a file)."""
    folder = cache_dir()
    if folder is None:
        return build()
    path = folder / f"{name}-{digest(inputs)}.pickle"
    try:
        # the user's own cache directory, written only by this function
        found = pickle.loads(path.read_bytes())
        if isinstance(found, kind):
            return found
    except (OSError, pickle.UnpicklingError, EOFError, AttributeError, ImportError,
            IndexError, TypeError, ValueError):
        pass
    built = build()
    try:
        data = pickle.dumps(built, protocol=pickle.HIGHEST_PROTOCOL)
        folder.mkdir(parents=True, exist_ok=True)
        with tempfile.NamedTemporaryFile(dir=folder, prefix=f".{name}-", delete=False) as f:
            temporary = Path(f.name)
            try:
                f.write(data)
            except BaseException:
                temporary.unlink(missing_ok=True)
                raise
        os.replace(temporary, path)
        _remove_others(folder, name, path)
    except OSError:
        pass  # a read-only or full disk: built each time, as without a cache
    return built


_STALE = 3600  # seconds after which a temporary file is a killed writer's leftover


_KEPT = 4  # builds kept per name: installs of other versions may share the cache


def _remove_others(folder: Path, name: str, kept: Path) -> None:
    """Remove all but the newest builds of other inputs, and temporary files left by
    killed writers."""
    others = []
    for old in folder.glob(f"{name}-*.pickle"):
        with contextlib.suppress(OSError):
            if old != kept:
                others.append((old.stat().st_mtime, old))
    for _, old in sorted(others, reverse=True)[_KEPT - 1:]:
        old.unlink(missing_ok=True)
    now = time.time()
    for temporary in folder.glob(f".{name}-*"):
        with contextlib.suppress(OSError):
            if now - temporary.stat().st_mtime > _STALE:
                temporary.unlink()
