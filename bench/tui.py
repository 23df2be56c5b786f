"""The TUI's performance: start-up to first paint, event-loop stalls in a round, memory.

    .venv/bin/python -m bench.tui [--only startup|lag|memory] [--rounds 1000] [--items 50000]

Three figures, each printed with its target and the ratio figure/target:

- start-up: from exec of `python -m dashboard.cli run --viewer` under a real pseudo-terminal
  to the first paint after the first snapshot was applied, with an empty store and with a
  store of 50k analysed items. The child marks that moment (a patch of `apply_snapshot`
  that asks for a callback after the next screen refresh) on the monotonic clock, which
  parent and child share, so interpreter start and imports are counted.
- loop stall: the largest lateness of a task that sleeps 10 ms in a loop, while the App
  (headless, real Collector) runs a round over a loopback farm of 100 feeds and loads the
  snapshot after it: the start-up (from the App's start until the round service starts
  its first round), the first round from its start (every item new) and following ones
  (one new item per feed; `--next N`, default 1). `--callbacks` names the slowest loop callbacks by
  their CPU time and when they ran, and the garbage collections on the loop thread.
- memory: the App's resident set after many rounds (20 feeds, one new item per feed and
  round), sampled every 100 rounds; the parse workers are separate processes and are
  shown apart.
"""

from __future__ import annotations

import argparse
import asyncio
import fcntl
import os
import pty
import random
import select
import shutil
import signal
import statistics
import struct
import sys
import tempfile
import termios
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path

from dashboard.cli import BUNDLED_CONFIG
from dashboard.config import load_config
from dashboard.models import Item
from dashboard.snapshot import build_snapshot
from dashboard.storage import Round, open_store
from dashboard.viewcache import save_view
from support.farm import CLAUSES, RemoteFarm, _paragraph

TARGETS = {"startup-empty": 1.0, "startup-50k": 1.5, "lag": 0.050, "rss": 150.0}
SIZE = (160, 48)

# Runs in the child: the CLI's own `run --viewer` path, plus a mark at the first paint.
CHILD = """
import sys, time
from dashboard.screens.dashboard import DashboardScreen
out = sys.argv.pop(1)
original = DashboardScreen.apply_snapshot
def apply_snapshot(self, snap, fired=()):
    original(self, snap, fired)
    if getattr(self, "_bench_marked", False):
        return
    self._bench_marked = True
    def painted():
        with open(out, "w") as f:
            f.write(repr(time.monotonic()))
        self.exit()
    # the panels after the statements are set after the next frame: mark once they are
    # painted as well
    self.call_after_refresh(lambda: self.call_after_refresh(painted))
DashboardScreen.apply_snapshot = apply_snapshot
from dashboard.cli import main
sys.exit(main(sys.argv[1:]))
"""


def show(name: str, value: float, target: float, unit: str) -> None:
    """One figure with its target and the ratio."""
    print(f"{name:<34} {value:10.3f} {unit:<3} target <= {target:g} {unit}   "
          f"ratio {value / target:5.2f}", flush=True)


def rss_mb(pid: int | str = "self") -> float:
    """Resident set size of a process in MB (VmRSS)."""
    try:
        for line in Path(f"/proc/{pid}/status").read_text().splitlines():
            if line.startswith("VmRSS:"):
                return int(line.split()[1]) / 1024
    except OSError:
        pass
    return 0.0


def children_rss_mb(exclude: int = 0) -> float:
    """The summed resident sets of this process's children (the parse workers)."""
    me = os.getpid()
    total = 0.0
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            fields = (entry / "stat").read_text().rsplit(")", 1)[1].split()
        except OSError:
            continue
        if int(fields[1]) == me and int(entry.name) != exclude:
            total += rss_mb(entry.name)
    return total


# --- a store of N analysed items --------------------------------------------------------


