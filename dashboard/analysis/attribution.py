"""One speech cue in a sentence read as statements: who speaks, and what they say.

The cue's reading (see speech_lexicon) decides the content: the words after a `free`
verb ("said Serbia would ..."), the object phrase of an `object` verb ("rejected Serbia's
claims"), the "that" clause of a `clause` verb; a quotation opening the sentence or
after a colon is direct speech, one statement per quotation. Each speaker of a joint
subject gets their own statement.
"""

from __future__ import annotations

import re
from datetime import datetime
from itertools import islice
from typing import NamedTuple

from dashboard.analysis.actors import ActorMatcher, Mention
from dashboard.analysis.quotes import is_speech_quote, speech_quotes
from dashboard.analysis.speakers import (
    Speaker,
    from_mention,
    speaker_after,
    speakers_before,
    unknown_name,
)
from dashboard.analysis.speech_lexicon import Cue, speech_lexicon
from dashboard.analysis.text import fold, is_negated, words
from dashboard.models import Statement

_PASSIVE = words("is are was were be been being")
_PRONOUN_OBJECT = words("him her")
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
    r"in (?:a|an|his|her|its|their|the) (?:[\w-]+ ){0,2}(?:" + _NOUNS + r")(?: on [\w-]+)?)"
    r"\b[,:]?\s*",
)
# Where an object phrase ends: a clause boundary or a new clause of the sentence.
_OBJECT_END = re.compile(
    r"\s*(?:[,;:(–—]|\s-\s|\b(?:saying|adding|because|after|while|which|amid|following|"
    r"as well as|but|and said|and called|and urged|and added)\b)"
)
_NON_SPACE = re.compile(r"\S+")
# A cue that goes on from an earlier one: "..., saying", "... and warned", "but added".
_CHAINED = re.compile(r"(?:\band|\bbut)\s*(?:also\s+|later\s+|then\s+)?$")
_THEN_PARTICIPLE = re.compile(r"\s*(?:,\s*[a-z]+ing\b|[.]?\s*$)")  # "X said, marking ..."
_COMMA_BEFORE = re.compile(r"(?:,|\band|\bbut)\s*(?:also\s+|later\s+|then\s+)?$")
_LOOKBACK = 300  # characters searched for a verb's subject
_GAP_QUOTE = 8  # words between a verb and the quotation it introduces ("said on Monday:")
_GAP_CLOSE = 4  # words that may stand between a subject and an evaluative verb


class Sentence(NamedTuple):
    """A sentence as attribution needs it: its text, its masked fold, its quotations and
    the actor mentions outside them."""

    text: str
    folded: str  # folded, quotations blanked out
    spans: list[tuple[int, int]]
    mentions: list[Mention]


class Context(NamedTuple):
    """What earlier sentences said: last person spoken of, organisation and state in
    focus, and the item's date (for offices)."""

    person: tuple[str, str | None] | None
    organisation: str | None
    state: str | None
    when: datetime | None
    names: dict[str, tuple[str, str | None]]  # surname of a speaker named in full earlier


def attribute(
    s: Sentence, verb: re.Match[str], cue: Cue, matcher: ActorMatcher, ctx: Context,
    before: list[Speaker], limit: int,
) -> tuple[list[Speaker], list[Statement]]:
    """The speakers of the cue at `verb` and their statements (none when it is not speech).

    `before` holds the speakers of an earlier cue in the sentence, who also speak a later
    "..., saying ..." or "... and warned ..."; the content stops at `limit`.
    """
    vs, ve = verb.start(), verb.end()
    if cue.reading == "according":
        return _according_to(s, vs, ve, matcher, ctx)
    folded = s.folded
    prior = folded[max(0, vs - 20) : vs].split()
    if prior and prior[-1] in _PASSIVE:
        return [], []  # "said to be", "were told to"
    if is_negated(folded, vs, ve, window=2):
        return [], []  # "did not say whether"
    # "..., saying" and "... and warned" go on from the earlier speakers; "..., said X"
    # is an inverted attribution of its own
    chained = bool(before) and (
        (cue.gerund and (not folded[:vs].strip() or bool(_COMMA_BEFORE.search(folded, 0, vs))))
        or bool(_CHAINED.search(folded, 0, vs))
    )
    if chained:
        speakers = before
    elif cue.gerund and not folded[:vs].strip(" ,"):
        return [], []  # "Speaking to reporters, X said": the main verb speaks
    else:
        speakers = _subject(s, vs, ve, cue, matcher, ctx)
    if not speakers:
        return [], []
    return speakers, _statements(s, verb, cue, speakers, limit, chained)


