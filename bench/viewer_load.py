"""What a viewer without a saved view does before its first paint, and what it holds.

    .venv/bin/python -m bench.viewer_load [--items 50000] [--runs 3] [--before DIR]

Builds a store of `--items` analysed items (as bench.tui does), then, in a fresh process
per run, opens it read-only and builds the first snapshot: the seconds of each phase and
the process's peak RSS, against issue 15's targets (first paint at 50,000 items without a
saved view <= 1.5 s; a viewer of a 20,000-item store <= 120 MB). With `--before DIR` (a
checkout of other code, e.g. `git archive <commit> | tar -x -C DIR`), each run of this
code is followed by one of DIR's on the same store: an A/B on a machine whose speed drifts.
"""

from __future__ import annotations

import argparse
import os
import subprocess
import sys
import tempfile
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
TARGETS = {"seconds": 1.5, "rss": 120.0}

MEASURE = """
import resource, sys, time
from datetime import UTC, datetime
t0 = time.perf_counter()
from dashboard.config import load_config
from dashboard.snapshot import build_snapshot
from dashboard.storage import open_store
config = load_config(sys.argv[2])
t1 = time.perf_counter()
store = open_store(sys.argv[1], readonly=True)
store.item_count()
t2 = time.perf_counter()
build_snapshot(config, store, now=datetime.now(UTC))
t3 = time.perf_counter()
rss = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
print(f"load {t2 - t1:.2f} s, snapshot {t3 - t2:.2f} s, total {t3 - t0:.2f} s, "
      f"peak RSS {rss:.0f} MB")
"""


def measure(code: Path, store: Path, config: Path) -> str:
    """One run in a fresh process whose `dashboard` is the one in `code`."""
    env = {**os.environ, "PYTHONPATH": str(code)}
    done = subprocess.run([sys.executable, "-c", MEASURE, str(store), str(config)], cwd=code,
                          env=env, capture_output=True, text=True, check=True)
    return done.stdout.strip()


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--items", type=int, default=50_000)
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--before", type=Path, help="a checkout of the code to compare with")
    args = parser.parse_args(argv)

    from bench.tui import build_store
    from dashboard.cli import BUNDLED_CONFIG
    from dashboard.config import load_config

    print(f"viewer without a saved view, {args.items} items (targets: first paint <= "
          f"{TARGETS['seconds']} s at 50,000 items, RSS <= {TARGETS['rss']:.0f} MB at 20,000)")
    with tempfile.TemporaryDirectory() as tmp:
        store = Path(tmp) / "store.json"
        build_store(store, load_config(BUNDLED_CONFIG), args.items)
        size = sum(f.stat().st_size for f in Path(tmp).rglob("*") if f.is_file())
        print(f"  (store: {size / 1e6:.0f} MB on disk)", flush=True)
        for run in range(1, args.runs + 1):
            print(f"  run {run}, this code: {measure(REPO, store, BUNDLED_CONFIG)}", flush=True)
            if args.before:
                print(f"  run {run}, {args.before}: "
                      f"{measure(args.before.resolve(), store, BUNDLED_CONFIG)}", flush=True)
        print(f"  load average {os.getloadavg()[0]:.1f} on {os.cpu_count()} CPUs")


if __name__ == "__main__":
    main()