def build_store(path: Path, config, count: int, *, distinct: int = 1000) -> None:
    """A store of `count` farm-style items with the real analysis of `distinct` texts.

    The analysis runs on `distinct` texts; further items reuse those analyses under new
    ids (re-stamped), written through the real Store API in rounds of 5,000.
    """
    from dashboard.analysis.analyzer import analyse_items, stamp
    from dashboard.config import config_digest

    now = datetime.now(UTC)
    rng = random.Random(7)
    sources = [s.id for s in config.sources]
    base: list[Item] = []
    for n in range(min(distinct, count)):
        title = f"Report {n}: {rng.choice(CLAUSES).capitalize()}"
        body = " ".join(_paragraph(rng) for _ in range(rng.randint(2, 4)))
        base.append(Item(f"base-{n}", sources[n % len(sources)], title, body,
                         f"https://news.example/{n}", now, now))
    analyses = analyse_items(config, config_digest(config), base, 1.0)
    store = open_store(path)
    try:
        span = timedelta(days=10).total_seconds()  # inside retention: nothing archived
        batch_items: list[Item] = []
        batch: dict = {}
        for n in range(count):
            proto = base[n % len(base)]
            when = now - timedelta(seconds=span * n / max(count, 1))
            item = Item(f"item-{n}", proto.source_id, proto.title, proto.summary,
                        f"{proto.link}?{n}", when, when)
            batch_items.append(item)
            batch[item.id] = stamp(analyses[proto.id], item)
            if len(batch_items) == 5000 or n == count - 1:
                store.commit_round(Round(finished=now, items=batch_items, analyses=batch))
                batch_items, batch = [], {}
    finally:
        store.close()


# --- start-up -------------------------------------------------------------------------


def time_startup(config_path: Path, db: Path, *, timeout: float = 60.0) -> float:
    """Seconds from exec of `dashboard.cli run --viewer` (in a pty) to its first paint."""
    return time_paints(config_path, db, timeout=timeout)[0]


def time_paints(config_path: Path, db: Path, *, timeout: float = 60.0,
                child: str = CHILD, code: Path | None = None) -> list[float]:
    """Seconds from exec of `dashboard.cli run --viewer` (in a pty) to each moment the
    `child` script marks (one line each in the file it is given), until it exits; with
    `code`, the dashboard is the one in that checkout."""
    mark = Path(tempfile.mktemp(prefix="fp-paint-"))
    argv = [sys.executable, "-c", child, str(mark), "run", "--viewer",
            "--config", str(config_path), "--db", str(db)]
    started = time.monotonic()
    pid, fd = pty.fork()
    if pid == 0:  # the child: size the terminal, then become the dashboard
        fcntl.ioctl(0, termios.TIOCSWINSZ, struct.pack("HHHH", SIZE[1], SIZE[0], 0, 0))
        os.environ["TERM"] = "xterm-256color"
        if code is not None:
            os.environ["PYTHONPATH"] = str(code)
            os.chdir(code)
        os.execv(sys.executable, argv)
    deadline = started + timeout
    try:
        while time.monotonic() < deadline:  # drain the terminal so the child never blocks
            ready, _, _ = select.select([fd], [], [], 0.2)
            if ready:
                try:
                    if not os.read(fd, 65536):
                        break
                except OSError:  # EIO: the child closed the terminal
                    break
            done, _ = os.waitpid(pid, os.WNOHANG)
            if done:
                pid = 0
                break
    finally:
        if pid:
            os.kill(pid, signal.SIGKILL)
            os.waitpid(pid, 0)
        os.close(fd)
    if not mark.exists():
        raise RuntimeError("the dashboard never painted (or exited first)")
    painted = [float(line) for line in mark.read_text().split()]
    mark.unlink()
    return [t - started for t in painted]


