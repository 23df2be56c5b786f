"""The demo's temporary store goes however the demo ends (issue 15).

`flashpoint demo` runs as a real process on a real pseudo-terminal (as in test_hangup),
with TMPDIR pointing into the test's folder so its temporary store can be watched. After
quitting, a SIGTERM, a SIGHUP or the terminal's hangup, no `flashpoint-demo-*` folder is
left (a signal's default action runs no `finally`: the reaper of `demo_store` removes it).
"""

from __future__ import annotations

import os
import signal
import time
from pathlib import Path

import pytest

from dashboard.commands.demo_store import PREFIX
from dashboard.storage import open_store
from tests.reliability.conftest import CLI
from tests.reliability.test_hangup import WAIT, Terminal


def demo_folders(tmp: Path) -> list[Path]:
    return sorted(tmp.glob(f"{PREFIX}*"))


ENDINGS = {
    "q": lambda proc, terminal: os.write(terminal.master, b"q"),
    "ctrl+q": lambda proc, terminal: os.write(terminal.master, b"\x11"),
    "SIGTERM": lambda proc, terminal: proc.send_signal(signal.SIGTERM),
    "SIGHUP": lambda proc, terminal: proc.send_signal(signal.SIGHUP),
    "SIGINT": lambda proc, terminal: proc.send_signal(signal.SIGINT),
    "terminal hangup": lambda proc, terminal: terminal.hang_up(),
}


@pytest.mark.parametrize("ending", list(ENDINGS))
def test_the_demo_leaves_no_temporary_store_however_it_ends(ending, tmp_path, monkeypatch):
    monkeypatch.setenv("TMPDIR", str(tmp_path))
    terminal = Terminal()
    proc = terminal.start([*CLI, "demo"])
    try:
        terminal.wait_for(b"Latest statements", proc)
        deadline = time.monotonic() + WAIT
        while not any((f / "store.json").exists() for f in demo_folders(tmp_path)):
            assert time.monotonic() < deadline, "the demo never wrote its store"
            time.sleep(0.1)
        ENDINGS[ending](proc, terminal)
        proc.wait(timeout=WAIT)
    finally:
        if proc.poll() is None:
            proc.kill()
            proc.wait()
    deadline = time.monotonic() + WAIT
    while demo_folders(tmp_path):
        assert time.monotonic() < deadline, f"left behind: {demo_folders(tmp_path)}"
        time.sleep(0.1)


@pytest.mark.parametrize("where", ["after", "before"])
def test_the_demo_keeps_the_store_db_names(where, tmp_path, monkeypatch):
    """`--db` (before or after the command, as on every command) gives the demo a store
    of the user's, which it keeps: no temporary folder is made."""
    monkeypatch.setenv("TMPDIR", str(tmp_path))
    mine = tmp_path / "kept" / "demo.json"
    option = ["--db", str(mine)]
    terminal = Terminal()
    proc = terminal.start([*CLI, "demo", *option] if where == "after"
                          else [*CLI, *option, "demo"])
    try:
        terminal.wait_for(b"Latest statements", proc)
        deadline = time.monotonic() + WAIT
        while not mine.exists():
            assert time.monotonic() < deadline, "the demo never wrote the store --db names"
            time.sleep(0.1)
        assert not demo_folders(tmp_path)
        os.write(terminal.master, b"q")
        assert proc.wait(timeout=WAIT) == 0
    finally:
        if proc.poll() is None:
            proc.kill()
            proc.wait()
    time.sleep(0.5)  # a reaper, had one been started, would have removed its folder by now
    assert mine.exists()
    assert not demo_folders(tmp_path)
    store = open_store(str(mine), readonly=True)
    try:
        assert store.item_count() >= 0  # it loads
    finally:
        store.close()
