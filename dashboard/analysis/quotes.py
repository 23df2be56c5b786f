"""Quotations in a sentence: which are speech, their words, and masking them out."""

from __future__ import annotations

import re

MIN_QUOTE_WORDS = 3  # fewer words in quotes are a scare quote or a name, not speech
OPENING_MARKS = ("“", '"', "„", "«")


def is_speech_quote(sentence: str, a: int, b: int) -> bool:
    """Whether the quotation sentence[a:b] (marks included) is long enough to be speech."""
    return len(sentence[a:b].split()) >= MIN_QUOTE_WORDS


def quote_words(sentence: str, a: int, b: int) -> str:
    """The words of one quotation, without its marks and a handing-over comma."""
    # the comma that hands over to the attribution ("A," X said) belongs to the sentence
    return sentence[a + 1 : b - 1].strip().rstrip(",").rstrip()


def speech_quotes(sentence: str, spans: list[tuple[int, int]]) -> list[str]:
    """The words of each speech quotation, in order.

    An opening mark after a sentence end inside a quotation is a misprinted close and a
    new opening ('“A. “B,” X said'): two quotations.
    """
    out = []
    for a, b in spans:
        if is_speech_quote(sentence, a, b):
            pieces = _REOPENED.split(quote_words(sentence, a, b))
            for words in pieces:
                words = words.strip().rstrip(",").rstrip()
                if any(ch.isalnum() for ch in words) and (
                    len(pieces) == 1 or len(words.split()) >= MIN_QUOTE_WORDS
                ):
                    out.append(words)
    return out


_REOPENED = re.compile(r"(?<=[.!?])\s+[“„«](?=\S)")


def is_bare_quote(sentence: str, spans: list[tuple[int, int]]) -> bool:
    """A sentence that is nothing but one speech quotation."""
    if len(spans) != 1:
        return False
    a, b = spans[0]
    rest = (sentence[:a] + sentence[b:]).strip(" .,;!?")
    return a <= 1 and not rest and is_speech_quote(sentence, a, b)


def unclosed_quote(paragraph: str) -> str | None:
    """The words of a paragraph that opens a quotation and never closes it (a quote
    that goes on in the next paragraph), else None."""
    text = paragraph.strip()
    if not text.startswith(OPENING_MARKS):
        return None
    # a second opening mark of the same kind is a misprinted close ("“Words“ - X said")
    closes = ("”\"»" if text[0] != "„" else "“”") + text[0]
    if any(mark in text[1:] for mark in closes):
        return None
    words = text[1:].strip()
    return words if len(words.split()) >= MIN_QUOTE_WORDS else None


def mask(sentence: str, spans: list[tuple[int, int]]) -> str:
    """The sentence with quoted words blanked out, so verbs inside quotes are not seen."""
    if not spans:
        return sentence
    parts, pos = [], 0
    for a, b in spans:
        parts += [sentence[pos : a + 1], " " * max(0, b - a - 2)]
        pos = b - 1
    parts.append(sentence[pos:])
    return "".join(parts)


def quote_goes_on(paragraph: str) -> tuple[str, bool] | None:
    """The words of a paragraph inside a quotation opened paragraphs before: up to the
    closing mark it never opened ('... from Serbia,” X declared'), or all of it when it
    has no quotation mark at all (the quotation goes on: True). None when it opens a
    quotation of its own or is too short to be speech."""
    text = paragraph.strip()
    if text.startswith(OPENING_MARKS):
        return None
    depth, close = 0, -1
    for i, ch in enumerate(text):
        if ch in "“„«":
            depth += 1
        elif ch in "”»":
            if depth == 0:
                close = i
                break
            depth -= 1
    if close < 0 and text.count('"') % 2 == 1:
        close = text.rfind('"')  # straight marks: the odd one out closes
    if close < 0 and any(mark in text for mark in "“”\"„«»"):
        return None
    words = (text[:close] if close >= 0 else text).strip().rstrip(",").strip()
    if len(words.split()) < MIN_QUOTE_WORDS:
        return None
    return words, close < 0
