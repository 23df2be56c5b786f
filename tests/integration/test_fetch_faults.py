"""retrieve + WorkerPool against a real loopback HTTP server misbehaving in every way we know.

Each case ends as a value the pipeline can show: Fetched/NotModified, or a FetchError,
ParseError or Postponed with a short message. None may crash, hang past the deadline or
take memory in proportion to what a hostile server claims.
"""

from __future__ import annotations

import asyncio
import gzip
import socket
import threading
import tracemalloc
import zlib
from collections.abc import AsyncIterator, Iterator
from datetime import UTC, datetime, timedelta
from email.utils import format_datetime

import httpx
import pytest

from dashboard.config import Fetch, Source
from dashboard.fetching import (
    Fetched,
    FetchError,
    NotModified,
    ParseError,
    Postponed,
    make_client,
    retrieve,
)
from dashboard.pipeline import WorkerPool
from support.loopback import LoopbackServer, Reply

MB = 1_000_000
RSS = b"""<?xml version="1.0" encoding="utf-8"?>
<rss version="2.0"><channel><title>Loopback news</title>
<item><title>First &amp; <![CDATA[<b>bold</b>]]></title><link>http://example.org/1</link>
<guid>urn:1</guid><pubDate>Mon, 01 Jan 2024 10:00:00 GMT</pubDate>
<description>&lt;p&gt;Hello&lt;/p&gt;</description></item>
<item><title>Second</title><link>http://example.org/2</link></item>
</channel></rss>"""


@pytest.fixture
def fetch() -> Fetch:
    """Short deadline so the slow cases stay fast; the default 10 MB cap."""
    return Fetch(deadline=1.5, retries=1, max_redirects=3, concurrency=8, max_bytes=10 * MB)


@pytest.fixture
async def client(fetch: Fetch) -> AsyncIterator[httpx.AsyncClient]:
    async with make_client(fetch) as c:
        yield c


@pytest.fixture(scope="module")
def pool() -> Iterator[WorkerPool]:
    p = WorkerPool()
    yield p
    p.close()


def source(url: str, kind: str = "rss") -> Source:
    return Source(id="loop", url=url, kind=kind, every="1h")


async def get(server_url: str, client, fetch, kind="rss", **validators):
    return await retrieve(
        source(server_url, kind),
        client=client,
        fetch=fetch,
        etag=validators.get("etag"),
        last_modified=validators.get("last_modified"),
    )


# --- answers that work -----------------------------------------------------------------


async def test_ok_feed_is_fetched_and_parsed(loopback: LoopbackServer, client, fetch, pool):
    url = loopback.route("/feed", Reply(body=RSS, headers={"Content-Type": "application/rss+xml"}))
    got = await get(url, client, fetch)
    assert isinstance(got, Fetched)
    assert got.body == RSS and got.content_type == "application/rss+xml" and got.url == url
    items = await pool.parse(got.body, kind="rss", content_type=got.content_type, timeout=10)
    assert [i.title for i in items] == ["First & bold", "Second"]
    assert items[0].summary == "Hello"
    assert items[0].published == datetime(2024, 1, 1, 10, tzinfo=UTC)
    request = loopback.requests_to("/feed")[0]
    assert request.header("User-Agent") == fetch.user_agent
    assert request.header("Accept-Encoding") == "gzip, deflate"


def _conditional(etag: str, modified: str):
    def handler(request):
        if request.header("If-None-Match") == etag or request.header("If-Modified-Since") == (
            modified
        ):
            return Reply(status=304, headers={"ETag": etag})
        return Reply(body=RSS, headers={"ETag": etag, "Last-Modified": modified})

    return handler


@pytest.mark.parametrize("validator", ["etag", "last_modified"])
async def test_repeated_conditional_get_is_not_modified(loopback, client, fetch, validator):
    modified = "Mon, 01 Jan 2024 10:00:00 GMT"
    url = loopback.route("/cond", _conditional('"v1"', modified))
    first = await get(url, client, fetch)
    assert isinstance(first, Fetched)
    assert (first.etag, first.last_modified) == ('"v1"', modified)
    again = await get(url, client, fetch, **{validator: getattr(first, validator)})
    assert isinstance(again, NotModified)
    assert again.etag == '"v1"'
    sent = loopback.requests_to("/cond")[1]
    header = "If-None-Match" if validator == "etag" else "If-Modified-Since"
    assert sent.header(header) == getattr(first, validator)


