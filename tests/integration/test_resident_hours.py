"""A writer holds only the hours it writes (storage/residency.py): every panel and every
read gives what a store loaded whole gives, on real files, through late items, article
pages read later, the analyst's decisions and retention."""

from __future__ import annotations

import random
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from dashboard.analysis.escalation import compute
from dashboard.analysis.positions import current_positions
from dashboard.config import SHIPPED_CONFIG, load_config
from dashboard.models import (
    Analysis,
    CueHit,
    Item,
    Page,
    RecognitionEvent,
    StanceEvidence,
    Statement,
)
from dashboard.snapshot import build_snapshot
from dashboard.storage import Round, TinyDBStore, open_store

NOW = datetime(2026, 5, 20, 12, 0, tzinfo=UTC)
ACTORS = ("serbia", "kosovo", "usa", "eu")
TOPICS = ("serbian-forces-return", "recognition", "dialogue")
CUES = (("troops", 2.5), ("talks", -1.5), ("clash", 4.0), ("barricade", 2.5))


def make_item(n: int, when: datetime, *, page: Page | None = None) -> Item:
    return Item(f"item-{n}", f"src-{n % 3}", f"title {n}", f"summary {n} " * 20,
                f"https://e.test/{n}", when, when + timedelta(minutes=1), page=page)


def make_analysis(item: Item, rng: random.Random) -> Analysis:
    common = {"item_id": item.id, "source_id": item.source_id, "time": item.when}
    sentences = [f"Speaker {item.id} said line {k}." for k in range(rng.randint(1, 4))]
    return Analysis(
        statements=tuple(
            Statement(f"Speaker {k}", rng.choice(ACTORS), "direct", f"words {k} {item.id}", s,
                      link=item.link, **common)
            for k, s in enumerate(sentences)),
        stances=tuple(
            StanceEvidence(rng.choice(ACTORS), rng.choice(TOPICS),
                           rng.choice(("support", "oppose")), rng.choice(sentences),
                           credibility=rng.choice((0.5, 1.0)), **common)
            for _ in range(rng.randint(0, 2))),
        recognition_events=tuple(
            RecognitionEvent(rng.choice(("GRC", "ESP", "SVK")), "recognized", sentences[0],
                             **common)
            for _ in range(rng.random() < 0.2)),
        cues=tuple(
            CueHit(cue, weight, rng.choice(sentences), credibility=rng.choice((0.5, 1.0)),
                   **common)
            for cue, weight in rng.sample(CUES, rng.randint(0, 3))),
    )


def round_of(items: list[Item], rng: random.Random, finished: datetime, **kw) -> Round:
    return Round(finished=finished, items=items,
                 analyses={i.id: make_analysis(i, rng) for i in items}, **kw)


@pytest.fixture
def config(tmp_path: Path):
    return load_config(SHIPPED_CONFIG)


def assert_same_reads(writer, path: Path, config, now: datetime) -> None:
    """Everything the writer answers equals what a store loaded whole answers."""
    reader = TinyDBStore(path, readonly=True)  # every file read into memory
    try:
        assert writer._cold, "some hours must have gone cold for this to prove anything"
        snap = build_snapshot(config, writer, now=now)
        assert snap == build_snapshot(config, reader, now=now)
        assert snap == build_snapshot(config, open_store(path, readonly=True), now=now)
        # the panels computed the old way, from every row in full
        esc = config.escalation
        assert snap.positions == tuple(current_positions(reader.stance_evidence(), now,
                                                         half_life=esc.half_life))
        assert snap.escalation == compute(reader.cue_hits(since=now - timedelta(
            seconds=esc.horizon)), now, reader.history(limit=500), esc)
        assert writer.cue_hits() == reader.cue_hits()
        since = now - timedelta(hours=5, minutes=30)
        assert writer.cue_hits(since=since) == reader.cue_hits(since=since)
        hits = reader.cue_hits(since=since)
        weights = writer.cue_weights(since=since)
        assert {t: sorted(v) for t, v in weights.items()} == {
            t: sorted(v) for t, v in reader.cue_weights(since=since).items()}
        assert sum(map(len, weights.values())) == len(hits)
        times = {h.time for h in hits[::3]}
        assert writer.cue_hits_at(times) == reader.cue_hits_at(times)
        assert writer.stance_evidence() == reader.stance_evidence()
        assert writer.recognition_events() == reader.recognition_events()
        # items of one time come in no defined order, in either
        items = writer.items()
        assert sorted(items, key=lambda i: i.id) == sorted(reader.items(), key=lambda i: i.id)
        assert [i.when for i in items] == sorted((i.when for i in items), reverse=True)
        assert writer.item("item-3") == reader.item("item-3")
        for kw in ({"limit": 5000}, {"actor": "usa"}, {"text": "line 2"},
                   {"before": now - timedelta(hours=4), "limit": 7}):
            assert writer.statements(**kw) == reader.statements(**kw)
        for source in ("src-0", "src-1", "src-2"):
            assert writer.pending_pages(source) == reader.pending_pages(source)
        assert writer.item_count() == reader.item_count()
    finally:
        reader.close()


