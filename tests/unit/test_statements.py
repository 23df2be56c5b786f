"""extract_statements on small passages, with a tiny config built in the test."""

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
                      Person(name="Flavia Elphberg", role="Foreign Minister"))),
        Actor(id="league", name="League", kind="organisation", aliases=("the League mission",),
              people=(Person(name="Sapt Tarlenheim"),)),
    ])


def rows(title: str, body: str, matcher: ActorMatcher) -> list[tuple[str, str | None, str, str]]:
    return [(s.speaker, s.actor, s.kind, s.text) for s in extract_statements(title, body, matcher)]


def test_direct_quote_then_attribution(matcher: ActorMatcher) -> None:
    body = "“We will defend the border,” Ruritanian King Rudolf Rassendyll said on Monday."
    assert rows("", body, matcher) == [
        ("Rudolf Rassendyll", "ruritania", "direct", "We will defend the border")
    ]


def test_quote_text_has_no_marks_or_attribution(matcher: ActorMatcher) -> None:
    (st,) = extract_statements("", '"The talks failed," Flavia Elphberg said.', matcher)
    assert st.text.startswith("The talks failed")
    assert '"' not in st.text and "Elphberg" not in st.text
    assert st.sentence == '"The talks failed," Flavia Elphberg said.'


def test_split_quote_is_one_statement_per_quotation(matcher: ActorMatcher) -> None:
    body = "“We are ready,” Flavia Elphberg said. “We will not wait any longer.”"
    first, second = extract_statements("", body, matcher)
    assert (first.speaker, first.kind, first.text) == ("Flavia Elphberg", "direct", "We are ready")
    assert (second.speaker, second.kind) == ("Flavia Elphberg", "direct")
    assert second.text == "We will not wait any longer."


def test_reported_speech_drops_the_attribution(matcher: ActorMatcher) -> None:
    (st,) = extract_statements(
        "", "Flavia Elphberg said on Tuesday that Strelsau would close its embassy.", matcher
    )
    assert (st.kind, st.text) == ("reported", "Strelsau would close its embassy")


def test_pronouns_and_surnames_resolve_to_the_last_person(matcher: ActorMatcher) -> None:
    body = ("King Rudolf Rassendyll met envoys. He said the border would stay open. "
            "According to him, trade would grow. Rassendyll added that taxes would fall.")
    assert [r[:2] for r in rows("", body, matcher)] == [("Rudolf Rassendyll", "ruritania")] * 3


def test_the_mission_is_the_organisation_in_focus(matcher: ActorMatcher) -> None:
    body = "The League sent observers to Strelsau. The mission said the vote was fair."
    assert rows("", body, matcher) == [("League", "league", "reported", "the vote was fair")]


def test_an_actor_can_speak(matcher: ActorMatcher) -> None:
    assert rows("", "Ruritania notes that the treaty has expired.", matcher) == [
        ("Ruritania", "ruritania", "reported", "the treaty has expired")
    ]


def test_unknown_named_person_still_speaks(matcher: ActorMatcher) -> None:
    body = "Ruritanian Interior Minister Karl Hentzau said the protests were illegal."
    assert rows("", body, matcher) == [
        ("Karl Hentzau", "ruritania", "reported", "the protests were illegal")
    ]
    body = "John Smith, a local farmer, said the harvest was lost."
    assert rows("", body, matcher) == [("John Smith", None, "reported", "the harvest was lost")]


def test_headline_with_colon(matcher: ActorMatcher) -> None:
    assert rows("Rassendyll: Ruritania will never give up the islands", "", matcher) == [
        ("Rudolf Rassendyll", "ruritania", "reported", "Ruritania will never give up the islands")
    ]


def test_content_before_the_attribution(matcher: ActorMatcher) -> None:
    assert rows("", "The border will stay closed, Flavia Elphberg said.", matcher) == [
        ("Flavia Elphberg", "ruritania", "reported", "The border will stay closed")
    ]


def test_inverted_attribution(matcher: ActorMatcher) -> None:
    (st,) = extract_statements("", "“Nothing has changed,” said Flavia Elphberg.", matcher)
    assert (st.speaker, st.kind, st.text) == ("Flavia Elphberg", "direct", "Nothing has changed")


@pytest.mark.parametrize(
    "body",
    [
        "It is reported by Radio Strelsau.",
        "The bridge, said to be the oldest in Strelsau, was closed.",
        "Residents were told to stay indoors.",
        "Flavia Elphberg did not say whether Ruritania would attend.",
        "Posters reading “Strelsau is ours” appeared overnight.",
        "Police said the road was closed.",
        "He said the road was closed.",  # nobody named before: no one to resolve "he" to
    ],
)
def test_non_speech_is_not_a_statement(matcher: ActorMatcher, body: str) -> None:
    assert extract_statements("", body, matcher) == []


def test_straight_and_curly_quotes_alike(matcher: ActorMatcher) -> None:
    curly = extract_statements("", "Flavia Elphberg said: “The treaty is dead.”", matcher)
    straight = extract_statements("", 'Flavia Elphberg said: "The treaty is dead."', matcher)
    assert [(s.kind, s.text) for s in curly] == [(s.kind, s.text) for s in straight]
    assert curly[0].kind == "direct"


def test_ids_are_left_for_the_caller(matcher: ActorMatcher) -> None:
    (st,) = extract_statements("", "Flavia Elphberg said the talks failed.", matcher)
    assert (st.item_id, st.source_id, st.time, st.link) == ("", "", None, None)
