"""A config holding only [[sources]] behaves like the shipped config.toml."""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path

from dashboard.analysis.analyzer import Analyzer
from dashboard.analysis.escalation import compute
from dashboard.config import Config, load_config, parse_config

REPO = Path(__file__).resolve().parents[2]
SOURCES_ONLY = '[[sources]]\nid = "wire"\nurl = "https://news.example/feed.xml"\n'
NON_SOURCE = {"sources", "alerts", "storage"}
NOW = datetime(2026, 11, 27, 12, 0, tzinfo=UTC)
# our own sentences, in the style of wire reports (no eval passage is quoted)
ARTICLE = (
    "Serbian President Aleksandar Vucic said the army was put on the highest level of "
    "combat readiness after clashes near the border. \"We will not allow a pogrom,\" "
    "Vucic told reporters. Kosovo police said gunmen opened fire on a patrol overnight, "
    "and KFOR said it would reinforce its presence in the north."
)


def level(config: Config) -> tuple[float, str, int]:
    analysis = Analyzer(config).analyse("", ARTICLE)
    hits = [h.__class__(**{**{f: getattr(h, f) for f in h.__slots__}, "time": NOW})
            for h in analysis.cues]
    esc = compute(hits, NOW, [], config.escalation)
    return round(esc.score, 1), esc.level, len(analysis.statements)


def test_a_sources_only_config_has_every_other_setting_of_the_shipped_file():
    shipped = load_config(REPO / "config.toml")
    mine = parse_config(SOURCES_ONLY, "mine.toml")
    assert mine.model_dump(exclude=NON_SOURCE) == shipped.model_dump(exclude=NON_SOURCE)
    assert mine.alerts == ()  # the shipped (muted) example alert is not imposed


def test_the_same_article_scores_the_same_and_surnames_resolve():
    shipped = load_config(REPO / "config.toml")
    mine = parse_config(SOURCES_ONLY, "mine.toml")
    assert level(mine) == level(shipped)
    statements = Analyzer(mine).analyse("", ARTICLE).statements
    assert any(s.speaker == "Aleksandar Vucic" and s.actor == "serbia" for s in statements)


def test_a_key_left_out_of_a_table_takes_the_shipped_value():
    shipped = load_config(REPO / "config.toml")
    mine = parse_config(SOURCES_ONLY + '\n[escalation]\nhalf_life = "1d"\n', "mine.toml")
    assert mine.escalation.half_life == 86400
    assert mine.escalation.scale == shipped.escalation.scale
    assert mine.escalation.cues == shipped.escalation.cues


def test_a_list_given_replaces_the_shipped_one():
    text = ('actors = []\n' + SOURCES_ONLY
            + '\n[[topics]]\nid = "water"\nlabel = "Water"\nphrases = ["water"]\n')
    mine = parse_config(text, "mine.toml")
    assert mine.actors == ()
    assert [t.id for t in mine.topics] == ["water"]


def test_the_code_defaults_equal_the_shipped_scalars():
    """Config built in code (tests, tools) gets the shipped numbers too, lists aside."""
    shipped = load_config(REPO / "config.toml")
    bare = Config.model_validate({})
    for section in ("fetch", "display"):
        assert getattr(bare, section) == getattr(shipped, section), section
    assert bare.escalation.model_dump(exclude={"cues"}) == shipped.escalation.model_dump(
        exclude={"cues"})
