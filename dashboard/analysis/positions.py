"""Positions: an actor's current stance on a topic, weighed from recent evidence.

Each piece of evidence weighs its source's credibility, halved every `half_life`
seconds of age; per actor and topic the stance with the most weight wins, and its
share of the weight is the confidence.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from datetime import datetime

from dashboard.models import Position, Stance, StanceEvidence

# A position weighs all its evidence but carries only the newest pieces: the panel's
# details show ten, and an actor quoted daily for a month must not put thousands of
# sentences into every snapshot (and every `status --json`).
EVIDENCE_KEPT = 20


def _weight(ev: StanceEvidence, now: datetime, half_life: float) -> float:
    # like escalation cues, evidence without a time (or dated ahead) counts as of `now`
    age = max(0.0, (now - ev.time).total_seconds()) if ev.time else 0.0
    return ev.credibility * 0.5 ** (age / half_life)


def _decide(
    evidence: Sequence[StanceEvidence], now: datetime, half_life: float
) -> tuple[Stance, float]:
    """The winning stance and its share; `evidence` is newest first.

    Ties go to the stance of the newest evidence among them; when nothing weighs
    anything (zero credibility) the newest evidence decides.
    """
    totals: dict[Stance, float] = {}
    for ev in evidence:
        totals[ev.stance] = totals.get(ev.stance, 0.0) + _weight(ev, now, half_life)
    total = sum(totals.values())
    if total <= 0:
        return evidence[0].stance, 1.0 / len(totals)  # an even split, as far as is known
    best = max(totals.values())
    winner = next(ev.stance for ev in evidence if totals[ev.stance] == best)
    return winner, best / total


def current_positions(
    evidence: Iterable[StanceEvidence], now: datetime, *, half_life: float
) -> list[Position]:
    """Every actor's position on every topic it has evidence for, sorted by actor, topic.

    `changed` is True when the stance implied by all evidence but the newest differs
    from the current one. Deterministic for a given `now`.
    """
    groups: dict[tuple[str, str], list[StanceEvidence]] = {}
    for ev in evidence:
        groups.setdefault((ev.actor, ev.topic), []).append(ev)
    out = []
    for (actor, topic), group in sorted(groups.items()):
        group.sort(key=lambda e: (e.time or now, e.evidence, e.item_id), reverse=True)
        stance, confidence = _decide(group, now, half_life)
        changed = len(group) > 1 and _decide(group[1:], now, half_life)[0] != stance
        out.append(Position(actor, topic, stance, confidence, tuple(group[:EVIDENCE_KEPT]),
                            changed, weighed=len(group)))
    return out
