"""How long a writer can be killed by a stop signal after it first caught one.

Runs `fetch --once` (or `collect`, stopped by SIGHUP after `--stop-after` seconds) over
the 8-feed loopback farm and reads the process's `/proc/<pid>/status` about every
millisecond: from the moment SIGTERM is first caught, any stretch in which it is neither
caught nor ignored is time in which a stop would kill the process instead of stopping it
(docs/RELIABILITY.md §1, "The stop that came too late"). Should print 0.0 ms.

With several `--tree` source trees (e.g. an old commit unpacked by `git archive`), the
runs interleave, one per tree in turn, for an A/B on the same machine load.

    .venv/bin/python -m bench.stop_exposure [--runs 3] [--command fetch|collect]
                                            [--tree PATH ...]
"""

from __future__ import annotations

import argparse
import os
import signal
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from support.farm import Farm

REPO = Path(__file__).resolve().parents[1]
TERM_BIT = 1 << (signal.SIGTERM - 1)


def disposition(pid: int) -> tuple[bool, bool] | None:
    """(caught, ignored) for SIGTERM, or None once the process is gone or a zombie."""
    try:
        status = Path(f"/proc/{pid}/status").read_text()
    except OSError:
        return None
    fields = dict(line.split(":\t", 1) for line in status.splitlines() if ":\t" in line)
    if fields.get("State", "").startswith("Z"):
        return None
    return (bool(int(fields["SigCgt"], 16) & TERM_BIT),
            bool(int(fields["SigIgn"], 16) & TERM_BIT))


def one_run(tree: Path, config: Path, command: str, stop_after: float) -> tuple[float, float, int]:
    """(seconds exposed, seconds in all, exit status) of one run of `command` in `tree`."""
    args = ["fetch", "--once"] if command == "fetch" else ["collect"]
    started = time.monotonic()
    proc = subprocess.Popen([sys.executable, "-m", "dashboard.cli", *args, "--config",
                             str(config)], cwd=tree, stdin=subprocess.DEVNULL,
                            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    caught_once, exposed, since, stopped = False, 0.0, None, False
    while (state := disposition(proc.pid)) is not None:
        now = time.monotonic()
        caught, ignored = state
        caught_once = caught_once or caught
        if caught_once and not caught and not ignored:
            if since is not None:
                exposed += now - since
            since = now
        else:
            since = None
        if command == "collect" and not stopped and now - started > stop_after:
            proc.send_signal(signal.SIGHUP)
            stopped = True
        time.sleep(0.001)
    return exposed, time.monotonic() - started, proc.wait()


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench.stop_exposure",
                                     description=__doc__.split("\n\n")[0])
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--command", choices=("fetch", "collect"), default="fetch")
    parser.add_argument("--stop-after", type=float, default=12.0,
                        help="seconds before collect gets its SIGHUP (default 12)")
    parser.add_argument("--tree", action="append", type=Path,
                        help="a source tree to run (repeatable; default this one)")
    args = parser.parse_args(argv)
    trees = args.tree or [REPO]
    with tempfile.TemporaryDirectory() as tmp, Farm(feeds=8, items=30) as farm:
        config = Path(tmp) / "config.toml"
        config.write_text(farm.config_toml(str(Path(tmp) / "store.json"), every="1s"))
        for run in range(args.runs):
            for tree in trees:
                farm.bump()
                exposed, total, code = one_run(tree, config, args.command, args.stop_after)
                print(f"{tree!s:24} {args.command} run {run}: exposed "
                      f"{exposed * 1000:6.1f} ms of {total:5.1f} s, exit {code}, "
                      f"load {os.getloadavg()[0]:.1f}", flush=True)
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
