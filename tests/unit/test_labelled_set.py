"""The labelled set: hand-written passages with an analyst's expected statements.

Each `tests/data/analysis/<case>.txt` (title line, blank line, paragraphs) has a
`<case>.expected.json` written by reading the passage, not from the extractor's output.
A new case is a new pair of files.

The rule, per case:
- every expected statement is found: same speaker, actor and kind, and the found text
  contains the expected words (accent- and case-insensitive);
- at most one extra statement (one that matches no expectation): whether a side remark
  such as "Serbia denied the accusation" is a statement is a judgment call analysts
  disagree on, so one is tolerated; a case labelled with no statements (a non-speech
  trap) must yield none at all.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from dashboard.analysis.actors import ActorMatcher
from dashboard.analysis.statements import extract_statements
from dashboard.analysis.text import fold
from dashboard.config import parse_config
from dashboard.models import Statement

DATA = Path(__file__).resolve().parent.parent / "data"
CASES = sorted((DATA / "analysis").glob("*.txt"))


@pytest.fixture(scope="module")
def matcher() -> ActorMatcher:
    return ActorMatcher(parse_config((DATA / "actors.toml").read_text(encoding="utf-8")).actors)


def _matches(found: Statement, expected: dict) -> bool:
    return (
        (found.speaker, found.actor, found.kind)
        == (expected["speaker"], expected["actor"], expected["kind"])
        and fold(expected["text_contains"]) in fold(found.text)
    )


def test_the_set_is_big_enough() -> None:
    assert len(CASES) >= 40


@pytest.mark.parametrize("case", CASES, ids=[c.stem for c in CASES])
def test_case(case: Path, matcher: ActorMatcher) -> None:
    title, _, body = case.read_text(encoding="utf-8").partition("\n")
    expected = json.loads(case.with_suffix(".expected.json").read_text(encoding="utf-8"))
    wanted = expected["statements"]
    found = extract_statements(title, body, matcher)
    shown = [(s.speaker, s.actor, s.kind, s.text) for s in found]
    for e in wanted:
        assert any(_matches(f, e) for f in found), f"missing {e}; found {shown}"
    extra = [f for f in found if not any(_matches(f, e) for e in wanted)]
    assert len(extra) <= (1 if wanted else 0), f"unexpected statements {extra}"
