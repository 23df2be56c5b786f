"""NavTable builds one-line Text cells straight to their segments: the same segments,
styles and meta (row, column: what a click reports) as DataTable's own rendering, for
plain, styled, empty, wide and cut cells, fixed columns, zebra stripes, the cursor and
hover; a cell it cannot build (too wide, two lines, a tab) is left to DataTable."""

from __future__ import annotations

from rich.style import Style
from rich.text import Text
from textual.app import App, ComposeResult
from textual.widgets import DataTable

from widgets.nav_table import NavTable

ROWS = [
    (Text("plain"), Text("wide 北京 and 🙂"), Text(""), "a [b]str[/b] cell", 12345),
    (Text("styled", style="bold red"), Text.assemble(("a", "red"), ("bcd", "blue on white")),
     Text("x" * 60), Text("e\u0301 combining"), None),
    (Text("two\nlines"), Text("tab\there"), Text("right", justify="right"), Text("ok"),
     Text("… cut", style="italic")),
]


class Tables(App):
    def compose(self) -> ComposeResult:
        yield NavTable(id="nav", zebra_stripes=True, fixed_columns=1, cursor_type="cell")


def rendered(table: DataTable, render, row: int, column: int, style: Style, width: int,
             cursor: bool, hover: bool):
    table._cell_render_cache.clear()
    return render(row, column, style, width, cursor, hover)


async def test_cells_render_to_the_segments_datatable_renders():
    app = Tables()
    async with app.run_test(size=(160, 20)) as pilot:
        nav = app.query_one(NavTable)
        for name, width in (("first", None), ("second", 12), ("third", None),
                            ("fourth", 8), ("fifth", None)):
            nav.add_column(name, width=width, key=name)
        for index, row in enumerate(ROWS):
            nav.add_row(*row, key=str(index))
        await pilot.pause()
        styles = [nav.rich_style, Style(bgcolor="grey23"), Style.parse("bold on blue")]
        compared = 0
        for row in range(len(ROWS)):
            for column, col in enumerate(nav.ordered_columns):
                width = col.get_render_width(nav)
                for style in styles:
                    for cursor, hover in ((False, False), (True, False), (False, True)):
                        ours = rendered(nav, nav._render_cell, row, column, style, width,
                                        cursor, hover)
                        theirs = rendered(
                            nav, lambda *a: DataTable._render_cell(nav, *a),
                            row, column, style, width, cursor, hover)
                        assert ours == theirs, (row, column, style, cursor, hover)
                        compared += 1
        assert compared == 3 * 5 * 3 * 3
        # the header row and what the screen shows go DataTable's way and look the same
        header = rendered(nav, nav._render_cell, -1, 0, styles[0], 10, False, False)
        assert header == rendered(nav, lambda *a: DataTable._render_cell(nav, *a),
                                  -1, 0, styles[0], 10, False, False)


async def test_one_line_text_cells_are_not_rendered_through_rich(monkeypatch):
    app = Tables()
    async with app.run_test(size=(160, 20)) as pilot:
        nav = app.query_one(NavTable)
        nav.add_columns("a", "b")
        nav.add_row(Text("one"), Text("two"), key="plain")
        nav.add_row(Text("two\nlines"), Text("x"), key="tall")
        await pilot.pause()
        console = app.console
        calls: list[object] = []
        real = console.render_lines

        def counted(renderable, *args, **kwargs):
            calls.append(renderable)
            return real(renderable, *args, **kwargs)

        monkeypatch.setattr(console, "render_lines", counted)
        for row in range(2):
            for column in range(2):
                rendered(nav, nav._render_cell, row, column, nav.rich_style, 8, False, False)
        assert [type(c).__name__ for c in calls].count("Styled") == 1  # the two-line cell
