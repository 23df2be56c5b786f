"""A dashboard whose terminal hangs up ends, even when no SIGHUP reaches it.

The dashboard runs as a real process on a real pseudo-terminal that the test holds, in a
session of its own with no controlling terminal: when the test closes the terminal's
master side (what sshd or tmux does when the session goes), the kernel sends no SIGHUP to
anyone. That is what happened under `make demo` (make keeps the SIGHUP): the dashboard
spun on the dead terminal and its event loop blocked for good (dashboard/commands/hangup.py).
"""

from __future__ import annotations

import fcntl
import os
import signal
import struct
import subprocess
import sys
import termios
import threading
import time
from pathlib import Path

from dashboard.commands.hangup import HANGUP_STATUS, watch_terminal
from support.farm import Farm
from tests.reliability.conftest import CLI, REPO, count_items

WAIT = 90  # seconds; generous for a loaded machine, never reached when it works


class Terminal:
    """A pseudo-terminal of 80x24 whose output is drained (and kept) in a thread."""

    def __init__(self) -> None:
        self.master, self.slave = os.openpty()
        fcntl.ioctl(self.master, termios.TIOCSWINSZ, struct.pack("HHHH", 24, 80, 0, 0))
        self.output = bytearray()
        self._reader = threading.Thread(target=self._drain, daemon=True)

    def start(self, command: list[str]) -> subprocess.Popen:
        env = {**os.environ, "TERM": "xterm-256color"}
        proc = subprocess.Popen(command, cwd=REPO, stdin=self.slave, stdout=self.slave,
                                stderr=self.slave, start_new_session=True, env=env)
        os.close(self.slave)
        self._reader.start()
        return proc

    def _drain(self) -> None:
        while True:
            try:
                chunk = os.read(self.master, 65536)
            except OSError:
                return  # closed by hang_up(), or the other side is gone
            if not chunk:
                return
            self.output.extend(chunk)

    def wait_for(self, text: bytes, proc: subprocess.Popen) -> None:
        deadline = time.monotonic() + WAIT
        while text not in self.output:
            assert proc.poll() is None, f"the dashboard ended: {bytes(self.output[-800:])!r}"
            assert time.monotonic() < deadline, f"never drawn: {bytes(self.output[-800:])!r}"
            time.sleep(0.05)

    def hang_up(self) -> None:
        os.close(self.master)


def dashboard(tmp_path: Path, farm: Farm, *, ignore_sighup: bool = False) -> list[str]:
    store = tmp_path / "store.json"
    config = tmp_path / "config.toml"
    config.write_text(farm.config_toml(str(store)))
    args = ["run", "--config", str(config)]
    if not ignore_sighup:
        return [*CLI, *args]
    # as `nohup` starts it: SIGHUP ignored, which exec keeps
    start = ("import os, signal, sys; signal.signal(signal.SIGHUP, signal.SIG_IGN); "
             "os.execv(sys.executable, [sys.executable, '-m', 'dashboard.cli', *sys.argv[1:]])")
    return [sys.executable, "-c", start, *args]


def gone(pid: int) -> bool:
    try:
        state = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0]
    except OSError:
        return True
    return state == "Z"


def run_and_hang_up(tmp_path: Path, ignore_sighup: bool) -> tuple[int, int, int]:
    """The dashboard's exit status, the items stored before the hangup and after it."""
    terminal = Terminal()
    with Farm(feeds=3, items=20) as farm:
        proc = terminal.start(dashboard(tmp_path, farm, ignore_sighup=ignore_sighup))
        try:
            terminal.wait_for(b"Latest statements", proc)
            deadline = time.monotonic() + WAIT
            while (before := count_items(tmp_path / "store.json")) == 0:
                assert time.monotonic() < deadline, "no round was stored"
                time.sleep(0.1)
            workers = [int(n) for task in Path(f"/proc/{proc.pid}/task").glob("*")
                       for n in (task / "children").read_text().split()]
            terminal.hang_up()
            status = proc.wait(timeout=WAIT)
        finally:
            if proc.poll() is None:
                proc.kill()
                proc.wait()
    deadline = time.monotonic() + WAIT
    while not all(gone(pid) for pid in workers):
        assert time.monotonic() < deadline, "the worker processes outlived the dashboard"
        time.sleep(0.1)
    return status, before, count_items(tmp_path / "store.json")


def test_a_dashboard_whose_terminal_hangs_up_ends_as_a_hangup_ends_it(tmp_path):
    status, before, after = run_and_hang_up(tmp_path, ignore_sighup=False)
    assert status == -signal.SIGHUP
    assert after >= before > 0  # the store loads and keeps what was stored


def test_a_dashboard_that_ignores_sighup_still_ends_with_its_terminal(tmp_path):
    status, before, after = run_and_hang_up(tmp_path, ignore_sighup=True)
    assert status == HANGUP_STATUS
    assert after >= before > 0


def test_no_watch_without_a_terminal():
    read, write = os.pipe()
    try:
        assert watch_terminal(read) is None
    finally:
        os.close(read)
        os.close(write)
