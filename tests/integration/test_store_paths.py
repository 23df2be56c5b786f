"""Where a store's files live (issue 14, points 9 and 12), on real files.

`x.json` and `x.db` in one folder keep separate archives and alert state; stem-named
archives and alert state of older versions are brought over; a symlinked store path is
followed once, so everything lies beside the target and the link is never moved aside.
"""

from __future__ import annotations

import os
from datetime import timedelta
from pathlib import Path

import orjson

from dashboard.alerts import state_path_for
from dashboard.storage import open_store
from dashboard.storage.paths import archive_dir
from tests.integration.test_store import NOW, make_item, make_round


def archive_old_items(path: Path, prefix: int, count: int = 10) -> set[str]:
    """A writer on `path` stores `count` items old enough to be archived at once."""
    store = open_store(path, retention_days=30)
    old = [make_item(prefix + n, NOW - timedelta(days=40 + n)) for n in range(count)]
    assert store.commit_round(make_round(old)) == count
    assert not store.items(), "all archived"
    store.close()
    return {i.id for i in old}


def test_two_stores_with_one_stem_keep_their_own_archives_and_alert_state(tmp_path):
    json_ids = archive_old_items(tmp_path / "x.json", 0)
    db_ids = archive_old_items(tmp_path / "x.db", 100)
    assert archive_dir(tmp_path / "x.json") != archive_dir(tmp_path / "x.db")
    assert state_path_for(tmp_path / "x.json") != state_path_for(tmp_path / "x.db")
    for path, ids, other in ((tmp_path / "x.json", json_ids, db_ids),
                             (tmp_path / "x.db", db_ids, json_ids)):
        store = open_store(path, retention_days=30)
        # before: the second writer's index replaced the first's; its 10 ids were "new" again
        assert store.known_ids(ids) == ids
        assert store.known_ids(other) == set()
        assert store.commit_round(make_round([make_item(int(i.split("-")[1]), NOW)
                                              for i in sorted(ids)])) == 0
        store.close()


def to_legacy_names(store: Path) -> None:
    """Rename the archive and alert state to the stem-keyed names older versions used."""
    os.replace(archive_dir(store), store.with_name(store.stem + ".archive"))
    state_path_for(store).write_bytes(b"{}")
    os.replace(state_path_for(store), store.with_name(store.stem + ".alerts.json"))


def test_a_writer_brings_a_stem_named_archive_and_alert_state_over(tmp_path):
    path = tmp_path / "x.json"
    ids = archive_old_items(path, 0)
    to_legacy_names(path)
    store = open_store(path, retention_days=30)
    assert store.known_ids(ids) == ids
    store.close()
    assert archive_dir(path).is_dir() and state_path_for(path).is_file()
    assert not (tmp_path / "x.archive").exists(), "one store: moved"
    assert not (tmp_path / "x.alerts.json").exists()


def test_a_stem_named_archive_shared_by_two_stores_is_copied_to_each(tmp_path):
    ids = archive_old_items(tmp_path / "x.json", 0)
    to_legacy_names(tmp_path / "x.json")
    (tmp_path / "x.db").write_bytes(b"")  # another store with the same stem, not opened yet
    store = open_store(tmp_path / "x.json", retention_days=30)
    assert store.known_ids(ids) == ids
    store.close()
    assert (tmp_path / "x.archive").is_dir(), "it may hold x.db's ids too: kept"
    held = orjson.loads((archive_dir(tmp_path / "x.json") / "ids.json").read_bytes())
    assert set(held) == ids


def test_a_symlinked_store_path_is_followed_once_and_never_moved_aside(tmp_path):
    real, links = tmp_path / "real", tmp_path / "links"
    real.mkdir()
    links.mkdir()
    target, link = real / "store.json", links / "store.json"
    store = open_store(target, retention_days=30)
    assert store.commit_round(make_round([make_item(n) for n in range(5)])) == 5
    store.close()
    link.symlink_to(target)

    writer = open_store(link, retention_days=30)  # before: segments looked for beside the link
    assert writer.item_count() == 5
    assert writer.commit_round(make_round([make_item(n) for n in range(5, 8)])) == 3
    writer.close()
    assert link.is_symlink() and link.resolve() == target
    assert sorted(p.name for p in links.iterdir()) == ["store.json"], "nothing beside the link"
    assert not list(real.glob("*.corrupt-*"))
    reader = open_store(link, readonly=True)
    assert reader.item_count() == 8
    reader.close()
