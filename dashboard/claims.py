"""Which source an item belongs to when several bring the same one.

An item without a GUID is known by its canonical link, so two sources (or the same
source in two overlapping rounds) can bring one item. It is stored once, as the copy of
the source that brought it first: a source whose round committed earlier, and within one
round the source listed first in the config. Every other source counts it as "seen
elsewhere", not as new, and its copy and its analysis are not stored, so the stored
statements name the source of the stored item.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import replace
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from dashboard.pipeline import SourceOutcome


def claim_items(outcomes: Iterable[SourceOutcome], known: set[str]) -> None:
    """Leave each item id in the first outcome that has it, unless `known` (stored) already.

    Outcomes come in the config's order; each one that loses items gets its result's
    `new_items` and `seen_elsewhere` and its health's item count corrected in place.
    """
    claimed = set(known)
    for outcome in outcomes:
        mine = [i for i in outcome.items if i.id not in claimed]
        claimed.update(i.id for i in mine)
        elsewhere = len(outcome.items) - len(mine)
        if not elsewhere:
            continue
        # the analyses of stored items whose page this round read stay with them
        ids = {i.id for i in mine} | {i.id for i in outcome.updated}
        outcome.items = mine
        outcome.analyses = {k: a for k, a in outcome.analyses.items() if k in ids}
        outcome.result = replace(outcome.result, new_items=len(mine), seen_elsewhere=elsewhere)
        outcome.health = replace(outcome.health, items=max(0, outcome.health.items - elsewhere))
