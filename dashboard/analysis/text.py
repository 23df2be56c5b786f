"""Plain-text helpers the analysis shares: folding, paragraphs, sentences, negation.

Everything here is linear in the length of the text: the regexes are compiled once and
have no nested unbounded repetition, and the scanners walk the text a fixed number of
times. News text is untrusted, so hostile input (200 KB lines, runs of quotes, unmatched
quotes) must cost no more than ordinary input of the same size.
"""

from __future__ import annotations

import re
import unicodedata
from functools import lru_cache

# Letters NFKD does not decompose. "đ" is romanised "dj" as in Serbian news ("Djuric"),
# so Đurić and Djuric fold alike; ø/æ/ł follow the usual English transliterations.
_EXTRA = {"đ": "dj", "ð": "d", "ø": "o", "æ": "ae", "œ": "oe", "ł": "l", "ı": "i", "ħ": "h"}


@lru_cache(maxsize=4096)
def _fold_char(char: str) -> str:
    low = char.casefold()
    out = []
    for c in low:
        if c in _EXTRA:
            out.append(_EXTRA[c])
            continue
        for d in unicodedata.normalize("NFKD", c):
            if not unicodedata.combining(d):
                out.append(_EXTRA.get(d, d))
    return "".join(out)


_NON_ASCII = re.compile(r"[^\x00-\x7f]+")


def fold(s: str) -> str:
    """Accent-insensitive, casefolded text: "Vučić" -> "vucic", "Đurić" -> "djuric".

    NFKD, combining marks dropped, casefold; đ becomes "dj" (the Serbian convention).
    """
    return fold_with_offsets(s)[0]


def fold_with_offsets(s: str) -> tuple[str, list[int] | None]:
    """`fold(s)` and, for each folded character, the index of the original it came from.

    The offsets are None when folding kept every character in place (ASCII text, curly
    quotes, most accents), so the common case costs nothing extra. Otherwise a final
    entry maps the folded length to len(s).
    """
    in_place = _fold_in_place(s)
    return (in_place, None) if in_place is not None else _fold_by_char(s)


def _fold_in_place(s: str) -> str | None:
    """`fold(s)` when folding keeps every character in place, else None."""
    if s.isascii():
        return s.lower()
    # Lower the ASCII letters in C (bytes.lower leaves UTF-8 sequences alone), then
    # replace each distinct non-ASCII character by its fold: a few C passes instead of
    # a per-character loop.
    encoded = s.encode("utf-8", "surrogatepass")
    folded = encoded.lower().decode("utf-8", "surrogatepass")
    others = set(encoded.translate(None, _ASCII_BYTES).decode("utf-8", "surrogatepass"))
    for char in others:
        into = _fold_char(char)
        if into == char:
            continue
        if len(into) != 1 or (into in others and _fold_char(into) != into):
            # a length change needs offsets; a chain (a -> b -> c) needs char-wise order
            return None
        folded = folded.replace(char, into)
    return folded


_ASCII_BYTES = bytes(range(128))


def _fold_by_char(s: str) -> tuple[str, list[int] | None]:
    """`fold_with_offsets`, character by character where it must be: ASCII runs are
    lowered in C and their offsets are ranges; only non-ASCII characters are read one
    by one."""
    parts: list[str] = []
    offsets: list[int] = []
    shifted = False
    pos = 0
    for m in _NON_ASCII.finditer(s):
        start = m.start()
        parts.append(s[pos:start].lower())
        offsets.extend(range(pos, start))
        for index, c in enumerate(m.group(), start):
            f = _fold_char(c)
            if len(f) != 1:
                shifted = True
                offsets.extend([index] * len(f))
            else:
                offsets.append(index)
            parts.append(f)
        pos = m.end()
    parts.append(s[pos:].lower())
    folded = "".join(parts)
    if not shifted:
        return folded, None
    offsets.extend(range(pos, len(s)))
    offsets.append(len(s))
    return folded, offsets


