"""Alerts fired by the collecting TUI become notifications; their text stays plain."""

from datetime import UTC, datetime

from dashboard.alerts import AlertEvent
from tests.app.test_keys import make_app, settle


async def test_fired_alerts_are_notified_as_plain_text_and_ring_the_bell():
    app = make_app(display={"bell": True})
    rings = []
    app.bell = lambda: rings.append(1)  # type: ignore[method-assign]
    event = AlertEvent(
        alert="watch-vucic", trigger="statement", key="statement:x:1",
        title="[bold red]Vucic[/]: \x1b]0;pwned\x07 troops", detail={},
        time=datetime(2026, 11, 26, tzinfo=UTC), notify=True,
    )
    quiet = AlertEvent(
        alert="log-only", trigger="level", key="level:calm->tense@x", title="calm → tense",
        detail={}, time=datetime(2026, 11, 26, tzinfo=UTC), notify=False,
    )
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(app, pilot)
        app.main.alerts_fired([event, quiet])
        await pilot.pause()
    notes = [n for n in app.notes if "Vucic" in n or "calm" in n]
    assert len(notes) == 1
    assert "[bold red]Vucic[/]" in notes[0]
    assert "\x1b" not in notes[0] and "\x07" not in notes[0]
    assert rings == [1]


async def test_m_mutes_every_alert_then_unmutes_them_persisted_next_to_the_store(tmp_path):
    from dashboard.alerts import AlertState, state_path_for

    app = make_app(
        storage={"path": str(tmp_path / "store.json")},
        alerts=[{"id": "lvl", "on": "level"}, {"id": "src", "on": "source_failing"}],
    )
    state_file = state_path_for(tmp_path / "store.json")
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(app, pilot)
        await pilot.press("m")
        await pilot.pause()
        state = AlertState.load(state_file)
        assert state.is_muted("lvl") and state.is_muted("src")
        await pilot.press("m")
        await pilot.pause()
        state = AlertState.load(state_file)
        assert not state.is_muted("lvl") and not state.is_muted("src")
    assert any("2 alert(s) muted" in n for n in app.notes)


async def test_m_says_why_when_the_mute_cannot_be_kept(tmp_path):
    from dashboard.alerts import state_path_for

    app = make_app(storage={"path": str(tmp_path / "store.json")},
                   alerts=[{"id": "lvl", "on": "level"}])
    state_path_for(tmp_path / "store.json").mkdir()  # the state file cannot be replaced
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(app, pilot)
        await pilot.press("m")
        await pilot.pause()
        assert app.notes[-1].startswith("Cannot mute alerts: cannot write ")
        assert app.is_running
