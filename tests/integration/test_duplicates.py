"""The same item from two sources, and a repeated GUID in one feed (issue 14, point 14).

Decided: an item is stored once, as the copy of the source that brought it first (an
earlier round's, else the source listed first in the config); the other source says
"already from another source", not "new". A GUID repeated in one feed with other content
keeps the feed's first item and says how many repeated. Real HTTP, store and workers.
"""

from __future__ import annotations

from pathlib import Path

from dashboard.config import load_config
from dashboard.pipeline import Collector
from dashboard.report import round_lines
from dashboard.storage import open_store
from support.farm import config_toml
from support.loopback import LoopbackServer, Reply
from tests.reliability.conftest import flashpoint

SAID = ("Serbian President Aleksandar Vucic said on Tuesday that the Brussels dialogue "
        "must continue without preconditions.")


def rss(*items: str) -> Reply:
    body = ("<?xml version='1.0' encoding='utf-8'?><rss version='2.0'><channel><title>T</title>"
            + "".join(items) + "</channel></rss>").encode()
    return Reply(body=body, headers={"Content-Type": "application/rss+xml"})


def item(title: str, link: str, guid: str | None = None, text: str = SAID) -> str:
    guid_xml = f"<guid>{guid}</guid>" if guid else ""
    return (f"<item><title>{title}</title><link>{link}</link>{guid_xml}"
            f"<description>{text}</description>"
            "<pubDate>Fri, 27 Nov 2026 08:00:00 GMT</pubDate></item>")


def collector(loopback: LoopbackServer, tmp_path: Path, paths: list[str]) -> Collector:
    cfg = tmp_path / "config.toml"
    cfg.write_text(config_toml([loopback.url(p) for p in paths], str(tmp_path / "store.json")))
    config = load_config(cfg)
    return Collector(config, open_store(config.storage.resolved_path()))


async def test_one_link_from_two_sources_is_stored_once_as_the_first_sources(
        loopback, tmp_path):
    shared = "https://news.example/story?utm_source=feed"
    loopback.route("/a.xml", rss(item("From A", shared), item("Only A", "https://a.example/1")))
    loopback.route("/b.xml", rss(item("From B", "https://news.example/story")))
    c = collector(loopback, tmp_path, ["/a.xml", "/b.xml"])
    try:
        first, second = await c.run_round()
        assert (first.new_items, first.seen_elsewhere) == (2, 0)
        assert (second.new_items, second.seen_elsewhere) == (0, 1)
        lines = round_lines([first, second], {})
        assert "ok, 0 new items, 1 already from another source" in lines[1]
        stored = c.store.items()
        assert sorted(i.title for i in stored) == ["From A", "Only A"]
        # the stored rows name the kept copy's source, never the other one
        assert {s.source_id for s in c.store.statements(limit=100)} == {"feed-0"}
        health = c.store.health()
        assert (health["feed-0"].items, health["feed-1"].items) == (2, 0)
        # a later round of the second source alone: still not new, still not stored again
        again = await c.run_round(["feed-1"])
        assert [(r.new_items, r.seen_elsewhere) for r in again] == [(0, 0)]
        assert c.store.item_count() == 2
    finally:
        await c.aclose()
        c.store.close()


async def test_across_rounds_the_source_that_stored_it_first_keeps_it(loopback, tmp_path):
    loopback.route("/a.xml", rss(item("From A", "https://news.example/x")))
    loopback.route("/b.xml", rss(item("From B", "https://news.example/x")))
    c = collector(loopback, tmp_path, ["/a.xml", "/b.xml"])
    try:
        [b] = await c.run_round(["feed-1"])  # B is fetched first this time
        assert b.new_items == 1
        both = await c.run_round()
        assert [(r.new_items, r.seen_elsewhere) for r in both] == [(0, 0), (0, 0)]
        assert [i.title for i in c.store.items()] == ["From B"]
    finally:
        await c.aclose()
        c.store.close()


def test_a_repeated_guid_with_other_content_keeps_the_first_and_says_so(loopback, tmp_path):
    loopback.route("/a.xml", rss(
        item("First version", "https://a.example/1", guid="g-1"),
        item("Second version", "https://a.example/1b", guid="g-1"),
        item("First version", "https://a.example/1", guid="g-1"),  # identical: harmless
        item("Other", "https://a.example/2", guid="g-2")))
    cfg = tmp_path / "config.toml"
    cfg.write_text(config_toml([loopback.url("/a.xml")], str(tmp_path / "store.json")))
    out = flashpoint("fetch", "--once", "--config", str(cfg))
    assert out.returncode == 0, out.stderr
    assert "ok, 2 new items, 1 repeating an earlier id (first kept)" in out.stdout, out.stdout
    reader = open_store(tmp_path / "store.json", readonly=True)
    assert sorted(i.title for i in reader.items()) == ["First version", "Other"]
    reader.close()