def words(text: str) -> frozenset[str]:
    """A set of the space-separated words in `text` (for readable word lists)."""
    return frozenset(text.split())


# --- paragraphs ----------------------------------------------------------------------

_BLANK_LINES = re.compile(r"\n[ \t\r\f\v]*\n\s*")
# A newline ends a paragraph when the line before it ends a sentence; a hard-wrapped
# line (ending mid-sentence) is joined to the next.
_LINE_END_SENTENCE = re.compile(r"(?<=[.!?:\"”’»)\]])[ \t]*\r?\n")


def split_paragraphs(text: str) -> list[str]:
    """Paragraphs of `text`: blank-line separated, and lines that end a sentence.

    Feeds often put one paragraph per line without blank lines between them, so a line
    that ends with sentence punctuation also ends its paragraph; other single newlines
    are hard wraps and become spaces.
    """
    out = []
    for block in _BLANK_LINES.split(text):
        # (the split's leading look-behind is tried at every character: skip it when
        # there is no line end to split at, as in most feed summaries)
        for para in _LINE_END_SENTENCE.split(block) if "\n" in block else (block,):
            para = " ".join(para.split())
            if para:
                out.append(para)
    return out


# --- sentences -----------------------------------------------------------------------

# Words that end with a period without ending a sentence (folded, no period).
ABBREVIATIONS = words(
    "mr mrs ms dr prof gen lt col maj capt cmdr adm sgt rev sen rep gov pres amb hon st mt "
    "jr sr co corp inc ltd approx est dept univ vs etc al cf "
    "jan feb mar apr jun jul aug sep sept oct nov dec e.g i.e a.m p.m"
)
# Abbreviations only before a number ("No. 5", "Art. 2"): "said no." ends a sentence.
_NUMBER_ABBREVIATIONS = words("no nos vol art para fig p pp")
# After a dotted acronym ("U.S.") a sentence ends only if the next word usually starts one.
_SENTENCE_STARTERS = words(
    "the a an he she it they we i you this that these those but however in on at after "
    "before when while meanwhile earlier later there his her its their our also according "
    "both some many most no not one two three"
)

# A candidate end: terminal punctuation (also doubled "..", "?!"), then closing quotes or
# brackets glued to it, then whitespace. Every quantifier is over a single char class.
_BOUNDARY = re.compile(r"[.!?…][.!?…]*[\"”’'»)\]]*\s+")  # (one char first: a faster scan)
_WORD_CHARS = re.compile(r"[\w.]+")
_QUOTE_OPEN_CLOSE = {"“": "”", "„": "“", "«": "»"}
_MAX_QUOTE = 1500  # a "quote" longer than this is an unmatched quote mark, not speech


_QUOTE_OPEN = re.compile(r'[“„«"]')


def quote_spans(text: str) -> list[tuple[int, int]]:
    """(start, end) of each quotation, marks included, in one left-to-right pass.

    Curly quotes pair by kind; straight double quotes pair in turn. An opening mark with
    no close within _MAX_QUOTE characters is ignored, so one stray quote cannot swallow
    a paragraph. The next closing mark of each kind is remembered, so runs of unmatched
    marks never rescan the text (linear time).
    """
    spans: list[tuple[int, int]] = []
    next_close: dict[str, int] = {}  # close mark -> index of its next occurrence (-1: none)
    n = len(text)
    i = 0
    while True:
        m = _QUOTE_OPEN.search(text, i)
        if m is None:
            return spans
        a = m.start()
        close = _QUOTE_OPEN_CLOSE.get(m.group(), '"')
        j = next_close.get(close, a)
        if j != -1 and j <= a:
            j = text.find(close, a + 1)
            next_close[close] = j
        if m.group() == "„" and (j < 0 or j - a > _MAX_QUOTE):  # German „…” also occurs
            j2 = text.find("”", a + 1, min(n, a + 1 + _MAX_QUOTE))
            j = j2 if j2 >= 0 else j
        if j < 0 or j - a > _MAX_QUOTE:
            i = a + 1
            continue
        spans.append((a, j + 1))
        i = j + 1


