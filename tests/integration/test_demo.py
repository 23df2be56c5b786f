"""The demo server: real loopback HTTP, real parsers, a fake clock instead of sleeping."""

from __future__ import annotations

import json
import socket
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta

import feedparser
import httpx
import pytest

from dashboard.config import Config, Source
from dashboard.demo import ITEMS_FILE, DemoServer, demo_config, load_demo_sources
from dashboard.fetching import Fetched, NotModified, make_client, parse_feed, retrieve
from dashboard.models import ParsedItem

START = 1_750_000_000.25  # any epoch second; the fraction checks the whole-second epoch
HOSTILE_MARKUP = "[bold red]markup[/]"
HOSTILE_ESCAPE = "\x1b]0;pwned\x07"


class FakeClock:
    """Epoch seconds that only move when the test says so."""

    def __init__(self, now: float) -> None:
        self.now = now

    def __call__(self) -> float:
        return self.now

    def at(self, elapsed: float) -> None:
        self.now = START + elapsed


@pytest.fixture
def clock() -> FakeClock:
    return FakeClock(START)


@pytest.fixture
def server(clock: FakeClock) -> Iterator[DemoServer]:
    with DemoServer(clock=clock) as demo:
        yield demo


@pytest.fixture(scope="module")
def client() -> Iterator[httpx.Client]:
    # one client for the module: building its TLS context costs ~0.1 s
    with httpx.Client(timeout=5, trust_env=False) as http:  # loopback: never via a proxy
        yield http


def raw_items() -> list[dict]:
    """The items file read directly, independently of the loader under test."""
    data = json.loads(ITEMS_FILE.read_text(encoding="utf-8"))
    return [item for source in data["sources"] for item in source["items"]]


def fetch_all(server: DemoServer, client: httpx.Client) -> dict[str, list[ParsedItem]]:
    """Every source's feed fetched over HTTP and read by the product's parser."""
    parsed = {}
    for table in server.sources():
        response = client.get(table["url"])
        assert response.status_code == 200, table["id"]
        parsed[table["id"]] = parse_feed(
            response.content, kind=table["kind"],
            content_type=response.headers["content-type"],
        )
    return parsed


def count(parsed: dict[str, list[ParsedItem]]) -> int:
    return sum(len(items) for items in parsed.values())


def test_feeds_fill_over_about_three_minutes(server, clock, client):
    counts = {}
    for elapsed in (0, 5, 60, 120, 200):
        clock.at(elapsed)
        counts[elapsed] = count(fetch_all(server, client))
    total = len(raw_items())
    assert counts[5] >= 1, "nothing released in the first five seconds"
    assert counts[5] < counts[60] < counts[120] < counts[200]
    assert counts[200] == total == server.total()


