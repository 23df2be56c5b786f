"""Stances read with the article's context: a topic named again by a definite anaphor of
its head noun ("the bridge"). Sentences written for these tests."""

from __future__ import annotations

from pathlib import Path

import pytest

from dashboard.analysis.analyzer import Analyzer
from dashboard.analysis.stances import StanceFinder
from dashboard.analysis.text import Folded
from dashboard.analysis.topics import TopicMatcher
from dashboard.config import Topic, load_config

CONFIG = Path(__file__).resolve().parents[2] / "config.toml"

BRIDGE = Topic(id="bridge", label="Bridge", concepts=["bridge + Ibar|Mitrovica"],
               heads=["bridge"])
UNITS = Topic(id="units", label="Units", concepts=["police + north|northern"],
              heads=["police", "special unit"])
MATCHER = TopicMatcher((BRIDGE, UNITS))


@pytest.fixture(scope="module")
def analyzer() -> Analyzer:
    return Analyzer(load_config(CONFIG))


def credited(analyzer: Analyzer, text: str) -> set[tuple[str, str, str]]:
    return {(s.actor, s.topic, s.stance) for s in analyzer.analyse("", text).stances}


def referred(sentence: str, named: set[str]) -> set[str]:
    return {s.topic for s in MATCHER.refer(Folded.of(sentence), named)}


@pytest.mark.parametrize("sentence", [
    "Nobody has crossed the bridge since March.",
    "Officials said this bridge would stay shut.",
    "They inspected the old concrete bridge.",  # two modifiers
])
def test_a_definite_head_noun_names_a_topic_named_before(sentence: str) -> None:
    assert referred(sentence, {"bridge"}) == {"bridge"}


@pytest.mark.parametrize(("sentence", "named"), [
    ("Nobody has crossed the bridge since March.", set()),  # not named before
    ("Nobody has crossed a bridge since March.", {"bridge"}),  # indefinite
    ("They said that police were on the way.", {"units"}),  # "that" as complementiser
    ("The attacks on police went on.", {"units"}),  # the head belongs to "on", not "the"
])
def test_no_anaphor_without_the_topic_or_a_definite_head(sentence: str, named: set) -> None:
    assert referred(sentence, named) == set()


def test_the_finder_keeps_the_named_topics_and_reads_the_anaphor() -> None:
    finder = StanceFinder((BRIDGE, UNITS))
    named: set[str] = set()
    assert finder.read(Folded.of("The Ibar bridge was closed to cars in 2011."), named) == []
    assert named == {"bridge"}
    found = finder.read(Folded.of("The mayor welcomed the decision to open the bridge."), named)
    assert [(r.topic, r.stance) for r in found] == [("bridge", "support")]
    # without the context the sentence names no topic
    assert finder.read(Folded.of("The mayor welcomed the decision to open the bridge.")) == []


def test_an_anaphor_without_a_cue_shows_no_stance() -> None:
    finder = StanceFinder((BRIDGE,))
    named = {"bridge"}
    # a negated mention of the topic's own name is opposition; of its anaphor, nothing
    assert finder.read(Folded.of("Nobody has any problem with the bridge."), named) == []


def test_the_shipped_config_reads_the_anaphor_in_an_article(analyzer: Analyzer) -> None:
    text = ("The main bridge in Mitrovica over the Ibar has been closed to traffic for years.\n\n"
            "Albin Kurti said the government welcomes the opening of the bridge to cars.")
    assert ("kosovo", "ibar-bridge", "support") in credited(analyzer, text)
    # the same sentence in an article that never named the bridge says nothing of it
    alone = "Albin Kurti said the government welcomes the opening of the bridge to cars."
    assert not {s for s in credited(analyzer, alone) if s[1] == "ibar-bridge"}


@pytest.mark.parametrize(("text", "expected"), [
    # a commitment of another actor, reported: the speaker holds it to it
    ("Milos Vucevic said that Pristina undertook to carry out the formation of the "
     "Community of Serb Municipalities.", ("serbia", "serb-municipalities", "support")),
    ("Annalena Baerbock said that NATO has increased its commitment to the KFOR troops.",
     ("germany", "kfor-mandate", "support")),
])
def test_a_reported_commitment_is_the_speakers_support(
    analyzer: Analyzer, text: str, expected: tuple
) -> None:
    found = credited(analyzer, text)
    assert expected in found
    # the one committed is reported, not heard
    assert not {s for s in found if s[1] == expected[1] and s[0] != expected[0]}