def bench_startup(items: int, repeats: int) -> None:
    """Start-up to first paint with an empty store and with `items` analysed items."""
    config_path = BUNDLED_CONFIG
    config = load_config(config_path)
    with tempfile.TemporaryDirectory() as tmp:
        empty = Path(tmp) / "empty.json"
        full = Path(tmp) / "full.json"
        open_store(empty).close()
        t0 = time.perf_counter()
        build_store(full, config, items)
        size = sum(f.stat().st_size for f in Path(tmp).rglob("*") if f.is_file())
        print(f"(built a {items}-item store in {time.perf_counter() - t0:.1f} s; both "
              f"stores take {size / 1e6:.1f} MB on disk)", flush=True)
        # the same store as `collect` (or a collecting dashboard) leaves it: with its view
        kept = Path(tmp) / "kept.json"
        shutil.copy(full, kept)
        shutil.copytree(full.with_name(full.name + ".items"), kept.with_name(kept.name + ".items"))
        reader = open_store(kept, readonly=True)
        save_view(kept, config, build_snapshot(config, reader, now=datetime.now(UTC)))
        reader.close()
        time_startup(config_path, empty)  # warm the OS caches for both runs alike
        big = f"startup-{items // 1000}k"
        for name, db, target in (("startup-empty", empty, TARGETS["startup-empty"]),
                                 (f"{big}, last view", kept, TARGETS["startup-50k"]),
                                 (f"{big}, no view", full, TARGETS["startup-50k"])):
            runs = [time_startup(config_path, db) for _ in range(repeats)]
            print(f"  {name} runs: " + " ".join(f"{r:.3f}" for r in runs)
                  + f"  (median {statistics.median(runs):.3f}; load average "
                  f"{os.getloadavg()[0]:.1f} on {os.cpu_count()} CPUs)")
            # the best run: other processes on a shared machine only ever add time
            show(f"{name} (best of {repeats})", min(runs), target, "s")


# --- the App with a real collector --------------------------------------------------------


def farm_app(farm: RemoteFarm, tmp: str):
    """The App as `flashpoint run` builds it (no scheduler) over the farm's config."""
    from dashboard.app import create_app
    from dashboard.pipeline import Collector

    config_path = Path(tmp) / "config.toml"
    config_path.write_text(farm.config_toml(str(Path(tmp) / "store.json"), every="1h"))
    config = load_config(config_path)
    store = open_store(config.storage.resolved_path())
    collector = Collector(config, store)
    return create_app(config, store=store, collector=collector, scheduler=False), store


class LagProbe:
    """Sleeps `period` in a loop and keeps how late each wake-up was."""

    def __init__(self, period: float = 0.010):
        self.period = period
        self.lags: list[tuple[float, float]] = []  # (when, lateness)
        self.cpu: list[tuple[float, float]] = []  # (when, the loop thread's CPU seconds)
        self._task: asyncio.Task | None = None

    async def _run(self) -> None:
        loop = asyncio.get_running_loop()
        cpu = time.thread_time()
        while True:
            expected = loop.time() + self.period
            await asyncio.sleep(self.period)
            now, cpu_before, cpu = loop.time(), cpu, time.thread_time()
            self.lags.append((now, now - expected))
            # the loop thread's own CPU time in that interval: its work, as opposed to
            # waiting for the GIL or, on a busy machine, for a CPU
            self.cpu.append((now, cpu - cpu_before))

    def start(self) -> None:
        """Start probing on the running loop."""
        self._task = asyncio.get_running_loop().create_task(self._run())

    def take(self) -> list[tuple[float, float]]:
        """The lags recorded since the last take."""
        lags, self.lags = self.lags, []
        return lags

    def take_cpu(self) -> float:
        """The most CPU time the loop thread spent between two wake-ups, since last taken."""
        cpu, self.cpu = self.cpu, []
        return max((c for _, c in cpu), default=0.0)

    def split(self, at: float) -> tuple[tuple[float, float], tuple[float, float]]:
        """(largest lag, largest CPU burst) before and from `at` (the loop's clock), of
        what was recorded since the last take, which this is."""
        lags, cpu = self.take(), self.cpu
        self.cpu = []

        def most(values: list[tuple[float, float]], before: bool) -> float:
            return max((v for when, v in values if (when < at) == before), default=0.0)

        return ((most(lags, True), most(cpu, True)), (most(lags, False), most(cpu, False)))

    def stop(self) -> None:
        """Stop probing."""
        if self._task is not None:
            self._task.cancel()


# Where an idle thread waits: not what holds the loop.
IDLE = {"readinto", "select", "wait", "_worker", "unix_poll", "pool_manager_loop", "get",
        "_wait_for_tstate_lock", "accept", "recv_into", "poll"}


