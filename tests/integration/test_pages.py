"""Article pages against real loopback servers: every hostile page ends as a per-item
reason, and none of them slows the others.

Real HTTP (PageFetcher: robots.txt, per-host politeness, the capped client), real worker
processes (trafilatura under the parse deadline), real analysis.
"""

from __future__ import annotations

import asyncio
import threading
import time
from collections.abc import AsyncIterator, Iterator
from datetime import UTC, datetime

import pytest

from dashboard.config import Actor, Config, Fetch, Pages, Person, Source
from dashboard.fetching.pages import PageFetcher
from dashboard.models import Item
from dashboard.pipeline import AnalysisSetup, WorkerPool, prepare_worker, read_page, wants_page
from support.loopback import LoopbackServer, Reply

MB = 1_000_000
NOW = datetime(2026, 11, 27, 12, tzinfo=UTC)

ARTICLE = """<html><head><title>Talks resume in Brussels</title>
<meta name="date" content="2026-11-20"></head><body>
<nav><a href="/">Home</a> | <a href="/world">World</a></nav>
<article><h1>Talks resume in Brussels</h1>
<p>Negotiators from both sides met again on Thursday after a pause of several weeks,
according to officials who attended the session in the Belgian capital. (Sample text
written for Flashpoint's tests, not real reporting.)</p>
<p>"We are ready to discuss every point on the agenda," Aleksandar Vucic told reporters
after the meeting, adding that the delegation would return next week.</p>
<p>Observers said the atmosphere was calmer than at the previous round, and that the
mediators hoped to publish a joint statement before the end of the month.</p>
</article><footer>Copyright sample</footer></body></html>"""

CONFIG = Config(
    actors=(Actor(id="serbia", name="Serbia", people=(Person(name="Aleksandar Vucic"),)),),
)


def item(link: str, summary: str = "One line.") -> Item:
    return Item(id=link, source_id="s", title="Talks", summary=summary, link=link,
                published=NOW, fetched=NOW)


@pytest.fixture(scope="module")
def setup() -> AnalysisSetup:
    return AnalysisSetup.of(CONFIG)


@pytest.fixture(scope="module")
def pool(setup) -> Iterator[WorkerPool]:
    p = WorkerPool(initializer=prepare_worker, initargs=(setup,))
    p.start()  # the workers' start-up is not what these tests time
    yield p
    p.close()


@pytest.fixture
def fetch() -> Fetch:
    # 3 s: the slow cases end at it; the quick ones must be done long before
    return Fetch(deadline=3.0, retries=0, max_redirects=3)


@pytest.fixture
async def fetcher(fetch) -> AsyncIterator[PageFetcher]:
    f = PageFetcher(fetch, Pages(host_delay=0.01, max_bytes=3 * MB))
    yield f
    await f.aclose()


async def read(url, *, fetcher, pool, setup, parse_deadline=5.0):
    return await read_page(item(url), fetcher=fetcher, pool=pool, setup=setup,
                           credibility=0.7, parse_deadline=parse_deadline)


def html(body: bytes | str, charset: str = "utf-8", **headers: str) -> Reply:
    data = body.encode(charset) if isinstance(body, str) else body
    return Reply(body=data, headers={"Content-Type": f"text/html; charset={charset}", **headers})


async def test_an_article_page_gives_its_text_title_date_and_page_statements(
    loopback, fetcher, pool, setup
):
    url = loopback.route("/news/talks", html(ARTICLE))
    got = await read(url, fetcher=fetcher, pool=pool, setup=setup)
    page = got.item.page
    assert page.state == "ok", page.error
    assert page.title == "Talks resume in Brussels"
    assert page.date == "2026-11-20"
    assert "ready to discuss every point" in page.text
    assert "Home | World" not in page.text  # navigation is not the article
    assert page.url == url
    statements = got.extras.statements
    assert {s.speaker for s in statements} == {"Aleksandar Vucic"}
    assert any("ready to discuss every point" in s.text for s in statements)
    assert {(s.origin, s.item_id) for s in statements} == {("page", url)}
    # robots.txt was asked once, with our user agent, before the page
    assert [r.path for r in loopback.requests] == ["/robots.txt", "/news/talks"]
    assert loopback.requests[1].header("user-agent") == Fetch().user_agent


