"""The TinyDB store on real files: round trips, dedupe, one commit per round that rewrites
only the days it touched, retention, corrupt files, migration from the one-file layout,
readers, the writer lock and write failures."""

from __future__ import annotations

import os
import subprocess
import sys
import textwrap
import threading
from datetime import UTC, datetime, timedelta
from pathlib import Path

import orjson
import pytest

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
from dashboard.storage import (
    Round,
    StoreError,
    StoreLocked,
    atomic,
    convert,
    open_store,
    schema,
    writer_holder,
    writes,
)

REPO = Path(__file__).resolve().parents[2]
NOW = datetime(2026, 5, 20, 12, 0, tzinfo=UTC)


def make_item(n: int, when: datetime = NOW, source: str = "src") -> Item:
    return Item(f"item-{n}", source, f"title {n}", f"summary {n}", f"https://e/{n}", when,
                when + timedelta(minutes=5))


def make_analysis(item: Item, actor: str = "serbia") -> Analysis:
    t = item.when
    common = {"item_id": item.id, "source_id": item.source_id, "time": t}
    return Analysis(
        statements=(Statement("Speaker", actor, "direct", f"words {item.id}",
                              f"Speaker said words {item.id}.", link=item.link, **common),),
        stances=(StanceEvidence(actor, "topic", "oppose", "sentence", **common),),
        recognition_events=(RecognitionEvent("GRC", "recognized", "sentence", **common),),
        cues=(CueHit("troops", 2.0, "sentence", **common),),
    )


def make_round(items: list[Item], finished: datetime = NOW, **kw) -> Round:
    return Round(finished=finished, items=items,
                 analyses={i.id: make_analysis(i) for i in items}, **kw)


def run_python(code: str, **kw) -> subprocess.Popen:
    env = {**os.environ, "PYTHONPATH": str(REPO)}
    return subprocess.Popen([sys.executable, "-c", textwrap.dedent(code)], env=env,
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, **kw)


@pytest.fixture
def path(tmp_path: Path) -> Path:
    return tmp_path / "data" / "store.json"


def test_every_value_survives_a_reopen(path):
    items = [make_item(n, NOW - timedelta(hours=n)) for n in range(3)]
    health = SourceHealth("src", "ok", NOW, NOW, None, NOW + timedelta(minutes=15), 3, 0,
                          '"e"', "lm")
    store = open_store(path)  # the missing directory is created for writers
    assert store.commit_round(make_round(items, health=[health],
                                         history=HistoryPoint(NOW, 12.5))) == 3
    store.close()

    again = open_store(path, readonly=True)
    assert again.items() == items  # newest first
    assert again.item(items[1].id) == items[1]
    assert again.health() == {"src": health}
    assert again.history() == [HistoryPoint(NOW, 12.5)]
    analyses = [make_analysis(i) for i in items]
    assert again.statements() == [a.statements[0] for a in analyses]
    assert again.stance_evidence() == [a.stances[0] for a in reversed(analyses)]
    assert again.recognition_events() == [a.recognition_events[0] for a in reversed(analyses)]
    assert again.cue_hits() == [a.cues[0] for a in reversed(analyses)]
    assert again.item_count() == 3


def _docs(store, table: str) -> list[dict]:
    return list(store._db.table(table)._read_table().values())


def test_repeated_strings_are_held_once_after_a_commit_and_after_a_reopen(path):
    """The store is held in memory for weeks: each repeated value is one object."""
    items = [make_item(n) for n in range(3)]  # same time, same source
    store = open_store(path)
    store.commit_round(make_round(items))

    def check(store) -> None:
        rows = [d for t in ("items", "statements", "stances", "cues") for d in _docs(store, t)]
        assert len(rows) == 12
        times = [d.get("time") or d.get("when") for d in rows]
        assert len({id(t) for t in times}) == 1  # one copy of the shared time
        by_item = {}
        for d in rows:
            if "item_id" in d:
                by_item.setdefault(d["item_id"], set()).add(id(d["item_id"]))
        assert all(len(ids) == 1 for ids in by_item.values()) and len(by_item) == 3
        assert len({id(d["evidence"]) for d in _docs(store, "cues")}) == 1  # "sentence"
        # sharing changes no value
        assert sorted(st.text for st in store.statements()) == [
            f"words item-{n}" for n in range(3)]

    check(store)
    store.close()
    reopened = open_store(path)  # as `collect` holds it (a reader holds digests: lean.py)
    check(reopened)
    assert reopened.item_count() == 3


