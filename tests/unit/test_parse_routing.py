"""Which parser reads a document, and that both agree where fastfeedparser is used.

parse_feed hands well-formed UTF-8 RSS 2.0 to fastfeedparser and everything else to
feedparser (see dashboard/fetching/parse.py). Item ids derive from GUID and link, so on
the documents fastfeedparser reads the two parsers must give the same items, or a feed
that switches parser between rounds would store its items twice.
"""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from dashboard.fetching import ParseError, item_id, parse_feed
from dashboard.fetching.parse import _fast_path_suits, _feedparser_items
from dashboard.fetching.xmlscan import XmlScan
from support.farm import Farm
from tests.conftest import shared_path


def rss(items: str, *, head: str = '<?xml version="1.0" encoding="utf-8"?>') -> bytes:
    return (f'{head}<rss version="2.0" xmlns:content="http://purl.org/rss/1.0/modules/content/">'
            f"<channel><title>c</title><link>http://example.org/</link>{items}</channel></rss>"
            ).encode()


PLAIN = "<item><title>One</title><link>http://example.org/1</link></item>"


@pytest.fixture(scope="module")
def farm_feeds() -> list[bytes]:
    with Farm(feeds=3, items=20) as farm:
        return [farm.document(n)[0] for n in range(farm.feeds)]


def test_farm_feeds_take_the_fast_path_and_match_feedparser(farm_feeds):
    for body in farm_feeds:
        assert _fast_path_suits(body, "application/rss+xml; charset=utf-8")
        fast = parse_feed(body, kind="rss", content_type="application/rss+xml")
        slow = _feedparser_items(body, "application/rss+xml")
        assert len(fast) == 20
        assert fast == slow
        assert [item_id(i, "s") for i in fast] == [item_id(i, "s") for i in slow]


@pytest.mark.parametrize(("body", "content_type"), [
    (b'<feed xmlns="http://www.w3.org/2005/Atom"><title>F</title><entry><title>a</title>'
     b"</entry></feed>", ""),
    (b'<?xml version="1.0"?><!DOCTYPE rss [<!ENTITY x "y">]>' + rss(PLAIN, head=""), ""),
    (rss(PLAIN), "application/rss+xml; charset=windows-1251"),
    (rss(PLAIN, head='<?xml version="1.0" encoding="iso-8859-1"?>'), ""),
    (rss("<item><title>Q&A</title><link>http://example.org/?a=1&b=2</link></item>"), ""),
    (rss(PLAIN).replace(b"One", b"On\xe9"), ""),  # not UTF-8
    (b'<rdf:RDF xmlns:rdf="http://www.w3.org/1999/02/22-rdf-syntax-ns#" '
     b'xmlns="http://purl.org/rss/1.0/"><item rdf:about="http://e.org/1"><title>t</title>'
     b"</item></rdf:RDF>", ""),
], ids=["atom", "doctype", "http-charset", "declared-latin1", "bare-ampersand", "bad-utf8",
        "rss1"])
def test_documents_fastfeedparser_reads_worse_go_to_feedparser(body, content_type):
    assert not _fast_path_suits(body, content_type)
    assert parse_feed(body, kind="rss", content_type=content_type)  # still items


def test_bare_ampersand_in_a_link_survives():
    [item] = parse_feed(rss("<item><title>Q</title><link>http://example.org/?a=1&b=2</link>"
                            "</item>"), kind="rss")
    assert item.link == "http://example.org/?a=1&b=2"


def test_items_without_guid_keep_no_guid_like_feedparser():
    body = rss(PLAIN + "<item><title>Two</title><link>http://example.org/2</link></item>")
    assert _fast_path_suits(body, "")
    items = parse_feed(body, kind="rss")
    assert [i.guid for i in items] == [None, None]
    assert items == _feedparser_items(body, "")


def test_some_items_with_guid_are_left_to_feedparser():
    body = rss("<item><title>One</title><guid>urn:1</guid></item>"
               "<item><title>Two</title><link>http://example.org/2</link></item>")
    first, second = parse_feed(body, kind="rss")
    assert (first.guid, second.guid) == ("urn:1", None)


def test_content_encoded_only_item_keeps_its_whole_text():
    long = "word " * 400
    body = rss(f"<item><title>T</title><guid>g</guid><content:encoded><![CDATA[<p>{long}</p>]]>"
               "</content:encoded></item><item><title>U</title><guid>h</guid>"
               "<description>short &lt;b&gt;one&lt;/b&gt;</description></item>")
    first, second = parse_feed(body, kind="rss")
    assert first.summary == long.strip()  # not fastfeedparser's 512-character excerpt
    assert second.summary == "short one"


def test_html_in_rss_title_is_reduced_like_feedparser_does():
    body = rss("<item><title>A &lt;b&gt;bold&lt;/b&gt; move</title><guid>1</guid></item>"
               "<item><title>x &lt; y</title><guid>2</guid></item>")
    assert [i.title for i in parse_feed(body, kind="rss")] == ["A bold move", "x < y"]
    assert parse_feed(body, kind="rss") == _feedparser_items(body, "")


def test_fast_path_strips_controls_and_unsafe_links():
    body = rss("<item><title>two\x1b]0;pwn\x07 \u202eevil</title><guid>1</guid>"
               "<link>javascript:alert(1)</link><description>ok</description></item>")
    [item] = parse_feed(body, kind="rss")
    assert item.title == "two evil"  # the whole OSC sequence goes
    assert item.link is None


def test_no_date_is_guessed_from_a_guid():
    # fastfeedparser would read the GUID "1" as the first of this month
    body = rss("<item><title>A</title><guid>1</guid></item>"
               "<item><title>B</title><guid>2024-05-01</guid></item>")
    assert [i.published for i in parse_feed(body, kind="rss")] == [None, None]


def test_dates_of_some_items_only_are_left_to_feedparser():
    body = rss("<item><title>A</title><guid>1</guid><pubDate>Mon, 01 Jan 2024 10:00:00 GMT"
               "</pubDate></item><item><title>B</title><guid>2</guid></item>")
    first, second = parse_feed(body, kind="rss")
    assert first.published == datetime(2024, 1, 1, 10, tzinfo=UTC)
    assert second.published is None


def _entities(*declarations: str) -> bytes:
    return (b'<?xml version="1.0"?><!DOCTYPE rss [' + "".join(declarations).encode() + b"]>"
            + rss("<item><title>&top; news</title><link>http://example.org/1</link></item>",
                  head=""))


def test_entities_built_from_entities_are_refused_unexpanded():
    # two levels are enough to refuse: nesting is what lets 1 KB expand to gigabytes
    body = _entities('<!ENTITY low "ha">', '<!ENTITY top "&low;&low;">')
    scan = XmlScan(body)
    assert scan.nested_entities and scan.well_formed
    with pytest.raises(ParseError, match=r"^not a feed: .*entities built from other entities"):
        parse_feed(body, kind="rss")


def test_an_entity_with_plain_text_or_character_references_still_parses():
    body = _entities('<!ENTITY top "EU &#38; Kosovo">')  # char refs are no entity nesting
    assert not XmlScan(body).nested_entities
    [item] = parse_feed(body, kind="rss")
    assert item.title.endswith("news")


def test_no_document_of_the_feedparser_corpus_declares_nested_entities():
    corpus = shared_path("corpora", "feedparser-tests")
    files = [p for p in corpus.rglob("*") if p.is_file()]
    assert len(files) > 2000
    assert not [p.name for p in files if XmlScan(p.read_bytes()).nested_entities]
