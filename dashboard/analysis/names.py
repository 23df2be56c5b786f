"""Names of people nobody configured: runs of two to four capitalised words.

"John Smith said", "said German Foreign Minister Annalena Baerbock": the speaker is the
last run of 2-4 capitalised words before (or after) the verb that is neither a known
name nor a title, month or function word.
"""

from __future__ import annotations

import re
from functools import lru_cache

from dashboard.analysis.actors import Mention
from dashboard.analysis.text import fold, words

_MIN_RUN, _MAX_RUN = 2, 4  # words of a name
# Capitalised words that are titles, months or function words, never part of a name.
_NOT_NAME = words(
    "the a an on in at after before according during while when since mr mrs ms dr "
    "president prime minister foreign defence defense interior secretary general special "
    "representative envoy spokesperson spokesman spokeswoman ambassador commander chief head "
    "deputy director office ministry government council department state leader mayor "
    "monday tuesday wednesday thursday friday saturday sunday january february march april "
    "may june july august september october november december radio agency news tv "
    "however but and meanwhile earlier later also it he she they we i this that "
    "coordinator commissioner chairman chairwoman chair adviser advisor official officials "
    "correspondent high"
)
# The tokens that may start with a capital: a token starts at the first letter of a run of
# token characters (leading digits, "_", "'", "." and "-" skipped) and here that letter is
# A-Z or any non-ASCII letter, so that lower-case English words never reach Python.
_CAPITALISED_TOKEN = re.compile(
    r"(?<![\w'’.-])[\d_'’.-]*(?P<token>(?:[A-Z]|(?=[^\x00-\x7f])[^\W\d_])[\w'’.-]*)"
)
_TOKEN_CHAR = re.compile(r"[\w'’.-]")  # what a token is made of


@lru_cache(maxsize=8192)
def _name_word(word: str) -> bool:
    """Whether a capitalised word may be part of a name (not a title or function word)."""
    return fold(word.rstrip(".")) not in _NOT_NAME


def _in_mention(mentions: list[Mention], pos: int) -> bool:
    """Whether pos lies in one of the mentions (a plain loop: any() over a generator
    costs more on this hot path)."""
    for m in mentions:  # noqa: SIM110
        if m.start <= pos < m.end:
            return True
    return False


def last_run(
    sentence: str, lo: int, hi: int, mentions: list[Mention]
) -> tuple[int, int] | None:
    """(start, end) of the last run of 2-4 capitalised words in sentence[lo:hi] that is
    no known name (no word inside a mention).

    A run is a row of name words, one space apart; lower-case tokens are never part of
    a name and only end the run before them, which the one-space test sees as well, so
    only capitalised tokens are visited.
    """
    found = None
    first = end = -1  # where the current run starts and ends
    count = 0  # its words
    for tok in _CAPITALISED_TOKEN.finditer(sentence[lo:hi]):
        word = tok.group("token")
        if not word[0].isupper():
            continue  # a non-ASCII lower-case letter
        start = tok.start("token") + lo
        ok = _name_word(word) and not _in_mention(mentions, start)
        if ok and (not count or sentence[end:start] == " "):
            first = start if not count else first
            count += 1
            end = tok.end() + lo
            continue
        if _MIN_RUN <= count <= _MAX_RUN:
            found = (first, end)
        count = 1 if ok else 0
        first, end = start, tok.end() + lo
    if _MIN_RUN <= count <= _MAX_RUN:
        found = (first, end)
    return found


def cuts_no_word(sentence: str, at: int) -> bool:
    """Whether a window edge at `at` cuts through no token (a token's characters on both
    sides would be read as two tokens: "Kurti-Jones" cut after "Kurti" is "Jones")."""
    return at <= 0 or at >= len(sentence) or not (
        _TOKEN_CHAR.match(sentence, at - 1) and _TOKEN_CHAR.match(sentence, at))
