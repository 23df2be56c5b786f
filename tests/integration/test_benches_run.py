"""Every benchmark that `make bench` runs works on a fresh clone: each is run here as
`make bench` runs it (its own process, the repo as the working folder), at a small size,
and must exit 0 and print its figure. The figures themselves are not judged here (speed
is measured in bench/, never in tests); what this proves is that `make bench` does not
stop half-way on a bench whose code has rotted."""

from __future__ import annotations

import re
import subprocess
import sys
from pathlib import Path

import pytest

from bench.__main__ import MODULES

REPO = Path(__file__).resolve().parents[2]

# module -> (small-size arguments, a line its figure must print)
SMALL = {
    "bench.parsers": (["--passes", "1"], r"parse_feed \(ours\)\s+items\s+\d+"),
    "bench.analysis_speed": (["--rounds", "1"], r"farm items:\s+\d+ items/s per core"),
    "bench.analysis_accuracy": ([], r"ms per 10 KB article: [\d.]+"),
    "bench.store_growth": (["--sizes", "200"], r"^\s+200\s+[\d.]+\s+\d+"),
    "bench.fetch_round": (["--runs", "1", "--feeds", "3", "--items", "5"],
                          r"flashpoint first round \(fresh\)\s+[\d.]+ s wall\s+[\d.]+ s CPU"),
    "bench.extraction": (["accuracy"], r"time per page, one at a time .*median \d+ ms"),
    "bench.tui": (["--only", "lag", "--feeds", "3"], r"loop CPU burst, first round\s+[\d.]+ ms"),
    "bench.panel_repaint": (["--calls", "1"], r"one new statement on top: median [\d.]+ ms"),
    "bench.viewer_load": (["--items", "300", "--runs", "1"], r"first snapshot [\d.]+ s"),
    "bench.viewer_soak": (["--rounds", "4", "--every", "2", "--feeds", "2"],
                          r"RSS [\d.]+ MB at round 2 -> [\d.]+ MB at round 4"),
}


def test_every_bench_make_bench_runs_has_a_small_run_here():
    assert set(SMALL) == set(MODULES)


@pytest.mark.timeout(170)
@pytest.mark.parametrize("module", MODULES)
def test_the_bench_runs_to_its_figure(module):
    args, figure = SMALL[module]
    done = subprocess.run([sys.executable, "-m", module, *args], cwd=REPO,
                          capture_output=True, text=True, timeout=160)
    assert done.returncode == 0, done.stderr[-2000:]
    assert "Traceback" not in done.stderr, done.stderr[-2000:]
    assert re.search(figure, done.stdout, re.MULTILINE), done.stdout[-2000:]