def test_dedupe_across_rounds_and_within_a_round(path):
    store = open_store(path)
    first = [make_item(n) for n in range(5)]
    assert store.commit_round(make_round(first)) == 5
    second = [*first[3:], make_item(5), make_item(5)]
    assert store.known_ids(i.id for i in second) == {"item-3", "item-4"}
    assert store.commit_round(make_round(second)) == 1
    store.close()

    reopened = open_store(path)
    assert reopened.item_count() == 6
    assert reopened.commit_round(make_round(first)) == 0
    assert len(reopened.statements(limit=100)) == 6  # no analysis stored twice
    assert len(reopened.cue_hits()) == 6
    reopened.close()


def with_digests(files) -> list[str]:
    """Segment files and the digest and stances written beside each (storage/digests.py)."""
    return [name for f in files for name in (
        str(f), *(str(f).removesuffix(".json") + end for end in (".digest.json", ".stances.json")))]


def segments(path: Path) -> dict[str, Path]:
    """The segment files the main file names, by segment key ("YYYY-MM-DDTHH")."""
    meta = next(iter(orjson.loads(path.read_bytes())["meta"].values()))
    return {key: path.parent / "store.json.items" / name
            for key, name in meta["segments"].items()}


def test_a_round_rewrites_only_the_hours_it_touched_and_the_main_file_last(path, monkeypatch):
    store = open_store(path)
    replaced: list[str] = []
    real_replace = os.replace

    def counting_replace(src, dst):
        replaced.append(str(dst))
        real_replace(src, dst)

    monkeypatch.setattr(atomic.os, "replace", counting_replace)
    yesterday = NOW - timedelta(days=1)
    store.commit_round(make_round([make_item(1001, yesterday), make_item(1002)]))
    days = segments(path)  # the newest hour is written in minutes (segments.minute_of)
    assert set(days) == {f"{NOW:%Y-%m-%dT%H:%M}", f"{yesterday:%Y-%m-%dT%H}"}
    assert sorted(replaced) == sorted([*with_digests(days.values()), str(path)])
    assert replaced[-1] == str(path)  # the commit point comes last
    old_day = days[f"{yesterday:%Y-%m-%dT%H}"]
    untouched = (old_day.stat().st_ino, old_day.stat().st_mtime_ns)
    for n in range(3):
        replaced.clear()
        before = path.stat().st_ino
        items = [make_item(100 * n + k) for k in range(50)]
        store.commit_round(make_round(items, health=[SourceHealth("src", "ok")],
                                      history=HistoryPoint(NOW + timedelta(minutes=n), 1.0)))
        today = segments(path)[f"{NOW:%Y-%m-%dT%H:%M}"]
        # one segment, its digest and stances, then the main file
        assert replaced == [*with_digests([today]), str(path)]
        assert path.stat().st_ino != before  # a new main file replaced the old one
    assert (old_day.stat().st_ino, old_day.stat().st_mtime_ns) == untouched
    assert len(segments(path)) == 2
    store.commit_round(make_round([]))  # today's minute becomes its hour, and
    store.commit_round(make_round([]))  # replaced files outlive their main file by a commit
    assert set(segments(path)) == {f"{NOW:%Y-%m-%dT%H}", f"{yesterday:%Y-%m-%dT%H}"}
    assert len(list((path.parent / "store.json.items").iterdir())) == 6  # 2, 3 files each
    main = orjson.loads(path.read_bytes())
    assert set(main) == {"meta", "health", "history", "audit"}  # items and analysis: segments
    assert not [p for p in path.parent.rglob("*.tmp")]
    store.close()
    assert open_store(path, readonly=True).item_count() == 152


def test_file_changes_once_per_commit_and_never_between(path):
    store = open_store(path)
    inodes = []
    for n in range(4):
        store.commit_round(make_round([make_item(n)]))
        st = path.stat()
        inodes.append((st.st_ino, st.st_mtime_ns))
        store.items(), store.statements(), store.health()  # reads never write
        st = path.stat()
        assert (st.st_ino, st.st_mtime_ns) == inodes[-1]
    assert len(set(inodes)) == 4
    store.close()