def _subject(
    s: Sentence, vs: int, ve: int, cue: Cue, matcher: ActorMatcher, ctx: Context
) -> list[Speaker]:
    sentence, folded, spans = s.text, s.folded, s.spans
    after_quote = max((b for a, b in spans if b <= vs), default=0)
    lo = max(after_quote, vs - _LOOKBACK)
    speakers = speakers_before(
        sentence, folded, lo, vs, s.mentions, matcher,
        (ctx.person, ctx.organisation, ctx.state), ctx.when,
    )
    if not speakers and ctx.names:
        speakers = _surname_before(sentence, lo, vs, ctx)
    # "Content, said X." (not "For more, see X": a verb with a non-speech sense)
    inverted = cue.reading != "clause" and sentence[:vs].rstrip().endswith(",")
    if not speakers and (inverted or (after_quote and not sentence[after_quote:vs].strip(" ,–—-"))):
        found = speaker_after(sentence, ve, s.mentions, matcher)
        speakers = [found] if found else []
    if speakers and cue.reading == "intent" and (
        not speakers[-1].is_person or len(folded[speakers[-1].end : vs].split()) > 1
    ):
        return []  # "Vucic plans to", not "the plan Vucic wants"
    if speakers and cue.group != "neutral" and not _close(folded, speakers[-1].end, vs):
        return []  # "Kurti met the envoy, who later condemned ...": not Kurti's verb
    return speakers


_LAST_WORD = re.compile(r"([A-Z][\w'’-]+)\s*(?:,[^,]{1,80},\s*)?(?:\w+ly\s+|also\s+)?$")


def _surname_before(sentence: str, lo: int, vs: int, ctx: Context) -> list[Speaker]:
    """'Kirby said' after 'John Kirby said': a surname of an earlier speaker."""
    m = _LAST_WORD.search(sentence, lo, vs)
    if m is None or m.group(1) not in ctx.names:
        return []
    name, actor = ctx.names[m.group(1)]
    return [Speaker(name, actor, m.start(1), m.end(1), True)]


def _close(folded: str, end: int, vs: int) -> bool:
    """Whether a subject ending at `end` is near enough the verb at vs to be its subject:
    a few words, or an appositive between commas ("Kurti, who ..., rejected")."""
    gap = folded[end:vs]
    if "," in gap:
        if not gap.lstrip().startswith(","):
            return False
        gap = gap[gap.rfind(",") + 1 :]
    return len(gap.split()) <= _GAP_CLOSE


def _statements(
    s: Sentence, verb: re.Match[str], cue: Cue, speakers: list[Speaker], limit: int,
    chained: bool,
) -> list[Statement]:
    sentence, folded, spans = s.text, s.folded, s.spans
    vs, ve = verb.start(), verb.end()
    quote_first = bool(spans) and sentence[: spans[0][0]].strip() == "" and spans[0][1] <= vs
    colon_quote = any(
        a >= ve and sentence[ve:a].rstrip().endswith((":", ",")) and a <= limit
        and len(sentence[ve:a].split()) <= _GAP_QUOTE and is_speech_quote(sentence, a, b)
        for a, b in spans
    )
    if (quote_first and is_speech_quote(sentence, *spans[0])) or colon_quote:
        quotes = speech_quotes(sentence, spans)
        return [
            Statement(sp.name, sp.actor, "direct", q, sentence) for q in quotes for sp in speakers
        ]
    if not chained and (speakers[0].start >= ve or _THEN_PARTICIPLE.match(folded, ve, limit)):
        content: str | None = ""  # "Content, said X." / "Content, X said, adding ..."
    else:
        content = _content_after(sentence, folded, ve, cue, limit)
    if content is None:
        return []
    if len(content.split()) < 2 and not chained_object(cue, content):
        content = _content_before(sentence, speakers[0].start)
    if not content or (len(content.split()) < 2 and not chained_object(cue, content)):
        return []
    return [Statement(sp.name, sp.actor, "reported", content, sentence) for sp in speakers]


