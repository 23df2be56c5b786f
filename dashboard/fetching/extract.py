"""An article page's main text, title and date, read with trafilatura (in a worker).

`extract_page(body, content_type, url)` is CPU work on untrusted input: the caller runs
it in the parse pool under its deadline (a page that keeps the parser busy is killed with
its worker). It returns a `Page`: `ok` with the text, or `failed` with a reason code:
`not_html` (a PDF, an image...), `paywall` (a subscription or sign-in stub), `empty` (no
article text: a page of scripts, or an index page), `unreadable` (the parser gave up).
"""

from __future__ import annotations

import codecs
import re

from dashboard.models import Page

HTML_TYPES = ("text/html", "application/xhtml+xml", "application/xml", "text/xml")
# words a paywall or sign-in stub uses instead of the article
PAYWALL = re.compile(
    r"subscribe (now )?to (continue|read|unlock)|subscribers only|for subscribers"
    r"|to continue reading|already a subscriber|(sign|log) in to (continue|read|keep)"
    r"|create a free account to|premium (article|content)|\bpaywall\b"
    r"|this (article|content|story) is (only )?(for|available to) (paid |premium )?"
    r"(subscribers|members)",
    re.IGNORECASE,
)
STUB_WORDS = 150  # a text this short that asks for a subscription is a stub
MAX_TEXT = 100_000  # characters of article text kept (a longer "article" is not one)
_META_CHARSET = re.compile(rb"""<meta[^>]+charset\s*=\s*["']?\s*([A-Za-z0-9_.:-]+)""",
                           re.IGNORECASE)
_HEADER_CHARSET = re.compile(r"charset\s*=\s*[\"']?([A-Za-z0-9_.:-]+)", re.IGNORECASE)


def _failed(reason: str, error: str, url: str) -> Page:
    return Page(state="failed", url=url, reason=reason, error=error)


def _codec(name: str | None) -> str | None:
    if not name:
        return None
    try:
        return codecs.lookup(name.decode("ascii", "ignore") if isinstance(name, bytes)
                             else name).name
    except LookupError:
        return None


def decode_html(body: bytes, content_type: str = "") -> str:
    """The page's text, whatever its charset claims.

    Order: a byte-order mark; UTF-8 when the bytes are valid UTF-8 (a header that says
    Latin-1 over a UTF-8 page is the usual lie); the page's own <meta charset>; the
    header's charset; then a guess (charset_normalizer, trafilatura's own dependency).
    """
    for bom, name in ((codecs.BOM_UTF8, "utf-8-sig"), (codecs.BOM_UTF16_LE, "utf-16"),
                      (codecs.BOM_UTF16_BE, "utf-16")):
        if body.startswith(bom):
            return body.decode(name, errors="replace")
    try:
        return body.decode("utf-8")
    except UnicodeDecodeError:
        pass
    meta = _META_CHARSET.search(body[:4096])
    header = _HEADER_CHARSET.search(content_type)
    for name in (meta and meta.group(1), header and header.group(1)):
        codec = _codec(name)
        if codec and codec != "utf-8":
            try:
                return body.decode(codec)
            except UnicodeDecodeError:
                continue
    from charset_normalizer import from_bytes

    best = from_bytes(body[:500_000]).best()
    return body.decode(best.encoding if best else "cp1252", errors="replace")


def _not_html(body: bytes, content_type: str) -> str | None:
    mime = content_type.split(";")[0].strip().lower()
    head = body[:1024].lstrip().lower()
    if head.startswith(b"%pdf-"):
        return "application/pdf"
    if mime and mime not in HTML_TYPES and mime != "application/octet-stream":
        return mime
    if (not mime or mime == "application/octet-stream") and b"<" not in head:
        return mime or "no content type, and no markup"
    return None


def extract_page(body: bytes, content_type: str, url: str) -> Page:
    """Read an article page: a Page that is `ok` with text, title and date, or `failed`."""
    kind = _not_html(body, content_type)
    if kind:
        return _failed("not_html", f"not HTML ({kind[:60]})", url)
    html = decode_html(body, content_type)
    import trafilatura

    try:
        doc = trafilatura.bare_extraction(html, url=url, with_metadata=True,
                                          include_comments=False)
    except (RecursionError, ValueError, TypeError, AttributeError, MemoryError) as exc:
        return _failed("unreadable", f"the page could not be parsed ({type(exc).__name__})",
                       url)
    text = (doc.text or "").strip() if doc is not None else ""
    words = len(text.split())
    if words < STUB_WORDS and PAYWALL.search(text or html[:200_000]):
        return _failed("paywall", "a subscription or sign-in stub, not the article", url)
    if not text:
        return _failed("empty", "no article text found on the page",
                       url)
    return Page(
        state="ok",
        url=url,
        title=(doc.title or "").strip()[:500],
        date=doc.date or None,
        text=text[:MAX_TEXT],
    )
