"""A viewer that can no longer read its store says so on screen (issue 14 point 17)."""

from __future__ import annotations

import os
import time
from datetime import UTC, datetime

import pytest
from textual.widgets import Static

from dashboard.app import create_app
from dashboard.config import Config
from dashboard.models import Item
from dashboard.storage import Round, open_store

NOW = datetime(2026, 5, 20, 12, 0, tzinfo=UTC)


def write_round(path, n: int) -> None:
    writer = open_store(path)
    writer.commit_round(Round(NOW, items=[Item(f"i{n}", "wire", f"title {n}", "s", None,
                                               NOW, NOW)]))
    writer.close()


async def wait_for(pilot, check, seconds: float = 15.0) -> bool:
    end = time.monotonic() + seconds
    while time.monotonic() < end:
        if check():
            return True
        await pilot.pause(0.1)
    return check()


@pytest.fixture
def viewer(tmp_path):
    """A viewer of a one-item store (the store's path, the app)."""
    path = tmp_path / "store.json"
    write_round(path, 0)
    config = Config.model_validate({"storage": {"path": str(path)}})
    store = open_store(path, readonly=True)
    yield path, create_app(config, store=store, collector=None, viewer=True, scheduler=False)


def banner(app) -> str | None:
    found = app.main.query("#store-problem")
    return str(found.first(Static).render()) if found else None


async def test_a_viewer_says_when_the_store_cannot_be_read_and_when_it_can_again(viewer):
    path, app = viewer
    async with app.run_test(size=(100, 30)) as pilot:
        assert await wait_for(pilot, lambda: app.snapshot is not None and app.snapshot.items == 1)
        assert banner(app) is None
        good = path.read_bytes()

        path.write_bytes(b"\x00 not a store")  # damaged under the viewer
        assert await wait_for(pilot, lambda: banner(app) is not None), "no warning on screen"
        assert "Cannot read the store" in banner(app) and str(path) in banner(app)
        assert app.snapshot.items == 1, "the last complete data stays"

        path.write_bytes(good)  # readable again (a new signature: the writer's next commit)
        os.utime(path, (time.time() + 5, time.time() + 5))
        assert await wait_for(pilot, lambda: banner(app) is None), "the warning stays"

        path.unlink()  # deleted under the viewer
        assert await wait_for(pilot, lambda: banner(app) is not None)
        assert "is gone (deleted or moved)" in banner(app)
        assert app.snapshot.items == 1

        write_round(path, 1)  # a writer starts a store there again
        assert await wait_for(pilot, lambda: banner(app) is None and app.snapshot.items >= 1)


async def test_one_problem_after_another_changes_the_banner_in_place(viewer):
    # removing the banner and mounting a new one with its id in the same callback failed
    # (DuplicateIds: a removed widget keeps its id until the removal is processed) and
    # ended the viewer; a poll that read a half-written file then a damaged one did that
    app = viewer[1]
    async with app.run_test(size=(100, 30)) as pilot:
        assert await wait_for(pilot, lambda: app.snapshot is not None)
        app.main.show_read_problem("first problem")
        await pilot.pause()
        app.main.show_read_problem("second problem")
        await pilot.pause()
        assert "second problem" in banner(app)
        assert len(app.main.query("#store-problem")) == 1
        app.main.show_read_problem(None)
        await pilot.pause()
        assert banner(app) is None
