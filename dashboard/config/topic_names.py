"""Each topic's names for narrow tables: a short name (column header) and an abbreviation
(the header where even the short name does not fit), unique among the topics.

A name the config gives is kept (problems.duplicate_ids refuses two equal ones); a
missing one is derived from the label, or the abbreviation from the short name, and made
unique against every other topic's names. Names are compared without case: "Rec" and
"REC" would read as the same column.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass

from dashboard.config.schema import Topic
from dashboard.config.values import TOPIC_ABBR_MAX, TOPIC_SHORT_MAX

# words a short name does not end on ("Return of" says less than "Return")
_MINOR = frozenset(("a", "an", "and", "as", "at", "by", "for", "from", "in", "into", "of",
                    "on", "or", "the", "to", "with"))
_WORD = re.compile(r"\w+")


@dataclass(frozen=True, slots=True)
class TopicNames:
    """How a topic is named where room is short."""

    short: str
    abbr: str


def derived_short(label: str) -> str:
    """The label when it fits `TOPIC_SHORT_MAX`, else its leading whole words that fit
    (not ending on "of", "the", ...), else its first word cut with "…"."""
    label = " ".join(label.split())
    if len(label) <= TOPIC_SHORT_MAX:
        return label
    kept: list[str] = []
    for word in label.split():
        if len(" ".join([*kept, word])) > TOPIC_SHORT_MAX:
            break
        kept.append(word)
    while kept and kept[-1].casefold() in _MINOR:
        kept.pop()
    return " ".join(kept) if kept else label[: TOPIC_SHORT_MAX - 1] + "…"


def _abbr_candidates(short: str) -> Iterator[str]:
    """Abbreviations of `short`, best first: its first letters and its closing number
    ("T12"), an acronym it starts with ("EU"), the first three letters of its first word
    ("Rec"), the initials of its words ("NP"), then numbered ones ("Re2")."""
    words = _WORD.findall(short) or [short or "T"]
    first = words[0]
    if len(words) > 1 and words[-1].isdigit() and len(words[-1]) < TOPIC_ABBR_MAX:
        number = words[-1]  # "Topic 12" -> "T12": the number tells numbered topics apart
        yield first[: TOPIC_ABBR_MAX - len(number)] + number
    if first.isupper() and len(first) <= TOPIC_ABBR_MAX:
        yield first
    yield first[:TOPIC_ABBR_MAX] if first.isupper() else first[:TOPIC_ABBR_MAX].capitalize()
    if len(words) > 1:
        yield "".join(w[0] for w in words[:TOPIC_ABBR_MAX]).upper()
    stem = first[: TOPIC_ABBR_MAX - 1].capitalize()
    for n in range(2, 10):
        yield f"{stem}{n}"[:TOPIC_ABBR_MAX]
    for n in range(10, 1000):
        yield str(n)


def _numbered(name: str, limit: int) -> Iterator[str]:
    """`name`, then `name 2`, `name 3`, ... each cut to fit `limit`."""
    yield name
    for n in range(2, 1000):
        suffix = f" {n}"
        yield name[: limit - len(suffix)].rstrip() + suffix


def _first_free(candidates: Iterable[str], used: set[str]) -> str:
    for name in candidates:
        if name and name.casefold() not in used:
            used.add(name.casefold())
            return name
    raise ValueError("no free name")  # unreachable: there are more names than topics


def topic_names(topics: Sequence[Topic]) -> dict[str, TopicNames]:
    """Topic id -> its short name and abbreviation, each unique among `topics`."""
    used_short = {t.short.casefold() for t in topics if t.short}
    used_abbr = {t.abbr.casefold() for t in topics if t.abbr}
    names = {}
    for topic in topics:
        short = topic.short or _first_free(
            _numbered(derived_short(topic.label), TOPIC_SHORT_MAX), used_short)
        abbr = topic.abbr or _first_free(_abbr_candidates(short), used_abbr)
        names[topic.id] = TopicNames(short, abbr)
    return names
