"""Stances: what a sentence says for or against a configured topic, and where.

Topics are found by phrase or concept (topics.TopicMatcher). The stance comes from the
predicate that governs the topic: generic English cues compared by lemma (support:
demand, request, call for, welcome, back, insist on, ...; oppose: reject, refuse,
oppose, condemn, rule out, ...). A topic takes its stance from the nearest cue before
it in the same clause, else from a cue just after it ("... is unacceptable"). A negated
cue turns support into opposition ("will not allow") and a reversible opposition into
support ("will not block"); a hypothetical one ("could back", "might accept") shows no
stance. A request for something is support for it; receiving or studying one is
neutral. A condition ("only if", "provided that") makes the stance conditional. A
counter-concept (the opposite claim) turns the stance round.

`StanceFinder.read` gives each reading with the places of its cue and topic, so the
analyzer can credit the actor that holds it (see holders.py).
"""

from __future__ import annotations

import re
from bisect import bisect_left
from collections.abc import Sequence
from typing import NamedTuple

from dashboard.analysis.lemmas import LemmaIndex, Tokens, tokens_of
from dashboard.analysis.text import Folded, words
from dashboard.analysis.topics import TopicMatcher, TopicSpan
from dashboard.config import Topic
from dashboard.models import Stance, StanceEvidence

# Generic English predicates, written as lemmas (every form matches). A request, demand
# or plan for a thing is support for it; receiving or studying a request is no stance.
STANCE_CUES: dict[str, tuple[str, ...]] = {
    "support": (
        "support", "back", "endorse", "welcome", "in favour of", "in favor of", "favour",
        "favor", "call for", "demand", "request", "submit a request", "ask for", "urge",
        "insist on", "push for", "seek", "want", "need to", "plan to", "intend to",
        "will send", "ready to", "prepared to", "committed", "commit", "commitment",
        "agree to", "undertake to", "pledge to", "accept", "approve", "allow", "permit",
        "advocate", "initiate",
        "propose", "proposal for", "recognise", "recognize", "acknowledge", "in support of",
        "praise",
        "encourage", "appeal for", "stress the need", "importance of", "engage in", "engage",
        "engage with", "engaging in", "recommit to", "return to", "resume", "continue",
        "respect", "uphold", "defend", "only path", "only way", "only solution",
        "only lasting", "way forward", "milestone", "priority",
        "implement", "implementation of", "establish", "establishment of", "form",
        "formation of", "strengthen", "reinforce", "obligation to", "obliged to",
        "depend on", "focus on", "hail", "applaud", "victory", "thank", "delighted", "happy",
        "maintain", "ensure", "preserve", "guarantee", "through", "via", "regard",
    ),
    "oppose": (
        "against", "oppose", "opposition to", "reject", "condemn", "denounce", "unacceptable",
        "not acceptable", "out of the question", "refuse", "object to", "veto", "block",
        "warn against", "criticise", "criticize", "protest against", "deplore", "withdraw",
        "withdrawal of", "revoke", "suspend", "halt", "stop", "end to", "prevent", "resist",
        "never", "not an option", "no option", "disagree", "rule out", "provocation",
        "provocative", "provoke", "violate", "violation of", "undermine", "intrusion",
        "occupier", "terrorize", "terrorise", "intimidate", "intimidation",
        "not coordinated", "disappointment", "disappointed",
        "express concern", "concerned", "unfair", "penalise", "penalize", "illegal",
        "illegitimate", "brutally", "brutal", "escalate tension", "lift", "lifting of",
        "scrap", "abolish", "avoid", "obstruct", "sabotage",
    ),
    "neutral": (
        "receive a request", "receive the request", "receive a letter", "analyze", "analyse",
        "consider", "review", "study", "examine", "assess", "monitor", "take note",
        "neutral", "no position", "decline to comment",
    ),
}
# Negated, these oppositions are support ("will not block", "did not rule out").
_REVERSIBLE = frozenset({
    "against", "oppose", "opposition to", "reject", "refuse", "object to", "veto", "block",
    "withdraw", "withdrawal of", "revoke", "suspend", "halt", "stop", "prevent", "resist",
    "rule out",
})
# Oppositions that end the topic: made to depend on a condition, the topic stays until
# it is met ("the lifting of the sanctions depends on ...": the sanctions are kept).
_REMOVALS = frozenset({"withdraw", "withdrawal of", "revoke", "suspend", "halt", "stop",
                       "end to", "lift", "lifting of", "scrap", "abolish"})
