"""Issue 14 (data): what an adversary found outside the first reliability suite.

Each case runs the shipped command (`fetch --once`, `collect`) as a real process over
loopback HTTP servers and real files, as an analyst's server would.
"""

from __future__ import annotations

import json
import shutil
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path

import orjson

from bench.farm import Farm, config_toml
from tests.integration.loopback import Reply
from tests.reliability.conftest import StderrLines, count_items, flashpoint, no_traceback, start


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


def test_collect_stops_when_its_store_directory_is_deleted_and_lets_no_second_writer_race(
        tmp_path):
    """Point 8: `rm -r` of the store's folder under `collect`; a second writer then starts.

    Before: `collect` recreated the folder without its lock, the second writer was let in,
    and the two overwrote each other's main file. Now `collect` notices its lock file is
    gone at its next commit and stops (exit 1, one clear line), writing nothing more.
    """
    data = tmp_path / "data"
    store, cfg = data / "store.json", tmp_path / "config.toml"
    with Farm(feeds=3, items=5) as farm:
        cfg.write_text(farm.config_toml(str(store), every="1s"))
        proc = start("collect", "--config", str(cfg))
        errors = StderrLines(proc)
        try:
            assert errors.wait_for("round stored", count=2), errors.text()
            for _ in range(10):  # as `rm -r` does, racing the writer's temp files
                shutil.rmtree(data, ignore_errors=True)
                if not data.exists():
                    break
            second = flashpoint("fetch", "--once", "--config", str(cfg))
            assert second.returncode == 0, second.stderr
            proc.wait(timeout=60)
        finally:
            if proc.poll() is None:
                proc.kill()
                proc.wait()
        err = errors.text()
        print(err)
        assert proc.returncode == 1, err
        assert no_traceback(err)
        assert "vanished or was replaced" in err and "no two writers" in err
        farm.bump()  # new items that a still-running first writer would have stored
        time.sleep(2.5)
        # the second writer's store is whole and holds exactly what it stored
        assert count_items(store) == 15
