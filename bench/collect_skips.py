"""`collect` over many sources on one interval: how many scheduled fetches are skipped.

A farm of `--feeds` loopback feeds (its own process) is collected by a real
`flashpoint collect` with every source due each `--every`, for `--seconds`; then SIGTERM.
APScheduler says in the log when it skips a tick because the source's previous tick is
still running ("maximum number of running instances reached") or when a tick ran too
late ("was missed by"): both are fetches that did not happen on time. Prints the counts,
the rounds stored and the ticks that ran.

    .venv/bin/python -m bench.collect_skips --feeds 2000 --every 1m --seconds 200
"""

from __future__ import annotations

import argparse
import re
import signal
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

from support.farm import RemoteFarm

REPO = Path(__file__).resolve().parents[1]
SKIPPED = "maximum number of running instances reached"
MISSED = re.compile(r"Run time of job .* was missed by")
STORED = re.compile(r"round stored: (\d+) sources")


def main(argv: list[str] | None = None) -> int:
    """Run the bench and print its figures."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--feeds", type=int, default=2000)
    parser.add_argument("--items", type=int, default=2, help="items per feed")
    parser.add_argument("--every", default="1m")
    parser.add_argument("--seconds", type=float, default=200.0)
    args = parser.parse_args(argv)
    with tempfile.TemporaryDirectory() as tmp, RemoteFarm(args.feeds, args.items) as farm:
        cfg = Path(tmp) / "config.toml"
        cfg.write_text(farm.config_toml(str(Path(tmp) / "store.json"), every=args.every))
        proc = subprocess.Popen([sys.executable, "-m", "dashboard.cli", "collect",
                                 "--config", str(cfg)], cwd=REPO, stdin=subprocess.DEVNULL,
                                stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True)
        lines: list[str] = []
        reader = threading.Thread(target=lambda: lines.extend(proc.stderr), daemon=True)
        reader.start()
        started = time.monotonic()
        time.sleep(args.seconds)
        proc.send_signal(signal.SIGTERM)
        proc.wait(timeout=120)
        reader.join(timeout=10)
        took = time.monotonic() - started
    skipped = sum(SKIPPED in line for line in lines)
    missed = sum(bool(MISSED.search(line)) for line in lines)
    rounds = [int(m.group(1)) for line in lines if (m := STORED.search(line))]
    print(f"{args.feeds} sources every {args.every}, {took:.0f} s of collect (exit "
          f"{proc.returncode}):")
    print(f"  ticks skipped (previous still running): {skipped}")
    print(f"  ticks missed (ran too late):           {missed}")
    print(f"  rounds stored: {len(rounds)}, source fetches in them: {sum(rounds)}")
    errors = [line for line in lines if "Traceback" in line or " ERROR " in line]
    if errors:
        print(f"  errors logged: {len(errors)}; first: {errors[0].strip()[:160]}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
