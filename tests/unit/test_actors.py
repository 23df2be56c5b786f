"""ActorMatcher: names, aliases, people, accents, possessives and longest-match-wins."""

from __future__ import annotations

from pathlib import Path

import pytest

from dashboard.analysis.actors import ActorMatcher
from dashboard.config import Actor, Person, parse_config

ACTORS = Path(__file__).resolve().parent.parent / "data" / "actors.toml"


@pytest.fixture(scope="module")
def matcher() -> ActorMatcher:
    return ActorMatcher(parse_config(ACTORS.read_text(encoding="utf-8")).actors)


def found(matcher: ActorMatcher, sentence: str) -> list[tuple[str, str, str | None]]:
    return [(m.actor, m.text, m.person) for m in matcher.find(sentence)]


def test_default_actors_cover_the_theatre(matcher: ActorMatcher) -> None:
    wanted = {"serbia", "kosovo", "kosovo-serbs", "kfor", "nato", "eu", "usa", "russia",
              "china", "un", "germany", "france", "italy", "uk", "ukraine"}
    assert wanted <= set(matcher.actors)


def test_title_and_full_name_give_the_person(matcher: ActorMatcher) -> None:
    assert found(matcher, "Serbian Defense Minister Milos Vucevic said") == [
        ("serbia", "Serbian", None), ("serbia", "Milos Vucevic", "Milos Vucevic")
    ]


def test_accents_do_not_matter_and_offsets_are_in_the_original(matcher: ActorMatcher) -> None:
    sentence = "Predsednik Aleksandar Vučić i Marko Đurić"
    mentions = matcher.find(sentence)
    assert [(m.person, sentence[m.start : m.end]) for m in mentions] == [
        ("Aleksandar Vucic", "Aleksandar Vučić"), ("Marko Djuric", "Marko Đurić")
    ]


def test_possessives_and_surnames(matcher: ActorMatcher) -> None:
    assert found(matcher, "Vucic's office and Serbia's army") == [
        ("serbia", "Vucic", "Aleksandar Vucic"), ("serbia", "Serbia", None)
    ]


def test_capitals_are_metonyms(matcher: ActorMatcher) -> None:
    actors = [m.actor for m in matcher.find("Belgrade, Pristina, Washington, Moscow, Brussels")]
    assert actors == ["serbia", "kosovo", "usa", "russia", "eu"]


def test_longest_name_wins(matcher: ActorMatcher) -> None:
    assert [m.actor for m in matcher.find("Kosovo Serbs and Srpska Lista met Serbian envoys")] == [
        "kosovo-serbs", "kosovo-serbs", "serbia"
    ]
    mentions = matcher.find("the NATO-led mission and NATO allies")
    assert [m.actor for m in mentions] == ["kfor", "nato"]


def test_acronyms_must_be_capitalised(matcher: ActorMatcher) -> None:
    assert found(matcher, "Tell us about the UN and the US") == [
        ("un", "UN", None), ("usa", "US", None)
    ]


def test_word_boundaries(matcher: ActorMatcher) -> None:
    assert matcher.find("Serbianness and Kosovoland") == []


def test_a_lower_case_surname_is_not_a_person() -> None:
    actor = Actor(id="x", name="X", people=(Person(name="Jan Kraft"),))
    matcher = ActorMatcher([actor])
    assert [m.person for m in matcher.find("Kraft said the kraft paper")] == ["Jan Kraft"]


def test_shared_surnames_do_not_resolve_alone() -> None:
    a = Actor(id="a", name="A", people=(Person(name="Ann Lee"),))
    b = Actor(id="b", name="B", people=(Person(name="Bob Lee"),))
    matcher = ActorMatcher([a, b])
    assert matcher.find("Lee said") == []
    assert [(m.actor, m.person) for m in matcher.find("Bob Lee said")] == [("b", "Bob Lee")]


def test_people_are_found_by_full_name_or_unique_surname(matcher: ActorMatcher) -> None:
    assert [(m.actor, m.person) for m in matcher.find("Vučević said so.")] == [
        ("serbia", "Milos Vucevic")]
    assert [m.actor for m in matcher.find("Gabriel Escobar said so.")] == ["usa"]
    assert [m.actor for m in matcher.find("Escobar said so.")] == ["usa"]
    assert matcher.find("Nobody Known said so.") == []


def test_an_empty_config_matches_nothing() -> None:
    assert ActorMatcher([]).find("Serbia and Kosovo") == []
