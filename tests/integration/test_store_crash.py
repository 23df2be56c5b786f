"""kill -9 at random instants and at each step of a commit: the store always loads and holds
every reported round."""

from __future__ import annotations

import os
import random
import signal
import subprocess
import sys
import textwrap
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path

import orjson
import pytest

from dashboard.models import Item
from dashboard.storage import Round, open_store

REPO = Path(__file__).resolve().parents[2]
KILLS = 24
ITEMS_PER_ROUND = 3

# Each round has fresh items on two days, so every commit writes two day segments before
# the main file (one of every fifth round has an item old enough to be archived at once, so
# kills also land during archive writes), and prints "stored <round>" only after
# commit_round returned.
WRITER = textwrap.dedent("""
    import sys
    from datetime import UTC, datetime, timedelta
    from dashboard.models import Analysis, CueHit, Item, Statement
    from dashboard.storage import Round, open_store

    run = sys.argv[2]
    store = open_store(sys.argv[1], retention_days=30)
    n = 0
    while True:
        now = datetime.now(UTC)
        items, analyses = [], {}
        for k in range(int(sys.argv[3])):
            when = now - timedelta(days=45) if n % 5 == 0 and k == 0 else now
            when = when - timedelta(days=1) if k == 1 else when
            item = Item(f"{run}-{n}-{k}", "src", "t" * 200, "s" * 400, None, when, now)
            items.append(item)
            analyses[item.id] = Analysis(
                statements=(Statement("A", None, "direct", "x", "A said x.", item_id=item.id,
                                      time=when),),
                cues=(CueHit("c", 1.0, "ev", item_id=item.id, time=when),))
        store.commit_round(Round(now, items=items, analyses=analyses))
        print(f"stored {run}-{n}", flush=True)
        n += 1
""")


def archived_statements(archive: Path) -> set[str]:
    """Item ids whose statements the archive holds (they travel with archived items)."""
    ids: set[str] = set()
    for day in archive.glob("20*.json"):
        for doc in orjson.loads(day.read_bytes())["items"].values():
            ids.update(row["item_id"] for row in doc.get("derived", {}).get("statements", ()))
    return ids


def test_sigkill_at_random_instants_never_loses_a_reported_round(tmp_path):
    path = tmp_path / "store.json"
    seed = int.from_bytes(os.urandom(4), "big")
    rng = random.Random(seed)
    env = {**os.environ, "PYTHONPATH": str(REPO)}
    reported: list[str] = []
    for run in range(KILLS):
        proc = subprocess.Popen(
            [sys.executable, "-c", WRITER, str(path), f"r{run}", str(ITEMS_PER_ROUND)],
            env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
        )
        # start-up takes 0.15 s on a quiet machine and 2 s at load 15: kills are timed from
        # the first stored round, so each one lands among rounds, never in start-up
        first = proc.stdout.readline() if proc.stdout else ""
        time.sleep(rng.uniform(0.0, 0.3))
        proc.send_signal(signal.SIGKILL)
        out, err = proc.communicate()
        assert proc.returncode == -signal.SIGKILL, f"writer died on its own: {err}"
        # Only whole lines count: a line cut by the kill was not reported.
        lines = (first + out).split("\n")[:-1]
        reported += [line.split()[1] for line in lines if line.startswith("stored ")]

        store = open_store(path, readonly=True)  # loads, or raises and fails the test
        expected = {f"{r}-{k}" for r in reported for k in range(ITEMS_PER_ROUND)}
        missing = expected - store.known_ids(expected)
        assert not missing, f"seed {seed}: lost {sorted(missing)[:5]} after kill {run}"
        statements = {s.item_id for s in store.statements(limit=100_000)}
        statements |= archived_statements(tmp_path / "store.json.archive")
        assert expected <= statements, f"seed {seed}: analysis lost after kill {run}"
    print(f"{len(reported)} rounds reported over {KILLS} kills")
    assert reported, "no round finished before any kill; the test proved nothing"
    assert list((tmp_path / "store.json.archive").glob("*.json")), "no kill could hit the archive"


