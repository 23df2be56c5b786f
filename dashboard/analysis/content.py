"""What a speech cue says: the words a statement reports, cut out of its sentence.

By the cue's reading (see speech_lexicon): after "that" when it comes soon; the object
phrase of an evaluative verb up to the end of its phrase; what follows a verb that
speaks on its own, minus adverbials ("on Monday", "in a statement", "to reporters");
before the attribution for "Content, X said" and "“Content” – X said".
"""

from __future__ import annotations

import re
from itertools import islice

from dashboard.analysis.speech_lexicon import Cue, speech_lexicon
from dashboard.analysis.text import words

# Words between a verb and "that" that show a new clause has begun ("said it had ... that").
_CLAUSE_WORDS = words(
    "had has have was were is are would will could should must can may might did does"
)
# "in a statement", "in an issued statement", "in his post on X": the lexicon's nouns
_NOUNS = "|".join(sorted(speech_lexicon().nouns, key=len, reverse=True))
_ADVERBIAL = re.compile(
    r"(?:,\s*)?(?:(?:on|late on|early on|earlier on) (?:monday|tuesday|wednesday|thursday|"
    r"friday|saturday|sunday|\w+ \d{1,2}|\d{1,2} \w+)|in a (?:statement|post on \w+|"
    r"written statement|video address|televised address|joint statement|press release|"
    r"letter|speech|tweet|note)|in an interview(?: with [\w ]+?(?=,|$| that))?|"
    r"at a (?:press|news) conference|at a briefing|to reporters|to journalists|"
    r"on social media|on (?:x|twitter|facebook|instagram|telegram)|earlier|later|also|"
    r"again|today|yesterday|on [a-z]+day|strongly|firmly|repeatedly|publicly|once again|"
    r"in the (?:strongest|clearest) (?:possible )?terms|"
    r"in (?:a|an|his|her|its|their|the) (?:[\w-]+ ){0,2}(?:" + _NOUNS + r")(?: on [\w-]+)?"
    r"(?: (?:posted|published|issued) (?:online|on [\w-]+|\w+day))?|\([^()]{1,40}\))"
    r"(?:\b|(?<=\)))[,:]?\s*",
)
# Where an object phrase ends: a clause boundary or a new clause of the sentence.
_OBJECT_END = re.compile(
    r"\s*(?:,\s*(?:[a-z]+ing|and|but|as|while|who|after|because|with)\b|[;:–—]|\s-\s|"
    r"\b(?:saying|adding|because|after|while|amid|following|but|and said|and called|"
    r"and urged|and added|and (?:in|on|at|they|it|he|she|we|later|also|then))\b)"
)
_NON_SPACE = re.compile(r"\S+")
# "called X “a Y”": a quoted label (not "sets called the “Z”", a name)
LABEL_QUOTE = re.compile(r"\s*(?!(?:the|a|an)\s+[“\"])(?:[^\s“\".,;:]+\s+){1,8}[“\"]")
# the preposition between a noun of feeling and what it is about
_FEELING_ABOUT = re.compile(r"\s*(?:over|about|at|regarding|with|for|on)\s+")
# where a coordinated clause with its own subject begins ("..., but EU officials said")
_NEW_CLAUSE = re.compile(r",\s*but\b|;\s")
AND_THAT = re.compile(r"\s*,?\s+and that\s+")
THAT_NEXT = re.compile(r"(?:\s+(?:on|in|at)?\s*[\w,]+){0,3}?\s+that\s+")


def that_clause(sentence: str, folded: str, ve: int, limit: int) -> str | None:
    """The clause after a "that" right after the verb (a few adverbial words allowed)."""
    m = THAT_NEXT.match(folded, ve, limit)
    return clean(sentence[m.end() : limit]) if m else None


def aside(sentence: str, end: int, limit: int) -> str | None:
    """The clause after an inverted attribution set off by commas ("A, notes X, B")."""
    rest = sentence[end:limit]
    if not rest.lstrip().startswith(","):
        return None
    words = clean(rest)
    if _NOT_ASIDE.match(words):
        return None  # "..., said X, who is visiting" / ", in a video statement": no content
    return words if len(words.split()) >= 3 else None


