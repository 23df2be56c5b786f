"""Fetching: the HTTP client, `retrieve` (I/O only) and `parse_feed` (run in a worker).

The names below are imported from their modules on first use (PEP 562), so a worker
process that parses (`dashboard.fetching.parse`) never imports httpx, and a process that
only fetches pays for no parser it does not call.
"""

from __future__ import annotations

from importlib import import_module
from typing import TYPE_CHECKING, Any

_HOMES = {
    "make_client": "client",
    "canonical_url": "identity",
    "item_id": "identity",
    "ParseError": "parse",
    "parse_feed": "parse",
    "Fetched": "retrieval",
    "FetchError": "retrieval",
    "NotModified": "retrieval",
    "Postponed": "retrieval",
    "Retrieved": "retrieval",
    "retrieve": "retrieval",
}

__all__ = ["FetchError", "Fetched", "NotModified", "ParseError", "Postponed", "Retrieved",
           "canonical_url", "item_id", "make_client", "parse_feed", "retrieve"]

if TYPE_CHECKING:
    from dashboard.fetching.client import make_client
    from dashboard.fetching.identity import canonical_url, item_id
    from dashboard.fetching.parse import ParseError, parse_feed
    from dashboard.fetching.retrieval import (
        Fetched,
        FetchError,
        NotModified,
        Postponed,
        Retrieved,
        retrieve,
    )


def __getattr__(name: str) -> Any:
    home = _HOMES.get(name)
    if home is None:
        raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
    return getattr(import_module(f"{__name__}.{home}"), name)