async def test_a_304_leaves_its_connection_open_for_the_next_source(loopback, client, fetch):
    # a 304 read to its end goes back to the pool: with many feeds on one host, a round of
    # 304s then makes one connection (and TLS handshake) per pool slot, not one per feed
    url = loopback.route("/cond", _conditional('"v1"', "Mon, 01 Jan 2024 10:00:00 GMT"))
    for _ in range(4):
        assert isinstance(await get(url, client, fetch, etag='"v1"'), NotModified)
    assert len({r.client_port for r in loopback.requests_to("/cond")}) == 1


@pytest.mark.parametrize("encoding", ["gzip", "deflate", "raw-deflate"])
async def test_compressed_bodies_are_inflated(loopback, client, fetch, encoding):
    if encoding == "gzip":
        packed = gzip.compress(RSS)
    else:
        z = zlib.compressobj(wbits=zlib.MAX_WBITS if encoding == "deflate" else -zlib.MAX_WBITS)
        packed = z.compress(RSS) + z.flush()
    name = encoding.removeprefix("raw-")
    url = loopback.route("/z", Reply(body=packed, headers={"Content-Encoding": name}))
    got = await get(url, client, fetch)
    assert isinstance(got, Fetched) and got.body == RSS


# --- HTTP errors and postponement ---------------------------------------------------------


@pytest.mark.parametrize(("status", "message"), [(404, "HTTP 404 Not Found"),
                                                 (500, "HTTP 500 Internal Server Error"),
                                                 (410, "HTTP 410 Gone")])
async def test_http_errors_are_named(loopback, client, fetch, status, message):
    url = loopback.route("/err", Reply(status=status, body=b"nope"))
    with pytest.raises(FetchError) as info:
        await get(url, client, fetch)
    assert str(info.value) == message


@pytest.mark.parametrize("status", [429, 503])
async def test_retry_after_seconds_postpones(loopback, client, fetch, status):
    url = loopback.route("/busy", Reply(status=status, headers={"Retry-After": "120"}))
    before = datetime.now(UTC)
    with pytest.raises(Postponed) as info:
        await get(url, client, fetch)
    assert before + timedelta(seconds=119) <= info.value.until
    assert info.value.until <= datetime.now(UTC) + timedelta(seconds=121)
    assert info.value.message.startswith(f"HTTP {status}")


async def test_retry_after_http_date_postpones_until_then(loopback, client, fetch):
    when = (datetime.now(UTC) + timedelta(hours=2)).replace(microsecond=0)
    url = loopback.route("/busy", Reply(status=429,
                                        headers={"Retry-After": format_datetime(when, True)}))
    with pytest.raises(Postponed) as info:
        await get(url, client, fetch)
    assert info.value.until == when


@pytest.mark.parametrize(("header", "expected"), [(None, timedelta(minutes=10)),
                                                  ("9999999", timedelta(hours=24)),
                                                  ("soon, please", timedelta(minutes=10))])
async def test_retry_after_defaults_and_cap(loopback, client, fetch, header, expected):
    headers = {"Retry-After": header} if header else {}
    url = loopback.route("/busy", Reply(status=503, headers=headers))
    before = datetime.now(UTC)
    with pytest.raises(Postponed) as info:
        await get(url, client, fetch)
    assert before + expected <= info.value.until <= datetime.now(UTC) + expected


async def test_redirect_loop_is_reported(loopback, client, fetch):
    loopback.route("/a", Reply(status=302, headers={"Location": "/b"}))
    url = loopback.route("/b", Reply(status=302, headers={"Location": "/a"}))
    with pytest.raises(FetchError) as info:
        await get(url, client, fetch)
    assert str(info.value) == "too many redirects (more than 3)"


async def test_redirect_is_followed(loopback, client, fetch):
    target = loopback.route("/new", Reply(body=RSS))
    url = loopback.route("/old", Reply(status=301, headers={"Location": "/new"}))
    got = await get(url, client, fetch)
    assert isinstance(got, Fetched) and got.url == target


async def test_connection_refused(client, fetch):
    with socket.socket() as s:  # a loopback port that nobody listens on any more
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    with pytest.raises(FetchError) as info:
        await get(f"http://127.0.0.1:{port}/feed", client, fetch)
    assert str(info.value) == "connection refused"


# --- slow and silent servers -------------------------------------------------------------


