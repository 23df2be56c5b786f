"""Statements that the page's layout attributes rather than a verb.

A headline `Name: “…”` quotes its speaker.

A titled statement ("UK statement on the situation in the north", "Statement by the
High Representative on the agreement") speaks in its own voice below the title: its
paragraphs are the named speaker's words though nothing in them says so. A transcript
turn ("Jane Doe: We are alarmed ...") goes on in the paragraphs after it until another
label ("Question: ...") takes the floor.
"""

from __future__ import annotations

import re

from dashboard.analysis.actors import ActorMatcher, Mention
from dashboard.analysis.quotes import is_speech_quote, speech_quotes
from dashboard.analysis.speakers import Speaker, from_mention
from dashboard.analysis.text import Folded, quote_spans
from dashboard.models import Statement

_STATEMENT_NOUNS = r"(?:statement|declaration|communiqu[eé]|press release|remarks)"
# "Statement by X on ...", "Joint statement of X", "Topic: Statement by X"
_BY = re.compile(
    r"^(?:[^:]{1,80}:\s+)?(?:joint\s+|press\s+|official\s+)?" + _STATEMENT_NOUNS
    + r"\s+(?:by|of|from)\s+(?P<by>.{2,100}?)"
    r"(?:\s+(?:on|about|regarding|following|after|at|in|to)\s.*)?$",
    re.IGNORECASE,
)
# "X statement on ...", "X's statement after ..."
_OWNER = re.compile(
    r"^(?:[^:]{1,80}:\s+)?(?P<by>.{2,80}?)(?:['’]s)?\s+(?:joint\s+|press\s+)?"
    + _STATEMENT_NOUNS + r"\s+(?:on|about|regarding|following|after|at|in)\s.*$",
    re.IGNORECASE,
)
# what either pattern must find, for a cheap test first (on ASCII text, where lower()
# is what IGNORECASE compares)
_STATEMENT_WORDS = ("statement", "declaration", "communiqu", "press release", "remarks")
_MAX_HEADING_WORDS = 25
# a paragraph label that hands the floor to someone else ("Question:", "Comment:")
LABEL = re.compile(r"^[A-Z][\w.'’ -]{0,40}:\s")
_MIN_BODY_WORDS = 6
_SENTENCE_END = re.compile(r"[.!?][\"”’»)]*$")


def statement_heading(
    paragraph: str, mentions: list[Mention], matcher: ActorMatcher
) -> list[Speaker] | None:
    """The speaker of a statement titled by this paragraph, else None.

    A title is one line of at most 25 words, not ending as a sentence does, that names
    a statement and whose speaker is a configured person or actor.
    """
    text = paragraph.strip()
    if len(text.split()) > _MAX_HEADING_WORDS or _SENTENCE_END.search(text):
        return None
    if text.isascii() and not any(noun in text.lower() for noun in _STATEMENT_WORDS):
        return None  # (most titles: the patterns below backtrack over every split)
    m = _BY.match(text) or _OWNER.match(text)
    if m is None:
        return None
    a, b = m.span("by")
    inside = [x for x in mentions if a <= x.start and x.end <= b]
    people = [x for x in inside if x.person]
    chosen = people[-1] if people else (inside[0] if inside else None)
    return [from_mention(chosen, matcher)] if chosen else None


def is_body_paragraph(text: str) -> bool:
    """A paragraph that can be a statement's words: sentences, not a label or a date line."""
    text = text.strip()
    return (len(text.split()) >= _MIN_BODY_WORDS and bool(_SENTENCE_END.search(text))
            and not LABEL.match(text))


# "This was stated by X": the sentence before is X's
_STATED_BY = re.compile(
    r"^(?:this|that|it|these words)\s+(?:was|were|has been|had been)\s+(?:\w+ly\s+)?"
    r"(?:said|stated|announced|stressed|emphasi[sz]ed|underlined|declared|written|noted|"
    r"confirmed)\s+by\s+",
    re.IGNORECASE,
)


def stated_by(sentence: str, mentions: list[Mention], matcher: ActorMatcher) -> Speaker | None:
    """The speaker of 'This was stated by X ...' (who said the sentence before), else None."""
    m = _STATED_BY.match(sentence)
    if m is None:
        return None
    after = [x for x in mentions if x.start >= m.end()]
    people = [x for x in after if x.person]
    chosen = people[0] if people else (after[0] if after else None)
    return from_mention(chosen, matcher) if chosen else None


# --- transcripts ---------------------------------------------------------------------

TURN = re.compile(r"([A-Z][\w.'’-]+(?: [A-Z][\w.'’-]+){1,3}):\s+(?=\S)")


def transcript_turn(
    first: Folded, mentions: list[Mention], matcher: ActorMatcher, paragraph: str
) -> Statement | None:
    """'Jane Doe: We are worried ...': a named person's turn, the paragraph's words."""
    m = TURN.match(first.text)
    if m is None or not paragraph.startswith(first.text[: m.end()]):
        return None
    people = [x for x in mentions if x.person and x.start == 0 and x.end == m.end(1)]
    if not people:
        return None  # only a configured person opens a turn ("Update: ...", "Source: ...")
    words = paragraph[m.end() :].strip()
    if len(words.split()) < 3:
        return None
    who = from_mention(people[0], matcher)
    return Statement(who.name, who.actor, "direct", words, paragraph)


# --- headlines -----------------------------------------------------------------------

_HEADLINE = re.compile(r"^([^:“\"]{2,80}):\s+(.+)$")


def headline(
    title: str, mentions: list[Mention], matcher: ActorMatcher, *, body: bool = False
) -> list[Statement]:
    """'Vucic: Serbia will never recognise Kosovo' -> a statement by the named speaker.

    A headline at the top of a body must quote its speaker ('Borrell: “Talks failed”').
    """
    m = _HEADLINE.match(title)
    if not m or len(m.group(1).split()) > 6:
        return []
    named = [x for x in mentions if x.end <= m.end(1)]
    if not named:
        return []
    who = from_mention(named[-1], matcher)
    content = m.group(2).strip()
    spans = quote_spans(content)
    if spans and spans[0][0] == 0 and is_speech_quote(content, *spans[0]):
        kind, text = "direct", " ".join(speech_quotes(content, spans))
    elif body:
        return []
    else:
        kind, text = "reported", content.rstrip(".")
    if not any(ch.isalnum() for ch in text):
        return []  # "Vucic said: ." says nothing: no statement without words
    return [Statement(who.name, who.actor, kind, text, title)]