def test_a_writer_holding_only_its_newest_hours_reads_as_a_store_loaded_whole(tmp_path, config):
    rng = random.Random(15)
    path = tmp_path / "store.json"
    writer = open_store(path, retention_days=30)
    writer.commit_round(round_of([make_item(1000, NOW - timedelta(days=3))], rng, NOW))
    n = 0
    # ten hours of news, a commit every 20 minutes, each bringing items of its own hour
    for step in range(30):
        now = NOW - timedelta(hours=10) + timedelta(minutes=20 * step)
        items = [make_item(n + k, now - timedelta(minutes=rng.randint(0, 15))) for k in range(4)]
        n += 4
        writer.commit_round(round_of(items, rng, now))
    resident = {h for h, index in writer._segments.items() if index.get("items")}
    # only the minutes the last commit wrote hold documents (segments.minute_of)
    assert resident and resident <= {f"{i.when:%Y-%m-%dT%H:%M}" for i in items}
    assert len(writer._tables["statements"]) < 30  # not the ≈ 300 stored
    assert_same_reads(writer, path, config, NOW)

    # a late item lands in a cold hour; a page is read for an item of another cold hour
    late = make_item(n, NOW - timedelta(hours=8, minutes=30), page=Page())
    writer.commit_round(round_of([late], rng, NOW))
    assert writer.pending_pages(late.source_id) == [late]
    read = Item(**{**{f: getattr(late, f) for f in late.__slots__},
                   "page": Page("ok", late.link, "Page", None, "Body.")})
    writer.commit_round(Round(finished=NOW, updated=[read],
                              analyses={late.id: make_analysis(late, rng)}))
    assert_same_reads(writer, path, config, NOW)

    # the analyst decides on an event stored in a cold hour
    old_event = next(e for e in writer.recognition_events()
                     if e.time is not None and e.time < NOW - timedelta(hours=6))
    writer.set_recognition_status(old_event.key, "confirmed", at=NOW)
    assert_same_reads(writer, path, config, NOW)

    # retention moves the oldest (cold) hours to the archive, the newer ones stay
    later = NOW + timedelta(days=30, hours=-5)
    writer.commit_round(round_of([make_item(n + 1, later)], rng, later))
    assert writer.item_count() == n + 3
    assert len(writer.items()) < n
    assert_same_reads(writer, path, config, later)
    writer.close()


def test_a_reopened_writer_cools_what_it_loaded_and_writes_the_same_files(tmp_path, config):
    rng = random.Random(7)
    path = tmp_path / "store.json"
    writer = open_store(path)
    for hour in range(6):
        when = NOW - timedelta(hours=6 - hour)
        writer.commit_round(round_of([make_item(10 * hour + k, when) for k in range(3)],
                                     rng, when))
    writer.close()
    reopened = open_store(path)
    reopened.commit_round(round_of([make_item(99, NOW)], rng, NOW))
    assert_same_reads(reopened, path, config, NOW)
    # a cold hour made resident for a late item is written back whole
    reopened.commit_round(round_of([make_item(98, NOW - timedelta(hours=5))], rng, NOW))
    assert_same_reads(reopened, path, config, NOW)
    assert len(reopened.items()) == 20
    reopened.close()