@pytest.mark.parametrize("reply", [
    Reply(body=RSS, drip=(1, 0.2)),  # a byte every 0.2 s: each read is quick, the whole is not
    Reply(hang=True),  # accepts the connection, never answers
    Reply(body=RSS, hang_after_headers=True),  # headers, then silence
], ids=["drip", "hang", "hang-after-headers"])
async def test_slow_servers_cost_at_most_the_deadline(loopback, client, fetch, reply):
    url = loopback.route("/slow", reply)
    with pytest.raises(FetchError) as info:
        await get(url, client, fetch)
    assert str(info.value) == "timed out after 1.5 s (deadline)"


async def test_one_hanging_source_does_not_stop_a_round(loopback, client, fetch):
    good = [loopback.route(f"/good/{n}", Reply(body=RSS)) for n in range(50)]
    hang = loopback.route("/hang", Reply(hang=True))
    limit = asyncio.Semaphore(fetch.concurrency)

    async def one(url: str):
        async with limit:
            try:
                return await get(url, client, fetch)
            except FetchError as exc:
                return exc

    results = await asyncio.gather(*(one(u) for u in [hang, *good]))
    assert isinstance(results[0], FetchError) and "deadline" in str(results[0])
    assert all(isinstance(r, Fetched) and r.body == RSS for r in results[1:])


# --- bodies too large, empty, or not feeds -------------------------------------------------


