"""Who holds a stance read in a sentence: the clause's own subject, else the speaker.

"Escobar said Washington categorically rejects the return of Serbian forces": the
predicate is "rejects" and the actor standing before it in its clause is Washington, so
the stance is the United States', whoever reports it. The rules, in order:

1. a passive agent after the cue ("is not recognised ... by Belgrade");
2. the nearest actor named before the cue in the same clause, skipping the objects of a
   preposition ("from Serbia") and the addressees of a directive ("urged Kosovo to ..."),
   with the actors listed alongside it ("the US, the EU and the OSCE");
3. the speaker of a statement made in that sentence (the one whose words hold the cue);
4. for a pronoun or a bare role as subject ("we", "the spokesperson"), the actor of the
   article's last statement before it.

A subject named inside someone else's words is reported, not heard: "Vucic said Pristina
is trying to avoid the association" is Serbia's complaint, so an obstruction a speaker
reports of another actor (refuses, rejects, avoids, does not want) is the speaker's
support for what is obstructed; a commitment so reported ("Vucic said Pristina undertook
to form the association") is the speaker holding the other to it, so the speaker's
support; any other stance so reported (a decision, an alleged backing) is credited to
nobody. A judgement of the act itself
("entered the north illegally", "a provocation") is the speaker's, whoever acts.

A stance nobody can be credited with is dropped: a wrong actor is worse than none.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from typing import NamedTuple

from dashboard.analysis.actors import Mention
from dashboard.analysis.stances import Reading
from dashboard.analysis.text import Folded, fold, words
from dashboard.models import Statement

_PREPOSITIONS = words(
    "of from by with to for against between about in on at among than over under towards "
    "toward into like including within across via despite after before"
)
# Verbs whose object is an addressee, not the one who speaks ("urged Kosovo to engage").
_DIRECTIVES = words(
    "urge urged urges urging call called calls calling ask asked asks asking expect expected "
    "expects encourage encouraged encourages invite invited invites press pressed presses "
    "tell told tells appeal appealed appeals warn warned warns"
)
# Verbs of giving whose first object is the recipient ("Serbia sent KFOR a request to
# ..."): an actor between one of them and a determiner is not the clause's subject.
_GIVING = words(
    "send sends sent sending give gives gave given giving hand hands handed handing submit "
    "submits submitted submitting deliver delivers delivered delivering offer offers offered "
    "offering pass passes passed passing"
)
_DETERMINERS = words("a an the its their his her this that these those another")
# Between a subject and its verb no clause boundary may stand: punctuation, a relative
# or subordinate clause, a reporting verb ("Kurti said that ...": the clause after it
# has its own subject).
_CLAUSE_BREAK = re.compile(
    r"[,;:“”\"()]|\s(?:but|however|while|whereas|which|who|whose|that|because|since|as"
    r"|said|says|told|added|stated|noted)\s", re.IGNORECASE)
# a preposition between a predicate and "by X": X is the agent of that noun phrase
# ("worried about a step by Kosovo"), not of the predicate
_OTHER_HEAD = re.compile(r"\b(?:over|about|on|of|with|for|to|against|in|at)\b", re.IGNORECASE)
# A clause whose subject is a group of no configured actor holds its own stance, not the
# reporter's ("no new country has recognized ...", "many states oppose ...").
_GENERIC_SUBJECT = re.compile(
    r"\b(?:\d+|no|few|many|several|other|some|most|all)\s+(?:\w+\s+)?(?:country|countries|"
    r"states?|governments?|members?|nations?)\b", re.IGNORECASE)
_REFERRING = re.compile(
    r"\b(?:we|he|she|they|i|the (?:spokes(?:person|man|woman)|minister|ministry|president"
    r"|prime minister|envoy|ambassador|government|statement))\b", re.IGNORECASE)
_PUNCTUATION = re.compile(r"[,;:“”\"()]")
# A deontic modal between subject and predicate makes it the speaker's prescription
# ("Kosovo and Serbia should recommit to the dialogue", "Pristina is obliged to form").
_DEONTIC = re.compile(
    r"\b(?:should|must|ought|obliged|required|needs? to|have to|has to)\b", re.IGNORECASE)
# A subject with an infinitive and no verb of its own is a point of the speaker's list
# ("... and Kosovo and Serbia to return to the talks"), not the subject's own act.
_INFINITIVE = re.compile(r"\s+to\s+\S*$|\s+to\s*$", re.IGNORECASE)
# A subordinate clause of condition or time: the speaker demands what it names ("will
# leave ... if Pristina does not establish X", "until Serbia recognizes X").
_CONDITIONS = words("if until unless once")
# "Belgrade, which has never recognised ...": the relative clause's subject.
_RELATIVE = re.compile(r"^\s*,\s*(?:which|who)\s", re.IGNORECASE)
_SUBJECT_REACH = 140  # characters from the end of a subject to its predicate
# (the rest of an institution's name may follow a mention: "the US Department of State,
# the EU and ...")
_LIST_GLUE = re.compile(r"(?-i:(?:\s+[A-Z][\w'-]*(?:\s+(?:of|for)\s+[A-Z][\w'-]*)?)*)"
                        r"\s*(?:,\s*(?:and\s+)?|\s+and\s+|\s+as well as\s+)(?:the\s+)?",
                        re.IGNORECASE)
_BY = re.compile(r"\bby\s+(?:the\s+)?$", re.IGNORECASE)


class Holding(NamedTuple):
    """Who holds a reading: "subject" (the actors given), "speaker" (whoever speaks the
    sentence), "speaker-demand" (the speaker wants what a condition names) or "nobody"
    (a group of no configured actor)."""

    how: str
    actors: list[str]


def _original(sentence: Folded, pos: int) -> int:
    """A folded position as a position in the sentence's own text."""
    offsets = sentence.offsets
    if offsets is None:
        return pos
    return offsets[min(pos, len(offsets) - 1)]


