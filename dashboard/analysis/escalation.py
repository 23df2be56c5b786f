"""The escalation indicator: cue phrases found in text, weighed, decayed and saturated.

`CueFinder.find` reads one sentence; `score` turns hits into 0..100 at a given instant;
`compute` adds the level, the trend and the drivers. The clock is always passed in, so
the same hits give the same indicator.
"""

from __future__ import annotations

import math
import re
from bisect import bisect_left
from collections.abc import Callable, Iterable, Mapping, Sequence
from datetime import datetime, timedelta

from dashboard.analysis.cameo import code_labels, load_lexicon
from dashboard.analysis.drivers import driver_cut, driver_times, largest_drivers
from dashboard.analysis.lemmas import Tokens, lemma, phrase_lemmas, tokens_of
from dashboard.analysis.phrases import PhraseSet, negated
from dashboard.analysis.text import Folded, words
from dashboard.config import Cue, Events, Thresholds
from dashboard.config import Escalation as EscalationConfig
from dashboard.models import LEVELS, CueHit, Escalation, HistoryPoint, Level, Trend

# A negation after the phrase: "a military clash cannot be allowed", "war was averted".
_NEGATED_AFTER = re.compile(
    r"\s+(?:(?:can ?not|can't|must not|mustn't|will not|won't|should not|shouldn't)"
    r"\s+(?:be\s+)?(?:allowed|permitted|tolerated|happen|repeated)"
    r"|(?:was|were|has been|have been|had been)\s+(?:averted|avoided|prevented|ruled out)"
    r"|(?:is|are|was|were|isn't|aren't|wasn't|weren't)\s+(?:not\s+)?(?:an option|reported))"
)

# Words that make an event unreal in its clause: negated ("did not attack"), hypothetical
# ("could attack", "warned that they would close"), conditional ("if police enter") or
# reported as denied ("denied that troops had crossed").
_NEGATORS = words("not no never cannot without nor neither nobody none")
_MODALS = words("could would might may ready prepared")
# an intention is not the act: "a proposal for de-escalation", "plans to attack"
_INTENTS = words("proposal propose plan offer")
_CONDITIONS = words("if unless whether")
# a possibility is not the act: "the possibility of protesters being detained"
_POSSIBLE = words("possibility possible potential potentially")
# "failed to take steps to de-escalate", "refused to lift the blockade": not done
_DENIALS = words("deny dismiss refute fail refuse decline")
_UNREAL_REACH = 8  # words back to a condition or denial
_CLAUSE_END = re.compile(r"[;:]|\s(?:but|however|while|whereas)\s")
_CLAUSE_WORDS = words("but however while whereas")


def unreal(tokens: Tokens, first: int, folded: str) -> bool:
    """Whether the event at token `first` is negated, hypothetical, conditional or denied
    in its clause (each look-back stops at a clause break)."""
    lemmas, w = tokens.lemmas, tokens.words
    if w and w[0] in _CONDITIONS:
        return True  # "If KFOR does not act, our forces will ..."
    # between two words only punctuation stands, so of _CLAUSE_END only ";" or ":" can
    # be there: a sentence without them needs no search
    colons = tokens.colons
    for back, i in enumerate(range(first - 1, max(-1, first - 1 - _UNREAL_REACH), -1)):
        if colons and _CLAUSE_END.search(folded, tokens.ends[i], tokens.starts[i + 1]):
            return False
        word = w[i]
        if word in _CLAUSE_WORDS:
            return False  # "... cannot be allowed, but steps towards war were taken"
        if back < 4 and (word in _NEGATORS or word.endswith(("n't", "n’t"))
                         or word in _MODALS or lemmas[i] in _INTENTS):
            return True
        if word in _CONDITIONS or word in _POSSIBLE or lemmas[i] in _DENIALS:
            return True
    return False


_DETERMINERS = words("the a an its his her their our this that these those of")
# An -ing form after "have" is an adjective, not an event ("have conflicting interests").
_HAVE = words("have has had having")
# Verbs whose everyday sense outweighs the event when they stand alone: "broke the
# rules", "took part", "removed the item", "conflicting reports", "struck a deal", "the
# press", "hit the headlines", "fired the director", "expressed hope". Their patterns
# with objects still count ("fired at the convoy", "hit by a bullet", "broke up the
# demonstration").
_EVERYDAY_BARE = words("break take remove conflict strike press hit fire express")
# A cue undone in its own clause: "the roadblocks ... are to be removed" is no blockade.
_UNDONE = re.compile(
    r"[^;:.]{0,100}?\b(?:be|been|being|is|are|was|were)\s+(?:\w+\s+)?"
    r"(?:removed|lifted|dismantled|cleared|withdrawn|called off|taken down|ended)\b")


