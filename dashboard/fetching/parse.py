"""Feed bytes -> `ParsedItem`s: RSS 0.9x/1.0/2.0, Atom, JSON Feed and GDELT DOC 2.0 JSON.

RSS goes to fastfeedparser first (lxml without entity expansion or network, ~30x faster
than feedparser on realistic feeds, see bench/parsers.py) and falls back to feedparser,
which never raised on feedparser's 2,242-document corpus and recovers entries from more
odd documents: when fastfeedparser raises, finds no items, or meets a document it reads
worse (Atom, whose per-field text/html types it drops; a DOCTYPE, whose entities only
feedparser handles as we want; a feed where only some items have a GUID, where it would
invent ids that feedparser leaves empty). Both are handed bytes, never a str they could
treat as a path or URL, and never fetch anything. JSON Feed and GDELT answers are read
with orjson in `json_feeds`; what every parser yields is in `parsed`.
All text is cleaned with `dashboard.textclean`; links keep only http(s).

This module is CPU-bound and may meet hostile input: it runs in a `pipeline.WorkerPool`.
"""

from __future__ import annotations

import contextlib
import io
import re
import warnings
from collections.abc import Mapping
from datetime import UTC, datetime
from typing import Any

from dashboard.fetching.dates import (
    iso_date,
    no_loose_dates,
    strict_fastfeedparser,
    struct_to_utc,
)
from dashboard.fetching.json_feeds import parse_gdelt, parse_json_feed
from dashboard.fetching.parsed import (
    MAX_ITEMS,
    ParsedFeed,
    ParseError,
    looks_like_json,
    make_item,
)
from dashboard.fetching.xmlscan import XmlScan
from dashboard.models import ParsedItem
from dashboard.textclean import clean_text, strip_controls

# A date before EARLIEST (no news feed is older than the Unix epoch; year 1 is a
# placeholder) or in datetime's last year (9999: "never") is a placeholder, not a date;
# its item gets none (the fetch time then stands in for it, see `Item.when`). Any other
# date after the item was fetched is clamped where items are made
# (`dates.not_after_seen`, in `pipeline.workers`), which knows when it was first seen.
EARLIEST = datetime(1970, 1, 1, tzinfo=UTC)
LATEST = datetime(9999, 1, 1, tzinfo=UTC)
_SAX_LOCATION = re.compile(r"^<unknown>:(\d+):(\d+): (.+)$")
# Routing only (the parsers do the parsing): documents that go straight to feedparser.
_DECLARATIONS = re.compile(rb"<!(?:DOCTYPE|ENTITY)", re.IGNORECASE)
_GUID_TAG = re.compile(rb"<guid[\s>/]")
_DATE_TAG = re.compile(rb"<(?:[\w.-]+:)?(?:pubDate|date|updated|published|modified)[\s>/]")
_CHARSET = re.compile(r"charset=[\"']?([\w.:-]+)", re.IGNORECASE)
_LEAN = {"include_content": False, "include_tags": False, "include_media": False,
         "include_enclosures": False}
_UTF8 = frozenset({"utf-8", "utf8", "us-ascii", "ascii"})
# feedparser's own test for RSS text that is really HTML: a closing tag or an entity
_HTMLISH = re.compile(r"</\w+>|&#?\w+;")


def parse_feed(body: bytes, *, kind: str, content_type: str = "") -> ParsedFeed:
    """Parse a response body into items (cleaned, plain text), or raise ParseError.

    `kind` is the source kind ("rss" covers RSS, Atom and JSON Feed; "gdelt" a DOC 2.0
    `artlist` JSON answer). A feed with stray illegal characters keeps the items the
    parser recovered; only a body with no items that is not recognisably a feed fails.
    Items dated before 1970 or in the year 9999 lose their date; others are kept as the
    feed gives them, even ahead of the clock.
    At most MAX_ITEMS items are read, the feed's first (`ParsedFeed.truncated` says how
    many not).
    """
    if not body.strip():
        raise ParseError("empty response")
    if kind == "gdelt":
        items = parse_gdelt(body)
    elif looks_like_json(body):
        items = parse_json_feed(body)
    else:
        items = _parse_xml_feed(body, content_type)
    listed = items.listed if isinstance(items, ParsedFeed) else len(items)
    return ParsedFeed(map(_undate_placeholder, items), listed)


