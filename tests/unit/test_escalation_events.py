"""Escalation from CAMEO events (the bundled PETRARCH2 lexicon) under the config's own cues.
Sentences written for these tests."""

from __future__ import annotations

from pathlib import Path

import pytest
from rich.console import Console

from dashboard.analysis.cameo import code_labels, load_lexicon
from dashboard.analysis.escalation import CueFinder
from dashboard.analysis.lemmas import tokens_of
from dashboard.analysis.text import Folded
from dashboard.config import Cue, Events, load_config
from dashboard.models import CueHit, Driver, Escalation
from widgets.escalation_panel import drivers_text

CONFIG = load_config(Path(__file__).resolve().parents[2] / "config.toml")
EVENTS_ONLY = CueFinder((), Events())
SHIPPED = CueFinder(CONFIG.escalation.cues, CONFIG.escalation.events)


def events(sentence: str, finder: CueFinder = EVENTS_ONLY) -> list[CueHit]:
    return finder.find(Folded.of(sentence))


def total(sentence: str, finder: CueFinder = SHIPPED) -> float:
    return sum(h.weight for h in events(sentence, finder))


def test_the_bundled_lexicon_is_the_petrarch_dictionary() -> None:
    assert load_lexicon().size > 4000  # 5,505 rows less the bare verbs of everyday roots
    assert code_labels()["190"].startswith("Use conventional military force")


def test_an_event_carries_its_cameo_code_label_and_goldstein_sign() -> None:
    (hit,) = events("Gunmen attacked a police patrol near the border.")
    assert (hit.code, hit.label) == ("190", code_labels()["190"])
    assert hit.weight == 10.0  # Goldstein -10, sign flipped: escalatory


@pytest.mark.parametrize("sentence", [
    "Gunmen did not attack the patrol.",  # negation
    "Officials said the gunmen could attack the patrol.",  # hypothetical
    "If the gunmen attacked the patrol, the army would respond.",  # condition
    "The minister warned that rebels would attack the patrol.",  # warning: only the warning
    "The ministry denied that its troops had attacked the patrol.",  # reported denial
])
def test_an_unreal_event_does_not_count(sentence: str) -> None:
    assert "190" not in {h.code for h in events(sentence)}


def test_a_warning_counts_as_a_threat() -> None:
    codes = {h.code for h in events("The minister warned that rebels would attack the patrol.")}
    assert codes == {"130"}


@pytest.mark.parametrize("sentence", [
    "Both leaders urged restraint after the incident.",
    "The envoy called on all sides to refrain from provocations.",
    "Washington called on Belgrade and Pristina to resume the dialogue.",
])
def test_appeals_for_restraint_and_talks_are_de_escalatory(sentence: str) -> None:
    assert total(sentence) < 0


def test_a_bare_verb_counts_only_as_a_reported_event() -> None:
    assert events("The talks were held in a spirit of cooperation.") == []  # no event
    assert events("Security forces are in the area.") == []  # "forces" is a noun
    assert {h.code for h in events("Protesters clashed with police.")} == {"190"}


def test_the_config_cue_overrides_the_lexicon() -> None:
    # "arrested" is the config's cue: counted once, with the config's weight and code
    hits = events("Police arrested two officials.", SHIPPED)
    assert [(h.cue, h.weight, h.code) for h in hits] == [("arrest", 5.0, "173")]


def test_a_removed_blockade_is_not_a_blockade() -> None:
    hits = events("After the removal of the barricades, the barricades area was quiet.", SHIPPED)
    assert {h.cue for h in hits} == {"withdrawal"}


def test_cues_without_a_lexicon_are_the_config_alone() -> None:
    finder = CueFinder((Cue(id="x", phrases=["barricade*"], weight=7.0),),
                       Events(lexicon=""))
    assert [h.cue for h in finder.find(Folded.of("Gunmen attacked the barricades."))] == ["x"]


def test_the_driver_list_shows_code_and_label() -> None:
    hit = CueHit("attack", 10.0, "Gunmen attacked a patrol.", code="190",
                 label="Use conventional military force, not specified below")
    esc = Escalation(score=50.0, level="elevated", trend="rising", drivers=(Driver(hit, 10.0),),
                     history=())
    console = Console(width=200, record=True)
    console.print(drivers_text(esc))
    shown = console.export_text()
    assert "CAMEO 190 Use conventional military force" in shown
    assert "attack" in shown


