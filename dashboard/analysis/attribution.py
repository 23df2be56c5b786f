"""One speech cue in a sentence read as statements: who speaks, and what they say.

The cue's reading (see speech_lexicon) decides the content: the words after a `free`
verb ("said Serbia would ..."), the object phrase of an `object` verb ("rejected Serbia's
claims"), the "that" clause of a `clause` verb; a quotation opening the sentence or
after a colon is direct speech, one statement per quotation. Each speaker of a joint
subject gets their own statement.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from datetime import datetime
from typing import NamedTuple

from dashboard.analysis.actors import ActorMatcher, Mention
from dashboard.analysis.content import (
    AND_THAT,
    LABEL_QUOTE,
    THAT_NEXT,
    aside,
    clean,
    content_after,
    content_before,
    that_clause,
)
from dashboard.analysis.quotes import is_speech_quote, speech_quotes
from dashboard.analysis.sentence import Sentence
from dashboard.analysis.speakers import (
    PERSON_ROLES,
    Speaker,
    from_mention,
    speaker_after,
    speakers_before,
    surname_before,
    unknown_name,
)
from dashboard.analysis.speech_lexicon import Cue
from dashboard.analysis.text import fold, is_negated, quote_spans, words
from dashboard.models import Statement

_PASSIVE = words("is are was were be been being")
_PRONOUN_OBJECT = words("him her")
_DETERMINERS = words("the a an its their his her our my your these those this that every")
# "..., with Serbia's president appealing": a participle with a subject of its own
_OWN_SUBJECT = re.compile(r"\bwith\s+(?:[\w’'.-]+\s+){1,4}$")
# content that only points back at what was said ("said this in a comment")
_ONLY_POINTER = re.compile(r"(?:this|that|so|it|these|those)(?:\s+(?:in|on|at|during|to|"
                           r"after|before|when|while)\b.*)?$", re.IGNORECASE)
_THE_OFFICE = re.compile(
    r"\s*the\s+(?:[\w-]+\s+){0,2}?(?:" + "|".join(sorted(PERSON_ROLES)) + r")\b"
)
_CALL_TO = re.compile(r"\s+(?:[\w’'-]+\s+){1,4}?to\s+(?!the\b|a\b|an\b|order\b)[a-z]+\b")
_WHAT_SUBJECT = re.compile(r"\bwhat\s+[\w’'-]+\s+(?:\w+ly\s+)?$")
_CLAUSE_JOIN = re.compile(r"(?:,|;)?\s*\b(?:but|and|while|whereas)\s*$")
_INNER_CUE = re.compile(r"\b(?:said|says|told|stated|added|announced|noted)\b")
# what a clause-only verb needs next: "that" within a few words, a colon or quotation, or
# the end of the sentence ("..., the ministry noted.")
_CLAUSE_SOON = re.compile(
    r"(?:[\s,]+[^\s.;:]+){0,7}?[\s,]+that\b|(?:\s+[^\s.;:“\"]+){0,4}?\s*[:“\"]|\s*[.!?]?\s*$"
)
# A cue that goes on from an earlier one: "..., saying", "... and warned", "but added".
_CHAINED = re.compile(r"(?:\band|\bbut)\s*(?:also\s+|later\s+|then\s+)?$")
_THEN_PARTICIPLE = re.compile(r"\s*(?:,\s*[a-z]+ing\b|[.]?\s*$)")  # "X said, marking ..."
_COMMA_BEFORE = re.compile(r"(?:,|\band|\bbut)\s*(?:also\s+|later\s+|then\s+|\w+ly\s+)?$")
_PRONOUN_SUBJECT = re.compile(  # (the word first, its start tested after it: the regex
    # engine then skips to a "t" or an "i" instead of trying every position)
    r"(?:they(?<![\w'’-]they)|it(?<![\w'’-]it))"
    r"\s+(?:(?:also|did|does|do|not|has|have|had|will|would|\w+ly)\s+){0,3}$"
)
_LOOKBACK = 300  # characters searched for a verb's subject
_BEHIND = 80  # characters before a verb read for "and", a comma or a pronoun (linear time)
_GAP_QUOTE = 8  # words between a verb and the quotation it introduces ("said on Monday:")
_GAP_CLOSE = 5  # words that may stand between a subject and an evaluative verb
# what may fill that gap besides one other word: auxiliaries, adverbs, a day
_GAP_FILLERS = words(
    "has have had will would also again then later earlier already has not did does on "
    "monday tuesday wednesday thursday friday saturday sunday today yesterday last week"
)


class Context(NamedTuple):
    """What earlier sentences said: last person spoken of, organisation and state in
    focus, and the item's date (for offices)."""

    person: tuple[str, str | None] | None
    organisation: str | None
    state: str | None
    when: datetime | None
    names: dict[str, tuple[str, str | None]]  # surname of a speaker named in full earlier
    last: list[Speaker]  # the speakers of the last statement
    earlier: Sequence[tuple[str, list[Mention]]]  # recent sentences, for a surname's full name


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
        return _according_to(s, vs, ve, matcher, ctx, before)
    folded = s.folded
    if cue.lemma == "call" and _CALL_TO.match(folded, ve):
        # "called both towns to reopen the road": a directive, like "called on"
        cue = Cue("call on", "directive", "free", cue.gerund)
    if cue.reading == "clause" and not cue.particle and not clause_soon(folded, ve) and not (
        cue.group == "labeling" and LABEL_QUOTE.match(folded, ve)
    ) and (
        not _after_quote(s, vs) or len(folded[ve:].split()) > _GAP_CLOSE
    ):
        # "reported a rise", "continued the visit": not speech (cheap test first); but
        # '“...”, declared Jane Doe.' is
        return [], []
    if not_a_verb(folded, vs):
        return [], []
    if cue.group == "labeling" and _WHAT_SUBJECT.search(folded, max(0, vs - 30), vs):
        return [], []  # "what she called her roadmap": a name for a thing, not words
    if folded.startswith("if ") and "," not in folded[:vs]:
        return [], []  # "If the mission refuses to ..., X said": a condition, not speech
    if is_negated(folded, vs, ve, window=2) and not THAT_NEXT.match(folded, ve):
        return [], []  # "did not say whether" (but "did not rule out that A" says A)
    back = max(0, vs - _BEHIND)  # the few words before the verb that the tests below read
    # "..., saying" and "... and warned" go on from the earlier speakers; "..., said X"
    # is an inverted attribution of its own
    chained = bool(before) and (
        (cue.gerund and not _OWN_SUBJECT.search(folded, back, vs))
        or bool(_CHAINED.search(folded, back, vs))
        # "X confirms that A, claims that B": a list of the same speaker's clauses
        or (bool(_COMMA_BEFORE.search(folded, back, vs)) and bool(THAT_NEXT.match(folded, ve)))
    )
    pronoun = _PRONOUN_SUBJECT.search(folded, back, vs)
    if chained:
        speakers = before
    elif cue.gerund and not folded[:vs].strip(" ,"):
        return [], []  # "Speaking to reporters, X said": the main verb speaks
    elif pronoun:
        # "they insisted", "it said": the institution that spoke last in this sentence or
        # the one before (never a person: "he"/"she" are read as people)
        speakers = [sp for sp in (before or ctx.last) if not sp.is_person]
    else:
        speakers = _subject(s, vs, ve, cue, matcher, ctx, bool(before) or not cue.gerund)
    if not speakers:
        return [], []
    return speakers, _statements(s, verb, cue, speakers, limit, chained)


