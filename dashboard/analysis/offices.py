"""Who held an office on a date, from the config's people.

A person's offices are their `offices` list, else their `role` held from `since` to
`until`. Dates are years, months or days; an office "until 2024" is held through 2024.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from datetime import datetime
from functools import lru_cache

from dashboard.analysis.text import fold
from dashboard.clock import utc_now
from dashboard.config import Actor

_PARTIAL = re.compile(r"(\d{4})(?:-(\d{2})(?:-(\d{2}))?)?")
_SEPARATORS = re.compile(r"[\s\-–]+")


@lru_cache(maxsize=1024)
def normalise_office(title: str) -> str:
    """An office title folded for comparison: "Secretary-General" = "secretary general"."""
    return " ".join(_SEPARATORS.split(fold(title).replace("defense", "defence"))).strip()


def _bound(value: str | None, end: bool) -> str | None:
    """A partial date as a sortable "YYYY-MM-DD" string, at the start or end of its period."""
    m = _PARTIAL.fullmatch(value.strip()) if value else None
    if m is None:
        return None
    year, month, day = m.groups()
    return f"{year}-{month or ('12' if end else '01')}-{day or ('31' if end else '01')}"


def office_holder(actor: Actor | None, office: str, when: datetime | None) -> str | None:
    """The name of the one person of `actor` holding `office` on `when` (default: now).

    When several are listed for that day (overlapping handovers), the latest to take the
    office wins; None when nobody configured holds it.
    """
    if actor is None:
        return None
    wanted = normalise_office(office)
    day = (when or utc_now()).strftime("%Y-%m-%d")
    best: tuple[str, str] | None = None
    for person in actor.people:
        spells = [(o.title, o.since, o.until) for o in person.offices] or [
            (person.role, person.since, person.until)
        ]
        for title, since, until in spells:
            if normalise_office(title) != wanted:
                continue
            start, stop = _bound(since, False) or "0000-00-00", _bound(until, True)
            if start <= day and (stop is None or day <= stop) and (
                best is None or start > best[0]
            ):
                best = (start, person.name)
    return best[1] if best else None


class OfficeIndex:
    """`office_holder` for many questions: every actor's offices, by normalised title,
    read from the config once (office_holder reads every person of the actor each time)."""

    def __init__(self, actors: Iterable[Actor]):
        # (actor id, normalised title) -> (start, stop, person) in the config's order
        self._spells: dict[tuple[str, str], list[tuple[str, str | None, str]]] = {}
        for actor in actors:
            for person in actor.people:
                spells = [(o.title, o.since, o.until) for o in person.offices] or [
                    (person.role, person.since, person.until)
                ]
                for title, since, until in spells:
                    start, stop = _bound(since, False) or "0000-00-00", _bound(until, True)
                    self._spells.setdefault((actor.id, normalise_office(title)), []).append(
                        (start, stop, person.name))

    def holder(self, actor_id: str, office: str, when: datetime | None) -> str | None:
        """`office_holder(actor, office, when)` for the actor of this id."""
        spells = self._spells.get((actor_id, normalise_office(office)))
        if not spells:
            return None
        day = (when or utc_now()).strftime("%Y-%m-%d")
        best: tuple[str, str] | None = None
        for start, stop, name in spells:
            if start <= day and (stop is None or day <= stop) and (
                best is None or start > best[0]
            ):
                best = (start, name)
        return best[1] if best else None
