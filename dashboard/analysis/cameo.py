"""CAMEO events in a sentence, from the PETRARCH2 verb dictionary (bundled, MIT).

Each dictionary row is a verb lemma with the words that may follow it ("impose
sanction", "deploy <military>") and sometimes words before it (a subject head), coded
with a CAMEO event code, its label and Goldstein weight (-10 conflict .. +10
cooperation). Rows are indexed by the verb's first lemma; at each word of a sentence
only the rows of that verb are tried, the most specific first, each later word allowed
up to `GAP` words after the one before (an approximation of PETRARCH's parse-tree
match). A verb with no matching pattern takes its bare code, if it has one.

What happens to an event found (counted, dropped as negated, hypothetical or denied)
is decided by escalation.py; this module only reads the lexicon and finds matches.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Iterator
from functools import lru_cache
from importlib import resources
from pathlib import Path
from typing import NamedTuple

from dashboard.analysis.lemmas import Tokens, lemma, phrase_lemmas

# Roots whose bare verbs are everyday English ("add", "issue", "lead", "meet", "say",
# "include", "submit"): statements, consultations, generic cooperation and yielding;
# only their patterns count.
_GENERIC_ROOTS = frozenset({"01", "04", "05", "06", "07", "08"})
GAP = 3  # words that may stand between two words of a pattern
BUNDLED = "cameo-verbs.tsv"
_FITTING_MAX = 20_000  # cached candidate lists (see EventLexicon._candidates)

# A pattern element: the alternatives it accepts, each a lemma sequence.
_Element = tuple[tuple[str, ...], ...]
# An element's alternatives by their first word, each with its place in the element (a
# synset has dozens: only those starting with the word at hand are compared).
_Starts = dict[str, tuple[tuple[int, tuple[str, ...]], ...]]


class EventCode(NamedTuple):
    """A CAMEO code with what the panels show and what the score uses."""

    code: str
    label: str
    goldstein: float
    quad_class: int  # 1 verbal cooperation, 2 material cooperation, 3 verbal, 4 material conflict


class _Pattern(NamedTuple):
    bare: frozenset[str]  # a verb alone: its reported forms (past, -ing); else empty
    rest: tuple[str, ...]  # the verb's further words ("call off": ("off",))
    post: tuple[_Element, ...]
    pre: tuple[_Element, ...]
    phrase: str
    event: EventCode
    required: frozenset[str]  # words the pattern cannot match without
    options: tuple[frozenset[str], ...]  # per element with alternatives, its first words
    post_firsts: tuple[_Starts, ...]  # per element after the verb, see _starts
    pre_firsts: tuple[_Starts, ...]


class EventMatch(NamedTuple):
    """A CAMEO event found in a sentence: the row's phrase, its code, and token range."""

    phrase: str
    event: EventCode
    first: int  # the verb's token
    last: int
    bare: frozenset[str]  # the verb alone matched: its reported forms; else empty


def _starts(elements: tuple[_Element, ...]) -> tuple[_Starts, ...]:
    out = []
    for element in elements:
        starts: dict[str, list[tuple[int, tuple[str, ...]]]] = {}
        for place, seq in enumerate(element):
            starts.setdefault(seq[0], []).append((place, seq))
        out.append({first: tuple(seqs) for first, seqs in starts.items()})
    return tuple(out)


def _needs(
    elements: tuple[_Element, ...], rest: tuple[str, ...]
) -> tuple[frozenset[str], tuple[frozenset[str], ...]]:
    """What a sentence must hold for a pattern to match: the words of its one-word
    elements (and the verb's further words), and the first words of each other element."""
    required = set(rest)
    options = []
    for element in elements:
        firsts = frozenset(seq[0] for seq in element)
        if len(firsts) == 1:
            required |= firsts
        else:
            options.append(firsts)
    return frozenset(required), tuple(options)


def _reported_forms(forms: str, base: str, quad_class: int) -> list[str]:
    """A verb's forms that report an event: all but the base and the -s form ("attacked",
    "attacking", "fought"; not "attack", "attacks", which are as often nouns), except for
    verbal conflict, which statements make in the present ("China opposes", "we condemn")."""
    every = [f for f in forms.split("|") if f]
    if quad_class == 3:
        return every
    return [f for f in every if f != base and not f.endswith("s")]


