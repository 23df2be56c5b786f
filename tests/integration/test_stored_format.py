"""Stores written before the storage split still load, and the same rounds are written as
the same documents: tests/data/store_v2 was written by the earlier code (see store_fixture).
"""

from __future__ import annotations

import shutil
from pathlib import Path

import orjson
import pytest

from dashboard.models import Decision, Item
from dashboard.storage import open_store
from tests.integration import store_fixture as fx

FIXTURE = Path(__file__).resolve().parents[1] / "data" / "store_v2"


def documents(store_dir: Path) -> dict[tuple[str, str], bytes]:
    """Every stored document of a store folder, keyed by (table, identity), as its bytes."""
    out: dict[tuple[str, str], bytes] = {}
    main = orjson.loads((store_dir / "store.json").read_bytes())
    for table in ("health", "history", "audit"):
        for key, doc in main[table].items():
            out[(table, key)] = orjson.dumps(doc)
    names = main["meta"]["1"]["segments"]
    for name in names.values():
        held = orjson.loads((store_dir / "store.json.items" / name).read_bytes())["tables"]
        for table, docs in held.items():
            for key, doc in docs.items():
                out[(table, key)] = orjson.dumps(doc)
    for path in (store_dir / "store.json.archive").glob("20*.json"):
        for item_id, doc in orjson.loads(path.read_bytes())["items"].items():
            # derived rows are listed in the order of a set of keys, which varies by process
            derived = doc.pop("derived", {})
            out[("archive", item_id)] = orjson.dumps(doc)
            for table, rows in derived.items():
                out[("archive", f"{item_id}/{table}")] = b"\n".join(
                    sorted(map(orjson.dumps, rows)))
    return out


@pytest.fixture
def old_store(tmp_path: Path) -> Path:
    shutil.copytree(FIXTURE, tmp_path / "old")
    return tmp_path / "old" / "store.json"


def test_a_store_written_by_the_earlier_code_reads_back_every_model(old_store: Path):
    store = open_store(old_store, readonly=True)
    hot = [i for i in fx.ITEMS if i.id != "old"]
    assert store.items() == sorted(hot, key=lambda i: i.when, reverse=True)
    assert store.item_count() == len(fx.ITEMS)  # the old one is in the archive
    assert store.known_ids(["old", "full", "nope"]) == {"old", "full"}
    assert store.health() == {h.source_id: h for h in fx.HEALTH}
    assert store.history() == list(fx.HISTORY)
    assert store.decisions() == [Decision(fx.DECIDED_AT, "GRC:recognized", "confirmed",
                                          "pending")]
    by_time = sorted(hot, key=lambda i: i.when)
    expected = [fx.analysis_of(i) for i in by_time]
    assert store.stance_evidence() == [s for a in expected for s in a.stances]
    assert store.cue_hits() == [c for a in expected for c in a.cues]
    assert set(store.statements(limit=100)) == {s for a in expected for s in a.statements}
    # recognition events stay hot at retention; the analyst's decision applies to all
    events = store.recognition_events()
    assert len(events) == len(fx.ITEMS) and {e.status for e in events} == {"confirmed"}
    assert [e.item_id for e in events] == ["old"] + [i.id for i in by_time]
    full = store.item("full")
    assert isinstance(full, Item) and full.page == fx.ITEMS[0].page
    store.close()


def test_the_same_rounds_are_written_as_the_same_documents(tmp_path: Path):
    new_dir = tmp_path / "new"
    new_dir.mkdir()
    fx.write(new_dir / "store.json")
    old, new = documents(FIXTURE), documents(new_dir)
    assert new.keys() == old.keys()
    for key in old:  # key order and number formats included: byte for byte
        assert new[key] == old[key], key
