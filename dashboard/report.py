"""Snapshots and analyses as plain data (for `status --json`, `extract`, `export`) and text.

The JSON shapes here are the contracts of docs/ARCHITECTURE.md (Contracts), pinned by
tests/integration/test_contracts.py; scripts rely on them.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import fields, is_dataclass
from datetime import datetime
from typing import Any

import orjson

from dashboard.clock import utc_now
from dashboard.models import (
    Analysis,
    Escalation,
    Freshness,
    Position,
    Recognition,
    RefreshResult,
    Snapshot,
    SourceHealth,
    SourceView,
    Statement,
)


def _iso(value: datetime | None) -> str | None:
    return value.isoformat() if value else None


def _plain(value: Any) -> Any:
    """Dataclasses to dicts with ISO datetimes, recursively."""
    if is_dataclass(value) and not isinstance(value, type):
        return {f.name: _plain(getattr(value, f.name)) for f in fields(value)}
    if isinstance(value, datetime):
        return value.isoformat()
    if isinstance(value, tuple | list):
        return [_plain(v) for v in value]
    if isinstance(value, dict):
        return {k: _plain(v) for k, v in value.items()}
    return value


def statement_json(s: Statement) -> dict[str, Any]:
    """A statement as the contracts promise it, with where it came from."""
    return {
        "speaker": s.speaker,
        "actor": s.actor,
        "kind": s.kind,
        "text": s.text,
        "sentence": s.sentence,
        "time": _iso(s.time),
        "stated": _iso(s.stated),  # the feed's own date when later than `time` (clamped)
        "source": s.source_id or None,
        "item": s.item_id or None,
        "link": s.link,
        "from": s.origin,  # found in the feed's text or in the article page
    }


def position_json(p: Position) -> dict[str, Any]:
    """An actor's position with its evidence."""
    return {
        "actor": p.actor,
        "topic": p.topic,
        "stance": p.stance,
        "confidence": round(p.confidence, 3),
        "changed": p.changed,
        "weighed": p.weighed,  # evidence pieces weighed; "evidence" lists the newest of them
        "evidence": [
            {
                "stance": e.stance,
                "evidence": e.evidence,
                "time": _iso(e.time),
                "source": e.source_id or None,
                "item": e.item_id or None,
            }
            for e in p.evidence
        ],
    }


def recognition_json(r: Recognition) -> dict[str, Any]:
    """The recognition series, blocs and changes, each with provenance, and the decisions.

    The ledger's country names stay out: they are reference data, not the snapshot.
    """
    data = _plain(r)
    data.pop("countries", None)
    return data


def escalation_json(e: Escalation, *, history: bool = True) -> dict[str, Any]:
    """Score, level, trend, drivers (with evidence) and the history."""
    out: dict[str, Any] = {
        "score": round(e.score, 1),
        "level": e.level,
        "trend": e.trend,
        "drivers": [
            {
                "cue": d.hit.cue,
                "code": d.hit.code,
                "label": d.hit.label,
                "weight": d.hit.weight,
                "contribution": round(d.contribution, 3),
                "evidence": d.hit.evidence,
                "time": _iso(d.hit.time),
                "source": d.hit.source_id or None,
                "item": d.hit.item_id or None,
            }
            for d in e.drivers
        ],
    }
    if history:
        out["history"] = [{"time": _iso(p.time), "score": round(p.score, 1)} for p in e.history]
    return out


def source_json(v: SourceView) -> dict[str, Any]:
    """A source's health as `status --json` promises it."""
    h = v.health
    return {
        "id": v.id,
        "name": v.name,
        "state": h.state,
        "error": h.last_error if h.state in ("error", "postponed") else None,
        "items": h.items,
        "last_success": _iso(h.last_success),
        "last_attempt": _iso(h.last_attempt),
        "next_run": _iso(h.next_run),
        "failures": h.failures,
    }


