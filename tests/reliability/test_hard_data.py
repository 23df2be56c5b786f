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
import pytest

from dashboard.models import Item
from dashboard.storage import Round, StoreError, open_store
from dashboard.storage.paths import archive_dir
from support.farm import Farm, config_toml
from support.loopback import Reply
from tests.integration.test_store import NOW, make_item, make_round
from tests.reliability.conftest import (
    StderrLines,
    count_items,
    flashpoint,
    mounted,
    no_traceback,
    start,
)


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


def fill(directory: Path) -> Path:
    """Write a filler file until the filesystem at `directory` is full."""
    filler = directory / "filler"
    with filler.open("wb") as handle:
        try:
            while True:
                handle.write(b"\0" * 65536)
                handle.flush()
        except OSError:
            pass
    return filler


def a_round_archiving_ten_of_23() -> tuple[Round, list[Item]]:
    items = ([make_item(100 + n, NOW - timedelta(days=40 + n)) for n in range(10)]
             + [make_item(200 + n, NOW - timedelta(hours=n)) for n in range(13)])
    return make_round(items), items


def assert_memory_follows_disk_after_a_failed_archive_write(store, path: Path) -> None:
    round_, items = a_round_archiving_ten_of_23()
    with pytest.raises(StoreError):
        store.commit_round(round_)
    # memory is what the disk holds: the failed round is neither shown nor known
    assert store.item_count() == 5
    assert store.known_ids(i.id for i in items) == set()
    assert {i.id for i in store.items()} == {f"item-{n}" for n in range(5)}
    reader = open_store(path, readonly=True)
    assert reader.item_count() == 5
    reader.close()


def test_a_full_disk_during_the_archive_write_leaves_memory_equal_to_disk(tmp_path):
    """Point 13: the archive is written before the hot store; ENOSPC there used to leave
    the round in memory (shown, then counted as known: "0 new items" though 23 stored)."""
    directory = tmp_path / "disk"
    with mounted(directory, "-t", "tmpfs", "-o", "size=1m"):
        path = directory / "store.json"
        store = open_store(path, retention_days=30)
        assert store.commit_round(make_round([make_item(n) for n in range(5)])) == 5
        filler = fill(directory)
        assert_memory_follows_disk_after_a_failed_archive_write(store, path)
        filler.unlink()  # space again: the same round is 23 new items, all stored
        round_, _ = a_round_archiving_ten_of_23()
        assert store.commit_round(round_) == 23
        assert store.item_count() == 28
        store.close()


def test_an_unwritable_archive_day_leaves_memory_equal_to_disk(tmp_path):
    """Point 13 where mounting is refused: the last archive day file to write cannot be
    (a directory holds its place), after nine others were written."""
    path = tmp_path / "store.json"
    store = open_store(path, retention_days=30)
    assert store.commit_round(make_round([make_item(n) for n in range(5)])) == 5
    blocker = archive_dir(path) / f"{NOW - timedelta(days=40):%Y-%m-%d}.json"
    blocker.mkdir(parents=True)
    assert_memory_follows_disk_after_a_failed_archive_write(store, path)
    blocker.rmdir()
    round_, _ = a_round_archiving_ten_of_23()
    assert store.commit_round(round_) == 23
    store.close()


def tiny_items_feed(count: int) -> bytes:
    """An RSS document of `count` tiny items (87 bytes each, as the adversary's)."""
    items = "".join(f"<item><title>Tiny {n:06d}</title><guid>g{n:06d}</guid>"
                    f"<link>https://tiny.example/{n:06d}</link></item>" for n in range(count))
    return ("<?xml version='1.0' encoding='utf-8'?><rss version='2.0'><channel><title>T</title>"
            f"{items}</channel></rss>").encode()


def test_a_feed_of_100000_tiny_items_is_read_in_time_and_truncated_with_a_note(
        tmp_path, loopback):
    """Point 5: 100,000 items under the byte cap failed at the parse deadline every round.
    Now the feed's first 2,000 (MAX_ITEMS) are read, stored, and the line says the rest
    was not; the next round is the same success, never the same failure."""
    body = tiny_items_feed(100_000)
    assert 8_000_000 < len(body) < 10_000_000  # under the 10 MB byte cap
    loopback.route("/tiny.xml", Reply(body=body, headers={"Content-Type": "application/xml"}))
    cfg = tmp_path / "config.toml"
    cfg.write_text(config_toml([loopback.url("/tiny.xml")], str(tmp_path / "store.json"),
                               extra="[fetch]\nparse_deadline = \"10s\"\n"))
    for _ in range(2):
        out = flashpoint("fetch", "--once", "--config", str(cfg))
        print(out.stdout, out.stderr)
        assert out.returncode == 0, out.stderr
        assert "truncated: 98000 more items listed than read (first kept)" in out.stdout
        assert no_traceback(out.stderr)
    assert "ok, 0 new items" in out.stdout  # the second round: the same items, now known
    state = status(cfg)
    assert state["items"] == 2_000
    assert state["sources"][0]["state"] == "ok"


def test_fetch_through_a_symlinked_store_path_keeps_the_link_and_the_items(tmp_path):
    """Point 12 as a process: the config names a link to the store in another folder."""
    real, links = tmp_path / "real", tmp_path / "links"
    real.mkdir()
    links.mkdir()
    (links / "store.json").symlink_to(real / "store.json")  # dangling until the first write
    with Farm(feeds=2, items=3) as farm:
        cfg = tmp_path / "config.toml"
        cfg.write_text(farm.config_toml(str(links / "store.json")))
        for _ in range(2):
            out = flashpoint("fetch", "--once", "--config", str(cfg))
            assert out.returncode == 0, out.stderr
            farm.bump()
    assert (links / "store.json").is_symlink()
    assert [p.name for p in links.iterdir()] == ["store.json"]
    assert (real / "store.json.items").is_dir() and not list(real.glob("*.corrupt-*"))
    assert status(cfg)["items"] == 2 * 4


async def test_a_snapshot_the_store_cannot_serve_is_one_line_without_a_traceback(
        tmp_path, loopback, caplog):
    """A snapshot after a round that meets a store error (its folder deleted under
    `collect`: a segment it reads is gone) is logged as that error, in one line. It was
    logged with a traceback, which failed
    test_collect_stops_when_its_store_directory_is_deleted_and_lets_no_second_writer_race
    whenever the snapshot read a segment before the next commit noticed the lost lock."""
    from dashboard.config import load_config
    from dashboard.pipeline import Collector
    from dashboard.service import CollectorService

    loopback.route("/feed.xml", Reply(status=500))
    path = tmp_path / "config.toml"
    path.write_text(config_toml([loopback.url("/feed.xml")], str(tmp_path / "store.json")))
    config = load_config(path)
    store = open_store(config.storage.resolved_path())

    def segment_gone(*args, **kwargs):
        raise StoreError("cannot read the segment 2026-11-27T22.2.json of store.json: gone")

    heard = []
    service = CollectorService(config, Collector(config, store), keep_view=False,
                               snapshot_builder=segment_gone, on_round=heard.append)
    try:
        results = await service.round()
    finally:
        await service.stop()
        store.close()
    assert [r.state for r in results] == ["error"]
    assert [done.snapshot for done in heard] == [None]
    failed = [r for r in caplog.records if "snapshot after a round failed" in r.getMessage()]
    assert [r.getMessage() for r in failed] == [
        "the snapshot after a round failed: cannot read the segment 2026-11-27T22.2.json "
        "of store.json: gone"]
    assert failed[0].exc_info is None
