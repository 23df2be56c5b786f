"""Attribution from the reporting-verb lexicon, on sentences written for these tests.

The config is fictional (Ruritania, Borduria, the League) so that no rule can lean on a
real news passage: each test shows one general rule of attribution.
"""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from dashboard.analysis.actors import ActorMatcher
from dashboard.analysis.offices import office_holder
from dashboard.analysis.speech_lexicon import speech_lexicon
from dashboard.analysis.statements import extract_statements
from dashboard.config import Actor, ConfigError, Office, Person, parse_config


@pytest.fixture(scope="module")
def matcher() -> ActorMatcher:
    return ActorMatcher([
        Actor(id="ruritania", name="Ruritania", aliases=("Strelsau", "Ruritanian"),
              people=(Person(name="Rudolf Rassendyll", role="King"),
                      Person(name="Flavia Elphberg", role="Prime Minister", since="2019",
                             until="2022"),
                      Person(name="Fritz Tarlenheim", role="Prime Minister", since="2023"))),
        Actor(id="borduria", name="Borduria", aliases=("Szohod", "Bordurian"),
              people=(Person(name="Kurvi Tasch", role="President"),
                      Person(name="Oskar Plekszy", offices=(
                          Office(title="Defence Minister", since="2020-01", until="2021-06"),
                          Office(title="Prime Minister", since="2021-07"),
                      )))),
        Actor(id="league", name="League", kind="organisation",
              aliases=("League Council", "League mission"),
              people=(Person(name="Sapt Hentzau", role="Secretary General"),)),
    ])


def rows(body: str, matcher: ActorMatcher, when: datetime | None = None) -> list[tuple]:
    return [(s.speaker, s.actor, s.kind, s.text)
            for s in extract_statements("", body, matcher, when)]


@pytest.mark.parametrize(("sentence", "text"), [
    # neutral
    ("Kurvi Tasch told the assembly the border would stay closed.",
     "the assembly the border would stay closed"),
    # assertive
    ("Kurvi Tasch insisted that the vote was fair.", "the vote was fair"),
    # cognitive: only with a that-clause
    ("Kurvi Tasch believes that the talks can resume in spring.", "the talks can resume in spring"),
    # directive: addressee + infinitive
    ("Kurvi Tasch urged Ruritania to withdraw its patrols.", "Ruritania to withdraw its patrols"),
    ("Kurvi Tasch called on both sides to show restraint.", "both sides to show restraint"),
    # opposing, with a noun-phrase object
    ("Kurvi Tasch rejected Ruritania's claims, calling them absurd.", "Ruritania's claims"),
    ("Kurvi Tasch condemned the attack on the customs post.", "the attack on the customs post"),
    ("Kurvi Tasch denied that his troops had crossed the river.",
     "his troops had crossed the river"),
    ("Kurvi Tasch accused Strelsau of stoking tensions.", "Strelsau of stoking tensions"),
    # supportive
    ("Kurvi Tasch welcomed the new bridge agreement.", "the new bridge agreement"),
    # commissive
    ("Kurvi Tasch pledged to reopen the crossing by May.", "to reopen the crossing by May"),
    # warning
    ("Kurvi Tasch warned that any incursion would be met with force.",
     "any incursion would be met with force"),
    # expressive, a multi-word cue
    ("Kurvi Tasch expressed concern over the arrests in the north.",
     "the arrests in the north"),
    # labeling, separable
    ("Kurvi Tasch described the decision as a grave mistake.",
     "the decision as a grave mistake"),
])
def test_each_verb_group_attributes_its_content(
    matcher: ActorMatcher, sentence: str, text: str
) -> None:
    assert rows(sentence, matcher) == [("Kurvi Tasch", "borduria", "reported", text)]


@pytest.mark.parametrize("sentence", [
    "Kurvi Tasch posted photos of the flooded valley.",  # "post" has a non-speech sense
    "Kurvi Tasch attacked the rebel positions at dawn.",
    "Kurvi Tasch believes in a strong army.",  # cognitive without a clause
    "The rebels were accused of looting the depot.",  # agentless passive
    "Kurvi Tasch did not say whether the border would reopen.",
])
def test_non_speech_uses_of_lexicon_verbs_are_not_statements(
    matcher: ActorMatcher, sentence: str
) -> None:
    assert rows(sentence, matcher) == []


def test_a_sentence_with_two_cues_gives_two_statements(matcher: ActorMatcher) -> None:
    body = "Kurvi Tasch condemned the shelling, saying that civilians had been hit."
    assert rows(body, matcher) == [
        ("Kurvi Tasch", "borduria", "reported", "the shelling"),
        ("Kurvi Tasch", "borduria", "reported", "civilians had been hit"),
    ]