def test_each_item_is_out_exactly_from_its_offset(server, clock, client):
    offsets = sorted(item["offset"] for item in raw_items())
    for elapsed in sorted({offsets[len(offsets) // 2], offsets[-1]}):
        clock.at(elapsed - 0.5)
        before = count(fetch_all(server, client))
        clock.at(elapsed)
        after = count(fetch_all(server, client))
        assert before == sum(o < elapsed for o in offsets)
        assert after == sum(o <= elapsed for o in offsets)
        assert after > before, f"nothing released at {elapsed} s"


def test_speed_releases_everything_sooner(clock, client):
    with DemoServer(clock=clock, speed=4.0) as fast:
        clock.at(fast.duration())
        assert count(fetch_all(fast, client)) == fast.total()
        clock.at(fast.duration() - 1)
        assert count(fetch_all(fast, client)) < fast.total()


def test_pub_dates_are_start_plus_offset_and_never_ahead(server, clock, client):
    clock.at(200)
    epoch = datetime.fromtimestamp(int(START), UTC)
    slug_offsets = {item["slug"]: item["offset"] for item in raw_items()}
    now = datetime.fromtimestamp(clock.now, UTC)
    checked = 0
    for source_id, items in fetch_all(server, client).items():
        for item in items:
            assert item.published is not None, (source_id, item.title)
            slug = item.link.rsplit("/", 1)[-1]
            assert item.published == epoch + timedelta(seconds=slug_offsets[slug])
            assert item.published <= now
            checked += 1
    assert checked == len(slug_offsets) > 0  # every item was out and dated


def test_rss_and_atom_parse_without_bozo(server, clock, client):
    clock.at(200)
    versions = {}
    for source in load_demo_sources():
        if source.format not in ("rss", "atom"):
            continue
        body = client.get(server.feed_url(source.id)).content
        feed = feedparser.parse(body)
        assert not feed.bozo, (source.id, feed.get("bozo_exception"))
        assert len(feed.entries) == len(source.items)
        assert all(entry.get("published_parsed") for entry in feed.entries)
        versions[source.format] = feed.version
    assert versions == {"rss": "rss20", "atom": "atom10"}


def test_json_feed_and_gdelt_documents_are_well_formed(server, clock, client):
    clock.at(200)
    entries = {"jsonfeed": 0, "gdelt": 0}
    for source in load_demo_sources():
        if source.format == "jsonfeed":
            doc = client.get(server.feed_url(source.id)).json()
            assert doc["version"] == "https://jsonfeed.org/version/1.1"
            assert len(doc["items"]) == len(source.items)
            entries["jsonfeed"] += len(doc["items"])
            for entry in doc["items"]:
                assert entry["id"] and entry["url"] and entry["content_text"]
                datetime.fromisoformat(entry["date_published"])
        elif source.format == "gdelt":
            doc = client.get(server.feed_url(source.id)).json()
            assert len(doc["articles"]) == len(source.items)
            for article in doc["articles"]:
                assert {"url", "title", "seendate", "domain", "language",
                        "sourcecountry"} <= article.keys()
                datetime.strptime(article["seendate"], "%Y%m%dT%H%M%SZ")
            entries["gdelt"] += len(doc["articles"])
    assert all(entries.values()), f"the demo lacks a JSON Feed or GDELT source: {entries}"


def test_empty_feeds_before_release_still_parse(server, clock, client):
    # the TUI's first round may come before a source has released anything
    clock.at(0)
    parsed = fetch_all(server, client)
    assert any(not items for items in parsed.values())


def test_unchanged_feed_answers_304_and_new_items_change_the_etag(server, clock, client):
    clock.at(30)
    url = server.feed_url("demo-wire")
    first = client.get(url)
    etag = first.headers["ETag"]
    again = client.get(url, headers={"If-None-Match": etag})
    assert again.status_code == 304
    assert again.content == b""
    assert again.headers["ETag"] == etag
    since = client.get(url, headers={"If-Modified-Since": first.headers["Last-Modified"]})
    assert since.status_code == 304

    clock.at(200)
    changed = client.get(url, headers={"If-None-Match": etag})
    assert changed.status_code == 200
    assert changed.headers["ETag"] != etag
    assert len(parse_feed(changed.content, kind="rss")) > len(parse_feed(first.content,
                                                                         kind="rss"))


async def test_product_fetcher_reads_every_source_then_gets_304(server, clock):
    """The path the demo really takes: the product's client and retrieve()."""
    clock.at(200)
    config = demo_config(Config(), server, "unused.json")
    assert len(config.sources) == len(server.sources()) >= 4
    async with make_client(config.fetch) as http:
        for source in config.sources:
            first = await retrieve(source, client=http, fetch=config.fetch)
            assert isinstance(first, Fetched), source.id
            assert parse_feed(first.body, kind=source.kind, content_type=first.content_type)
            second = await retrieve(source, client=http, fetch=config.fetch, etag=first.etag,
                                    last_modified=first.last_modified)
            assert isinstance(second, NotModified), source.id


def test_stop_frees_the_port(clock, client):
    demo = DemoServer(clock=clock).start()
    port = int(demo.url.rsplit(":", 1)[1])
    assert client.get(demo.feed_url("demo-wire")).status_code == 200
    demo.stop()
    assert not demo.running
    with pytest.raises(httpx.ConnectError):
        client.get(f"http://127.0.0.1:{port}/feeds/demo-wire.xml")
    with socket.socket() as probe:
        probe.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        probe.bind(("127.0.0.1", port))  # raises if the server still held it
    demo.stop()  # a second stop is harmless


def test_hostile_item_reaches_the_feed_verbatim(server, clock, client):
    clock.at(200)
    hostile = [
        (source, item) for source in load_demo_sources() for item in source.items
        if HOSTILE_ESCAPE in item.title
    ]
    assert len(hostile) == 1
    source, item = hostile[0]
    titles = [entry["title"] for entry in client.get(server.feed_url(source.id)).json()["items"]]
    assert item.title in titles  # the server serves it as written
    assert HOSTILE_MARKUP in item.title
    # the parser drops the control characters and keeps the brackets as plain text
    parsed = fetch_all(server, client)[source.id]
    cleaned = next(p.title for p in parsed if HOSTILE_MARKUP in p.title)
    assert "\x1b" not in cleaned and "\x07" not in cleaned


def test_article_pages_say_sample_data_and_wait_for_release(server, clock, client):
    last = max(raw_items(), key=lambda item: item["offset"])
    url = f"{server.url}/articles/{last['slug']}"
    clock.at(last["offset"] - 1)
    assert client.get(url).status_code == 404
    clock.at(last["offset"])
    page = client.get(url)
    assert page.status_code == 200
    assert page.headers["content-type"].startswith("text/html")
    assert "SAMPLE DATA" in page.text
    assert client.get(f"{server.url}/articles/no-such-item").status_code == 404
    assert client.get(f"{server.url}/nothing-here").status_code == 404


def test_demo_config_replaces_sources_and_store(server):
    base = Config(
        sources=(Source(id="real-feed", url="https://example.org/feed.xml"),),
        actors=({"id": "serbia", "name": "Serbia"},),
    )
    config = demo_config(base, server, "/tmp/demo-store.json")
    assert [s.id for s in config.sources] == [s["id"] for s in server.sources()]
    assert all(s.url.startswith(server.url) for s in config.sources)
    assert all(s.every == 15.0 for s in config.sources)
    assert {s.kind for s in config.sources} == {"rss", "gdelt"}
    assert config.storage.path == "/tmp/demo-store.json"
    assert config.actors == base.actors
    assert [s.id for s in base.sources] == ["real-feed"]  # the base is untouched


def test_items_file_is_consistent():
    items = raw_items()
    offsets = [item["offset"] for item in items]
    assert min(offsets) <= 5 and max(offsets) <= 180
    assert 50 <= len(items) <= 70
    assert len({item["slug"] for item in items}) == len(items)
    for item in items:
        assert item["title"].strip()
        assert 1 <= len([p for p in item["body"].split("\n\n") if p.strip()]) <= 3
    assert len(load_demo_sources()) >= 4


async def test_one_line_summaries_have_their_statements_read_from_the_article_page(tmp_path):
    import time
    from pathlib import Path

    from dashboard.config import load_config
    from dashboard.pipeline import Collector
    from dashboard.storage import open_store

    summarised = [i for i in raw_items() if i.get("summary")]
    assert len(summarised) >= 3
    clock = FakeClock(time.time())  # items dated now: none is past retention at once
    server = DemoServer(clock=clock).start()
    clock.now += max(i["offset"] for i in raw_items())  # everything released
    base = load_config(Path(__file__).parents[2] / "config.toml")
    config = demo_config(base, server, str(tmp_path / "store.json"))
    store = open_store(config.storage.path)
    collector = Collector(config, store)
    try:
        results = await collector.run_round()
    finally:
        await collector.aclose()
    assert {r.source_id: r.state for r in results} == {s.id: "ok" for s in config.sources}
    try:
        by_summary = {i.summary: i for i in store.items()}
        page_statements = {s.item_id for s in store.statements(limit=1000)
                           if s.origin == "page"}
        for raw in summarised:
            item = by_summary[raw["summary"]]  # the feed carried only the summary
            assert item.page is not None and item.page.state == "ok", item.page
            assert raw["body"].split("\n\n")[0][:60] in item.page.text
        # each summarised item has statements found only in its page
        found = [r["slug"] for r in summarised if by_summary[r["summary"]].id in page_statements]
        assert found == [r["slug"] for r in summarised]
        # the GDELT list carries only titles: every one of its pages was read
        gdelt = [i for i in store.items() if i.source_id == "demo-gdelt"]
        assert gdelt and all(i.page is not None and i.page.state == "ok" for i in gdelt)
    finally:
        store.close()
        server.stop()
