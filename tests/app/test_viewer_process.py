"""A viewer TUI picks up rounds that another process writes to the same store."""

import subprocess
import sys
from pathlib import Path

from dashboard.app import create_app
from dashboard.config import load_config
from dashboard.storage import open_store
from support.farm import Farm

REPO = Path(__file__).parents[2]


def fetch_once(cfg: Path) -> None:
    done = subprocess.run([sys.executable, "-m", "dashboard.cli", "fetch", "--once",
                           "--config", str(cfg)], cwd=REPO, capture_output=True, text=True,
                          timeout=120)
    assert done.returncode == 0, done.stderr


async def test_a_viewer_refreshes_when_another_process_commits(tmp_path):
    store_path = tmp_path / "store.json"
    with Farm(feeds=3, items=4) as farm:
        cfg = tmp_path / "config.toml"
        cfg.write_text(farm.config_toml(str(store_path)))
        fetch_once(cfg)  # the writer: another process
        config = load_config(cfg)
        store = open_store(store_path, readonly=True)
        app = create_app(config, store=store, collector=None, viewer=True, scheduler=False)
        async with app.run_test(size=(80, 24)) as pilot:
            for _ in range(30):
                await pilot.pause(0.1)
                if app.snapshot is not None:
                    break
            assert app.snapshot.items == 12
            farm.bump()
            fetch_once(cfg)  # a new round lands while the viewer runs
            for _ in range(60):  # the viewer polls the file every second
                await pilot.pause(0.1)
                if app.snapshot.items == 15:
                    break
            assert app.snapshot.items == 15
            assert app.collector is None  # it never fetched anything itself
        store.close()
