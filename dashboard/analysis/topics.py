"""Where a sentence speaks of a configured topic: by phrase, or by concept.

A topic's `phrases` are matched as written (see phrases.PhraseSet). Its `concepts` are
matched by meaning: a concept is word groups joined by "+", each group alternatives
joined by "|" ("Serbian + army|troops|police|security force + return|deploy|send"), and
it is found when a word of every group stands within the topic's `window` of words,
in any order, compared by lemma ("Serbian military returning to Kosovo" and "the return
of Serbian troops" both hold serbian + military|troop + return). A topic's
`counter_concepts` are the opposite claim ("Serbia's territorial integrity" against
Kosovo's independence): supporting one opposes the topic. A topic's `heads` name it
again once the article has named it: a definite anaphor ("the bridge", "this
association", "the Kosovo police") refers to the topic named earlier (`refer`).

A concept is tried only when a set test finds a word of each of its groups among the
sentence's words and lemmas; then its groups' lemma index finds where they stand.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Collection, Sequence
from typing import NamedTuple

from dashboard.analysis.lemmas import LemmaIndex, phrase_lemmas, tokens_of
from dashboard.analysis.phrases import PhraseSet
from dashboard.analysis.text import Folded, words
from dashboard.config import Topic

_CLAUSE_BREAK = re.compile(r"[;:]|\s(?:but|however|while|whereas)\s")


_OCCURRENCES = 64
# what makes a head noun an anaphor: "the bridge", "this association", "its police"
# ("that" is left out: mostly a complementiser, "said that police ...")
_DEFINITE = words("the this these those its their")
# words that cannot stand between the determiner and its head ("the attacks on police")
_NOT_MODIFIERS = words(
    "of on in to for at by with and or from against about over into after before")
_MODIFIERS = 2  # at most this many words between the determiner and the head


class TopicSpan(NamedTuple):
    """A topic named in folded text: the topic, where, and +1 (the topic) or -1 (its
    opposite claim)."""

    topic: str
    start: int
    end: int
    polarity: int
    concept: bool = False  # found by concept: words between its own are free text
    anaphor: bool = False  # named again by a head noun ("the bridge"): shows no stance alone


class _Concept(NamedTuple):
    topic: str
    polarity: int
    groups: int
    window: int
    firsts: tuple[frozenset[str], ...]  # per group, the first lemmas of its alternatives


def parse_concept(text: str) -> list[list[str]]:
    """A concept's groups of alternatives: "a + b|c d" -> [["a"], ["b", "c d"]]."""
    return [
        [alt.strip() for alt in group.split("|") if alt.strip()]
        for group in text.split("+")
        if group.strip()
    ]