def freshness_of(s: Snapshot) -> Freshness:
    """The snapshot's freshness; one built without it is judged from its sources."""
    if s.freshness is not None:
        return s.freshness
    ok = sum(v.health.state in ("ok", "not_modified") for v in s.sources)
    last = max((v.health.last_success for v in s.sources if v.health.last_success),
               default=None)
    return Freshness(sources_ok=ok, sources=len(s.sources), last_success=last)


def shown_level(s: Snapshot) -> str:
    """The level to report: `no_data` while no source has ever answered."""
    return "no_data" if freshness_of(s).no_data else s.escalation.level


def freshness_json(f: Freshness, now: datetime) -> dict[str, Any]:
    """How current the data is: sources answering, the newest success, staleness."""
    return {
        "sources_ok": f.sources_ok,
        "sources": f.sources,
        "last_success": _iso(f.last_success),
        "stale_since": _iso(f.stale_since(now)),
    }


def snapshot_json(s: Snapshot, *, now: datetime | None = None) -> dict[str, Any]:
    """The whole snapshot: the `status --json` contract (docs/ARCHITECTURE.md).

    `escalation.level` is `no_data` while no source has ever answered, and
    `escalation.stale_since` is set once the newest success is older than twice the
    sources' interval (judged at `now`, default the current time).
    """
    now = now or utc_now()
    fresh = freshness_of(s)
    escalation = escalation_json(s.escalation)
    escalation["level"] = shown_level(s)
    escalation["stale_since"] = _iso(fresh.stale_since(now))
    return {
        "theatre": s.theatre,
        "updated": _iso(s.updated),
        "items": s.items,
        "freshness": freshness_json(fresh, now),
        "sources": [source_json(v) for v in s.sources],
        "statements": [statement_json(st) for st in s.statements],
        "positions": [position_json(p) for p in s.positions],
        "recognition": recognition_json(s.recognition),
        "escalation": escalation,
    }


OTHER_ACTOR = "other"  # a speaker who speaks for none of the configured actors


def analysis_json(a: Analysis, escalation: Escalation) -> dict[str, Any]:
    """What `flashpoint extract` prints (the contract in docs/ARCHITECTURE.md); a
    statement's actor is "other" when its speaker speaks for none of the configured actors."""
    return {
        "statements": [
            {"speaker": s.speaker, "actor": s.actor or OTHER_ACTOR, "kind": s.kind, "text": s.text,
             "sentence": s.sentence}
            for s in a.statements
        ],
        "stances": [
            {"actor": e.actor, "topic": e.topic, "stance": e.stance, "evidence": e.evidence}
            for e in a.stances
        ],
        "recognition_events": [
            {"country": e.country, "change": e.change, "evidence": e.evidence}
            for e in a.recognition_events
        ],
        "escalation": {
            "score": round(escalation.score, 1),
            "level": escalation.level,
            "cues": [
                {"cue": c.cue, "code": c.code, "label": c.label, "weight": c.weight,
                 "evidence": c.evidence}
                for c in a.cues
            ],
        },
    }


def dumps(data: Any) -> str:
    """Pretty JSON text."""
    return orjson.dumps(data, option=orjson.OPT_INDENT_2 | orjson.OPT_NON_STR_KEYS).decode()


def round_lines(results: Iterable[RefreshResult], names: dict[str, str]) -> list[str]:
    """One human line per source for `flashpoint fetch --once`."""
    lines = []
    for r in results:
        name = names.get(r.source_id, r.source_id)
        if r.state == "ok":
            what = f"ok, {r.new_items} new item{'s' if r.new_items != 1 else ''}"
            if r.seen_elsewhere:
                what += f", {r.seen_elsewhere} already from another source"
            if r.repeated:
                what += f", {r.repeated} repeating an earlier id (first kept)"
            if r.truncated:
                what += f", truncated: {r.truncated} more items listed than read (first kept)"
        elif r.state == "not_modified":
            what = "not modified"
        elif r.state == "postponed":
            until = r.postponed_until.strftime("%Y-%m-%d %H:%M UTC") if r.postponed_until else "?"
            what = f"postponed until {until}: {r.error}"
        else:
            what = f"error: {r.error}"
        lines.append(f"{name:<28} {what}  ({r.elapsed:.1f} s)")
    return lines


