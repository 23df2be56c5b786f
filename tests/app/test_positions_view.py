"""The positions matrix with many topics: short headers, a frozen actor column, and a title
that says which topics are in view."""

from __future__ import annotations

from textual.widgets import DataTable, Static

from tests.app.test_keys import make_app, settle

TOPICS = [{"id": f"topic-{n}", "label": f"A long label for topic number {n}",
           "short": f"Topic {n}", "phrases": [f"phrase {n}"]} for n in range(1, 10)]


def line(table: DataTable, y: int) -> str:
    return table.render_line(y).text


async def test_nine_topics_at_160x48_say_how_many_are_shown_and_keep_the_actors():
    app = make_app(topics=TOPICS)
    async with app.run_test(size=(160, 48)) as pilot:
        await settle(app, pilot)
        table = app.query_one("#positions-table", DataTable)
        title = app.query_one("#positions .panel-title", Static)
        assert table.fixed_columns == 1
        assert "Topic 1" in line(table, 0) and "A long label" not in line(table, 0)
        shown = str(title.render())
        assert "topics 1–" in shown and "of 9 →" in shown  # there are more to the right
        await pilot.press("tab")  # to the positions panel
        assert app.focused is table
        for _ in range(9):
            await pilot.press("right")
        await settle(app, pilot)
        assert table.scroll_x > 0
        assert "Topic 9" in line(table, 0)
        assert line(table, 3).lstrip().startswith("United States")  # the actor stays
        shown = str(title.render())
        assert "of 9 ←" in shown and "–9 of 9" in shown
