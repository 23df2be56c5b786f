"""The one rule for "the escalation level changed", shared by alerts and the dashboard.

A change is two consecutive snapshots with different levels; with no earlier snapshot
there is no change (a first reading is not news). The alert engine fires `level` alerts
on it and the dashboard announces it, once: when a `notify` alert fired for the same
change, its toast is the announcement (`tests/app/test_one_rule.py`).
"""

from __future__ import annotations

from dataclasses import dataclass

from dashboard.models import LEVELS, Level, Snapshot


@dataclass(frozen=True)
class LevelChange:
    """The escalation level went from `old` to `new`."""

    old: Level
    new: Level

    @property
    def rising(self) -> bool:
        """True when the new level is the higher one."""
        return LEVELS.index(self.new) > LEVELS.index(self.old)

    def reaches(self, level: Level) -> bool:
        """True when either side of the change is at `level` or above it."""
        return max(LEVELS.index(self.old), LEVELS.index(self.new)) >= LEVELS.index(level)

    def __str__(self) -> str:
        return f"Escalation {self.old} → {self.new}"


def level_change(before: Snapshot | None, after: Snapshot) -> LevelChange | None:
    """The level change from `before` to `after`, or None when there is none."""
    if before is None or before.escalation.level == after.escalation.level:
        return None
    return LevelChange(before.escalation.level, after.escalation.level)
