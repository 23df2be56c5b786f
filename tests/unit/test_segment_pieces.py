"""A segment is serialised SEGMENT_PIECE documents per orjson call, and its bytes are
those of one call over the whole segment: orjson holds the GIL for a call, and one call
over a first round's 26 MB hour held the collecting screen's event loop ≈ 80 ms
(docs/PERFORMANCE.md §4, "Loop stalls: a seventh pass")."""

from __future__ import annotations

import random
from datetime import UTC, datetime, timedelta
from pathlib import Path

import orjson
import pytest

from dashboard.models import Item
from dashboard.storage import Round, open_store, segments
from dashboard.storage.segments import SEGMENT_PIECE, segment_document


def whole(tables, index) -> bytes:
    """What one orjson call over the segment writes (the code before the pieces)."""
    held = {table: {key: tables[table][key] for key in keys}
            for table, keys in index.items() if keys}
    return orjson.dumps({"tables": held})


@pytest.mark.parametrize("sizes", [
    (1,), (SEGMENT_PIECE,), (SEGMENT_PIECE + 1, 0, 3), (3 * SEGMENT_PIECE, 2 * SEGMENT_PIECE - 1),
])
def test_a_segment_in_pieces_is_byte_for_byte_one_call(sizes) -> None:
    rng = random.Random(len(sizes))
    names = ("items", "statements", "stances", "cues")
    tables = {name: {str(k): {"id": f"{name}-{k}", "score": rng.random() * 1e6,
                              "text": rng.choice(["plain", "é \u2028 \"q\" \\", "\x00\t", ""]),
                              "none": None, "nested": [k, {"deep": [True, 1.5e-9]}]}
                     for k in range(size)}
              for name, size in zip(names, sizes, strict=False)}
    index = {name: set(docs) for name, docs in tables.items()}
    assert segment_document(tables, index) == whole(tables, index)


def test_a_commit_writes_its_segments_a_piece_at_a_time(tmp_path: Path, monkeypatch) -> None:
    calls: list[int] = []
    real = orjson.dumps

    class Counting:
        """The segments module's orjson, counting the documents of each dict it dumps."""

        @staticmethod
        def dumps(value, *args, **kwargs):
            if isinstance(value, dict) and "tables" not in value:
                calls.append(len(value))
            return real(value, *args, **kwargs)

        loads = staticmethod(orjson.loads)

    monkeypatch.setattr(segments, "orjson", Counting)
    when = datetime(2026, 11, 27, 10, 0, tzinfo=UTC)
    items = [Item(f"i{n}", "src", f"title {n}", "summary " * 20, f"https://x.example/{n}",
                  when + timedelta(seconds=n), when) for n in range(3 * SEGMENT_PIECE)]
    store = open_store(tmp_path / "store.json")
    try:
        store.commit_round(Round(finished=when + timedelta(hours=2), items=items))
    finally:
        store.close()
    assert calls and max(calls) <= SEGMENT_PIECE
    assert sum(calls) >= len(items)  # every item went through a piece
    for path in (tmp_path / "store.json.items").glob("20*.json"):
        data = path.read_bytes()
        if b'"tables"' in data[:12]:
            assert real(orjson.loads(data)) == data  # what one call writes