def _undate_placeholder(item: ParsedItem) -> ParsedItem:
    if item.published and not EARLIEST <= item.published < LATEST:
        return ParsedItem(item.title, item.summary, item.link, item.guid, None, item.author)
    return item


# --- RSS (fastfeedparser first) --------------------------------------------------------


def _parse_xml_feed(body: bytes, content_type: str) -> list[ParsedItem]:
    scan = XmlScan(body)
    if scan.truncated_at is not None:
        # the parsers would keep the items before the cut (the last one half read) and
        # call it a success: a cut document is an error, and the next round retries it
        raise ParseError(f"truncated feed: the document stops before its end "
                         f"(line {scan.truncated_at})")
    if scan.nested_entities:
        # no feed needs entities made of entities; what does is an expansion attack, and
        # refusing it (as defusedxml refuses entity declarations) costs one expat scan
        raise ParseError("not a feed: it declares XML entities built from other entities "
                         "(an entity-expansion attack), refused unread")
    # a feed listing more than MAX_ITEMS is read by fastfeedparser whatever its kind:
    # feedparser would turn every item into Python objects first (100k Atom entries: 30 s)
    bulk = scan.well_formed and scan.items > MAX_ITEMS
    items = _fast_items(body, content_type, scan, bulk=bulk)
    return items if items else _feedparser_items(body, content_type)


def _fast_items(body: bytes, content_type: str, scan: XmlScan,
                *, bulk: bool = False) -> ParsedFeed | None:
    """Items by fastfeedparser, or None where feedparser should read the document."""
    if not (bulk or _fast_path_suits(body, content_type, scan)):
        return None
    import fastfeedparser  # here, not at the top: the fetching process never parses

    strict_fastfeedparser()  # its date fallback would invent what a date leaves out

    try:
        # without content, `description` is the item's own (with it, a missing one is
        # made up from the first 512 characters of the content); a bulk feed is read once
        with no_loose_dates() if bulk else contextlib.nullcontext():
            entries = fastfeedparser.parse(body, **_LEAN).entries
        if not bulk and not all(e.get("description") for e in entries):
            bodies = [_first_content(e) for e in fastfeedparser.parse(body).entries]
            if len(bodies) != len(entries):
                return None
            for entry, content in zip(entries, bodies, strict=True):
                entry["description"] = entry.get("description") or content
    except Exception:  # any failure: feedparser reads it, and words the error
        return None
    # fastfeedparser gives a GUID-less RSS item its link as id and a dateless one a date
    # guessed from its GUID, where feedparser (and so every id and date already stored)
    # has none: trust them only when every item or none has the element, else let
    # feedparser decide. Counting tags (only to route) starts at the first item.
    listed = body[max(body.find(b"<item"), 0):]
    guids = len(_GUID_TAG.findall(listed))
    dates = len(_DATE_TAG.findall(listed))
    if not bulk and (0 < guids < len(entries) or 0 < dates < len(entries)):
        return None
    has_guid = guids > 0 or scan.root == "feed"  # an Atom entry's id is its GUID
    items = [_from_fast_entry(e, has_guid=has_guid, has_date=dates > 0)
             for e in entries[:MAX_ITEMS]]
    kept = [i for i in items if i is not None]
    return ParsedFeed(kept, len(entries) - len(items) + len(kept)) if kept else None


def _first_content(entry: Mapping[str, Any]) -> str:
    for block in entry.get("content") or ():
        value = block.get("value") if isinstance(block, dict) else None
        if isinstance(value, str) and value.strip():
            return value
    return ""