def test_an_opening_participle_belongs_to_the_main_speaker(matcher: ActorMatcher) -> None:
    body = "Stating that the dam was safe, Kurvi Tasch said the evacuation would end."
    assert rows(body, matcher) == [
        ("Kurvi Tasch", "borduria", "reported", "the dam was safe"),
        ("Kurvi Tasch", "borduria", "reported", "the evacuation would end"),
    ]


def test_joint_speakers_give_one_statement_each(matcher: ActorMatcher) -> None:
    body = "Ruritania and the League said the ceasefire must hold."
    assert rows(body, matcher) == [
        ("Ruritania", "ruritania", "reported", "the ceasefire must hold"),
        ("League", "league", "reported", "the ceasefire must hold"),
    ]


@pytest.mark.parametrize("sentence", [
    "The League Council welcomes the release of the prisoners.",
    "The League's foreign affairs spokesperson welcomed the release of the prisoners.",
])
def test_organisations_and_their_bodies_speak(matcher: ActorMatcher, sentence: str) -> None:
    ((_speaker, actor, kind, text),) = rows(sentence, matcher)
    assert (actor, kind, text) == ("league", "reported", "the release of the prisoners")


def test_a_bodys_spokesperson_speaks_for_the_state(matcher: ActorMatcher) -> None:
    body = "A Bordurian defence ministry spokesperson said the drills were routine."
    assert rows(body, matcher) == [("Borduria", "borduria", "reported", "the drills were routine")]


def test_an_office_names_its_holder_on_the_items_date(matcher: ActorMatcher) -> None:
    body = "The Ruritanian Prime Minister said the tariffs would be lifted."
    early = rows(body, matcher, datetime(2020, 5, 1, tzinfo=UTC))
    late = rows(body, matcher, datetime(2024, 5, 1, tzinfo=UTC))
    assert early == [("Flavia Elphberg", "ruritania", "reported", "the tariffs would be lifted")]
    assert late == [("Fritz Tarlenheim", "ruritania", "reported", "the tariffs would be lifted")]


def test_offices_with_dates_pick_the_holder(matcher: ActorMatcher) -> None:
    borduria = matcher.actors["borduria"]
    assert office_holder(borduria, "defence minister", datetime(2021, 3, 1)) == "Oskar Plekszy"
    assert office_holder(borduria, "Defence Minister", datetime(2022, 3, 1)) is None
    assert office_holder(borduria, "prime minister", datetime(2022, 3, 1)) == "Oskar Plekszy"


def test_an_office_date_must_be_a_date() -> None:
    text = ('[[actors]]\nid = "x"\nname = "X"\n'
            'people = [{ name = "A B", offices = [{ title = "Mayor", since = "spring" }] }]\n')
    with pytest.raises(ConfigError, match="since"):
        parse_config(text)


def test_a_quote_going_on_in_the_next_paragraph_continues_its_speaker(
    matcher: ActorMatcher,
) -> None:
    body = ("“We will not give up the valley,” Kurvi Tasch said.\n\n"
            "“Our soldiers stay where they are. Nobody will move them\n\n"
            "“The talks can wait until the spring.”")
    assert rows(body, matcher) == [
        ("Kurvi Tasch", "borduria", "direct", "We will not give up the valley"),
        ("Kurvi Tasch", "borduria", "direct",
         "Our soldiers stay where they are. Nobody will move them"),
        ("Kurvi Tasch", "borduria", "direct", "The talks can wait until the spring."),
    ]


def test_a_quote_paragraph_without_a_known_speaker_is_left_alone(matcher: ActorMatcher) -> None:
    assert rows("“Kurvi Tasch said nothing new, and we denied it all", matcher) == []


def test_a_headline_with_a_quoted_speaker(matcher: ActorMatcher) -> None:
    body = "Border row, Tasch: “We will not be blackmailed”\n\nThe talks ended at noon."
    assert rows(body, matcher) == [
        ("Kurvi Tasch", "borduria", "direct", "We will not be blackmailed"),
    ]


def test_in_a_statement_and_wrote_on_x(matcher: ActorMatcher) -> None:
    body = ("The League said in a statement that the mission would stay. "
            "Kurvi Tasch wrote on X that the mission was welcome.")
    assert rows(body, matcher) == [
        ("League", "league", "reported", "the mission would stay"),
        ("Kurvi Tasch", "borduria", "reported", "the mission was welcome"),
    ]


