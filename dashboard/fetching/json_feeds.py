"""JSON Feed (https://jsonfeed.org/version/1.1) and GDELT DOC 2.0 (`mode=artlist&format=json`)
bodies -> `ParsedItem`s, read with orjson."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import Any

import orjson

from dashboard.fetching.dates import gdelt_date, iso_date
from dashboard.fetching.parsed import (
    MAX_ITEMS,
    ParsedFeed,
    ParseError,
    looks_like_json,
    make_item,
    short,
)
from dashboard.models import ParsedItem
from dashboard.textclean import clean_text, strip_controls

JSONFEED_PREFIX = "https://jsonfeed.org/"


# --- JSON Feed (https://jsonfeed.org/version/1.1) --------------------------------------


def _load_json(body: bytes, what: str) -> Any:
    try:
        return orjson.loads(body.removeprefix(b"\xef\xbb\xbf"))
    except orjson.JSONDecodeError:
        raise ParseError(f"not a feed: invalid {what} JSON") from None


def _json_author(entry: Mapping[str, Any]) -> object:
    authors = entry.get("authors")
    author = authors[0] if isinstance(authors, list) and authors else entry.get("author")
    return author.get("name") if isinstance(author, dict) else None


def parse_json_feed(body: bytes) -> list[ParsedItem]:
    """A JSON Feed's items (at most MAX_ITEMS), or ParseError."""
    feed = _load_json(body, "JSON Feed")
    version = feed.get("version") if isinstance(feed, dict) else None
    if not (isinstance(version, str) and version.startswith(JSONFEED_PREFIX)):
        raise ParseError("not a feed: JSON without a JSON Feed version")
    entries = feed.get("items")
    entries = entries if isinstance(entries, list) else []
    items = list(_json_feed_items(entries[:MAX_ITEMS]))
    return ParsedFeed(items, len(items) + max(0, len(entries) - MAX_ITEMS))


def _json_feed_items(entries: Iterable[object]) -> Iterable[ParsedItem]:
    for entry in entries:
        if not isinstance(entry, dict):
            continue
        title = entry.get("title")
        summary = entry.get("summary") or entry.get("content_html")
        text = entry.get("content_text")
        item = make_item(
            title=clean_text(title) if isinstance(title, str) else "",
            summary=clean_text(summary) if isinstance(summary, str) else (
                strip_controls(text) if isinstance(text, str) else ""),
            link=entry.get("url") or entry.get("external_url"),
            guid=str(entry["id"]) if entry.get("id") is not None else None,
            published=iso_date(entry.get("date_published") or entry.get("date_modified")),
            author=_json_author(entry),
        )
        if item is not None:
            yield item


# --- GDELT DOC 2.0 (mode=artlist&format=json) ------------------------------------------


def gdelt_text_error(body: bytes) -> str | None:
    """GDELT's plain-text error (it answers some errors with status 200), else None."""
    if looks_like_json(body):
        return None
    text = clean_text(body[:400].decode("utf-8", "replace")) or "empty answer"
    return f"GDELT: {text[:160]}"


def parse_gdelt(body: bytes) -> list[ParsedItem]:
    """A GDELT DOC artlist answer's articles (at most MAX_ITEMS), or ParseError."""
    error = gdelt_text_error(body)
    if error:
        raise ParseError(error)
    data = _load_json(body, "GDELT")
    articles = data.get("articles", []) if isinstance(data, dict) else None
    if not isinstance(articles, list):
        raise ParseError("not a GDELT answer: no article list")
    items = []
    for article in articles[:MAX_ITEMS]:
        if not isinstance(article, dict):
            continue
        url = article.get("url")
        title = article.get("title")
        domain = short(article.get("domain"))
        item = make_item(
            title=strip_controls(title) if isinstance(title, str) else "",
            summary="",
            link=url,
            guid=None,  # GDELT has no ids; the canonical URL identifies the article
            published=gdelt_date(article.get("seendate")),
            author=domain,  # the publishing site: the nearest thing GDELT has to a byline
        )
        if item is not None:
            items.append(item)
    return ParsedFeed(items, len(items) + max(0, len(articles) - MAX_ITEMS))