def _read(name_or_path: str, bundled: str) -> str:
    path = Path(name_or_path).expanduser()
    if path.is_file() or len(path.parts) > 1:
        return path.read_text(encoding="utf-8")
    lexicons = resources.files("dashboard").joinpath("data", "lexicons")
    return lexicons.joinpath(bundled if name_or_path == BUNDLED else name_or_path).read_text(
        encoding="utf-8")


def _rows(text: str) -> list[dict[str, str]]:
    return list(csv.DictReader(io.StringIO(text), delimiter="\t"))


class EventLexicon:
    """The verb dictionary compiled once (per process, see `load_lexicon`)."""

    def __init__(self, verbs: list[dict[str, str]], synsets: dict[str, list[str]]):
        self._synsets = {
            name: tuple(seq for m in members if (seq := phrase_lemmas(m)))
            for name, members in synsets.items()
        }
        self._by_verb: dict[str, list[_Pattern]] = {}
        self.size = 0
        for row in verbs:
            # the dictionary's verb is a lemma already: lemmatising it again can move it
            # ("best" -> "good"), so it is kept as written
            verb = tuple(row["verb_lemma"].lower().split())
            try:
                goldstein = float(row["goldstein"])
                quad = int(row["quad_class"])
            except ValueError:
                continue
            if not verb:
                continue
            words = row["phrase"].split()
            post_words = words[len(row["verb_lemma"].split()):]
            event = EventCode(row["cameo_code"], row["cameo_label"], goldstein, quad)
            if not post_words and not row["pre_verb"] and event.code[:2] in _GENERIC_ROOTS:
                continue  # "add", "head", "issue": too common to mean cooperation alone
            bare = not post_words and not row["pre_verb"] and len(verb) == 1
            post, pre = self._elements(post_words), self._elements(row["pre_verb"].split())
            pattern = _Pattern(
                frozenset(_reported_forms(row["verb_forms"], verb[0], quad)) if bare
                else frozenset(),
                verb[1:], post, pre, row["phrase"], event, *_needs((*post, *pre), verb[1:]),
                _starts(post), _starts(pre),
            )
            self._by_verb.setdefault(verb[0], []).append(pattern)
            self.size += 1
        self._verbs = frozenset(self._by_verb)
        # per verb, its patterns filed under one word each needs (the verb's own patterns
        # without such a word are always tried), so a sentence only tries the patterns
        # whose words it holds
        self._filed: dict[str, tuple[dict[str, tuple[tuple[int, _Pattern], ...]],
                                     tuple[tuple[int, _Pattern], ...]]] = {}
        # per verb, every word any of its patterns asks about (filing, required and
        # alternative first words): which of them a sentence holds decides which patterns
        # it may match, so the patterns left after the set tests are worked out once per
        # such set of words and kept (sentences share a few), not at every verb of every
        # sentence
        self._asked: dict[str, frozenset[str]] = {}
        self._fitting: dict[tuple[str, frozenset[str]], tuple[_Pattern, ...]] = {}
        for verb, patterns in self._by_verb.items():
            # the most specific first: more words after and before, then the bare verb
            patterns.sort(key=lambda p: -(len(p.rest) + len(p.post) + len(p.pre)))
            keyed: dict[str, list[tuple[int, _Pattern]]] = {}
            always: list[tuple[int, _Pattern]] = []
            asked: set[str] = set()
            for rank, p in enumerate(patterns):
                asked |= p.required
                asked.update(*p.options)
                if p.required:
                    keyed.setdefault(min(p.required), []).append((rank, p))
                else:
                    always.append((rank, p))
            self._filed[verb] = ({k: tuple(v) for k, v in keyed.items()}, tuple(always))
            self._asked[verb] = frozenset(asked)

    @property
    def verbs(self) -> frozenset[str]:
        """The first word of every verb the dictionary files patterns under."""
        return self._verbs

    def _elements(self, words: list[str]) -> tuple[_Element, ...]:
        out = []
        for word in words:
            if word.startswith("<") and word.endswith(">"):
                members = self._synsets.get(word[1:-1])
                if members:
                    out.append(members)
            else:
                seq = (lemma(word.lower()),)
                out.append((seq,))
        return tuple(out)

    def _candidates(self, verb: str, present: set[str]) -> tuple[_Pattern, ...]:
        """The verb's patterns whose needed words the sentence holds, in rank order.

        Patterns are filed under one word each needs (or under none); those filed under a
        word the sentence holds are merged, then the set tests rule out the rest. Only the
        words some pattern of the verb asks about decide this, so the answer is kept per
        set of them (bounded)."""
        asked = frozenset(self._asked[verb] & present)
        fitting = self._fitting.get((verb, asked))
        if fitting is None:
            keyed, always = self._filed[verb]
            ranked = [*always, *(x for k in keyed.keys() & asked for x in keyed[k])]
            ranked.sort(key=lambda x: x[0])
            if len(self._fitting) >= _FITTING_MAX:
                self._fitting.clear()
            fitting = self._fitting[(verb, asked)] = tuple(
                p for _, p in ranked
                if p.required <= asked and _has_options(p.options, asked))
        return fitting

    def find(self, tokens: Tokens) -> Iterator[EventMatch]:
        """The events of a sentence: at each verb, the most specific row that matches."""
        present = tokens.present
        verbs = self._verbs & present  # a set operation rules out most sentences
        if not verbs:
            return
        lemmas, words, filed = tokens.lemmas, tokens.words, self._filed
        tried: dict[str, tuple[_Pattern, ...]] = {}  # per verb, the patterns it may match
        for i in tokens.positions(verbs):
            verb = lemmas[i] if lemmas[i] in filed else words[i]
            patterns = tried.get(verb)
            if patterns is None:
                patterns = tried[verb] = self._candidates(verb, present)
            for p in patterns:
                last = _match(tokens, i, p)
                if last is not None:
                    yield EventMatch(p.phrase, p.event, i, last, p.bare)
                    break


