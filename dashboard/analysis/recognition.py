"""Recognition: detecting reported changes in text and summarising the ledger.

`RecognitionDetector.detect` finds "X recognizes <subject>", "X withdraws its recognition",
"X did not recognize <subject>" in one sentence. `summarize` turns the bundled ledger,
the headline series, the blocs and the detected events into what the panel shows. A
reported change moves the counts only once confirmed: by the analyst, or by itself when
enough independent sources (distinct `source_id`) report it. Nothing here does I/O.
"""

from __future__ import annotations

import re
from bisect import bisect_left, bisect_right
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import replace
from datetime import UTC, date, datetime
from typing import NamedTuple

from dashboard.analysis.ledger import Bloc, SeriesDef
from dashboard.analysis.phrases import PhraseSet, negated
from dashboard.analysis.text import Folded, fold, words
from dashboard.models import (
    BlocCount,
    LedgerRow,
    Recognition,
    RecognitionChange,
    RecognitionEvent,
    Series,
)

# --- detection -----------------------------------------------------------------------

# A withdrawal names the recognition it ends ("withdrew its recognition"); to recognize is
# a verb form (the noun "recognition" alone reports no change).
_VERBS = re.compile(
    r"(?<!\w)(?:(?P<wd>(?:withdr[ae]w\w*|revok\w*|revocation|suspen\w*|revers\w*|annul\w*"
    r"|rescind\w*|cancel\w*|retract\w*|freez\w*|froze\w*)(?:\s+[^\s.;:!?]+){0,3}?"
    r"\s+recognition|de-?recogni[sz]\w*)|(?P<rec>recogni[sz](?:e|es|ed|ing)))(?!\w)"
)
# Words before a verb that make it an intention, not a reported change.
_MODALS = words("will would could may might should must expected plans plan planning "
                "considering consider considers urged urges urge calls called asked asks "
                "hopes hope wants want pressure pressed")
_CLAUSE_BREAK = re.compile(r"[.;:!?]|\s(?:but|while|whereas|although)\s")
_LIST_GLUE = re.compile(r"\s*(?:,\s*(?:and\s+)?|\s+and\s+|\s+as well as\s+|\s*&\s*)")
_VERB_STEM = "recogni"  # in "recognize", "recognition", "derecognise": every _VERBS match
_BY = re.compile(r"\s+by\s+")
_WORD = re.compile(r"[\w']+")
_SUBJECT_REACH = 120  # folded chars after "recognize" within which the subject must stand
_ACTOR_REACH = 100  # folded chars between the recognizing country and its verb


class _Mention(NamedTuple):
    iso3: str
    start: int
    end: int


class RecognitionDetector:
    """Country and subject names compiled once; `detect(sentence)` finds events."""

    def __init__(self, subject_names: Sequence[str], countries: Mapping[str, str]):
        self._subject = PhraseSet([("subject", subject_names)])
        self._subject_folded = {fold(n) for n in subject_names}
        self._countries = PhraseSet(
            (iso3, [name]) for name, iso3 in countries.items()
            if fold(name) not in self._subject_folded
        )
        # names written in capitals ("US") must be capitals in the text
        self._acronyms = {fold(n) for n in countries if n.replace(".", "").isupper()}

    def _mentions(self, sentence: str, folded: str, offsets: list[int] | None) -> list[_Mention]:
        out = []
        for m in self._countries.finditer(folded):
            text = folded[m.start:m.end]
            if text in self._acronyms:
                start = offsets[m.start] if offsets else m.start
                end = offsets[m.end - 1] + 1 if offsets else m.end
                if sentence[start:end] != sentence[start:end].upper():
                    continue
            out.append(_Mention(m.key, m.start, m.end))
        return out

    def detect(self, sentence: str) -> list[RecognitionEvent]:
        """Recognition events reported in one sentence (one per country and change)."""
        return self.detect_folded(Folded.of(sentence))

    def detect_folded(self, sentence: Folded) -> list[RecognitionEvent]:
        """`detect` on a sentence already folded."""
        folded, offsets = sentence.folded, sentence.offsets
        if _VERB_STEM not in folded:
            return []  # every verb _VERBS knows holds the stem: the common case, for free
        sentence_text = sentence.text
        subject_starts = [m.start for m in self._subject.finditer(folded)]
        if not subject_starts:
            return []
        mentions: list[_Mention] | None = None
        events: dict[tuple[str, str], RecognitionEvent] = {}
        for verb in _VERBS.finditer(folded):
            change = self._change(folded, verb)
            if change is None:
                continue
            passive = verb.group("rec") and _BY.match(folded, verb.end())
            if verb.group("rec") and not passive and not _within(
                subject_starts, verb.end(), verb.end() + _SUBJECT_REACH
            ):
                continue  # "recognize" without the subject as its object
            if mentions is None:
                mentions = self._mentions(sentence_text, folded, offsets)
                # mentions never overlap, so their ends are sorted like their starts
                starts, ends = [m.start for m in mentions], [m.end for m in mentions]
            if passive:
                actors = _list_after(folded, mentions, starts, passive.end())
            else:
                actors = _list_before(folded, mentions, ends, verb.start())
            for iso3 in actors:
                events.setdefault((iso3, change), RecognitionEvent(iso3, change, sentence_text))
        return list(events.values())

    @staticmethod
    def _change(folded: str, verb: re.Match[str]) -> RecognitionChange | None:
        denied = negated(folded, verb.start(), verb.end())
        if verb.group("wd"):
            return None if denied else "withdrawn"
        if denied:
            return "not_recognized"
        before = _WORD.findall(folded[max(0, verb.start() - 40):verb.start()])[-3:]
        if any(w in _MODALS for w in before):
            return None  # "is expected to recognize": not a change yet
        return "recognized"