def test_a_reported_decision_is_still_nobodys(analyzer: Analyzer) -> None:
    text = ("Milos Vucevic said that Pristina decided to support the Community of Serb "
            "Municipalities.")
    assert not {s for s in credited(analyzer, text) if s[1] == "serb-municipalities"}


def test_the_kfor_concept_spans_a_long_safe_and_secure_clause() -> None:
    matcher = TopicMatcher(load_config(CONFIG).topics)
    sentence = "KFOR will take every action needed to maintain a safe and secure environment."
    assert "kfor-mandate" in {s.topic for s in matcher.find(Folded.of(sentence))}


def test_a_concept_spread_over_sentences_lets_its_heads_name_it() -> None:
    sentences = [Folded.of("Tension rose again in the north on Monday."),
                 Folded.of("Dozens of officers were seen near the town hall."),
                 Folded.of("A new police station opened there.")]
    assert MATCHER.spread(sentences) == {"units"}
    # one group alone is not enough
    assert MATCHER.spread(sentences[1:]) == set()


def test_the_shipped_config_reads_police_in_an_article_about_the_north(
    analyzer: Analyzer
) -> None:
    text = ("Barricades stood for a week in the north of the country.\n\n"
            "Vjosa Osmani praised the police for their calm.")
    assert ("kosovo", "north-policing", "support") in credited(analyzer, text)
    alone = "Vjosa Osmani praised the police for their calm."
    assert not {s for s in credited(analyzer, alone) if s[1] == "north-policing"}


def test_an_institution_named_in_full_is_listed_with_the_actors_after_it(
    analyzer: Analyzer
) -> None:
    text = ("The US Department of State and the EU condemned the Ibar bridge opening, "
            "a spokesperson said.")
    found = credited(analyzer, text)
    assert {("usa", "ibar-bridge", "oppose"), ("eu", "ibar-bridge", "oppose")} <= found


def test_a_demand_with_no_speaker_is_the_opening_subjects(analyzer: Analyzer) -> None:
    text = ("Last week, Kosovo's government kept the border closed, saying it would stay "
            "closed until Serbia recognises Kosovo's independence.")
    assert ("kosovo", "kosovo-independence", "support") in credited(analyzer, text)
    # an actor that does not open the main clause is no holder
    later = ("The border stayed closed for Kosovo's trucks, officials saying it would stay "
             "closed until Serbia recognises Kosovo's independence.")
    assert ("kosovo", "kosovo-independence", "support") not in credited(analyzer, later)


def test_the_shipped_police_topic_is_named_again_by_this_operation(analyzer: Analyzer) -> None:
    text = ("Special police units entered the north of Kosovo at dawn.\n\n"
            "Albin Kurti said the government supports this operation.")
    assert ("kosovo", "north-policing", "support") in credited(analyzer, text)


def test_the_forces_concept_spans_a_long_clause() -> None:
    matcher = TopicMatcher(load_config(CONFIG).topics)
    sentence = "The army may yet be told to enter the region, for years a Serbian province."
    assert "serbian-forces-return" in {s.topic for s in matcher.find(Folded.of(sentence))}


@pytest.mark.parametrize("text", [
    "Belgrade handed NATO a letter requesting the return of Serbian troops to Kosovo.",
    "Serbia sent KFOR a request to deploy its army and police in the province.",
])
def test_the_recipient_of_a_request_is_not_its_holder(analyzer: Analyzer, text: str) -> None:
    found = {s for s in credited(analyzer, text) if s[1] == "serbian-forces-return"}
    assert ("serbia", "serbian-forces-return", "support") in found
    assert {s[0] for s in found} == {"serbia"}  # not the one the request went to


def test_acknowledging_something_about_a_country_is_no_recognition(analyzer: Analyzer) -> None:
    # "acknowledge" names recognition with Kosovo or its statehood, not with any "country"
    assert not credited(analyzer, "China has acknowledged that the country faces a hard winter.")
    assert ("china", "kosovo-independence", "support") in credited(
        analyzer, "China has acknowledged the statehood of Kosovo.")
    assert ("russia", "kosovo-independence", "oppose") in credited(
        analyzer, "Russia will never recognise the country, the minister said.")
