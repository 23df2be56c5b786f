"""Positions: decayed, credibility-weighted evidence decides each actor's stance."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from dashboard.analysis.positions import EVIDENCE_KEPT, current_positions
from dashboard.models import StanceEvidence

NOW = datetime(2026, 3, 1, tzinfo=UTC)
DAY = 86400.0


def ev(stance: str, days_ago: float, credibility: float = 1.0, actor: str = "serbia",
       topic: str = "forces") -> StanceEvidence:
    return StanceEvidence(actor, topic, stance, f"{stance} {days_ago}",  # type: ignore[arg-type]
                          item_id=f"{stance}-{days_ago}",
                          time=NOW - timedelta(days=days_ago), credibility=credibility)


def test_one_position_per_actor_and_topic_sorted() -> None:
    got = current_positions(
        [ev("support", 1, topic="b"), ev("oppose", 1, actor="usa"), ev("support", 2)],
        NOW, half_life=DAY,
    )
    assert [(p.actor, p.topic) for p in got] == [("serbia", "b"), ("serbia", "forces"),
                                                 ("usa", "forces")]


def test_recent_evidence_outweighs_older() -> None:
    (pos,) = current_positions([ev("oppose", 10), ev("oppose", 9), ev("support", 0)],
                               NOW, half_life=DAY)
    assert pos.stance == "support"
    assert pos.changed  # before the newest, the evidence said oppose
    weights = {"support": 1.0, "oppose": 0.5**10 + 0.5**9}
    assert pos.confidence == pytest.approx(1.0 / sum(weights.values()))


def test_credibility_weighs_in() -> None:
    (pos,) = current_positions([ev("support", 0, credibility=0.2), ev("oppose", 0.5)],
                               NOW, half_life=DAY)
    assert pos.stance == "oppose"
    assert not pos.changed  # without the newest (support), oppose still wins


def test_evidence_newest_first_and_confidence_bounds() -> None:
    items = [ev("support", 3), ev("support", 1), ev("neutral", 2)]
    (pos,) = current_positions(items, NOW, half_life=5 * DAY)
    assert [e.time for e in pos.evidence] == sorted((e.time for e in items), reverse=True)
    assert pos.stance == "support"
    assert 0.5 < pos.confidence < 1.0


def test_single_evidence_is_certain_and_unchanged() -> None:
    (pos,) = current_positions([ev("conditional", 1)], NOW, half_life=DAY)
    assert (pos.stance, pos.confidence, pos.changed) == ("conditional", 1.0, False)


def test_tie_goes_to_the_newest_and_result_is_order_independent() -> None:
    items = [ev("support", 1, credibility=0.5), ev("oppose", 2, credibility=1.0)]
    # equal weight: 0.5 * 0.5**1 == 1.0 * 0.5**2
    first = current_positions(items, NOW, half_life=DAY)
    assert first[0].stance == "support"
    assert first == current_positions(list(reversed(items)), NOW, half_life=DAY)


def test_empty_evidence_gives_no_positions() -> None:
    assert current_positions([], NOW, half_life=DAY) == []


def test_all_evidence_is_weighed_but_only_the_newest_is_carried() -> None:
    # 30 old "support" outweighed by nothing newer would win; 25 newer "oppose" win instead
    items = [ev("support", 40 + n) for n in range(30)] + [ev("oppose", n) for n in range(25)]
    (pos,) = current_positions(items, NOW, half_life=DAY)
    assert pos.stance == "oppose"
    assert pos.weighed == 55
    assert len(pos.evidence) == EVIDENCE_KEPT
    assert [e.time for e in pos.evidence] == sorted((e.time for e in items), reverse=True)[
        :EVIDENCE_KEPT]
    assert 0.99 < pos.confidence < 1.0  # the old support still counts, a little
