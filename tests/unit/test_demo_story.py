"""The demo's escalation follows its story: up with the clashes, down with the talks."""

from __future__ import annotations

from dataclasses import replace
from datetime import UTC, datetime, timedelta

from dashboard.analysis.analyzer import Analyzer
from dashboard.analysis.escalation import compute
from dashboard.config import load_config
from dashboard.demo import DemoServer, demo_config, load_demo_sources
from tests.conftest import REPO


def story_levels(speed: float = 1.0) -> list[str]:
    """The level every 10 demo seconds, scoring the items as they are released."""
    with DemoServer(speed=speed) as server:
        config = demo_config(load_config(REPO / "config.toml"), server, "unused.json")
    analyzer = Analyzer(config)
    epoch = datetime(2026, 1, 1, tzinfo=UTC)
    hits, end = [], 0.0
    for source in load_demo_sources():
        credibility = config.source(source.id).credibility
        for item in source.items:
            when = epoch + timedelta(seconds=item.offset / speed)
            end = max(end, item.offset)
            found = analyzer.analyse(item.title, "\n\n".join(item.paragraphs)).cues
            hits += [replace(h, time=when, credibility=credibility) for h in found]
    levels, history = [], []
    for second in range(0, int(end) + 1, 10):
        now = epoch + timedelta(seconds=second / speed)
        levels.append(compute([h for h in hits if h.time <= now], now, history,
                              config.escalation).level)
    return levels


def test_the_demo_rises_to_critical_and_ends_as_its_story_does_calmer():
    levels = story_levels()
    assert "critical" in levels
    assert levels[-1] in ("calm", "tense"), levels


def test_the_story_keeps_its_shape_at_another_speed():
    assert story_levels(speed=4.0)[-1] in ("calm", "tense")
