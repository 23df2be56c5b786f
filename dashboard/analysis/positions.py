"""Positions: an actor's current stance on a topic, weighed from recent evidence.

Each piece of evidence weighs its source's credibility, halved every `half_life`
seconds of age; per actor and topic the stance with the most weight wins, and its
share of the weight is the confidence.
"""

from __future__ import annotations

import heapq
import math
from collections.abc import Callable, Iterable
from datetime import datetime

from dashboard.models import Position, Stance, StanceEvidence

# A position weighs all its evidence but carries only the newest pieces: the panel's
# details show ten, and an actor quoted daily for a month must not put thousands of
# sentences into every snapshot (and every `status --json`).
EVIDENCE_KEPT = 20


def _decay(time: datetime | None, now: datetime, half_life: float) -> float:
    # like escalation cues, evidence without a time (or dated ahead) counts as of `now`
    age = max(0.0, (now - time).total_seconds()) if time else 0.0
    return 0.5 ** (age / half_life)


def _decide(
    weights: dict[Stance, list[float]], ordered: Callable[[], Iterable[StanceEvidence]]
) -> tuple[Stance, float]:
    """The winning stance and its share, from each stance's weights.

    `ordered()` gives the same evidence newest first; it is only asked for when it
    decides: ties go to the stance of the newest evidence among them, and when nothing
    weighs anything (zero credibility) the newest evidence decides. The sums are exact
    (`math.fsum`), so the order in which evidence was stored or read does not matter.
    """
    totals = {stance: math.fsum(ws) for stance, ws in weights.items() if ws}
    total = math.fsum(totals.values())
    if total <= 0:
        newest = next(iter(ordered()))
        return newest.stance, 1.0 / len(totals)  # an even split, as far as is known
    best = max(totals.values())
    tied = [stance for stance, t in totals.items() if t == best]
    winner = tied[0] if len(tied) == 1 else next(
        ev.stance for ev in ordered() if ev.stance in tied)
    return winner, best / total


def current_positions(
    evidence: Iterable[StanceEvidence], now: datetime, *, half_life: float
) -> list[Position]:
    """Every actor's position on every topic it has evidence for, sorted by actor, topic.

    `changed` is True when the stance implied by all evidence but the newest differs
    from the current one. Deterministic for a given `now`, whatever the evidence's order.
    """
    groups: dict[tuple[str, str], list[StanceEvidence]] = {}
    for ev in evidence:
        groups.setdefault((ev.actor, ev.topic), []).append(ev)
    decays: dict[datetime | None, float] = {}  # an item's evidence shares one time

    def key(e: StanceEvidence) -> tuple[datetime, str, str]:
        return (e.time or now, e.evidence, e.item_id)

    out = []
    for (actor, topic), group in sorted(groups.items()):
        weights: dict[Stance, list[float]] = {}
        for ev in group:
            decay = decays.get(ev.time)
            if decay is None:
                decay = decays[ev.time] = _decay(ev.time, now, half_life)
            weights.setdefault(ev.stance, []).append(ev.credibility * decay)
        kept = heapq.nlargest(EVIDENCE_KEPT, group, key=key)  # newest first

        def ordered(group: list[StanceEvidence] = group) -> list[StanceEvidence]:
            return sorted(group, key=key, reverse=True)

        stance, confidence = _decide(weights, ordered)
        changed = False
        if len(group) > 1:  # the position before the newest evidence came in
            newest = kept[0]
            rest = {s: list(ws) for s, ws in weights.items()}
            rest[newest.stance].remove(newest.credibility * decays[newest.time])
            changed = _decide(rest, lambda ordered=ordered: ordered()[1:])[0] != stance
        out.append(Position(actor, topic, stance, confidence, tuple(kept), changed,
                            weighed=len(group)))
    return out
