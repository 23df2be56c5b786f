"""Atomic file replacement: a reader or a crash sees the old file or the new one, never half.

The sequence is the classic one: write a temp file in the same directory (so os.replace
stays on one filesystem and is atomic), flush and fsync it, replace the target, then fsync
the directory so the rename itself survives a power cut.
"""

from __future__ import annotations

import contextlib
import os
import tempfile
from pathlib import Path

from dashboard.storage.base import StoreError
from dashboard.storage.modes import apply_file_mode


def atomic_write_bytes(path: Path, data: bytes, *, sync_directory: bool = True) -> None:
    """Replace `path` with `data` atomically; StoreError (previous file intact) on failure.

    `sync_directory=False` leaves the directory fsync to the caller, who writes several
    files into one directory and syncs it once before its commit point.
    """
    directory = path.parent
    tmp_name: str | None = None
    try:
        fd, tmp_name = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=directory)
        apply_file_mode(fd)  # group-readable, as the umask allows (see modes)
        with os.fdopen(fd, "wb") as handle:
            handle.write(data)
            handle.flush()
            os.fsync(handle.fileno())
        os.replace(tmp_name, path)
        tmp_name = None
        if sync_directory:
            fsync_directory(directory)
    except OSError as exc:
        reason = exc.strerror or str(exc)
        raise StoreError(f"cannot write {path}: {reason}; the previous file is intact") from exc
    finally:
        if tmp_name is not None:
            with contextlib.suppress(OSError):
                os.unlink(tmp_name)


def fsync_directory(directory: Path) -> None:
    """Make a rename in `directory` durable (no-op where directories cannot be opened)."""
    try:
        fd = os.open(directory, os.O_RDONLY)
    except OSError:
        return
    try:
        os.fsync(fd)
    except OSError:
        pass  # some filesystems refuse fsync on directories; the rename is still atomic
    finally:
        os.close(fd)