def test_retention_moves_old_items_to_daily_archives_and_keeps_them_deduped(path):
    store = open_store(path, retention_days=30)
    old = [make_item(n, NOW - timedelta(days=40 + n * 20)) for n in range(3)]
    fresh = [make_item(10 + n, NOW - timedelta(days=n)) for n in range(2)]
    assert store.commit_round(make_round(old + fresh)) == 5
    assert {i.id for i in store.items()} == {i.id for i in fresh}
    assert store.item_count() == 5
    store.close()

    archive = path.parent / "store.json.archive"
    days = {p.name for p in archive.glob("20*.json")}
    assert days == {f"{i.when:%Y-%m-%d}.json" for i in old}
    archived = {}
    for day in days:
        archived.update(orjson.loads((archive / day).read_bytes())["items"])
    assert set(archived) == {i.id for i in old}
    hot: dict[str, dict] = {"items": {}, "statements": {}}
    for segment in segments(path).values():
        held = orjson.loads(segment.read_bytes())["tables"]
        for table in hot:
            hot[table].update(held.get(table, {}))
    assert {d["id"] for d in hot["items"].values()} == {i.id for i in fresh}
    # derived rows leave with their items and travel inside the archived item
    assert {d["item_id"] for d in hot["statements"].values()} == {i.id for i in fresh}
    for item in old:
        held = archived[item.id]["derived"]
        assert {t: [r["item_id"] for r in rows] for t, rows in held.items()} == {
            "statements": [item.id], "stances": [item.id], "cues": [item.id]}
    assert len(open_store(path, readonly=True).recognition_events()) == 5, (
        "recognition events stay hot: the panel and the analyst's decisions need them all")

    reopened = open_store(path, retention_days=30)
    assert reopened.known_ids(i.id for i in old) == {i.id for i in old}
    assert reopened.commit_round(make_round(old)) == 0
    assert reopened.item_count() == 5
    assert len(reopened.statements(limit=100)) == 2
    # new documents after removals and a reload must not reuse (overwrite) a stored id
    assert reopened.commit_round(make_round([make_item(98), make_item(99)])) == 2
    assert {i.id for i in reopened.items()} == {i.id for i in fresh} | {"item-98", "item-99"}
    assert len(reopened.statements(limit=100)) == 4
    reopened.close()


def test_history_is_bounded(path, monkeypatch):
    monkeypatch.setattr(writes, "HISTORY_LIMIT", 5)
    store = open_store(path)
    for n in range(8):
        store.commit_round(Round(finished=NOW, history=HistoryPoint(NOW + timedelta(n), n)))
    assert [p.score for p in store.history()] == [3, 4, 5, 6, 7]
    assert [p.score for p in store.history(limit=2)] == [6, 7]
    store.close()


def test_health_is_replaced_per_source(path):
    store = open_store(path)
    store.commit_round(Round(NOW, health=[SourceHealth("a", "ok"), SourceHealth("b", "error")]))
    store.commit_round(Round(NOW, health=[SourceHealth("b", "ok", failures=0, items=2)]))
    store.close()
    assert open_store(path, readonly=True).health() == {
        "a": SourceHealth("a", "ok"), "b": SourceHealth("b", "ok", items=2)}


def test_statement_queries_page_and_filter(path):
    store = open_store(path)
    items = [make_item(n, NOW - timedelta(hours=n)) for n in range(10)]
    analyses = {i.id: make_analysis(i, "serbia" if n % 2 else "kosovo")
                for n, i in enumerate(items)}
    store.commit_round(Round(NOW, items=items, analyses=analyses))
    page1 = store.statements(limit=4)
    assert [s.item_id for s in page1] == [i.id for i in items[:4]]
    page2 = store.statements(limit=4, before=page1[-1].time)
    assert [s.item_id for s in page2] == [i.id for i in items[4:8]]
    assert {s.actor for s in store.statements(actor="kosovo")} == {"kosovo"}
    assert [s.item_id for s in store.statements(text="WORDS ITEM-3")] == ["item-3"]
    assert len(store.cue_hits(since=NOW - timedelta(hours=2))) == 3
    store.close()


