"""The header line fits the terminal: the parts that say least give way first, and the
level, STALE and the PAUSED / MUTED flags are never dropped."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
from rich.cells import cell_len
from textual.app import App, ComposeResult

from dashboard.models import Freshness
from widgets.header_bar import HeaderBar

NOW = datetime(2026, 3, 1, 12, 0, tzinfo=UTC)


class HeaderApp(App):
    def compose(self) -> ComposeResult:
        yield HeaderBar()


def crowd(header: HeaderBar, theatre: str = "Serbia–Kosovo") -> None:
    """Every part the header can show at once: a stale viewer, paused and muted."""
    header.theatre = theatre
    header.now = NOW
    header.updated = NOW - timedelta(hours=5)
    header.level = "elevated"
    header.freshness = Freshness(3, 4, NOW - timedelta(hours=5), NOW - timedelta(hours=4))
    header.mode = "viewer"
    header.paused = True
    header.muted = True


@pytest.mark.parametrize("width", [80, 100, 160])
async def test_a_crowded_header_fits_and_keeps_what_matters(width):
    app = HeaderApp()
    async with app.run_test(size=(width, 24)) as pilot:
        header = app.query_one(HeaderBar)
        crowd(header)
        await pilot.pause()
        line = header.render().plain
        assert cell_len(line) <= width, line
        for must in ("ELEVATED", "STALE 5h", "PAUSED", "MUTED", "3/4", "VIEWER"):
            assert must in line, (must, line)
        if width >= 160:  # room for everything, worded in full
            assert "Flashpoint" in line and "3/4 sources ok" in line and "12:00:00 UTC" in line


async def test_a_long_theatre_name_is_cut_before_the_flags():
    app = HeaderApp()
    async with app.run_test(size=(80, 24)) as pilot:
        header = app.query_one(HeaderBar)
        crowd(header, theatre="The Western Balkans and the Serbia–Kosovo Dialogue")
        await pilot.pause()
        line = header.render().plain
        assert cell_len(line) <= 80, line
        assert "The Western…" in line and "PAUSED" in line and "MUTED" in line


async def test_a_quiet_header_shows_everything_in_full():
    app = HeaderApp()
    async with app.run_test(size=(80, 24)) as pilot:
        header = app.query_one(HeaderBar)
        header.theatre, header.now, header.level = "Serbia–Kosovo", NOW, "calm"
        header.freshness = Freshness(4, 4, NOW, NOW + timedelta(hours=1))
        await pilot.pause()
        line = header.render().plain
        assert line.startswith(" Flashpoint ") and "4/4 sources ok" in line
        assert "updated" in line
