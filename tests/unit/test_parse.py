"""parse_feed on each format it reads, and the text cleaning it applies (dashboard.textclean)."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import orjson
import pytest

from dashboard.fetching import ParseError, parse_feed
from dashboard.textclean import clean_text, safe_link, strip_controls

NOW = datetime(2025, 6, 1, 12, tzinfo=UTC)


def rss(items: str, version: str = "2.0") -> bytes:
    return (f'<?xml version="1.0" encoding="utf-8"?><rss version="{version}"><channel>'
            f"<title>T</title>{items}</channel></rss>").encode()


# --- RSS, Atom, JSON Feed, GDELT ------------------------------------------------------------


def test_rss2_item_fields():
    body = rss("<item><title>A &amp; B</title><link>https://example.org/a</link>"
               "<guid>id-1</guid><author>ed@example.org (Ed)</author>"
               "<pubDate>Sat, 31 May 2025 22:30:00 +0200</pubDate>"
               "<description>&lt;p&gt;One&lt;br/&gt;two &amp;amp; three&lt;/p&gt;</description>"
               "</item>")
    [item] = parse_feed(body, kind="rss")
    assert item.title == "A & B"
    assert item.summary == "One two & three"
    assert (item.link, item.guid) == ("https://example.org/a", "id-1")
    assert item.published == datetime(2025, 5, 31, 20, 30, tzinfo=UTC)
    assert item.author and "ed@example.org" in item.author


def test_rss1_rdf():
    body = b"""<?xml version="1.0"?>
<rdf:RDF xmlns:rdf="http://www.w3.org/1999/02/22-rdf-syntax-ns#" xmlns="http://purl.org/rss/1.0/"
  xmlns:dc="http://purl.org/dc/elements/1.1/">
<channel rdf:about="http://example.org/"><title>T</title><link>http://example.org/</link></channel>
<item rdf:about="http://example.org/1"><title>RDF item</title><link>http://example.org/1</link>
<dc:date>2025-05-01T10:00:00Z</dc:date></item></rdf:RDF>"""
    [item] = parse_feed(body, kind="rss")
    assert (item.title, item.link) == ("RDF item", "http://example.org/1")
    assert item.published == datetime(2025, 5, 1, 10, tzinfo=UTC)


def test_rss091():
    [item] = parse_feed(rss("<item><title>Old</title><link>http://example.org/o</link></item>",
                            version="0.91"), kind="rss")
    assert item.title == "Old"


def test_atom_text_title_keeps_angle_brackets_and_html_content_is_text():
    body = b"""<feed xmlns="http://www.w3.org/2005/Atom"><title>F</title>
