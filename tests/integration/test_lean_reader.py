"""The lean reader (storage/lean.py) on real store files: the snapshot a viewer builds from
the hour digests is the one a full load builds, it reads only the segments it needs, and
stores without digests (written before them) read the same."""

from __future__ import annotations

import random
import shutil
from datetime import UTC, datetime, timedelta
from pathlib import Path

import orjson
import pytest

from dashboard.config import load_config
from dashboard.models import (
    Analysis,
    CueHit,
    HistoryPoint,
    Item,
    RecognitionEvent,
    SourceHealth,
    StanceEvidence,
    Statement,
)
from dashboard.snapshot import build_snapshot
from dashboard.storage import Round, StoreError, TinyDBStore, lean, open_store
from dashboard.storage.lean import LeanReader

REPO = Path(__file__).resolve().parents[2]
CONFIG = load_config(REPO / "config.toml")
NOW = datetime(2026, 5, 20, 12, 0, 30, tzinfo=UTC)
HOURS = 60  # items over two and a half days: 60 hour segments
ACTORS = [a.id for a in CONFIG.actors][:5]
TOPICS = [t.id for t in CONFIG.topics][:3]
STANCES = ("support", "oppose", "neutral", "conditional")


def analysis_of(item: Item, rng: random.Random) -> Analysis:
    """Rows of every derived table, varied: actors, topics, stances, weights, credibility,
    several rows at one time (an item's sentences), equal sentences in other items."""
    common = {"item_id": item.id, "source_id": item.source_id, "time": item.when}
    credibility = rng.choice((0.5, 0.8, 1.0))
    sentence = f"Sentence {rng.randrange(40)} about the north."
    return Analysis(
        statements=tuple(
            Statement(f"Speaker {k}", rng.choice(ACTORS), rng.choice(("direct", "reported")),
                      f"words {item.id} {k}", sentence, link=item.link, **common)
            for k in range(rng.randrange(0, 4))),
        stances=tuple(
            StanceEvidence(rng.choice(ACTORS), rng.choice(TOPICS), rng.choice(STANCES),
                           sentence, credibility=credibility, **common)
            for _ in range(rng.randrange(0, 3))),
        recognition_events=(RecognitionEvent("GRC", "recognized", sentence, **common),)
        if rng.random() < 0.05 else (),
        cues=tuple(
            CueHit(rng.choice(("troops", "clash", "talks", "190")),
                   rng.choice((3.0, 2.5, -1.5, 0.7, 4.2)), sentence, credibility=credibility,
                   code="190" if k == 0 else "", label="Use force" if k == 0 else "", **common)
            for k in range(rng.randrange(0, 5))),
    )


def write_store(path: Path, *, rounds: int = 4, seed: int = 3) -> None:
    """A store written by the writer: `rounds` commits of items spread over HOURS hours."""
    rng = random.Random(seed)
    store = open_store(path)
    try:
        n = 0
        for r in range(rounds):
            items = []
            for _ in range(120):
                when = NOW - timedelta(seconds=rng.randrange(HOURS * 3600))
                items.append(Item(f"item-{n}", rng.choice(("wire", "blog")), f"t{n}", "s",
                                  f"https://e.test/{n}", when, when))
                n += 1
            store.commit_round(Round(
                finished=NOW, items=items, analyses={i.id: analysis_of(i, rng) for i in items},
                health=[SourceHealth("wire", "ok", NOW, NOW)],
                history=HistoryPoint(NOW - timedelta(hours=rounds - r), 20.0 + r)))
        store.set_recognition_status("GRC:recognized", "confirmed", at=NOW)
    finally:
        store.close()


def snapshots(path: Path, now: datetime = NOW):
    """(the snapshot of a full load, that of the lean reader) of the store at `path`."""
    full = TinyDBStore(path, readonly=True)
    reader = open_store(path, readonly=True)
    assert isinstance(reader, LeanReader)
    return build_snapshot(CONFIG, full, now=now), build_snapshot(CONFIG, reader, now=now)


@pytest.fixture
def path(tmp_path: Path) -> Path:
    return tmp_path / "store.json"


def test_a_viewers_snapshot_is_the_full_loads(path):
    write_store(path)
    full, lean_snap = snapshots(path)
    assert full.items == 480 and len(full.positions) > 10 and full.escalation.drivers
    assert full.recognition.decisions and full.statements
    assert lean_snap == full
    # later, when hits have decayed and the trend window holds other hits
    assert snapshots(path, NOW + timedelta(days=2))[1] == snapshots(
        path, NOW + timedelta(days=2))[0]


