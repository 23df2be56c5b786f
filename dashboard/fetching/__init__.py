"""Fetching: the HTTP client, `retrieve` (I/O only), `parse_feed` and the parse pool."""

from dashboard.fetching.client import make_client
from dashboard.fetching.identity import canonical_url, item_id
from dashboard.fetching.parse import ParseError, parse_feed
from dashboard.fetching.retrieve import (
    Fetched,
    FetchError,
    NotModified,
    Postponed,
    Retrieved,
    retrieve,
)
from dashboard.fetching.worker import ParsePool

__all__ = [
    "FetchError",
    "Fetched",
    "NotModified",
    "ParseError",
    "ParsePool",
    "Postponed",
    "Retrieved",
    "canonical_url",
    "item_id",
    "make_client",
    "parse_feed",
    "retrieve",
]
