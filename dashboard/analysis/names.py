"""Names of people nobody configured: runs of two to four capitalised words.

"John Smith said", "said German Foreign Minister Annalena Baerbock": the speaker is the
last run of 2-4 capitalised words before (or after) the verb that is neither a known
name nor a title, month or function word.
"""

from __future__ import annotations

import re

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


def _name_word(word: str) -> bool:
    """Whether a capitalised word may be part of a name (not a title or function word)."""
    return fold(word.rstrip(".")) not in _NOT_NAME


def _in_any(spans: list[tuple[int, int]], pos: int) -> bool:
    """Whether pos lies in one of the spans (a plain loop: any() over a generator costs
    more on this hot path)."""
    for a, b in spans:  # noqa: SIM110
        if a <= pos < b:
            return True
    return False


def last_run(
    sentence: str, lo: int, hi: int, mentions: list[Mention]
) -> tuple[int, int] | None:
    """(start, end) of the last run of 2-4 capitalised words in sentence[lo:hi] that is
    no known name (no word inside a mention)."""
    taken = [(m.start, m.end) for m in mentions]
    runs: list[list[tuple[int, int]]] = []
    current: list[tuple[int, int]] = []
    # Lower-case tokens are never part of a name and only end the run before them, which
    # the gap check below sees as well (the gap then holds them), so only capitalised
    # tokens are visited.
    for tok in _CAPITALISED_TOKEN.finditer(sentence[lo:hi]):
        word = tok.group("token")
        if not word[0].isupper():
            continue  # a non-ASCII lower-case letter
        start, end = tok.start("token") + lo, tok.end() + lo
        ok = _name_word(word) and not _in_any(taken, start)
        if ok and (not current or sentence[current[-1][1] : start] == " "):
            current.append((start, end))
            continue
        if len(current) >= _MIN_RUN:
            runs.append(current)
        current = [(start, end)] if ok else []
    if len(current) >= _MIN_RUN:
        runs.append(current)
    runs = [r for r in runs if len(r) <= _MAX_RUN]
    if not runs:
        return None
    return runs[-1][0][0], runs[-1][-1][1]
