"""Stable item ids, so the same item never lands twice.

An id is a short hex digest of, in order of preference: the feed's GUID (namespaced by
the source, since GUIDs are only unique within a feed), the canonical link (tracking
parameters and fragments removed, so the same article shared with different utm tags
is one item), or the title and summary.
"""

from __future__ import annotations

import hashlib
from urllib.parse import parse_qsl, urlencode, urlsplit, urlunsplit

from dashboard.models import ParsedItem

_TRACKING = frozenset({"fbclid", "gclid", "dclid", "msclkid", "mc_cid", "mc_eid", "igshid"})
_DEFAULT_PORTS = {"http": 80, "https": 443}


def _tracking(name: str) -> bool:
    name = name.lower()
    return name.startswith("utm_") or name in _TRACKING


def canonical_url(url: str) -> str:
    """`url` with scheme and host lowercased, default port, fragment and tracking
    parameters (utm_*, fbclid, gclid, ...) removed and the remaining parameters sorted."""
    parts = urlsplit(url.strip())
    scheme = parts.scheme.lower()
    host = (parts.hostname or "").rstrip(".")
    if ":" in host:  # an IPv6 literal keeps its brackets
        host = f"[{host}]"
    try:
        port = parts.port
    except ValueError:  # a port that is not a number: keep the authority as written
        port, host = None, parts.netloc.lower()
    netloc = host if port in (None, _DEFAULT_PORTS.get(scheme)) else f"{host}:{port}"
    if parts.username or parts.password:
        netloc = parts.netloc.rpartition("@")[0] + "@" + netloc
    query = sorted(
        (k, v) for k, v in parse_qsl(parts.query, keep_blank_values=True) if not _tracking(k)
    )
    return urlunsplit((scheme, netloc, parts.path or "/", urlencode(query), ""))


def _digest(*parts: str) -> str:
    h = hashlib.blake2b(digest_size=16)
    for part in parts:
        h.update(part.encode("utf-8", "surrogatepass"))
        h.update(b"\x00")  # a separator, so ("ab", "c") and ("a", "bc") differ
    return h.hexdigest()


def item_id(parsed: ParsedItem, source_id: str) -> str:
    """A 32-hex-digit id that stays the same across fetches of the same item."""
    if parsed.guid and parsed.guid.strip():
        return _digest("guid", source_id, parsed.guid.strip())
    if parsed.link:
        return _digest("url", canonical_url(parsed.link))
    return _digest("text", parsed.title, parsed.summary)
