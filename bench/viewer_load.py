"""What a viewer without a saved view does before its first paint, and what it holds.

    .venv/bin/python -m bench.viewer_load [--items 50000] [--runs 3] [--before DIR] [--tui]

Builds a store of `--items` analysed items (as bench.tui does), then, in a fresh process
per run, opens it read-only and builds the first snapshot: the seconds (wall and CPU) of
each phase and the process's peak RSS, then the peak after what a viewer reads on demand
(a text filter over every hour, a page of older statements, an item's details). Issue
15's targets: first paint at 50,000 items without a saved view <= 1.5 s; a viewer of a
20,000-item store <= 120 MB. With `--before DIR` (a checkout of other code, e.g.
`git archive <commit> | tar -x -C DIR`), each run of this code is followed by one of
DIR's on the same store: an A/B on a machine whose speed drifts. With `--tui`, each run
also starts the real viewer (`flashpoint run --viewer` in a pty, as bench.tui does) and
gives the seconds to its first paint and its peak RSS.
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
import sys, time
from datetime import UTC, datetime
def now():
    return time.perf_counter(), time.process_time()
def peak():
    # VmHWM, not ru_maxrss: that one keeps the peak of the forked parent (the bench, which
    # built the store) across exec
    with open("/proc/self/status") as status:
        return next(int(line.split()[1]) for line in status if line.startswith("VmHWM")) / 1024
t0 = now()
from dashboard.config import load_config
from dashboard.snapshot import build_snapshot
from dashboard.storage import open_store
config = load_config(sys.argv[2])
t1 = now()
store = open_store(sys.argv[1], readonly=True)
store.item_count()
t2 = now()
try:
    first_snap = build_snapshot(config, store, now=datetime.now(UTC), positions=False)
except TypeError:  # code from before the first snapshot without positions
    pass
t3 = now()
snap = build_snapshot(config, store, now=datetime.now(UTC))
t4 = now()
first = peak()
store.statements(text="no such words", limit=200)  # a filter reads every hour
store.statements(limit=200, before=snap.statements[-1].time)  # the next page
store.item(snap.statements[0].item_id)  # details
print(f"open {t2[0] - t1[0]:.2f} s (CPU {t2[1] - t1[1]:.2f}), "
      f"first snapshot {t3[0] - t2[0]:.2f} s (CPU {t3[1] - t2[1]:.2f}), "
      f"with positions {t4[0] - t3[0]:.2f} s (CPU {t4[1] - t3[1]:.2f}); "
      f"imports to first snapshot {t3[0] - t0[0]:.2f} s (CPU {t3[1] - t0[1]:.2f}); "
      f"peak RSS {first:.0f} MB, {peak():.0f} MB after a filter, a page and details")
"""

# Runs in the viewer: marks its first paint and the paint of a snapshot with positions
# (the first one, without a saved view, has none yet), then exits.
CHILD = """
import sys, time
from dashboard.screens.dashboard import DashboardScreen
out = sys.argv.pop(1)
original = DashboardScreen.apply_snapshot
def apply_snapshot(self, snap, fired=()):
    original(self, snap, fired)
    def painted(done=not getattr(snap, "positions_pending", False)):
        with open(out, "a") as f:
            f.write(f"{time.monotonic()!r}\\n")
        if done:
            self.app.exit()
    self.call_after_refresh(painted)
DashboardScreen.apply_snapshot = apply_snapshot
from dashboard.cli import main
sys.exit(main(sys.argv[1:]))
"""

TUI = """
import resource, sys
from bench.tui import time_paints
from bench.viewer_load import CHILD
first, *rest = time_paints(sys.argv[2], sys.argv[1], child=CHILD, code=sys.argv[3])
used = resource.getrusage(resource.RUSAGE_CHILDREN)
print(f"first paint {first:.2f} s, positions painted {rest[-1] if rest else first:.2f} s, "
      f"viewer CPU {used.ru_utime + used.ru_stime:.2f} s, peak RSS {used.ru_maxrss / 1024:.0f} MB")
"""


def measure(code: Path, store: Path, config: Path) -> str:
    """One run in a fresh process whose `dashboard` is the one in `code`."""
    env = {**os.environ, "PYTHONPATH": str(code)}
    done = subprocess.run([sys.executable, "-c", MEASURE, str(store), str(config)], cwd=code,
                          env=env, capture_output=True, text=True, check=True)
    return done.stdout.strip()


def measure_viewer(code: Path, store: Path, config: Path) -> str:
    """One start of the real viewer of `code` (timed by this checkout's bench.tui)."""
    env = {**os.environ, "PYTHONPATH": str(REPO)}
    done = subprocess.run([sys.executable, "-c", TUI, str(store), str(config), str(code)],
                          cwd=REPO, env=env, capture_output=True, text=True, check=True)
    return done.stdout.strip()


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--items", type=int, default=50_000)
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--before", type=Path, help="a checkout of the code to compare with")
    parser.add_argument("--tui", action="store_true", help="also time the real viewer")
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
        codes = [("this code", REPO)] + ([(str(args.before), args.before.resolve())]
                                          if args.before else [])
        for run in range(1, args.runs + 1):
            for name, code in codes:
                print(f"  run {run}, {name}: {measure(code, store, BUNDLED_CONFIG)}", flush=True)
                if args.tui:
                    print(f"  run {run}, {name}, the viewer: "
                          f"{measure_viewer(code, store, BUNDLED_CONFIG)}", flush=True)
        print(f"  load average {os.getloadavg()[0]:.1f} on {os.cpu_count()} CPUs")


if __name__ == "__main__":
    main()
