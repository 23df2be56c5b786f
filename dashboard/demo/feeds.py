"""The demo's documents: its sample items as RSS 2.0, Atom, JSON Feed 1.1, a GDELT DOC 2.0
article list and article pages.

Documents are built here with the standard library; all parsing is left to the
product's ordinary parsers, which read them back as they read real feeds.
"""

from __future__ import annotations

import html
import json
import xml.etree.ElementTree as ET
from collections.abc import Callable, Sequence
from datetime import datetime
from email.utils import format_datetime

from dashboard.demo.sources import SAMPLE_NOTICE, DemoItem, DemoSource

ATOM_NS = "http://www.w3.org/2005/Atom"
JSONFEED_VERSION = "https://jsonfeed.org/version/1.1"
GDELT_SEENDATE = "%Y%m%dT%H%M%SZ"

Released = Sequence[tuple[DemoItem, datetime]]  # newest first


def _guid(source: DemoSource, item: DemoItem) -> str:
    return f"flashpoint-demo:{source.id}:{item.slug}"


def _xml(root: ET.Element) -> bytes:
    return ET.tostring(root, encoding="utf-8", xml_declaration=True)


def render_rss(source: DemoSource, released: Released, base: str, updated: datetime) -> bytes:
    """An RSS 2.0 document; descriptions are HTML paragraphs, as real feeds send them."""
    rss = ET.Element("rss", version="2.0")
    channel = ET.SubElement(rss, "channel")
    ET.SubElement(channel, "title").text = source.name
    ET.SubElement(channel, "link").text = f"{base}/"
    ET.SubElement(channel, "description").text = f"{source.description} {SAMPLE_NOTICE}"
    ET.SubElement(channel, "lastBuildDate").text = format_datetime(updated)
    for item, when in released:
        entry = ET.SubElement(channel, "item")
        ET.SubElement(entry, "title").text = item.title
        ET.SubElement(entry, "link").text = f"{base}/articles/{item.slug}"
        ET.SubElement(entry, "guid", isPermaLink="false").text = _guid(source, item)
        ET.SubElement(entry, "pubDate").text = format_datetime(when)
        ET.SubElement(entry, "description").text = "".join(
            f"<p>{html.escape(p)}</p>" for p in item.feed_paragraphs
        )
    return _xml(rss)


def render_atom(source: DemoSource, released: Released, base: str, updated: datetime) -> bytes:
    """An Atom 1.0 document with plain-text summaries."""
    feed = ET.Element("feed", xmlns=ATOM_NS)
    ET.SubElement(feed, "id").text = f"urn:flashpoint-demo:{source.id}"
    ET.SubElement(feed, "title").text = source.name
    ET.SubElement(feed, "subtitle").text = f"{source.description} {SAMPLE_NOTICE}"
    ET.SubElement(feed, "updated").text = updated.isoformat()
    ET.SubElement(feed, "link", rel="self", href=f"{base}{source.path}")
    ET.SubElement(ET.SubElement(feed, "author"), "name").text = source.name
    for item, when in released:
        entry = ET.SubElement(feed, "entry")
        ET.SubElement(entry, "id").text = _guid(source, item)
        ET.SubElement(entry, "title", type="text").text = item.title
        ET.SubElement(entry, "link", rel="alternate", href=f"{base}/articles/{item.slug}")
        ET.SubElement(entry, "published").text = when.isoformat()
        ET.SubElement(entry, "updated").text = when.isoformat()
        ET.SubElement(entry, "summary", type="text").text = "\n\n".join(item.feed_paragraphs)
    return _xml(feed)


def render_json_feed(source: DemoSource, released: Released, base: str,
                     updated: datetime) -> bytes:
    """A JSON Feed 1.1 document with `content_text` bodies."""
    feed = {
        "version": JSONFEED_VERSION,
        "title": source.name,
        "home_page_url": f"{base}/",
        "feed_url": f"{base}{source.path}",
        "description": f"{source.description} {SAMPLE_NOTICE}",
        "authors": [{"name": source.name}],
        "items": [
            {
                "id": _guid(source, item),
                "url": f"{base}/articles/{item.slug}",
                "title": item.title,
                "content_text": "\n\n".join(item.feed_paragraphs),
                "date_published": when.isoformat(),
            }
            for item, when in released
        ],
    }
    return json.dumps(feed, indent=1, ensure_ascii=False).encode("utf-8")


def render_gdelt(source: DemoSource, released: Released, base: str, updated: datetime) -> bytes:
    """A GDELT DOC 2.0 `mode=artlist&format=json` answer: titles only, as GDELT gives."""
    articles = [
        {
            "url": f"{base}/articles/{item.slug}",
            "url_mobile": "",
            "title": item.title,
            "seendate": when.strftime(GDELT_SEENDATE),
            "socialimage": "",
            "domain": item.domain or "sample.invalid",
            "language": "English",
            "sourcecountry": item.country,
        }
        for item, when in released
    ]
    return json.dumps({"articles": articles}, indent=1, ensure_ascii=False).encode("utf-8")


RENDERERS: dict[str, Callable[[DemoSource, Released, str, datetime], bytes]] = {
    "rss": render_rss,
    "atom": render_atom,
    "jsonfeed": render_json_feed,
    "gdelt": render_gdelt,
}


def render_article(source: DemoSource, item: DemoItem, when: datetime) -> bytes:
    """The small HTML page an item's link points to, marked as sample data."""
    paragraphs = "".join(f"<p>{html.escape(p)}</p>\n" for p in item.paragraphs)
    page = (
        "<!doctype html>\n<html lang=\"en\"><head><meta charset=\"utf-8\">"
        f"<title>{html.escape(item.title)}</title></head><body>\n"
        f"<p><strong>{html.escape(SAMPLE_NOTICE)}</strong></p>\n"
        f"<h1>{html.escape(item.title)}</h1>\n"
        f"<p><em>{html.escape(source.name)}, {html.escape(format_datetime(when))}</em></p>\n"
        f"{paragraphs}</body></html>\n"
    )
    return page.encode("utf-8")


def index_page(sources: Sequence[DemoSource]) -> bytes:
    links = "".join(
        f"<li><a href=\"{html.escape(s.path)}\">{html.escape(s.name)}</a></li>" for s in sources
    )
    return (
        "<!doctype html>\n<html lang=\"en\"><head><meta charset=\"utf-8\">"
        "<title>Flashpoint demo</title></head><body>"
        f"<p><strong>{html.escape(SAMPLE_NOTICE)}</strong></p><ul>{links}</ul></body></html>\n"
    ).encode()

