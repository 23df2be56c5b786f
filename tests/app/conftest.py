"""Fixtures for the App tests: a config, a fixed clock, fakes for unit tests, and data."""

from __future__ import annotations

import asyncio
import dataclasses
from collections.abc import Iterable
from datetime import UTC, datetime, timedelta

import pytest

from dashboard.config import Config, topic_names
from dashboard.models import (
    BlocCount,
    CueHit,
    Driver,
    Escalation,
    HistoryPoint,
    Position,
    Recognition,
    RecognitionEvent,
    RefreshResult,
    Series,
    Snapshot,
    SourceHealth,
    SourceView,
    StanceEvidence,
    Statement,
)
from dashboard.snapshot import freshness

NOW = datetime(2026, 3, 1, 12, 0, tzinfo=UTC)
HOSTILE = [
    "[bold red]x[/]",
    "[link=file:///etc/passwd]y[/link]",
    "\x1b]0;pwned\x07",
    "\x1b[31mred",
    "\u202eevil",
]


def fixed_clock() -> datetime:
    """The tests' clock: always NOW."""
    return NOW


def make_config(**extra) -> Config:
    """A small theatre: three sources, three actors, two topics."""
    data = {
        "theatre": {"name": "Test Theatre"},
        "sources": [
            {"id": "wire", "name": "Wire", "url": "http://127.0.0.1:9/wire.xml"},
            {"id": "paper", "name": "Paper", "url": "http://127.0.0.1:9/paper.xml"},
            {"id": "gov", "name": "Gov", "url": "http://127.0.0.1:9/gov.xml"},
        ],
        "actors": [
            {"id": "serbia", "name": "Serbia"},
            {"id": "kosovo", "name": "Kosovo"},
            {"id": "usa", "name": "United States"},
        ],
        "topics": [
            {"id": "forces", "label": "Forces return", "phrases": ["forces"]},
            {"id": "dialogue", "label": "Dialogue", "phrases": ["dialogue"]},
        ],
        "display": {"statements": 20},
    }
    data.update(extra)
    return Config.model_validate(data)


def make_statements(n: int, *, start: datetime = NOW, texts: Iterable[str] = ()) -> list[Statement]:
    """`n` statements one hour apart, newest first; `texts` override the first ones."""
    texts = list(texts)
    actors = ["serbia", "kosovo", "usa"]
    out = []
    for i in range(n):
        text = texts[i] if i < len(texts) else f"statement number {i} about the forces"
        out.append(Statement(
            speaker=f"Speaker {i}", actor=actors[i % 3], kind="direct", text=text,
            sentence=f"Speaker {i} said: {text}", item_id=f"item-{i}", source_id="wire",
            time=start - timedelta(hours=i), link=f"https://example.org/{i}",
        ))
    return out


def make_positions() -> tuple[Position, ...]:
    ev = StanceEvidence("usa", "forces", "oppose", "The US opposes the return of forces.",
                        source_id="wire", time=NOW)
    return (
        Position("usa", "forces", "oppose", 0.9, (ev,), changed=True),
        Position("serbia", "forces", "support", 0.8, ()),
        Position("kosovo", "dialogue", "conditional", 0.6, ()),
    )


def make_recognition(pending: tuple[RecognitionEvent, ...] = ()) -> Recognition:
    return Recognition(
        subject="Kosovo",
        series=(Series("un", "UN members", 104, 193, "MFA list", "2025-01-01"),),
        blocs=(BlocCount("EU", 22, 27, ("Spain", "Greece")),),
        pending=pending,
        recent=(),
        unverified_rows=3,
        disputed_rows=2,
    )


def make_escalation(level="tense", score=20.0) -> Escalation:
    hit = CueHit("troops", 5.0, "Troops massed near the border.", time=NOW)
    return Escalation(score, level, "rising", (Driver(hit, 4.2),),
                      tuple(HistoryPoint(NOW - timedelta(hours=h), float(h)) for h in range(8)))


class FakeStore:
    """An in-memory Store for pilot unit tests (the snapshot tests use the real store)."""

    path = ":memory:"
    readonly = False

    def __init__(self, statements: list[Statement] | None = None):
        self._statements = statements or []
        self.decisions: list[tuple[str, str]] = []
        self.changed = False

    def statements(self, *, limit=200, before=None, actor=None, text=None):
        rows = [
            s for s in self._statements
            if (before is None or (s.time and s.time < before))
            and (actor is None or s.actor == actor)
            and (text is None or text.lower() in s.text.lower())
        ]
        return rows[:limit]

    def set_recognition_status(self, key, status, *, at=None, undo=False):
        self.decisions.append((key, status))

    def start_loading(self):
        pass

    def reload_if_changed(self):
        changed, self.changed = self.changed, False
        return changed

    def health(self):
        return {}

    def close(self):
        pass


class FakeBuilder:
    """A build_snapshot stand-in returning a snapshot made from fixture data."""

    def __init__(self, store: FakeStore, **overrides):
        self.store = store
        self.overrides = overrides
        self.calls = 0

    def __call__(self, config, store, *, now, fetching=frozenset()):
        self.calls += 1
        snap = Snapshot(
            theatre=config.theatre.name,
            items=len(self.store._statements),
            statements=tuple(store.statements(limit=config.display.statements)),
            positions=make_positions(),
            recognition=make_recognition(),
            escalation=make_escalation(),
            sources=tuple(
                SourceView(s.id, s.label, s.kind, str(s.url), SourceHealth(
                    s.id, "error" if s.id == "gov" else "ok", last_success=NOW - timedelta(
                        minutes=5), last_error="HTTP 500" if s.id == "gov" else None),
                    fetching=s.id in fetching)
                for s in config.sources
            ),
            actors={a.id: a.name for a in config.actors},
            topics={t.id: t.label for t in config.topics},
            actor_tags={a.id: a.tag for a in config.actors},
            topic_tags={i: n.short for i, n in topic_names(config.topics).items()},
            topic_abbrs={i: n.abbr for i, n in topic_names(config.topics).items()},
            updated=NOW,
        )
        health = {v.id: v.health for v in snap.sources}
        snap = dataclasses.replace(snap, freshness=freshness(config, health))
        return dataclasses.replace(snap, **self.overrides)


class FakeCollector:
    """Records rounds; each round waits on `gate` so tests can hold one open.

    `request` (the scheduler's batched ask) records its ids in `requests` and runs them
    as a round, without the real collector's delay.
    """

    def __init__(self, store=None):
        self.store = store
        self.rounds: list[list[str] | None] = []
        self.requests: list[list[str]] = []
        self.paused = False
        self.fetching: frozenset[str] = frozenset()
        self.gate: asyncio.Event | None = None
        self.active = 0
        self.max_active = 0
        self.results: list[RefreshResult] = []  # what each round returns

    async def run_round(self, source_ids=None) -> list[RefreshResult]:
        self.rounds.append(None if source_ids is None else list(source_ids))
        self.active += 1
        self.max_active = max(self.max_active, self.active)
        try:
            if self.gate is not None:
                await self.gate.wait()
        finally:
            self.active -= 1
        return list(self.results)

    async def request(self, source_ids, delay=1.0) -> list[RefreshResult]:
        self.requests.append(list(source_ids))
        if self.paused:
            return []
        return await self.run_round(source_ids)

    async def drain(self):
        self.paused = True

    async def aclose(self):
        pass


@pytest.fixture
def config() -> Config:
    return make_config()


@pytest.fixture
def fake_store() -> FakeStore:
    return FakeStore(make_statements(30))
