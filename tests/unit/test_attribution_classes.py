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
    assert rows("Kurvi Tasch expressed regret over the port being shut, saying that "
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
    assert rows("“Our door stays open to both delegations,” declared Sapt Hentzau.",
                matcher) == [
        ("Sapt Hentzau", "league", "direct",
         "Our door stays open to both delegations")]
    assert rows("The agency reported a rise in crossings.", matcher) == []


def test_a_titled_statement_speaks_in_its_own_voice(matcher: ActorMatcher) -> None:
    body = ("Ruritanian statement on the northern crossing being shut – 3 May\n\n"
            "We ask the two governments to reopen the crossing without delay.\n\n"
            "The closure harms families on both banks of the river.\n\n"
            "Press Office")
    got = rows(body, matcher)
    assert [(r[0], r[1], r[2]) for r in got] == [("Ruritania", "ruritania", "direct")] * 2
    assert got[1][3] == "The closure harms families on both banks of the river."


def test_a_statement_by_a_person_titles_its_body(matcher: ActorMatcher) -> None:
    body = ("Border talks: Statement by Spokesperson Hentzau on the agreement\n\n"
            "12.03.2024 Press Team\n\n"
            "The League welcomes the agreement reached by the two delegations.\n\n"
            "It opens the way to a lasting settlement of the border question.")
    got = rows(body, matcher)
    assert got[-1] == ("Sapt Hentzau", "league", "direct",
                       "It opens the way to a lasting settlement of the border question.")
    assert all(r[1] == "league" for r in got) and len(got) == 2


def test_a_story_about_a_statement_is_not_its_voice(matcher: ActorMatcher) -> None:
    body = ("Ruritania's statement on the border angers Borduria\n\n"
            "Officials in Szohod reacted sharply on Monday to the text from Strelsau.\n\n"
            "The border has been closed for a week.")
    assert rows(body, matcher) == []


def test_a_transcript_turn_goes_on_until_the_next_label(matcher: ActorMatcher) -> None:
    body = ("Question: What do you make of the clashes in the north?\n\n"
            "Sapt Hentzau: We are alarmed by the clashes in the north.\n\n"
            "Whoever stirs this up wants the valley emptied of farmers.\n\n"
            "Question: Will the League send observers?\n\n"
            "The observers arrived in the capital on Tuesday evening.")
    got = rows(body, matcher)
    assert [r[3] for r in got] == ["We are alarmed by the clashes in the north.",
                                  "Whoever stirs this up wants the valley emptied of farmers."]
    assert {r[0] for r in got} == {"Sapt Hentzau"}


def test_a_feed_title_can_title_the_statement(matcher: ActorMatcher) -> None:
    got = extract_statements("Statement by the League Council on the elections",
                             "We urge both parties to accept the result of the vote.",
                             matcher)
    assert [(s.speaker, s.actor, s.kind) for s in got] == [("League", "league", "direct")]


def test_a_cue_after_a_possessive_or_determiner_is_a_noun(matcher: ActorMatcher) -> None:
    assert rows("Kurvi Tasch said that Ruritania's claims of bias were baseless.", matcher) == [
        ("Kurvi Tasch", "borduria", "reported", "Ruritania's claims of bias were baseless")]
    assert rows("Kurvi Tasch said the raid was a signal that Strelsau covets the valley.",
                matcher) == [
        ("Kurvi Tasch", "borduria", "reported",
         "the raid was a signal that Strelsau covets the valley")]


def test_two_quoted_that_clauses_are_one_statement_each(matcher: ActorMatcher) -> None:
    got = rows('The League said that "the raid was not agreed with anyone" and that it '
               '"sets back the talks by months".', matcher)
    assert [(r[2], r[3]) for r in got] == [("direct", "the raid was not agreed with anyone"),
                                          ("reported", 'it "sets back the talks by months"')]


def test_a_clause_verb_takes_a_colon_after_an_adverbial(matcher: ActorMatcher) -> None:
    assert rows("Kurvi Tasch wrote in a post: “We will never cede the valley.”", matcher) == [
        ("Kurvi Tasch", "borduria", "direct", "We will never cede the valley.")]


def test_a_directive_s_that_belongs_to_its_infinitive(matcher: ActorMatcher) -> None:
    assert rows("The League called on the mayor to ensure that the market reopens.",
                matcher) == [
        ("League", "league", "reported", "the mayor to ensure that the market reopens")]


def test_a_person_speaks_for_their_actor_named_in_their_words(matcher: ActorMatcher) -> None:
    got = rows("Ruritania and Borduria urged the League to send observers, "
               "said Rudolf Rassendyll.", matcher)
    assert got == [("Rudolf Rassendyll", "ruritania", "reported",
                    "Ruritania and Borduria urged the League to send observers")]


def test_a_quotation_without_a_cue_goes_on_from_the_speaker(matcher: ActorMatcher) -> None:
    body = ("Kurvi Tasch said the talks had stalled. Although the offer was turned down, "
            "“I expect Strelsau to lift the ban at once” and for the League "
            "“to send its observers to the valley”.")
    got = rows(body, matcher)
    assert [r[3] for r in got[1:]] == ["I expect Strelsau to lift the ban at once",
                                      "to send its observers to the valley"]
    assert {r[0] for r in got} == {"Kurvi Tasch"}


def test_narration_quoting_a_phrase_is_not_carried(matcher: ActorMatcher) -> None:
    # a sentence that mostly narrates, a quotation closed by an attribution outside the
    # lexicon, or one introduced by someone else's name, is not the last speaker's
    body = ("The raid on the customs post was “a plain provocation against us”, Kurvi Tasch "
            "said. The band closed the show with a surprise version of their old single "
            "“Down by the Northern Bridge” in the rain. “The valley will be a park for all "
            "citizens,” the website reads. As Rassendyll put it, “the valley is a wound "
            "that never closes.”")
    assert [r[3] for r in rows(body, matcher)] == ["a plain provocation against us"]


def test_a_short_lead_and_colon_hand_on_the_speaker_s_quotation(
    matcher: ActorMatcher,
) -> None:
    body = ("Kurvi Tasch said he had sent a plan in five steps to the League.\n\n"
            "These include: “The police to leave the valley at once; the mayors to return "
            "to their offices.”")
    assert rows(body, matcher)[-1] == (
        "Kurvi Tasch", "borduria", "direct",
        "The police to leave the valley at once; the mayors to return to their offices.")


def test_a_quotation_near_a_cue_of_someone_unknown_is_not_carried(
    matcher: ActorMatcher,
) -> None:
    body = ("Kurvi Tasch said the talks had stalled. Villagers are afraid, describing "
            "the night as “a small war in the hills”.")
    assert len(rows(body, matcher)) == 1


def test_a_dashed_aside_is_skipped_to_the_subject(matcher: ActorMatcher) -> None:
    assert rows("Kurvi Tasch - who is in Strelsau for talks with Rudolf Rassendyll - said "
                "the visit went well.", matcher) == [
        ("Kurvi Tasch", "borduria", "reported", "the visit went well")]


def test_a_hyphenated_office_names_its_actor(matcher: ActorMatcher) -> None:
    got = rows("“The border must stay open to all traffic,” the League secretary-general "
               "said.", matcher)
    assert [(r[1], r[2]) for r in got] == [("league", "direct")]


def test_a_misprinted_closing_mark_opens_a_quotation(matcher: ActorMatcher) -> None:
    got = rows("”We have assurances from the League. We will keep the peace,” "
               "Kurvi Tasch said.", matcher)
    assert got == [("Kurvi Tasch", "borduria", "direct",
                    "We have assurances from the League. We will keep the peace")]


def test_an_opening_mark_after_a_sentence_end_inside_a_quote_starts_another(
    matcher: ActorMatcher,
) -> None:
    got = rows("“The League has helped both sides find answers. “Both sides should agree "
               "by Friday,” Sapt Hentzau said.", matcher)
    assert [r[3] for r in got] == ["The League has helped both sides find answers.",
                                  "Both sides should agree by Friday"]


def test_an_opening_participle_needs_a_clause_unless_it_acts(matcher: ActorMatcher) -> None:
    assert rows("Recalling the last round of talks, Sapt Hentzau told reporters that "
                "the next one would be in May.", matcher) == [
        ("Sapt Hentzau", "league", "reported", "the next one would be in May")]
    got = rows("Calling for calm in the valley, Sapt Hentzau said that talks would "
               "go on.", matcher)
    assert [r[3] for r in got] == ["calm in the valley", "talks would go on"]


def test_a_cue_in_an_opening_condition_is_not_speech(matcher: ActorMatcher) -> None:
    got = rows("If the League refuses to act, our own police will clear the road, "
               "Kurvi Tasch said.", matcher)
    assert [(r[0], r[3]) for r in got] == [
        ("Kurvi Tasch", "If the League refuses to act, our own police will clear the road")]


def test_according_to_him_after_a_conjunction_gives_what_follows(
    matcher: ActorMatcher,
) -> None:
    got = rows("Kurvi Tasch said that farmers still block the road, but according to him, "
               "the police merely guard the crossing.", matcher)
    assert [r[3] for r in got] == ["farmers still block the road",
                                  "the police merely guard the crossing"]
    assert {r[0] for r in got} == {"Kurvi Tasch"}


def test_according_to_an_office_is_the_official_in_focus(matcher: ActorMatcher) -> None:
    got = rows("Sapt Hentzau told the council that the vote was calm. According to the "
               "spokesperson, the shots were fired from the hills.", matcher)
    assert got[-1] == ("Sapt Hentzau", "league", "reported",
                       "the shots were fired from the hills")


def test_this_was_stated_by_names_the_speaker_of_the_sentence_before(
    matcher: ActorMatcher,
) -> None:
    got = rows("After long talks the two sides failed to agree on the bridge. "
               "This was stated by Sapt Hentzau after the session closed.", matcher)
    assert got == [("Sapt Hentzau", "league", "reported",
                    "After long talks the two sides failed to agree on the bridge")]


def test_a_quotation_open_over_paragraphs_ends_at_its_closing_mark(
    matcher: ActorMatcher,
) -> None:
    body = ("Kurvi Tasch said the charges were a lie.\n\n"
            "“Our claims are true and the charges against us are false.\n\n"
            "Borduria is squeezed by its neighbours, never by its own people,” Kurvi Tasch "
            "declared.")
    got = rows(body, matcher)
    assert [r[3] for r in got] == [
        "the charges were a lie",
        "Our claims are true and the charges against us are false.",
        "Borduria is squeezed by its neighbours, never by its own people"]


def test_called_someone_to_act_is_a_directive(matcher: ActorMatcher) -> None:
    assert rows("Kurvi Tasch called both towns to reopen the old road.", matcher) == [
        ("Kurvi Tasch", "borduria", "reported", "both towns to reopen the old road")]


def test_a_label_in_quotation_marks_is_what_was_said(matcher: ActorMatcher) -> None:
    assert rows("Kurvi Tasch denied any plan to attack and called the reports about "
                "troops on the border “pure invention.”", matcher)[-1] == (
        "Kurvi Tasch", "borduria", "reported",
        "the reports about troops on the border “pure invention.”")


def test_a_denied_cue_with_a_that_clause_reports_it(matcher: ActorMatcher) -> None:
    body = ("The League said it would send observers. Yet it did not rule out that "
            "the mission could be extended.")
    assert rows(body, matcher)[-1] == ("League", "league", "reported",
                                      "the mission could be extended")
    assert rows("Kurvi Tasch did not say whether the road would reopen.", matcher) == []


def test_a_pronoun_right_before_the_verb_is_its_subject(matcher: ActorMatcher) -> None:
    body = ("Sapt Hentzau spoke after the vote. The plan clearly says that Szohod will "
            "reopen the Free Port Authority, he added.")
    assert [(r[0], r[1]) for r in rows(body, matcher)] == [("Sapt Hentzau", "league")]


def test_what_someone_called_a_thing_is_its_name(matcher: ActorMatcher) -> None:
    assert rows("Kurvi Tasch unveiled what Tasch called a “roadmap for the hills”.",
                matcher) == []


def test_an_infinitive_cue_is_not_an_act_of_speech(matcher: ActorMatcher) -> None:
    assert rows("The summit is an initiative of Ruritania and Borduria to encourage "
                "six states to keep talking.", matcher) == []


def test_the_same_words_quoted_and_reported_are_one_statement(matcher: ActorMatcher) -> None:
    got = rows('Stressing that "nobody is being punished", Sapt Hentzau added that the '
               'measures could be lifted.', matcher)
    assert [r[3] for r in got] == ["nobody is being punished", "the measures could be lifted"]


def test_an_institution_in_its_official_s_words_is_theirs(matcher: ActorMatcher) -> None:
    got = rows("Ruritania will back a deal acceptable to all and it urges both sides to "
               "talk, Rudolf Rassendyll said.", matcher)
    assert [r[0] for r in got] == ["Rudolf Rassendyll"]


def test_a_person_s_document_speaks_for_their_actor(matcher: ActorMatcher) -> None:
    assert [(r[0], r[1]) for r in rows("Kurvi Tasch's proposal says the valley should have "
                                      "its own police.", matcher)] == [
        ("Kurvi Tasch's proposal", "borduria")]


def test_a_place_inside_a_description_is_not_its_actor(matcher: ActorMatcher) -> None:
    assert rows("The special envoy in Strelsau said the talks would resume.", matcher) == []


def test_the_spokesperson_after_a_body_spoke_is_that_body(matcher: ActorMatcher) -> None:
    body = ("The League said on its website that the vote must be respected. "
            "The spokesperson also urged both parties to keep talking.")
    assert rows(body, matcher)[-1] == ("League", "league", "reported",
                                      "both parties to keep talking")


def test_restating_a_position_gives_way_to_what_it_says(matcher: ActorMatcher) -> None:
    assert rows("Borduria reiterated its stance about the valley, saying that the border "
                "must be respected.", matcher) == [
        ("Borduria", "borduria", "reported", "the border must be respected")]


def test_a_name_given_by_a_participle_is_not_a_label_said(matcher: ActorMatcher) -> None:
    assert rows("Kurvi Tasch opened the first of a line of bridges called the “Northern "
                "Friendship Series”.", matcher) == []


@pytest.mark.parametrize(("body", "actor"), [
    # "its" points back to the actor the clause opened with, not a later object
    ("Ruritania has handed the League a note on the border crossings, its foreign "
     "ministry said.", "ruritania"),
    ("The League will keep its observers at the crossing, its spokesperson said.", "league"),
    ("Borduria closed the road to Strelsau for a week, their government said.", "borduria"),
])
def test_a_body_or_office_of_its_owner_speaks_for_the_actor_the_clause_opened_with(
    matcher: ActorMatcher, body: str, actor: str
) -> None:
    got = rows(body, matcher)
    assert len(got) == 1
    assert got[0][1] == actor