# Nouns of action that name the topic's fate ("the establishment of X"): a verb cue
# before them in the clause governs instead ("refused to accept ... the establishment").
_WEAK = frozenset({"establishment of", "formation of", "implementation of", "importance of",
                   "through", "via",
                   "withdrawal of", "lifting of", "commitment", "priority", "plan to",
                   "proposal for"})
# Prepositions of means govern what follows them ("settled through dialogue"), never a
# topic before them ("a decision on the bridge must be made through dialogue").
_MEANS = frozenset({"through", "via"})
# "against" is a stance after "be", "vote", "stand" ("is firmly against X"), not after a
# noun ("attacks against KFOR troops").
_AGAINST_AFTER = words("be stand vote speak come remain firmly categorically strongly")
_QUOTES = frozenset("\"“”‘’'«»")
# "regard" as a noun after these ("in this regard", "with regard to"), not "regards X as"
_REGARD_NOUN = words("this that with in high no any")
_NEGATORS = words("not no never cannot nor neither nobody none")
_NEAR_NEGATORS = words("without")  # only just before: "without delay" is no negation
# Verbs that negate the verb after them ("refuses to recognise", "failed to implement").
_NEGATING_VERBS = words("refuse reject deny fail decline")
_HYPOTHETICAL = words("could might may")
_CONDITION = re.compile(
    r"(?<!\w)(?:only if|provided that|providing that|on (?:the )?condition|as long as"
    r"|unless|subject to|conditional on|conditioned on|in exchange for)(?!\w)"
)
_CONDITION_PIECES = frozenset(
    b"only provided providing condition long unless subject conditional conditioned "
    b"exchange".split()
)
_CLAUSE_BREAK = re.compile(r"[;:]|\s(?:but|however|while|whereas)\s")
# a cue's object is something else: "condemned the attacks against KFOR troops"
_BLOCKED = re.compile(_CLAUSE_BREAK.pattern + r"|\sagainst\s")
_MENTIONS_READ = 64  # topic mentions read per sentence (real sentences hold a few)
_BEFORE_REACH = 100  # folded chars a cue may stand before its topic
_AFTER_REACH = 60  # folded chars a cue may stand after its topic ("... is unacceptable")
_CONDITION_REACH = 120
_FLIP_SUPPORT: dict[Stance, Stance] = {"support": "oppose", "oppose": "support"}


class Cue(NamedTuple):
    """A stance cue found in a sentence: its stance, lemma phrase and folded span."""

    stance: Stance
    phrase: str
    start: int
    end: int
    first: int  # token index


class Reading(NamedTuple):
    """One stance on one topic in a sentence, with where its cue and topic stand."""

    topic: str
    stance: Stance
    topic_start: int
    topic_end: int
    cue_start: int  # == topic_start when the topic has no cue (a negated mention)
    cue_end: int
    negated: bool = False  # the cue (or the mention) is negated
    phrase: str = ""  # the cue's lemma phrase ("" when the topic has no cue)


_CUE_INDEX = LemmaIndex(
    (f"{stance}:{phrase}", (phrase,)) for stance, phrases in STANCE_CUES.items()
    for phrase in phrases
)


def _cues(tokens: Tokens, folded: str) -> list[Cue]:
    """The stance cues of a sentence, left to right, the longest at each place, no overlap."""
    out: list[Cue] = []
    taken = -1
    for m in _CUE_INDEX.find(tokens):
        if m.first <= taken:
            continue  # inside a longer cue already taken ("receive a request")
        start = tokens.starts[m.first]
        if start and folded[start - 1] == "-":
            continue  # a compound modifier ("EU-supported dialogue"), not a predicate
        stance, _, phrase = m.key.partition(":")
        end = tokens.ends[m.last]
        if start and folded[start - 1] in _QUOTES and folded[end:end + 1] in _QUOTES:
            continue  # a scare quote ("“recognising” Kosovo") keeps its distance
        if phrase == "regard" and (tokens.words[m.first] == "regarding" or (
                m.first and tokens.words[m.first - 1] in _REGARD_NOUN)):
            continue  # a preposition ("a decision regarding X", "in this regard")
        if phrase == "against" and not any(
                tokens.lemmas[i] in _AGAINST_AFTER for i in range(max(0, m.first - 3), m.first)):
            continue
        out.append(Cue(stance, phrase, tokens.starts[m.first], tokens.ends[m.last],  # type: ignore[arg-type]
                       m.first))
        taken = m.last
    return out


