"""One source's HTTP exchange: conditional GET, whole-request deadline, capped body.

`retrieve` does I/O only. It returns `Fetched` or `NotModified`, and raises `FetchError`
(with a short human message) or `Postponed` (the server asked us to come back later).
The body is read raw and inflated here, chunk by chunk with a bounded output size, so
neither a huge body nor a small compression bomb can take more than `fetch.max_bytes`.
"""

from __future__ import annotations

import asyncio
import errno
import zlib
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from email.utils import parsedate_to_datetime

import httpx

from dashboard.clock import utc_now
from dashboard.config import Fetch, Source
from dashboard.fetching.json_feeds import gdelt_text_error

DEFAULT_POSTPONE = timedelta(minutes=10)
MAX_POSTPONE = timedelta(hours=24)


@dataclass(frozen=True, slots=True)
class Fetched:
    """A body the server sent (decoded from gzip/deflate, at most `max_bytes`)."""

    body: bytes
    content_type: str
    etag: str | None
    last_modified: str | None
    url: str  # after redirects


@dataclass(frozen=True, slots=True)
class NotModified:
    """The server answered 304 to our conditional GET."""

    etag: str | None
    last_modified: str | None


Retrieved = Fetched | NotModified


class FetchError(Exception):
    """The source could not be fetched; the message is short and human."""

    def __init__(self, message: str):
        super().__init__(message)
        self.message = message


class Postponed(Exception):
    """The server asked to be left alone until `until` (429/503, Retry-After)."""

    def __init__(self, until: datetime, message: str):
        super().__init__(message)
        self.until = until
        self.message = message


def _megabytes(n: int) -> str:
    return f"{n / 1_000_000:g} MB"


def retry_after(value: str | None, now: datetime) -> datetime:
    """When to try again, from a Retry-After header (seconds or HTTP date), capped."""
    delay = DEFAULT_POSTPONE
    if value and value.strip().isdigit():
        delay = timedelta(seconds=int(value.strip()))
    elif value:
        try:
            when = parsedate_to_datetime(value)
        except (TypeError, ValueError, IndexError):
            when = None
        if when is not None:
            when = when if when.tzinfo else when.replace(tzinfo=UTC)
            delay = when - now
    return now + min(max(delay, timedelta(0)), MAX_POSTPONE)


class _Inflater:
    """Inflates gzip or deflate chunk by chunk without ever producing more than `cap`."""

    def __init__(self, encoding: str, cap: int):
        self.encoding = encoding
        self.cap = cap
        self.size = 0
        self._z: zlib._Decompress | None = None

    def _new(self, first: bytes) -> zlib._Decompress:
        if self.encoding == "gzip":
            return zlib.decompressobj(16 + zlib.MAX_WBITS)
        # "deflate" is meant to be zlib-wrapped, but many servers send raw deflate
        wrapped = len(first) >= 2 and first[0] & 0x0F == 8 and (first[0] << 8 | first[1]) % 31 == 0
        return zlib.decompressobj(zlib.MAX_WBITS if wrapped else -zlib.MAX_WBITS)

    def feed(self, chunk: bytes) -> list[bytes]:
        out = []
        while chunk:
            if self._z is None:
                self._z = self._new(chunk)
            # asking for one byte more than the room left tells "exactly full" from "over"
            piece = self._z.decompress(chunk, self.cap - self.size + 1)
            self.size += len(piece)
            if self.size > self.cap:
                raise FetchError(f"compressed body inflates past the {_megabytes(self.cap)} cap")
            out.append(piece)
            chunk = self._z.unconsumed_tail
            if self._z.eof:  # gzip allows several members one after another
                chunk, self._z = self._z.unused_data, None
        return out


def _decoders(header: str, cap: int) -> list[_Inflater]:
    names = [e.strip().lower() for e in header.split(",") if e.strip()]
    inflaters = []
    for name in names:
        if name in ("gzip", "x-gzip"):
            inflaters.append(_Inflater("gzip", cap))
        elif name == "deflate":
            inflaters.append(_Inflater("deflate", cap))
        elif name != "identity":
            raise FetchError(f"unsupported content encoding {name[:20]!r}")
    return inflaters[::-1]  # the last encoding applied is undone first


async def _read_capped(response: httpx.Response, cap: int) -> bytes:
    length = response.headers.get("content-length", "")
    if length.isdigit() and int(length) > cap:
        raise FetchError(f"response larger than {_megabytes(cap)} (byte cap)")
    inflaters = _decoders(response.headers.get("content-encoding", ""), cap)
    parts: list[bytes] = []
    raw = size = 0
    async for chunk in response.aiter_raw():
        raw += len(chunk)
        if raw > cap:
            raise FetchError(f"response larger than {_megabytes(cap)} (byte cap)")
        pieces = [chunk]
        for inflater in inflaters:
            pieces = [out for piece in pieces for out in inflater.feed(piece)]
        for piece in pieces:
            size += len(piece)
            if size > cap:
                raise FetchError(f"response larger than {_megabytes(cap)} (byte cap)")
            parts.append(piece)
    return b"".join(parts)


