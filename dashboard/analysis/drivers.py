"""Which cue hits drive the escalation indicator: the largest contributions now.

`compute_weighed` (escalation.py) holds every hit's weight by time but reads the hits
themselves (their text) only for the few times that can hold a driver: `driver_cut`
finds the size of the DRIVERS-th largest contribution from the weights alone, and
`driver_times` the times whose hits can reach it.
"""

from __future__ import annotations

import heapq
import math
from collections.abc import Iterable, Mapping, Sequence
from datetime import datetime

from dashboard.models import CueHit, Driver

DRIVERS = 10  # how many drivers the indicator lists

Peak = tuple[float, datetime | None]  # the largest |contribution| of a time's hits, the time


def driver_cut(peaks: list[Peak], weights: Mapping[datetime | None, Sequence[float]],
               decays: Mapping[datetime | None, float]) -> float:
    """The DRIVERS-th largest |contribution| of all hits (the smallest, with fewer hits):
    the times are taken largest hit first, until no later time can hold a larger one."""
    largest: list[float] = []  # a min-heap of the DRIVERS largest so far
    for peak, time in sorted(peaks, key=lambda p: p[0], reverse=True):
        if len(largest) == DRIVERS and peak < largest[0]:
            break
        for wc in weights[time]:
            c = abs(wc * decays[time])
            if len(largest) < DRIVERS:
                heapq.heappush(largest, c)
            elif c > largest[0]:
                heapq.heapreplace(largest, c)
    return largest[0] if largest else 0.0


def driver_times(peaks: list[Peak], cut: float) -> set[datetime | None]:
    """The times whose hits can be drivers: each time holding a hit above the cut, and of
    the times whose largest hit is the cut itself only the DRIVERS newest. Drivers of
    equal size are listed newest first, so an older one could not be listed, and its
    hits are never read: many hits can tie (one item's, a round's, or hits ahead of the
    clock, which weigh in full; items are not dated after their fetch, but our own clock
    may step back), and a writer would read every hour that holds one at each snapshot."""
    above = {time for peak, time in peaks if peak > cut}
    tied = heapq.nlargest(DRIVERS, (time for peak, time in peaks if peak == cut), key=instant)
    return above.union(tied)


def largest_drivers(candidates: Iterable[tuple[CueHit, float]]) -> list[Driver]:
    """The DRIVERS hits of largest |contribution| among (hit, contribution) pairs; of equal
    ones the newest first, then by their text, so the list never depends on read order."""
    return [Driver(h, c) for h, c in heapq.nsmallest(
        DRIVERS, candidates,
        key=lambda p: (-abs(p[1]), -instant(p[0].time), p[0].cue, p[0].evidence,
                       p[0].item_id, p[0].source_id, p[0].code))]


def instant(time: datetime | None) -> float:
    """A hit's time as a number to order by, the undated oldest."""
    return time.timestamp() if time is not None else -math.inf
