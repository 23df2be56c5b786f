"""Words of a sentence with their lemmas, for matching by meaning rather than by form.

A sentence's folded text is cut into word tokens once; each token keeps its place in the
folded text and its English lemma (simplemma's bundled dictionary: no model, no network),
so "returning", "returned" and "return" all read as `return`. Lemmas are cached per
distinct word, so an article costs one dictionary look-up per new word. `LemmaIndex` is
the matcher built on this: lemma sequences grouped under keys, found in one pass over the
tokens (a dict look-up per token), however many sequences there are.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Iterator
from typing import NamedTuple

import simplemma

from dashboard.analysis.text import Folded, fold

# Words (with an inner apostrophe: "kosovo's", "doesn't"); hyphens split words, so
# "serb-majority" is "serb" "majority" and "eu-facilitated" is "eu" "facilitated".
_WORD = re.compile(r"\w+(?:['’]\w+)?")
_LEMMAS: dict[str, str] = {}
_LEMMA_CACHE_MAX = 200_000  # distinct words; hostile text cannot grow it without bound


def lemma(word: str) -> str:
    """The lemma of one folded word ("troops" -> "troop", "kosovo's" -> "kosovo")."""
    found = _LEMMAS.get(word)
    if found is None:
        base = word
        if base.endswith(("'s", "’s")):
            base = base[:-2]
        elif base.endswith(("s'", "s’")):
            base = base[:-1]
        found = simplemma.lemmatize(base, lang="en").lower() if base.isalpha() else base
        if len(_LEMMAS) >= _LEMMA_CACHE_MAX:
            _LEMMAS.clear()
        _LEMMAS[word] = found
    return found


class Tokens(NamedTuple):
    """The words of a folded sentence: their text, lemma and span in the folded text."""

    words: list[str]
    lemmas: list[str]
    starts: list[int]
    ends: list[int]


def tokens_of(sentence: Folded) -> Tokens:
    """The tokens of a sentence, computed once and kept on it."""
    found = sentence.tokens
    if found is None:
        words, starts, ends = [], [], []
        for m in _WORD.finditer(sentence.folded):
            words.append(m.group())
            starts.append(m.start())
            ends.append(m.end())
        found = sentence.tokens = Tokens(words, [lemma(w) for w in words], starts, ends)
    return found


def phrase_lemmas(phrase: str) -> tuple[str, ...]:
    """A config phrase as a lemma sequence ("Serbian troops" -> ("serbian", "troop"))."""
    return tuple(lemma(w) for w in _WORD.findall(fold(phrase)))


class LemmaMatch(NamedTuple):
    """A lemma sequence found in a sentence: its key and token range [first, last]."""

    key: str
    first: int
    last: int


class LemmaIndex:
    """Lemma sequences under keys, found by one dict look-up per token.

    Sequences are indexed by their first lemma; at each token only the sequences that
    start with its lemma (or its surface word) are compared, longest first, so the cost
    does not grow with the size of the lexicon.
    """

    def __init__(self, entries: Iterable[tuple[str, Iterable[str]]]):
        self._by_first: dict[str, list[tuple[tuple[str, ...], str]]] = {}
        for key, phrases in entries:
            for phrase in phrases:
                seq = phrase_lemmas(phrase)
                if seq:
                    self._by_first.setdefault(seq[0], []).append((seq, key))
        for options in self._by_first.values():
            options.sort(key=lambda o: -len(o[0]))

    def __bool__(self) -> bool:
        return bool(self._by_first)

    def find(self, tokens: Tokens) -> Iterator[LemmaMatch]:
        """Every sequence at every token, longest first at each place (they may overlap)."""
        lemmas, words, by_first = tokens.lemmas, tokens.words, self._by_first
        n = len(lemmas)
        for i, lem in enumerate(lemmas):
            options = by_first.get(lem)
            if options is None:
                options = by_first.get(words[i])
                if options is None:
                    continue
            for seq, key in options:
                end = i + len(seq)
                if end <= n and all(
                    lemmas[i + k] == seq[k] or words[i + k] == seq[k]
                    for k in range(1, len(seq))
                ):
                    yield LemmaMatch(key, i, end - 1)