def test_tokens_are_shared_by_stances_and_events() -> None:
    sentence = Folded.of("Serbian troops returned.")
    assert tokens_of(sentence) is tokens_of(sentence)


@pytest.mark.parametrize(("sentence", "code"), [
    ("Beijing strongly opposes the move.", "1"),  # verbal conflict in the present counts
    ("We condemn the decision.", "1"),
])
def test_statements_of_conflict_count_in_the_present(sentence: str, code: str) -> None:
    hits = events(sentence)
    assert hits and all(h.code.startswith(code) and h.weight > 0 for h in hits), hits


def test_a_noun_or_an_infinitive_is_no_statement_of_conflict() -> None:
    assert events("The demands were published.") == []
    assert "111" not in {h.code for h in events("They met to condemn nothing.")}


def test_the_more_specific_cue_says_what_it_is() -> None:
    hits = events("The failure of the talks worried everyone at the talks.", SHIPPED)
    assert {h.cue for h in hits} == {"talks-collapse"}
    assert total("The failure of the talks was announced.") > 0


@pytest.mark.parametrize("sentence", [
    # the config's own cues are read like events: negated, hypothetical, intended,
    # possible, failed or refused, they do not count
    "Officials discussed the possibility of protesters being arrested.",
    "The potential arrest of the mayor worried residents.",
    "The police could have arrested the suspects.",
    "The minister failed once again to take any steps to de-escalate.",
    "The premier presented a plan for de-escalation on Monday.",
    "If the protesters are arrested, the unions will strike.",
])
def test_an_unreal_config_cue_does_not_count(sentence: str) -> None:
    cues = {h.cue for h in events(sentence, SHIPPED)}
    assert not cues & {"arrest", "withdrawal"}, cues


@pytest.mark.parametrize("sentence", [
    "The roadblocks, which truckers set up on Sunday after the arrests, will be removed.",
    "Officials said the blockade was lifted at dawn.",
])
def test_an_escalatory_cue_undone_in_its_clause_does_not_count(sentence: str) -> None:
    assert all(h.weight <= 0 for h in events(sentence, SHIPPED)), events(sentence, SHIPPED)


def test_asking_to_remove_barricades_is_a_withdrawal() -> None:
    hits = events("The mayor asked the villagers to remove the barricades.", SHIPPED)
    assert "withdrawal" in {h.cue for h in hits} and "blockade" not in {h.cue for h in hits}
    assert total("The mayor asked the villagers to remove the barricades.") < 0


@pytest.mark.parametrize("sentence", [
    "The parties have conflicting interests on the annex.",  # an adjective after "have"
    "The opposition accused the speaker of breaking the rules.",  # idioms of everyday verbs
    "The ministers took part in the ceremony.",
    "Negotiators struck a balance between both drafts.",
    "The report hit the headlines on Monday.",
    "Reporters from the local press asked about the annex.",
    "The minister expressed hope for a quick deal.",
])
def test_everyday_senses_of_conflict_verbs_are_no_events(sentence: str) -> None:
    # (an accusation is a verbal event of its own; force, seizure or a demand is not here)
    assert not [h for h in events(sentence, SHIPPED) if h.weight >= 3], events(sentence, SHIPPED)


def test_conflict_verbs_with_their_objects_still_count() -> None:
    assert "190" in {h.code for h in events("Troops fired at the convoy near the border.")}
    assert total("Gunmen attacked a police patrol.") > 0


@pytest.mark.parametrize(("sentence", "code"), [
    ("Many families live in Serb-dominated towns.", "190"),  # a compound modifier
    ("The US-backed plan was presented on Monday.", "051"),
    ("Both sides say they are committed to resolving the issue.", "082"),  # an aim
])
def test_modifiers_and_aims_are_no_events(sentence: str, code: str) -> None:
    assert code not in {h.code for h in events(sentence, SHIPPED)}, events(sentence, SHIPPED)


def test_a_config_phrase_overrides_only_the_verb_it_starts_with() -> None:
    # the config names "forces" as a noun ("withdrawal of * forces"): the verb "force"
    # still counts as coercion; "remove" stays the config's ("removed * barricades")
    assert "170" in {h.code for h in events("Residents were forced to leave their homes.",
                                             SHIPPED)}
    assert "174" not in {h.code for h in events("Officials removed the old signs.", SHIPPED)}
