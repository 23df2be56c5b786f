"""What one snapshot costs the positions and recognition panels, repaint included.

    .venv/bin/python -m bench.panel_repaint [--calls 20]

A 30 actor × 9 topic matrix and 40 pending recognition changes are set again and again:
equal to the last ones, or with one matrix cell and one evidence cell changed. Each
figure is the time from setting the panels until the App is idle again (set, layout,
render), median and worst of the calls; `pilot.pause()` alone accounts for part of it.
"""

from __future__ import annotations

import argparse
import asyncio
import statistics
import time
from dataclasses import replace

from textual.app import App, ComposeResult

from dashboard.models import Position, Recognition, RecognitionEvent
from widgets.positions_panel import PositionsPanel
from widgets.recognition_panel import RecognitionPanel

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
            times = []
            for k in range(1, calls + 1):
                shown, pending = make(k)
                start = time.perf_counter()
                positions.positions, rec.recognition = shown, pending
                await pilot.pause()
                times.append(time.perf_counter() - start)
                await pilot.pause()
            print(f"{label}: median {statistics.median(times) * 1000:.1f} ms, "
                  f"worst {max(times) * 1000:.1f} ms ({calls} calls)")


def main(argv: list[str] | None = None) -> None:
    """Print the repaint cost of an equal and of a one-cell-changed snapshot."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--calls", type=int, default=20)
    args = parser.parse_args(argv)
    asyncio.run(run(args.calls))


if __name__ == "__main__":
    main()
