"""Helpers for the reliability suite: the CLI as a real process, counts, mounts.

Everything here drives `flashpoint` the way an analyst's server does (a subprocess with
a config file), so a test proves the shipped behaviour and not an internal shortcut.
"""

from __future__ import annotations

import contextlib
import json
import os
import subprocess
import sys
import threading
import time
from collections.abc import Iterator
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[2]
CLI = [sys.executable, "-m", "dashboard.cli"]


def flashpoint(*args: str, timeout: float = 120, **kwargs) -> subprocess.CompletedProcess:
    """Run `flashpoint ARGS` to completion and capture its text output."""
    return subprocess.run([*CLI, *args], capture_output=True, text=True, timeout=timeout,
                          cwd=REPO, stdin=subprocess.DEVNULL, **kwargs)


def start(*args: str, **kwargs) -> subprocess.Popen:
    """Start `flashpoint ARGS` in the background with piped text output."""
    return subprocess.Popen([*CLI, *args], cwd=REPO, stdin=subprocess.DEVNULL,
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, **kwargs)


def stored_items(config: Path) -> int:
    """The item count `status --json` reports; fails the test if the store does not load."""
    out = flashpoint("status", "--json", "--config", str(config))
    assert out.returncode == 0, f"status failed: {out.stderr}"
    return json.loads(out.stdout)["items"]


def count_items(store: Path) -> int:
    """Items in the store through the public storage API (a reader); fails if it won't load."""
    from dashboard.storage import open_store

    reader = open_store(store, readonly=True)
    try:
        return reader.item_count()
    finally:
        reader.close()


def catches(pid: int, sig: int) -> bool:
    """True once process `pid` has installed a handler for `sig` (/proc SigCgt mask)."""
    try:
        status = Path(f"/proc/{pid}/status").read_text()
    except OSError:
        return False
    mask = next(line.split()[1] for line in status.splitlines() if line.startswith("SigCgt"))
    return bool(int(mask, 16) & (1 << (sig - 1)))


class StderrLines:
    """Collects a child's stderr lines in a thread, so a test can wait for one."""

    def __init__(self, proc: subprocess.Popen):
        self.lines: list[str] = []
        self._thread = threading.Thread(target=self._read, args=(proc,), daemon=True)
        self._thread.start()

    def _read(self, proc: subprocess.Popen) -> None:
        for line in proc.stderr:
            self.lines.append(line)

    def wait_for(self, text: str, count: int = 1, timeout: float = 30) -> bool:
        """Wait until `text` appeared in `count` lines; False on timeout."""
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if sum(text in line for line in list(self.lines)) >= count:
                return True
            time.sleep(0.05)
        return False

    def text(self) -> str:
        """Everything read so far (after the process ended: all of it)."""
        self._thread.join(timeout=10)
        return "".join(self.lines)


def no_traceback(text: str) -> bool:
    """True when no Python traceback leaked into a user-facing stream."""
    return "Traceback (most recent call last)" not in text


@contextlib.contextmanager
def mounted(target: Path, *options: str, source: str = "tmpfs") -> Iterator[Path]:
    """Mount a filesystem at `target` for the block (root only); skips the test if refused."""
    target.mkdir(parents=True, exist_ok=True)
    if os.geteuid() != 0:
        pytest.skip("mounting needs root")
    args = ["mount", *options, source, str(target)]
    done = subprocess.run(args, capture_output=True, text=True)
    if done.returncode != 0:
        pytest.skip(f"mount refused here: {done.stderr.strip()}")
    try:
        yield target
    finally:
        subprocess.run(["umount", "-l", str(target)], capture_output=True)


def remount_readonly(target: Path, *, bind: bool = False) -> None:
    """Turn a mount read-only in place (root ignores chmod, not a read-only mount)."""
    options = "remount,ro,bind" if bind else "remount,ro"
    done = subprocess.run(["mount", "-o", options, str(target)],
                          capture_output=True, text=True)
    if done.returncode != 0:
        pytest.skip(f"remount read-only refused here: {done.stderr.strip()}")