def _inside(spans: list[tuple[int, int]], pos: int, cursor: list[int]) -> bool:
    """True when pos lies strictly inside a span; positions are asked in rising order."""
    k = cursor[0]
    while k < len(spans) and spans[k][1] <= pos:
        k += 1
    cursor[0] = k
    return k < len(spans) and spans[k][0] < pos < spans[k][1]


def _word_before(text: str, end: int) -> str:
    """The word (letters, digits, inner dots) ending at `end`, trailing dots removed,
    looking back at most 20 characters: "Mr" for "... Mr." and "U.S" for "the U.S.".

    Matched on the reversed window: one anchored match, not a search from each start.
    """
    m = _WORD_CHARS.match(text[max(0, end - 20) : end][::-1])
    if m is None:
        return ""
    run = m.group()[::-1]
    return run.rstrip(".") or run[0]


def _is_boundary(text: str, start: int, end: int) -> bool:
    """Whether the punctuation run at text[start:end] really ends a sentence."""
    nxt = text[end : end + 1]
    if not nxt:
        return True
    punct = text[start]
    if punct == "." and text[start : start + 2] != "..":
        word = fold(_word_before(text, start))
        if word in ABBREVIATIONS:
            return False
        if word in _NUMBER_ABBREVIATIONS and nxt.isdigit():
            return False
        if len(word) == 1 and word.isalpha() and text[start - 1].isupper():
            return False  # an initial: "John F. Kennedy"
        if "." in word.strip("."):  # a dotted acronym: U.S., U.N.
            following = text[end : end + 15].split(" ", 1)[0]
            return fold(following.strip("\"“'‘(")) in _SENTENCE_STARTERS
    # a lower-case continuation is not a new sentence ("... the U.S. envoy", "?" in titles)
    return not nxt.islower()


def sentence_spans(paragraph: str) -> list[tuple[int, int]]:
    """(start, end) of each sentence of `split_sentences(paragraph)` in `paragraph`."""
    spans = quote_spans(paragraph)
    cursor = [0]
    out = []
    begin = 0
    for m in _BOUNDARY.finditer(paragraph):
        stripped_end = m.end() - (len(m.group()) - len(m.group().rstrip()))
        if _inside(spans, m.start(), cursor) and spans[cursor[0]][1] > stripped_end:
            continue  # inside a quotation that goes on ('"It is over." She' still splits)
        if not _is_boundary(paragraph, m.start(), m.end()):
            continue
        _add_stripped(out, paragraph, begin, stripped_end)
        begin = m.end()
    _add_stripped(out, paragraph, begin, len(paragraph))
    return out


def _add_stripped(out: list[tuple[int, int]], text: str, start: int, end: int) -> None:
    """Append text[start:end] without surrounding whitespace, unless nothing is left."""
    part = text[start:end]
    stripped = part.strip()
    if stripped:
        lead = len(part) - len(part.lstrip())
        out.append((start + lead, start + lead + len(stripped)))


def split_sentences(paragraph: str) -> list[str]:
    """Sentences of one paragraph, keeping quotations whole.

    Handles abbreviations ("Mr.", "Gen."), initials, dotted acronyms ("U.S."), doubled
    periods (".."), and quotes that close after the period ("... it." X said). A sentence
    end inside a quotation does not split it, so a multi-sentence quote stays with its
    attribution.
    """
    return [paragraph[a:b] for a, b in sentence_spans(paragraph)]