def _gzip_of_zeros(inflated: int) -> bytes:
    """A gzip member of `inflated` zero bytes, built a megabyte at a time (~1000:1)."""
    z = zlib.compressobj(9, zlib.DEFLATED, 16 + zlib.MAX_WBITS)
    block = bytes(MB)
    return b"".join(z.compress(block) for _ in range(inflated // MB)) + z.flush()


async def test_gzip_bomb_is_refused_without_using_the_memory(loopback, client, fetch):
    bomb = _gzip_of_zeros(200 * MB)
    assert len(bomb) < 300_000
    url = loopback.route("/bomb", Reply(body=bomb, headers={"Content-Encoding": "gzip"}))
    tracemalloc.start()
    try:
        with pytest.raises(FetchError) as info:
            await get(url, client, fetch)
        _, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    assert str(info.value) == "compressed body inflates past the 10 MB cap"
    print(f"gzip bomb refused at peak {peak / MB:.1f} MB traced")
    assert peak < 50 * MB, f"peak {peak / MB:.0f} MB while refusing a gzip bomb"


@pytest.mark.parametrize("declared", [True, False], ids=["content-length", "streamed"])
async def test_body_over_the_byte_cap_is_refused(loopback, client, fetch, declared):
    chunks = (bytes(MB) for _ in range(50))
    reply = Reply(body=chunks, length=50 * MB if declared else None)
    url = loopback.route("/huge", reply)
    tracemalloc.start()
    try:
        with pytest.raises(FetchError) as info:
            await get(url, client, fetch)
        _, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    assert str(info.value) == "response larger than 10 MB (byte cap)"
    assert peak < 50 * MB


async def test_corrupt_gzip_is_an_error(loopback, client, fetch):
    url = loopback.route("/bad.gz", Reply(body=b"\x1f\x8b\x08\x00garbage" * 10,
                                          headers={"Content-Encoding": "gzip"}))
    with pytest.raises(FetchError, match="corrupt"):
        await get(url, client, fetch)


async def test_empty_body(loopback, client, fetch):
    url = loopback.route("/empty", Reply(body=b""))
    with pytest.raises(FetchError) as info:
        await get(url, client, fetch)
    assert str(info.value) == "empty response"


async def test_html_page_is_not_a_feed(loopback, client, fetch, pool):
    page = b"<!DOCTYPE html><html><head><title>Home</title></head><body><p>Hi</p></body></html>"
    url = loopback.route("/page", Reply(body=page,
                                        headers={"Content-Type": "text/html; charset=utf-8"}))
    got = await get(url, client, fetch)
    with pytest.raises(ParseError) as info:
        await pool.parse(got.body, kind="rss", content_type=got.content_type, timeout=10)
    assert str(info.value) == "not a feed: got text/html page"


async def test_gdelt_plain_text_error_with_status_200(loopback, client, fetch):
    text = b"Your search contained a phrase that was too short.\x1b[2J\r\n"
    url = loopback.route("/api/v2/doc/doc", Reply(body=text, headers={"Content-Type":
                                                                       "text/html"}))
    with pytest.raises(FetchError) as info:
        await get(url, client, fetch, kind="gdelt")
    assert str(info.value) == "GDELT: Your search contained a phrase that was too short."


async def test_gdelt_articles_are_parsed(loopback, client, fetch, pool):
    body = (b'{"articles":[{"url":"https://example.org/a","title":"Pristina talks",'
            b'"seendate":"20250101T120000Z","domain":"example.org","language":"English",'
            b'"sourcecountry":"Serbia"}]}')
    url = loopback.route("/api/v2/doc/doc", Reply(body=body))
    got = await get(url, client, fetch, kind="gdelt")
    items = await pool.parse(got.body, kind="gdelt", content_type=got.content_type, timeout=10)
    assert [(i.title, i.link, i.published) for i in items] == [
        ("Pristina talks", "https://example.org/a", datetime(2025, 1, 1, 12, tzinfo=UTC))]


# --- hostile feed content, parsed in the pool -----------------------------------------------


async def test_invalid_utf8_keeps_items(loopback, client, fetch, pool):
    body = RSS.replace(b"Second", b"Caf\xc3 \xff\xfe broken")
    url = loopback.route("/bad-utf8", Reply(body=body))
    got = await get(url, client, fetch)
    items = await pool.parse(got.body, kind="rss", content_type=got.content_type, timeout=10)
    assert len(items) == 2 and items[1].title.startswith("Caf")


async def test_raw_control_characters_are_recovered_and_cleaned(loopback, client, fetch, pool):
    body = RSS.replace(b"Second", b"Sec\x01ond \x1b[31mred\x1b[0m \xe2\x80\xaeevil\x07")
    url = loopback.route("/controls", Reply(body=body))
    got = await get(url, client, fetch)
    items = await pool.parse(got.body, kind="rss", content_type=got.content_type, timeout=10)
    assert len(items) == 2
    title = items[1].title
    assert title.startswith("Second")
    assert not any(ch in title for ch in "\x01\x1b\x07\u202e")


async def test_billion_laughs_neither_expands_nor_stalls(loopback, client, fetch, pool):
    lols = '<!ENTITY lol0 "lol">' + "".join(
        f'<!ENTITY lol{i} "{f"&lol{i - 1};" * 10}">' for i in range(1, 10))
    body = (f'<?xml version="1.0"?><!DOCTYPE rss [{lols}]><rss version="2.0"><channel>'
            "<title>t</title><item><title>&lol9;</title><link>http://example.org/x</link>"
            "</item></channel></rss>").encode()
    url = loopback.route("/laughs", Reply(body=body))
    got = await get(url, client, fetch)
    try:
        items = await pool.parse(got.body, kind="rss", content_type="", timeout=3)
    except ParseError as exc:  # expat's amplification limit, or our deadline
        assert "took longer" in str(exc) or "not a feed" in str(exc)
    else:
        assert all("lollollol" not in i.title for i in items)
    assert await pool.parse(RSS, kind="rss", timeout=10)  # the pool still works


async def test_regex_bomb_author_times_out_and_pool_recovers(loopback, client, fetch, pool):
    # feedparser's _sync_author_detail runs an e-mail regex over the whole <author>;
    # 30 KB of address-like characters without an "@" makes it quadratic (seconds).
    author = "a" * 30_000
    body = RSS.replace(b"<title>Second</title>", f"<title>S</title><author>{author}</author>"
                       .encode())
    url = loopback.route("/author", Reply(body=body))
    got = await get(url, client, fetch)
    with pytest.raises(ParseError) as info:
        await pool.parse(got.body, kind="rss", content_type=got.content_type, timeout=1)
    assert str(info.value) == "parsing took longer than 1 s"
    assert len(await pool.parse(RSS, kind="rss", timeout=10)) == 2


async def test_pool_runs_a_postprocess_step_in_the_same_worker(pool):
    items, count = await pool.parse_with(RSS, kind="rss", timeout=10, postprocess=len)
    assert count == len(items) == 2
    assert await pool.run(divmod, (7, 2), timeout=10) == (3, 1)
    with pytest.raises(ValueError):  # the worker's own exception reaches the caller
        await pool.run(int, ("not a number",), timeout=10)
    with pytest.raises(ParseError, match="not a feed"):
        await pool.parse(b"plain words", kind="rss", timeout=10)


async def test_refused_connections_are_retried_within_the_deadline():
    # nothing listens on the port at first; the server comes up while httpx backs off
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    late = LoopbackServer(port=port)
    late.route("/feed", Reply(body=RSS))
    fetch = Fetch(deadline=8, retries=4)
    starter = threading.Timer(0.3, late.start)
    starter.start()
    try:
        async with make_client(fetch) as client:
            got = await get(f"http://127.0.0.1:{port}/feed", client, fetch)
    finally:
        starter.join()
        late.stop()
    assert isinstance(got, Fetched) and got.body == RSS
