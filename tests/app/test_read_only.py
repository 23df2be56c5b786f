"""Read-only mode (what `serve` runs): no key, click or palette command changes anything."""

from __future__ import annotations

from textual.app import App

from dashboard.alert_state import AlertState, state_path_for
from dashboard.app import create_app
from tests.app.conftest import (
    FakeBuilder,
    FakeStore,
    fixed_clock,
    make_config,
    make_recognition,
    make_statements,
)
from tests.app.test_keys import PENDING, settle
from widgets.details_screen import DetailsScreen
from widgets.header_bar import HeaderBar

CHANGING_KEYS = ("y", "n", "m", "p", "r", "c")


def read_only_app(tmp_path, *, read_only: bool = True):
    store = FakeStore(make_statements(5))
    config = make_config(storage={"path": str(tmp_path / "store.json")},
                         alerts=[{"id": "lvl", "on": "level"}])
    builder = FakeBuilder(store, recognition=make_recognition(pending=(PENDING,)))
    app = create_app(config, store=store, collector=None, clock=fixed_clock, viewer=True,
                     scheduler=False, snapshot_builder=builder, read_only=read_only)
    notes: list[str] = []
    real_notify = app.notify

    def notify(message, **kw):
        notes.append(str(message))
        real_notify(message, **kw)

    app.notify = notify  # type: ignore[method-assign]
    return app, store, notes


def footer_keys(app) -> set[str]:
    return {b.binding.key for b in app.screen.active_bindings.values()}


async def test_keys_that_change_state_do_nothing_in_read_only_mode(tmp_path):
    app, store, notes = read_only_app(tmp_path)
    state_file = state_path_for(tmp_path / "store.json")
    async with app.run_test(size=(160, 48)) as pilot:
        await settle(app, pilot)
        assert app.main.query_one(HeaderBar).mode == "read-only"
        for panel in ("#statements-table", "#recognition-pending"):
            app.query_one(panel).focus()
            await pilot.pause()
            assert not footer_keys(app) & set(CHANGING_KEYS), "refused keys are not offered"
            for key in CHANGING_KEYS:
                await pilot.press(key)
                await pilot.pause()
        app.query_one("#statements-table").focus()
        await pilot.press("enter")  # the details screen has its own copy key
        assert isinstance(app.screen, DetailsScreen)
        await pilot.press("c")
        await settle(app, pilot)
    assert store.decisions == []
    assert not state_file.exists()
    assert app.clipboard == ""
    assert any(n.startswith("Read-only:") for n in notes)


async def test_read_only_palette_offers_no_changing_command_and_actions_refuse(tmp_path):
    app, store, notes = read_only_app(tmp_path)
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(app, pilot)
        titles = {c.title for c in app.get_system_commands(app.screen)}
        assert titles.isdisjoint({"Copy link", "Refresh now", "Pause / resume",
                                  "Mute / unmute alerts", "Confirm change", "Reject change",
                                  "Screenshot"})
        assert {"Help", "Filter by text", "Details", "Quit"} <= titles
        textual = {c.title for c in App.get_system_commands(app, app.screen)}
        assert "Screenshot" in textual, "Textual still offers it elsewhere: we hid it"
        # called directly, as a palette entry would: each action refuses on its own
        app.action_mute_alerts()
        app.action_decide("confirmed")
        app.action_refresh()
        app.action_pause()
        app.copy_link("https://example.org/1")
        await settle(app, pilot)
    assert store.decisions == []
    assert not state_path_for(tmp_path / "store.json").exists()
    assert app.clipboard == ""
    assert notes.count(notes[-1]) == 5 and notes[-1].startswith("Read-only:")


async def test_the_same_viewer_without_read_only_still_mutes(tmp_path):
    app, _, _ = read_only_app(tmp_path, read_only=False)
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(app, pilot)
        await pilot.press("m")
        await pilot.pause()
    # the control: the keys above reach their actions when the mode is off
    assert AlertState.load(state_path_for(tmp_path / "store.json")).is_muted("lvl")