class StallSampler:
    """A thread that, while the loop is late by more than `after`, samples every thread's
    stack: it names what holds the loop (its own work, or a thread holding the GIL)."""

    def __init__(self, probe: LagProbe, after: float = 0.03):
        import threading

        self.probe = probe
        self.after = after
        self.loop_thread = threading.get_ident()
        self.samples: dict[str, int] = {}
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, daemon=True)

    def _run(self) -> None:
        import traceback

        clock = time.monotonic  # the loop's clock
        while not self._stop.wait(0.005):
            last = self.probe.lags[-1][0] if self.probe.lags else None
            if last is None or clock() - last < self.probe.period + self.after:
                continue
            for ident, frame in sys._current_frames().items():
                if ident == self._thread.ident:
                    continue
                # frozen importlib frames say only "an import": show who imports
                stack = [f for f in traceback.extract_stack(frame)
                         if not f.filename.startswith("<frozen")][-6:]
                if ident != self.loop_thread and stack[-1].name in IDLE:
                    continue
                where = " <- ".join(f"{Path(f.filename).name}:{f.lineno}:{f.name}"
                                    for f in reversed(stack))
                who = "LOOP" if ident == self.loop_thread else "thread"
                key = f"{who} {where}"
                self.samples[key] = self.samples.get(key, 0) + 1

    def start(self) -> None:
        """Start sampling (when the machine is busy, stalls are partly other processes')."""
        print(f"  load average: {os.getloadavg()[0]:.1f} on {os.cpu_count()} CPUs")
        self._thread.start()

    def report(self, top: int = 25) -> None:
        """Print the most frequent stacks seen while the loop was late."""
        self._stop.set()
        for key, n in sorted(self.samples.items(), key=lambda kv: -kv[1])[:top]:
            print(f"    {n:5d}  {key}")


class CallbackTimer:
    """Times every callback the loop runs (wall and the loop thread's CPU): a stall is one
    callback, so the slowest ones, named, are what to remove. A CPU figure is the loop's
    own work; wall minus CPU is waiting for the GIL or, on a busy machine, for a CPU."""

    def __init__(self) -> None:
        import threading

        self.calls: list[tuple[float, float, str, float]] = []  # (cpu, wall, what, when)
        self.gc_pauses: list[tuple[float, int, float]] = []  # (CPU s, generation, when)
        self.origin = time.monotonic()  # `when` is seconds after this (the loop's clock)
        self._original = asyncio.events.Handle._run
        self._loop_thread = threading.get_ident()
        self._gc_started = 0.0

    def _gc(self, phase: str, info: dict) -> None:
        import threading

        if threading.get_ident() != self._loop_thread:
            return
        if phase == "start":
            self._gc_started = time.thread_time()
        else:
            self.gc_pauses.append((time.thread_time() - self._gc_started, info["generation"],
                                   time.monotonic() - self.origin))

    def start(self) -> None:
        """Wrap `Handle._run` (this process only) until `stop`."""
        import gc

        gc.callbacks.append(self._gc)
        original, calls = self._original, self.calls

        def timed(handle) -> None:
            cpu, start = time.thread_time(), time.monotonic()
            original(handle)
            cpu, wall = time.thread_time() - cpu, time.monotonic() - start
            if wall > 0.005:
                calls.append((cpu, wall, _callback_name(handle), start - self.origin))

        asyncio.events.Handle._run = timed  # type: ignore[method-assign]

    def stop(self) -> None:
        """Restore `Handle._run`."""
        import gc

        asyncio.events.Handle._run = self._original  # type: ignore[method-assign]
        gc.callbacks.remove(self._gc)

    def take(self, top: int = 8) -> list[tuple[float, float, str, float]]:
        """The `top` callbacks by CPU since the last take."""
        calls, self.calls[:] = list(self.calls), []
        return sorted(calls, key=lambda c: -c[0])[:top]

    def take_gc(self, split: float | None = None) -> list[tuple[int, float, int, float]]:
        """(collections, longest pause, its generation, when) on the loop since the last take;
        with `split` (seconds after `origin`), one for before it and one for after."""
        pauses, self.gc_pauses[:] = list(self.gc_pauses), []
        parts = ([pauses] if split is None else
                 [[p for p in pauses if p[2] < split], [p for p in pauses if p[2] >= split]])
        return [(len(part), *max(part, default=(0.0, 0, 0.0))) for part in parts]