def test_an_inverted_attribution_takes_the_words_before_it(matcher: ActorMatcher) -> None:
    body = "The border will reopen on Friday, said Bordurian President Kurvi Tasch."
    assert rows(body, matcher) == [
        ("Kurvi Tasch", "borduria", "reported", "The border will reopen on Friday"),
    ]


def test_the_lexicon_is_compiled_once_into_one_matcher() -> None:
    lexicon = speech_lexicon()
    assert lexicon is speech_lexicon()
    assert len({cue.lemma for cue in lexicon.cues.values()}) > 200
    found = [m.group() for m in lexicon.regex.finditer("they were calling on them to leave")]
    assert found == ["calling on"]


def test_a_surname_alone_is_the_person_named_in_full_earlier(matcher: ActorMatcher) -> None:
    body = ("Bordurian envoy Anton Weiss arrived on Monday. "
            "Weiss said that the convoy would leave at dawn.")
    assert rows(body, matcher) == [
        ("Anton Weiss", "borduria", "reported", "the convoy would leave at dawn"),
    ]


def test_a_title_belongs_to_the_first_actor_of_its_run(matcher: ActorMatcher) -> None:
    body = "Szohod League Council Coordinator Anton Weiss said the convoy had left."
    assert rows(body, matcher)[0][:2] == ("Anton Weiss", "borduria")


def test_a_relative_clause_between_subject_and_verb_is_skipped(matcher: ActorMatcher) -> None:
    body = ("The League Council, which meets twice a year, announced it would send observers.")
    assert rows(body, matcher) == [("League", "league", "reported", "it would send observers")]


def test_an_auxiliary_between_subject_and_verb(matcher: ActorMatcher) -> None:
    body = "Borduria has repeatedly said that the river is the border."
    assert rows(body, matcher) == [("Borduria", "borduria", "reported", "the river is the border")]


def test_they_after_an_institution_keeps_it_speaking(matcher: ActorMatcher) -> None:
    body = "The League rejected the report and in a statement they insisted that it was biased."
    assert rows(body, matcher) == [
        ("League", "league", "reported", "the report"),
        ("League", "league", "reported", "it was biased"),
    ]


def test_an_aside_attribution_takes_the_words_after_it(matcher: ActorMatcher) -> None:
    body = "Kurvi Tasch spoke at noon. The plan, notes Tasch, would have spared the valley."
    assert rows(body, matcher) == [
        ("Kurvi Tasch", "borduria", "reported", "would have spared the valley"),
    ]


def test_inverted_attribution_with_a_relative_clause_after_the_name(
    matcher: ActorMatcher,
) -> None:
    body = "The river is the border, said Kurvi Tasch, who is visiting Strelsau."
    assert rows(body, matcher) == [
        ("Kurvi Tasch", "borduria", "reported", "The river is the border"),
    ]


def test_words_after_the_verb_that_only_say_when(matcher: ActorMatcher) -> None:
    body = "The river is the border, Kurvi Tasch said following a cabinet meeting."
    assert rows(body, matcher) == [
        ("Kurvi Tasch", "borduria", "reported", "The river is the border"),
    ]


def test_a_quote_then_a_that_clause_gives_both(matcher: ActorMatcher) -> None:
    body = '"No more concessions" Kurvi Tasch said on Friday that his government would hold firm.'
    assert rows(body, matcher) == [
        ("Kurvi Tasch", "borduria", "direct", "No more concessions"),
        ("Kurvi Tasch", "borduria", "reported", "his government would hold firm"),
    ]


def test_two_that_clauses_of_one_verb_are_one_statement(matcher: ActorMatcher) -> None:
    body = "Kurvi Tasch said that the talks had failed and that the border stays shut."
    assert rows(body, matcher) == [
        ("Kurvi Tasch", "borduria", "reported",
         "the talks had failed and that the border stays shut"),
    ]


def test_a_participle_after_a_quote_is_the_speakers_next_statement(
    matcher: ActorMatcher,
) -> None:
    body = ("“The call was difficult,” Kurvi Tasch told reporters, "
            "noting that sanctions were raised.")
    assert rows(body, matcher) == [
        ("Kurvi Tasch", "borduria", "direct", "The call was difficult"),
        ("Kurvi Tasch", "borduria", "reported", "sanctions were raised"),
    ]


def test_a_verb_form_used_as_a_noun_at_the_end_is_not_speech(matcher: ActorMatcher) -> None:
    body = "Its leaders, Kurvi Tasch among them, have questioned the legitimacy of their state."
    assert rows(body, matcher) == []


