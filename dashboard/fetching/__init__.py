"""Fetching: the HTTP client, `retrieve` (I/O only) and `parse_feed` (run in a worker)."""

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

__all__ = [
    "FetchError",
    "Fetched",
    "NotModified",
    "ParseError",
    "Postponed",
    "Retrieved",
    "canonical_url",
    "item_id",
    "make_client",
    "parse_feed",
    "retrieve",
]
