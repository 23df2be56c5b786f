"""A sentence as the statement extractor reads it, prepared once per sentence.

Its quotation spans, its fold with the quotations blanked out (so that verbs and names
inside someone's words are not read as the sentence's own) and the actor mentions
outside the quotations are what every speech cue of the sentence reads.
"""

from __future__ import annotations

from functools import lru_cache
from typing import NamedTuple

from dashboard.analysis.actors import Mention
from dashboard.analysis.quotes import mask
from dashboard.analysis.text import Folded, fold, quote_spans


class Sentence(NamedTuple):
    """A sentence as attribution needs it: its text, its masked fold, its quotations and
    the actor mentions outside them."""

    text: str
    folded: str  # folded, quotations blanked out
    spans: list[tuple[int, int]]
    mentions: list[Mention]


def read_sentence(folded: Folded, mentions: list[Mention]) -> Sentence:
    """The sentence's quotations, its masked fold and its mentions outside quotations."""
    text = folded.text
    spans = quote_spans(text)
    if folded.offsets is None:  # folding kept every place: mask the fold itself
        masked = mask(folded.folded, spans)
    else:
        masked = mask(text, spans)
        # when folding changes lengths, verbs are found on a safe copy (positions must
        # be the sentence's): lowered, not folded (folding it only to throw it away cost
        # as much as the rest of the sentence's attribution)
        masked = fold(masked) if fold_keeps_length(masked) else masked.lower()
    return Sentence(text, masked, spans, _outside_quotes(mentions, spans))


def fold_keeps_length(text: str) -> bool:
    """Whether `len(fold(text)) == len(text)`, without folding it: folding is character
    by character, so the length changes by what each non-ASCII character gains or loses
    ("…" becomes "...", "đ" "dj", a lone combining mark nothing)."""
    if text.isascii():
        return True
    change = 0
    for char in set(text):
        if not char.isascii():
            grows = _growth(char)
            if grows:
                change += grows * text.count(char)
    return change == 0


@lru_cache(maxsize=4096)
def _growth(char: str) -> int:
    return len(fold(char)) - 1


def _outside_quotes(mentions: list[Mention], spans: list[tuple[int, int]]) -> list[Mention]:
    """Mentions not inside a quotation (both lists are in text order: one merge pass)."""
    out, k = [], 0
    for m in mentions:
        while k < len(spans) and spans[k][1] <= m.start:
            k += 1
        if not (k < len(spans) and spans[k][0] <= m.start):
            out.append(m)
    return out
