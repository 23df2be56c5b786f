"""kill -9 at random instants: the store file always loads and holds every reported round."""

from __future__ import annotations

import os
import random
import signal
import subprocess
import sys
import textwrap
import time
from pathlib import Path

from dashboard.storage import open_store

REPO = Path(__file__).resolve().parents[2]
KILLS = 24
ITEMS_PER_ROUND = 3

# Each round has fresh items (one of every fifth round old enough to be archived at once,
# so kills also land during archive writes) and prints "stored <round>" only after
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
        time.sleep(rng.uniform(0.15, 0.45))  # start-up takes ~0.15 s; then rounds
        proc.send_signal(signal.SIGKILL)
        out, err = proc.communicate()
        assert proc.returncode == -signal.SIGKILL, f"writer died on its own: {err}"
        # Only whole lines count: a line cut by the kill was not reported.
        lines = out.split("\n")[:-1]
        reported += [line.split()[1] for line in lines if line.startswith("stored ")]

        store = open_store(path, readonly=True)  # loads, or raises and fails the test
        expected = {f"{r}-{k}" for r in reported for k in range(ITEMS_PER_ROUND)}
        missing = expected - store.known_ids(expected)
        assert not missing, f"seed {seed}: lost {sorted(missing)[:5]} after kill {run}"
        statements = {s.item_id for s in store.statements(limit=100_000)}
        assert expected <= statements, f"seed {seed}: analysis lost after kill {run}"
    print(f"{len(reported)} rounds reported over {KILLS} kills")
    assert reported, "no round finished before any kill; the test proved nothing"
    assert list((tmp_path / "store.archive").glob("*.json")), "no kill could hit the archive"
