"""Viewer soak: a viewer dashboard's memory while another process writes rounds.

A writer process (`Collector.run_round`, the code `collect` runs) commits a round of a
loopback farm (its own process too) on request; the viewer is the real App in viewer mode
(`App.run_test`, 80x24 by default) on a read-only store. After each round the viewer's
poll is run at once (it runs every second in `flashpoint run`), and the bench waits until
the new snapshot is on screen. Every `--every` rounds it prints the viewer's resident
memory. `--trace` also prints what tracemalloc saw grow between an early round and the
last (by line), to find what the screen code keeps.

    .venv/bin/python -m bench.viewer_soak [--rounds 1000] [--every 50] [--feeds 5] [--trace]
    .venv/bin/python -m bench.viewer_soak --no-screen      # the baseline: store and snapshots
    .venv/bin/python -m bench.viewer_soak --reload-cost 50000   # what the fix costs a reload
"""

from __future__ import annotations

import argparse
import asyncio
import subprocess
import sys
import tempfile
import time
import tracemalloc
from datetime import UTC, datetime
from pathlib import Path

from bench.tui import rss_mb
from dashboard.config import load_config
from dashboard.storage import open_store
from support.farm import RemoteFarm

SIZE = (80, 24)


async def writer_main(config_path: str) -> None:
    """The writer process: one round per line on stdin, "stored N" on stdout after each."""
    from dashboard.pipeline import Collector

    config = load_config(Path(config_path))
    store = open_store(config.storage.resolved_path())
    collector = Collector(config, store)
    try:
        while await asyncio.to_thread(sys.stdin.readline):
            results = await collector.run_round()
            print(f"stored {sum(r.new_items for r in results)}", flush=True)
    finally:
        await collector.aclose()
        store.close()


class Writer:
    """The writer process, seen from the viewer's side."""

    def __init__(self, config_path: Path):
        self.proc = subprocess.Popen(
            [sys.executable, "-m", "bench.viewer_soak", "--writer", str(config_path)],
            stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True,
            cwd=Path(__file__).resolve().parents[1])

    def round(self) -> int:
        assert self.proc.stdin is not None and self.proc.stdout is not None
        self.proc.stdin.write("round\n")
        self.proc.stdin.flush()
        line = self.proc.stdout.readline()
        if not line.startswith("stored "):
            raise RuntimeError(f"the writer said {line!r}")
        return int(line.split()[1])

    def close(self) -> None:
        if self.proc.stdin is not None:
            self.proc.stdin.close()
        self.proc.wait(timeout=60)


def top_growth(before: tracemalloc.Snapshot, after: tracemalloc.Snapshot, n: int = 12) -> None:
    """The lines whose live allocations grew most between the two snapshots."""
    stats = after.compare_to(before, "lineno")
    print("  tracemalloc, growth by line:")
    for stat in stats[:n]:
        frame = stat.traceback[0]
        print(f"    {stat.size_diff / 1024:9.1f} KiB {stat.count_diff:+7d} blocks  "
              f"{frame.filename}:{frame.lineno}")


async def soak(rounds: int, every: int, feeds: int, trace: bool,
               screen: bool = True) -> list[tuple[int, float]]:
    """Run the soak; returns the (round, RSS MB) curve. Without `screen`, the baseline:
    the same reader store reloaded and a snapshot built each round, with no App."""
    from dashboard.app import create_app
    from dashboard.snapshot import build_snapshot

    curve: list[tuple[int, float]] = []
    with tempfile.TemporaryDirectory() as tmp:
        farm = RemoteFarm(feeds, 10, window=10)
        config_path = Path(tmp) / "config.toml"
        config_path.write_text(farm.config_toml(str(Path(tmp) / "store.json"), every="1h"))
        config = load_config(config_path)
        writer = Writer(config_path)
        writer.round()  # the store exists before the viewer opens it
        store = open_store(config.storage.resolved_path(), readonly=True)
        app = create_app(config, store=store, collector=None, viewer=True, scheduler=False)
        early = None
        t0 = time.perf_counter()
        print(f"  {'round':>6} {'RSS MB':>8} {'items':>7} {'s':>7}", flush=True)

        async def one_round(done: int, pilot) -> int:
            farm.bump()
            await asyncio.to_thread(writer.round)
            if pilot is None:  # the baseline: what the viewer's workers do, without a screen
                await asyncio.to_thread(store.reload_if_changed)
                snap = await asyncio.to_thread(build_snapshot, config, store,
                                               now=datetime.now(UTC))
                return snap.items
            before = app.snapshot.items if app.snapshot else -1
            limit = time.perf_counter() + 60
            while app.snapshot is None or app.snapshot.items == before:
                app._poll_store()  # what the one-second timer does
                await pilot.pause(0.02)
                if time.perf_counter() > limit:
                    raise RuntimeError("the viewer did not pick up the round")
            await pilot.pause()
            return app.snapshot.items

        async def run(pilot) -> None:
            nonlocal early
            for done in range(1, rounds + 1):
                items = await one_round(done, pilot)
                if trace and done == min(20, rounds):
                    tracemalloc.start(1)
                    early = tracemalloc.take_snapshot()
                if done % every == 0 or done == rounds:
                    rss = rss_mb()
                    curve.append((done, rss))
                    print(f"  {done:>6} {rss:8.1f} {items:7d} "
                          f"{time.perf_counter() - t0:7.1f}", flush=True)
            if trace and early is not None:
                top_growth(early, tracemalloc.take_snapshot())

        try:
            if screen:
                async with app.run_test(size=SIZE) as pilot:
                    await run(pilot)
            else:
                await run(None)
        finally:
            writer.close()
            store.close()
            farm.close()
    return curve


