"""The App is a host, the main view a screen (issue 15, 1): `app.py` stays within 250
lines, the UI modules within 400, and the dashboard is a `DashboardScreen` at the bottom
of the screen stack, under every modal."""

from __future__ import annotations

from pathlib import Path

from dashboard.screens.dashboard import DashboardScreen
from tests.app.test_keys import make_app, settle
from widgets.help_screen import HelpScreen

ROOT = Path(__file__).resolve().parents[2]
UI = [ROOT / "dashboard" / "app.py", ROOT / "dashboard" / "app_actions.py",
      ROOT / "dashboard" / "actions.py", ROOT / "dashboard" / "read_only.py",
      *sorted((ROOT / "dashboard" / "screens").glob("*.py")),
      *sorted((ROOT / "widgets").glob("*.py"))]


def lines(path: Path) -> int:
    return len(path.read_text(encoding="utf-8").splitlines())


def test_app_py_is_at_most_250_lines_and_no_ui_module_over_400():
    assert lines(ROOT / "dashboard" / "app.py") <= 250
    over = {p.relative_to(ROOT).as_posix(): lines(p) for p in UI if lines(p) > 400}
    assert over == {}


async def test_the_dashboard_is_a_screen_under_the_modals():
    app = make_app()
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(app, pilot)
        assert isinstance(app.screen, DashboardScreen)
        await pilot.press("question_mark")
        await pilot.pause()
        assert isinstance(app.screen, HelpScreen)
        assert isinstance(app.main, DashboardScreen) and app.main is app.screen_stack[0]
        assert app.main.query("#statements-table")  # the panels live on the screen
