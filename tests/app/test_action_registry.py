"""One action registry (issue 15, 4): the bindings, the palette, the help screen, README's
keys table and read-only mode all come from, or are checked against, `actions.ACTIONS`."""

from __future__ import annotations

import re
from pathlib import Path

from textual.app import App
from textual.widgets import Static

from dashboard.actions import ACTIONS, CHANGING_ACTIONS, help_rows
from dashboard.app import FlashpointApp
from dashboard.read_only import CHANGING_ACTIONS as REFUSED
from tests.app.test_keys import make_app, settle
from tests.app.test_read_only import footer_keys, read_only_app
from widgets.details_screen import DetailsScreen
from widgets.help_screen import HelpScreen
from widgets.nav_table import NavTable
from widgets.recognition_panel import RecognitionPanel

README = Path(__file__).resolve().parents[2] / "README.md"
WIDGETS = {"NavTable": NavTable, "RecognitionPanel": RecognitionPanel,
           "DetailsScreen": DetailsScreen}
SHOWN = {"question_mark": "?", "slash": "/"}


def keys_of(key: str) -> set[str]:
    return {SHOWN.get(k.strip(), k.strip()) for k in key.split(",")}


def readme_rows() -> list[set[str]]:
    """The keys of each row of README's keys table, as written there."""
    table = README.read_text(encoding="utf-8").split("## Keys", 1)[1].split("\n\n", 2)[1]
    rows = []
    for row in table.splitlines()[2:]:
        cell = row.split("|")[1]
        keys = set(re.findall(r"`([^`]+)`", cell))
        if "`1`–`5`" in cell:
            keys = (keys - {"1", "5"}) | {str(n) for n in range(1, 6)}
        rows.append(keys)
    return rows


def test_the_readme_keys_table_lists_exactly_the_registry_keys():
    documented = set().union(*readme_rows())
    registered = set().union(*(keys_of(a.key) for a in ACTIONS))
    # the q row mentions ctrl+c (which only says how to quit) and Textual's ctrl+q
    assert documented - {"ctrl+c", "ctrl+q"} == registered


def test_the_app_binds_the_registry_rows_and_the_widgets_theirs():
    ours = [(b.key, b.action, b.description, b.show, b.priority)
            for b in FlashpointApp.BINDINGS]  # type: ignore[union-attr]
    assert ours == [(a.key, a.action, a.label, a.show, a.priority)
                    for a in ACTIONS if a.bound_by == "app"]
    for action in ACTIONS:
        if action.bound_by in WIDGETS:
            bound = {(b.key, b.action) for b in WIDGETS[action.bound_by].BINDINGS}  # type: ignore[union-attr]
            assert (action.key, action.action) in bound, action


def test_read_only_refuses_exactly_the_registry_rows_that_change_something():
    assert REFUSED is CHANGING_ACTIONS
    changing = {"copy_link", "copy", "refresh", "pause", "resume", "mute_alerts", "decide",
                "undo_decision"}
    assert changing == CHANGING_ACTIONS


async def test_the_help_screen_shows_every_registry_row():
    app = make_app()
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(app, pilot)
        await pilot.press("question_mark")
        await pilot.pause()
        assert isinstance(app.screen, HelpScreen)
        shown = str(app.screen.query_one(Static).render())
    rows = help_rows()
    assert len(rows) == 18
    for key, what in rows:
        assert re.search(rf"{re.escape(key)}\s+{re.escape(what)}", shown), (key, what)


async def test_the_palette_offers_the_registry_rows_and_read_only_hides_the_changing(tmp_path):
    app = make_app()
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(app, pilot)
        textuals = {c.title for c in App.get_system_commands(app, app.screen)}
        ours = {c.title for c in app.get_system_commands(app.screen)} - textuals
    assert ours == {a.palette for a in ACTIONS if a.palette}
    viewer, _, _ = read_only_app(tmp_path)
    async with viewer.run_test(size=(160, 48)) as pilot:
        await settle(viewer, pilot)
        titles = {c.title for c in viewer.get_system_commands(viewer.screen)}
        offered = footer_keys(viewer)
    assert titles.isdisjoint(a.palette for a in ACTIONS if a.changes and a.palette)
    assert {a.palette for a in ACTIONS if a.palette and not a.changes} <= titles
    assert not offered & {a.key for a in ACTIONS if a.changes and a.show}


async def test_a_palette_entry_runs_its_action():
    app = make_app()
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(app, pilot)
        help_entry = next(c for c in app.get_system_commands(app.screen) if c.title == "Help")
        await help_entry.callback()
        await pilot.pause()
        assert isinstance(app.screen, HelpScreen)
