"""Escalation: cue hits (negation-aware), the decayed score, level, trend and drivers."""

from __future__ import annotations

import math
from dataclasses import replace
from datetime import UTC, datetime, timedelta

import pytest

from dashboard.analysis.escalation import (
    CueFinder,
    compute,
    level,
    level_over,
    score,
    settle,
    trend,
)
from dashboard.analysis.text import Folded, split_paragraphs, split_sentences
from dashboard.config import Cue, Escalation, Thresholds
from dashboard.models import CueHit, HistoryPoint
from tests.conftest import shared_path

NOW = datetime(2026, 3, 1, 12, tzinfo=UTC)
DAY = 86400.0

CUES = (
    Cue(id="clash", phrases=["armed clash*", "clashes"], weight=9.0),
    Cue(id="troops", phrases=["return of * troops", "return of * forces", "return of * army",
                              "send * security forces"], weight=6.0),
    Cue(id="war", phrases=["steps towards war", "step towards war"], weight=7.0),
    Cue(id="blockade", phrases=["blockade*", "barricade*"], weight=7.0),
    Cue(id="talks", phrases=["talks", "dialogue"], weight=-3.0),
    Cue(id="withdrawal", phrases=["removed * barricades", "barricades were removed"],
        weight=-5.0),
)


def find_cues(sentence: str, cues: tuple[Cue, ...]) -> list[CueHit]:
    """The cues in one sentence, read by the analyzer's own CueFinder."""
    return CueFinder(cues).find(Folded.of(sentence))


def hit(weight: float, age_days: float = 0.0, credibility: float = 1.0, cue: str = "c") -> CueHit:
    return CueHit(cue, weight, f"{cue} {weight} {age_days}", time=NOW - timedelta(days=age_days),
                  credibility=credibility)


@pytest.mark.parametrize(
    ("sentence", "expected"),
    [
        ("Armed clashes broke out near the bridge.", {"clash"}),
        ("No clashes were reported overnight.", set()),
        ("Police said there were no armed clashes.", set()),
        ("A military clash cannot be allowed, but steps towards war have been taken.", {"war"}),
        ("Belgrade asked for the return of up to a thousand Serbian troops.", {"troops"}),
        ("Serbia needs to send members of its security forces.", {"troops"}),
        ("Local Serbs removed the barricades after talks in Brussels.", {"withdrawal", "talks"}),
        ("The barricades were removed on Thursday.", {"withdrawal"}),
        ("Blockades and barricades went up on the main roads.", {"blockade"}),
        ("The BARRICADES went up in Zvečan.", {"blockade"}),
        ("Nothing happened today.", set()),
    ],
)
def test_find_cues(sentence: str, expected: set[str]) -> None:
    hits = find_cues(sentence, CUES)
    assert {h.cue for h in hits} == expected
    assert all(h.evidence == sentence for h in hits)
    assert len(hits) == len({h.cue for h in hits})  # one hit per cue per sentence


def test_hit_carries_the_cue_weight() -> None:
    (found,) = find_cues("Steps towards war.", CUES)
    assert found.weight == 7.0


def test_score_decays_with_half_life_and_credibility() -> None:
    one = score([hit(6.0, age_days=3.0, credibility=0.5)], NOW, half_life=3 * DAY, scale=12.0)
    assert one == pytest.approx(100 * (1 - math.exp(-(6.0 * 0.5 * 0.5) / 12.0)))
    fresh = score([hit(6.0)], NOW, half_life=3 * DAY, scale=12.0)
    assert fresh > one


def test_score_nets_de_escalation_and_never_goes_below_zero() -> None:
    assert score([hit(6.0), hit(-6.0)], NOW, half_life=DAY, scale=12.0) == 0.0
    assert score([hit(-9.0)], NOW, half_life=DAY, scale=12.0) == 0.0
    assert score([], NOW, half_life=DAY, scale=12.0) == 0.0
    many = score([hit(10.0)] * 50, NOW, half_life=DAY, scale=12.0)
    assert 99.0 < many <= 100.0


def test_future_and_undated_hits_count_as_now() -> None:
    ahead = replace(hit(6.0), time=NOW + timedelta(hours=2))
    undated = replace(hit(6.0), time=None)
    expected = score([hit(6.0)], NOW, half_life=DAY, scale=12.0)
    assert score([ahead], NOW, half_life=DAY, scale=12.0) == pytest.approx(expected)
    assert score([undated], NOW, half_life=DAY, scale=12.0) == pytest.approx(expected)


@pytest.mark.parametrize(
    ("value", "expected"),
    [(0.0, "calm"), (14.99, "calm"), (15.0, "tense"), (35.0, "elevated"), (54.9, "elevated"),
     (55.0, "high"), (75.0, "critical"), (100.0, "critical")],
)
def test_level_thresholds(value: float, expected: str) -> None:
    assert level(value, Thresholds()) == expected