def test_queries_across_many_days_agree_with_a_full_sort_and_see_every_write(path):
    """Reads go newest day first and keep converted days: the answers must be exactly
    what a sort over every row gives, after inserts into a cached day and after retention."""
    store = open_store(path, retention_days=30)
    items = [make_item(n, NOW - timedelta(hours=7 * n)) for n in range(60)]  # ~17 days
    analyses = {i.id: make_analysis(i, "serbia" if n % 3 else "kosovo")
                for n, i in enumerate(items)}
    store.commit_round(Round(NOW, items=items, analyses=analyses))
    by_time = sorted(items, key=lambda i: i.when, reverse=True)
    assert [s.item_id for s in store.statements(limit=25)] == [i.id for i in by_time[:25]]
    page = store.statements(limit=10, before=by_time[30].when)
    assert [s.item_id for s in page] == [i.id for i in by_time[31:41]]
    kosovo = [i.id for n, i in enumerate(items) if n % 3 == 0]
    assert [s.item_id for s in store.statements(limit=7, actor="kosovo")] == kosovo[:7]
    since = NOW - timedelta(days=5, hours=3)
    assert [h.item_id for h in store.cue_hits(since=since)] == [
        i.id for i in reversed(by_time) if i.when >= since]
    assert [e.item_id for e in store.stance_evidence()] == [i.id for i in reversed(by_time)]

    # a new item on a day already read (and converted) shows up in every read
    late = make_item(100, NOW + timedelta(minutes=30))
    store.commit_round(Round(NOW, items=[late], analyses={late.id: make_analysis(late)}))
    assert store.statements(limit=1)[0].item_id == late.id
    assert store.cue_hits(since=since)[-1].item_id == late.id
    assert store.stance_evidence()[-1].item_id == late.id

    # retention 10 days later takes the old days' rows out of every read
    store.commit_round(Round(NOW + timedelta(days=10 + 2)))
    cutoff = NOW + timedelta(days=12) - timedelta(days=30)
    kept = [i for i in by_time if i.when >= cutoff]
    assert {e.item_id for e in store.stance_evidence()} == {i.id for i in kept} | {late.id}
    assert len(store.cue_hits()) == len(kept) + 1
    store.close()


def test_recognition_decision_is_written_at_once_and_survives_reanalysis(path):
    store = open_store(path)
    store.commit_round(make_round([make_item(1)]))
    reader = open_store(path, readonly=True)
    store.set_recognition_status("GRC:recognized", "confirmed")
    assert reader.reload_if_changed()
    assert [e.status for e in reader.recognition_events()] == ["confirmed"]

    item = make_item(1)
    store.replace_analyses({item.id: make_analysis(item, actor="usa")})
    assert [s.actor for s in store.statements()] == ["usa"]
    assert [e.status for e in store.recognition_events()] == ["confirmed"]
    store.commit_round(make_round([make_item(2)]))  # a new report of a decided key
    assert [e.status for e in store.recognition_events()] == ["confirmed", "confirmed"]
    store.close()


def test_reader_sees_complete_data_and_reloads_after_a_commit(path):
    writer = open_store(path)
    writer.commit_round(make_round([make_item(1)]))
    reader = open_store(path, readonly=True)
    assert reader.item_count() == 1
    assert not reader.reload_if_changed()
    writer.commit_round(make_round([make_item(2), make_item(3)]))
    assert reader.item_count() == 1  # until it reloads
    assert reader.reload_if_changed()
    assert reader.item_count() == 3
    assert not reader.reload_if_changed()
    with pytest.raises(StoreError, match="read-only"):
        reader.commit_round(make_round([make_item(4)]))
    writer.close()


def test_reader_of_a_missing_store_is_empty_and_creates_nothing(tmp_path):
    path = tmp_path / "nowhere" / "store.json"
    reader = open_store(path, readonly=True)
    assert reader.item_count() == 0 and reader.items() == []
    assert not path.parent.exists()


def altered(good: bytes, **changes) -> bytes:
    return orjson.dumps({**orjson.loads(good), **changes})


def newer(good: bytes) -> bytes:
    main = orjson.loads(good)
    main["meta"]["1"]["format"] = 99
    return orjson.dumps(main)