def _callback_name(handle) -> str:
    """What a loop callback runs: a task's coroutine, or the function."""
    callback = handle._callback
    task = getattr(callback, "__self__", None)
    if isinstance(task, asyncio.Task):
        coro = task.get_coro()
        frame = getattr(coro, "cr_frame", None)
        owner = frame.f_locals.get("self") if frame is not None else None
        name = getattr(coro, "__qualname__", repr(coro))
        if owner is None:
            return name
        what = getattr(owner, "_callback", None)  # a Textual timer: what it calls
        what = getattr(what, "__qualname__", None) or getattr(owner, "name", "")
        return f"{name} ({type(owner).__name__} {what})"
    return getattr(callback, "__qualname__", repr(callback))


def print_callbacks(timer: CallbackTimer, split: float | None = None) -> None:
    """The slowest loop callbacks by their CPU time; the garbage collections on the loop
    (with `split`, seconds after the timer's origin: before it and after it apart)."""
    for cpu, wall, what, when in timer.take():
        print(f"      {cpu * 1000:6.1f} ms CPU {wall * 1000:7.1f} ms wall @{when:6.2f}s  {what}")
    names = ["", ""] if split is None else [f" before @{split:.2f}s", f" from @{split:.2f}s"]
    for name, (count, longest, generation, when) in zip(names, timer.take_gc(split),
                                                         strict=False):
        print(f"      garbage collections on the loop thread{name}: {count}, longest "
              f"{longest * 1000:.1f} ms CPU (generation {generation}, @{when:.2f}s)")


def time_applies(app) -> list[float]:
    """Record how long each `apply_snapshot` (widget updates, on the loop) takes."""
    from dashboard.screens.dashboard import DashboardScreen

    durations: list[float] = []
    original = DashboardScreen.apply_snapshot

    def timed(screen, snap, fired=()) -> None:
        t0 = time.perf_counter()
        original(screen, snap, fired)
        durations.append(time.perf_counter() - t0)

    DashboardScreen.apply_snapshot = timed  # type: ignore[method-assign]  # this process only
    return durations


async def round_done(app, pilot, before: int, *, limit: float = 300.0) -> float:
    """Wait until round number `before + 1` finished and its snapshot is on screen."""
    t0 = time.perf_counter()
    while app.rounds_completed <= before:
        if time.perf_counter() - t0 > limit:
            raise RuntimeError("the round did not finish")
        await asyncio.sleep(0.01)
    while any(not w.is_finished for w in app.workers):  # the snapshot after the round
        await asyncio.sleep(0.01)
    await pilot.pause()
    # the panels after the statements are painted one per frame (and garbage collected
    # after the last): wait for them, so that they count in this round
    while app.screen_stack and getattr(app.main, "painting", False):
        await asyncio.sleep(0.01)
    await asyncio.sleep(0.1)
    return time.perf_counter() - t0


def mark_first_round() -> list[float]:
    """The loop time the round service starts its first round at (a list that gets it):
    the App starts it once the first paint has settled, so start-up and round are told
    apart; where the App starts it at once, the two overlap and are told apart the same
    way."""
    from dashboard.service import CollectorService

    started: list[float] = []
    original = CollectorService.run_now

    def run_now(service, source_ids=None):
        if not started:
            started.append(asyncio.get_running_loop().time())
        return original(service, source_ids)

    CollectorService.run_now = run_now  # type: ignore[method-assign]  # this process only
    return started


def describe(lags: list[tuple[float, float]], origin: float) -> str:
    """The worst lags, with when (seconds after `origin`) they happened."""
    worst = sorted(lags, key=lambda x: -x[1])[:5]
    return ", ".join(f"{lag * 1000:.0f} ms @{when - origin:.2f}s" for when, lag in worst)


