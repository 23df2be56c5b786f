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
from collections.abc import Hashable, Iterable, Iterator
from itertools import accumulate
from typing import Any, NamedTuple

from dashboard.analysis.text import Folded, fold

# Words (with an inner apostrophe: "kosovo's", "doesn't"); hyphens split words, so
# "serb-majority" is "serb" "majority" and "eu-facilitated" is "eu" "facilitated".
_WORD = re.compile(r"\w+(?:['’]\w+)?")
# The same words as a split's captured parts: separators and words alternate, so their
# running lengths give every word's span without a match object per word.
_CUT = re.compile(r"(\w+(?:['’]\w+)?)")
_LEMMAS: dict[str, str] = {}
_LEMMA_CACHE_MAX = 200_000  # distinct words; hostile text cannot grow it without bound


def _lemmatize(word: str) -> str:
    # imported on the first new word: a process that only scores stored cue hits (the
    # collector's history point) never loads the dictionary (0.1-0.25 s)
    import simplemma

    return simplemma.lemmatize(word, lang="en").lower()


def lemma(word: str) -> str:
    """The lemma of one folded word ("troops" -> "troop", "kosovo's" -> "kosovo")."""
    found = _LEMMAS.get(word)
    if found is None:
        base = word
        if base.endswith(("'s", "’s")):
            base = base[:-2]
        elif base.endswith(("s'", "s’")):
            base = base[:-1]
        found = _lemmatize(base) if base.isalpha() else base
        if len(_LEMMAS) >= _LEMMA_CACHE_MAX:
            _LEMMAS.clear()
        _LEMMAS[word] = found
    return found


class Tokens:
    """The words of a folded sentence with their lemmas and their spans in the folded
    text; a set of every word and lemma is worked out on first use."""

    __slots__ = ("_present", "colons", "ends", "lemmas", "starts", "words")

    def __init__(self, folded: str):
        parts = _CUT.split(folded)  # separator, word, separator, ..., separator
        self.words: list[str] = parts[1::2]
        # known words in C (map over the cache); a new word is looked up once
        lemmas: list[str] = list(map(_LEMMAS.get, self.words))  # type: ignore[arg-type]
        if None in lemmas:
            lemmas = [found or lemma(w) for found, w in zip(lemmas, self.words, strict=True)]
        self.lemmas = lemmas
        # the running lengths of the parts are where each part ends (in C, cheaper than
        # a match object per word, and plain attributes: the matchers read them in loops)
        offsets = list(accumulate(map(len, parts)))
        self.starts: list[int] = offsets[:-1:2]  # where each word starts
        self.ends: list[int] = offsets[1::2]  # where each word ends
        self._present: set[str] | None = None
        # whether a ";" or ":" stands in the sentence: of the clause breaks the readers
        # look for between two words only these can stand there (a gap holds no letters)
        self.colons: bool = ";" in folded or ":" in folded

    @property
    def present(self) -> set[str]:
        """Every word and lemma of the sentence."""
        if self._present is None:
            self._present = set(self.words)
            self._present.update(self.lemmas)
        return self._present

    def positions(self, keys: set[str]) -> list[int]:
        """The indices of the words whose lemma or text is one of `keys`, in order."""
        lemmas, words = self.lemmas, self.words
        return [i for i in range(len(words)) if lemmas[i] in keys or words[i] in keys]


def tokens_of(sentence: Folded) -> Tokens:
    """The tokens of a sentence, computed once and kept on it."""
    found = sentence.tokens
    if found is None:
        found = sentence.tokens = Tokens(sentence.folded)
    return found  # type: ignore[return-value]


def phrase_lemmas(phrase: str) -> tuple[str, ...]:
    """A config phrase as a lemma sequence ("Serbian troops" -> ("serbian", "troop"))."""
    return tuple(lemma(w) for w in _WORD.findall(fold(phrase)))


class LemmaMatch(NamedTuple):
    """A lemma sequence found in a sentence: its key and token range [first, last]."""

    key: Any
    first: int
    last: int


class LemmaIndex:
    """Lemma sequences under keys, found by one dict look-up per token.

    Sequences are indexed by their first lemma; at each token only the sequences that
    start with its lemma (or its surface word) are compared, longest first, so the cost
    does not grow with the size of the lexicon.
    """

    def __init__(self, entries: Iterable[tuple[Hashable, Iterable[str]]]):
        # first lemma -> (the lemmas after it, key), longest first
        self._by_first: dict[str, list[tuple[tuple[str, ...], Any]]] = {}
        for key, phrases in entries:
            for phrase in phrases:
                seq = phrase_lemmas(phrase)
                if seq:
                    self._by_first.setdefault(seq[0], []).append((seq[1:], key))
        for options in self._by_first.values():
            options.sort(key=lambda o: -len(o[0]))
        self._firsts = frozenset(self._by_first)

    def __bool__(self) -> bool:
        return bool(self._by_first)

    def find(self, tokens: Tokens) -> Iterator[LemmaMatch]:
        """Every sequence at every token, longest first at each place (they may overlap)."""
        keys = self._firsts & tokens.present  # a set operation rules out most sentences
        if not keys:
            return
        lemmas, words, by_first = tokens.lemmas, tokens.words, self._by_first
        n = len(lemmas)
        for i in tokens.positions(keys):
            options = by_first.get(lemmas[i]) or by_first[words[i]]
            for rest, key in options:
                if not rest:  # a one-word sequence: its word is this one
                    yield LemmaMatch(key, i, i)
                elif i + len(rest) < n and _follows(lemmas, words, i + 1, rest):
                    yield LemmaMatch(key, i, i + len(rest))


def _follows(lemmas: list[str], words: list[str], at: int, rest: tuple[str, ...]) -> bool:
    """Whether each of `rest` is the lemma or the word of the tokens from `at` on."""
    for k, want in enumerate(rest, start=at):
        if lemmas[k] != want and words[k] != want:
            return False
    return True
