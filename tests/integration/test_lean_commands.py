"""`status`, `export` and `extract` read the store or a file: they never load the fetching stack.

Run as an analyst runs them (a fresh `python -m dashboard.cli` process); `-X importtime`
lists every module the process imported, so a stray top-level import of the collector,
the HTTP client or the scheduler fails here.
"""

from __future__ import annotations

import subprocess
import sys

import pytest

from tests.conftest import REPO

# the HTTP client, the scheduler, the feed parsers, the page extractor and the UI
FETCHING_STACK = {"httpx", "httpcore", "apscheduler", "feedparser", "fastfeedparser", "pebble",
                  "trafilatura", "textual", "dashboard.pipeline", "dashboard.fetching"}


def imported_modules(*args: str) -> set[str]:
    """The modules a `flashpoint ARGS` process imported (it must succeed)."""
    done = subprocess.run([sys.executable, "-X", "importtime", "-m", "dashboard.cli", *args],
                          capture_output=True, text=True, timeout=120, cwd=REPO,
                          stdin=subprocess.DEVNULL)
    assert done.returncode == 0, done.stderr[-2000:]
    names = {line.rsplit("|", 1)[1].strip() for line in done.stderr.splitlines()
             if line.startswith("import time:") and line.count("|") == 2}
    assert {"dashboard.config", "dashboard.storage"} <= names  # the listing really was read
    return names


@pytest.mark.parametrize("command", ["status", "status --json", "export", "extract"])
def test_reading_commands_do_not_import_the_fetching_stack(command, tmp_path):
    config = tmp_path / "config.toml"
    config.write_text(f'[storage]\npath = "{tmp_path / "store.json"}"\n')
    article = tmp_path / "article.txt"
    article.write_text("Serbia said it would ask KFOR for the return of its forces.\n")
    args = [*command.split(), "--config", str(config)]
    if command == "extract":
        args.append(str(article))
    names = imported_modules(*args)
    loaded = sorted(n for n in names if n.split(".")[0] in FETCHING_STACK or
                    any(n == m or n.startswith(m + ".") for m in FETCHING_STACK))
    assert not loaded, f"`flashpoint {command}` imported {loaded}"