def clause_soon(folded: str, ve: int) -> bool:
    """Whether `_CLAUSE_SOON` matches at ve, tried only when the rest of the sentence
    holds what one of its branches needs ("that", a colon or quotation mark, or nothing
    but a final mark): most verbs of a clause-only cue are not speech, and the pattern
    backtracks over the words after them."""
    rest = folded[ve:]
    if "that" not in rest and ":" not in rest and "“" not in rest and '"' not in rest and (
        len(rest.strip()) > 1
    ):
        return False
    return _CLAUSE_SOON.match(folded, ve) is not None


def not_a_verb(folded: str, vs: int) -> bool:
    """Whether the cue at vs is a passive ("said to be", "were told to"), a noun
    ("Serbia's claims", "a warning that") or an infinitive ("an initiative to encourage
    ..."), by the word before it."""
    prior = folded[max(0, vs - 20) : vs].split()
    return bool(prior) and (prior[-1] in _PASSIVE or prior[-1] in _DETERMINERS
                            or prior[-1] == "to" or prior[-1].endswith(("'s", "’s")))


def _after_quote(s: Sentence, vs: int) -> bool:
    """Whether a quotation ends right before the verb at vs ('“...”, noted X')."""
    return any(b <= vs and not s.text[b:vs].strip(" ,–—-") for _, b in s.spans)