<entry><title type="text">x &lt; y &lt;b&gt;</title><id>tag:example.org,2025:1</id>
<link href="https://example.org/e"/><updated>2025-05-02T08:00:00+01:00</updated>
<content type="html">&lt;div&gt;Body &lt;script&gt;alert(1)&lt;/script&gt;text&lt;/div&gt;</content>
<author><name>Ana</name></author></entry></feed>"""
    [item] = parse_feed(body, kind="rss")
    assert item.title == "x < y <b>"  # plain text stays as written
    assert item.summary == "Body text"  # HTML reduced to its visible text
    assert item.guid == "tag:example.org,2025:1"
    assert item.published == datetime(2025, 5, 2, 7, tzinfo=UTC)
    assert item.author == "Ana"


def test_json_feed():
    body = orjson.dumps({
        "version": "https://jsonfeed.org/version/1.1", "title": "J",
        "items": [
            {"id": 7, "url": "https://example.org/j", "title": "<i>Hi</i>",
             "content_html": "<p>Para &amp; more</p>", "date_published": "2025-05-03T10:00:00Z",
             "authors": [{"name": "Jo"}]},
            {"id": "t", "content_text": "only text\x1b[2J"},
            "not an object",
        ],
    })
    first, second = parse_feed(body, kind="rss")
    assert (first.title, first.summary, first.guid, first.author) == (
        "Hi", "Para & more", "7", "Jo")
    assert first.published == datetime(2025, 5, 3, 10, tzinfo=UTC)
    assert second.summary == "only text"


def test_json_that_is_not_a_json_feed():
    with pytest.raises(ParseError, match="not a feed"):
        parse_feed(b'{"version": "something else", "items": []}', kind="rss")
    with pytest.raises(ParseError, match="invalid JSON Feed JSON"):
        parse_feed(b'{"version": ', kind="rss")


def test_gdelt_artlist():
    body = orjson.dumps({"articles": [
        {"url": "https://news.example/x", "title": "Belgrade says", "seendate": "20250101T120000Z",
         "domain": "news.example", "language": "English", "sourcecountry": "Serbia"},
        {"url": "javascript:alert(1)", "title": "bad link", "seendate": "garbage"},
    ]})
    first, second = parse_feed(body, kind="gdelt")
    assert first.published == datetime(2025, 1, 1, 12, tzinfo=UTC)
    assert (first.title, first.link, first.author) == ("Belgrade says", "https://news.example/x",
                                                       "news.example")
    assert second.link is None and second.published is None


def test_gdelt_empty_answer_is_no_items():
    assert parse_feed(b"{}", kind="gdelt") == []


def test_gdelt_plain_text_error():
    with pytest.raises(ParseError) as info:
        parse_feed(b"Invalid query: the phrase was too short.\n" + b"x" * 1000, kind="gdelt")
    message = str(info.value)
    assert message.startswith("GDELT: Invalid query: the phrase was too short.")
    assert len(message) < 200


# --- what is and is not a feed --------------------------------------------------------------


def test_empty_body():
    with pytest.raises(ParseError, match="empty response"):
        parse_feed(b" \n ", kind="rss")


def test_empty_but_valid_feed_has_no_items():
    assert parse_feed(rss(""), kind="rss") == []


@pytest.mark.parametrize(("body", "content_type", "message"), [
    (b"<html><body><p>Hi</p></body></html>", "text/html", "not a feed: got text/html page"),
    (b"<!DOCTYPE html><html><p>Hi</p></html>", "", "not a feed: got an HTML page"),
])
def test_html_is_not_a_feed(body, content_type, message):
    with pytest.raises(ParseError) as info:
        parse_feed(body, kind="rss", content_type=content_type)
    assert str(info.value) == message


def test_plain_text_is_not_a_feed():
    with pytest.raises(ParseError, match=r"^not a feed"):
        parse_feed(b"just some words, no markup at all", kind="rss")


def test_truncated_xml_names_the_problem_and_line():
    with pytest.raises(ParseError) as info:
        parse_feed(b'<?xml version="1.0"?>\n<!-- nothing else -->\n', kind="rss")
    assert str(info.value) == "not a feed: no element found (line 3)"


def test_illegal_characters_keep_recovered_items():
    body = rss("<item><title>ok\x0c one</title></item><item><title>two\x1b]0;pwn\x07</title>"
               "</item>")
    titles = [i.title for i in parse_feed(body, kind="rss")]
    assert titles == ["ok one", "two"]  # the whole OSC sequence goes, not only its ESC


def test_items_without_any_text_or_link_are_dropped():
    body = rss("<item><guid>only-a-guid</guid></item><item><title>kept</title></item>")
    assert [i.title for i in parse_feed(body, kind="rss")] == ["kept"]


def test_unsafe_links_are_dropped():
    body = rss("<item><title>a</title><link>javascript:alert(1)</link></item>"
               "<item><title>b</title><link>file:///etc/passwd</link></item>")
    assert [i.link for i in parse_feed(body, kind="rss")] == [None, None]


def test_feedparser_never_reads_a_path_or_url(tmp_path):
    # bytes that spell a path must be parsed as (not-a-feed) content, never opened
    secret = tmp_path / "feed.xml"
    secret.write_bytes(rss("<item><title>from disk</title></item>"))
    with pytest.raises(ParseError):
        parse_feed(str(secret).encode(), kind="rss")


def test_relative_links_are_not_resolved_into_other_schemes():
    body = b"""<feed xmlns="http://www.w3.org/2005/Atom" xml:base="ftp://example.org/">
