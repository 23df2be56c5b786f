"""What one snapshot costs the panels, repaint included.

    .venv/bin/python -m bench.panel_repaint [--calls 20]

A 30 actor × 9 topic matrix and 40 pending recognition changes are set again and again:
equal to the last ones, or with one matrix cell and one evidence cell changed. Then the
statements (200 rows) and sources (100 rows) panels in the dashboard's wide grid at
160x48: a fetching mark on one source (what each second of a round does), every
source's age changed (after a round), one and ten new statements on top, and a first fill
of each table (200 statements, 100 sources into an empty table). Each figure is
the time from setting the panels until the App is idle again (set, layout, render),
median and worst of the calls, and the median CPU time of the loop thread (less
sensitive to other processes on a busy machine); `pilot.pause()` alone accounts for
part of it ("nothing changed").
"""

from __future__ import annotations

import argparse
import asyncio
import os
import statistics
import time
from collections.abc import Callable
from dataclasses import replace
from datetime import UTC, datetime, timedelta

from textual.app import App, ComposeResult
from textual.containers import Grid

from dashboard.models import (
    Position,
    Recognition,
    RecognitionEvent,
    SourceHealth,
    SourceView,
    Statement,
)
from widgets.positions_panel import PositionsPanel
from widgets.recognition_panel import RecognitionPanel
from widgets.sources_panel import SourcesPanel
from widgets.statements_panel import StatementsPanel

ACTORS = {f"a{i}": f"Actor number {i}" for i in range(30)}
TOPICS = {f"t{j}": f"Topic {j}" for j in range(9)}
STANCES = ("support", "oppose", "neutral", "conditional")
POSITIONS = tuple(
    Position(actor=a, topic=t, stance=STANCES[(i + j) % 4], confidence=1.0, evidence=())  # type: ignore[arg-type]
    for i, a in enumerate(ACTORS)
    for j, t in enumerate(TOPICS)
)


def recognition(first: int) -> Recognition:
    """40 pending changes; only the first one's evidence depends on `first`."""
    pending = tuple(
        RecognitionEvent(country=f"C{i:02d}", change="recognized",
                         evidence=f"evidence {i} {first if i == 0 else 0}")
        for i in range(40)
    )
    return Recognition(subject="X", series=(), blocs=(), pending=pending, recent=())


class Panels(App):
    def compose(self) -> ComposeResult:
        yield PositionsPanel()
        yield RecognitionPanel()


async def run(calls: int) -> None:
    app = Panels()
    async with app.run_test(size=(160, 50)) as pilot:
        positions, rec = app.query_one(PositionsPanel), app.query_one(RecognitionPanel)
        positions.actors, positions.topics = ACTORS, TOPICS
        positions.positions, rec.recognition = POSITIONS, recognition(0)
        await pilot.pause()
        cases = {
            "equal snapshot": lambda k: (tuple(POSITIONS), recognition(0)),
            "one cell changed in each": lambda k: (
                (replace(POSITIONS[0], stance=STANCES[k % 2]), *POSITIONS[1:]), recognition(k % 2)
            ),
        }
        for label, make in cases.items():
            times, cpus = [], []
            for k in range(1, calls + 1):
                shown, pending = make(k)
                start, cpu = time.perf_counter(), time.thread_time()
                positions.positions, rec.recognition = shown, pending
                await pilot.pause()
                times.append(time.perf_counter() - start)
                cpus.append(time.thread_time() - cpu)
                await pilot.pause()
            print(f"{label}: median {statistics.median(times) * 1000:.1f} ms, "
                  f"worst {max(times) * 1000:.1f} ms, loop CPU median "
                  f"{statistics.median(cpus) * 1000:.1f} ms ({calls} calls)")


NOW = datetime(2026, 3, 1, 12, tzinfo=UTC)
STATEMENTS = tuple(
    Statement(speaker=f"Speaker {i}", actor=None, kind="direct",
              text=f"statement number {i} about the return of the forces to the north",
              sentence=f"Speaker {i} said statement {i}", item_id=f"item-{i}", source_id="s1",
              time=NOW - timedelta(minutes=i))
    for i in range(260)
)


