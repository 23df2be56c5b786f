"""Resident hours: a writer holds in memory only the minute segments it is writing.

A collecting process runs for weeks over a month of news. Held whole, its store grew by
≈ 14 KB per item (the item's text, its statements, stance evidence and cue hits as
documents, their model values and the index of keys), 427 MB after 1,000 rounds of the
TUI bench. After each commit the writer lets go of the documents of every segment but
the minutes that commit wrote (`_cool`; an hour being written is kept in minutes, see
`segments.minute_of`, and folded into one hour segment once a commit passes it by:
`_merge_closed_hours`); of such a cold segment it keeps only what every snapshot reads in
full:

- its stance evidence as model values (the positions panel weighs all of it);
- its recognition events, as documents (the analyst's decisions change them);
- of each cue hit only its weight × credibility, by time (`HourWeights`: the escalation
  score adds them all up; the drivers' text is read back from the file);
- the oldest `when` of its items (retention asks for it every round).

Everything else is read from the hour's segment file when asked (the newest statements,
filters and paging, details, the drivers' cue hits: `_hour_docs`), and an hour becomes
resident again before a write changes it (`_warm`). The files are the same as before:
this is only what memory holds. Readers (viewers, `status`) load whole as before.
"""

from __future__ import annotations

from array import array
from collections.abc import Iterable, Iterator
from typing import Any

from dashboard.models import StanceEvidence
from dashboard.storage import convert
from dashboard.storage.base import StoreError
from dashboard.storage.loading import StoreBase
from dashboard.storage.segments import (
    HOURLY_TABLES,
    UNDATED,
    Unloadable,
    is_minute,
    load_json,
    segment_dir,
    share_strings,
)

Docs = dict[str, dict[str, Any]]

# Tables whose documents leave memory with a cold hour (recognition events stay).
COOLED = ("items", "statements", "stances", "cues")


HourWeights = dict[str | None, array]
"""An hour's cue hits as the escalation score reads them: per stored time (ISO), the
weight × credibility of each hit, in `cue_hits` order (time, then document key). Grouped
by time as the digests keep them, so a round's two readings of a month of weights go
over the hour's few distinct times, not each of its hits."""


def weigh(docs: Iterable[tuple[str, dict[str, Any]]]) -> HourWeights:
    """The weights of an hour's cue documents ((key, doc) pairs)."""
    out: HourWeights = {}
    for _, doc in sorted(docs, key=lambda kd: (kd[1]["time"] or "", int(kd[0]))):
        out.setdefault(doc["time"], array("d")).append(
            doc["weight"] * doc.get("credibility", 1.0))
    return out


