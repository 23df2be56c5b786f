"""How the store's cost grows with its size: load time and one 500-item round.

For each size a store of N items (each with one statement and one cue hit, like a typical
analysed item), spread evenly over the last SPREAD_DAYS days as retention keeps them, is
built in a temp directory; then a fresh subprocess opens it and commits one round of 500
new items of today, so the figures are what a running collector would see ("round ms" the
first round after the load, "median ms" the median of five later ones). "files MB" is
the whole store on disk, "main KB" the file every commit rewrites.

    .venv/bin/python -m bench.store_growth [--sizes 10000 50000 200000]

The figures are for the checkout it runs in. For "before" figures of an older commit, run
this same file in a worktree of it (the store's API has not changed):

    git worktree add --detach /tmp/before <commit> && cp bench/store_growth.py /tmp/before/bench/
    cd /tmp/before && /path/to/.venv/bin/python -m bench.store_growth
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import tempfile
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path

from dashboard.models import Analysis, CueHit, Item, Statement
from dashboard.storage import Round, open_store

REPO = Path(__file__).resolve().parents[1]
ROUND = 500
SPREAD_DAYS = 29  # inside the default 30-day retention, so nothing is archived

MEASURE = """
import json, resource, statistics, sys, time, tracemalloc
from bench.store_growth import make_round
from dashboard.storage import open_store

t0 = time.perf_counter()
store = open_store(sys.argv[1])
load = time.perf_counter() - t0
rss_loaded = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
t0 = time.perf_counter()
new = store.commit_round(make_round("bench-a", 500))
commit = time.perf_counter() - t0
tracemalloc.start()  # a second round, traced, for the memory a round allocates
store.commit_round(make_round("bench-b", 500))
peak = tracemalloc.get_traced_memory()[1]
tracemalloc.stop()
later = []  # rounds of a running collector: the median of five more
for n in range(5):
    batch = make_round(f"bench-c{n}", 500)
    t0 = time.perf_counter()
    store.commit_round(batch)
    later.append(time.perf_counter() - t0)
store.close()
print(json.dumps({"load": load, "commit": commit, "new": new, "rss_loaded": rss_loaded,
                  "later": statistics.median(later),
                  "rss": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss,
                  "round_peak": peak}))
"""


def make_round(prefix: str, count: int, now: datetime | None = None,
               step: timedelta = timedelta(seconds=1)) -> Round:
    """A round of `count` fresh items `step` apart back from `now`, each analysed."""
    now = now or datetime.now(UTC)
    items, analyses = [], {}
    for n in range(count):
        when = now - step * n
        item = Item(f"{prefix}-{n}", f"source-{n % 50}", f"Headline number {n} " * 4,
                    "Summary sentence of a typical news item. " * 8,
                    f"https://news.example/{prefix}/{n}", when, now)
        items.append(item)
        analyses[item.id] = Analysis(
            statements=(Statement("Some Minister", "serbia", "direct", "we will not accept it",
                                  "Some Minister said: we will not accept it.",
                                  item_id=item.id, source_id=item.source_id, time=when),),
            cues=(CueHit("troops", 2.0, "Troops moved.", item_id=item.id, time=when),),
        )
    return Round(finished=now, items=items, analyses=analyses)


def build(path: Path, size: int) -> None:
    """A store of `size` items over SPREAD_DAYS days, written in rounds of up to 25,000."""
    store = open_store(path)
    now = datetime.now(UTC)
    step = timedelta(days=SPREAD_DAYS) / size
    done = 0
    while done < size:
        count = min(25_000, size - done)
        store.commit_round(make_round(f"seed{done}", count, now - step * done, step))
        done += count
    store.close()


def disk_size(path: Path) -> int:
    """Bytes of the store: its main file plus whatever lies next to it (segments)."""
    return sum(p.stat().st_size for p in path.parent.rglob("*") if p.is_file()
               and not p.name.startswith(path.name + ".lock"))


def measure(path: Path) -> dict[str, float]:
    """Load + one 500-item round in a fresh interpreter."""
    out = subprocess.run([sys.executable, "-c", MEASURE, str(path)], cwd=REPO,
                         check=True, capture_output=True, text=True).stdout
    return json.loads(out)


def main() -> None:
    """Print a table of load time, round time and memory per store size."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", type=int, nargs="+", default=[10_000, 50_000, 200_000])
    args = parser.parse_args()
    print(f"{'items':>8} {'files MB':>8} {'main KB':>8} {'build s':>8} {'load ms':>8} "
          f"{'round ms':>9} {'median ms':>9} {'round peak MB':>14} {'RSS loaded MB':>14} "
          f"{'max RSS MB':>11}")
    for size in args.sizes:
        with tempfile.TemporaryDirectory() as tmp:
            path = Path(tmp) / "store.json"
            t0 = time.perf_counter()
            build(path, size)
            built = time.perf_counter() - t0
            megabytes = disk_size(path) / 1e6
            r = measure(path)
            assert r["new"] == ROUND
            print(f"{size:>8} {megabytes:>8.1f} {os.path.getsize(path) / 1e3:>8.0f} "
                  f"{built:>8.1f} {r['load'] * 1e3:>8.0f} {r['commit'] * 1e3:>9.0f} "
                  f"{r['later'] * 1e3:>9.0f} "
                  f"{r['round_peak'] / 1e6:>14.1f} {r['rss_loaded'] / 1024:>14.0f} "
                  f"{r['rss'] / 1024:>11.0f}", flush=True)


if __name__ == "__main__":
    main()