def _is_object(text: str, mention: Mention) -> bool:
    """Whether a mention is a preposition's object, a directive's addressee or the
    recipient of a verb of giving (titles before it are skipped: "calls for Prime
    Minister Doe")."""
    words = text[max(0, mention.start - 80):mention.start].split()
    while words and words[-1][:1].isupper() and fold(words[-1]) not in _PREPOSITIONS:
        words.pop()  # a title or name before the mention
    before = [fold(w) for w in words[-2:]]
    if not before:
        return False
    if before[-1] in _PREPOSITIONS or before[-1] in _DIRECTIVES:
        return True
    if before[-1] in _GIVING:  # the recipient: "sent KFOR a request"
        after = fold(text[mention.end:mention.end + 20]).split()
        return bool(after) and after[0] in _DETERMINERS
    # "called on Kosovo", "urged both Serbia": the verb one word further back
    return len(before) == 2 and before[0] in _DIRECTIVES and before[1] in ("on", "upon", "both")


def _listed(text: str, mentions: Sequence[Mention], index: int) -> int:
    """The index of the first mention listed with mentions[index] ("the US, the EU and")."""
    i = index
    while i > 0 and _LIST_GLUE.fullmatch(text[mentions[i - 1].end:mentions[i].start]):
        i -= 1
    return i


def _word_before(text: str, at: int) -> str:
    before = fold(text[max(0, at - 20):at]).split()
    return before[-1] if before else ""


def clause_subject(sentence: Folded, reading: Reading, mentions: Sequence[Mention]) -> Holding:
    """Rules 1 and 2: the actors the clause itself names as holding the stance."""
    text = sentence.text
    cue_start = _original(sentence, reading.cue_start)
    cue_end = _original(sentence, reading.cue_end)
    topic = (_original(sentence, reading.topic_start), _original(sentence, reading.topic_end))
    for m in mentions:  # a passive agent: "... recognised as a country by Belgrade"
        if m.start >= cue_end and m.start - cue_end <= 80 and _BY.search(
                text[max(cue_end, m.start - 40):m.start]) and not _PUNCTUATION.search(
                text[cue_end:m.start]) and not _OTHER_HEAD.search(text[cue_end:m.start]):
            return Holding("subject", [m.actor])
    if cue_start >= topic[1]:
        return Holding("speaker", [])  # the topic is the subject: "X is unacceptable"
    clause = _CLAUSE_BREAK.split(text[:cue_start])[-1]
    if _GENERIC_SUBJECT.search(clause) and not _DEONTIC.search(clause):
        return Holding("nobody", [])  # "no new country has recognized": not the speaker's
    for index in range(len(mentions) - 1, -1, -1):
        m = mentions[index]
        if m.end > cue_start or text[m.end:m.end + 1] == "-":
            continue  # after the cue, or a modifier ("EU-led")
        if topic[0] <= m.start < topic[1] and cue_start <= topic[0]:
            continue  # named in the topic ("the return of Serbian troops")
        gap = _RELATIVE.sub("", text[m.end:cue_start], count=1)
        if len(gap) > _SUBJECT_REACH or _CLAUSE_BREAK.search(gap):
            return Holding("speaker", [])
        first = _listed(text, mentions, index)
        if _is_object(text, mentions[first]):
            continue
        if _DEONTIC.search(gap) or _INFINITIVE.match(gap):
            return Holding("speaker", [])
        if _word_before(text, mentions[first].start) in _CONDITIONS:
            return Holding("speaker-demand", [])
        return Holding("subject", list(dict.fromkeys(x.actor for x in mentions[first:index + 1])))
    return Holding("speaker", [])


# Predicates that obstruct their object: reported of another actor, they are a complaint
# ("X refuses to form the association"), which tells what the speaker wants.
_OBSTRUCTIONS = frozenset({
    "against", "oppose", "opposition to", "reject", "refuse", "object to", "veto", "block",
    "prevent", "resist", "avoid", "obstruct", "undermine", "sabotage", "violate",
    "violation of",
})
# Commitments: reported of another actor, the speaker holds them to it ("Vucic said
# Pristina undertook to form the association", "X said NATO will increase its commitment").
_OBLIGATIONS = frozenset({
    "commit", "committed", "commitment", "obligation to", "obliged to", "undertake to",
    "pledge to",
})
# the same standing just before the cue ("undertook to implement the formation of X")
_OBLIGED = re.compile(r"\b(?:undert(?:ook|ake|akes|aken)|pledged?|committed|obliged|obligation)"
                      r"\s+(?:it(?:self)?\s+)?to\s+(?:\w+\s+){0,2}$", re.IGNORECASE)
