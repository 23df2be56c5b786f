"""Attribution rules for the error classes real copy showed, on sentences written here.

The config is fictional (Ruritania, Borduria, the League, the Forum): each test shows one
general rule of English news copy, never a phrase of a real passage.
"""

from __future__ import annotations

import pytest

from dashboard.analysis.actors import ActorMatcher
from dashboard.analysis.statements import extract_statements
from dashboard.config import Actor, Person


@pytest.fixture(scope="module")
def matcher() -> ActorMatcher:
    return ActorMatcher([
        Actor(id="ruritania", name="Ruritania", aliases=("Strelsau", "Ruritanian"),
              people=(Person(name="Rudolf Rassendyll", role="King"),
                      Person(name="Flavia Elphberg-Strel", role="Foreign Minister"))),
        Actor(id="borduria", name="Borduria", aliases=("Szohod", "Bordurian"),
              people=(Person(name="Kurvi Tasch", role="President"),)),
        Actor(id="league", name="League", kind="organisation",
              aliases=("League Council", "League of Free States"),
              people=(Person(name="Sapt Hentzau", role="Spokesperson"),)),
    ])


def rows(body: str, matcher: ActorMatcher) -> list[tuple]:
    return [(s.speaker, s.actor, s.kind, s.text) for s in extract_statements("", body, matcher)]


def test_a_verb_inside_a_name_is_not_a_cue(matcher: ActorMatcher) -> None:
    # "States" of "League of Free States" is a word of the name, not the verb "states"
    assert rows("The port closed under pressure from the League of Free States, "
                "worried that trade would suffer.", matcher) == []


def test_a_joint_subject_names_a_body_and_a_speaker_of_no_actor(matcher: ActorMatcher) -> None:
    got = rows("The Ruritanian Foreign Ministry, the League and the Red Cross said the "
               "convoy must pass.", matcher)
    assert [(r[0], r[1]) for r in got] == [
        ("Ruritania", "ruritania"), ("League", "league"), ("Red Cross", None)]
    assert {r[3] for r in got} == {"the convoy must pass"}


def test_a_feeling_is_about_its_object_and_gives_way_to_saying(matcher: ActorMatcher) -> None:
    assert rows("Kurvi Tasch voiced hope that the bridge would reopen soon.", matcher) == [
        ("Kurvi Tasch", "borduria", "reported", "the bridge would reopen soon")]
    assert rows("Kurvi Tasch expressed regret over the closure of the port, saying that "
                "the decision hurt traders on both banks.", matcher) == [
        ("Kurvi Tasch", "borduria", "reported", "the decision hurt traders on both banks")]


def test_described_as_with_no_object_is_a_passive(matcher: ActorMatcher) -> None:
    assert rows("Kurvi Tasch has often taken steps described as bold by his allies.",
                matcher) == []
    assert rows("Kurvi Tasch described the vote as a farce.", matcher) == [
        ("Kurvi Tasch", "borduria", "reported", "the vote as a farce")]


def test_a_double_barrelled_surname_is_found_by_its_first_part(matcher: ActorMatcher) -> None:
    got = rows("Flavia Elphberg told reporters the border would reopen. "
               "Elphberg said that the customs post would stay.", matcher)
    assert {(r[0], r[1]) for r in got} == {("Flavia Elphberg-Strel", "ruritania")}
    assert len(got) == 2


def test_an_institution_inside_its_spokesperson_s_words_is_the_same_voice(
    matcher: ActorMatcher,
) -> None:
    assert rows("Sapt Hentzau said the League urges both sides to keep talking.",
                matcher) == [
        ("Sapt Hentzau", "league", "reported",
         "the League urges both sides to keep talking")]


def test_an_inverted_clause_verb_after_a_quotation_attributes_it(matcher: ActorMatcher) -> None:
    assert rows("“We are ready to host the next round at any time,” declared Sapt Hentzau.",
                matcher) == [
        ("Sapt Hentzau", "league", "direct",
         "We are ready to host the next round at any time")]
    assert rows("The agency reported a rise in crossings.", matcher) == []
