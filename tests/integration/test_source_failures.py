"""Source failures are visible where people look: the collector's log, one line each."""

from __future__ import annotations

import re
import signal

from support.farm import Farm
from tests.reliability.conftest import StderrLines, no_traceback, start


def test_collect_logs_one_line_per_failing_source_with_the_reason_and_next_try(tmp_path):
    with Farm(feeds=1, items=3) as farm:
        cfg = tmp_path / "config.toml"
        cfg.write_text(
            farm.config_toml(str(tmp_path / "store.json"), every="1h")
            + f'\n[[sources]]\nid = "missing"\nname = "Missing feed"\n'
              f'url = "{farm.base}/nope.xml"\nevery = "20m"\n'
            + '\n[[sources]]\nid = "closed"\nurl = "http://127.0.0.1:9/feed.xml"\n'
              'every = "1h"\n'
        )
        proc = start("collect", "--config", str(cfg))
        errors = StderrLines(proc)
        try:
            assert errors.wait_for("next try", count=2, timeout=60), errors.text()
        finally:
            proc.send_signal(signal.SIGTERM)
            proc.wait(timeout=30)
    err = errors.text()
    assert proc.returncode == 0 and no_traceback(err), err
    failing = [line for line in err.splitlines() if " failed" in line and "next try" in line]
    assert len(failing) == 2, err
    missing = next(line for line in failing if "source Missing feed failed" in line)
    assert "WARNING" in missing and "404" in missing
    assert re.search(r"next try \d{4}-\d\d-\d\d \d\d:\d\d UTC", missing)
    closed = next(line for line in failing if "source closed failed" in line)
    assert "next try" in closed
    assert not any("feed-0" in line for line in failing)  # the good feed logs no failure


def test_the_line_counts_the_rounds_in_a_row():
    from datetime import UTC, datetime

    from dashboard.models import RefreshResult, SourceHealth
    from dashboard.report import failure_lines

    when = datetime(2026, 11, 27, 17, 30, tzinfo=UTC)
    lines = failure_lines(
        [RefreshResult("a", "error", error="HTTP 503 Service Unavailable"),
         RefreshResult("b", "ok"),
         RefreshResult("c", "postponed", error="HTTP 429", postponed_until=when)],
        {"a": SourceHealth("a", "error", failures=4, next_run=when)}, {"a": "Agency"})
    assert lines == [
        "source Agency failed (4 rounds in a row): HTTP 503 Service Unavailable; "
        "next try 2026-11-27 17:30 UTC",
        "source c postponed: HTTP 429; next try 2026-11-27 17:30 UTC",
    ]




async def test_the_sources_panel_shows_the_whole_error_and_enter_opens_details(tmp_path):
    from datetime import timedelta

    from textual.widgets import Static

    from dashboard.app import create_app
    from dashboard.models import HistoryPoint, SourceHealth
    from dashboard.storage import Round, open_store
    from tests.app.conftest import NOW, fixed_clock, make_config
    from widgets.details_screen import DetailsScreen

    reason = ("cannot connect: host name not found (feeds.example-agency.invalid); "
              "check the URL or the network")
    config = make_config(storage={"path": str(tmp_path / "store.json")})
    store = open_store(config.storage.path)
    store.commit_round(Round(finished=NOW, items=[], analyses={}, health=[
        SourceHealth("wire", "ok", NOW, NOW, None, NOW + timedelta(minutes=30), 12),
        SourceHealth("paper", "error", NOW, NOW - timedelta(hours=3), reason,
                     NOW + timedelta(minutes=30), 40, failures=5),
    ], history=HistoryPoint(NOW, 0.0)))
    app = create_app(config, store=store, collector=None, clock=fixed_clock, viewer=True,
                     scheduler=False)
    try:
        async with app.run_test(size=(80, 24)) as pilot:
            for _ in range(3):
                await pilot.pause()
                await app.workers.wait_for_complete()
            await pilot.press("tab", "tab", "tab", "tab")  # to the Sources tab
            await pilot.pause()
            table = app.query_one("#sources-table")
            assert app.focused is table
            await pilot.press("down")
            await pilot.pause()
            below = str(app.query_one("#sources-error", Static).render())
            assert reason in below.replace("\n", " ")  # in full, not cut to "host name n"
            await pilot.press("enter")
            await pilot.pause()
            assert isinstance(app.screen, DetailsScreen)
            shown = str(app.screen.query_one(Static).render())
            for part in ("Source: Paper", "url: http://127.0.0.1:9/paper.xml", reason,
                         "failed rounds in a row: 5", "last success: 2026-03-01 09:00:00 UTC "
                         "(3h ago)", "next run: 2026-03-01 12:30:00 UTC (in 30m)",
                         "items stored: 40"):
                assert part in shown.replace("\n", " "), part
    finally:
        store.close()
