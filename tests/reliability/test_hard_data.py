"""Issue 14 (data): what an adversary found outside the first reliability suite.

Each case runs the shipped command (`fetch --once`, `collect`) as a real process over
loopback HTTP servers and real files, as an analyst's server would.
"""

from __future__ import annotations

import json
from datetime import UTC, datetime, timedelta
from pathlib import Path

import orjson

from bench.farm import config_toml
from tests.integration.loopback import Reply
from tests.reliability.conftest import flashpoint, no_traceback


def status(cfg: Path) -> dict:
    out = flashpoint("status", "--json", "--config", str(cfg))
    assert out.returncode == 0, out.stderr
    return json.loads(out.stdout)


def test_a_json_feed_item_dated_year_1_loses_its_date_not_the_feed(tmp_path, loopback):
    """Point 10: one item's impossible date is that item's "no date", not the feed's error."""
    good = (datetime.now(UTC) - timedelta(hours=2)).replace(microsecond=0)
    loopback.route("/feed.json", Reply(body=orjson.dumps({
        "version": "https://jsonfeed.org/version/1.1", "title": "T", "items": [
            {"id": "a", "title": "Dated year 1", "date_published": "0001-01-01T00:00:00+05:00"},
            {"id": "b", "title": "Dated 9999", "date_published": "9999-12-31T23:59:59-05:00"},
            {"id": "c", "title": "Dated well", "date_published": good.isoformat()},
        ]}), headers={"Content-Type": "application/feed+json"}))
    cfg = tmp_path / "config.toml"
    cfg.write_text(config_toml([loopback.url("/feed.json")], str(tmp_path / "store.json")))
    out = flashpoint("fetch", "--once", "--config", str(cfg))
    assert out.returncode == 0, out.stderr
    assert no_traceback(out.stderr) and no_traceback(out.stdout)
    state = status(cfg)
    assert state["items"] == 3
    [source] = state["sources"]
    assert source["state"] == "ok", source