def _subject(
    s: Sentence, vs: int, ve: int, cue: Cue, matcher: ActorMatcher, ctx: Context,
    close: bool = True,
) -> list[Speaker]:
    """The subject of the verb at vs; `close` asks evaluative verbs for a near one (a
    participle after a comma takes the sentence's subject wherever it stands)."""
    sentence, folded, spans = s.text, s.folded, s.spans
    after_quote = max((b for a, b in spans if b <= vs), default=0) if spans else 0
    lo = max(after_quote, vs - _LOOKBACK)
    gap = folded[lo:vs]
    aside = _TRAILING_ASIDE.search(folded, lo, vs) if (
        "," in gap or "-" in gap or "–" in gap or "—" in gap) else None  # (what it needs)
    if aside:  # "Srpska Lista, which is backed by Belgrade, announced": skip the aside
        vs = aside.start()
    speakers = speakers_before(
        sentence, folded, lo, vs, s.mentions, matcher,
        (ctx.person, ctx.organisation, ctx.state), ctx.when, ctx.last,
    )
    if not speakers:
        speakers = surname_before(sentence, lo, vs, ctx.names, ctx.earlier)
    # "Content, said X." (not "For more, see X": a verb with a non-speech sense)
    inverted = cue.reading != "clause" and sentence[:vs].rstrip().endswith(",")
    if inverted and speakers and _close(folded, speakers[-1].end, vs):
        inverted = False  # "X, the envoy, said": the subject is before after all
    if inverted or (not speakers and after_quote and not sentence[after_quote:vs].strip(" ,–—-")):
        # "Content, said X": the name after the verb, not one inside the content
        found = speaker_after(sentence, ve, s.mentions, matcher)
        speakers = [found] if found else ([] if inverted and speakers else speakers)
    if speakers and cue.reading == "intent" and (
        not speakers[-1].is_person or len(folded[speakers[-1].end : vs].split()) > 1
    ):
        return []  # "Vucic plans to", not "the plan Vucic wants"
    if speakers and close and cue.group != "neutral" and not _close(folded, speakers[-1].end, vs):
        return []  # "Kurti met the envoy, who later condemned ...": not Kurti's verb
    return speakers


# a relative clause or apposition between the subject and its verb
_TRAILING_ASIDE = re.compile(  # between commas, or between dashes
    r"(?:,\s*(?:which|who|whose|the|a|an)\b[^,]{0,150},"
    r"|\s[-–—]\s*(?:which|who|whose|the|a|an)\b[^,–—]{0,150}?\s[-–—])\s*(?:\w+ly\s+)?$"
)
def _close(folded: str, end: int, vs: int) -> bool:
    """Whether a subject ending at `end` is near enough the verb at vs to be its subject:
    a few words, or an appositive between commas ("Kurti, who ..., rejected")."""
    gap = folded[end:vs]
    if "," in gap:
        if not gap.lstrip().startswith(","):
            return False
        return len(gap[gap.rfind(",") + 1 :].split()) <= _GAP_CLOSE
    other = [w for w in gap.split() if w not in _GAP_FILLERS and not w.endswith("ly")]
    return len(other) <= 1 and len(gap.split()) <= _GAP_CLOSE


def _statements(
    s: Sentence, verb: re.Match[str], cue: Cue, speakers: list[Speaker], limit: int,
    chained: bool,
) -> list[Statement]:
    sentence, folded, spans = s.text, s.folded, s.spans
    vs, ve = verb.start(), verb.end()
    quote_first = bool(spans) and sentence[: spans[0][0]].strip() == "" and spans[0][1] <= vs
    colon_quote = bool(spans) and any(
        a >= ve and sentence[ve:a].rstrip().endswith((":", ",")) and a <= limit
        and len(sentence[ve:a].split()) <= _GAP_QUOTE and is_speech_quote(sentence, a, b)
        for a, b in spans
    )
    if not chained and ((quote_first and is_speech_quote(sentence, *spans[0])) or colon_quote):
        quotes = speech_quotes(sentence, spans)
        out = [
            Statement(sp.name, sp.actor, "direct", q, sentence) for q in quotes for sp in speakers
        ]
        that = that_clause(sentence, folded, ve, limit) if quote_first else None
        if that:  # '“Quote” X said that ...': the headline quote and the reported clause
            out += [Statement(sp.name, sp.actor, "reported", that, sentence) for sp in speakers]
        return out
    lead = _quote_before(sentence, spans, min(vs, speakers[0].start))
    if lead is not None and not chained and not folded[ve:limit].strip(" ,.;"):
        # 'X said A, “B” he said.': the quotation just before the attribution
        return [Statement(sp.name, sp.actor, "direct", lead, sentence) for sp in speakers]
    after = aside(sentence, speakers[0].end, limit) if speakers[0].start >= ve else None
    if not chained and after:
        content: str | None = after  # "A, notes X, would B": the words after the aside
    elif not chained and (speakers[0].start >= ve or _THEN_PARTICIPLE.match(folded, ve, limit)):
        content = ""  # "Content, said X." / "Content, X said, adding ..."
    else:
        content = content_after(sentence, folded, ve, cue, limit)
    if content is None or _ONLY_POINTER.match(content):
        return []
    if len(content.split()) < 2 and not chained_object(cue, content):
        if cue.reading == "clause" and not _ends_attribution(sentence, folded, speakers[0], vs):
            return []  # "... their state." is a noun, not "..., the ministry stated."
        content = content_before(sentence, speakers[0].start)
    if not content or (len(content.split()) < 2 and not chained_object(cue, content)):
        return []
    # "said that A and that B" is one statement: one act of speech, as real copy is read;
    # but 'said that “A” and that it “B”' quotes twice, one statement per quotation
    parts = [p for p in AND_THAT.split(content) if len(p.split()) >= 2] if (
        "and that" in content) else []
    if len(parts) < 2 or not all(QUOTE_MARK.match(p) for p in parts):
        parts = [content]
    return [_reading_of(sp, clean(part), sentence) for part in parts for sp in speakers]


