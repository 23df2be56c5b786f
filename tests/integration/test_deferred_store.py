"""A deferred writer (`fetch --once`): the main file at open, the hour segments only when
a method needs them. Real store files; every answer is compared with a store opened whole.

A round of 304s commits health and its history point from the main file and the cue
weights of the escalation horizon, read from the hours' digests (never their segments); news,
retention due or any other question reads the segments first, as a full open would.
"""

from __future__ import annotations

from datetime import timedelta
from pathlib import Path

import orjson
import pytest

from dashboard.analysis.escalation import weigh
from dashboard.models import HistoryPoint, SourceHealth
from dashboard.storage import Round, StoreError, loading, open_store, reads, segments
from dashboard.storage.digests import digest_name
from tests.integration.test_store import NOW, make_item, make_round


@pytest.fixture
def path(tmp_path: Path) -> Path:
    """A store with items over three days (several hour segments) and a history."""
    path = tmp_path / "store.json"
    store = open_store(path, retention_days=30)
    items = [make_item(n, NOW - timedelta(hours=7 * n, minutes=n)) for n in range(10)]
    store.commit_round(make_round(items[:6], history=HistoryPoint(NOW, 12.5)))
    store.commit_round(make_round(items[6:], finished=NOW + timedelta(minutes=1)))
    store.close()
    return path


def named_digests(path: Path) -> list[Path]:
    """The digests of the segments the main file names, oldest hour first (the folder also
    holds files the last commits replaced: see segments)."""
    meta = orjson.loads(path.read_bytes())["meta"]["1"]
    return [segments.segment_dir(path) / digest_name(meta["segments"][key])
            for key in sorted(meta["segments"])]


@pytest.fixture
def segment_reads(monkeypatch) -> list[str]:
    """The names of the segment files read from now on (the real reading function runs)."""
    names: list[str] = []
    real = segments.load_json

    def recording(file: Path):
        if file.parent.name.endswith(".items"):
            names.append(file.name)
        return real(file)

    monkeypatch.setattr(segments, "load_json", recording)
    monkeypatch.setattr(reads, "load_json", recording)
    monkeypatch.setattr(loading, "load_json", recording)
    return names


def whole(path: Path):
    return open_store(path, readonly=True)


def test_a_round_of_304s_reads_only_the_horizons_segments_and_commits(path, segment_reads):
    store = open_store(path, retention_days=30, deferred=True)
    assert segment_reads == []  # the main file alone at open
    assert store.health() == whole(path).health()
    assert store.history() == whole(path).history()
    since = NOW - timedelta(hours=30)
    expected = whole(path).cue_hits(since=since)
    segment_reads.clear()
    # the same hits, in the same order, as a store opened whole
    assert store.cue_hits(since=since) == expected and len(expected) == 5
    read_for_hits = sorted(segment_reads)
    assert read_for_hits and all(name[:13] >= since.isoformat()[:13] for name in read_for_hits)
    # the round's history point reads them as weights from the horizon's digests alone
    segment_reads.clear()
    assert store.cue_weights(since=since) == weigh(expected) and store._deferred
    assert segment_reads and all(name.endswith(".digest.json") for name in segment_reads)
    assert sorted(n.removesuffix(".digest.json") + ".json" for n in segment_reads) \
        == read_for_hits
    segment_reads.clear()
    health = SourceHealth("src", "not_modified", NOW, NOW, None, NOW + timedelta(minutes=15))
    assert store.commit_round(Round(finished=NOW + timedelta(minutes=2), items=[],
                                    health=[health], history=HistoryPoint(NOW, 3.0))) == 0
    assert segment_reads == []  # committed from the main file alone
    store.close()
    after = whole(path)
    assert after.health()["src"] == health
    assert [p.score for p in after.history()] == [12.5, 3.0]
    assert after.item_count() == 10 and len(after.statements(limit=100)) == 10


