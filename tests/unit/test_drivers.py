"""The escalation's drivers: read only the times that can hold one, and list the same
drivers as ordering every hit would."""

from __future__ import annotations

import random
from datetime import UTC, datetime, timedelta

import pytest

from dashboard.analysis.drivers import DRIVERS, instant
from dashboard.analysis.escalation import _decay, compute_weighed, weigh
from dashboard.config import Escalation as EscalationConfig
from dashboard.models import CueHit

NOW = datetime(2026, 3, 1, 12, 0, tzinfo=UTC)
CFG = EscalationConfig()


def every_hit_ordered(hits: list[CueHit]) -> list[tuple[CueHit, float]]:
    """The plain reading: every hit's contribution, largest first, then newest, then text."""
    pairs = [(h, h.weight * h.credibility * _decay(h.time, NOW, CFG.half_life)) for h in hits]
    pairs.sort(key=lambda p: (-abs(p[1]), -instant(p[0].time), p[0].cue, p[0].evidence,
                              p[0].item_id, p[0].source_id, p[0].code))
    return pairs[:DRIVERS]


def drivers_and_asked(hits: list[CueHit]) -> tuple[list[tuple[CueHit, float]], set]:
    asked: set = set()

    def hits_at(times):
        asked.update(times)
        return [h for h in hits if h.time in times]

    esc = compute_weighed(weigh(hits), hits_at, NOW, [], CFG)
    return [(d.hit, d.contribution) for d in esc.drivers], asked


def test_hits_dated_ahead_of_the_clock_tie_and_only_the_newest_are_read():
    # 300 items dated up to a day ahead (a feed whose clock is wrong): all weigh in full
    hits = [CueHit("clashes", 4.0, f"clashes {n}", f"i{n}", "s",
                   NOW + timedelta(minutes=n + 1)) for n in range(300)]
    drivers, asked = drivers_and_asked(hits)
    assert len(asked) == DRIVERS  # not the 300 tied times
    assert drivers == every_hit_ordered(hits)
    assert [h.item_id for h, _ in drivers] == [f"i{n}" for n in range(299, 289, -1)]


@pytest.mark.parametrize("seed", range(40))
def test_the_drivers_are_those_of_every_hit_ordered(seed):
    rng = random.Random(seed)
    times = [None, *(NOW + timedelta(hours=rng.randint(-200, 20)) for _ in range(30))]
    hits = [CueHit(rng.choice("abc"), rng.choice((-4.0, -1.5, 2.0, 4.0, 7.0)),
                   f"e{rng.randint(0, 3)}", f"i{n}", rng.choice("st"), rng.choice(times),
                   rng.choice((0.5, 1.0)))
            for n in range(rng.randint(0, 80))]
    drivers, _ = drivers_and_asked(hits)
    assert drivers == every_hit_ordered(hits)