class TopicMatcher:
    """The topics of a config compiled once; `find` reads a sentence."""

    def __init__(self, topics: Sequence[Topic]):
        self.phrases = PhraseSet((t.id, t.phrases) for t in topics)
        self._concepts: list[_Concept] = []
        self._indexes: list[LemmaIndex] = []  # per concept, its groups' words
        for topic in topics:
            for polarity, concepts in ((1, topic.concepts), (-1, topic.counter_concepts)):
                for concept in concepts:
                    groups = parse_concept(concept)
                    firsts = tuple(
                        frozenset(seq[0] for alt in alts if (seq := phrase_lemmas(alt)))
                        for alts in groups)
                    self._concepts.append(
                        _Concept(topic.id, polarity, len(groups), topic.window, firsts))
                    self._indexes.append(LemmaIndex((g, alts) for g, alts in enumerate(groups)))
        self._heads = LemmaIndex((t.id, t.heads) for t in topics)
        self._headed = frozenset(t.id for t in topics if t.heads)  # topics an anaphor names
        # every concept word: one set operation tells which a sentence holds, and the
        # concepts each word is in, so only those are tested group by group
        self._words = frozenset().union(*(f for c in self._concepts for f in c.firsts))
        concepts_of: dict[str, set[int]] = {}
        for index, concept in enumerate(self._concepts):
            for firsts in concept.firsts:
                for word in firsts:
                    concepts_of.setdefault(word, set()).add(index)
        self._concepts_of = {word: frozenset(c) for word, c in concepts_of.items()}
        self._all_words = [frozenset().union(*c.firsts) for c in self._concepts]

    def _possible(self, sentence: Folded) -> list[int]:
        """The concepts with a word of every group in the sentence (set tests only)."""
        if not self._words:
            return []
        hit = self._words & tokens_of(sentence).present
        if not hit:
            return []
        concepts_of = self._concepts_of
        out = []
        for index in sorted(set().union(*(concepts_of[word] for word in hit))):
            for firsts in self._concepts[index].firsts:
                if firsts.isdisjoint(hit):
                    break
            else:
                out.append(index)
        return out

    def may_match(self, sentence: Folded) -> bool:
        """Whether any topic may be in the sentence (a phrase, or a concept's words)."""
        return self.phrases.may_match(sentence) or bool(self._possible(sentence))

    def find(self, sentence: Folded) -> list[TopicSpan]:
        """Every topic named in the sentence, by phrase or concept, sorted by start."""
        out: list[TopicSpan] = []
        if self.phrases.may_match(sentence):
            out.extend(TopicSpan(m.key, m.start, m.end, 1)
                       for m in self.phrases.finditer(sentence.folded))
        possible = self._possible(sentence)
        if possible:
            out.extend(self._concept_spans(sentence, possible))
        out.sort(key=lambda s: (s.start, -s.end))
        return out

    def spread(self, sentences: Sequence[Folded]) -> set[str]:
        """The topics whose concept's word groups all stand in the text, though in
        different sentences ("police ..." here, "in the north" there): their heads then
        name them (see `refer`), as a topic named in one sentence does."""
        if not self._words or not self._heads:
            return set()
        hit: set[str] = set()
        for sentence in sentences:
            hit |= self._words & tokens_of(sentence).present
        out: set[str] = set()
        for i, concept in enumerate(self._concepts):
            if concept.polarity < 0 or concept.topic in out or concept.topic not in self._headed:
                continue
            if any(firsts.isdisjoint(hit) for firsts in concept.firsts):
                continue  # (set tests only; the lemma index then confirms each group)
            seen: set[int] = set()
            words = self._all_words[i]
            for sentence in sentences:
                tokens = tokens_of(sentence)
                if words.isdisjoint(tokens.present):
                    continue  # none of the concept's words here: nothing to find
                seen.update(m.key for m in self._indexes[i].find(tokens))
                if len(seen) == concept.groups:
                    out.add(concept.topic)
                    break
        return out

    def refer(self, sentence: Folded, named: Collection[str]) -> list[TopicSpan]:
        """The topics of `named` (already named in the article) that the sentence names
        again by a definite anaphor of their head noun ("the bridge", "this
        association")."""
        if not named or not self._heads:
            return []
        tokens = tokens_of(sentence)
        words = tokens.words
        out = []
        for m in self._heads.find(tokens):
            if m.key not in named:
                continue
            for k in range(m.first - 1, max(m.first - 2 - _MODIFIERS, -1), -1):
                if words[k] in _DEFINITE:
                    out.append(TopicSpan(m.key, tokens.starts[k], tokens.ends[m.last], 1,
                                         concept=True, anaphor=True))
                    break
                if words[k] in _NOT_MODIFIERS:
                    break
        return out

    def _concept_spans(self, sentence: Folded, possible: list[int]) -> list[TopicSpan]:
        tokens = tokens_of(sentence)
        folded = sentence.folded

        def one_clause(first: int, last: int) -> bool:  # a concept's words share a clause
            return not _CLAUSE_BREAK.search(folded, tokens.starts[first], tokens.ends[last])

        out = []
        for i in possible:
            concept, index = self._concepts[i], self._indexes[i]
            groups: dict[int, list[tuple[int, int]]] = {}  # group -> token ranges
            for m in index.find(tokens):
                groups.setdefault(m.key, []).append((m.first, m.last))
            if len(groups) < concept.groups:
                continue
            # (the first occurrences of each group only: a run-on sentence repeating the
            # words must not make the search quadratic)
            span = _within([o[:_OCCURRENCES] for o in groups.values()], concept.window,
                           one_clause)
            if span is not None:
                first, last = span
                out.append(TopicSpan(concept.topic, tokens.starts[first], tokens.ends[last],
                                     concept.polarity, True))
        return out


def _within(
    groups: list[list[tuple[int, int]]], window: int, ok: Callable[[int, int], bool]
) -> tuple[int, int] | None:
    """The tightest token range holding a word of every group within `window` words (each
    word in turn anchors a range, with the nearest word of every other group) that `ok`
    accepts."""
    best: tuple[int, int] | None = None
    for g, anchors in enumerate(groups):
        for first, last in anchors:
            lo, hi = first, last
            for h, occurrences in enumerate(groups):
                if h != g:
                    a, b = (occurrences[0] if len(occurrences) == 1
                            else min(occurrences, key=lambda o: abs(o[0] - first)))
                    lo, hi = min(lo, a), max(hi, b)
            if hi - lo < window and (best is None or hi - lo < best[1] - best[0]) and ok(lo, hi):
                best = (lo, hi)
    return best
