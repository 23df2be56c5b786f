"""canonical_url and item_id: the same item keeps one id; different items do not share one."""

from __future__ import annotations

import hashlib
from datetime import UTC, datetime

import pytest

from dashboard.fetching import canonical_url, item_id
from dashboard.models import ParsedItem


def parsed(title="T", summary="S", link=None, guid=None, published=None) -> ParsedItem:
    return ParsedItem(title=title, summary=summary, link=link, guid=guid, published=published)


@pytest.mark.parametrize(("url", "canonical"), [
    ("HTTPS://Example.ORG/Path?b=2&a=1#top", "https://example.org/Path?a=1&b=2"),
    ("https://example.org/a?utm_source=x&utm_Medium=y&id=3&fbclid=z&gclid=q",
     "https://example.org/a?id=3"),
    ("http://example.org:80/", "http://example.org/"),
    ("https://example.org:8443/x", "https://example.org:8443/x"),
    ("https://example.org", "https://example.org/"),
    ("https://example.org/a?q=a%20b&empty=", "https://example.org/a?empty=&q=a+b"),
    ("http://[::1]:8080/x", "http://[::1]:8080/x"),
])
def test_canonical_url(url, canonical):
    assert canonical_url(url) == canonical


def test_canonical_url_is_idempotent():
    once = canonical_url("HTTP://Example.org/x?utm_campaign=c&z=1&a=2#f")
    assert canonical_url(once) == once


def test_id_is_short_hex_and_stable():
    item = parsed(guid="urn:1")
    first = item_id(item, "src")
    assert first == item_id(parsed(guid="urn:1", title="edited"), "src")
    # stored items keep their ids across versions, so the digest must not drift: 32 lowercase
    # hex digits of BLAKE2b over the NUL-separated kind, source and GUID
    assert first == hashlib.blake2b(b"guid\x00src\x00urn:1\x00", digest_size=16).hexdigest()
    assert first == item_id(parsed(guid="  urn:1 "), "src")  # surrounding spaces are not the GUID
    assert first != item_id(parsed(guid="urn:2"), "src")


def test_guid_is_namespaced_by_source():
    assert item_id(parsed(guid="1"), "a") != item_id(parsed(guid="1"), "b")


def test_guid_wins_over_link():
    with_guid = parsed(guid="g", link="https://example.org/1")
    assert item_id(with_guid, "s") != item_id(parsed(link="https://example.org/1"), "s")
    assert item_id(with_guid, "s") == item_id(parsed(guid="g", link="https://other/"), "s")


def test_link_id_ignores_tracking_and_source():
    a = parsed(link="https://example.org/story?utm_source=rss#comments", title="one")
    b = parsed(link="HTTPS://EXAMPLE.org/story", title="two")
    assert item_id(a, "feed-1") == item_id(b, "feed-2")  # the same article from two feeds


def test_content_hash_when_nothing_else():
    when = datetime(2025, 1, 1, tzinfo=UTC)
    assert item_id(parsed("t", "s"), "x") == item_id(parsed("t", "s", published=when), "x")
    assert item_id(parsed("t", "s"), "x") != item_id(parsed("t", "s2"), "x")
    assert item_id(parsed("ab", "c"), "x") != item_id(parsed("a", "bc"), "x")


def test_blank_guid_falls_back_to_link():
    assert item_id(parsed(guid="  ", link="https://e.org/"), "s") == item_id(
        parsed(link="https://e.org/"), "s")