def _within(starts: list[int], lo: int, hi: int) -> bool:
    """Whether a sorted list holds a value in lo..hi."""
    i = bisect_left(starts, lo)
    return i < len(starts) and starts[i] <= hi


def _list_before(folded: str, mentions: list[_Mention], ends: list[int], at: int) -> list[str]:
    """The country nearest before `at` in the same clause, with any list it ends."""
    k = bisect_right(ends, at) - 1
    if k < 0:
        return []
    gap = folded[mentions[k].end:at]
    if len(gap) > _ACTOR_REACH or _CLAUSE_BREAK.search(gap):
        return []
    out = [mentions[k].iso3]
    while k > 0 and _LIST_GLUE.fullmatch(folded[mentions[k - 1].end:mentions[k].start]):
        k -= 1
        out.append(mentions[k].iso3)
    return out


def _list_after(folded: str, mentions: list[_Mention], starts: list[int], at: int) -> list[str]:
    """The countries listed right after `at` ("recognized by Kenya and Sudan")."""
    out: list[str] = []
    pos = at
    for m in mentions[bisect_left(starts, at):]:
        if m.start != pos and not _LIST_GLUE.fullmatch(folded[pos:m.start]):
            break
        out.append(m.iso3)
        pos = m.end
    return out


# --- summary -------------------------------------------------------------------------

_STATUS_OF: dict[str, str] = {
    "recognized": "recognized",
    "withdrawn": "withdrawn_claimed",
    "not_recognized": "not_recognized",
}
_CHANGE_OF = {"recognized": "recognized", "withdrawn_claimed": "withdrawn"}
_ISO_DATE = re.compile(r"\d{4}-\d{2}(?:-\d{2})?")
_OLDEST = datetime.min.replace(tzinfo=UTC)


def ledger_date(value: str | None) -> datetime | None:
    """The latest ISO date in a ledger date cell ("claimed 2019-11 (17th)" -> 2019-11-01)."""
    found = []
    for text in _ISO_DATE.findall(value or ""):
        try:
            day = date.fromisoformat(text if len(text) == 10 else text + "-01")
        except ValueError:
            continue
        found.append(datetime(day.year, day.month, day.day, tzinfo=UTC))
    return max(found, default=None)


def _when(event: RecognitionEvent) -> datetime:
    return event.time or _OLDEST


def _decided(
    events: Iterable[RecognitionEvent], confirmations: int
) -> tuple[list[RecognitionEvent], list[RecognitionEvent]]:
    """(confirmed, pending): one event per key, the newest, with its effective status."""
    by_key: dict[str, list[RecognitionEvent]] = {}
    for event in events:
        by_key.setdefault(event.key, []).append(event)
    confirmed, pending = [], []
    for group in by_key.values():
        group.sort(key=_when, reverse=True)
        statuses = {e.status for e in group}
        if "rejected" in statuses:
            continue  # the analyst's word beats any number of reports
        sources = {e.source_id for e in group}
        if "confirmed" in statuses or len(sources) >= confirmations:
            confirmed.append(replace(group[0], status="confirmed"))
        else:
            pending.append(replace(group[0], status="pending"))
    return confirmed, pending


