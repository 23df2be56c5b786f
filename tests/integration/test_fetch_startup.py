"""`fetch --once` starts lean: a round from cron pays start-up every time (issue 15).

Run as installed (click hidden, as bench/fetch_round.py does: only the test tools bring
it), over one source that refuses connections, `python -X importtime` lists what the
process imported: not the analysis dictionary (simplemma: the collector only sums stored
cue hits), the UI, the scheduler, the page extractor, the worker processes' machinery and
the feed parsers (a round starts its workers on its first body), nor httpx's command-line
tools.
"""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

from tests.conftest import REPO

NOT_FOR_A_ROUND = {"simplemma", "textual", "apscheduler", "trafilatura", "lxml", "rich",
                   "pygments", "dashboard.app",
                   # nor the worker processes' machinery: a round starts them on its first body
                   "pebble", "multiprocessing", "feedparser", "fastfeedparser"}


def test_fetch_once_imports_only_what_a_round_needs(tmp_path: Path) -> None:
    (tmp_path / "no-click" / "click").mkdir(parents=True)
    (tmp_path / "no-click" / "click" / "__init__.py").write_text("raise ImportError\n")
    config = tmp_path / "config.toml"
    config.write_text(f'[storage]\npath = "{tmp_path / "store.json"}"\n\n[[sources]]\n'
                      'id = "closed"\nurl = "http://127.0.0.1:9/feed.xml"\n')
    env = {**os.environ, "PYTHONPATH": str(tmp_path / "no-click")}
    done = subprocess.run([sys.executable, "-X", "importtime", "-m", "dashboard.cli",
                           "fetch", "--once", "--config", str(config)], cwd=REPO, env=env,
                          capture_output=True, text=True, timeout=120, stdin=subprocess.DEVNULL)
    assert done.returncode == 1, done.stderr[-2000:]  # the round ran; nothing was fetched
    names = {line.rsplit("|", 1)[1].strip() for line in done.stderr.splitlines()
             if line.startswith("import time:") and line.count("|") == 2}
    # (a module imported by importlib.import_module, as the lazy exports do, is not listed)
    assert {"httpx", "dashboard.pipeline.refreshing", "dashboard.storage"} <= names
    assert names & NOT_FOR_A_ROUND == set()


# Runs `flashpoint fetch --once` with an audit hook that lists every file the process opens.
WITH_OPENS_LISTED = """
import sys
opened = []
sys.addaudithook(lambda event, args: opened.append(args[0])
                 if event == "open" and isinstance(args[0], str) else None)
from dashboard.cli import main
code = main(sys.argv[1:])
print("".join(f"opened {name}\\n" for name in opened), file=sys.stderr)
sys.exit(code)
"""


def test_a_round_of_304s_opens_no_hour_segment_only_the_horizons_digests(tmp_path: Path):
    from support.farm import Farm

    store = tmp_path / "store.json"
    config = tmp_path / "config.toml"

    def fetch_once() -> tuple[str, list[str]]:
        done = subprocess.run([sys.executable, "-c", WITH_OPENS_LISTED, "fetch", "--once",
                               "--config", str(config)], cwd=REPO, capture_output=True,
                              text=True, timeout=300, stdin=subprocess.DEVNULL)
        assert done.returncode == 0, done.stderr[-2000:]
        opened = [line.removeprefix("opened ") for line in done.stderr.splitlines()
                  if line.startswith("opened ")]
        return done.stdout, [name for name in opened if ".items" in name]

    with Farm(feeds=4, items=6) as farm:
        config.write_text(farm.config_toml(str(store)))
        first, _ = fetch_once()
        assert "round stored: 24 new items from 4 of 4 sources" in first
        second, in_segment_dir = fetch_once()
    assert "round stored: 0 new items from 4 of 4 sources" in second
    assert second.count("not modified") == 4
    segments = {p.name for p in (tmp_path / "store.json.items").glob("*.json")
                if p.name.count(".") == 2}
    assert segments  # the first round wrote hour segments; the second opened none of them
    assert in_segment_dir and {Path(name).name for name in in_segment_dir} <= {
        name.removesuffix(".json") + ".digest.json" for name in segments}
