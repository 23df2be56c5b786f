"""Hostile and random text never breaks the extractor or makes it slow.

Timing is only bounded loosely through hypothesis' per-example deadline (generous, so a
slow CI machine does not flake); the n vs 4n comparison lives in bench/analysis_accuracy.
"""

from __future__ import annotations

from pathlib import Path

import pytest
from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st

from dashboard.analysis.actors import ActorMatcher
from dashboard.analysis.statements import extract_statements
from dashboard.analysis.text import fold, is_negated, split_paragraphs, split_sentences
from dashboard.config import parse_config
from dashboard.models import Statement

ACTORS = Path(__file__).resolve().parent.parent / "data" / "actors.toml"
MATCHER = ActorMatcher(parse_config(ACTORS.read_text(encoding="utf-8")).actors)

# Pieces that stress the quote pairing, the verb scan and the name matcher.
PIECES = st.sampled_from([
    "“", "”", '"', "'", "„", "«", "»", "said", " said ", "told", "that", "according to",
    "Vucic", "Vučić", "Đurić", "Serbia's", "KFOR", "the mission", "he", "She", ",", ".",
    "..", ":", " ", "\n", "\n\n", "U.S.", "Mr.", "Aleksandar Vucic said: ", "\x00", "\u202e",
    "Kosovo Serbs", "no", "not", "Ǆ", "ß", "İ",
])
settings_ = settings(
    deadline=2000, max_examples=60, suppress_health_check=[HealthCheck.too_slow]
)


def _check(statements: list[Statement], title: str, body: str) -> None:
    for s in statements:
        assert s.kind in ("direct", "reported")
        assert s.speaker and s.text
        assert s.sentence  # every statement keeps the sentence it came from


@settings_
@example(body=[], title=["Aleksandar Vucic said: ", "."])  # once gave a statement of ""
@given(st.lists(PIECES, max_size=300), st.lists(PIECES, max_size=20))
def test_hostile_mixtures_never_raise(body: list[str], title: list[str]) -> None:
    t, b = "".join(title), "".join(body)
    _check(extract_statements(t, b, MATCHER), t, b)


@settings_
@given(st.text(max_size=2000), st.text(max_size=200))
def test_random_text_never_raises(body: str, title: str) -> None:
    _check(extract_statements(title, body, MATCHER), title, body)


@settings_
@given(st.text(max_size=500))
def test_text_helpers_never_raise(text: str) -> None:
    for paragraph in split_paragraphs(text):
        for sentence in split_sentences(paragraph):
            assert sentence.strip()
    folded = fold(text)
    assert is_negated(folded, len(folded), len(folded)) in (True, False)


@pytest.mark.parametrize(
    "body",
    [
        "“" * 200_000,
        '"' * 200_000,
        "said " * 40_000,
        "“said said said " * 12_000,
        "Vucic said that " * 12_000,
        "U.S. " * 40_000,
        ". " * 100_000,
        "a" * 200_000,
        ("“Quote with no end, " + "x" * 30) * 4_000,
    ],
    ids=["curly", "straight", "said", "open-said", "vucic-said", "us", "dots", "one-word",
         "unclosed"],
)
@pytest.mark.timeout(30)  # a hang guard, not a benchmark
def test_200_kb_hostile_lines_finish(body: str) -> None:
    # No timing assertion: a quadratic pattern on 200 KB would take minutes and trip
    # pytest-timeout / the suite's budget; the bench prints the actual figures.
    _check(extract_statements("", body, MATCHER), "", body)