def _negated(tokens: Tokens, first: int, folded: str, reach: int = 5) -> bool:
    """A negator within `reach` words before token `first`, in the same clause."""
    colons = tokens.colons  # (all of _CLAUSE_BREAK that a gap between words can hold)
    for i in range(first - 1, max(-1, first - 1 - reach), -1):
        if colons and _CLAUSE_BREAK.search(folded, tokens.ends[i], tokens.starts[i + 1]):
            return False
        word = tokens.words[i]
        if (word in _NEGATORS or word.endswith(("n't", "n’t"))
                or tokens.lemmas[i] in _NEGATING_VERBS
                or (word in _NEAR_NEGATORS and i == first - 1)):
            return True
    return False


def _hypothetical(tokens: Tokens, first: int) -> bool:
    """A hypothetical modal in the two words before token `first` ("could support")."""
    return any(tokens.words[i] in _HYPOTHETICAL for i in range(max(0, first - 2), first))


def _governing(folded: str, topic: TopicSpan, cues: list[Cue], lo: int, hi: int) -> Cue | None:
    """The cue governing a topic: the nearest before (or inside) it, else just after.

    `lo`/`hi` bound the neighbouring topics: a cue beyond them governs those.
    """
    # a cue inside the topic governs it only when it heads it ("recognize Kosovo"), not
    # when it is part of its name ("measures against Kosovo")
    # (inside a concept's span a cue may link its words: "KFOR will maintain a safe and
    # secure environment")
    before = [c for c in cues if lo <= c.start and (
        c.end <= topic.start or c.start == topic.start or c.end == topic.end
        or (topic.concept and c.end <= topic.end))]
    after = [c for c in cues if c.start >= topic.end and c.end <= hi
             and c.phrase not in _MEANS]
    if after and _PASSIVE_GAP.fullmatch(folded, topic.end, after[0].start):
        return _framed(folded, after[0], before, topic)
    if before:
        cue = before[-1]
        if cue.phrase in _WEAK and len(before) > 1 and before[-2].start >= lo:
            verb = before[-2]
            if not _BLOCKED.search(folded[verb.end:cue.start]) and (
                    topic.start - verb.end <= _BEFORE_REACH):
                cue = verb
        gap = folded[cue.end:topic.start] if cue.end <= topic.start else ""
        if len(gap) <= _BEFORE_REACH and not _BLOCKED.search(gap):
            return cue
    if after:
        cue = after[0]
        gap = folded[topic.end:cue.start]
        if len(gap) <= _AFTER_REACH and not _CLAUSE_BREAK.search(gap):
            return cue
    return None


# The topic as the subject of a passive: "(ensure that) special units are withdrawn".
_PASSIVE_GAP = re.compile(
    r"\s+(?:\w+\s+){0,2}?(?:is|are|was|were|be|been|being)\s+(?:\w+\s+)?")


def _framed(folded: str, passive: Cue, before: list[Cue], topic: TopicSpan) -> Cue:
    """The topic's own passive predicate governs it; a reversible opposition framing the
    clause turns it round ("rejected demands that the units be withdrawn": support)."""
    stance = passive.stance
    for frame in before:
        if (frame.end <= topic.start and frame.phrase in _REVERSIBLE
                and topic.start - frame.end <= _BEFORE_REACH
                and not _BLOCKED.search(folded[frame.end:topic.start])):
            stance = _FLIP_SUPPORT.get(stance, stance)
    return passive._replace(stance=stance)


# the topic as the subject of these is conditioned ("the lifting of X depends on Y")
_DEPENDS = re.compile(r"\s(?:depends?|depended|hinges?|hinged|is conditional|are conditional)"
                      r"\s+(?:\w+\s+)?(?:on|upon)\s")


def _depends(folded: str, topic: TopicSpan) -> bool:
    """Whether the topic is the subject of "depends on" ("the lifting of X depends on")."""
    after = _DEPENDS.search(folded, topic.end, topic.end + _AFTER_REACH)
    return after is not None and not _CLAUSE_BREAK.search(folded, topic.end, after.start())