def _connect_message(exc: httpx.ConnectError) -> str:
    cause: BaseException | None = exc
    while cause is not None:
        if isinstance(cause, ConnectionRefusedError) or (
            isinstance(cause, OSError) and cause.errno == errno.ECONNREFUSED
        ):
            return "connection refused"
        cause = cause.__cause__ or cause.__context__
    text = str(exc).lower()
    if "refused" in text:
        return "connection refused"
    if "name" in text and ("resolution" in text or "not known" in text or "resolve" in text):
        return "host name not found"
    if "certificate" in text or "ssl" in text:
        return "TLS error: certificate not accepted"
    return f"cannot connect ({str(exc)[:80] or type(exc).__name__})"


def _http_error_message(exc: httpx.HTTPError, fetch: Fetch) -> str:
    if isinstance(exc, httpx.TooManyRedirects):
        return f"too many redirects (more than {fetch.max_redirects})"
    if isinstance(exc, httpx.ConnectError):
        return _connect_message(exc)
    if isinstance(exc, httpx.TimeoutException):
        return f"timed out ({type(exc).__name__})"
    if isinstance(exc, httpx.RemoteProtocolError):
        return "server broke the HTTP protocol or closed the connection early"
    if isinstance(exc, httpx.ReadError | httpx.WriteError):
        return "connection reset while reading"
    if isinstance(exc, httpx.UnsupportedProtocol | httpx.InvalidURL):
        return "redirected to an unsupported or invalid URL"
    if isinstance(exc, httpx.DecodingError):
        return "body could not be decoded"
    return f"HTTP failure ({type(exc).__name__})"


async def retrieve(
    source: Source,
    *,
    client: httpx.AsyncClient,
    fetch: Fetch,
    etag: str | None = None,
    last_modified: str | None = None,
) -> Retrieved:
    """Fetch one source within `fetch.deadline` (connection to last byte, retries included).

    Sends If-None-Match / If-Modified-Since when validators are given. Raises FetchError
    for every failure and Postponed for 429/503 (honouring Retry-After).
    """
    return await retrieve_url(source.url, client=client, fetch=fetch, etag=etag,
                              last_modified=last_modified, gdelt=source.kind == "gdelt")


async def retrieve_url(
    url: str,
    *,
    client: httpx.AsyncClient,
    fetch: Fetch,
    etag: str | None = None,
    last_modified: str | None = None,
    gdelt: bool = False,
    deadline: float | None = None,
    max_bytes: int | None = None,
    accept: str | None = None,
) -> Retrieved:
    """`retrieve` for any URL (article pages, robots.txt): the same deadline, cap and
    errors; `deadline`, `max_bytes` and `accept` override the fetch settings."""
    deadline = fetch.deadline if deadline is None else deadline
    if max_bytes is not None:
        fetch = fetch.model_copy(update={"max_bytes": max_bytes})
    headers = {"Accept": accept} if accept else {}
    if etag:
        headers["If-None-Match"] = etag
    if last_modified:
        headers["If-Modified-Since"] = last_modified
    try:
        async with asyncio.timeout(deadline):
            async with client.stream("GET", url, headers=headers) as response:
                return await _answer(gdelt, response, fetch, etag, last_modified)
    except TimeoutError:
        raise FetchError(f"timed out after {deadline:g} s (deadline)") from None
    except httpx.HTTPError as exc:
        raise FetchError(_http_error_message(exc, fetch)) from None
    except zlib.error:
        raise FetchError("compressed body is corrupt") from None


async def _answer(
    gdelt: bool,
    response: httpx.Response,
    fetch: Fetch,
    etag: str | None,
    last_modified: str | None,
) -> Retrieved:
    status = response.status_code
    new_etag = response.headers.get("etag")
    new_modified = response.headers.get("last-modified")
    if status == 304:
        # read the (empty) rest of the answer: a response closed unread closes its
        # connection, and the next source on the same host would connect again
        await response.aread()
        return NotModified(etag=new_etag or etag, last_modified=new_modified or last_modified)
    reason = response.reason_phrase or ""
    if status in (429, 503):
        until = retry_after(response.headers.get("retry-after"), utc_now())
        raise Postponed(until, f"HTTP {status} {reason}; retry after {until:%Y-%m-%d %H:%M} UTC")
    if not 200 <= status < 300:
        raise FetchError(f"HTTP {status} {reason}".strip())
    body = await _read_capped(response, fetch.max_bytes)
    if not body.strip():
        raise FetchError("empty response")
    if gdelt:
        # GDELT answers some query errors as plain text with status 200
        problem = gdelt_text_error(body)
        if problem:
            raise FetchError(problem)
    return Fetched(
        body=body,
        content_type=response.headers.get("content-type", ""),
        etag=new_etag,
        last_modified=new_modified,
        url=str(response.url),
    )
