"""File modes: one model for a store that a service writes and its group reads.

Everything Flashpoint writes next to a store (the store, its hour segments, archives,
alert state, last view, lock and holder note) is created group-readable and never
world-readable: files at most 0640, directories at most 0750, further narrowed by the
process umask (a umask of 0077 keeps them private). The systemd unit runs `collect` as
user and group `flashpoint` with UMask=0027, so analysts in the `flashpoint` group can
read the store without being able to change it; a reader needs no write access anywhere
(it never takes the writer lock, see `lock.writer_holder`).

`tempfile.mkstemp` creates files 0600 whatever the umask, so atomic writes set the mode
themselves (`apply_file_mode`).
"""

from __future__ import annotations

import os
from pathlib import Path

FILE_MODE = 0o640
DIR_MODE = 0o750


def current_umask() -> int:
    """The process umask, read without changing it (Linux), else by the set-and-restore."""
    try:
        with open("/proc/self/status", "rb") as status:
            for line in status:
                if line.startswith(b"Umask:"):
                    return int(line.split()[1], 8)
    except (OSError, ValueError, IndexError):
        pass
    mask = os.umask(0o022)
    os.umask(mask)
    return mask


def file_mode() -> int:
    """The mode of a file written next to the store (0640 narrowed by the umask)."""
    return FILE_MODE & ~current_umask()


def apply_file_mode(fd: int) -> None:
    """Give a freshly created file (a mkstemp temp file, 0600) the store's file mode."""
    os.fchmod(fd, file_mode())


def make_directory(path: Path) -> None:
    """mkdir -p with the store's directory mode (mkdir narrows it by the umask itself)."""
    path.mkdir(mode=DIR_MODE, parents=True, exist_ok=True)


def can_write_beside(path: Path) -> bool:
    """False when this process plainly cannot write the store at `path` (a reader in the
    service's group): then it opens the store read-only instead of trying to be its writer."""
    existing = path if path.exists() else next((p for p in path.parents if p.exists()), None)
    if existing is None:
        return True
    directory = existing.parent if existing == path else existing
    return os.access(directory, os.W_OK | os.X_OK) and (
        not path.exists() or os.access(path, os.W_OK))
