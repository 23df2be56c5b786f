"""An item whose feed has a one-line summary shows the statements of its article page.

The App with the real Collector, a real store and the loopback demo server: the demo's
`kurti-request-provocation` item carries only a line in its RSS feed; Kurti's words are
on its article page. After one round the statements panel lists them and their details
(enter) say they were found in the article page.
"""

from __future__ import annotations

from pathlib import Path

from textual.widgets import Static

from dashboard.app import create_app
from dashboard.config import load_config
from dashboard.demo import DemoServer, demo_config
from dashboard.pipeline import Collector
from dashboard.storage import open_store
from widgets.details_screen import DetailsScreen

REPO = Path(__file__).parents[2]
SUMMARY = "Pristina answers Belgrade's request to bring back its forces."


async def test_a_one_line_summary_shows_its_articles_statements_in_the_tui(tmp_path):
    server = DemoServer(speed=1000.0).start()  # everything released at once
    try:
        config = demo_config(load_config(REPO / "config.toml"), server,
                             str(tmp_path / "store.json"))
        store = open_store(config.storage.path)
        app = create_app(config, store=store, collector=Collector(config, store), demo=True,
                         scheduler=False)
        async with app.run_test(size=(160, 48)) as pilot:
            for _ in range(150):  # bounded: at most ~30 s
                await pilot.pause(0.2)
                if app.rounds_completed:
                    break
            await app.workers.wait_for_complete()
            await pilot.pause()
            (item,) = [i for i in store.items() if i.summary == SUMMARY]
            assert item.page is not None and item.page.state == "ok"
            shown = app.snapshot.statements
            # the feed's line holds no quote; the page's words are in the panel
            kurti = [s for s in shown if s.item_id == item.id
                     and "not looking for peace" in s.text]
            assert kurti, "the article's statements are not in the panel"
            assert kurti[0].origin == "page"
            # open its details from the panel, as an analyst does
            table = app.main.query_one("#statements-table")
            table.focus()
            table.move_cursor(row=shown.index(kurti[0]))
            await pilot.pause()
            await pilot.press("enter")
            await pilot.pause()
            assert isinstance(app.screen, DetailsScreen)
            body = str(app.screen.query_one(Static).render())
            assert "the article page" in body and "Albin Kurti" in body
        store.close()
    finally:
        server.stop()
