"""Statement extraction accuracy on the labelled set, and its speed.

Run: .venv/bin/python -m bench.analysis_accuracy

Prints statement precision, recall and F1 over tests/data/analysis (a found statement
matches an expected one when speaker and actor agree and the found text contains the
expected words) and speaker-actor accuracy (of the expected statements whose text was
found, how many have the right speaker and actor), side by side with the same figures on
the real-passage dev set (../shared/eval, scored by its score_dev.py in-process, see
support/devset.py); then milliseconds per 10 KB article, with a 1x/4x input
comparison to show the extractor stays linear.
"""

from __future__ import annotations

import json
import time
from pathlib import Path

from dashboard.analysis.actors import ActorMatcher
from dashboard.analysis.statements import extract_statements
from dashboard.analysis.text import fold
from dashboard.config import parse_config
from dashboard.models import Statement
from support import devset

ROOT = Path(__file__).resolve().parent.parent
CASES = ROOT / "tests" / "data" / "analysis"
ACTORS = ROOT / "tests" / "data" / "actors.toml"


def load_case(path: Path) -> tuple[str, str, list[dict]]:
    """(title, body, expected statements) of one labelled passage."""
    title, _, body = path.read_text(encoding="utf-8").partition("\n")
    expected = json.loads(path.with_suffix("").with_suffix(".expected.json").read_text())
    return title, body, expected.get("statements", [])


def text_matches(found: Statement, expected: dict) -> bool:
    """The found text contains the expected words (accent- and case-insensitive)."""
    return fold(expected["text_contains"]) in fold(found.text)


def full_match(found: Statement, expected: dict) -> bool:
    """Speaker, actor, kind and text all agree."""
    return (
        found.speaker == expected["speaker"]
        and found.actor == expected["actor"]
        and found.kind == expected["kind"]
        and text_matches(found, expected)
    )


def accuracy(matcher: ActorMatcher) -> dict[str, float]:
    """Precision, recall, F1 and speaker-actor accuracy over the labelled set."""
    true_found = n_found = true_expected = n_expected = 0
    text_hits = speaker_hits = 0
    for path in sorted(CASES.glob("*.txt")):
        title, body, expected = load_case(path)
        found = extract_statements(title, body, matcher)
        n_found += len(found)
        n_expected += len(expected)
        true_found += sum(any(full_match(f, e) for e in expected) for f in found)
        true_expected += sum(any(full_match(f, e) for f in found) for e in expected)
        for e in expected:
            same_text = [f for f in found if text_matches(f, e)]
            if same_text:
                text_hits += 1
                speaker_hits += any(
                    f.speaker == e["speaker"] and f.actor == e["actor"] for f in same_text
                )
    precision = true_found / n_found if n_found else 1.0
    recall = true_expected / n_expected if n_expected else 1.0
    f1 = 2 * precision * recall / (precision + recall) if precision + recall else 0.0
    return {
        "cases": len(list(CASES.glob("*.txt"))),
        "expected": n_expected,
        "found": n_found,
        "precision": precision,
        "recall": recall,
        "f1": f1,
        "speaker_actor_accuracy": speaker_hits / text_hits if text_hits else 0.0,
    }


def article(size: int) -> tuple[str, str]:
    """A synthetic article of about `size` characters built from the labelled passages."""
    paragraphs = []
    for path in sorted(CASES.glob("*.txt")):
        _, body = load_case(path)[:2]
        paragraphs.append(body.strip())
    text = "\n\n".join(paragraphs)
    body = (text * (size // len(text) + 1))[:size]
    return "Vucic: Serbia will never recognise Kosovo", body


def ms_per_article(matcher: ActorMatcher, size: int, rounds: int = 20) -> float:
    """Mean milliseconds to extract statements from an article of `size` characters."""
    title, body = article(size)
    extract_statements(title, body, matcher)  # warm caches
    start = time.perf_counter()
    for _ in range(rounds):
        extract_statements(title, body, matcher)
    return (time.perf_counter() - start) / rounds * 1000


def hostile_ms(matcher: ActorMatcher, size: int) -> float:
    """Milliseconds for one hostile single-line article of `size` characters."""
    unit = '“said said said "he said: “ Vucic said that ”'
    body = (unit * (size // len(unit) + 1))[:size]
    start = time.perf_counter()
    extract_statements("", body, matcher)
    return (time.perf_counter() - start) * 1000


_DEV_KEYS = {"precision": "P", "recall": "R", "f1": "F1",
             "speaker_actor_accuracy": "speaker-actor"}


def _dev_figure(dev: dict[str, float], key: str) -> str:
    """The dev-set figure matching one of ours ("-" for counts it does not print)."""
    return f"{dev[_DEV_KEYS[key]]:.2f}" if key in _DEV_KEYS else "-"


def main() -> None:
    """Print the figures."""
    matcher = ActorMatcher(parse_config(ACTORS.read_text(encoding="utf-8")).actors)
    figures = accuracy(matcher)
    dev = devset.run()[0] if devset.available() else None
    print(f"{'':>24}  {'own cases':>9}  {'dev set':>9}")
    for key, value in figures.items():
        own = f"{value:.3f}" if isinstance(value, float) else str(value)
        other = "-" if dev is None else _dev_figure(dev, key)
        print(f"{key:>24}  {own:>9}  {other:>9}")
    if dev is None:
        print(f"({devset.MISSING})")
    else:
        extra = ("stance-recall", "stance-precision", "escalation-sign")
        print("dev set: " + " ".join(f"{k}={dev[k]:.2f}" for k in extra if k in dev))
    print(f"{'ms per 10 KB article':>24}: {ms_per_article(matcher, 10_000):.2f}")
    one, four = ms_per_article(matcher, 40_000, 5), ms_per_article(matcher, 160_000, 2)
    print(f"{'40 KB -> 160 KB (x4)':>24}: {one:.1f} ms -> {four:.1f} ms ({four / one:.1f}x)")
    h1, h4 = hostile_ms(matcher, 50_000), hostile_ms(matcher, 200_000)
    print(f"{'hostile 50 -> 200 KB':>24}: {h1:.1f} ms -> {h4:.1f} ms ({h4 / h1:.1f}x)")


if __name__ == "__main__":
    main()
