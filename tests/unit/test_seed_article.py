"""The first acceptance case: the KFOR request article in ../shared/samples.

The article's text is read from the shared samples beside the repo (it is not copied into
the repo), so the tests skip, with the reason in the summary, where it does not exist.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from dashboard.analysis.actors import ActorMatcher
from dashboard.analysis.statements import extract_statements
from dashboard.analysis.text import fold
from dashboard.config import parse_config
from dashboard.models import Statement
from tests.conftest import shared_path

ACTORS = Path(__file__).resolve().parent.parent / "data" / "actors.toml"


@pytest.fixture(scope="module")
def statements() -> list[Statement]:
    matcher = ActorMatcher(parse_config(ACTORS.read_text(encoding="utf-8")).actors)
    seed = shared_path("samples", "kfor-request.txt")
    title, _, body = seed.read_text(encoding="utf-8").partition("\n")
    return extract_statements(title, body, matcher)


@pytest.mark.parametrize(
    ("speaker", "actor", "kind", "words"),
    [
        ("KFOR", "kfor", "direct", "We received a letter from Serbia, and now we are analyzing it"),
        ("Milos Vucevic", "serbia", "reported",
         "armed forces had submitted a request to KFOR for the return of up to a thousand"),
        ("Milos Vucevic", "serbia", "reported", "submitted a written request"),
        ("Milos Vucevic", "serbia", "reported", "formally and technically"),
        ("Aleksandar Vucic", "serbia", "reported", "plans to demand the return of Serbian troops"),
        ("Gabriel Escobar", "usa", "reported",
         "Washington is categorically against the return of Serbian forces"),
        ("Gabriel Escobar", "usa", "reported", "Kosovo has strong security from the United States"),
        ("Serbia", "serbia", "reported",
         "needs to send members of its security forces due to the increased presence"),
    ],
)
def test_seed_statement_is_found(
    statements: list[Statement], speaker: str, actor: str, kind: str, words: str
) -> None:
    matches = [s for s in statements if fold(words) in fold(s.text)]
    assert matches, f"no statement contains {words!r}"
    assert [(s.speaker, s.actor, s.kind) for s in matches] == [(speaker, actor, kind)]


def test_text_excludes_the_attribution(statements: list[Statement]) -> None:
    kfor = next(s for s in statements if s.actor == "kfor")
    assert "the mission said" not in kfor.text
    assert "the mission said" in kfor.sentence
    vucevic = next(s for s in statements if "thousand" in s.text)
    assert not vucevic.text.startswith(("said", "that", "Serbian Defense"))


def test_source_line_is_not_a_statement(statements: list[Statement]) -> None:
    assert not any("Radio Liberty" in s.sentence and s.actor != "kfor" for s in statements)
    assert not any("reported by" in s.sentence for s in statements)


def test_background_paragraphs_are_not_statements(statements: list[Statement]) -> None:
    assert not any("declared independence" in s.sentence for s in statements)
    assert not any("Tsybulnik" in s.sentence for s in statements)
