"""Compiling config phrases into one regex per phrase set, matched on folded text.

A phrase is matched case- and accent-insensitively on whole words. Two wildcards keep
configs short: a word ending in `*` matches any ending ("clash*" = clash, clashes,
clashed), and a lone `*` stands for up to `GAP` words ("return of * troops" matches
"return of up to a thousand Serbian troops"). All phrases of a set go into one
alternation, longest first, so a sentence is scanned once whatever the number of phrases;
every repetition is bounded, so matching stays linear in the text.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Iterator
from dataclasses import dataclass

from dashboard.analysis.text import fold, is_negated

GAP = 8  # the most words a lone `*` skips
_GAP_RE = rf"(?:\s+[^\s.;:!?]+){{0,{GAP}}}?"


def _phrase_regex(phrase: str) -> str:
    """The regex of one phrase (already folded), without word boundaries."""
    out = ""
    for token in phrase.split():
        if token == "*":
            out += _GAP_RE
            continue
        sep = r"\s+" if out else ""
        if token.endswith("*") and len(token) > 1:
            out += sep + re.escape(token[:-1]) + r"\w*"
        else:
            out += sep + re.escape(token)
    return out


@dataclass(frozen=True, slots=True)
class PhraseMatch:
    """One phrase found in folded text: which set entry it belongs to and where."""

    key: str
    start: int
    end: int


class PhraseSet:
    """Phrases grouped under keys (a topic id, a cue id), compiled into one regex."""

    def __init__(self, groups: Iterable[tuple[str, Iterable[str]]]):
        entries: list[tuple[str, str]] = []  # (folded phrase, key)
        for key, phrases in groups:
            for phrase in phrases:
                folded = " ".join(fold(phrase).split())
                if folded.strip("* "):
                    entries.append((folded, key))
        # longest first: at one position the most specific phrase wins
        entries.sort(key=lambda e: len(e[0]), reverse=True)
        self._keys = [key for _, key in entries]
        alternatives = [f"(?P<p{i}>{_phrase_regex(p)})" for i, (p, _) in enumerate(entries)]
        body = "|".join(alternatives) or r"(?!x)x"
        self._regex = re.compile(r"(?<!\w)(?:" + body + r")(?!\w)")

    def finditer(self, folded: str) -> Iterator[PhraseMatch]:
        """Non-overlapping phrases in `folded` text (see text.fold), left to right."""
        for m in self._regex.finditer(folded):
            index = int(m.lastgroup[1:])  # type: ignore[index]
            yield PhraseMatch(self._keys[index], m.start(), m.end())


# Words that open a new clause: a negation before them does not reach past them
# ("a clash cannot be allowed, but steps towards war have been taken").
_CLAUSE_OPENERS = re.compile(r"(?<!\w)(?:but|however|yet|although|though|whereas|while)(?!\w)")


def negated(folded: str, start: int, end: int) -> bool:
    """text.is_negated, with the look-back cut at the last clause opener before `start`."""
    lookback = max(0, start - 60)
    cut = lookback
    for m in _CLAUSE_OPENERS.finditer(folded, lookback, start):
        cut = m.end()
    return is_negated(folded[cut:end], start - cut, end - cut)
