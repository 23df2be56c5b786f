"""Rounds with article pages: a feed with one-line summaries, its pages on a loopback host.

Real HTTP, real store files, real workers: the page's statements are stored with their
item (marked as from the page), a page is read once, the pages not reached by the page
deadline are read next round (oldest first), and feeds are never held up by pages.
"""

from __future__ import annotations

import collections
import time
from pathlib import Path

from dashboard.cli import main
from dashboard.config import load_config
from dashboard.pipeline import Collector
from dashboard.storage import open_store
from support.loopback import LoopbackServer, Reply
from tests.integration.test_pages import ARTICLE


def rss(links: list[tuple[str, str]]) -> bytes:
    items = "".join(
        f"<item><title>{title}</title><link>{link}</link><guid>{link}</guid>"
        f"<pubDate>Fri, 27 Nov 2026 {10 + i:02d}:00:00 GMT</pubDate>"
        f"<description>One line about the talks.</description></item>"
        for i, (title, link) in enumerate(links)
    )
    return f'<rss version="2.0"><channel><title>t</title>{items}</channel></rss>'.encode()


def config(tmp_path: Path, feeds: dict[str, str], pages: str = "", fetch: str = "2s") -> Path:
    sources = "".join(
        f'[[sources]]\nid = "{sid}"\nurl = "{url}"\nfulltext = "auto"\n\n'
        for sid, url in feeds.items()
    )
    path = tmp_path / "config.toml"
    path.write_text(
        f'[storage]\npath = "{tmp_path / "store.json"}"\n\n'
        f'[fetch]\ndeadline = "{fetch}"\nretries = 0\n\n'
        f'[pages]\nhost_delay = "0.01s"\n{pages}\n'
        '[[actors]]\nid = "serbia"\nname = "Serbia"\n'
        '[[actors.people]]\nname = "Aleksandar Vucic"\n\n' + sources
    )
    return path


def html(body: str) -> Reply:
    return Reply(body=body.encode(), headers={"Content-Type": "text/html; charset=utf-8"})


async def run(config_path: Path):
    config = load_config(config_path)
    collector = Collector(config, open_store(config.storage.resolved_path()))
    try:
        return await collector.run_round(), collector.store
    finally:
        await collector.aclose()


async def test_a_one_line_summary_gets_the_statements_of_its_article(loopback, tmp_path):
    page = loopback.route("/news/talks", html(ARTICLE))
    feed = loopback.route("/feed.xml", Reply(body=rss([("Talks resume", page)])))
    path = config(tmp_path, {"wire": feed})
    (result,), store = await run(path)
    try:
        assert result.state == "ok" and result.new_items == 1
        (item,) = store.items()
        assert item.page.state == "ok" and item.page.url == page
        assert "ready to discuss every point" in item.page.text
        assert item.summary == "One line about the talks."  # both texts kept
        found = {(s.speaker, s.origin) for s in store.statements()}
        assert found == {("Aleksandar Vucic", "page")}
        before = sorted(s.text for s in store.statements())
    finally:
        store.close()
    # the next round reads neither the item nor its page again
    (again,), store = await run(path)
    store.close()
    assert again.new_items == 0
    assert len(loopback.requests_to("/news/talks")) == 1
    # `reanalyze` recomputes from both texts: the page's statement stays
    assert main(["reanalyze", "--config", str(path)]) == 0
    store = open_store(tmp_path / "store.json", readonly=True)
    try:
        assert sorted(s.text for s in store.statements()) == before
        assert {s.origin for s in store.statements()} == {"page"}
    finally:
        store.close()


async def test_pages_past_the_deadline_wait_for_the_next_round_oldest_first(
    loopback, tmp_path
):
    slow_answers = {"on": True}

    def slow(request):
        if slow_answers["on"]:
            time.sleep(5)
        return html(ARTICLE)

    links = [(f"Item {i}", loopback.route(f"/a{i}", html(ARTICLE) if i == 0 else slow))
             for i in range(3)]
    feed = loopback.route("/feed.xml", Reply(body=rss(links)))
    # 3 s: time for the quick page (and the workers' start) even on a loaded machine
    path = config(tmp_path, {"wire": feed}, 'deadline = "3s"\n', fetch="10s")
    (result,), store = await run(path)
    try:
        states = {i.title: i.page.state for i in store.items()}
        assert result.new_items == 3
        assert states == {"Item 0": "ok", "Item 1": "pending", "Item 2": "pending"}
        assert [i.title for i in store.pending_pages("wire")] == ["Item 1", "Item 2"]
        assert {s.origin for s in store.statements()} == {"page"}
    finally:
        store.close()
    slow_answers["on"] = False
    config(tmp_path, {"wire": feed}, 'deadline = "60s"\n')
    (result,), store = await run(path)  # the feed has nothing new; its pages are read
    try:
        assert result.new_items == 0
        assert {i.title: i.page.state for i in store.items()} == {
            "Item 0": "ok", "Item 1": "ok", "Item 2": "ok"}
        assert store.pending_pages("wire") == []
        # each item has its page's statements once: the first round's and the later ones
        per_item = collections.Counter(s.item_id for s in store.statements())
        assert set(per_item) == {i.id for i in store.items()}
        assert len(set(per_item.values())) == 1  # the same page, the same statements
    finally:
        store.close()


async def test_slow_pages_never_delay_another_sources_feed(loopback, tmp_path):
    pages_asked: list[float] = []
    feed_asked: list[float] = []

    def slow(request):
        pages_asked.append(time.monotonic())
        time.sleep(1.0)
        return html(ARTICLE)

    def quiet_feed(request):
        feed_asked.append(time.monotonic())
        return Reply(body=rss([]))

    links = [(f"Item {i}", loopback.route(f"/a{i}", slow)) for i in range(6)]
    with LoopbackServer() as other:
        quiet = other.route("/feed.xml", quiet_feed)
        busy = loopback.route("/feed.xml", Reply(body=rss(links)))
        path = config(tmp_path, {"busy": busy, "quiet": quiet}, fetch="10s")
        results, store = await run(path)
        store.close()
    assert {r.state for r in results} == {"ok"}
    # six 1 s pages, two at a time on their host, take three turns; the other source's
    # feed was asked for before the last turn of pages had even started
    assert len(pages_asked) == 6 and len(feed_asked) == 1
    assert feed_asked[0] < sorted(pages_asked)[-1] - 1.5
