"""Config validation: every bad file in tests/data/config/bad gives its expected problems.

A new case is a new pair of files: <case>.toml and <case>.expected (one expected line
prefix per problem, in order; `{file}` stands for the file's path).
"""

from pathlib import Path

import pytest

from dashboard.config import ConfigError, config_warnings, load_config, parse_duration

DATA = Path(__file__).parent.parent / "data" / "config"
BAD = sorted((DATA / "bad").glob("*.toml"))
GOOD = sorted((DATA / "good").glob("*.toml"))
REPO = Path(__file__).parents[2]


@pytest.mark.parametrize("path", BAD, ids=lambda p: p.stem)
def test_bad_config_lists_every_problem(path: Path) -> None:
    expected = path.with_suffix(".expected").read_text().strip().splitlines()
    with pytest.raises(ConfigError) as caught:
        load_config(path)
    got = [str(p) for p in caught.value.problems]
    assert len(got) == len(expected), got
    for line, prefix in zip(got, expected, strict=True):
        assert line.startswith(prefix.replace("{file}", str(path))), (line, prefix)


def test_there_are_at_least_twenty_bad_configs() -> None:
    assert len(BAD) >= 20


@pytest.mark.parametrize("path", GOOD, ids=lambda p: p.stem)
def test_good_config_loads(path: Path) -> None:
    config = load_config(path)
    assert config.sources


def test_only_sources_gets_defaults_for_everything_else() -> None:
    config = load_config(DATA / "good" / "only-sources.toml")
    assert config.fetch.deadline == 30
    assert config.fetch.max_bytes == 10_000_000
    assert config.sources[0].every == 1800
    assert config.storage.resolved_path().name == "store.json"


def test_missing_and_unreadable_files(tmp_path: Path) -> None:
    with pytest.raises(ConfigError, match="no such file"):
        load_config(tmp_path / "absent.toml")
    with pytest.raises(ConfigError, match="is a directory"):
        load_config(tmp_path)
    binary = tmp_path / "binary.toml"
    binary.write_bytes(b'[theatre]\nname = "\xff\xfe"\n')
    with pytest.raises(ConfigError, match=r":2: \(file\): not UTF-8"):
        load_config(binary)


@pytest.mark.parametrize(
    ("text", "seconds"),
    [("15m", 900), ("1h", 3600), ("1h30m", 5400), ("30s", 30), ("2d", 172800), (45, 45)],
)
def test_durations(text, seconds) -> None:
    assert parse_duration(text) == seconds


@pytest.mark.parametrize("text", ["", "0s", "m", "15x", "-5m", "1h 2", True])
def test_bad_durations(text) -> None:
    with pytest.raises(ValueError):
        parse_duration(text)


def test_config_warnings_name_the_line_of_the_key_that_makes_retention_too_short(tmp_path):
    source = '[[sources]]\nid = "a"\nurl = "http://x/feed"\n'
    fine = tmp_path / "fine.toml"
    fine.write_text(source)  # defaults: 30 days kept, 3-day half-life = 30-day horizon
    assert config_warnings(load_config(fine), fine) == []
    short = tmp_path / "short.toml"
    short.write_text("[storage]\nretention_days = 20\n" + source)
    [warning] = config_warnings(load_config(short), short)
    assert (warning.line, warning.key) == (2, "storage.retention_days")
    long_half_life = tmp_path / "half.toml"  # retention not set: the half-life is the cause
    long_half_life.write_text(source + '\n[escalation]\nhalf_life = "5d"\n')
    [warning] = config_warnings(load_config(long_half_life), long_half_life)
    assert warning.line == 6 and "50 days" in warning.message


def test_short_names_are_given_or_derived_and_the_shipped_topics_all_have_one():
    from dashboard.config import ACTOR_SHORT_MAX, TOPIC_ABBR_MAX, TOPIC_SHORT_MAX, Actor, Topic

    assert Actor(id="serbia", name="Serbia").tag == "Serbia"
    assert Actor(id="usa", name="United States").tag == "USA"
    assert Actor(id="kosovo-serbs", name="Kosovo Serbs").tag == "Kosovo …"
    assert Actor(id="kosovo-serbs", name="Kosovo Serbs", short="K-Serbs").tag == "K-Serbs"
    assert Topic(id="x", label="Forces", phrases=("x",), short="F").short == "F"
    shipped = load_config(REPO / "config.toml")
    assert all(t.short and len(t.short) <= TOPIC_SHORT_MAX for t in shipped.topics)
    assert all(t.abbr and len(t.abbr) <= TOPIC_ABBR_MAX for t in shipped.topics)
    assert all(len(a.tag) <= ACTOR_SHORT_MAX for a in shipped.actors)
