"""A commit that fails part-way leaves the files exactly as the last commit left them."""

from __future__ import annotations

from datetime import timedelta
from pathlib import Path

import pytest

from dashboard.storage import StoreError, open_store, writes
from tests.integration.test_store import NOW, make_item, make_round


def files_beside(path: Path) -> dict[str, bytes]:
    """Every file of the store (main file, segments, archive), lock files aside."""
    return {str(f.relative_to(path.parent)): f.read_bytes()
            for f in sorted(path.parent.rglob("*")) if f.is_file() and ".lock" not in f.name}


@pytest.mark.parametrize("failing", [2, 3], ids=["second-segment", "main-file"])
def test_a_failed_commit_leaves_no_new_segment_behind(tmp_path, monkeypatch, failing):
    path = tmp_path / "store.json"
    store = open_store(path)
    store.commit_round(make_round([make_item(1)]))
    before = files_beside(path)
    real_write = writes.atomic_write_bytes
    calls = []

    def full_disk_at_write(target, data, **kw):
        calls.append(target)
        if len(calls) == failing:  # 1, 2: the two hours' segments; 3: the main file
            raise StoreError(f"cannot write {target}: No space left on device")
        real_write(target, data, **kw)

    monkeypatch.setattr(writes, "atomic_write_bytes", full_disk_at_write)
    two_hours = [make_item(2, NOW - timedelta(hours=1)), make_item(3, NOW)]
    with pytest.raises(StoreError):
        store.commit_round(make_round(two_hours))
    assert len(calls) == failing
    assert files_beside(path) == before  # the segment written before the failure is gone
    monkeypatch.setattr(writes, "atomic_write_bytes", real_write)
    assert store.commit_round(make_round(two_hours)) == 2  # still new to the next round
    store.close()
    assert open_store(path, readonly=True).item_count() == 3
