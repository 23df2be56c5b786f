"""Stances by meaning: concept topics, predicate polarity with negation and modality, and
crediting the actor that holds the stance. Sentences written for these tests."""

from __future__ import annotations

from pathlib import Path

import pytest

from dashboard.analysis.analyzer import Analyzer
from dashboard.analysis.stances import StanceFinder
from dashboard.analysis.text import Folded
from dashboard.analysis.topics import TopicMatcher, parse_concept
from dashboard.config import Topic, load_config

CONFIG = Path(__file__).resolve().parents[2] / "config.toml"

FORCES = Topic(id="forces", label="Forces",
               concepts=["Serbian|Serbia + army|troop|force|soldier|military|police "
                         "+ return|deploy|send|enter"])
INDEPENDENCE = Topic(id="independence", label="Independence",
                     concepts=["recognise|recognize + Kosovo|independence"],
                     counter_concepts=["Serbia + territorial integrity"])
TOPICS = (FORCES, INDEPENDENCE)
FINDER = StanceFinder(TOPICS)  # the analyzer's own


def topics_in(sentence: str) -> set[str]:
    return {s.topic for s in TopicMatcher(TOPICS).find(Folded.of(sentence))}


@pytest.mark.parametrize("sentence", [
    "Belgrade spoke of the Serbian military returning to Kosovo.",
    "Serbia wants to deploy its army in the north again.",
    "The plan would send Serbian police officers back across the line.",
    "Some Serbian troops could enter the province.",
])
def test_a_concept_is_found_whatever_the_words_and_their_forms(sentence: str) -> None:
    assert "forces" in topics_in(sentence)


@pytest.mark.parametrize("sentence", [
    "Serbian farmers returned from the market.",  # no military word
    "The army returned to its barracks in Nis.",  # nothing Serbian
    "Serbian officials said on Monday, in a long and winding address to the assembly "
    "about the economy, schools and many other matters, that troops returned.",  # too far
])
def test_a_concept_needs_every_group_within_the_window(sentence: str) -> None:
    assert "forces" not in topics_in(sentence)


def test_concepts_are_parsed_into_groups_of_alternatives() -> None:
    assert parse_concept("a + b|c d + e") == [["a"], ["b", "c d"], ["e"]]


def test_a_topic_needs_phrases_or_concepts() -> None:
    with pytest.raises(ValueError, match="phrases, concepts"):
        Topic(id="empty", label="Empty")
    with pytest.raises(ValueError, match="word groups"):
        Topic(id="bad", label="Bad", concepts=["a + | "])


def stances(sentence: str) -> dict[str, str]:
    return {e.topic: e.stance for e in FINDER.find(Folded.of(sentence), "x")}


@pytest.mark.parametrize(("sentence", "expected"), [
    # support predicates
    ("Belgrade demanded that Serbian troops be allowed to return.", "support"),
    ("The minister insisted on deploying Serbian police in the north.", "support"),
    ("Moscow welcomed the idea of Serbian forces returning.", "support"),
    # oppose predicates
    ("Pristina rejected any return of the Serbian army.", "oppose"),
    ("London ruled out sending Serbian troops into the province.", "oppose"),
    ("The envoy condemned the plan to deploy Serbian soldiers.", "oppose"),
    # negation turns support round, and a reversible opposition into support
    ("KFOR will not allow Serbian troops to return.", "oppose"),
    ("Washington will not block the return of Serbian police officers.", "support"),
    # the opposite claim turns the stance round
    ("Beijing respects Serbia's territorial integrity.", "oppose"),
    ("Nairobi recognised Kosovo in 2012.", "support"),
    ("Madrid has never recognised Kosovo's independence.", "oppose"),
])
def test_the_predicate_gives_the_stance(sentence: str, expected: str) -> None:
    got = stances(sentence)
    assert len(got) == 1 and next(iter(got.values())) == expected, got


@pytest.mark.parametrize("sentence", [
    "Belgrade could back the return of Serbian troops.",  # hypothetical
    "Officials might support deploying Serbian police there.",
    "A column of Serbian troops returned to base, the ministry said.",  # no predicate
    "Rebels staged attacks against Serbian troops as they returned.",  # 'against' a noun's
])
def test_no_stance_without_an_asserted_predicate(sentence: str) -> None:
    assert "forces" not in stances(sentence)


@pytest.fixture(scope="module")
def analyzer() -> Analyzer:
    return Analyzer(load_config(CONFIG))


def credited(analyzer: Analyzer, text: str) -> set[tuple[str, str, str]]:
    return {(s.actor, s.topic, s.stance) for s in analyzer.analyse("", text).stances}


