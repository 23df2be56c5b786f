"""The analysis' shortcuts never change an answer, only skip work that finds nothing.

Each shortcut is a necessary condition checked before a regex (word pieces before a
phrase set, negation pieces before tokenising) or a faster route to the same value
(folding in C); these properties pin that down.
"""

from __future__ import annotations

from pathlib import Path

from hypothesis import example, given, settings
from hypothesis import strategies as st

from dashboard.analysis.phrases import PhraseSet
from dashboard.analysis.text import Folded, fold_with_offsets, is_negated, may_be_negated
from dashboard.config import load_config

CONFIG = load_config(Path(__file__).resolve().parents[2] / "config.toml")
TOPICS = PhraseSet((t.id, t.phrases) for t in CONFIG.topics)
CUES = PhraseSet((c.id, c.phrases) for c in CONFIG.escalation.cues)
PHRASES = [p.replace("*", "more") for s in (CONFIG.topics, CONFIG.escalation.cues)
           for entry in s for p in entry.phrases]

# letters whose folds are tricky: several chars, chains (K -> k), final sigma, dotted I
TRICKY = "AaZzÉéĐđßẞİıΣσςǅǆﬁﬃKΩΩÆøŁ’“”„«»—…ÄäČčŠšŽž\u00a0\u2009'\".,;:-_0123456789 "
words = st.sampled_from([*PHRASES, "not", "no", "north", "didn’t", "can't", "said", "Đurić"])
sentences = st.lists(st.one_of(words, st.text(TRICKY, max_size=6)), max_size=12).map(" ".join)


@settings(max_examples=200, deadline=None)
@given(st.text(TRICKY, max_size=40))
def test_fold_is_the_fold_of_each_character_in_turn(text: str) -> None:
    folded, offsets = fold_with_offsets(text)
    parts = [fold_with_offsets(c)[0] for c in text]
    assert folded == "".join(parts)
    if offsets is None:
        assert all(len(p) == 1 for p in parts)
    else:
        assert offsets == [i for i, p in enumerate(parts) for _ in p] + [len(text)]


@settings(max_examples=200, deadline=None)
@given(sentences)
@example(f"He spoke of the {PHRASES[0]} today.")  # the property's branch is taken at least once
def test_a_phrase_set_rules_out_only_sentences_it_cannot_match(sentence: str) -> None:
    folded = Folded.of(sentence)
    for phrases in (TOPICS, CUES):
        if any(True for _ in phrases.finditer(folded.folded)):
            assert phrases.may_match(folded)


def test_the_word_piece_check_does_rule_sentences_out() -> None:
    assert not TOPICS.may_match(Folded.of("The weather in Belgrade was sunny on Tuesday."))
    assert TOPICS.may_match(Folded.of("He spoke about the Brussels dialogue."))


@settings(max_examples=200, deadline=None)
@given(sentences, st.integers(min_value=0, max_value=80))
@example("Serbia recognized Kosovo.", 7)  # the property's branch is taken at least once
def test_negation_is_only_skipped_where_there_is_none(sentence: str, at: int) -> None:
    folded = fold_with_offsets(sentence)[0]
    start = min(at, len(folded))
    if not may_be_negated(folded, start):
        assert not is_negated(folded, start, start)