def _row_event(row: LedgerRow) -> RecognitionEvent | None:
    when = ledger_date(row.date)
    change = _CHANGE_OF.get(row.status)
    if when is None or change is None:
        return None
    status = row.status.replace("_", " ")
    # a date cell may repeat the status's last word ("claimed 2019-11"): say it once
    last = status.split()[-1]
    dated = row.date.removeprefix(f"{last} ") if row.date else ""
    evidence = f"{row.country}: {status} {dated}"
    if row.note:
        evidence += f" ({row.note})"
    return RecognitionEvent(row.iso3, change, evidence,  # type: ignore[arg-type]
                            source_id="ledger", time=when, status="confirmed")


def _count(defn: SeriesDef, rows: Sequence[LedgerRow], status: Mapping[str, str]) -> int:
    return sum(
        1 for row in rows
        if status[row.iso3] in defn.statuses
        and (row.un_member or not defn.un_only)
        and row.iso3 not in defn.exclude
    )


def _series(
    defs: Sequence[SeriesDef],
    rows: Sequence[LedgerRow],
    base: Mapping[str, str],
    status: Mapping[str, str],
    applied: Sequence[RecognitionEvent],
) -> tuple[Series, ...]:
    out = []
    for defn in defs:
        if not defn.counted:
            out.append(Series(defn.id, defn.label, defn.figure or 0, defn.of, defn.source,
                              defn.as_of))
            continue
        count = _count(defn, rows, status)
        source, as_of = defn.source, defn.as_of
        if count != _count(defn, rows, base) and applied:
            # say where the difference from the published figure comes from
            source += f"; {len(applied)} confirmed change(s) from the news applied"
            newest = max(applied, key=_when).time
            as_of = newest.date().isoformat() if newest else as_of
        out.append(Series(defn.id, defn.label, count, defn.of, source, as_of))
    return tuple(out)


def _blocs(
    blocs: Mapping[str, Bloc], names: Mapping[str, str], status: Mapping[str, str]
) -> tuple[BlocCount, ...]:
    out = []
    for bloc in blocs.values():
        recognizing = 0
        missing = []
        for iso3 in bloc.members:
            state = status.get(iso3, "not_recognized")
            if state == "recognized":
                recognizing += 1
            elif state == "withdrawn_claimed":
                missing.append(f"{names.get(iso3, iso3)} (withdrawal claimed)")
            else:
                missing.append(names.get(iso3, iso3))
        missing.extend(bloc.outside.values())
        out.append(BlocCount(bloc.label, recognizing, len(bloc.members) + len(bloc.outside),
                             tuple(missing)))
    return tuple(out)


def summarize(
    ledger_rows: Sequence[LedgerRow],
    series_defs: Sequence[SeriesDef],
    blocs: Mapping[str, Bloc],
    events: Iterable[RecognitionEvent],
    *,
    confirmations: int,
    subject: str = "",
    recent: int = 12,
) -> Recognition:
    """What the recognition panel shows: series, blocs, pending and recent changes.

    Confirmed events (by the analyst, or reported by `confirmations` distinct sources)
    are applied to the ledger in time order before counting; rejected ones never are.
    Events that would change nothing (the US "recognizes" again) are dropped, so pending
    holds only real changes, one per key, newest first. `recent` holds the newest
    confirmed changes and dated ledger rows.
    """
    base = {row.iso3: row.status for row in ledger_rows}
    names = {row.iso3: row.country for row in ledger_rows}
    confirmed, pending = _decided((e for e in events if e.country in base), confirmations)
    status = dict(base)
    applied = []
    for event in sorted(confirmed, key=_when):
        target = _STATUS_OF[event.change]
        if status[event.country] != target:
            status[event.country] = target
            applied.append(event)
    pending = sorted(
        (e for e in pending if status[e.country] != _STATUS_OF[e.change]),
        key=_when, reverse=True,
    )
    history = [e for e in (_row_event(r) for r in ledger_rows) if e is not None]
    latest = sorted([*applied, *history], key=_when, reverse=True)[:recent]
    return Recognition(
        subject=subject,
        series=_series(series_defs, ledger_rows, base, status, applied),
        blocs=_blocs(blocs, names, status),
        pending=tuple(pending),
        recent=tuple(latest),
        unverified_rows=sum(1 for row in ledger_rows if row.unverified),
        disputed_rows=sum(1 for row in ledger_rows if row.disputed),
        countries=names,
    )