def thaw_now(app) -> None:
    """What the screen's idle collections do every so often, timed now: thaw what they
    froze and collect everything (dashboard.memory.IdleCollections)."""
    import gc

    collections = getattr(app.main, "idle_collections", None)
    if collections is None:
        return
    frozen, cpu = gc.get_freeze_count(), time.thread_time()
    gc.unfreeze()
    freed = gc.collect()
    gc.freeze()
    print(f"  idle collections: {collections.collections} since the last thaw; a thaw now "
          f"(due every {collections.thaw_every}th, run at a quiet moment): "
          f"{(time.thread_time() - cpu) * 1000:.1f} ms CPU, {freed} garbage objects found "
          f"({frozen} were frozen)")


async def lag_run(feeds: int, items: int, slow: float | None, stacks: bool = False,
                  callbacks: bool = False, profile: str | None = None,
                  rounds: int = 1) -> None:
    """The loop's largest stall over a first and `rounds` following rounds of `feeds` feeds.

    `callbacks`: print the slowest loop callbacks of each round; `profile`: write a
    cProfile of the loop thread over the following round to that file.
    """
    timer = CallbackTimer() if callbacks else None
    if timer is not None:
        timer.start()
    with tempfile.TemporaryDirectory() as tmp:
        farm = RemoteFarm(feeds, items, window=items)
        app, store = farm_app(farm, tmp)
        applies = time_applies(app)
        if slow is not None:  # name the callbacks that held the loop longer than `slow`
            loop = asyncio.get_running_loop()
            loop.set_debug(True)
            loop.slow_callback_duration = slow
        started = mark_first_round()
        probe = LagProbe()
        probe.start()
        sampler = StallSampler(probe) if stacks else None
        if sampler is not None:
            sampler.start()
        origin = asyncio.get_running_loop().time()
        if timer is not None:  # from the App's start (the farm's store is open by now)
            timer.origin = origin
            timer.calls.clear()
            timer.gc_pauses.clear()
        try:
            async with app.run_test(size=SIZE) as pilot:  # the first round after the paint
                took = await round_done(app, pilot, 0)
                lags = list(probe.lags)
                began = started[0] if started else origin
                print(f"  start-up until the first round began: {began - origin:.2f} s; "
                      f"worst: {describe([x for x in lags if x[0] < began], origin)}")
                print(f"  first round: {took - (began - origin):.2f} s from its start, "
                      f"{store.item_count()} items stored; worst: "
                      f"{describe([x for x in lags if x[0] >= began], origin)}")
                (startup, startup_cpu), (first, first_cpu) = probe.split(began)
                print(f"    apply_snapshot on the loop: {len(applies)} calls, longest "
                      f"{max(applies) * 1000:.0f} ms")
                if timer is not None:
                    print_callbacks(timer, began - origin)
                following = following_cpu = 0.0
                for done in range(1, rounds + 1):
                    applies.clear()
                    farm.bump()
                    origin = asyncio.get_running_loop().time()
                    if timer is not None:
                        timer.origin = origin
                    profiler = None
                    if profile and done == 1:
                        import cProfile

                        profiler = cProfile.Profile()
                        profiler.enable()  # this thread only: the loop's
                    app.start_round(None)
                    took = await round_done(app, pilot, done)
                    if profiler is not None:
                        profiler.disable()
                        profiler.dump_stats(profile)
                    lags = probe.take()
                    print(f"  next round {done} (1 new item per feed): {took:.2f} s; "
                          f"worst: {describe(lags, origin)}")
                    following = max(following, max(lag for _, lag in lags))
                    following_cpu = max(following_cpu, probe.take_cpu())
                    print(f"    apply_snapshot on the loop: {len(applies)} calls, longest "
                          f"{max(applies) * 1000:.0f} ms")
                    if timer is not None:
                        print_callbacks(timer)
                thaw_now(app)
        finally:
            if timer is not None:
                timer.stop()
            probe.stop()
            store.close()
            farm.close()
            if sampler is not None:
                sampler.report()
    show("loop stall, start-up (before the round)", startup * 1000, TARGETS["lag"] * 1000,
         "ms")
    show(f"loop stall, first round ({feeds} feeds)", first * 1000,
         TARGETS["lag"] * 1000, "ms")
    show(f"loop stall, next {rounds} round(s) ({feeds} feeds)", following * 1000,
         TARGETS["lag"] * 1000, "ms")
    print("  the loop thread's own CPU time within one stall (its work, without the waits for "
          "the GIL or a CPU):")
    show("  loop CPU burst, start-up", startup_cpu * 1000, TARGETS["lag"] * 1000, "ms")
    show("  loop CPU burst, first round", first_cpu * 1000, TARGETS["lag"] * 1000, "ms")
    show("  loop CPU burst, next round", following_cpu * 1000, TARGETS["lag"] * 1000, "ms")