def _has_options(options: tuple[frozenset[str], ...], present: set[str]) -> bool:
    """Whether the sentence holds a first word of each element with alternatives."""
    return not options or all(not o.isdisjoint(present) for o in options)


def _at(tokens: Tokens, i: int, seq: tuple[str, ...]) -> int | None:
    """The last token of `seq` when it stands at token i, else None."""
    end = i + len(seq)
    if end > len(tokens.lemmas):
        return None
    for k, want in enumerate(seq):
        if tokens.lemmas[i + k] != want and tokens.words[i + k] != want:
            return None
    return end - 1


def _element_at(tokens: Tokens, j: int, starts: _Starts) -> int | None:
    """The last token of the element's first alternative (in its order) standing at
    token j, else None."""
    lemma_, word = tokens.lemmas[j], tokens.words[j]
    by_lemma = starts.get(lemma_)
    by_word = starts.get(word) if word != lemma_ else None
    if by_lemma is None and by_word is None:
        return None
    if by_lemma is not None and by_word is not None:
        alternatives = sorted(by_lemma + by_word)  # in the element's order
    else:
        alternatives = by_lemma or by_word  # type: ignore[assignment]
    for _, seq in alternatives:
        if len(seq) == 1:
            return j  # its one word is the word at j
        hit = _at(tokens, j, seq)
        if hit is not None:
            return hit
    return None


def _match(tokens: Tokens, i: int, p: _Pattern) -> int | None:
    """The last token of pattern p with its verb at token i, else None."""
    last = i
    n = len(tokens.lemmas)
    if p.rest:
        found = _at(tokens, i + 1, p.rest)
        if found is None:
            return None
        last = found
    for starts in p.post_firsts:
        hit = None
        for j in range(last + 1, min(n, last + 2 + GAP)):
            hit = _element_at(tokens, j, starts)
            if hit is not None:
                break
        if hit is None:
            return None
        last = hit
    start = i
    for starts in reversed(p.pre_firsts):
        hit = None
        for j in range(start - 1, max(-1, start - 2 - GAP), -1):
            if _element_at(tokens, j, starts) is not None:
                hit = j
                break
        if hit is None:
            return None
        start = hit
    return last


@lru_cache(maxsize=4)
def load_lexicon(name_or_path: str = BUNDLED) -> EventLexicon:
    """The verb dictionary at a path, or bundled by name, with the bundled synsets."""
    verbs = _rows(_read(name_or_path, BUNDLED))
    synsets = {
        row["synset"]: row["members"].split("|")
        for row in _rows(_read("cameo-synsets.tsv", "cameo-synsets.tsv"))
    }
    return EventLexicon(verbs, synsets)


@lru_cache(maxsize=1)
def code_labels() -> dict[str, str]:
    """CAMEO code -> label, for the codes of the config's own cues."""
    return {row["cameo_code"]: row["label"]
            for row in _rows(_read("cameo-codes.tsv", "cameo-codes.tsv"))}