CORRUPT = {
    "truncated": lambda good: good[: len(good) // 2],
    "list": lambda good: b"[1, 2, 3]",
    "tinydb-default": lambda good: b'{"_default": {"1": {"a": 1}}}',
    "newer-format": newer,
    "health-not-documents": lambda good: altered(good, health={"9": 5}),
    "segment-missing": lambda good: altered(good, meta={"1": {
        "format": schema.FORMAT, "segments": {"2026-05-20": "2026-05-20.77.json"}}}),
    "segment-list-damaged": lambda good: altered(good, meta={"1": {
        "format": schema.FORMAT, "segments": {"2026-05-20": "../../etc/passwd"}}}),
}


@pytest.mark.parametrize("kind", CORRUPT)
def test_a_file_that_does_not_load_is_moved_aside_never_overwritten(path, kind):
    store = open_store(path)
    store.commit_round(make_round([make_item(1)]))
    store.close()
    bad = CORRUPT[kind](path.read_bytes())
    path.write_bytes(bad)

    with pytest.raises(StoreError) as reader_error:
        open_store(path, readonly=True)
    assert "Start a writer" in str(reader_error.value)
    assert path.read_bytes() == bad  # a reader moves nothing

    with pytest.raises(StoreError) as writer_error:
        open_store(path)
    backups = list(path.parent.glob("store.json.corrupt-*"))
    assert len(backups) == 1
    assert str(backups[0]) in str(writer_error.value)
    assert backups[0].read_bytes() == bad
    if kind == "newer-format":
        assert "newer Flashpoint" in str(writer_error.value)
    assert writer_holder(path) is None  # the failed writer released its lock

    fresh = open_store(path)
    assert fresh.item_count() == 0
    assert fresh.commit_round(make_round([make_item(1)])) == 1
    fresh.close()


def test_a_damaged_segment_is_moved_aside_with_the_main_file(path):
    store = open_store(path)
    store.commit_round(make_round([make_item(1), make_item(2, NOW - timedelta(days=1))]))
    store.close()
    damaged = segments(path)[f"{NOW:%Y-%m-%dT%H:%M}"]
    cut = damaged.read_bytes()[:40]
    damaged.write_bytes(cut)
    reader = open_store(path, readonly=True)  # reads the hour's digest, not its segment
    with pytest.raises(StoreError, match=f"{damaged.name} is not valid JSON.*Start a writer"):
        reader.statements()  # the segment is read when its rows are asked for
    damaged.with_name(damaged.name.replace(".json", ".digest.json")).write_bytes(cut)
    with pytest.raises(StoreError, match="Start a writer"):
        open_store(path, readonly=True)  # a damaged digest: its segment is read instead
    with pytest.raises(StoreError, match="moved to"):
        open_store(path)
    [aside] = path.parent.glob("store.json.items.corrupt-*")
    assert (aside / damaged.name).read_bytes() == cut
    # both hours (and their digests and stances) kept for a human to recover
    assert len(list(aside.iterdir())) == 6
    assert open_store(path).item_count() == 0


def write_format_1(path: Path, items: list[Item]) -> bytes:
    """A store in the one-file layout of format 1, as the previous version wrote it."""
    tables: dict[str, dict] = {name: {} for name in schema.TABLES}
    tables["meta"] = {"1": {"format": 1}}
    for n, item in enumerate(items, 1):
        tables["items"][str(n)] = convert.to_doc(item)
        analysis = make_analysis(item)
        tables["statements"][str(n)] = convert.to_doc(analysis.statements[0])
        tables["stances"][str(n)] = convert.to_doc(analysis.stances[0])
        tables["recognition"][str(n)] = convert.to_doc(
            analysis.recognition_events[0])
        tables["cues"][str(n)] = convert.to_doc(analysis.cues[0])
    tables["history"]["1"] = convert.to_doc(HistoryPoint(NOW, 3.0))
    tables["health"]["1"] = convert.to_doc(SourceHealth("src", "ok"))
    data = orjson.dumps(tables)
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(data)
    return data


def test_a_format_1_store_is_read_as_is_and_migrated_by_the_first_writer(path):
    items = [make_item(n, NOW - timedelta(days=n % 3, hours=n)) for n in range(9)]
    original = write_format_1(path, items)

    reader = open_store(path, readonly=True)
    assert reader.items() == sorted(items, key=lambda i: i.when, reverse=True)
    assert path.read_bytes() == original  # a reader migrates in memory only
    assert not (path.parent / "store.json.items").exists()

    writer = open_store(path)  # migrates on open
    main = orjson.loads(path.read_bytes())
    assert main["meta"]["1"]["format"] == schema.FORMAT == 2
    assert "items" not in main and "statements" not in main
    assert len(segments(path)) == len({f"{i.when:%Y-%m-%dT%H}" for i in items})  # per hour
    assert reader.reload_if_changed()
    for store in (reader, writer):
        assert store.items() == sorted(items, key=lambda i: i.when, reverse=True)
        assert len(store.statements()) == len(store.cue_hits()) == 9
        assert len(store.stance_evidence()) == len(store.recognition_events()) == 9
        assert store.history() == [HistoryPoint(NOW, 3.0)]
        assert store.health() == {"src": SourceHealth("src", "ok")}
    # ids go on after the migrated ones: new rows overwrite nothing
    assert writer.commit_round(make_round([*items, make_item(50)])) == 1
    writer.close()
    again = open_store(path, readonly=True)
    assert again.item_count() == 10 and len(again.statements(limit=100)) == 10


def test_a_later_format_step_runs_after_loading(path, monkeypatch):
    store = open_store(path)
    store.commit_round(make_round([make_item(1)]))
    store.close()

    def v2_to_v3(tables):
        for doc in tables["items"].values():
            doc["title"] = doc["title"].upper()
        return tables

    monkeypatch.setattr(schema, "FORMAT", 3)
    monkeypatch.setattr(schema, "MIGRATIONS", {**schema.MIGRATIONS, 2: v2_to_v3})
    migrated = open_store(path)
    assert migrated.items()[0].title == "TITLE 1"
    migrated.close()
    assert orjson.loads(path.read_bytes())["meta"]["1"]["format"] == 3
    assert open_store(path, readonly=True).items()[0].title == "TITLE 1"


def test_second_writer_is_refused_naming_the_holder(path):
    holder = run_python(f"""
        import sys
        from dashboard.storage import open_store
        store = open_store({str(path)!r})
        print("ready", flush=True)
        sys.stdin.read()
        store.close()
    """, stdin=subprocess.PIPE)
    try:
        assert holder.stdout.readline().strip() == "ready"
        with pytest.raises(StoreLocked) as refused:
            open_store(path)
        message = str(refused.value)
        assert f"pid {holder.pid} on " in message and "-c" in message
        assert refused.value.holder == writer_holder(path)
        reader = open_store(path, readonly=True)  # readers need no lock
        assert reader.item_count() == 0
    finally:
        holder.kill()
        holder.wait()
    assert writer_holder(path) is None  # the kernel released the dead holder's lock
    open_store(path).close()


def test_missing_directory_that_cannot_be_created_is_a_clear_error(tmp_path):
    blocker = tmp_path / "a-file"
    blocker.write_text("not a directory")
    with pytest.raises(StoreError, match=r"cannot create the directory for .*a-file"):
        open_store(blocker / "store.json")


def test_a_failed_write_leaves_the_previous_file_intact(path):
    # RLIMIT_FSIZE makes the kernel refuse the big write (EFBIG), even for root.
    proc = run_python(f"""
        import resource, signal
        from datetime import datetime, UTC
        from dashboard.models import Item
        from dashboard.storage import Round, StoreError, open_store
        now = datetime.now(UTC)
        def items(a, b):
            return [Item(f"i{{n}}", "s", "t" * 500, "", None, None, now) for n in range(a, b)]
        store = open_store({str(path)!r})
        store.commit_round(Round(now, items=items(0, 2)))
        signal.signal(signal.SIGXFSZ, signal.SIG_IGN)
        limit = {path!r}.stat().st_size + 100
        resource.setrlimit(resource.RLIMIT_FSIZE, (limit, limit))
        try:
            store.commit_round(Round(now, items=items(2, 50)))
        except StoreError as exc:
            print(exc)
        print(store.item_count())
    """.replace("PosixPath(", "__import__('pathlib').Path("))
    out, err = proc.communicate(timeout=30)
    assert proc.returncode == 0, err
    message, count = out.strip().splitlines()
    assert message.startswith(f"cannot write {path.parent / 'store.json.items'}/")
    assert "File too large" in message
    assert message.endswith("the previous file is intact")
    assert count == "2"  # memory went back to what the file holds
    reader = open_store(path, readonly=True)
    assert {i.id for i in reader.items()} == {"i0", "i1"}
    assert not [p for p in path.parent.iterdir() if p.name.endswith(".tmp")]


def test_reads_in_one_thread_while_rounds_commit_in_another(path):
    store = open_store(path)
    rounds = 40

    def commit_all():
        for r in range(rounds):
            store.commit_round(make_round([make_item(1000 * r + k) for k in range(50)]))

    interval = sys.getswitchinterval()
    sys.setswitchinterval(1e-6)  # switch threads often, so an unlocked store gets caught
    try:
        writer = threading.Thread(target=commit_all)
        writer.start()
        seen = []
        while writer.is_alive():
            statements = store.statements(limit=10_000)  # must never see half a round
            seen.append(len(statements))
            assert len(statements) % 50 == 0
        writer.join()
    finally:
        sys.setswitchinterval(interval)
    assert len(store.statements(limit=10_000)) == rounds * 50
    assert seen == sorted(seen)
    store.close()


def test_a_reader_reloading_while_another_process_commits_sees_only_whole_rounds(path):
    rounds, size = 20, 10
    told = path.parent.parent / "reader-saw"  # the count the reader saw last (beside the store)
    writer = run_python(f"""
        import time
        from datetime import UTC, datetime, timedelta
        from pathlib import Path
        from dashboard.models import Analysis, CueHit, Item
        from dashboard.storage import Round, open_store
        store = open_store({str(path)!r})
        told = Path({str(told)!r})
        now = datetime.now(UTC)
        for r in range({rounds}):
            items = [Item(f"{{r}}-{{k}}", "s", "t", "", None, now - timedelta(days=k % 3), now)
                     for k in range({size})]
            store.commit_round(Round(now, items=items, analyses={{i.id: Analysis(
                cues=(CueHit("c", 1.0, "e", item_id=i.id, time=i.when),)) for i in items}}))
            # wait a while (not for ever) until the reader has seen this commit: a reader
            # inside a large, loaded process (a full collection per reload) can be slower
            # than 20 commits, and this test is about what it sees, not about its speed
            deadline = time.monotonic() + 10
            while time.monotonic() < deadline and int(
                    told.read_text() if told.exists() else 0) < (r + 1) * {size}:
                time.sleep(0.01)
        store.close()
    """)
    reader = open_store(path, readonly=True)
    seen = set()
    while writer.poll() is None or reader.reload_if_changed():
        reader.reload_if_changed()
        count = reader.item_count()
        assert count % size == 0  # three day segments per round, never a part of one
        assert len(reader.cue_hits()) == count
        seen.add(count)
        told.with_suffix(".new").write_text(str(count))
        told.with_suffix(".new").replace(told)  # whole, never half-written
    assert writer.returncode == 0, writer.stderr.read()
    reader.reload_if_changed()
    assert reader.item_count() == rounds * size
    assert len(seen) > 2  # it did read between commits


def test_a_reader_of_the_previous_main_file_still_finds_its_segments(path):
    """A reader that loaded main file N before the writer's commit N+1 can still read the
    day segments N names: the writer deletes replaced segments one commit later."""
    writer = open_store(path)
    writer.commit_round(make_round([make_item(1)]))
    named_by_first = set(orjson.loads(path.read_bytes())["meta"]["1"]["segments"].values())
    writer.commit_round(make_round([make_item(2)]))
    on_disk = {p.name for p in (path.parent / (path.name + ".items")).iterdir()}
    assert named_by_first <= on_disk
    writer.commit_round(make_round([make_item(3)]))
    on_disk = {p.name for p in (path.parent / (path.name + ".items")).iterdir()}
    assert not named_by_first & on_disk  # gone two commits later
    writer.close()


def test_a_store_with_whole_day_segments_reads_and_grows_with_hour_segments(path, monkeypatch):
    """Stores written before hourly segments hold "YYYY-MM-DD" segments; new rows go to
    minutes, then hours, beside them, and every read and retention treats them alike."""
    def whole_day(table, doc):
        stamp = doc.get("when") if table == "items" else doc.get("time")
        return stamp[:10]

    early = [make_item(n, NOW - timedelta(hours=n)) for n in range(1, 6)]  # 07:00-11:00
    with monkeypatch.context() as m:
        m.setattr(writes, "segment_of", whole_day)
        m.setattr(writes, "minute_of", whole_day)
        old = open_store(path, retention_days=30)
        old.commit_round(make_round(early))
        old.close()
    assert set(segments(path)) == {f"{NOW:%Y-%m-%d}"}

    store = open_store(path, retention_days=30)
    late = [make_item(10 + n, NOW + timedelta(minutes=30 * n)) for n in range(4)]  # 12:00-13:30
    store.commit_round(make_round(late))
    # the newest hour is written in minutes (segments.minute_of), an older one whole
    assert set(segments(path)) == {f"{NOW:%Y-%m-%d}", f"{NOW:%Y-%m-%dT%H}",
                                   *(f"{i.when:%Y-%m-%dT%H:%M}" for i in late[2:])}
    every = sorted(early + late, key=lambda i: i.when, reverse=True)
    assert [s.item_id for s in store.statements(limit=6)] == [i.id for i in every[:6]]
    page = store.statements(limit=3, before=NOW - timedelta(hours=1, minutes=30))
    assert [s.item_id for s in page] == [i.id for i in every if i.when < NOW - timedelta(
        hours=1, minutes=30)][:3]
    since = NOW - timedelta(hours=2)  # inside the whole-day segment
    assert [h.item_id for h in store.cue_hits(since=since)] == [
        i.id for i in reversed(every) if i.when >= since]

    # a commit writing into neither hour folds each one's minutes into one segment
    store.commit_round(Round(NOW + timedelta(hours=2)))
    assert set(segments(path)) == {f"{NOW:%Y-%m-%d}", f"{NOW:%Y-%m-%dT%H}",
                                   f"{NOW + timedelta(hours=1):%Y-%m-%dT%H}"}
    assert [s.item_id for s in store.statements(limit=9)] == [i.id for i in every]
    assert [h.item_id for h in store.cue_hits(since=since)] == [
        i.id for i in reversed(every) if i.when >= since]

    # thirty days on, retention takes the whole-day segment's items and the hours' alike
    store.commit_round(Round(NOW + timedelta(days=32)))
    assert store.items() == [] and store.item_count() == 9
    assert store.statements() == [] and store.cue_hits() == []
    store.close()


def test_an_hour_in_minutes_stays_in_minutes_until_it_is_folded(path):
    """Late rows of an hour still kept in minutes go to minutes, never to a second,
    whole-hour segment of the same hour (newest-first reads rely on segments that do not
    overlap); the hour becomes one segment once a commit passes it by."""
    hour = NOW.replace(minute=0)
    store = open_store(path)
    store.commit_round(make_round([make_item(1, hour + timedelta(minutes=5)),
                                   make_item(2, hour + timedelta(minutes=10))]))
    # the next hour starts; late items for a new and for an existing minute of this one
    late = [make_item(3, hour + timedelta(hours=1)), make_item(4, hour + timedelta(minutes=30)),
            make_item(5, hour + timedelta(minutes=5, seconds=30))]
    store.commit_round(make_round(late))
    keys = set(segments(path))
    assert f"{hour:%Y-%m-%dT%H}" not in keys
    assert {f"{hour + timedelta(minutes=m):%Y-%m-%dT%H:%M}" for m in (5, 10, 30)} <= keys
    every = [3, 4, 2, 5, 1]  # newest first
    assert [s.item_id for s in store.statements(limit=5)] == [f"item-{n}" for n in every]
    assert [s.item_id for s in store.statements(limit=2, before=hour + timedelta(minutes=31))
            ] == ["item-4", "item-2"]
    reader = open_store(path, readonly=True)
    assert [s.item_id for s in reader.statements(limit=5)] == [f"item-{n}" for n in every]
    store.commit_round(make_round([make_item(6, hour + timedelta(hours=1, minutes=1))]))
    keys = set(segments(path))
    assert f"{hour:%Y-%m-%dT%H}" in keys and not [k for k in keys if k.startswith(
        f"{hour:%Y-%m-%dT%H}:")]
    assert [s.item_id for s in store.statements(limit=6)] == [
        "item-6", *(f"item-{n}" for n in every)]
    store.close()


def test_statements_with_equal_times_keep_their_stored_order_across_processes(path):
    """A day's keys are a set, whose order changes with the process's string hashing: rows
    with the same time must still come back in the order they were stored (sentence order),
    in this process and in another."""
    store = open_store(path)
    item = make_item(1)
    said = tuple(Statement(f"Speaker {n}", "serbia", "direct", f"words {n}", f"sentence {n}",
                           item.id, item.source_id, item.when) for n in range(24))
    store.commit_round(Round(NOW, items=[item], analyses={item.id: Analysis(statements=said)}))
    expected = [s.text for s in said]
    assert [s.text for s in store.statements()] == expected
    assert [s.text for s in store.statements(limit=5)] == expected[:5]
    store.close()
    for seed in ("1", "2"):
        code = f"""
            from dashboard.storage import open_store
            store = open_store({str(path)!r}, readonly=True)
            print("|".join(s.text for s in store.statements()))
            """
        env = {**os.environ, "PYTHONPATH": str(REPO), "PYTHONHASHSEED": seed}
        done = subprocess.run([sys.executable, "-c", textwrap.dedent(code)], env=env,
                              capture_output=True, text=True, timeout=60, check=False)
        assert done.stdout.strip().split("|") == expected, done.stderr
