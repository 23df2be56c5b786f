"""Stances: what an actor's sentence says for or against a configured topic.

The topic phrases come from the config; the stance cues below are generic English
("supports", "is against", "will not allow", "submitted a request for", "only if").
A topic takes its stance from the nearest cue before it (or inside it) in the same
clause, else from a cue just after it ("... is unacceptable"); a negated cue flips
support to oppose ("will not allow", "did not recognize"). A request or demand for
something is support for it. A condition ("only if", "provided that") makes any stance
conditional. Everything is matched on folded text with one regex per phrase set.
"""

from __future__ import annotations

import re
from bisect import bisect_left, bisect_right
from collections.abc import Sequence
from itertools import pairwise

from dashboard.analysis.actors import Mention
from dashboard.analysis.phrases import CompiledCache, PhraseMatch, PhraseSet, negated
from dashboard.analysis.text import Folded, fold, words
from dashboard.config import Topic
from dashboard.models import Stance, StanceEvidence

# Generic English cues. A request, demand or plan for a thing is support for the thing;
# receiving or studying a request is no stance of one's own.
STANCE_CUES: dict[str, tuple[str, ...]] = {
    "support": (
        "support", "supports", "supported", "supporting", "back", "backs", "backed",
        "backing", "endorse*", "welcome*", "in favour of", "in favor of", "call* for",
        "demand*", "request*", "submitted a request", "ask* for", "urge", "urges", "urged",
        "insist* on", "push* for", "seek*", "sought", "want*", "need to", "needs to",
        "needed to", "plan to", "plans to", "planned to", "intend* to", "will send",
        "ready to", "prepared to", "committed to", "commitment to", "agree to", "agrees to",
        "agreed to", "accept", "accepts", "accepted", "approve*", "allow", "allows",
        "allowed", "permit", "permits", "advocat*", "initiated", "propose*", "proposal for",
        "recognise*", "recognize*", "recognised", "recognized", "in support of",
    ),
    "oppose": (
        "against", "oppose*", "opposing", "opposition to", "reject*", "condemn*",
        "denounc*", "unacceptable", "not acceptable", "out of the question", "refus*",
        "object to", "objects to", "objected to", "veto*", "block", "blocks", "blocked",
        "blocking", "warn* against", "criticis*", "criticiz*", "protest* against",
        "deplor*", "withdraw*", "revok*", "suspend*", "halt*", "stop", "stops", "stopped",
        "end to", "prevent*", "resist*", "never", "not an option", "no option",
    ),
    "neutral": (
        "received a request", "received the request", "received a letter", "analyz*",
        "analys*", "consider*", "review*", "studying", "examin*", "assess*", "monitor*",
        "takes note", "took note", "noted", "neutral", "no position", "declined to comment",
    ),
}
# A condition on the stance ("only if", "provided that", "on condition").
_CONDITION = re.compile(
    r"(?<!\w)(?:only if|provided that|providing that|on (?:the )?condition|as long as"
    r"|unless|subject to|conditional on|conditioned on|in exchange for)(?!\w)"
)
# A word of each condition above: a sentence without any of them has no condition.
_CONDITION_PIECES = frozenset(
    b"only provided providing condition long unless subject conditional conditioned "
    b"exchange".split()
)
_CLAUSE_BREAK = re.compile(r"[;:]|\s(?:but|however|while|whereas)\s")
_BEFORE_REACH = 100  # folded chars a cue may stand before its topic
_AFTER_REACH = 60  # folded chars a cue may stand after its topic ("... is unacceptable")
_CONDITION_REACH = 120
_FLIP: dict[str, Stance] = {"support": "oppose", "oppose": "neutral", "neutral": "neutral"}

_CUES = PhraseSet(STANCE_CUES.items())
def _governing_cue(
    folded: str, topic: PhraseMatch, cues: list[PhraseMatch], ends: list[int], lo: int, hi: int
) -> PhraseMatch | None:
    """The cue that governs a topic: nearest before (or inside) it, else just after it.

    `lo`/`hi` are the ends of the neighbouring topics: a cue beyond them governs those.
    `ends` are the cues' ends (cues never overlap, so they are sorted like the starts).
    """
    i = bisect_right(ends, topic.end) - 1  # the last cue ending inside or before the topic
    if i >= 0 and cues[i].start >= lo:
        gap = folded[cues[i].end:topic.start]
        if len(gap) <= _BEFORE_REACH and not _CLAUSE_BREAK.search(gap):
            return cues[i]
    if i + 1 < len(cues) and cues[i + 1].start >= topic.end and cues[i + 1].end <= hi:
        gap = folded[topic.end:cues[i + 1].start]
        if len(gap) <= _AFTER_REACH and not _CLAUSE_BREAK.search(gap):
            return cues[i + 1]
    return None