# Judgements of the topic's act itself ("the police entered the north illegally", "a
# provocation"): the stance is the judge's, never the actor who acts.
_EVALUATIVE = frozenset({
    "illegal", "illegitimate", "provocation", "provocative", "provoke", "intrusion",
    "occupier", "terrorize", "terrorise", "intimidate", "intimidation", "brutal", "brutally",
    "unacceptable", "not acceptable", "unfair", "escalate tension", "not coordinated",
})


def _speaking(sentence: Folded, reading: Reading, statements: Sequence[Statement]) -> list[str]:
    """The actors of the statements of this sentence whose words hold the cue, the
    outermost only ("Vucic said Pristina refuses to ...": Vucic is heard, and Pristina's
    refusal is his report)."""
    cue = _original(sentence, reading.cue_start)
    spans = []
    for st in statements:
        at = sentence.text.find(st.text) if st.actor and st.text else -1
        if at >= 0 and at <= cue <= at + len(st.text):
            spans.append((at, at + len(st.text), st.actor))
    out: list[str] = []
    for start, end, actor in spans:
        inner = any(a <= start and end <= b and (a, b) != (start, end) for a, b, _ in spans)
        if not inner and actor not in out:
            out.append(actor)  # type: ignore[arg-type]
    return out


def _reported(
    sentence: Folded, reading: Reading, speakers: list[str]
) -> tuple[list[str], Reading]:
    """What a stance reported of another actor tells (see the module docstring)."""
    if reading.stance == "support" and not reading.negated and (
            reading.phrase in _OBLIGATIONS or _OBLIGED.search(
                sentence.text, 0, _original(sentence, reading.cue_start))):
        return speakers, reading  # "X undertook to form it": the speaker holds X to it
    obstruction = reading.stance == "oppose" and (
        reading.negated != (reading.phrase in _OBSTRUCTIONS))
    if not obstruction:
        return [], reading
    return speakers, reading._replace(stance="support", negated=False)


def speaker_of(sentence: Folded, reading: Reading, statements: Sequence[Statement]) -> list[str]:
    """Rule 3: the actor of the statement in this sentence whose words hold the cue."""
    cue = _original(sentence, reading.cue_start)
    fallback: list[str] = []
    for st in statements:
        if not st.actor:
            continue
        at = sentence.text.find(st.text) if st.text else -1
        if at >= 0 and at <= cue <= at + len(st.text):
            return [st.actor]
        if st.actor not in fallback:
            fallback.append(st.actor)
    return fallback[:1]


def _opening_subject(text: str, mentions: Sequence[Mention]) -> list[str]:
    """The actor that opens the sentence's main clause, after an adverbial set off by a
    comma ("Last month, Kosovo's government imposed ..."), if any."""
    if not mentions:
        return []
    first = mentions[0]
    lead = text[:first.start].rsplit(",", 1)[-1].split()
    return [first.actor] if len(lead) <= 1 and all(w.lower() == "the" for w in lead) else []


def _pronoun_speaks(sentence: Folded, reading: Reading) -> bool:
    """Whether a pronoun or a bare role ("the spokesperson") stands before the cue in its
    clause: it refers back to the last speaker."""
    before = sentence.text[:_original(sentence, reading.cue_start)]
    clause = _CLAUSE_BREAK.split(before)[-1] if before else ""
    return bool(_REFERRING.search(clause))


def holders(
    sentence: Folded, reading: Reading, mentions: Sequence[Mention],
    statements: Sequence[Statement], previous: str | None = None,
) -> tuple[list[str], Reading]:
    """The actors credited with a stance reading (see the module docstring), and the
    reading they hold (a demand's condition holds the thing demanded, not negated).
    `previous` is the actor of the article's last statement before this sentence: a
    pronoun subject with no speaker of its own refers back to it."""
    holding = clause_subject(sentence, reading, mentions)
    if reading.phrase in _EVALUATIVE and holding.how == "subject":
        holding = Holding("speaker", [])  # a judgement is the speaker's (see above)
    if holding.how == "subject":
        speakers = _speaking(sentence, reading, statements)
        if speakers and not set(speakers) & set(holding.actors):
            return _reported(sentence, reading, speakers)
        return holding.actors, reading
    if holding.how == "nobody":
        return holding.actors, reading
    speakers = speaker_of(sentence, reading, statements)
    if not speakers and previous and _pronoun_speaks(sentence, reading):
        speakers = [previous]
    if holding.how == "speaker-demand":
        if not speakers:  # "Kosovo imposed tariffs until Serbia recognises ...": Kosovo's
            speakers = _opening_subject(sentence.text, mentions)
        if reading.negated and reading.stance in ("support", "oppose"):
            flipped = "oppose" if reading.stance == "support" else "support"
            reading = reading._replace(stance=flipped, negated=False)
        return speakers, reading
    return speakers, reading
