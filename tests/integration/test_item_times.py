"""An item dated ahead of the clock, through a real round (issue 15, item times).

A real loopback feed lists an item dated 20 hours ahead (a wrong time zone): after
`flashpoint fetch --once` the stored item, its statements and its cue hits carry the
fetch time, the feed's own date stays beside it for provenance, and the escalation weighs
the item as fetched now (it decays), not as a future hit at full weight.
"""

from __future__ import annotations

import json
from datetime import UTC, datetime, timedelta
from email.utils import format_datetime

from dashboard.analysis.escalation import score
from dashboard.config import load_config
from dashboard.storage import open_store
from support.farm import config_toml
from support.loopback import Reply
from tests.reliability.conftest import flashpoint

TEXT = ("Serbian President Aleksandar Vucic said on Tuesday that troops were put on the "
        "highest level of combat readiness.")


def test_an_item_dated_ahead_is_stored_at_its_fetch_time_and_decays(loopback, tmp_path):
    ahead = (datetime.now(UTC) + timedelta(hours=20)).replace(microsecond=0)
    body = ("<?xml version='1.0' encoding='utf-8'?><rss version='2.0'><channel><title>T</title>"
            "<item><title>Troops on alert</title><guid>ahead-1</guid>"
            f"<link>https://news.example/ahead</link><pubDate>{format_datetime(ahead)}</pubDate>"
            f"<description>{TEXT}</description></item></channel></rss>").encode()
    loopback.route("/feed.xml", Reply(body=body,
                                      headers={"Content-Type": "application/rss+xml"}))
    cfg = tmp_path / "config.toml"
    cfg.write_text(config_toml([loopback.url("/feed.xml")], str(tmp_path / "store.json")))
    before = datetime.now(UTC)
    out = flashpoint("fetch", "--once", "--config", str(cfg))
    assert out.returncode == 0, out.stderr
    assert datetime.now(UTC) < ahead  # the feed's date is still to come

    store = open_store(tmp_path / "store.json", readonly=True)
    try:
        [item] = store.items()
        assert before <= item.fetched < ahead
        assert (item.published, item.when, item.stated) == (item.fetched, item.fetched, ahead)
        statements = store.statements(limit=10)
        assert statements and {(s.time, s.stated) for s in statements} == {(item.fetched, ahead)}
        hits = store.cue_hits()
        assert hits and {h.time for h in hits} == {item.fetched}
    finally:
        store.close()
    # weighed as fetched now: twelve hours on it weighs less (a future hit would not decay)
    cfg_esc = load_config(cfg).escalation
    at = {hours: score(hits, item.fetched + timedelta(hours=hours), half_life=cfg_esc.half_life,
                       scale=cfg_esc.scale) for hours in (0, 12)}
    assert 0 < at[12] < at[0]

    status = json.loads(flashpoint("status", "--json", "--config", str(cfg)).stdout)
    [said] = [s for s in status["statements"] if s["item"] == item.id][:1]
    assert (said["time"], said["stated"]) == (item.fetched.isoformat(), ahead.isoformat())