async def memory_run(rounds: int, feeds: int, every: int) -> None:
    """RSS of the App process every `every` rounds over `rounds` rounds."""
    with tempfile.TemporaryDirectory() as tmp:
        # the farm's items a minute apart from a day back: 1,000 rounds stay in the past,
        # spread over hours as a feed's are. From 6 h back (the default) they passed the
        # wall clock at round ~360 and, stored at their fetch time (fetching.dates.
        # not_after_seen), 12,000 items piled into one wall-clock hour
        farm = RemoteFarm(feeds, 10, window=20, start=datetime.now(UTC) - timedelta(hours=24))
        app, store = farm_app(farm, tmp)
        t0 = time.perf_counter()
        print(f"  {'round':>6} {'RSS MB':>8} {'workers MB':>10} {'items':>7} {'s':>7}")
        try:
            async with app.run_test(size=SIZE) as pilot:  # on_mount runs round 1
                await round_done(app, pilot, 0)
                done = 1
                while done < rounds:
                    farm.bump()
                    app.start_round(None)
                    await round_done(app, pilot, done)
                    done += 1
                    if done % every == 0 or done == rounds:
                        print(f"  {done:>6} {rss_mb():8.1f} {children_rss_mb(farm.pid):10.1f} "
                              f"{store.item_count():7d} {time.perf_counter() - t0:7.1f}",
                              flush=True)
                rss = rss_mb()
        finally:
            store.close()
            farm.close()
    show(f"RSS after {done} rounds ({feeds} feeds)", rss, TARGETS["rss"], "MB")


def main(argv: list[str] | None = None) -> None:
    """Run the benchmarks and print each figure with its target."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--only", choices=("startup", "lag", "memory"), action="append")
    parser.add_argument("--items", type=int, default=50_000, help="items in the full store")
    parser.add_argument("--repeats", type=int, default=3, help="start-up runs per store")
    parser.add_argument("--feeds", type=int, default=100, help="feeds in the stall round")
    parser.add_argument("--rounds", type=int, default=1000, help="rounds in the memory run")
    parser.add_argument("--next", type=int, default=1, dest="next_rounds",
                        help="rounds after the first in the stall run")
    parser.add_argument("--slow", type=float, default=None,
                        help="log loop callbacks slower than this many seconds (asyncio debug)")
    parser.add_argument("--callbacks", action="store_true",
                        help="print the slowest loop callbacks (their CPU and wall time)")
    parser.add_argument("--profile", metavar="FILE",
                        help="write a cProfile of the loop thread over the next round")
    parser.add_argument("--stacks", action="store_true",
                        help="sample every thread's stack while the loop is late")
    args = parser.parse_args(argv)
    only = set(args.only or ("startup", "lag", "memory"))
    if "startup" in only:
        print("start-up to first paint (python -m dashboard.cli run --viewer, in a pty):")
        bench_startup(args.items, args.repeats)
    if "lag" in only:
        print(f"event-loop stalls (10 ms probe) during a round over {args.feeds} feeds:")
        if args.slow is not None:
            import logging

            logging.basicConfig(level=logging.WARNING)
        asyncio.run(lag_run(args.feeds, 50, args.slow, args.stacks, args.callbacks,
                            args.profile, args.next_rounds))
    if "memory" in only:
        print(f"resident memory over {args.rounds} rounds (20 feeds, a new item per round):")
        asyncio.run(memory_run(args.rounds, 20, 100))


if __name__ == "__main__":
    main()