async def test_a_page_already_summarised_adds_nothing_twice(loopback, fetcher, pool, setup):
    url = loopback.route("/news/talks", html(ARTICLE))
    summary = ('"We are ready to discuss every point on the agenda," Aleksandar Vucic told '
               "reporters after the meeting, adding that the delegation would return next week.")
    got = await read_page(item(url, summary), fetcher=fetcher, pool=pool, setup=setup,
                          credibility=0.7, parse_deadline=5.0)
    assert got.item.page.state == "ok"
    assert got.extras.statements == ()  # the feed already showed that statement


DEEP = b"<html><body>" + b"<div>" * 100_000 + b"<p>deep</p>" + b"</div>" * 100_000
SCRIPTS = b"<html><head><script>var a=1;</script></head><body>" + b"".join(
    b"<script>document.write('part %d');</script>" % i for i in range(300)) + b"</body></html>"
PAYWALL = """<html><body><article><h1>Talks resume</h1><p>Negotiators met on Thursday.</p>
<div class="paywall"><p>Subscribe to continue reading. Already a subscriber? Log in.</p>
</div></article></body></html>"""
LOGIN = "<html><body><form><input name=user><input name=password></form></body></html>"


def hostile(server: LoopbackServer) -> dict[str, tuple[str, str]]:
    """name -> (url, expected reason)."""
    return {
        "deeply nested": (server.route("/deep", html(DEEP)), "empty"),
        "10 MB": (server.route("/big", html(b"<p>" + b"x" * (10 * MB))), "too_large"),
        "only scripts": (server.route("/scripts", html(SCRIPTS)), "empty"),
        "paywall stub": (server.route("/paywall", html(PAYWALL)), "paywall"),
        "login redirect": (
            server.route("/members", Reply(status=302, headers={
                "Location": "/account/login?next=/members"})), "login"),
        "PDF": (server.route("/report", Reply(body=b"%PDF-1.7\n%binary\n" + b"0" * 2000,
                                              headers={"Content-Type": "application/pdf"})),
                "not_html"),
        "never finishes": (server.route("/endless", Reply(
            body=b"<html><body><p>" + b"a" * 10_000, drip=(10, 0.2),
            headers={"Content-Type": "text/html"})), "timed_out"),
    }


async def test_every_hostile_page_is_a_clear_reason_and_slows_nothing_else(
    loopback, fetcher, pool, setup
):
    loopback.route("/account/login", html(LOGIN))
    cases = hostile(loopback)
    with LoopbackServer() as other:  # another host, read while the hostile ones are read
        good = other.route("/news/talks", html(ARTICLE))
        started = time.monotonic()
        reads = {name: asyncio.ensure_future(read(url, fetcher=fetcher, pool=pool,
                                                  setup=setup))
                 for name, (url, _) in cases.items()}
        got = await read(good, fetcher=fetcher, pool=pool, setup=setup)
        still_reading = not reads["never finishes"].done()
        done = await asyncio.gather(*reads.values())
        took = time.monotonic() - started
    assert got.item.page.state == "ok"
    for (name, (_, reason)), result in zip(cases.items(), done, strict=True):
        page = result.item.page
        assert (name, page.state, page.reason) == (name, "failed", reason), page.error
        assert page.error  # a human message with every reason
    # the good page did not wait for the slow ones, which end at the 3 s deadline
    assert still_reading and took >= 3.0
    assert "sign-in" in done[list(cases).index("login redirect")].item.page.error


async def test_a_charset_that_lies_is_read_right(loopback, fetcher, pool, setup):
    text = ARTICLE.replace("Aleksandar Vucic", "Aleksandar Vučić")
    # the header says Latin-1 (a server default), the page is UTF-8
    latin = loopback.route("/latin", html(text.encode("utf-8"), charset="iso-8859-1"))
    # the header says UTF-8, the page is Windows-1250 and says so in its <meta>
    meta = text.replace("<head>", '<head><meta charset="windows-1250">')
    cp = loopback.route("/cp1250", Reply(body=meta.encode("cp1250"),
                                         headers={"Content-Type": "text/html; charset=utf-8"}))
    for url in (latin, cp):
        page = (await read(url, fetcher=fetcher, pool=pool, setup=setup)).item.page
        assert page.state == "ok", page.error
        assert "Vučić" in page.text and "\ufffd" not in page.text