def chained_object(cue: Cue, content: str) -> bool:
    """A one-word object is content for evaluative verbs ("condemned violence")."""
    return cue.reading == "object" and content.isalpha() and content.islower()


def _content_after(
    sentence: str, folded: str, ve: int, cue: Cue, limit: int
) -> str | None:
    """What follows the verb: after 'that' if it comes soon, else by the cue's reading.

    None when the verb needs a 'that' clause and has none.
    """
    if cue.reading == "intent":
        return _clean(sentence[ve - len(cue.lemma) : limit])
    rest = folded[ve:limit][:400]
    for tok in islice(_NON_SPACE.finditer(rest), 8):
        word = tok.group().strip(",")
        if word == "that" and not rest[tok.end() :].startswith((" is,", " is ")):
            return _clean(sentence[ve + tok.end() : limit])
        if word in _CLAUSE_WORDS:
            break
    start = ve + len(rest) - len(rest.lstrip(" :"))
    while True:
        m = _ADVERBIAL.match(folded, start)
        if not m or m.end() == start:
            break
        start = m.end()
    if cue.particle and cue.reading == "clause":
        # "described the move as ...": speech only with its particle near
        near = folded[start : min(limit, start + 80)]
        if f" {cue.particle} " not in f" {near} ":
            return None
        return _clean(sentence[start:limit])
    if cue.reading == "clause":
        # "..., X noted." / "as X noted": the content is before the verb
        return "" if not folded[start:limit].strip(" .") else None
    if cue.reading == "object" and not cue.particle:
        end = _OBJECT_END.search(folded, start, limit)
        return _clean(sentence[start : end.start() if end else limit])
    return _clean(sentence[start:limit])


_HAND_OVER = re.compile(r"(?:,|\s[-–—]|[“”\"][-–—])\s*")  # "Content, X said" / "“Content” - X said"


def _content_before(sentence: str, subject_start: int) -> str:
    """'Content, X said.' and '“Content” – X said': the words before the comma or dash
    that precedes the subject, without quotation marks around them."""
    cut = -1
    for m in _HAND_OVER.finditer(sentence, 0, subject_start):
        cut = m.start() + (1 if sentence[m.start()] in "“”\"" else 0)
    content = _clean(sentence[:cut]) if cut > 0 else ""
    if content[:1] in "“\"" and content[-1:] in "”“\"":
        content = content[1:-1].strip().rstrip(",")
    return content


_TRAILING_JOIN = re.compile(r"(?:[\s,;:.]|\b(?:and|but|or)\b)+$")


def _clean(text: str) -> str:
    """Content without surrounding blanks, final punctuation or a dangling "and"."""
    return _TRAILING_JOIN.sub("", text.strip().lstrip(",;: ").strip())


def _according_to(
    s: Sentence, vs: int, ve: int, matcher: ActorMatcher, ctx: Context
) -> tuple[list[Speaker], list[Statement]]:
    """'According to X, content.' and 'Content, according to X.'"""
    sentence, spans, mentions = s.text, s.spans, s.mentions
    comma = sentence.find(",", ve, ve + _LOOKBACK)
    inner_end = comma if comma >= 0 else len(sentence)
    who_text = sentence[ve:inner_end]
    speaker: Speaker | None = None
    inside = [m for m in mentions if ve <= m.start < inner_end]
    people = [m for m in inside if m.person]
    first_word = fold(who_text).split()[:1]
    if people:
        speaker = from_mention(people[-1], matcher)
    elif first_word and first_word[0] in _PRONOUN_OBJECT:
        if ctx.person:
            speaker = Speaker(ctx.person[0], ctx.person[1], ve, inner_end, True)
    else:
        speaker = unknown_name(sentence, ve, inner_end, mentions) or (
            from_mention(inside[-1], matcher) if inside else None
        )
    if speaker is None:
        return [], []
    if sentence[:vs].strip() == "":
        content = sentence[inner_end + 1 :].strip() if comma >= 0 else ""
    else:
        content = sentence[:vs].rstrip(" ,")
    content = content.rstrip(" .")
    if len(content.split()) < 2:
        return [], []
    kind = "reported"
    if spans and content.startswith(("“", '"')) and is_speech_quote(sentence, *spans[0]):
        kind, content = "direct", " ".join(speech_quotes(sentence, spans))
    return [speaker], [Statement(speaker.name, speaker.actor, kind, content, sentence)]