def reload_cost(items: int, repeats: int = 3) -> None:
    """Seconds per reader reload of an `items` store: freezing alone (before the fix)
    against thawing and collecting first (now), interleaved."""
    import contextlib
    import gc
    import os

    import dashboard.storage.loading as loading
    from bench.tui import build_store
    from dashboard.memory import gc_paused_then_frozen
    from support.farm import config_toml

    @contextlib.contextmanager
    def freeze_only():
        was_enabled = gc.isenabled()
        gc.disable()
        try:
            yield
        finally:
            if was_enabled:
                gc.enable()
            gc.freeze()

    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "store.json"
        config_path = Path(tmp) / "config.toml"
        config_path.write_text(config_toml([f"http://127.0.0.1:9/{n}.xml" for n in range(10)],
                                           str(path)))
        build_store(path, load_config(config_path), items)
        store = open_store(path, readonly=True)
        store.item_count()
        try:
            ways = (("freeze only", freeze_only), ("thaw+collect", gc_paused_then_frozen))
            for label, pause in ways * 2:
                loading.gc_paused_then_frozen = pause
                times = []
                for _ in range(repeats):
                    st = path.stat()
                    os.utime(path, ns=(st.st_atime_ns, st.st_mtime_ns + 1000))
                    t0 = time.perf_counter()
                    assert store.reload_if_changed()
                    times.append(time.perf_counter() - t0)
                print(f"  reload of {items} items, {label:>12}: "
                      + " ".join(f"{t:.2f}" for t in times) + " s", flush=True)
        finally:
            loading.gc_paused_then_frozen = gc_paused_then_frozen
            store.close()


def main(argv: list[str] | None = None) -> None:
    """Print the viewer's RSS curve over the rounds."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rounds", type=int, default=1000)
    parser.add_argument("--every", type=int, default=50)
    parser.add_argument("--feeds", type=int, default=5)
    parser.add_argument("--trace", action="store_true", help="tracemalloc growth by line")
    parser.add_argument("--no-screen", action="store_true",
                        help="the baseline: reload the store and build snapshots, no App")
    parser.add_argument("--reload-cost", type=int, metavar="ITEMS",
                        help="instead: time reader reloads of a store of ITEMS items")
    parser.add_argument("--writer", metavar="CONFIG", help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    if args.reload_cost:
        reload_cost(args.reload_cost)
        return
    if args.writer:
        asyncio.run(writer_main(args.writer))
        return
    print(f"viewer memory while another process writes {args.rounds} rounds "
          f"({args.feeds} feeds, a new item each per round, {SIZE[0]}x{SIZE[1]}):")
    curve = asyncio.run(soak(args.rounds, args.every, args.feeds, args.trace,
                             screen=not args.no_screen))
    if len(curve) >= 2:
        first, last = curve[0], curve[-1]
        per = (last[1] - first[1]) / max(1, last[0] - first[0])
        print(f"  RSS {first[1]:.1f} MB at round {first[0]} -> {last[1]:.1f} MB at round "
              f"{last[0]}: {per * 1000:+.1f} KB per round")


if __name__ == "__main__":
    main()