def test_according_to_a_document_yields_to_the_speaker_inside(matcher: ActorMatcher) -> None:
    body = "According to a press release from the cabinet, Kurvi Tasch said that the road is open."
    assert rows(body, matcher) == [
        ("Kurvi Tasch", "borduria", "reported", "the road is open"),
    ]


def test_an_apposition_before_the_verb_keeps_the_subject(matcher: ActorMatcher) -> None:
    body = "Kurvi Tasch, the Bordurian president, said the session would resume in March."
    assert rows(body, matcher) == [
        ("Kurvi Tasch", "borduria", "reported", "the session would resume in March"),
    ]


def test_a_definite_office_is_the_person_in_focus(matcher: ActorMatcher) -> None:
    body = "Kurvi Tasch met the envoys. The President stressed the need for calm."
    assert rows(body, matcher) == [("Kurvi Tasch", "borduria", "reported", "the need for calm")]


def test_a_description_naming_an_actor_speaks_for_it(matcher: ActorMatcher) -> None:
    body = "The head of Bordurian diplomacy said that the embassy would reopen."
    assert rows(body, matcher) == [("Borduria", "borduria", "reported", "the embassy would reopen")]


def test_a_document_or_group_with_no_actor_still_speaks(matcher: ActorMatcher) -> None:
    body = "The letter said the decision had been premature."
    assert rows(body, matcher) == [
        ("The letter", None, "reported", "the decision had been premature"),
    ]


def test_an_unnamed_official_with_no_one_in_focus_is_not_attributed(matcher: ActorMatcher) -> None:
    assert rows("A senior official said the talks were over.", matcher) == []


def test_a_transcript_turn_is_the_named_persons(matcher: ActorMatcher) -> None:
    body = "Kurvi Tasch: We will keep the crossing open for the harvest."
    assert rows(body, matcher) == [
        ("Kurvi Tasch", "borduria", "direct", "We will keep the crossing open for the harvest."),
    ]


def test_a_first_person_paragraph_after_a_statement_continues_it(matcher: ActorMatcher) -> None:
    body = ("Kurvi Tasch said the harvest would be late.\n\n"
            "We have asked our neighbours for help. Our farmers cannot wait.")
    assert rows(body, matcher)[1] == (
        "Kurvi Tasch", "borduria", "direct",
        "We have asked our neighbours for help. Our farmers cannot wait.",
    )


def test_a_third_person_paragraph_after_a_statement_is_not_speech(matcher: ActorMatcher) -> None:
    body = ("Kurvi Tasch said the harvest would be late.\n\n"
            "The valley has flooded twice this year.")
    assert len(rows(body, matcher)) == 1


def test_a_day_between_an_actor_and_its_verb(matcher: ActorMatcher) -> None:
    body = "Borduria on Monday denied that its troops had crossed the river."
    assert rows(body, matcher) == [
        ("Borduria", "borduria", "reported", "its troops had crossed the river"),
    ]


def test_a_list_of_that_clauses_is_one_speakers(matcher: ActorMatcher) -> None:
    body = ("The League confirms that two patrols were fired on, claims that the shots came "
            "from the ridge and demands that the firing stop.")
    assert [r[3] for r in rows(body, matcher)] == [
        "two patrols were fired on", "the shots came from the ridge", "the firing stop",
    ]


def test_a_joint_subject_with_all(matcher: ActorMatcher) -> None:
    body = "Borduria, Ruritania and the League all condemned the closure of the schools."
    assert [r[1] for r in rows(body, matcher)] == ["borduria", "ruritania", "league"]


def test_a_participle_with_its_own_subject_is_not_chained(matcher: ActorMatcher) -> None:
    body = ("Ruritania and the League condemned the closure of the schools, with the "
            "Bordurian president appealing to the League to act.")
    found = rows(body, matcher)
    assert [r[:2] for r in found] == [
        ("Ruritania", "ruritania"), ("League", "league"), ("Kurvi Tasch", "borduria"),
    ]
    assert found[0][3] == "the closure of the schools"


def test_words_that_only_point_back_are_no_content(matcher: ActorMatcher) -> None:
    assert rows("Kurvi Tasch said this in a comment on the ministry's website.", matcher) == []


def test_a_comma_alone_does_not_join_a_place_to_the_subject(matcher: ActorMatcher) -> None:
    body = "The deal ignores every earlier accord on Ruritania, the Bordurian president said."
    assert rows(body, matcher) == [
        ("Kurvi Tasch", "borduria", "reported",
         "The deal ignores every earlier accord on Ruritania"),
    ]