class ResidentHours(StoreBase):
    """The writer's hours in memory: resident (documents held) or cold (see the module)."""

    _cold: dict[str, str | None]  # cold hour -> the oldest `when` of its items
    _weights: dict[str, HourWeights]  # hour -> its cue weights, once worked out

    def _use(self, loaded: Any) -> None:
        """A store just loaded (see `StoreBase._use`): every hour resident."""
        self._cold, self._weights = {}, {}
        super()._use(loaded)

    def _oldest_item_time(self) -> str | None:
        """The smallest `when` of the hot items, cold hours' included."""
        resident = super()._oldest_item_time()  # cold hours index no items
        known = [w for w in (resident, *self._cold.values()) if w is not None]
        return min(known, default=None)

    def _forget_hour(self, table: str, hour: str) -> None:
        """What was derived from an hour's rows of `table` is stale (a write changed them)."""
        self._converted.pop((table, hour), None)
        if table == "cues":
            self._weights.pop(hour, None)

    # --- reading an hour --------------------------------------------------------------

    def _hour_docs(self, hour: str, table: str) -> Docs:
        """The documents of one hour's table: from memory, or from a cold hour's file."""
        if hour not in self._cold:
            raw = self._tables.get(table, {})
            return {key: raw[key] for key in self._segments.get(hour, {}).get(table, ())}
        return self._read_hour(hour).get(table, {})

    def _read_hour(self, hour: str) -> dict[str, Docs]:
        """An hour's tables as its segment file holds them (a cold hour: memory has not
        changed it since that file was written)."""
        name = self._names.get(hour)
        if name is None:
            return {}
        try:
            data = load_json(segment_dir(self._path) / name)
        except (FileNotFoundError, Unloadable) as exc:
            raise StoreError(f"cannot read the segment {name} of {self._path}: {exc}") from exc
        held = data.get("tables") if isinstance(data, dict) else None
        if not isinstance(held, dict):
            raise StoreError(f"the segment {name} of {self._path} is damaged")
        return held

    def _hour_weights(self, hour: str) -> HourWeights:
        """An hour's cue weights, worked out once until a write changes its cue hits."""
        weights = self._weights.get(hour)
        if weights is None:
            weights = self._weights[hour] = weigh(self._hour_docs(hour, "cues").items())
        return weights

    # --- cooling and warming ----------------------------------------------------------

    def _cool(self, keep: set[str]) -> None:
        """Let go of the documents of every resident hour but `keep` (writer, after a
        commit: those files hold exactly what memory held)."""
        if self.readonly:
            return
        tables = self._tables
        for name in HOURLY_TABLES:  # the next ids come from the rows until recorded
            self._table(name).peek_next_id()
        cooled = False
        for hour, index in self._segments.items():
            if hour in keep or hour in self._cold or hour == UNDATED:
                continue
            items = [tables["items"][key] for key in index.get("items", ())]
            if any(isinstance(d.get("page"), dict) and d["page"].get("state") == "pending"
                   for d in items):
                continue  # `pending_pages` reads these from memory
            self._rows_converted("stances", StanceEvidence, hour)  # kept: positions read all
            self._hour_weights(hour)
            self._cold[hour] = min((d["when"] for d in items), default=None)
            for table in COOLED:
                raw = tables.get(table, {})
                for key in index.pop(table, ()):
                    raw.pop(key, None)
                if table != "stances":
                    self._converted.pop((table, hour), None)
            cooled = True
        if cooled:
            for name in COOLED:
                self._table(name).clear_cache()

    def _merge_closed_hours(self) -> None:
        """Fold the minute segments of every hour the coming commit does not write into
        one segment of that hour (writer, before a commit). A round rewrites only its
        minutes (a few rows), and a closed hour is read and written once more, as one
        file: readers find hours, not sixty minutes each, and the commit that names the
        hour's file no longer names its minutes (superseded files go as always)."""
        minutes: dict[str, list[str]] = {}
        for key in self._hours():
            if is_minute(key):
                minutes.setdefault(key[:13], []).append(key)
        for hour, keys in minutes.items():
            if any(key in self._dirty for key in keys):
                continue  # still being written
            self._warm([*keys, hour])
            index = self._segments.setdefault(hour, {})
            for key in keys:
                for table, rows in self._segments.pop(key, {}).items():
                    index.setdefault(table, set()).update(rows)
                self._dirty.add(key)  # named no more
            for key in (*keys, hour):
                for table in HOURLY_TABLES:
                    self._forget_hour(table, key)
            self._dirty.add(hour)

    def _warm(self, hours: Iterable[str]) -> None:
        """Make these hours resident again: their documents back from their files."""
        tables = self._tables
        pool: dict[str, str] = {}
        for hour in [h for h in hours if h in self._cold]:
            held = self._read_hour(hour)
            index = self._segments.setdefault(hour, {})
            for table in COOLED:
                docs = held.get(table) or {}
                share_strings(docs.values(), pool)
                tables.setdefault(table, {}).update(docs)
                if docs:
                    index[table] = set(docs)
            del self._cold[hour]
        for name in COOLED:
            self._table(name).clear_cache()

    def _warm_all(self) -> None:
        """Every hour resident (a writer about to read or rewrite all of them)."""
        if self._cold:
            self._warm(list(self._cold))

    def _rows_converted(self, table: str, model: type, hour: str) -> list[tuple[str | None, Any]]:
        """An hour's (time, model value) rows, oldest first, converted once and kept until a
        write touches the hour."""
        rows = self._converted.get((table, hour))
        if rows is None:
            docs = self._hour_docs(hour, table)
            ordered = sorted(docs.items(), key=lambda kd: (kd[1]["time"] or "", int(kd[0])))
            rows = [(d["time"], convert.from_doc(model, d)) for _, d in ordered]
            if table == "stances" or hour not in self._cold:
                self._converted[(table, hour)] = rows
        return rows

    def _all_docs(self, table: str) -> Iterator[dict[str, Any]]:
        """Every document of a segmented table, cold hours' read from their files."""
        for hour in self._hours():
            yield from self._hour_docs(hour, table).values()

    def _hours(self) -> list[str]:
        """Every hour with a segment, resident or cold."""
        return list(self._segments.keys() | self._cold.keys())
