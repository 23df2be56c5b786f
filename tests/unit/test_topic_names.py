"""Each topic's short name and abbreviation: given ones kept, missing ones derived from the
label, and every name unique among the topics (dashboard/config/topic_names.py)."""

from __future__ import annotations

from pathlib import Path

import pytest

from dashboard.config import (
    TOPIC_ABBR_MAX,
    TOPIC_SHORT_MAX,
    Topic,
    derived_short,
    load_config,
    topic_names,
)

REPO = Path(__file__).parents[2]


def topic(id_: str, label: str, **names: str) -> Topic:
    return Topic(id=id_, label=label, phrases=(id_,), **names)


@pytest.mark.parametrize(("label", "short"), [
    ("Dialogue", "Dialogue"),  # fits: kept whole
    ("Return of Serbian forces to Kosovo", "Return"),  # not ending on "of"
    ("Recognition of Kosovo's independence", "Recognition"),
    ("EU measures on Kosovo", "EU measures"),
    ("Decentralisation-of-everything now", "Decentralis…"),  # a first word too long: cut
    ("  Ibar   bridge  ", "Ibar bridge"),  # spaces folded
])
def test_a_short_name_is_derived_from_the_label_in_whole_words(label, short):
    assert derived_short(label) == short
    assert len(derived_short(label)) <= TOPIC_SHORT_MAX


def test_given_names_are_kept_and_derived_ones_avoid_them():
    names = topic_names([
        topic("a", "Return of Serbian forces", short="Return"),
        topic("b", "Return of refugees"),  # would derive "Return" too
        topic("c", "Recognition", abbr="Ret"),  # takes the abbreviation "Return" would get
    ])
    assert names["a"].short == "Return" and names["b"].short == "Return 2"
    assert names["c"].abbr == "Ret"
    assert names["a"].abbr == "Re2"  # "Ret" is taken: numbered
    assert names["b"].abbr == "R2"  # "Ret" is taken: the initials of "Return 2"


def test_abbreviations_prefer_an_acronym_then_three_letters():
    names = topic_names([topic("eu", "EU measures"), topic("k", "KFOR presence"),
                         topic("d", "Dialogue"), topic("n", "North police")])
    assert [names[i].abbr for i in ("eu", "k", "d", "n")] == ["EU", "KFO", "Dia", "Nor"]


def test_thirty_topics_of_one_label_still_get_unique_names_within_the_limits():
    names = topic_names([topic(f"t{n}", "Return of Serbian forces to Kosovo")
                         for n in range(30)])
    shorts = [n.short.casefold() for n in names.values()]
    abbrs = [n.abbr.casefold() for n in names.values()]
    assert len(set(shorts)) == 30 and len(set(abbrs)) == 30
    assert all(len(n.short) <= TOPIC_SHORT_MAX and 0 < len(n.abbr) <= TOPIC_ABBR_MAX
               for n in names.values())


def test_names_differing_only_in_case_count_as_the_same():
    names = topic_names([topic("a", "Dialogue", abbr="DIA"), topic("b", "Dialogue talks")])
    assert names["b"].abbr.casefold() != "dia"


def test_the_shipped_topics_have_their_own_unique_names():
    config = load_config(REPO / "config.toml")
    names = topic_names(config.topics)
    assert [n.short for n in names.values()] == [t.short for t in config.topics]
    assert [n.abbr for n in names.values()] == [t.abbr for t in config.topics]
    assert len({n.abbr.casefold() for n in names.values()}) == len(config.topics) == 9
