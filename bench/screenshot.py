"""Export the README screenshot: the real app on a store filled from the demo feeds.

Run: .venv/bin/python bench/screenshot.py docs/screenshot.svg [WIDTH HEIGHT]
"""

from __future__ import annotations

import asyncio
import sys
import tempfile
import time
from pathlib import Path

from dashboard.app import create_app
from dashboard.cli import BUNDLED_CONFIG
from dashboard.config import load_config
from dashboard.demo import DemoServer, demo_config
from dashboard.pipeline import Collector
from dashboard.storage import open_store


async def fill(config, store) -> None:
    collector = Collector(config, store)
    try:
        await collector.run_round()
    finally:
        await collector.aclose()


async def shoot(app, path: Path, size: tuple[int, int]) -> None:
    async with app.run_test(size=size) as pilot:
        for _ in range(4):
            await pilot.pause()
            await app.workers.wait_for_complete()
        await pilot.pause(0.5)
        app.save_screenshot(filename=path.name, path=str(path.parent))


def main(argv: list[str]) -> None:
    out = Path(argv[0] if argv else "docs/screenshot.svg")
    size = (int(argv[1]), int(argv[2])) if len(argv) > 2 else (160, 48)
    out.parent.mkdir(parents=True, exist_ok=True)
    started = time.time() - 3600
    ticks = iter([started])  # the server starts an hour ago, so every item is out

    def clock() -> float:
        return next(ticks, time.time())

    with DemoServer(clock=clock) as server, tempfile.TemporaryDirectory() as tmp:
        config = demo_config(load_config(BUNDLED_CONFIG), server, str(Path(tmp) / "s.json"))
        store = open_store(Path(tmp) / "s.json")
        asyncio.run(fill(config, store))
        app = create_app(config, store=store, collector=Collector(config, store), demo=True,
                         scheduler=False)
        asyncio.run(shoot(app, out, size))
        store.close()
    print(f"wrote {out}")


if __name__ == "__main__":
    main(sys.argv[1:])
