"""What a parser yields: `ParsedFeed`, `ParseError`, the bounds on stored text and the
one constructor every format's items go through (`make_item`)."""

from __future__ import annotations

from collections.abc import Iterable

from dashboard.models import ParsedItem
from dashboard.textclean import safe_link, strip_controls

# Stored text is bounded so one verbose feed cannot bloat the store.
MAX_TITLE = 1_000
MAX_SUMMARY = 20_000
MAX_SHORT = 300  # authors and GUIDs
# Items read from one feed, in document order: a feed of 100,000 tiny items (8.7 MB, under
# the byte cap) took longer than the parse deadline to clean and identify, every round.
# Real feeds list tens to hundreds; the rest of a longer one is dropped and reported.
MAX_ITEMS = 2_000


class ParsedFeed(list[ParsedItem]):
    """The items read from a feed; `listed` is how many the feed lists (more than were
    read when it lists more than MAX_ITEMS)."""

    def __init__(self, items: Iterable[ParsedItem] = (), listed: int | None = None):
        super().__init__(items)
        self.listed = len(self) if listed is None else max(listed, len(self))

    @property
    def truncated(self) -> int:
        """Items the feed lists beyond what was read."""
        return self.listed - len(self)


class ParseError(Exception):
    """A body that yields no usable items; the message is short and human."""

    def __init__(self, message: str):
        super().__init__(message)
        self.message = message


def looks_like_json(body: bytes) -> bool:
    """Whether a body is JSON (after a BOM and whitespace) rather than XML."""
    return body.lstrip(b"\xef\xbb\xbf \t\r\n")[:1] in (b"{", b"[")


def short(value: object, limit: int = MAX_SHORT) -> str | None:
    """A short field (author, GUID) without control characters, or None when empty."""
    text = strip_controls(value)[:limit] if isinstance(value, str) else ""
    return text or None


def make_item(title: str, summary: str, link: object, guid: object, published, author: object):
    """One cleaned, bounded item with a safe link, or None when it has nothing to show."""
    link = safe_link(link) if isinstance(link, str) else None
    if not (title or summary or link):
        return None
    return ParsedItem(
        title=title[:MAX_TITLE],
        summary=summary[:MAX_SUMMARY],
        link=link,
        guid=short(guid),
        published=published,
        author=short(author),
    )