class Folded:
    """A text with its fold and the fold's offsets, computed once and shared by every
    matcher that reads it (see `fold_with_offsets`)."""

    __slots__ = ("_pieces", "folded", "offsets", "text", "tokens")

    def __init__(self, text: str, folded: str, offsets: list[int] | None):
        self.text = text
        self.folded = folded
        self.offsets = offsets
        self._pieces: frozenset[bytes] | None = None
        self.tokens: object = None  # the words and lemmas, filled by lemmas.tokens_of

    @classmethod
    def of(cls, text: str) -> Folded:
        """Fold `text`."""
        return cls(text, *fold_with_offsets(text))

    @property
    def pieces(self) -> frozenset[bytes]:
        """`word_pieces(self.folded)`, computed on first use."""
        if self._pieces is None:
            self._pieces = word_pieces(self.folded)
        return self._pieces


# Every byte but ASCII letters, digits and "_" separates pieces; the bytes of non-ASCII
# characters too, so a piece is pure ASCII.
_WORD_BYTES = frozenset(b"abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789_")
_PIECE_SEPARATORS = bytes(b if b in _WORD_BYTES else 32 for b in range(256))


def word_pieces(text: str) -> frozenset[bytes]:
    """The runs of ASCII letters, digits and "_" in `text`, as bytes.

    A cheap necessary condition for a word match: wherever a whole word made of such a
    run stands between non-word characters (as regex word matches do), the run is one
    of these pieces. Computed in C: one encode, translate and split.
    """
    encoded = text.encode("utf-8", "surrogatepass")
    return frozenset(encoded.translate(_PIECE_SEPARATORS).split())


def folded_sentences(paragraph: str) -> list[Folded]:
    """`split_sentences(paragraph)`, each with its fold; the paragraph is folded once."""
    folded = _fold_in_place(paragraph)
    if folded is not None:  # folding kept every character in place: slices are the folds
        return [Folded(paragraph[a:b], folded[a:b], None) for a, b in sentence_spans(paragraph)]
    # some character folds to more or less than one ("…" -> "..."): each sentence is
    # folded alone, so the paragraph is not folded character by character for nothing
    return [Folded.of(paragraph[a:b]) for a, b in sentence_spans(paragraph)]


# --- negation ------------------------------------------------------------------------

# Generic English negators (folded). Multi-word forms are matched on the tokens before
# the phrase, so "did not", "will not" and "refuses to" are covered by "not"/"refuses".
NEGATIONS = words(
    "not no never n't without none neither nor cannot can't won't don't doesn't didn't "
    "isn't aren't wasn't weren't hasn't haven't hadn't shouldn't wouldn't couldn't "
    "refuse refuses refused refusing reject rejects rejected rejecting deny denies denied "
    "denying ruled nobody nothing nowhere hardly"
)
_TOKEN = re.compile(r"[\w']+|[’]\w+|[.;:!?]")
_NEGATION_PIECES = frozenset(p for word in NEGATIONS for p in word_pieces(word)) | {b"t"}



def may_be_negated(sentence_folded: str, start: int, window: int = 4) -> bool:
    """False when `is_negated` is sure to be: no word piece of a negation in the look-back.

    Each negation is a token of the look-back, so its pieces (see word_pieces) are pieces
    of the look-back; any "...n't" token ends in the piece "t".
    """
    lookback = sentence_folded[max(0, start - 12 * window) : start]
    return not _NEGATION_PIECES.isdisjoint(word_pieces(lookback))


def is_negated(sentence_folded: str, start: int, end: int, window: int = 4) -> bool:
    """True when a negation word stands within `window` tokens before text[start:end].

    `sentence_folded` is folded text (see `fold`); start/end delimit the phrase in it.
    The look-back stops at clause punctuation (.;:!?), so a negation in an earlier clause
    does not count. "no clashes were reported" -> True for "clashes".
    """
    del end  # the phrase itself is not inspected; kept for a symmetric call site
    if not may_be_negated(sentence_folded, start, window):
        return False  # the common case, without tokenising
    lookback = sentence_folded[max(0, start - 12 * window) : start]
    tokens = _TOKEN.findall(lookback.replace("’", "'"))
    for count, token in enumerate(reversed(tokens), start=1):
        if token in ".;:!?" or count > window:
            return False
        if token in NEGATIONS or token.endswith("n't"):
            return True
    return False
