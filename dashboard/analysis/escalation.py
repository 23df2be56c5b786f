"""The escalation indicator: cue phrases found in text, weighed, decayed and saturated.

`find_cues` reads one sentence; `score` turns hits into 0..100 at a given instant;
`compute` adds the level, the trend and the drivers. The clock is always passed in, so
the same hits give the same indicator.
"""

from __future__ import annotations

import heapq
import math
import re
from collections.abc import Iterable, Sequence
from datetime import datetime, timedelta

from dashboard.analysis.phrases import CompiledCache, PhraseSet, negated
from dashboard.analysis.text import Folded
from dashboard.config import Cue, Thresholds
from dashboard.config import Escalation as EscalationConfig
from dashboard.models import LEVELS, CueHit, Driver, Escalation, HistoryPoint, Level, Trend

DRIVERS = 10  # how many drivers the indicator lists

# A negation after the phrase: "a military clash cannot be allowed", "war was averted".
_NEGATED_AFTER = re.compile(
    r"\s+(?:(?:can ?not|can't|must not|mustn't|will not|won't|should not|shouldn't)"
    r"\s+(?:be\s+)?(?:allowed|permitted|tolerated|happen|repeated)"
    r"|(?:was|were|has been|have been|had been)\s+(?:averted|avoided|prevented|ruled out)"
    r"|(?:is|are|was|were|isn't|aren't|wasn't|weren't)\s+(?:not\s+)?(?:an option|reported))"
)

class CueFinder:
    """The cues of a config compiled once into one phrase set; `find` reads a sentence."""

    def __init__(self, cues: Sequence[Cue]):
        self.phrases = PhraseSet((c.id, c.phrases) for c in cues)
        self._weights = {c.id: c.weight for c in cues}

    def find(self, sentence: Folded, credibility: float = 1.0) -> list[CueHit]:
        """The cues in one sentence, at most one hit per cue; negated phrases do not count."""
        if not self.phrases.may_match(sentence):
            return []
        folded = sentence.folded
        hits: dict[str, CueHit] = {}
        for m in self.phrases.finditer(folded):
            if m.key in hits or negated(folded, m.start, m.end):
                continue
            if _NEGATED_AFTER.match(folded, m.end):
                continue
            hits[m.key] = CueHit(m.key, self._weights[m.key], sentence.text,
                                 credibility=credibility)
        return list(hits.values())


_FINDERS: CompiledCache[CueFinder] = CompiledCache(CueFinder)  # type: ignore[arg-type]


def find_cues(sentence: str, cues: Sequence[Cue]) -> list[CueHit]:
    """The cues in one sentence, at most one hit per cue; negated phrases do not count."""
    return _FINDERS.get(cues).find(Folded.of(sentence))


def contribution(hit: CueHit, at: datetime, half_life: float) -> float:
    """What a hit adds at `at`: weight × credibility, halved every `half_life` seconds.

    A hit without a time, or dated after `at` (clock skew), counts as happening at `at`.
    """
    age = (at - hit.time).total_seconds() if hit.time else 0.0
    return hit.weight * hit.credibility * 0.5 ** (max(0.0, age) / half_life)


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


def compute(
    hits: Sequence[CueHit],
    now: datetime,
    history: Iterable[HistoryPoint],
    cfg: EscalationConfig,
) -> Escalation:
    """The indicator at `now`: score, level, trend against `cfg.window` ago, drivers.

    The past score is recomputed from the hits known at that instant (those dated no
    later than it), so the trend does not depend on how often rounds ran. The level
    settles over the recorded scores up to now and then the score now (`settle`: it drops
    only `cfg.hysteresis` points below a threshold). Drivers are the hits with the largest
    contribution now, whichever their sign.
    """
    history = tuple(history)
    # one pass: each hit's contribution now, and (if it was known then) at the past
    # instant; the decay is worked out once per distinct time (an item's hits share one)
    past = now - timedelta(seconds=cfg.window)
    factor = 0.5 ** (cfg.window / cfg.half_life)  # a contribution `window` ago was larger
    decays: dict[datetime | None, float] = {}
    parts: list[float] = []
    now_total = past_total = 0.0
    for h in hits:
        decay = decays.get(h.time)
        if decay is None:
            age = (now - h.time).total_seconds() if h.time else 0.0
            decay = decays[h.time] = 0.5 ** (max(0.0, age) / cfg.half_life)
        c = h.weight * h.credibility * decay  # = contribution(h, now, cfg.half_life)
        parts.append(c)
        now_total += c
        if h.time is not None and h.time <= past:
            past_total += c / factor
    now_score = saturate(now_total, cfg.scale)
    past_score = saturate(past_total, cfg.scale)
    # the largest contributions by size first; the full tie-break only among those
    cut = min(heapq.nlargest(DRIVERS, map(abs, parts)), default=0.0)
    candidates = [(h, c) for h, c in zip(hits, parts, strict=True) if abs(c) >= cut]
    drivers = [
        Driver(h, c)
        for h, c in heapq.nsmallest(
            DRIVERS, candidates, key=lambda p: (-abs(p[1]), p[0].cue, p[0].evidence)
        )
    ]
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