def _reading_of(sp: Speaker, content: str, sentence: str) -> Statement:
    """A reported statement, or a direct one when the content is one whole quotation
    ('said that “A”')."""
    spans = quote_spans(content)
    if len(spans) == 1 and spans[0] == (0, len(content)) and is_speech_quote(content, 0,
                                                                          len(content)):
        return Statement(sp.name, sp.actor, "direct", speech_quotes(content, spans)[0],
                         sentence)
    return Statement(sp.name, sp.actor, "reported", content, sentence)


QUOTE_MARK = re.compile(r"\s*(?:\S+\s+)?[“\"„«]")  # a clause that opens with a quotation


def _ends_attribution(sentence: str, folded: str, speaker: Speaker, vs: int) -> bool:
    """'Content, X noted.': the speaker right before the verb, after a comma."""
    return (speaker.start < vs and len(folded[speaker.end : vs].split()) <= 1
            and sentence[: speaker.start].rstrip().endswith((",", "”", '"')))


def _quote_before(sentence: str, spans: list[tuple[int, int]], at: int) -> str | None:
    """The words of a speech quotation ending a few words before `at`, else None."""
    for a, b in reversed(spans):
        if b <= at:
            if len(sentence[b:at].split()) <= 3 and is_speech_quote(sentence, a, b):
                return speech_quotes(sentence, [(a, b)])[0] if speech_quotes(
                    sentence, [(a, b)]) else None
            return None
    return None


def chained_object(cue: Cue, content: str) -> bool:
    """A one-word object is content for evaluative verbs ("condemned violence")."""
    return cue.reading == "object" and content.isalpha() and content.islower()


def _according_to(
    s: Sentence, vs: int, ve: int, matcher: ActorMatcher, ctx: Context,
    before: list[Speaker],
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
        person = next(((sp.name, sp.actor) for sp in before if sp.is_person), ctx.person)
        if person:  # the person who spoke earlier in the sentence, else the one in focus
            speaker = Speaker(person[0], person[1], ve, inner_end, True)
    elif ctx.person and not inside and _THE_OFFICE.match(fold(who_text)):
        # "According to the Special Representative, A": the official in focus
        speaker = Speaker(ctx.person[0], ctx.person[1], ve, inner_end, True)
    else:
        heads = [m for m in inside
                 if fold(sentence[max(ve, m.start - 4) : m.start]).split()[-1:] not in (
                     ["in"], ["at"], ["from"])]  # "the US embassy in Pristina": the US
        speaker = unknown_name(sentence, ve, inner_end, mentions) or (
            from_mention(heads[0], matcher) if heads else None
        )
    if speaker is None:
        return [], []
    opens = sentence[:vs].strip() == "" or bool(_CLAUSE_JOIN.search(s.folded, 0, vs))
    if opens:  # "According to X, A" and "..., but according to him, A"
        content = sentence[inner_end + 1 :].strip() if comma >= 0 else ""
        if _INNER_CUE.search(s.folded, inner_end):
            return [], []  # "According to a press release, Kurti said ...": Kurti speaks
    else:
        content = sentence[:vs].rstrip(" ,")
    content = content.rstrip(" .")
    if len(content.split()) < 2:
        return [], []
    kind = "reported"
    if spans and content.startswith(("“", '"')) and is_speech_quote(sentence, *spans[0]):
        kind, content = "direct", " ".join(speech_quotes(sentence, spans))
    return [speaker], [Statement(speaker.name, speaker.actor, kind, content, sentence)]
