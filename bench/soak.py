"""Long run: thousands of collector rounds against a loopback farm with random faults.

Drives `Collector.run_round` in-process (the code `collect` runs on each tick) over a farm
of generated feeds plus sources that fail in every usual way (both served by another
process, as real sources are), with a simulated clock that
moves STEP a round while each feed publishes one item a round at that time, so items age
and retention (1 day plus the store's 1-day slack) starts archiving after ~290 rounds.
Every `--every` rounds it samples the process's resident memory and open file descriptors
(/proc/self), the parse workers' memory, the store's size on disk and the oldest hot
item, and checks that the item count (hot plus archive) never went down and that no hot
item outlives retention. Prints the curve as a table.

    .venv/bin/python -m bench.soak [--rounds 2000] [--feeds 15] [--every 100]
"""

from __future__ import annotations

import argparse
import asyncio
import os
import sys
import tempfile
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path

from dashboard.config import load_config
from dashboard.memory import tune_malloc
from dashboard.pipeline import Collector
from dashboard.storage import open_store
from support.farm import RemoteFarm

WINDOW = 50  # a feed lists its newest 50 items, as real feeds do

STEP = timedelta(minutes=10)  # simulated time per round; each feed publishes one item a round
RETENTION_DAYS = 1


def config_text(farm: RemoteFarm, store: Path) -> str:
    """The soak's config: the farm's feeds, then the faulty sources, retention 1 day."""
    text = farm.config_toml(str(store), every="1m",
                            extra='[fetch]\ndeadline = "1s"\nparse_deadline = "5s"\n'
                                  'retries = 0\n')
    text = text.replace("[storage]\n", f"[storage]\nretention_days = {RETENTION_DAYS}\n")
    for n, url in enumerate(farm.faults):
        text += f'\n[[sources]]\nid = "fault-{n}"\nurl = "{url}"\nevery = "1m"\n'
    return text


def proc_figures(pid: int) -> tuple[float, int]:
    """(resident MB, open file descriptors) of a process."""
    status = Path(f"/proc/{pid}/status").read_text()
    rss = next(int(line.split()[1]) for line in status.splitlines() if line.startswith("VmRSS"))
    return rss / 1024, len(os.listdir(f"/proc/{pid}/fd"))


def workers_mb(pid: int, exclude: int) -> float:
    """Resident MB of every descendant but `exclude` (the farm): the parse workers."""
    total = 0.0
    pending = [pid]
    while pending:
        current = pending.pop()
        try:
            kids = Path(f"/proc/{current}/task/{current}/children").read_text().split()
        except OSError:
            continue
        for kid in map(int, kids):
            if kid == exclude:
                continue
            try:
                total += proc_figures(kid)[0]
            except (OSError, StopIteration):
                continue
            pending.append(kid)
    return total


def disk_mb(store: Path) -> tuple[float, float]:
    """(hot store MB: the file and its segments, archive MB) on disk."""
    hot = archive = 0
    for path in store.parent.rglob("*"):
        if not path.is_file() or ".lock" in path.name:
            continue
        size = path.stat().st_size
        if "archive" in str(path.relative_to(store.parent)):
            archive += size
        else:
            hot += size
    return hot / 1e6, archive / 1e6


async def soak(rounds: int, feeds: int, every: int, seed: int) -> int:
    t0 = datetime.now(UTC)
    clock_round = [0]

    def clock() -> datetime:
        return t0 + clock_round[0] * STEP

    problems = 0
    tune_malloc()  # as `collect` does
    # the farm and the faulty sources run in their own process (see support.farm.RemoteFarm)
    with tempfile.TemporaryDirectory(prefix="flashpoint-soak-") as tmp, \
            RemoteFarm(feeds, 20, start=t0 - 20 * STEP, step=STEP, window=WINDOW,
                       faults=seed) as farm:
        store_path = Path(tmp) / "store.json"
        cfg_path = Path(tmp) / "config.toml"
        cfg_path.write_text(config_text(farm, store_path))
        config = load_config(cfg_path)
        store = open_store(store_path, retention_days=RETENTION_DAYS)
        collector = Collector(config, store, clock=clock)
        print(f"soak: {rounds} rounds, {feeds} farm feeds + {len(config.sources) - feeds} "
              f"faulty sources, seed {seed}, {STEP} simulated per round")
        print(f"{'round':>6} {'RSS MB':>7} {'workers MB':>10} {'fds':>4} {'store MB':>8} "
              f"{'archive MB':>10} {'items':>7} {'oldest hot h':>12} {'s/round':>7} "
              f"{'farm ok':>7}")
        last_count, started, window = 0, time.monotonic(), time.monotonic()
        pid = os.getpid()
        try:
            for n in range(1, rounds + 1):
                clock_round[0] = n
                farm.bump()
                results = await collector.run_round()
                farm_ok = sum(r.ok for r in results if r.source_id.startswith("feed-"))
                errors = [r.error for r in results
                          if r.source_id.startswith("feed-") and not r.ok and r.error]
                count = store.item_count()
                if count < last_count:
                    problems += 1
                    print(f"round {n}: items went down from {last_count} to {count}")
                last_count = count
                if n % every == 0 or n == 1 or n == rounds:
                    rss, fds = proc_figures(pid)
                    hot, archive = disk_mb(store_path)
                    oldest = min((i.when for i in store.items()), default=clock())
                    age = (clock() - oldest).total_seconds() / 3600
                    per_round = (time.monotonic() - window) / (every if n > 1 else 1)
                    window = time.monotonic()
                    why = f"  farm error: {errors[0]}" if errors else ""
                    workers = workers_mb(pid, farm.pid)
                    print(f"{n:>6} {rss:>7.0f} {workers:>10.0f} {fds:>4} {hot:>8.1f} "
                          f"{archive:>10.1f} {count:>7} {age:>12.1f} {per_round:>7.2f} "
                          f"{farm_ok:>4}/{feeds}{why}", flush=True)
                    bound = 24 * (RETENTION_DAYS + 1) + 1  # retention plus the store's slack
                    if age > bound:
                        problems += 1
                        print(f"round {n}: a hot item is {age:.0f} h old (bound {bound} h)")
        finally:
            await collector.aclose()
            store.close()
        reopened = open_store(store_path, readonly=True)
        if reopened.item_count() != last_count:
            problems += 1
            print(f"reopened store holds {reopened.item_count()} items, not {last_count}")
        reopened.close()
        print(f"soak: {rounds} rounds in {time.monotonic() - started:.0f} s, {last_count} items, "
              f"{problems} problems")
    return problems


def main(argv: list[str] | None = None) -> int:
    """Run the soak and print its curve; exit 1 if an item was lost or a bound broken."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rounds", type=int, default=2000)
    parser.add_argument("--feeds", type=int, default=15)
    parser.add_argument("--every", type=int, default=100, help="sample every N rounds")
    parser.add_argument("--seed", type=int, default=1)
    args = parser.parse_args(argv)
    return 1 if asyncio.run(soak(args.rounds, args.feeds, args.every, args.seed)) else 0


if __name__ == "__main__":
    sys.exit(main())