def test_the_lean_reader_answers_as_the_full_store(path):
    write_store(path)
    full = TinyDBStore(path, readonly=True)
    reader = open_store(path, readonly=True)
    assert reader.stance_evidence() == full.stance_evidence()
    assert reader.recognition_events() == full.recognition_events()
    since = NOW - timedelta(hours=30, minutes=17)
    assert reader.cue_hits(since=since) == full.cue_hits(since=since)
    def weights(store):  # the order within a time does not count (the sums are exact)
        return {t: sorted(products) for t, products in store.cue_weights(since).items()}

    assert weights(reader) == weights(full)
    assert reader.items(limit=7) == full.items(limit=7)
    assert reader.items(source_id="blog") == full.items(source_id="blog")
    assert reader.item("item-17") == full.item("item-17") is not None
    assert reader.item("nope") is None
    for kwargs in ({"limit": 50}, {"limit": 30, "before": since}, {"actor": ACTORS[1]},
                   {"text": "sentence 7 ", "limit": 500}):
        assert reader.statements(**kwargs) == full.statements(**kwargs), kwargs
    assert reader.known_ids(["item-3", "item-9999"]) == {"item-3"}
    assert reader.item_count() == full.item_count() == 480
    assert reader.history() == full.history() and reader.health() == full.health()
    assert reader.decisions() == full.decisions()


def test_a_snapshot_reads_the_digests_and_few_segments(path, monkeypatch):
    write_store(path)
    reader = open_store(path, readonly=True)
    read: list[str] = []
    real = lean.read_segment

    def counting(directory, name):
        read.append(name)
        return real(directory, name)

    monkeypatch.setattr(lean, "read_segment", counting)
    snap = build_snapshot(CONFIG, reader, now=NOW, statements=20)
    assert len(snap.statements) == 20
    # the hours of the newest statements and of the drivers; not the 60 hours stored
    hours = {f"{s.time:%Y-%m-%dT%H}" for s in snap.statements} | {
        f"{d.hit.time:%Y-%m-%dT%H}" for d in snap.escalation.drivers}
    # an hour's file, or the files of its minutes (segments.minute_of)
    assert {name[:13] for name in read} <= hours
    assert len(hours) < HOURS / 3
    assert not reader._tables["items"] and not reader._tables["statements"]


def test_a_store_without_digests_reads_the_same(path):
    write_store(path)
    for beside in path.parent.glob("store.json.items/*.*.*.json"):  # digests and stances
        beside.unlink()
    main = orjson.loads(path.read_bytes())  # as a writer before digests left it
    del main["meta"]["1"]["digests"], main["meta"]["1"]["items"]
    path.write_bytes(orjson.dumps(main))
    full, lean_snap = snapshots(path)
    assert lean_snap == full
    writer = open_store(path)  # the next writer gives every segment its digest
    writer.commit_round(Round(finished=NOW))
    writer.close()
    names = [n.name for n in path.parent.glob("store.json.items/*.json")]
    assert len([n for n in names if n.endswith(".digest.json")]) == HOURS
    assert len([n for n in names if n.endswith(".stances.json")]) == HOURS


def test_a_viewer_follows_the_writer(path):
    write_store(path, rounds=2)
    reader = open_store(path, readonly=True)
    before = build_snapshot(CONFIG, reader, now=NOW)
    writer = open_store(path)
    item = Item("late", "wire", "t", "s", "https://e.test/late", NOW, NOW)
    writer.commit_round(Round(finished=NOW, items=[item], analyses={"late": Analysis(
        statements=(Statement("Late", ACTORS[0], "direct", "late words", "Late.",
                              item_id="late", source_id="wire", time=NOW),),
        cues=(CueHit("troops", 9.0, "Late.", item_id="late", source_id="wire", time=NOW),))}))
    assert reader.reload_if_changed()
    after = build_snapshot(CONFIG, reader, now=NOW)
    assert after.items == before.items + 1 and after.statements[0].speaker == "Late"
    assert after == build_snapshot(CONFIG, writer, now=NOW)
    writer.close()
    with pytest.raises(StoreError, match="read-only"):
        reader.commit_round(Round(finished=NOW))


def test_the_version_2_fixture_reads_the_same(tmp_path):
    fixture = REPO / "tests" / "data" / "store_v2"
    shutil.copytree(fixture, tmp_path / "v2")
    full, lean_snap = snapshots(tmp_path / "v2" / "store.json",
                                datetime(2026, 11, 27, 12, 30, tzinfo=UTC))
    assert full.items and lean_snap == full
