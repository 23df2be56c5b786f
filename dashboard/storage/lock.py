"""The single-writer lock: a real OS file lock plus a note saying who holds it.

The lock itself is `filelock.FileLock` on `<store>.lock` (released by the kernel when the
holder dies, so a kill -9 never leaves a stale lock). The note `<store>.lock.json` is only
for humans: it names the holder in the message a second writer gets.
"""

from __future__ import annotations

import contextlib
import fcntl
import os
import socket
import sys
from pathlib import Path

import orjson
from filelock import FileLock, Timeout

from dashboard.clock import utc_now
from dashboard.storage.atomic import atomic_write_bytes
from dashboard.storage.base import StoreError, StoreLocked, StoreLost
from dashboard.storage.modes import file_mode


def lock_paths(path: Path) -> tuple[Path, Path]:
    """The lock file and the holder note for a store file."""
    return path.with_name(path.name + ".lock"), path.with_name(path.name + ".lock.json")


def describe_holder(note: Path) -> str:
    """A one-line description of the writer from its note, e.g. "pid 12 on host: cmd, since T"."""
    try:
        info = orjson.loads(note.read_bytes())
        return (
            f"pid {info['pid']} on {info['host']}: {info['command']}, since {info['since']}"
        )
    except (OSError, orjson.JSONDecodeError, KeyError, TypeError):
        return "another process (no holder note)"


def writer_holder(path: str | os.PathLike[str]) -> str | None:
    """Who holds the write lock of the store at `path`, or None when nobody does.

    A probe, not a lock: a shared flock on a read-only descriptor of the (group-readable)
    lock file, so a reader without write access can tell, and creates nothing. FileLock
    cannot do that: it opens the file for writing. It sees FileLock's holder because both
    are flock(2) locks on the same file.
    """
    lock_file, note = lock_paths(Path(path))
    try:
        fd = os.open(lock_file, os.O_RDONLY)
    except OSError:
        return None  # no lock file (never written), or unreadable: nobody we can see
    try:
        fcntl.flock(fd, fcntl.LOCK_SH | fcntl.LOCK_NB)
    except BlockingIOError:
        return describe_holder(note)
    except OSError:
        return None
    else:
        fcntl.flock(fd, fcntl.LOCK_UN)
        return None
    finally:
        os.close(fd)


class WriterLock:
    """Holds the write lock of one store for the life of a writer."""

    def __init__(self, path: Path):
        self.path = path
        self.lock_file, self.note = lock_paths(path)
        self._lock = FileLock(self.lock_file, timeout=0, mode=file_mode())
        self._witness: int | None = None  # our own descriptor on the locked file, see check

    def acquire(self) -> None:
        """Take the lock without waiting; StoreLocked naming the holder if it is taken."""
        try:
            self._lock.acquire()
        except Timeout:
            raise StoreLocked(str(self.path), describe_holder(self.note)) from None
        except OSError as exc:
            raise StoreError(f"cannot lock {self.lock_file}: {exc.strerror or exc}") from exc
        try:
            self._witness = os.open(self.lock_file, os.O_RDONLY)
        except OSError as exc:
            self._lock.release()
            raise StoreError(f"cannot lock {self.lock_file}: {exc.strerror or exc}") from exc
        info = {
            "pid": os.getpid(),
            "host": socket.gethostname(),
            "command": " ".join([Path(sys.argv[0]).name, *sys.argv[1:]]) or "python",
            "since": utc_now().isoformat(timespec="seconds"),
        }
        try:
            atomic_write_bytes(self.note, orjson.dumps(info))
        except StoreError:
            self.release()
            raise

    def check(self) -> None:
        """StoreLost unless the lock file at its path is still the one this writer locked.

        A deleted store directory takes the lock file with it: a second writer would then
        create a new one and get the lock, so this writer must not write again. The open
        witness keeps the old file's inode from being reused, so a new file never looks
        like ours.
        """
        if self._witness is None:
            return
        try:
            held, there = os.fstat(self._witness), os.stat(self.lock_file)
        except OSError:
            held = there = None
        if held is None or there is None or (held.st_dev, held.st_ino) != (
                there.st_dev, there.st_ino):
            raise StoreLost(
                f"{self.lock_file} vanished or was replaced while this process wrote "
                f"{self.path} (was its directory deleted?); stopping so that no two writers "
                "share the store. Nothing more is written; start the writer again to begin "
                "a store there"
            )

    def release(self) -> None:
        """Remove the note, then release the lock (in that order, so a new note is not lost)."""
        lost = False
        if self._witness is not None:
            try:
                self.check()
            except StoreLost:
                lost = True  # the note there now belongs to whoever holds the new lock
            os.close(self._witness)
            self._witness = None
        if not self._lock.is_locked:
            return
        if not lost:
            with contextlib.suppress(OSError):
                self.note.unlink()
        self._lock.release()