<title>F</title><entry><title>rel</title><link href="item/1"/></entry></feed>"""
    [item] = parse_feed(body, kind="rss")
    assert item.link is None


# --- dates ----------------------------------------------------------------------------------


def test_future_dates_are_read_as_the_feed_gives_them():
    # the parser reads; an item dated after it was seen is clamped where items are made
    # (tests/unit/test_item_times.py), which knows when that was
    far = (NOW + timedelta(days=3)).strftime("%a, %d %b %Y %H:%M:%S GMT")
    near = (NOW + timedelta(hours=2)).strftime("%a, %d %b %Y %H:%M:%S GMT")
    body = rss(f"<item><title>far</title><pubDate>{far}</pubDate></item>"
               f"<item><title>near</title><pubDate>{near}</pubDate></item>")
    far_item, near_item = parse_feed(body, kind="rss")
    assert far_item.published == NOW + timedelta(days=3)
    assert near_item.published == NOW + timedelta(hours=2)


def test_dates_before_1970_are_placeholders_and_dropped():
    body = rss("<item><title>old</title><pubDate>Thu, 01 Jan 1950 00:00:00 GMT</pubDate></item>")
    [item] = parse_feed(body, kind="rss")
    assert item.published is None


def test_updated_date_stands_in_for_published():
    body = b"""<feed xmlns="http://www.w3.org/2005/Atom"><title>F</title><entry><title>u</title>
<updated>2024-12-31T23:00:00-01:00</updated></entry></feed>"""
    [item] = parse_feed(body, kind="rss")
    assert item.published == datetime(2025, 1, 1, 0, tzinfo=UTC)


def test_unparseable_date_is_none():
    [item] = parse_feed(rss("<item><title>x</title><pubDate>someday</pubDate></item>"),
                        kind="rss")
    assert item.published is None


# --- textclean ------------------------------------------------------------------------------


@pytest.mark.parametrize(("raw", "clean"), [
    ("<p>Hello <b>world</b></p>", "Hello world"),
    ("a&nbsp;&amp;&#x41;&#66;", "a\xa0&AB".replace("\xa0", " ")),
    ("line\n\n  two\tcols", "line two cols"),
    ("\x1b[31mred\x1b[0m", "red"),  # whole escape sequences go, not only the ESC
    ("too short.\x1b[2J\r\n", "too short."),
    ("\x1b]0;pwned\x07Mallory \x1b]8;;http://evil/\x1b\\link\x1b]8;;\x1b\\", "Mallory link"),
    ("\x9b1;31mcsi8 x\x1bcy", "csi8 xy"),
    ("kept\x1b]0;an unterminated title", "kept0;an unterminated title"),  # text never eaten
    ("bell\x07 nul\x00 del\x7f c1\x85\x9b", "bell nul del c1"),
    ("\u202eevil\u202c \u2066iso\u2069", "evil iso"),
    ("<style>p{}</style><script>x()</script>shown", "shown"),
    ("fish &lt;&gt; chips", "fish <> chips"),
    ("", ""),
])
def test_clean_text(raw, clean):
    assert clean_text(raw) == clean


def test_clean_text_none():
    assert clean_text(None) == ""


def test_strip_controls_leaves_markup_alone_and_is_idempotent():
    once = strip_controls("a <b> c\x1b \u202e")
    assert once == "a <b> c"
    assert strip_controls(once) == once


@pytest.mark.parametrize(("url", "kept"), [
    ("https://example.org/a?b=1", True),
    ("HTTP://EXAMPLE.ORG/", True),
    ("javascript:alert(1)", False),
    ("data:text/html,hi", False),
    ("/relative/path", False),
    ("http://", False),
    ("http:///etc/passwd", False),  # no host
    ("https:?q=1", False),
    ("https://example.org/\x1b[2J", False),
    ("https://exa mple.org/", False),
    (None, False),
    ("", False),
])
def test_safe_link(url, kept):
    assert (safe_link(url) is not None) == kept


@pytest.mark.parametrize("fraction", [0.3, 0.5, 0.8, 0.99])
def test_a_feed_cut_short_is_an_error_not_its_first_items(fraction):
    whole = rss("".join(f"<item><title>t{n}</title><link>https://x.example/{n}</link>"
                        f"<description>body {n}</description></item>" for n in range(6)))
    assert len(parse_feed(whole, kind="rss")) == 6
    cut = whole[: int(len(whole) * fraction)]
    with pytest.raises(ParseError, match=r"^truncated feed: the document stops before its end"):
        parse_feed(cut, kind="rss")


def test_an_atom_feed_cut_short_is_an_error_too():
    whole = (b'<feed xmlns="http://www.w3.org/2005/Atom"><title>F</title>'
             b"<entry><title>one</title></entry><entry><title>two</title></entry></feed>")
    with pytest.raises(ParseError, match="truncated feed"):
        parse_feed(whole[:-20], kind="rss")