def _fast_path_suits(body: bytes, content_type: str, scan: XmlScan | None = None) -> bool:
    """True for a well-formed UTF-8 RSS 2.0 document without a DOCTYPE.

    Everything else goes to feedparser: Atom (fastfeedparser drops the per-field
    text/html type), RSS 1.0, declared entities (only feedparser handles them as we
    want), another charset (feedparser honours the HTTP charset over the document's, as
    RFC 3023 says) and broken XML (feedparser's loose parser recovers more, such as bare
    ampersands in links). `scan` (one expat pass) answers well-formedness and the root.
    """
    if _DECLARATIONS.search(body):
        return False
    charset = _CHARSET.search(content_type)
    if charset and charset.group(1).lower() not in _UTF8:
        return False
    scan = scan or XmlScan(body)
    encoding = scan.encoding
    return scan.well_formed and scan.root == "rss" and (
        encoding is None or encoding.lower() in _UTF8)


def _rss_text(value: object) -> str:
    """An RSS title as plain text: HTML when it looks like HTML, as feedparser decides."""
    if not isinstance(value, str) or not value:
        return ""
    return clean_text(value) if _HTMLISH.search(value) else strip_controls(value)


def _from_fast_entry(
    entry: Mapping[str, Any], *, has_guid: bool, has_date: bool
) -> ParsedItem | None:
    title = _rss_text(entry.get("title"))
    summary = entry.get("description")
    summary = clean_text(summary) if isinstance(summary, str) else ""  # RSS: HTML
    guid = entry.get("id") if has_guid else None
    if not (title or summary) and entry.get("link") == guid:
        return None  # a bare GUID that fastfeedparser also took for the link
    return make_item(
        title=title,
        summary=summary,
        link=entry.get("link"),
        guid=guid,
        published=iso_date(entry.get("published")) if has_date else None,
        author=entry.get("author"),
    )


# --- RSS and Atom (feedparser) ---------------------------------------------------------


def _feedparser_items(body: bytes, content_type: str) -> list[ParsedItem]:
    import feedparser  # only for the documents fastfeedparser does not read (slow import)

    headers = {"content-type": content_type} if content_type else {}
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # feedparser warns about odd encodings; bozo says it
        parsed = feedparser.parse(
            io.BytesIO(body),
            response_headers=headers,
            resolve_relative_uris=False,  # links are kept as given; nothing is resolved
            sanitize_html=False,  # we keep no HTML at all: textclean reduces it to text
        )
        # inside the block too: reading a missing *_parsed key warns about a fallback
        items = [i for i in map(_from_entry, parsed.entries) if i is not None]
    if items or parsed.get("version"):
        return items
    raise ParseError(_not_a_feed(body, content_type, parsed))


def _not_a_feed(body: bytes, content_type: str, parsed: Mapping[str, Any]) -> str:
    head = body.lstrip()[:256].lower()
    if "html" in content_type.lower() and "xml" not in content_type.lower():
        return "not a feed: got text/html page"
    if head.startswith((b"<!doctype html", b"<html")):
        return "not a feed: got an HTML page"
    problem = parsed.get("bozo_exception")
    if problem is not None:
        text = strip_controls(str(problem))
        where = _SAX_LOCATION.match(text)  # expat says "<unknown>:7:0: no element found"
        if where:
            text = f"{where.group(3)} (line {where.group(1)})"
        return f"not a feed: {text[:120]}"
    return "not a feed: no RSS, Atom or JSON Feed structure found"


def _detail_text(entry: Mapping[str, Any], key: str) -> str:
    """An entry field as plain text: HTML only where the feed says the field is HTML."""
    value = entry.get(key)
    if not isinstance(value, str) or not value:
        return ""
    detail = entry.get(f"{key}_detail") or {}
    if "html" in str(detail.get("type", "text/html")):
        return clean_text(value)
    return strip_controls(value)


def _content_text(entry: Mapping[str, Any]) -> str:
    for block in entry.get("content") or ():
        value = block.get("value")
        if isinstance(value, str) and value.strip():
            return clean_text(value) if "html" in str(block.get("type", "html")) else (
                strip_controls(value))
    return ""


def _from_entry(entry: Mapping[str, Any]) -> ParsedItem | None:
    published = None
    for key in ("published_parsed", "updated_parsed", "created_parsed"):
        published = struct_to_utc(entry.get(key))
        if published:
            break
    return make_item(
        title=_detail_text(entry, "title"),
        summary=_detail_text(entry, "summary") or _content_text(entry),
        link=entry.get("link"),
        guid=entry.get("id"),
        published=published,
        author=entry.get("author"),
    )
