"""Terminal conventions: list keys, panel numbers, a footer that keeps q, pause and mute in
the header, contrast computed from the theme, a title on every panel, ctrl+c, NO_COLOR."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from textual.color import Color
from textual.widgets import DataTable, Static, Tab
from textual.widgets._footer import FooterKey

from dashboard.actions import PANELS, help_rows
from dashboard.app import FlashpointApp
from tests.app.conftest import FakeStore, make_statements
from tests.app.test_keys import make_app, settle
from widgets.header_bar import HeaderBar
from widgets.help_screen import help_text
from widgets.nav_table import NavTable
from widgets.recognition_panel import RecognitionPanel

README = Path(__file__).resolve().parents[2] / "README.md"


async def test_j_k_g_G_home_and_end_move_in_tables():
    app = make_app(FakeStore(make_statements(20)))  # no older page to load at the bottom
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(app, pilot)
        table = app.query_one("#statements-table", DataTable)
        await pilot.press("j", "j")
        assert table.cursor_row == 2
        await pilot.press("k")
        assert table.cursor_row == 1
        await pilot.press("G")
        assert table.cursor_row == table.row_count - 1
        await pilot.press("g")
        assert table.cursor_row == 0
        await pilot.press("end")
        assert table.cursor_row == table.row_count - 1
        await pilot.press("home")
        assert table.cursor_row == 0
        await pilot.press("5", "j")  # the sources table too
        assert app.query_one("#sources-table", DataTable).cursor_row == 1


@pytest.mark.parametrize("size", [(80, 24), (160, 48)])
async def test_number_keys_show_and_focus_each_panel(size):
    app = make_app()
    async with app.run_test(size=size) as pilot:
        await settle(app, pilot)
        for number, (key, _) in reversed(list(enumerate(PANELS, start=1))):
            await pilot.press(str(number))
            panel = app.query_one(f"#{key}")
            assert panel.has_class("-active") and panel.has_focus_within, key
            assert panel.region.width > 0  # shown (a tab at 80x24)


def footer_keys(app) -> dict[str, FooterKey]:
    return {k.key: k for k in app.screen.query(FooterKey)}


@pytest.mark.parametrize("panel", ["1", "3"])  # the recognition panel adds y and n first
async def test_the_footer_keeps_q_and_help_in_sight_at_80_columns(panel):
    app = make_app()
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(app, pilot)
        await pilot.press(panel)
        await pilot.pause()
        keys = footer_keys(app)
        for key in ("q", "question_mark"):
            region = keys[key].region
            assert region.width > 0 and region.right <= 80, (key, region)


async def test_pause_and_mute_show_in_the_header_and_the_footer_offers_resume(tmp_path):
    app = make_app(storage={"path": str(tmp_path / "store.json")},
                   alerts=[{"id": "lvl", "on": "level"}])
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(app, pilot)
        header = app.query_one(HeaderBar)
        assert footer_keys(app)["p"].description == "Pause"
        await pilot.press("p")
        await pilot.pause()
        assert "PAUSED" in str(header.render())
        assert footer_keys(app)["p"].description == "Resume"
        await pilot.press("m")
        await pilot.pause()
        assert "MUTED" in str(header.render())
        await pilot.press("p", "m")
        await pilot.pause()
        line = str(header.render())
        assert "PAUSED" not in line and "MUTED" not in line
        assert footer_keys(app)["p"].description == "Pause"
    # a new session reads the mute kept next to the store
    app = make_app(storage={"path": str(tmp_path / "store.json")},
                   alerts=[{"id": "lvl", "on": "level"}])
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(app, pilot)
        assert "MUTED" not in str(app.query_one(HeaderBar).render())


def luminance(c: Color) -> float:
    def channel(v: int) -> float:
        s = v / 255
        return s / 12.92 if s <= 0.03928 else ((s + 0.055) / 1.055) ** 2.4
    return 0.2126 * channel(c.r) + 0.7152 * channel(c.g) + 0.0722 * channel(c.b)


def contrast(fg: Color, bg: Color) -> float:
    """The WCAG 2 contrast ratio of two opaque colours."""
    hi, lo = sorted((luminance(fg), luminance(bg)), reverse=True)
    return (hi + 0.05) / (lo + 0.05)


def rich_pair(style) -> tuple[Color, Color]:
    return Color.from_rich_color(style.color), Color.from_rich_color(style.bgcolor)


async def test_selection_focus_titles_and_header_have_a_contrast_of_at_least_4_5():
    app = make_app()
    async with app.run_test(size=(160, 48)) as pilot:
        await settle(app, pilot)
        checks: dict[str, tuple[Color, Color]] = {}
        table = app.query_one("#statements-table", DataTable)
        checks["selected row, focused"] = rich_pair(
            table.get_component_rich_style("datatable--cursor"))
        await pilot.press("2")  # the statements table loses focus
        await pilot.pause()
        checks["selected row, unfocused"] = rich_pair(
            table.get_component_rich_style("datatable--cursor"))
        background = app.screen.styles.background
        focused = app.query_one("#positions")
        checks["focused panel border"] = (focused.styles.border_top[1], background)
        for title in app.screen.query(".panel-title"):
            checks[f"title of #{title.parent.id}"] = rich_pair(title.rich_style)
        header = app.query_one(HeaderBar)
        for level in ("calm", "tense", "elevated", "high", "critical"):
            header.level = level
            await pilot.pause()
            checks[f"header at {level}"] = rich_pair(header.rich_style)
        ratios = {name: round(contrast(fg, bg), 2) for name, (fg, bg) in checks.items()}
        assert all(r >= 4.5 for r in ratios.values()), ratios


async def test_every_panel_has_a_title():
    app = make_app()
    async with app.run_test(size=(160, 48)) as pilot:
        await settle(app, pilot)
        for key, label in PANELS:
            titles = app.query_one(f"#{key}").query(".panel-title")
            assert titles, key
            assert label.lower() in str(titles.first(Static).render()).lower(), key


async def test_ctrl_c_says_how_to_quit():
    app = make_app()
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(app, pilot)
        await pilot.press("ctrl+c")
        await pilot.pause()
        assert app.is_running
        assert any("quit" in str(n.message).lower() for n in app._notifications)


async def test_no_color_marks_the_selection_tab_and_focus_without_colour(monkeypatch):
    monkeypatch.setenv("NO_COLOR", "1")
    app = make_app()
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(app, pilot)
        assert app.no_color and app.screen.has_class("-no-color")
        table = app.query_one("#statements-table", DataTable)
        assert table.get_component_rich_style("datatable--cursor").reverse
        active = next(t for t in app.query(Tab) if t.has_class("-active"))
        assert active.rich_style.reverse
        title = app.query_one("#statements .panel-title", Static)
        assert title.rich_style.reverse


# --- the README's keys table and the help screen match the bindings ------------------------

NAMES = {"?": "question_mark", "/": "slash"}


def readme_keys() -> set[str]:
    text = README.read_text(encoding="utf-8")
    table = text.split("## Keys", 1)[1].split("\n\n", 2)[1]
    keys: set[str] = set()
    for row in table.splitlines()[2:]:
        cell = row.split("|")[1]
        for key in re.findall(r"`([^`]+)`", cell):
            keys.add(NAMES.get(key, key))
        if "`1`–`5`" in cell:
            keys |= {str(n) for n in range(1, 6)}
    return keys


def bound_keys() -> set[str]:
    keys: set[str] = {"ctrl+p"}  # Textual's command palette
    for owner in (FlashpointApp, NavTable, RecognitionPanel):
        for binding in owner.BINDINGS:
            keys |= {k.strip() for k in binding.key.split(",")}  # type: ignore[union-attr]
    return keys


def test_the_readme_keys_table_lists_exactly_the_bound_keys():
    documented, bound = readme_keys(), bound_keys()
    # ctrl+q (Textual's quit) and ctrl+c are mentioned in the q row, not rows of their own
    assert bound - documented == set(), "bound but not in README's keys table"
    assert documented - bound - {"ctrl+c", "ctrl+q"} == set(), "in README but not bound"


def test_the_help_screen_names_every_documented_key():
    shown = str(help_text(help_rows()))
    for key in readme_keys() - {"ctrl+c", "question_mark", "slash"} - set("12345"):
        assert re.search(rf"(^|[\s/,]){re.escape(key)}($|[\s/,])", shown, re.M), key
    assert "1 … 5" in shown and "?" in shown and "/" in shown


async def test_term_dumb_gets_the_no_colour_screen(monkeypatch):
    from dashboard.app import honour_plain_terminal

    monkeypatch.setenv("TERM", "dumb")
    monkeypatch.setenv("NO_COLOR", "")  # so that the teardown removes what the test sets
    monkeypatch.delenv("NO_COLOR")
    honour_plain_terminal()
    app = make_app()
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(app, pilot)
        assert app.no_color and app.screen.has_class("-no-color")
        table = app.query_one("#statements-table", DataTable)
        assert table.get_component_rich_style("datatable--cursor").reverse