def age_text(when: datetime | None, now: datetime) -> str:
    """How long ago `when` was, compactly (`45s`, `3m`, `2h`, `5d`), or `never`."""
    if when is None:
        return "never"
    seconds = max(0, int((now - when).total_seconds()))
    for unit, size in (("d", 86400), ("h", 3600), ("m", 60)):
        if seconds >= size:
            return f"{seconds // size}{unit}"
    return f"{seconds}s"


def level_text(s: Snapshot, now: datetime) -> str:
    """`ELEVATED 41↑`, `NO DATA`, or `CALM 3→ STALE 5h` (the age of the newest data)."""
    fresh = freshness_of(s)
    if fresh.no_data:
        return "NO DATA"
    esc = s.escalation
    arrow = {"rising": "↑", "falling": "↓"}.get(esc.trend, "→")
    text = f"{esc.level.upper()} {esc.score:.0f}{arrow}"
    if fresh.stale_since(now):
        text += f" STALE {age_text(fresh.last_success, now)}"
    return text


def source_details_fields(v: SourceView, now: datetime) -> list[tuple[str, str]]:
    """What the details of one source show: where it is, how it did, when it runs next."""
    h = v.health

    def when(value: datetime | None) -> str:
        if value is None:
            return "never"
        rel = f"{age_text(value, now)} ago" if value <= now else f"in {age_text(now, value)}"
        return f"{value:%Y-%m-%d %H:%M:%S} UTC ({rel})"

    return [
        ("id", v.id), ("kind", v.kind), ("url", v.url),
        ("state", h.state.replace("_", " ")),
        ("last error", h.last_error or "none"),
        ("failed rounds in a row", str(h.failures)),
        ("last success", when(h.last_success)),
        ("last attempt", when(h.last_attempt)),
        ("next run", when(h.next_run) if h.next_run else "not scheduled"),
        ("items stored", str(h.items)),
    ]


def failure_lines(results: Iterable[RefreshResult], health: dict[str, SourceHealth],
                  names: dict[str, str]) -> list[str]:
    """One log line per source that failed or was postponed in a round: why, and when
    it is tried next (what `collect` logs, so a failing source shows in the journal)."""
    lines = []
    for r in results:
        if r.state not in ("error", "postponed"):
            continue
        h = health.get(r.source_id)
        when = r.postponed_until or (h.next_run if h else None)
        next_try = when.strftime("%Y-%m-%d %H:%M UTC") if when else "on its next tick"
        failures = h.failures if h else 0
        streak = f" ({failures} rounds in a row)" if failures > 1 else ""
        what = "postponed" if r.state == "postponed" else "failed"
        lines.append(f"source {names.get(r.source_id, r.source_id)} {what}{streak}: "
                     f"{r.error}; next try {next_try}")
    return lines


def status_text(s: Snapshot, *, now: datetime | None = None) -> str:
    """A compact summary for a tmux status line or a motd."""
    now = now or utc_now()
    fresh = freshness_of(s)
    failing = [v.id for v in s.sources if v.health.state == "error"]
    parts = [
        f"{s.theatre}: {level_text(s, now)}",
        f"{s.items} items",
        f"{len(s.statements)} statements",
        f"{len(s.recognition.pending)} pending",
        f"{fresh.sources_ok}/{fresh.sources} sources ok",
    ]
    if failing:
        parts.append("failing: " + ", ".join(failing[:5]) + ("…" if len(failing) > 5 else ""))
    return " | ".join(parts)


__all__ = [
    "age_text",
    "analysis_json",
    "dumps",
    "escalation_json",
    "failure_lines",
    "freshness_json",
    "freshness_of",
    "level_text",
    "position_json",
    "recognition_json",
    "round_lines",
    "shown_level",
    "snapshot_json",
    "source_details_fields",
    "source_json",
    "statement_json",
    "status_text",
]
