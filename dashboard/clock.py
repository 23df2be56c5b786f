"""The one wall clock: every "now" the product stores, shows or compares is `utc_now()`.

Timezone-aware UTC, so times from feeds, the store and the clock compare without
surprises. What needs a fixed time in tests (the collector, the App, snapshots, exports)
takes a `clock: Clock` argument that defaults to `utc_now`; intervals and deadlines use
`time.monotonic()` instead, which no wall-clock jump can move.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, datetime

Clock = Callable[[], datetime]


def utc_now() -> datetime:
    """The current time, timezone-aware UTC."""
    return datetime.now(UTC)
