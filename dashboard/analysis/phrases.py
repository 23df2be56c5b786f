"""Compiling config phrases into one regex per phrase set, matched on folded text.

A phrase is matched case- and accent-insensitively on whole words. Two wildcards keep
configs short: a word ending in `*` matches any ending ("clash*" = clash, clashes,
clashed), and a lone `*` stands for up to `GAP` words ("return of * troops" matches
"return of up to a thousand Serbian troops"). All phrases of a set go into one
alternation, so a sentence is scanned once whatever the number of phrases;
every repetition is bounded, so matching stays linear in the text. The alternation is
shaped as a trie (like actors.ActorMatcher), so its cost hardly grows with the number
of phrases; where phrases nest, the more literal one is tried first.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Iterator
from typing import NamedTuple

from dashboard.analysis.text import Folded, fold, is_negated, may_be_negated, word_pieces

GAP = 8  # the most words a lone `*` skips
# Trie tokens besides plain characters (a NUL never occurs in a folded phrase).
_WS, _SKIP, _ANY_END = "\0ws", "\0gap", "\0end"
_ORDER = {_WS: 1, _SKIP: 2, _ANY_END: 3}
_RENDER = {_WS: r"\s+", _SKIP: rf"(?:\s+[^\s.;:!?]+){{0,{GAP}}}?", _ANY_END: r"\w*"}


def _tokens(phrase: str) -> list[str]:
    """A folded phrase as trie tokens: characters, word gaps and wildcards."""
    out: list[str] = []
    for word in phrase.split():
        if word == "*":
            out.append(_SKIP)
            continue
        if out:
            out.append(_WS)
        if word.endswith("*"):
            out.extend(word[:-1])
            out.append(_ANY_END)
        else:
            out.extend(word)
    return out


def _render(node: dict) -> str:
    """The regex of a trie node: its branches, then (if a phrase ends here) its marker."""
    # literal characters before wildcards, so the most specific phrase is tried first
    # ("barricades were removed" before "barricade*")
    tokens = sorted((t for t in node if t is not None), key=lambda t: _ORDER.get(t, 0))
    branches = [(_RENDER.get(t) or re.escape(t)) + _render(node[t]) for t in tokens]
    if None in node:
        branches.append(f"(?P<p{node[None]}>)")  # an empty group names the phrase
    if len(branches) == 1:
        return branches[0]
    return "(?:" + "|".join(branches) + ")"


def _longest_literal(tokens: list[str]) -> str:
    """The longest run of plain characters in a phrase's tokens (no space or wildcard)."""
    runs = "".join(t if len(t) == 1 else "\0" for t in tokens).split("\0")
    return max(runs, key=len)


def _pieces_needed(phrase: str) -> frozenset[bytes]:
    """The word pieces (see text.word_pieces) of the phrase's whole words.

    A whole word (no wildcard) of a match stands between spaces or non-word characters,
    so each of its pieces is a piece of the matched text.
    """
    return frozenset(
        p for w in fold(phrase).split() if not w.endswith("*") for p in word_pieces(w)
    )


def _least_literals(literals: Iterable[str]) -> tuple[str, ...]:
    """The literals minus those holding another one: where the longer occurs, so does
    the shorter, so testing the shorter alone tells whether any of them occurs."""
    kept: list[str] = []
    for lit in sorted(set(literals), key=len):
        if not any(k in lit for k in kept):
            kept.append(lit)
    return tuple(kept)


class PhraseMatch(NamedTuple):
    """One phrase found in folded text: which set entry it belongs to and where."""

    key: str
    start: int
    end: int


class PhraseSet:
    """Phrases grouped under keys (a topic id, a cue id), compiled into one regex."""

    def __init__(self, groups: Iterable[tuple[str, Iterable[str]]]):
        # one trie over all phrases: at each position the regex follows the text's
        # characters instead of trying every phrase in turn
        trie: dict = {}
        self._keys: list[str] = []
        needs: dict[bytes, set[frozenset[bytes]]] = {}  # the word pieces a match holds
        stems: list[str] = []  # for phrases with no whole word: a run every match holds
        for key, phrases in groups:
            for phrase in phrases:
                tokens = _tokens(" ".join(fold(phrase).split()))
                if not any(len(t) == 1 for t in tokens):
                    continue  # empty, or wildcards only
                node = trie
                for token in tokens:
                    node = node.setdefault(token, {})
                if None not in node:  # the first key given for a phrase keeps it
                    node[None] = len(self._keys)
                    self._keys.append(key)
                need = _pieces_needed(phrase)
                if need:  # filed under its longest piece
                    needs.setdefault(max(need, key=len), set()).add(need)
                else:
                    stems.append(_longest_literal(tokens))
        body = _render(trie) if trie else r"(?!x)x"
        self._regex = re.compile(r"(?<!\w)" + body + r"(?!\w)")
        self._needs = {key: tuple(group) for key, group in needs.items()}
        self._stems = _least_literals(stems)
        # the stems as one alternation: one scan of the sentence instead of one per stem
        self._any_stem = (re.compile("|".join(map(re.escape, self._stems))).search
                          if self._stems else None)
        self._key_of = {f"p{index}": key for index, key in enumerate(self._keys)}

    def may_match(self, sentence: Folded) -> bool:
        """False when no phrase can match the sentence, told from its word pieces (see
        text.word_pieces) in a few set operations, without running the regex."""
        pieces = sentence.pieces
        for key in self._needs.keys() & pieces:
            for need in self._needs[key]:
                if need <= pieces:
                    return True
        return self._any_stem is not None and self._any_stem(sentence.folded) is not None

    def finditer(self, folded: str) -> Iterator[PhraseMatch]:
        """Non-overlapping phrases in `folded` text (see text.fold), left to right."""
        key_of = self._key_of
        for m in self._regex.finditer(folded):
            yield PhraseMatch(key_of[m.lastgroup], m.start(), m.end())  # type: ignore[index]


# Words that open a new clause: a negation before them does not reach past them
# ("a clash cannot be allowed, but steps towards war have been taken").
_CLAUSE_OPENERS = re.compile(r"(?<!\w)(?:but|however|yet|although|though|whereas|while)(?!\w)")


def negated(folded: str, start: int, end: int) -> bool:
    """text.is_negated, with the look-back cut at the last clause opener before `start`."""
    if not may_be_negated(folded, start):
        return False  # no negation word before the phrase: no clause scan needed
    lookback = max(0, start - 60)
    cut = lookback
    for m in _CLAUSE_OPENERS.finditer(folded, lookback, start):
        cut = m.end()
    return is_negated(folded[cut:end], start - cut, end - cut)