def test_a_score_hovering_at_a_threshold_does_not_flap() -> None:
    t = Thresholds()  # elevated from 35
    hovering = [34.0, 36.0, 34.0, 36.5, 33.0, 35.5, 31.0]
    plain = [level(v, t) for v in hovering]
    assert plain.count("elevated") == 3 and plain.count("tense") == 4  # flaps six times
    settled, current = [], None
    for v in hovering:
        current = settle(v, current, t, 5.0)
        settled.append(current)
    assert settled == ["tense"] + ["elevated"] * 6  # reached at 36, kept while >= 30
    assert settle(29.9, "elevated", t, 5.0) == "tense"  # 5 points below: it drops
    assert settle(14.0, "critical", t, 5.0) == "tense"  # a fall drops as far as it goes
    assert settle(9.0, "critical", t, 5.0) == "calm"
    assert settle(80.0, "calm", t, 5.0) == "critical"  # a rise is never held back
    assert [settle(v, "elevated", t, 0.0) for v in hovering] == plain  # 0 = no hysteresis
    assert level_over([], t, 5.0) == "calm"


def test_compute_settles_the_level_over_the_recorded_scores() -> None:
    cfg = Escalation(half_life=DAY, window=DAY, scale=12.0)
    hits = [hit(5.4)]  # 100·(1 − e^(−5.4/12)) ≈ 36.2: elevated on its own
    now_score = compute(hits, NOW, [], cfg).score
    assert 35.0 < now_score < 40.0
    lower = [hit(5.4, age_days=0.2)]  # the same hit decayed below 35 (≈ 32.9)
    dropped = compute(lower, NOW, [], cfg)
    assert 30.0 < dropped.score < 35.0 and dropped.level == "tense"
    was_elevated = [HistoryPoint(NOW - timedelta(hours=1), now_score)]
    assert compute(lower, NOW, was_elevated, cfg).level == "elevated"  # held: ≥ 30
    later = [HistoryPoint(NOW + timedelta(hours=1), now_score)]  # not yet: ignored
    assert compute(lower, NOW, later, cfg).level == "tense"
    no_hysteresis = cfg.model_copy(update={"hysteresis": 0.0})
    assert compute(lower, NOW, was_elevated, no_hysteresis).level == "tense"


@pytest.mark.parametrize(
    ("now", "past", "expected"),
    [(50.0, 40.0, "rising"), (40.0, 50.0, "falling"), (44.0, 40.0, "steady"),
     (45.0, 40.0, "rising"), (40.0, 40.0, "steady")],
)
def test_trend(now: float, past: float, expected: str) -> None:
    assert trend(now, past, 5.0) == expected


def test_compute_recomputes_the_past_score_from_hits_known_then() -> None:
    cfg = Escalation(half_life=DAY, window=DAY)
    recent = [hit(9.0, age_days=0.1), hit(9.0, age_days=0.2)]
    rising = compute(recent, NOW, [], cfg)
    assert rising.trend == "rising"  # a day ago none of these hits existed
    old = [hit(9.0, age_days=1.5), hit(9.0, age_days=2.0)]
    falling = compute(old, NOW, [], cfg)
    assert falling.trend == "falling"  # the same hits, decayed by a day more
    # history does not change the score or the trend (it settles the level: below)
    points = [HistoryPoint(NOW - timedelta(hours=h), 99.0) for h in range(5)]
    with_history = compute(old, NOW, points, cfg)
    assert with_history.score == falling.score and with_history.trend == falling.trend
    assert with_history.history == tuple(points)


def test_compute_is_deterministic_and_orders_drivers() -> None:
    cfg = Escalation()
    hits = [hit(2.0, cue="a"), hit(9.0, age_days=1, cue="b"), hit(-6.0, cue="c"),
            hit(7.0, age_days=5, cue="d")]
    first = compute(hits, NOW, [], cfg)
    assert first == compute(list(reversed(hits)), NOW, [], cfg)
    sizes = [abs(d.contribution) for d in first.drivers]
    assert sizes == sorted(sizes, reverse=True)
    assert first.drivers[0].hit.cue == "b"
    assert first.level == level(first.score, cfg.thresholds)


def _seed_hits() -> list[CueHit]:
    seed = shared_path("samples", "kfor-request.txt")
    hits = []
    for paragraph in split_paragraphs(seed.read_text(encoding="utf-8")):
        for sentence in split_sentences(paragraph):
            hits.extend(replace(h, time=NOW) for h in find_cues(sentence, CUES))
    return hits


def test_seed_article_is_above_calm_driven_by_troops_and_war() -> None:
    result = compute(_seed_hits(), NOW, [], Escalation(scale=40.0))
    assert result.level != "calm"
    by_cue: dict[str, float] = {}
    for driver in result.drivers:
        by_cue[driver.hit.cue] = by_cue.get(driver.hit.cue, 0.0) + driver.contribution
    assert max(by_cue, key=by_cue.__getitem__) == "troops"
    assert "war" in by_cue
    assert not any("cannot be allowed" in d.hit.evidence and d.hit.cue == "clash"
                   for d in result.drivers)