@pytest.mark.parametrize(("text", "expected"), [
    # the embedded subject holds the stance, not the reporter
    ("Gabriel Escobar said Washington firmly rejects the return of Serbian forces.",
     {("usa", "serbian-forces-return", "oppose")}),
    # a passive agent
    ("Kosovo declared independence, but it is still not recognised as a country by "
     "Beijing.", {("china", "kosovo-independence", "oppose")}),
    # a relative clause's subject
    ("Moscow, which has never recognized Kosovo, hosted the summit.",
     {("russia", "kosovo-independence", "oppose")}),
    # the addressee of a directive is not the holder: the speaker is
    ("Josep Borrell urged Pristina to engage in the EU-facilitated dialogue.",
     {("eu", "brussels-dialogue", "support")}),
    # a prescription ("should") is the speaker's, not its subject's
    ("Kosovo and Serbia should recommit to the dialogue, Antony Blinken said.",
     {("usa", "brussels-dialogue", "support")}),
    # a condition names what the speaker demands
    ("Aleksandar Vucic said Serbia would leave the talks if Pristina does not form the "
     "Association of Serb Municipalities.",
     {("serbia", "serb-municipalities", "support")}),
])
def test_the_right_actor_is_credited(analyzer: Analyzer, text: str, expected: set) -> None:
    got = credited(analyzer, text)
    assert expected <= got
    wrong = {x for x in got if x[0] in ("kosovo",) and x[1] != "kosovo-independence"}
    assert not wrong, got


def test_a_group_of_no_actor_holds_its_own_stance(analyzer: Analyzer) -> None:
    # the reporter does not hold what "no new country" did
    text = "Vjosa Osmani said that no new country has recognized Kosovo this year."
    assert not any(s.topic == "kosovo-independence" for s in analyzer.analyse("", text).stances)


def test_each_stance_keeps_its_evidence_sentence(analyzer: Analyzer) -> None:
    text = ("The weather was mild. Gabriel Escobar said Washington firmly rejects the "
            "return of Serbian forces.")
    (stance,) = analyzer.analyse("", text).stances
    assert stance.evidence == ("Gabriel Escobar said Washington firmly rejects the return "
                               "of Serbian forces.")


@pytest.mark.parametrize(("text", "expected", "absent"), [
    # a pronoun subject refers back to the last speaker
    ("Aleksandar Vucic said Belgrade was ready. We strongly back the Brussels dialogue.",
     ("serbia", "brussels-dialogue", "support"), None),
    # "without delay" is no negation
    ("Josep Borrell said both sides must without delay establish the Association of Serb "
     "Municipalities.", ("eu", "serb-municipalities", "support"), "oppose"),
    # a verb between a concept's words links them
    ("KFOR will maintain a safe and secure environment.",
     ("kfor", "kfor-mandate", "support"), None),  # the clause names its holder
    # "by X" after another noun is that noun's agent, not the predicate's
    ("Antony Blinken expressed concern over a decision by Pristina to deploy special police "
     "units in the north.", ("usa", "north-policing", "oppose"), "kosovo"),
])
def test_more_crediting_rules(analyzer: Analyzer, text: str, expected: tuple,
                              absent: str | None) -> None:
    got = credited(analyzer, text)
    assert expected in got, got
    if absent:
        assert not any(absent in x for x in got if x != expected), got


def test_the_shipped_counter_concept_is_the_territorial_claim(analyzer: Analyzer) -> None:
    claim = "Belgrade still regards Kosovo as an integral part of its territory."
    assert ("serbia", "kosovo-independence", "oppose") in credited(analyzer, claim)
    other = ("Aleksandar Vucic said the annex will become an integral part of the accession "
             "processes of Kosovo and Serbia.")
    assert not any(t == "kosovo-independence" for _, t, _ in credited(analyzer, other))


@pytest.mark.parametrize(("text", "expected", "absent"), [
    # an obstruction reported by another actor is that actor's complaint: the speaker
    # wants what is obstructed, and the accused is not credited on the speaker's word
    ("Aleksandar Vucic said Pristina refuses to form the Association of Serb "
     "Municipalities.", ("serbia", "serb-municipalities", "support"), "kosovo"),
    ("Josep Borrell said that Belgrade is doing everything to avoid the Brussels dialogue.",
     ("eu", "brussels-dialogue", "support"), "serbia"),
    ("Vjosa Osmani said Belgrade does not want the normalisation of relations.",
     ("kosovo", "brussels-dialogue", "support"), "serbia"),
])
def test_an_obstruction_reported_by_another_actor_is_the_speakers_complaint(
        analyzer: Analyzer, text: str, expected: tuple, absent: str) -> None:
    got = credited(analyzer, text)
    assert expected in got, got
    assert not any(x[0] == absent for x in got), got


