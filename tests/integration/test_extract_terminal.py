"""`extract` with no file and a terminal on stdin says what it waits for."""

from __future__ import annotations

import json
import os
import pty
import subprocess
import sys
from pathlib import Path

REPO = Path(__file__).parents[2]


def test_extract_from_a_terminal_says_what_it_waits_for():
    leader, follower = pty.openpty()
    proc = subprocess.Popen([sys.executable, "-m", "dashboard.cli", "extract", "--config",
                             str(REPO / "config.toml")], stdin=follower,
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE, cwd=REPO)
    os.close(follower)
    try:
        # an article typed at the terminal, then ctrl+d on an empty line (end of input)
        os.write(leader, b'"We will not accept this," Serbian President Aleksandar Vucic said.\n')
        os.write(leader, b"\x04")
        out, err = proc.communicate(timeout=120)
    finally:
        os.close(leader)
        if proc.poll() is None:
            proc.kill()
    assert proc.returncode == 0, err
    assert b"reading an article from the terminal" in err and b"ctrl+d" in err
    assert json.loads(out)["statements"][0]["speaker"] == "Aleksandar Vucic"


def test_extract_from_a_pipe_says_nothing_extra():
    out = subprocess.run([sys.executable, "-m", "dashboard.cli", "extract", "--config",
                          str(REPO / "config.toml")], input="No one said anything.\n",
                         capture_output=True, text=True, timeout=120, cwd=REPO)
    assert out.returncode == 0 and out.stderr == ""