def _conditional(folded: str, topic: PhraseMatch, conditions: list[int]) -> bool:
    """Whether a condition stands near the topic in the same clause."""
    first = bisect_left(conditions, topic.start - _CONDITION_REACH)
    for at in conditions[first:]:
        if at > topic.start + _CONDITION_REACH:
            break
        left, right = sorted((at, topic.start))
        if not _CLAUSE_BREAK.search(folded[left:right]):
            return True
    return False


class StanceFinder:
    """The topics of a config compiled once; `find` reads a sentence."""

    def __init__(self, topics: Sequence[Topic]):
        self.topics = PhraseSet((t.id, t.phrases) for t in topics)

    def find(self, sentence: Folded, actor: str) -> list[StanceEvidence]:
        """The stances `actor` takes on the topics in one sentence (see find_stances)."""
        if not self.topics.may_match(sentence):
            return []
        folded = sentence.folded
        found = list(self.topics.finditer(folded))
        if not found:
            return []
        cues = list(_CUES.finditer(folded))
        ends = [c.end for c in cues]
        conditions = (
            [] if _CONDITION_PIECES.isdisjoint(sentence.pieces)
            else [m.start() for m in _CONDITION.finditer(folded)]
        )
        out: dict[str, StanceEvidence] = {}
        for i, topic in enumerate(found):
            if topic.key in out:
                continue
            lo = found[i - 1].end if i else 0
            hi = found[i + 1].start if i + 1 < len(found) else len(folded)
            cue = _governing_cue(folded, topic, cues, ends, lo, hi)
            stance: Stance | None
            if cue is not None:
                stance = cue.key  # type: ignore[assignment]
                if negated(folded, cue.start, cue.end):
                    stance = _FLIP[cue.key]
            elif negated(folded, topic.start, topic.end):
                stance = "oppose"
            else:
                stance = None
            if _conditional(folded, topic, conditions):
                stance = "conditional"
            if stance is not None:
                out[topic.key] = StanceEvidence(actor, topic.key, stance, sentence.text)
        return list(out.values())


_FINDERS: CompiledCache[StanceFinder] = CompiledCache(StanceFinder)  # type: ignore[arg-type]


def find_stances(sentence: str, actor: str, topics: Sequence[Topic]) -> list[StanceEvidence]:
    """The stances `actor` takes on the configured topics in one sentence.

    One piece of evidence per topic (the first topic mention that shows a stance). A
    topic mentioned without any cue shows no stance, unless the mention is negated
    ("there will be no return of ...": oppose) or conditioned (conditional).
    """
    return _FINDERS.get(topics).find(Folded.of(sentence), actor)


_PREPOSITIONS = words("of from by with to for against between about in on at among than "
                      "over under towards toward into like including")
_LIST_GLUE = re.compile(r"\s*(?:,\s*(?:and\s+)?|\s+and\s+|\s+as well as\s+)")


def subject_actors(sentence: str, mentions: Sequence[Mention]) -> list[str]:
    """The actors that are the subject of the sentence ("Serbia notes that ...").

    The first mention counts when only a few words (none a preposition) stand before it,
    after any leading phrase set off by a comma ("On December 16, Serbia ..."); mentions
    listed with it ("Ukraine and Russia did not ...") count too. `mentions` come from
    ActorMatcher.find(sentence).
    """
    if not mentions:
        return []
    first = mentions[0]
    lead = sentence[:first.start].rsplit(",", 1)[-1]
    lead_words = fold(lead).split()
    if len(lead_words) > 3 or any(w in _PREPOSITIONS for w in lead_words):
        return []
    out = [first.actor]
    for prev, cur in pairwise(mentions):
        if not _LIST_GLUE.fullmatch(sentence[prev.end:cur.start]):
            break
        if cur.actor not in out:
            out.append(cur.actor)
    return out