def _reported_verb(
    sentence: Folded, tokens: Tokens, i: int, start: int, forms: frozenset[str]
) -> bool:
    """Whether a verb alone (no pattern words) reads as a reported event: one of its past
    or -ing `forms` ("clashed", "fought", "are blocking", not after a determiner), not
    capitalised mid-text (a name: "United States"); `forms` leaves out the base and -s
    forms, as often nouns ("forces", "talks"), except for verbal conflict ("China opposes"),
    which counts unless a determiner or "to" stands before it."""
    at = sentence.offsets[start] if sentence.offsets is not None else start
    if at and sentence.text[at:at + 1].isupper():
        return False
    word = tokens.words[i]
    if word not in forms or tokens.lemmas[i] in _EVERYDAY_BARE:
        return False
    before = tokens.words[i - 1] if i else ""
    if word.endswith("ing") and before in _HAVE:
        return False
    if word.endswith("ing") or word == tokens.lemmas[i] or word.endswith("s"):
        # a noun ("the demands", "Serbia's threats") or an infinitive ("to condemn")
        return not (before in _DETERMINERS or before == "to" or before.endswith(("'s", "’s")))
    return True


# Before an -ing form these make it a topic or an aim, not an event: "when it comes to
# resolving the issue", "committed to ending the dispute", "talks on removing ...".
_AIM_PREPOSITIONS = words("to of on for about towards toward")


def _modifier_or_aim(tokens: Tokens, i: int, start: int, folded: str) -> bool:
    """Whether the verb at token `i` is a compound modifier ("EU-mediated talks",
    "US-backed plan") or an -ing form after a preposition of topic or aim."""
    if start and folded[start - 1] == "-":
        return True
    return (i > 0 and tokens.words[i].endswith("ing")
            and tokens.words[i - 1] in _AIM_PREPOSITIONS)


def _drop_objects(hits: dict[str, CueHit], matched: dict[str, str]) -> None:
    """Drop a cue whose words another cue of the sentence holds: the more specific phrase
    says what they are ("the removal of the barricades" is a removal, not a blockade;
    "the failure of the talks" is a collapse, not talks)."""
    words = {key: {lemma(w) for w in text.split()} for key, text in matched.items()}
    for key in list(hits):
        if any(other != key and len(words[other]) > len(words[key])
               and words[key] <= words[other] for other in words):
            del hits[key]