def content_after(
    sentence: str, folded: str, ve: int, cue: Cue, limit: int
) -> str | None:
    """What follows the verb: after 'that' if it comes soon, else by the cue's reading.

    None when the verb needs a 'that' clause and has none.
    """
    if cue.reading == "intent":
        return clean(sentence[ve - len(cue.lemma) : limit])
    rest = folded[ve:limit][:400]
    for tok in islice(_NON_SPACE.finditer(rest), 8):
        word = tok.group().strip(",")
        if word == "that" and not rest[tok.end() :].startswith((" is,", " is ")):
            return clean(sentence[ve + tok.end() : limit])
        if word in _CLAUSE_WORDS or (word == "to" and cue.group == "directive"):
            break  # "urged the mayor to ensure that ...": the "that" is the infinitive's
    start = ve + len(rest) - len(rest.lstrip(" :"))
    while True:
        m = _ADVERBIAL.match(folded, start)
        if not m or m.end() == start:
            break
        start = m.end()
    if cue.reading == "free" and _NOT_CONTENT.match(folded, start) and "," in folded[:ve]:
        return ""  # "Content, X said following a meeting": the content is before
    if cue.particle and cue.reading == "clause":
        # "described the move as ...": speech only with its particle near
        near = folded[start : min(limit, start + 80)]
        if f" {cue.particle} " not in f" {near} " or near.startswith(f"{cue.particle} "):
            return None  # no "as"; or "actions described as ...", a passive with no object
        return clean(sentence[start:limit])
    if cue.group == "labeling" and LABEL_QUOTE.match(folded, start, limit):
        return clean(sentence[start:limit])  # "called the move “a provocation”"
    if cue.reading == "clause":
        # "..., X noted." / "as X noted": the content is before the verb
        return "" if not folded[start:limit].strip(" .") else None
    boundary = _NEW_CLAUSE.search(folded, start, limit)
    if boundary:
        limit = boundary.start()
    if cue.reading == "object" and not cue.particle:
        if " " in cue.lemma:  # "expressed concern over the arrests": the arrests
            lead = _FEELING_ABOUT.match(folded, start, limit)
            start = lead.end() if lead else start
        end = _OBJECT_END.search(folded, start, limit)
        return clean(sentence[start : end.start() if end else limit])
    return clean(sentence[start:limit])


_INTRO = re.compile(r"[A-Z][a-z]+ing\b|(?:In|At|On|During|After|Before|While)\s")
# what follows a speaker without being their words
_NOT_ASIDE = re.compile(
    r"(?:who|which|whose|where|when|in|at|on|during|after|before|while|following|speaking|"
    r"according|as|the|a|an|his|her|its|their)\b", re.IGNORECASE
)
# what follows a verb without being its content ("X said following a meeting")
_NOT_CONTENT = re.compile(
    r"(?:following|after|before|during|at|in|on|amid|as|while|when|ahead of|in an?)\s", re.I
)
_HAND_OVER = re.compile(r"(?:,|\s[-–—]|[“”\"][-–—])\s*")  # "Content, X said" / "“Content” - X said"


def content_before(sentence: str, subject_start: int) -> str:
    """'Content, X said.' and '“Content” – X said': the words before the comma or dash
    that precedes the subject, without quotation marks around them."""
    cut = -1
    for m in _HAND_OVER.finditer(sentence, 0, subject_start):
        cut = m.start() + (1 if sentence[m.start()] in "“”\"" else 0)
    content = clean(sentence[:cut]) if cut > 0 else ""
    if _INTRO.match(content):
        return ""  # "Speaking at a news conference, X said": an introduction, not content
    if content[:1] in "“\"" and content[-1:] in "”“\"":
        content = content[1:-1].strip().rstrip(",")
    return content


_JOINS = (" and", " but", " or")


def clean(text: str) -> str:
    """Content without surrounding blanks, final punctuation or a dangling "and"."""
    text = text.strip().lstrip(",;: ").rstrip(" \t\n,;:.")
    while text.endswith(_JOINS):  # "... attack and" before a chained verb
        text = text[: text.rfind(" ")].rstrip(" \t\n,;:.")
    return text