@pytest.mark.parametrize("text", [
    # a decision or commitment reported of another actor is credited to nobody: the
    # speaker's own view is not said, and the subject's is hearsay
    "Vjosa Osmani said Belgrade has agreed to implement the Brussels agreement.",
    "Aleksandar Vucic said Washington supports the independence of Kosovo.",
])
def test_other_stances_reported_of_another_actor_are_nobodys(
        analyzer: Analyzer, text: str) -> None:
    assert credited(analyzer, text) == set()


def test_the_speakers_own_actor_named_as_subject_still_holds_it(analyzer: Analyzer) -> None:
    text = "Antony Blinken said the United States rejects the return of Serbian forces."
    assert credited(analyzer, text) == {("usa", "serbian-forces-return", "oppose")}


def shipped(sentence: str) -> dict[str, str]:
    finder = StanceFinder(load_config(CONFIG).topics)
    return {e.topic: e.stance for e in finder.find(Folded.of(sentence), "x")}


@pytest.mark.parametrize(("sentence", "topic", "expected"), [
    # the topic as the subject of "depends on": conditional, and the lifting of something
    # made conditional keeps it until then
    ("The recognition of Kosovo depends on the outcome of the talks.",
     "kosovo-independence", "conditional"),
    ("The lifting of the EU measures depends on calm in the north.", "eu-measures", "support"),
    # the topic as the object of "depends on" is support
    ("Peace in the region depends on the Brussels dialogue.", "brussels-dialogue", "support"),
    ("Both delegations are now focused on the normalisation of relations.",
     "brussels-dialogue", "support"),
    ("The government tried to avoid any dialogue with Belgrade.", "brussels-dialogue",
     "oppose"),
])
def test_dependence_focus_and_avoidance(sentence: str, topic: str, expected: str) -> None:
    assert shipped(sentence).get(topic) == expected, shipped(sentence)


@pytest.mark.parametrize("sentence", [
    "Any decision regarding the Ibar bridge will be taken next week.",
    "In this regard, the Ibar bridge was discussed at length.",
])
def test_regard_as_a_preposition_is_no_stance(sentence: str) -> None:
    assert "ibar-bridge" not in shipped(sentence)


@pytest.mark.parametrize(("sentence", "topic", "expected"), [
    # the topic's own passive predicate governs it, inside the frame that asks for it
    ("We call on the government to ensure that the special units of the police are "
     "withdrawn from the north.", "north-policing", "oppose"),
    ("Belgrade demanded that the Ibar bridge be opened without delay.", "ibar-bridge",
     "support"),
    # a reversible opposition framing the clause turns it round
    ("Pristina rejected demands that the special police units be withdrawn from the north.",
     "north-policing", "support"),
    # a preposition of means after the topic names another thing
    ("Any decision on the Ibar bridge must be taken through dialogue.", "ibar-bridge", None),
])
def test_the_topics_own_passive_predicate_governs_it(sentence: str, topic: str,
                                                     expected: str | None) -> None:
    assert shipped(sentence).get(topic) == expected, shipped(sentence)


def test_a_subject_with_a_bare_infinitive_is_a_point_of_the_speakers_list(
        analyzer: Analyzer) -> None:
    # "X and Y to return to ...": the speaker's demand, not X's or Y's own act
    text = ('Vjosa Osmani listed her demands: "elections in the north, and Kosovo and '
            'Serbia to return to the Brussels dialogue."')
    got = credited(analyzer, text)
    assert ("kosovo", "brussels-dialogue", "support") in got, got
    assert not any(x[0] == "serbia" for x in got), got


def test_a_scare_quoted_cue_shows_no_stance() -> None:
    assert "kosovo-independence" not in shipped(
        "Officials said the country is “recognising” Kosovo only on paper.")
    assert shipped("Officials said the country is recognising Kosovo only on paper.").get(
        "kosovo-independence") == "support"


@pytest.mark.parametrize(("text", "expected", "absent"), [
    # a judgement of the act is the speaker's, never the actor who acts
    ("Aleksandar Vucic said Pristina brutally deployed special police units in the north.",
     ("serbia", "north-policing", "oppose"), "kosovo"),
    # violating an agreement is an obstruction: the speaker wants it kept
    ("Vjosa Osmani said Belgrade keeps violating the Brussels agreement.",
     ("kosovo", "brussels-dialogue", "support"), "serbia"),
])
def test_judgements_and_violations_reported_by_a_speaker(
        analyzer: Analyzer, text: str, expected: tuple, absent: str) -> None:
    got = credited(analyzer, text)
    assert expected in got, got
    assert not any(x[0] == absent for x in got), got


def test_a_judgement_in_the_reporters_voice_is_nobodys(analyzer: Analyzer) -> None:
    # no speaker: the police do not oppose their own operation
    assert credited(analyzer, "Pristina brutally deployed special police units in the "
                              "north.") == set()