class CueFinder:
    """The cues of a config compiled once, over the CAMEO event lexicon; `find` reads a
    sentence.

    The config's cues come first and override: an event whose words overlap a cue's is
    not counted again. An event counts its Goldstein weight, sign flipped (conflict > 0),
    times the config's weight for its quad class; events with no weight (plain
    statements) do not count, nor do negated, hypothetical, conditional or denied ones.
    """

    def __init__(self, cues: Sequence[Cue], events: Events | None = None):
        self.phrases = PhraseSet((c.id, c.phrases) for c in cues)
        self._weights = {c.id: c.weight for c in cues}
        labels = code_labels() if any(c.code for c in cues) else {}
        self._codes = {c.id: (c.code, labels.get(c.code, "")) for c in cues}
        self.events = events
        # the config's cue words override the lexicon's bare verbs ("arrested" is counted
        # once, by the config's cue, and "removed * barricades" decides what "remove" means)
        self._override_lemmas = frozenset(
            lemmas[0] for c in cues for p in c.phrases
            if (lemmas := phrase_lemmas(p.replace("*", " "))))
        self._lexicon = load_lexicon(events.lexicon) if events and events.lexicon else None

    def find(self, sentence: Folded, credibility: float = 1.0) -> list[CueHit]:
        """The cues in one sentence, at most one hit per cue or event code."""
        hits: dict[str, CueHit] = {}
        spans: list[tuple[int, int]] = []
        matched: dict[str, str] = {}  # cue id -> the words it matched
        folded = sentence.folded
        if self.phrases.may_match(sentence):
            tokens = tokens_of(sentence)
            for m in self.phrases.finditer(folded):
                if m.key in hits or negated(folded, m.start, m.end):
                    continue
                if _NEGATED_AFTER.match(folded, m.end):
                    continue
                if self._weights[m.key] > 0 and _UNDONE.match(folded, m.end):
                    continue  # "the roadblocks ... are to be removed"
                first = bisect_left(tokens.starts, m.start)
                if unreal(tokens, first, folded):
                    continue
                code, label = self._codes[m.key]
                hits[m.key] = CueHit(m.key, self._weights[m.key], sentence.text,
                                     credibility=credibility, code=code, label=label)
                spans.append((m.start, m.end))
                matched[m.key] = folded[m.start:m.end]
        if len(hits) > 1:
            _drop_objects(hits, matched)
        if self._lexicon is not None:
            self._events(sentence, credibility, hits, spans)
        return list(hits.values())

    def _events(self, sentence: Folded, credibility: float, hits: dict[str, CueHit],
                spans: list[tuple[int, int]]) -> None:
        assert self._lexicon is not None and self.events is not None
        tokens = tokens_of(sentence)
        folded = sentence.folded
        for m in self._lexicon.find(tokens):
            event = m.event
            # (each test only rules an event out: the cheap ones first)
            if not event.goldstein or event.code in hits or not 1 <= event.quad_class <= 4:
                continue
            weight = round(-event.goldstein * self.events.scale(event.quad_class), 2)
            if not weight:
                continue
            start, end = tokens.starts[m.first], tokens.ends[m.last]
            if m.bare and (tokens.lemmas[m.first] in self._override_lemmas
                           or not _reported_verb(sentence, tokens, m.first, start, m.bare)):
                continue
            if any(a < end and start < b for a, b in spans):
                continue  # the config's own cue already counts these words
            if _modifier_or_aim(tokens, m.first, start, folded):
                continue
            if unreal(tokens, m.first, folded):
                continue
            hits[event.code] = CueHit(m.phrase, weight, sentence.text,
                                      credibility=credibility, code=event.code,
                                      label=event.label)


def contribution(hit: CueHit, at: datetime, half_life: float) -> float:
    """What a hit adds at `at`: weight × credibility, halved every `half_life` seconds.

    A hit without a time, or dated after `at` (clock skew), counts as happening at `at`.
    """
    age = (at - hit.time).total_seconds() if hit.time else 0.0
    return hit.weight * hit.credibility * 0.5 ** (max(0.0, age) / half_life)


def _decay(time: datetime | None, now: datetime, half_life: float) -> float:
    """The share of a hit's weight left at `now` (see `contribution`)."""
    age = (now - time).total_seconds() if time else 0.0
    return 0.5 ** (max(0.0, age) / half_life)


def saturate(weight: float, scale: float) -> float:
    """0..100 from a net weight: 100·(1 − exp(−max(0, w)/scale))."""
    return 100.0 * (1.0 - math.exp(-max(0.0, weight) / scale))


def score(hits: Iterable[CueHit], now: datetime, *, half_life: float, scale: float) -> float:
    """The escalation score (0..100) of the hits at `now`: escalatory minus de-escalatory."""
    return saturate(sum(contribution(h, now, half_life) for h in hits), scale)


def level(value: float, thresholds: Thresholds) -> Level:
    """The level whose threshold the score has reached."""
    bounds = (thresholds.tense, thresholds.elevated, thresholds.high, thresholds.critical)
    reached: Level = "calm"
    for name, bound in zip(LEVELS[1:], bounds, strict=True):
        if value >= bound:
            reached = name
    return reached


def settle(value: float, previous: Level | None, thresholds: Thresholds, margin: float) -> Level:
    """The level of `value` when the level before it was `previous`.

    A level is reached at its threshold but left only once the score is `margin` points
    below it: a score hovering at a threshold would otherwise flap between two levels,
    and each flap is a notification and an alert.
    """
    reached = level(value, thresholds)
    if previous is None or LEVELS.index(reached) >= LEVELS.index(previous):
        return reached
    kept = level(value + margin, thresholds)
    return kept if LEVELS.index(kept) < LEVELS.index(previous) else previous


def level_over(scores: Iterable[float], thresholds: Thresholds, margin: float) -> Level:
    """The level after a series of scores, oldest first (each settles on the one before)."""
    current: Level | None = None
    for value in scores:
        current = settle(value, current, thresholds, margin)
    return current or "calm"