def _conditional(folded: str, topic: TopicSpan, conditions: list[int]) -> bool:
    """Whether a condition stands near the topic in the same clause, or the topic is
    the subject of "depends on"."""
    if _depends(folded, topic):
        return True
    first = bisect_left(conditions, topic.start - _CONDITION_REACH)
    for at in conditions[first:]:
        if at > topic.start + _CONDITION_REACH:
            break
        left, right = sorted((at, topic.start))
        if not _CLAUSE_BREAK.search(folded[left:right]):
            return True
    return False


class StanceFinder:
    """The topics of a config compiled once; `read`/`find` read a sentence."""

    def __init__(self, topics: Sequence[Topic]):
        self.topics = TopicMatcher(topics)

    def read(self, sentence: Folded, named: set[str] | None = None) -> list[Reading]:
        """The stance readings of one sentence: at most one per topic, the first mention
        of the topic that shows a stance.

        `named` (the topics the article has named so far, updated here) lets a definite
        anaphor ("the bridge") name a topic named in an earlier sentence.
        """
        found = self.topics.find(sentence)
        if named is not None:
            here = {t.topic for t in found}
            found.extend(t for t in self.topics.refer(sentence, named) if t.topic not in here)
            found.sort(key=lambda s: (s.start, -s.end))
            named.update(here)
        if not found:
            return []
        folded = sentence.folded
        tokens = tokens_of(sentence)
        cues = _cues(tokens, folded)
        conditions = (
            [] if _CONDITION_PIECES.isdisjoint(sentence.pieces)
            else [m.start() for m in _CONDITION.finditer(folded)]
        )
        out: dict[str, Reading] = {}
        found = found[:_MENTIONS_READ]  # a hostile run-on sentence must cost linear time
        for topic in found:
            if topic.topic in out:
                continue
            others = [t for t in found if t.topic != topic.topic]
            lo = max((t.end for t in others if t.end <= topic.start), default=0)
            hi = min((t.start for t in others if t.start >= topic.end), default=len(folded))
            reading = self._reading(folded, tokens, topic, cues, lo, hi, conditions)
            if reading is not None:
                out[topic.topic] = reading
        return list(out.values())

    def _reading(
        self, folded: str, tokens: Tokens, topic: TopicSpan, cues: list[Cue], lo: int,
        hi: int, conditions: list[int],
    ) -> Reading | None:
        cue = _governing(folded, topic, cues, lo, hi)
        if _conditional(folded, topic, conditions):
            at = (cue.start, cue.end) if cue else (topic.start, topic.start)
            if cue is not None and cue.phrase in _REMOVALS and _depends(folded, topic):
                # "the lifting of the measures depends on X": they stay until then
                return Reading(topic.topic, "support", topic.start, topic.end, *at,
                               phrase=cue.phrase)
            return Reading(topic.topic, "conditional", topic.start, topic.end, *at)
        stance: Stance | None
        if cue is not None:
            if _hypothetical(tokens, cue.first):
                return None
            stance = cue.stance
            negated = _negated(tokens, cue.first, folded)
            if negated:
                stance = (
                    "oppose" if stance == "support"
                    else "support" if stance == "oppose" and cue.phrase in _REVERSIBLE
                    else "neutral"
                )
            at = (cue.start, cue.end)
            phrase = cue.phrase
        elif topic.anaphor:  # "no problem with the bridge": its name, not a stance
            return None
        else:
            phrase = ""
            first = bisect_left(tokens.starts, topic.start)
            negated = first < len(tokens.starts) and _negated(tokens, first, folded)
            stance = "oppose" if negated else None
            at = (topic.start, topic.start)
        if stance is not None and topic.polarity < 0:
            stance = _FLIP_SUPPORT.get(stance, stance)
        if stance is None:
            return None
        return Reading(topic.topic, stance, topic.start, topic.end, *at, negated, phrase)

    def find(self, sentence: Folded, actor: str) -> list[StanceEvidence]:
        """The stances `actor` takes on the configured topics in one sentence.

        One piece of evidence per topic (the first topic mention that shows a stance). A
        topic mentioned without any cue shows no stance, unless the mention is negated
        ("there will be no return of ...": oppose) or conditioned (conditional).
        """
        return [StanceEvidence(actor, r.topic, r.stance, sentence.text)
                for r in self.read(sentence)]
