"""One config digest names a config everywhere: the last view, the analyzers, the workers."""

from __future__ import annotations

from pathlib import Path

import orjson

from dashboard import viewcache
from dashboard.analysis.analyzer import _CACHE, analyzer_for
from dashboard.config import config_digest, load_config
from dashboard.pipeline import AnalysisSetup
from tests.app.conftest import NOW, FakeBuilder, FakeStore

CONFIG = load_config(Path(__file__).resolve().parents[2] / "config.toml")


def with_update(config, section: str, **values):
    part = getattr(config, section).model_copy(update=values)
    return config.model_copy(update={section: part})


def test_equal_settings_give_one_digest_and_any_analysis_change_another():
    again = load_config(Path(__file__).resolve().parents[2] / "config.toml")
    assert config_digest(again) == config_digest(CONFIG)
    assert len(config_digest(CONFIG)) == 32
    changed = with_update(CONFIG, "escalation", half_life=CONFIG.escalation.half_life + 1)
    assert config_digest(changed) != config_digest(CONFIG)
    fewer = CONFIG.model_copy(update={"actors": CONFIG.actors[1:]})
    assert config_digest(fewer) != config_digest(CONFIG)


def test_where_the_store_lies_is_not_part_of_the_digest():
    moved = with_update(CONFIG, "storage", path="/elsewhere/store.json")
    assert config_digest(moved) == config_digest(CONFIG)


def test_view_analyzers_and_workers_use_the_same_digest(tmp_path):
    assert AnalysisSetup.of(CONFIG).fingerprint == config_digest(CONFIG)
    _CACHE.clear()
    analyzer = analyzer_for(CONFIG)
    assert list(_CACHE) == [config_digest(CONFIG)] and _CACHE[config_digest(CONFIG)] is analyzer
    # the saved view names its config with it (a view under another config is refused:
    # tests/integration/test_last_view.py)
    store = tmp_path / "store.json"
    snap = FakeBuilder(FakeStore())(CONFIG, FakeStore(), now=NOW)
    viewcache.save_view(store, CONFIG, snap)
    head = viewcache.view_path(store).read_bytes().split(b"\n", 1)[0]
    assert orjson.loads(head)["config"] == config_digest(CONFIG)
