"""`fetch --once` starts lean: a round from cron pays start-up every time (issue 15).

Run as installed (click hidden, as bench/fetch_round.py does: only the test tools bring
it), over one source that refuses connections, `python -X importtime` lists what the
process imported: not the analysis dictionary (simplemma: the collector only sums stored
cue hits), the UI, the scheduler, the page extractor, nor httpx's command-line tools.
"""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

from tests.conftest import REPO

NOT_FOR_A_ROUND = {"simplemma", "textual", "apscheduler", "trafilatura", "lxml", "rich",
                   "pygments", "dashboard.app"}


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