def sources(fetching: str = "", minutes: int = 0) -> tuple[SourceView, ...]:
    """100 sources; `fetching` is marked, every age is `minutes` older."""
    return tuple(
        SourceView(id=f"s{i}", name=f"Source number {i}", kind="rss", url="http://x",
                   fetching=f"s{i}" == fetching,
                   health=SourceHealth(source_id=f"s{i}", state="ok", items=50 + minutes,
                                       last_success=NOW - timedelta(minutes=i + minutes)))
        for i in range(100)
    )


class WideGrid(App):
    CSS = """Grid { grid-size: 3 2; grid-columns: 1fr 1fr 1fr; grid-rows: 3fr 2fr; }
    #statements { column-span: 2; } .panel { border: round $primary; padding: 0 1; }"""

    def compose(self) -> ComposeResult:
        with Grid():
            yield StatementsPanel(max_rows=200, id="statements", classes="panel")
            yield SourcesPanel(id="sources", classes="panel")


async def run_tables(calls: int) -> None:
    app = WideGrid()
    async with app.run_test(size=(160, 48)) as pilot:
        table, src = app.query_one(StatementsPanel), app.query_one(SourcesPanel)
        src.now, src.sources = NOW, sources()
        table.statements = STATEMENTS[60:]
        await pilot.pause()
        await pilot.pause()
        step = iter(range(59, -1, -1))

        def newer(count: int) -> None:
            top = next(step)
            for _ in range(count - 1):
                top = next(step)
            table.statements = STATEMENTS[top:top + 200]

        cases: dict[str, Callable[[int], None]] = {
            "nothing changed": lambda k: None,
            "a fetching mark on one source": lambda k: setattr(src, "sources",
                                                               sources(f"s{k % 3}")),
            "every source's age changed": lambda k: setattr(src, "sources",
                                                            sources(minutes=k)),
            "one new statement on top": lambda k: newer(1),
            "ten new statements on top": lambda k: newer(10),
        }
        for label, change in cases.items():
            walls, cpus = [], []
            for k in range(1, (calls if "ten" not in label else 4) + 1):
                wall, cpu = time.perf_counter(), time.thread_time()
                change(k)
                await pilot.pause()
                walls.append(time.perf_counter() - wall)
                cpus.append(time.thread_time() - cpu)
                await pilot.pause()
            print(f"{label}: median {statistics.median(walls) * 1000:.1f} ms, worst "
                  f"{max(walls) * 1000:.1f} ms, loop CPU median "
                  f"{statistics.median(cpus) * 1000:.1f} ms ({len(walls)} calls)")
        # a first fill (start-up, a changed filter): emptied untimed, then filled
        fills: dict[str, tuple[Callable[[], None], Callable[[], None]]] = {
            "200 statements into an empty table": (
                lambda: setattr(table, "statements", ()),
                lambda: setattr(table, "statements", STATEMENTS[:200])),
            "100 sources into an empty table": (
                lambda: setattr(src, "sources", ()), lambda: setattr(src, "sources", sources())),
        }
        for label, (empty, fill) in fills.items():
            walls, cpus = [], []
            for _ in range(max(3, calls // 2)):
                empty()
                await pilot.pause()
                wall, cpu = time.perf_counter(), time.thread_time()
                fill()
                await pilot.pause()
                walls.append(time.perf_counter() - wall)
                cpus.append(time.thread_time() - cpu)
            print(f"{label}: median {statistics.median(walls) * 1000:.1f} ms, worst "
                  f"{max(walls) * 1000:.1f} ms, loop CPU median "
                  f"{statistics.median(cpus) * 1000:.1f} ms ({len(walls)} calls)")


def main(argv: list[str] | None = None) -> None:
    """Print the repaint cost of equal, one-cell-changed and new-row snapshots."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--calls", type=int, default=20)
    args = parser.parse_args(argv)
    print(f"(load average {os.getloadavg()[0]:.1f} on {os.cpu_count()} CPUs)")
    asyncio.run(run(args.calls))
    asyncio.run(run_tables(args.calls))


if __name__ == "__main__":
    main()