def trend(now_score: float, past_score: float, margin: float) -> Trend:
    """'rising' or 'falling' when the score moved by at least `margin`, else 'steady'."""
    delta = now_score - past_score
    if delta == 0 or abs(delta) < margin:
        return "steady"
    return "rising" if delta > 0 else "falling"


CueWeights = Mapping[datetime | None, Sequence[float]]
"""What the score needs of the cue hits: per time, each hit's weight × credibility."""


def weigh(hits: Iterable[CueHit]) -> dict[datetime | None, list[float]]:
    """The `CueWeights` of these hits."""
    out: dict[datetime | None, list[float]] = {}
    for h in hits:
        out.setdefault(h.time, []).append(h.weight * h.credibility)
    return out


def score_weighed(weights: Iterable[CueWeights], now: datetime, *, half_life: float,
                  scale: float) -> float:
    """`score` of hits given as `CueWeights` (summed exactly, as `compute_weighed` does)."""
    # one decay per time (a month of hits shares a few thousand times), the same products
    return saturate(math.fsum(wc * decay
                              for w in weights for time, products in w.items()
                              for decay in (_decay(time, now, half_life),)
                              for wc in products), scale)


def compute(
    hits: Sequence[CueHit],
    now: datetime,
    history: Iterable[HistoryPoint],
    cfg: EscalationConfig,
) -> Escalation:
    """The indicator at `now` from these hits (see `compute_weighed`)."""
    return compute_weighed(weigh(hits), lambda times: [h for h in hits if h.time in times],
                           now, history, cfg)


def compute_weighed(
    weights: CueWeights,
    hits_at: Callable[[set[datetime | None]], Sequence[CueHit]],
    now: datetime,
    history: Iterable[HistoryPoint],
    cfg: EscalationConfig,
) -> Escalation:
    """The indicator at `now`: score, level, trend against `cfg.window` ago, drivers.

    `weights` are the hits' weights by time; `hits_at(times)` gives the hits of those
    times, asked only for the few times that hold a driver (a viewer reads a month of
    weights but the text of only those hits). The sums are exact (`math.fsum`: per time,
    then over the times' sums × their decay), so they do not depend on the order in which
    the hits were stored or read.

    The past score is recomputed from the hits known at that instant (those dated no
    later than it), so the trend does not depend on how often rounds ran. The level
    settles over the recorded scores up to now and then the score now (`settle`: it drops
    only `cfg.hysteresis` points below a threshold). Drivers are the hits with the largest
    contribution now, whichever their sign.
    """
    history = tuple(history)
    # per distinct time (an item's hits share one): the decay, the exact sum of its hits'
    # weights, and its largest hit; the score adds each time's sum × its decay
    past = now - timedelta(seconds=cfg.window)
    factor = 0.5 ** (cfg.window / cfg.half_life)  # a contribution `window` ago was larger
    decays: dict[datetime | None, float] = {}
    now_parts: list[float] = []
    past_parts: list[float] = []
    peaks: list[tuple[float, datetime | None]] = []  # the largest |contribution| per time
    for time, products in weights.items():
        if not products:
            continue
        decay = decays[time] = _decay(time, now, cfg.half_life)
        part = math.fsum(products) * decay
        now_parts.append(part)
        if time is not None and time <= past:
            past_parts.append(part / factor)
        peaks.append((max(map(abs, products)) * decay, time))  # |wc| × decay = |wc × decay|
    now_score = saturate(math.fsum(now_parts), cfg.scale)
    past_score = saturate(math.fsum(past_parts), cfg.scale)
    # the largest contributions by size first (the DRIVERS-th largest is the cut, found
    # among the times with the largest hits); the hits and the tie-break only of those
    cut = driver_cut(peaks, weights, decays)
    drivers = largest_drivers(
        (h, c) for h in hits_at(driver_times(peaks, cut))
        if abs(c := h.weight * h.credibility * decays[h.time]) >= cut)
    return Escalation(
        score=now_score,
        level=level_over(
            [*(p.score for p in history if p.time <= now), now_score],
            cfg.thresholds,
            cfg.hysteresis,
        ),
        trend=trend(now_score, past_score, cfg.trend_margin),
        drivers=tuple(drivers),
        history=tuple(history),
    )