def test_a_deferred_commit_writes_the_main_file_with_its_meta_as_read(path):
    # whatever the meta says of the segments (names, next ids, anything a later version
    # adds) still holds when no segment changed; only the round moves on
    data = orjson.loads(path.read_bytes())
    meta = data["meta"]["1"]
    meta["said-of-the-segments"] = [1, 2]
    path.write_bytes(orjson.dumps(data))
    store = open_store(path, retention_days=30, deferred=True)
    store.commit_round(Round(finished=NOW, items=[], history=HistoryPoint(NOW, 1.0)))
    store.commit_round(Round(finished=NOW, items=[], history=HistoryPoint(NOW, 2.0)))
    store.close()
    after = orjson.loads(path.read_bytes())["meta"]["1"]
    assert after == {**meta, "round": meta["round"] + 2}


def test_news_after_a_deferred_commit_gets_fresh_ids_and_lands_beside_the_old(path):
    store = open_store(path, retention_days=30, deferred=True)
    store.commit_round(Round(finished=NOW, items=[], history=HistoryPoint(NOW, 1.0)))
    new = [make_item(n, NOW + timedelta(minutes=n)) for n in range(10, 13)]
    assert store.known_ids([i.id for i in new] + ["item-0"]) == {"item-0"}
    assert store.commit_round(make_round(new, finished=NOW + timedelta(minutes=5))) == 3
    store.close()
    after = whole(path)
    assert after.item_count() == 13
    assert len(after.statements(limit=100)) == 13 and len(after.cue_hits()) == 13
    # the documents' ids are unique across the rounds before and after the deferred one
    assert len({s.item_id for s in after.statements(limit=100)}) == 13


def test_every_other_question_reads_the_segments_first(path):
    store = open_store(path, retention_days=30, deferred=True)
    assert store.item_count() == whole(path).item_count() == 10
    assert store.statements(limit=100) == whole(path).statements(limit=100)
    store.close()


def test_retention_due_reads_the_segments_and_archives_as_a_full_store(path):
    # the items span 63 hours: 30 days on from 30 hours before NOW, the older half goes
    later = NOW + timedelta(days=30, hours=-30)
    store = open_store(path, retention_days=30, deferred=True)
    store.commit_round(Round(finished=later, items=[]))
    store.close()
    after = whole(path)
    assert {i.id for i in after.items()} == {f"item-{n}" for n in range(5)}
    assert after.known_ids([f"item-{n}" for n in range(10)]) == {f"item-{n}" for n in range(10)}


def test_a_store_without_next_ids_is_read_whole(path, segment_reads):
    data = orjson.loads(path.read_bytes())
    del data["meta"]["1"]["next_ids"]
    path.write_bytes(orjson.dumps(data))
    store = open_store(path, retention_days=30, deferred=True)
    assert segment_reads  # read at open, so the ids are found by scanning them
    assert store.item_count() == 10
    store.close()


def test_the_weights_come_from_the_segments_where_an_hour_has_no_usable_digest(
        path, segment_reads):
    since = NOW - timedelta(hours=30)
    expected = weigh(whole(path).cue_hits(since=since))
    digests = named_digests(path)
    digests[-1].unlink()  # a store written before digests had none
    digests[-2].write_bytes(b'{"version": 99}')  # another version's digest
    store = open_store(path, retention_days=30, deferred=True)
    segment_reads.clear()
    assert store.cue_weights(since=since) == expected and store._deferred
    assert {digests[-1].name.removesuffix(".digest.json") + ".json",
            digests[-2].name.removesuffix(".digest.json") + ".json"} <= set(segment_reads)
    store.close()


def test_a_damaged_segment_under_a_missing_digest_makes_the_full_load_say_so(path):
    directory = segments.segment_dir(path)
    newest = named_digests(path)[-1]
    newest.unlink()
    (directory / (newest.name.removesuffix(".digest.json") + ".json")).write_bytes(b"{")
    store = open_store(path, retention_days=30, deferred=True)
    with pytest.raises(StoreError, match="not valid JSON"):
        store.cue_weights(since=NOW - timedelta(hours=30))
