"""NavTable measures new rows' one-line Text cells by their cell length instead of through
Rich: the same widths as DataTable's own measuring, without asking the terminal its size
for every cell."""

from __future__ import annotations

import textual.widgets._data_table as data_table_module
from rich.text import Text
from textual.app import App, ComposeResult
from textual.widgets import DataTable

from widgets.nav_table import NavTable

ROWS = [
    (Text("plain"), Text("wide 北京 characters"), Text(""), Text("emoji 🙂 ok")),
    (Text("styled", style="bold"), Text.assemble(("a", "red"), ("bcdefgh", "blue")),
     Text("x" * 40), Text("combining e\u0301 accent")),
    (Text("two\nlines"), Text("tab\there"), Text("short"), Text("…")),  # Rich measures these
    ("a str cell", 12345, None, Text("ok")),
]


class Tables(App):
    def compose(self) -> ComposeResult:
        yield DataTable(id="plain")
        yield NavTable(id="nav")


def fill(table: DataTable) -> None:
    table.add_column("first", key="first")
    table.add_column("fixed", width=6, key="fixed")
    table.add_column("third", key="third")
    table.add_column("fourth", key="fourth")
    for index, row in enumerate(ROWS):
        table.add_row(*row, key=str(index))


async def test_new_rows_get_the_column_widths_datatable_would_give_them():
    app = Tables()
    async with app.run_test(size=(160, 30)) as pilot:
        plain, nav = app.query_one("#plain", DataTable), app.query_one("#nav", NavTable)
        fill(plain)
        fill(nav)
        await pilot.pause()
        assert ([c.content_width for c in nav.columns.values()]
                == [c.content_width for c in plain.columns.values()])
        assert nav.virtual_size == plain.virtual_size
        # and later rows, wider than the first ones, widen their columns alike
        for table in (plain, nav):
            table.add_row(Text("a much wider first cell"), Text("cut"), Text("y"), Text("z"),
                          key="late")
        await pilot.pause()
        assert ([c.content_width for c in nav.columns.values()]
                == [c.content_width for c in plain.columns.values()])
        assert nav.virtual_size == plain.virtual_size


async def test_one_line_text_cells_are_measured_without_rich(monkeypatch):
    measured: list[object] = []
    real = data_table_module.measure

    def counted(console, renderable, *args, **kwargs):
        measured.append(renderable)
        return real(console, renderable, *args, **kwargs)

    monkeypatch.setattr(data_table_module, "measure", counted)
    app = Tables()
    async with app.run_test(size=(160, 30)) as pilot:
        nav = app.query_one("#nav", NavTable)
        nav.add_columns("a", "b")
        measured.clear()  # the column labels, measured once when a column is added
        for index in range(50):
            nav.add_row(Text(f"row {index}"), Text("cell"), key=str(index))
        await pilot.pause()
        assert measured == []
        nav.add_row(Text("two\nlines"), Text("cell"), key="tall")
        await pilot.pause()
        assert [str(cell) for cell in measured] == ["two\nlines", "cell"]  # left to Rich