# Round "a" commits; then a kill hook is armed and round "b" (items on two days) is killed
# at one step of its commit. The hooks wrap the real functions the store calls.
STEP_WRITER = textwrap.dedent("""
    import os, signal, sys
    from datetime import UTC, datetime, timedelta
    from dashboard.models import Item
    from dashboard.storage import Round, atomic, open_store, writes

    path, step = sys.argv[1], sys.argv[2]
    armed, segments_written = False, 0
    real_write, real_replace, real_unlink = writes.atomic_write_bytes, os.replace, os.unlink

    def die():
        os.kill(os.getpid(), signal.SIGKILL)

    def write(target, data, **kw):
        global segments_written
        if armed and target.name == "store.json" and step == "before-main":
            die()
        if armed and target.name != "store.json":
            segments_written += 1
            if step == "between-segments" and segments_written == 2:
                die()
        real_write(target, data, **kw)

    def replace(src, dst):
        if armed and step == "segment-temp-written" and not str(dst).endswith("store.json"):
            die()
        real_replace(src, dst)

    def unlink(target):
        if armed and step == "before-cleanup":
            die()
        real_unlink(target)

    writes.atomic_write_bytes, atomic.os.replace, writes.os.unlink = (
        write, replace, unlink)

    def round_of(run):
        now = datetime.now(UTC)
        return Round(now, items=[Item(f"{run}-{k}", "s", "t", "", None, now - timedelta(days=k),
                                      now) for k in range(2)])

    store = open_store(path)
    store.commit_round(round_of("a"))
    print("stored a", flush=True)
    # a commit deletes the segments replaced one commit earlier (a slow reader may still
    # be loading them), so the first cleanup happens in round c
    armed = step != "before-cleanup"
    store.commit_round(round_of("b"))
    print("stored b", flush=True)
    armed = True
    store.commit_round(round_of("c"))
    print("stored c", flush=True)
""")


@pytest.mark.parametrize("step", [
    "segment-temp-written", "between-segments", "before-main", "before-cleanup"])
def test_sigkill_at_each_step_of_a_commit(tmp_path, step):
    path = tmp_path / "store.json"
    env = {**os.environ, "PYTHONPATH": str(REPO)}
    proc = subprocess.run([sys.executable, "-c", STEP_WRITER, str(path), step],
                          env=env, capture_output=True, text=True, timeout=60)
    assert proc.returncode == -signal.SIGKILL, proc.stderr
    committed = step == "before-cleanup"  # killed in c's cleanup: c's main file is in
    # killed inside round b's commit, or (before-cleanup) inside round c's
    assert proc.stdout == ("stored a\nstored b\n" if committed else "stored a\n")
    expected = {"a-0", "a-1"} | ({"b-0", "b-1", "c-0", "c-1"} if committed else set())
    reader = open_store(path, readonly=True)
    held = {item.id for item in reader.items()}
    assert held == expected  # every reported round, and nothing of an unfinished commit
    assert reader.item_count() == len(expected)

    writer = open_store(path)  # cleans up what the killed commit left
    segments = path.parent / "store.json.items"
    # exactly the two named hour segments, with their digests and stances
    assert len(list(segments.iterdir())) == 6
    assert not list(tmp_path.rglob("*.tmp"))
    now = datetime.now(UTC)
    again = [Item(f"b-{k}", "s", "t", "", None, now - timedelta(days=k), now) for k in range(2)]
    assert writer.commit_round(Round(now, items=again)) == (0 if committed else 2)
    writer.close()
    assert reader.reload_if_changed()
    assert {item.id for item in reader.items()} == {"a-0", "a-1", "b-0", "b-1"} | (
        {"c-0", "c-1"} if committed else set())
