"""Snapshot tests: the real `create_app` on a seeded real store, fixed clock, no scheduler.

They use the real `build_snapshot` and the real TinyDB store, as the CLI does; the seeded
data includes hostile text so the pictures also show it rendered literally.
"""

from __future__ import annotations

from datetime import timedelta
from pathlib import Path

import pytest

from dashboard import storage
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
from tests.app.conftest import NOW, fixed_clock, make_config

DATA = Path(__file__).resolve().parents[2] / "dashboard" / "data"
HOSTILE_TITLE = "[bold red]x[/] \x1b]0;pwned\x07 \x1b[31mred \u202eevil"


def seed(path: Path):
    """A real store with one round: items, statements, stances, a pending change, cues."""
    store = storage.open_store(path)
    items, analyses = [], {}
    speakers = [("Aleksandar Vucic", "serbia"), ("Albin Kurti", "kosovo"),
                ("State Department", "usa")]
    for i in range(12):
        when = NOW - timedelta(hours=i * 2)
        iid = f"item-{i}"
        speaker, actor = speakers[i % 3]
        text = HOSTILE_TITLE if i == 1 else f"we will keep talking about the forces, day {i}"
        items.append(Item(iid, "wire", f"Headline {i}", "summary", f"https://example.org/{i}",
                          when, NOW))
        analyses[iid] = Analysis(
            statements=(Statement(speaker, actor, "direct", text, f"{speaker} said: {text}",
                                  iid, "wire", when, f"https://example.org/{i}"),),
            stances=(StanceEvidence(actor, "forces", ("support", "oppose", "conditional")[i % 3],
                                    f"{speaker} on forces.", iid, "wire", when),),
            recognition_events=(RecognitionEvent("GRC", "recognized",
                                                 "Greece is said to recognize Kosovo.", iid,
                                                 "wire", when),) if i == 0 else (),
            cues=(CueHit("troops", 4.0, "Troops were moved to the border.", iid, "wire",
                         when),) if i % 4 == 0 else (),
        )
    health = [
        SourceHealth("wire", "ok", NOW, NOW, None, NOW + timedelta(minutes=30), 12),
        SourceHealth("paper", "not_modified", NOW, NOW - timedelta(hours=1), None,
                     NOW + timedelta(minutes=10)),
        SourceHealth("gov", "error", NOW, None, "HTTP 503 Service Unavailable", None,
                     failures=3),
    ]
    round_ = storage.Round(
        finished=NOW, items=items, analyses=analyses, health=health,
        history=HistoryPoint(NOW, 30.0),
    )
    store.commit_round(round_)
    return store


def snapshot_config():
    return make_config(recognition={
        "subject": "Kosovo",
        "ledger": str(DATA / "kosovo-recognition.csv"),
        "series": str(DATA / "kosovo-series.toml"),
        "blocs": str(DATA / "blocs.toml"),
    })


@pytest.fixture
def seeded_app(tmp_path):
    from dashboard.app import create_app

    store = seed(tmp_path / "store.json")
    app = create_app(snapshot_config(), store=store, collector=None, clock=fixed_clock,
                     viewer=True, scheduler=False)
    yield app
    store.close()


async def _loaded(pilot) -> None:
    from textual.widgets import DataTable

    for _ in range(3):
        await pilot.pause()
        await pilot.app.workers.wait_for_complete()
    # DataTable measures new rows and columns when the app is idle: on a loaded machine
    # that came after a fixed pause (a CI run drew the tables with unmeasured columns), so
    # wait until no table has a measuring pending and two screens in a row are the same
    previous = None
    for _ in range(100):  # 10 s at most
        await pilot.pause(0.1)
        pending = any(getattr(table, "_require_update_dimensions", False)
                      for table in pilot.app.screen.query(DataTable))
        shot = pilot.app.export_screenshot()
        if not pending and shot == previous:
            return
        previous = shot


def test_snapshot_80x24(snap_compare, seeded_app):
    assert snap_compare(seeded_app, terminal_size=(80, 24), run_before=_loaded)


def test_snapshot_160x48(snap_compare, seeded_app):
    assert snap_compare(seeded_app, terminal_size=(160, 48), run_before=_loaded)


async def test_real_store_decision_changes_status(tmp_path):
    """`y` (and yes) on a pending change confirms it in the real store (a writer app)."""
    from dashboard.app import create_app
    from tests.app.conftest import FakeCollector

    store = seed(tmp_path / "store.json")
    app = create_app(snapshot_config(), store=store, collector=FakeCollector(),
                     clock=fixed_clock, scheduler=False)
    async with app.run_test(size=(160, 48)) as pilot:
        await _loaded(pilot)
        assert [e.key for e in app.snapshot.recognition.pending] == ["GRC:recognized"]
        app.query_one("#recognition-pending").focus()
        await pilot.press("y", "y")  # ask, answer yes
        await _loaded(pilot)
        statuses = {e.key: e.status for e in store.recognition_events()}
        assert statuses["GRC:recognized"] == "confirmed"
    store.close()
