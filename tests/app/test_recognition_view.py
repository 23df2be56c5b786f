"""The recognition panel on the real bundled ledger: labels whole, countries by name."""

from __future__ import annotations

from textual.widgets import DataTable, Static

from dashboard.app import create_app
from tests.app.conftest import fixed_clock
from tests.app.test_snapshots import _loaded, seed, snapshot_config
from widgets.details_screen import DetailsScreen


async def test_series_labels_are_whole_and_pending_rows_name_the_country(tmp_path):
    store = seed(tmp_path / "store.json")
    app = create_app(snapshot_config(), store=store, collector=None, clock=fixed_clock,
                     viewer=True, scheduler=False)
    async with app.run_test(size=(80, 24)) as pilot:
        await _loaded(pilot)
        rec = app.snapshot.recognition
        summary = " ".join(str(app.query_one("#recognition-summary", Static).render()).split())
        for series in rec.series:
            assert " ".join(series.label.split()) in summary  # not cut to 28 characters
        assert "…" not in "".join(s.label for s in rec.series)
        table = app.query_one("#recognition-pending", DataTable)
        assert str(table.get_cell_at((0, 0))) == "Greece (GRC)"
        await pilot.press("3")
        table.focus()
        await pilot.press("enter")
        await pilot.pause()
        assert isinstance(app.screen, DetailsScreen)
        assert "Greece (GRC)" in str(app.screen.query_one(Static).render())
    store.close()
