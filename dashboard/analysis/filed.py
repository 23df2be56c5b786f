"""Many word forms found in a text: one trie-shaped regex, and the forms filed by piece.

The one regex over every form (`trie_regex`) tries each position of a text. A text's
word pieces (`text.word_pieces`, computed once per sentence and shared by the steps)
tell which forms can be in it at all: a form standing as a word has its longest piece
among them. So the forms filed under the text's pieces are looked for instead, each
piece's in a small regex that opens with their letters, which the regex engine skips
to. Those regexes leave the test of a word's start to Python: a form found inside a
word, or overlapping another piece's form, leaves the text to the one regex, as do texts
with many pieces (each small regex reads the whole text) and long ones (a hostile run-on
sentence, read lazily as its reader stops early).
"""

from __future__ import annotations

import re
from collections.abc import Iterable

from dashboard.analysis.text import word_pieces

_MAX_TEXT = 2000  # characters: longer texts are read lazily by the one regex


def trie_regex(words: Iterable[str]) -> str:
    """A regex matching any of `words`, shaped as a prefix trie (longest first).

    At each position the regex follows the text's characters down the trie instead of
    trying every word in turn, so its cost hardly grows with the number of words.
    """
    trie: dict = {}
    for word in words:
        node = trie
        for ch in word:
            node = node.setdefault(ch, {})
        node[""] = {}

    def render(node: dict) -> str:
        ends = "" in node
        branches = [re.escape(ch) + render(child) for ch, child in node.items() if ch]
        if not branches:
            return ""
        body = branches[0] if len(branches) == 1 else "(?:" + "|".join(branches) + ")"
        if ends:
            body = "(?:" + body + ")?"
        return body

    return render(trie)


class FiledForms:
    """Forms matched as whole words: `regex`, and `finditer` that finds what it finds
    reading only the forms a text's pieces allow.

    `edge` is the regex character class that may not stand right before or after a
    form (r"\\w": a word character). `most` is the number of pieces a text may hold for
    their small regexes to be read instead of the one regex.
    """

    def __init__(self, forms: Iterable[str], edge: str, most: int):
        ordered = sorted(dict.fromkeys(forms), key=len, reverse=True)  # (given order in ties)
        body = trie_regex(ordered) if ordered else r"(?!x)x"
        self.regex = re.compile(rf"(?<!{edge})(?:{body})(?!{edge})")
        self._edge = re.compile(edge)
        self._after = rf"(?!{edge})"
        self._most = most
        self._filed: dict[bytes, list[str]] = {}
        self._everywhere = False  # a form without pieces could be anywhere
        for form in ordered:
            pieces = word_pieces(form)
            if pieces:
                self._filed.setdefault(max(pieces, key=len), []).append(form)
            else:
                self._everywhere = True
        self.pieces = frozenset(self._filed)  # a text without any holds no form
        self._regexes: dict[bytes, re.Pattern[str]] = {}  # compiled on first use

    def finditer(
        self, text: str, pieces: frozenset[bytes] | None
    ) -> Iterable[re.Match[str]]:
        """The forms in `text`, left to right: what `regex.finditer(text)` finds.

        `pieces` are `word_pieces(text)` (or of the text before some of its words were
        blanked out), else None.
        """
        if pieces is None or self._everywhere or len(text) > _MAX_TEXT:
            return self.regex.finditer(text)
        if self.pieces.isdisjoint(pieces):
            return ()  # (most texts, for most lexicons: no set is built)
        keys = self.pieces & pieces
        if len(keys) > self._most:
            return self.regex.finditer(text)
        if len(keys) == 1:
            found = list(self._small(next(iter(keys))).finditer(text))
        else:
            found = [m for key in keys for m in self._small(key).finditer(text)]
            found.sort(key=_start)
        end = 0
        for m in found:
            start = m.start()
            if start < end or (start and self._edge.match(text, start - 1)):
                return self.regex.finditer(text)
            end = m.end()
        return found

    def _small(self, piece: bytes) -> re.Pattern[str]:
        regex = self._regexes.get(piece)
        if regex is None:
            body = trie_regex(self._filed[piece])  # (longest first, as in the one regex)
            regex = self._regexes[piece] = re.compile(f"(?:{body}){self._after}")
        return regex


def _start(m: re.Match[str]) -> int:
    return m.start()
