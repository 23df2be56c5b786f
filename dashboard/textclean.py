"""Turn untrusted feed text into plain, terminal-safe text.

`clean_text` strips HTML (with the stdlib HTML parser, never regexes), unescapes
entities, removes terminal escape sequences and control, escape and bidi-override
characters and collapses
whitespace; `safe_link` keeps only http(s) links. The fetching layer cleans what it
stores; the display layer reuses `strip_controls` (and `safe_link`) on text that is
already plain, since running the HTML step twice would read an unescaped "<b>" as a tag.
"""

from __future__ import annotations

import re
from html.parser import HTMLParser
from urllib.parse import urlsplit

# Tags whose content is not text a reader would see.
_INVISIBLE = frozenset({"script", "style", "head", "title", "template", "noscript"})
# Tags that separate words even when the markup has no space between them.
_BREAKS = frozenset({
    "br", "p", "div", "li", "ul", "ol", "tr", "td", "th", "h1", "h2", "h3", "h4", "h5",
    "h6", "blockquote", "pre", "hr", "table", "section", "article", "header", "footer",
    "figure", "figcaption", "dd", "dt", "img",
})
# C0 controls except tab and newline, DEL, C1 controls (which include the 8-bit CSI),
# bidi marks, embeddings, overrides and isolates, and lone surrogates (unencodable): none
# of these may reach a terminal. CR is turned into a newline first.
_UNSAFE = re.compile(
    "[\x00-\x08\x0b-\x1f\x7f-\x9f\u061c\u200e\u200f\u202a-\u202e\u2066-\u2069"
    "\ud800-\udfff]"
)
# Whole terminal escape sequences (ECMA-48): CSI (ESC [ or the 8-bit CSI, parameters,
# one final byte), OSC and the other string commands when terminated (BEL or ESC \), and
# two-byte escapes. Dropping only the ESC would leave their letters behind ("[2J"); an
# unterminated string command keeps its text, losing only its introducer (ESC ]), so
# nothing readable is swallowed. Each alternative stops at the next ESC/BEL, so the pass
# stays linear.
_ESCAPES = re.compile(
    r"(?:\x1b\[|\x9b)[0-?]*[ -/]*[@-~]"
    r"|\x1b[\]P^_X][^\x07\x1b\x9c]*(?:\x07|\x1b\\|\x9c)"
    r"|\x1b[ -/]*[0-~]"
)
_SPACES = re.compile(r"[^\S\n]+")
_BLANK_LINES = re.compile(r"\s*\n\s*")


class _TextCollector(HTMLParser):
    """Collects the visible text of an HTML fragment; entities come back unescaped."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.parts: list[str] = []
        self._hidden = 0

    def handle_starttag(self, tag: str, attrs: list) -> None:
        if tag in _INVISIBLE:
            self._hidden += 1
        elif tag in _BREAKS:
            self.parts.append(" ")

    def handle_endtag(self, tag: str) -> None:
        if tag in _INVISIBLE:
            self._hidden = max(0, self._hidden - 1)
        elif tag in _BREAKS:
            self.parts.append(" ")

    def handle_data(self, data: str) -> None:
        if not self._hidden:
            self.parts.append(data)


def html_to_text(fragment: str) -> str:
    """The visible text of an HTML fragment, entities unescaped (not yet sanitised)."""
    if "<" not in fragment and "&" not in fragment:
        return fragment
    collector = _TextCollector()
    collector.feed(fragment)
    collector.close()
    return "".join(collector.parts)


def _drop_unsafe(text: str) -> str:
    # one regex pass in C: a per-character Python loop cost more than parsing the feed
    if "\x1b" in text or "\x9b" in text:
        text = _ESCAPES.sub("", text)
    return _UNSAFE.sub("", text.replace("\r", "\n"))


def strip_controls(text: str) -> str:
    """Remove control/escape/bidi characters and collapse whitespace; no HTML handling."""
    text = _drop_unsafe(text).replace("\t", " ")
    text = _SPACES.sub(" ", text)
    return _BLANK_LINES.sub(" ", text).strip()


def clean_text(text: str | None) -> str:
    """Plain, single-line, terminal-safe text from an untrusted (possibly HTML) string.

    HTML tags go (their visible text stays), entities are unescaped, C0/C1 controls,
    ESC, DEL and bidi overrides are removed, and all whitespace collapses to single
    spaces. For text that is already plain use `strip_controls`.
    """
    if not text:
        return ""
    return strip_controls(html_to_text(_drop_unsafe(text)))


def safe_link(url: str | None) -> str | None:
    """The URL when it is an absolute http(s) link without control characters, else None."""
    if not url:
        return None
    url = url.strip()
    if not url or any(not ch.isprintable() or ch.isspace() for ch in url):
        return None
    try:
        parts = urlsplit(url)
    except ValueError:
        return None
    if parts.scheme.lower() not in ("http", "https") or not parts.netloc:
        return None
    return url