async def test_robots_txt_disallowing_everything_means_no_page_request(
    loopback, fetcher, pool, setup
):
    loopback.route("/robots.txt", Reply(body=b"User-agent: *\nDisallow: /\n"))
    url = loopback.route("/news/talks", html(ARTICLE))
    page = (await read(url, fetcher=fetcher, pool=pool, setup=setup)).item.page
    assert (page.state, page.reason) == ("failed", "robots")
    assert "disallows" in page.error
    assert [r.path for r in loopback.requests] == ["/robots.txt"]


async def test_robots_for_another_agent_only_does_not_stop_us(loopback, fetcher, pool, setup):
    loopback.route("/robots.txt", Reply(body=b"User-agent: OtherBot\nDisallow: /\n"))
    url = loopback.route("/news/talks", html(ARTICLE))
    page = (await read(url, fetcher=fetcher, pool=pool, setup=setup)).item.page
    assert page.state == "ok"


async def test_a_hanging_robots_txt_costs_one_deadline_once_and_holds_up_no_other_host(
    loopback, fetcher, pool, setup
):
    loopback.route("/robots.txt", Reply(hang=True))
    first, second = (loopback.route(p, html(ARTICLE)) for p in ("/a", "/b"))
    with LoopbackServer() as other:
        good = other.route("/news/talks", html(ARTICLE))
        started = time.monotonic()
        hanging = asyncio.ensure_future(read(first, fetcher=fetcher, pool=pool, setup=setup))
        ok = await read(good, fetcher=fetcher, pool=pool, setup=setup)
        still_waiting = not hanging.done()
        page = (await hanging).item.page
        assert time.monotonic() - started >= 3.0  # the robots.txt deadline
        again_started = time.monotonic()
        again = (await read(second, fetcher=fetcher, pool=pool, setup=setup)).item.page
        again_took = time.monotonic() - again_started
    assert ok.item.page.state == "ok" and still_waiting
    assert (page.state, page.reason) == ("failed", "robots")
    assert "could not be read" in page.error and "timed out" in page.error
    # the decision is cached per host: the second page is refused without waiting again
    assert (again.state, again.reason) == ("failed", "robots") and again_took < 0.5
    assert [r.path for r in loopback.requests] == ["/robots.txt"]


async def test_politeness_two_at_a_time_per_host_and_spaced_starts(loopback, fetch, pool, setup):
    active = peak = 0
    lock = threading.Lock()

    def slow(request):
        nonlocal active, peak
        with lock:
            active += 1
            peak = max(peak, active)
        time.sleep(0.2)
        with lock:
            active -= 1
        return html(ARTICLE)

    urls = [loopback.route(f"/p{i}", slow) for i in range(6)]
    fetcher = PageFetcher(fetch, Pages(host_delay=0.05, concurrency=8))
    try:
        await asyncio.gather(*(fetcher.fetch_page(u) for u in urls))
    finally:
        await fetcher.aclose()
    assert peak == 2  # never more than host_concurrency at once on one host
    assert len(loopback.requests_to("/robots.txt")) == 1


def test_which_items_want_their_page():
    pages = Pages(min_words=5)
    rss = dict(id="s", url="http://x/feed")
    short, long_ = item("http://x/1", "One line."), item("http://x/2", "word " * 10)
    auto = Source(**rss, fulltext="auto")
    assert wants_page(auto, short, pages) and not wants_page(auto, long_, pages)
    assert wants_page(Source(**rss, fulltext="always"), long_, pages)
    assert not wants_page(Source(**rss), short, pages)  # feeds default to never
    assert wants_page(Source(id="g", url="http://x/q", kind="gdelt"), long_, pages)
    no_link = Item(id="n", source_id="s", title="t", summary="", link=None, published=NOW,
                   fetched=NOW)
    assert not wants_page(auto, no_link, pages)
