"""The real-passage dev set, analysed in-process and scored by the team's own scorer.

`../shared/eval/dev-passages.json` (read from the shared folder, never copied: it is
copyrighted news) is scored by `../shared/eval/score_dev.py`, loaded by path, with its
`extract` (which runs `flashpoint extract` in a subprocess per passage) replaced by the
same analysis run in this process on the repository's `config.toml`. The figures are the
script's own, from its own matching loop, only about a hundred times faster.

Run `python -m support.devset [--show]` for the script's report.
"""

from __future__ import annotations

import contextlib
import importlib.util
import io
import json
import re
import sys
from collections.abc import Callable
from dataclasses import replace
from pathlib import Path
from types import ModuleType

ROOT = Path(__file__).resolve().parents[1]
EVAL = ROOT.parent / "shared" / "eval"
PASSAGES = EVAL / "dev-passages.json"
SCORER = EVAL / "score_dev.py"
CONFIG = ROOT / "config.toml"
MISSING = f"dev set not present: {PASSAGES} and {SCORER} (the team's shared folder)"

_FIGURE = re.compile(r"([\w-]+)=([0-9.]+)")


def available() -> bool:
    """Whether the shared dev passages and scorer are there to read."""
    return PASSAGES.is_file() and SCORER.is_file()


def load_scorer() -> ModuleType:
    """score_dev.py as a module (its main() only runs when called)."""
    spec = importlib.util.spec_from_file_location("score_dev", SCORER)
    assert spec is not None and spec.loader is not None, SCORER
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def in_process_extract(config_path: Path = CONFIG) -> Callable[[str, str], dict]:
    """What `flashpoint extract` prints for a text, computed here with one Analyzer."""
    from dashboard import report
    from dashboard.analysis.analyzer import Analyzer
    from dashboard.analysis.escalation import compute
    from dashboard.clock import utc_now
    from dashboard.config import load_config

    config = load_config(config_path)
    analyzer = Analyzer(config)

    def extract(_bin: str, text: str) -> dict:
        analysis = analyzer.analyse("", text)
        now = utc_now()
        hits = [replace(c, time=now) for c in analysis.cues]
        escalation = compute(hits, now, [], config.escalation)
        # through JSON, so the scorer sees exactly what the command would print
        return json.loads(report.dumps(report.analysis_json(analysis, escalation)))

    return extract


def run(show: bool = False, passages: Path = PASSAGES) -> tuple[dict[str, float], str]:
    """(figures of the summary line, the scorer's whole report)."""
    scorer = load_scorer()
    scorer.extract = in_process_extract()
    argv = [str(SCORER), str(passages), "in-process", *(["--show"] if show else [])]
    out, saved = io.StringIO(), sys.argv
    sys.argv = argv
    try:
        with contextlib.redirect_stdout(out), contextlib.suppress(SystemExit):
            scorer.main()
    finally:
        sys.argv = saved
    report = out.getvalue()
    summary = report.strip().splitlines()[-1]
    return {k: float(v) for k, v in _FIGURE.findall(summary)}, report


def main() -> None:
    """Print the scorer's report for the in-process analysis."""
    if not available():
        sys.exit(MISSING)
    print(run(show="--show" in sys.argv[1:])[1], end="")


if __name__ == "__main__":
    main()
