"""Alerts against hostile receivers and odd clocks (issue 14, points 3, 4, 15 and 16).

Webhook receivers are real loopback servers that drip, hang or answer with a huge body;
rounds are real rounds over the loopback feed farm.
"""

from __future__ import annotations

import asyncio
import time
from datetime import UTC, datetime, timedelta
from email.utils import format_datetime
from pathlib import Path

from dashboard.alerts import REPLY_CAP, AlertDispatcher, AlertEngine, AlertEvent, AlertState
from dashboard.config import Alert, Config, load_config
from dashboard.pipeline import Collector
from dashboard.service import CollectorService
from dashboard.storage import open_store
from support.farm import Farm
from support.loopback import LoopbackServer, Reply
from tests.integration.test_alert_delivery import client, snap  # noqa: F401 (fixture)

T0 = datetime(2026, 11, 26, 18, 0, tzinfo=UTC)


def hook_alert(url: str) -> Alert:
    return Alert(id="hook", on="level", webhook=url, notify=False)


async def test_a_dripping_webhook_is_cut_at_its_whole_request_deadline(loopback, client):  # noqa: F811
    # headers at once, then a byte every 0.3 s: each read is quick, the whole never ends
    loopback.route("/hook", Reply(body=b"x" * 200, drip=(1, 0.3)))
    dispatcher = AlertDispatcher(client, timeout=1.0, retry_pause=0.05)
    started = time.monotonic()
    outcomes = await dispatcher.dispatch(AlertEvent("hook", "level", "k", "t", time=T0),
                                         hook_alert(loopback.url("/hook")))
    elapsed = time.monotonic() - started
    assert elapsed < 3.0, f"the delivery took {elapsed:.1f} s against a 1 s deadline"
    assert outcomes == ["webhook 127.0.0.1: failed: no complete answer within 1 s"]


async def test_a_huge_webhook_reply_is_read_only_up_to_a_small_cap(loopback, client):  # noqa: F811
    sent = 0
    chunk = b"y" * (1 << 20)

    def body():
        nonlocal sent
        for _ in range(256):  # 256 MiB if anyone read it all
            sent += 1
            yield chunk

    loopback.route("/hook", lambda request: Reply(body=body(), length=256 << 20))
    dispatcher = AlertDispatcher(client, timeout=10.0, retry_pause=0.05)
    outcomes = await dispatcher.dispatch(AlertEvent("hook", "level", "k", "t", time=T0),
                                         hook_alert(loopback.url("/hook")))
    assert outcomes == ["webhook 127.0.0.1: 200"]
    await asyncio.sleep(0.2)  # the server notices the closed connection
    # what the server wrote before the close is the socket buffers, not the reply
    assert sent < 16, f"{sent} MiB of a 256 MiB reply were sent, so read (cap {REPLY_CAP} B)"


def farm_config(farm: Farm, tmp_path: Path, alerts: str) -> Config:
    path = tmp_path / "config.toml"
    path.write_text(farm.config_toml(str(tmp_path / "store.json"), extra=alerts))
    return load_config(path)


async def test_a_hanging_webhook_never_holds_up_the_rounds(tmp_path):
    with Farm(feeds=2, items=3) as farm, LoopbackServer() as hooks:
        hooks.route("/hook", Reply(hang=True))
        # a stored statement fires; the receiver takes the request and never answers
        config = farm_config(farm, tmp_path, f"""
[[alerts]]
id = "said"
on = "statement"
webhook = "{hooks.url('/hook')}"
notify = false
cooldown = "1s"
""")
        store = open_store(config.storage.resolved_path())
        runner = CollectorService(config, Collector(config, store))
        assert runner.engine is not None
        deadline = 30.0
        runner.engine.dispatcher.timeout = deadline
        await runner.prime()
        started = time.monotonic()
        await runner.round()
        took = time.monotonic() - started
        # the round is over while its delivery still waits on the receiver
        assert runner.engine.delivering == 1
        farm.bump()
        await asyncio.sleep(1.1)  # past the cooldown: the next round fires again
        await runner.round()
        assert runner.engine.delivering == 2, "the next round was not held up either"
        for _ in range(100):  # both posts reach the receiver, which holds them
            if len(hooks.requests) == 2:
                break
            await asyncio.sleep(0.05)
        assert len(hooks.requests) == 2
        assert runner.engine.delivering == 2
        hooks.stop()  # the receiver goes away: the deliveries end at once
        await runner.aclose()  # waits for the deliveries
        store.close()
    assert took < deadline
    assert runner.engine.delivering == 0


def rss(items: list[tuple[str, str]], start: datetime) -> bytes:
    """An RSS document of (guid, description) items, newest first, a minute apart."""
    entries = "".join(
        f"<item><title>Report {guid}</title><guid>{guid}</guid>"
        f"<link>http://127.0.0.1/a/{guid}</link>"
        f"<pubDate>{format_datetime(start + timedelta(minutes=len(items) - n))}</pubDate>"
        f"<description>{text}</description></item>"
        for n, (guid, text) in enumerate(items)
    )
    return (f'<?xml version="1.0"?><rss version="2.0"><channel><title>t</title>'
            f"<link>http://127.0.0.1/</link><description>d</description>{entries}"
            "</channel></rss>").encode()


async def test_a_statement_alert_checks_every_statement_a_round_stored(tmp_path, loopback):
    # one round stores 30 items; the snapshot shows the newest 10 statements; the
    # watched word is said only in the oldest item
    said = "Serbian President Aleksandar Vucic said on Tuesday that {}."
    items = [(f"n{n}", said.format("the dialogue must continue without preconditions"))
             for n in range(29)]
    items.append(("oldest", said.format("the zeppelin crossing must stay closed")))
    loopback.route("/feed.xml", Reply(body=rss(items, datetime.now(UTC) - timedelta(hours=2)),
                                      headers={"Content-Type": "application/rss+xml"}))
    path = tmp_path / "config.toml"
    path.write_text(f"""
[display]
statements = 10

[storage]
path = "{tmp_path / 'store.json'}"

[[sources]]
id = "wire"
url = "{loopback.url('/feed.xml')}"

[[alerts]]
id = "zeppelin"
on = "statement"
words = ["zeppelin"]
notify = false
""")
    config = load_config(path)
    store = open_store(config.storage.resolved_path())
    fired: list[AlertEvent] = []
    runner = CollectorService(config, Collector(config, store),
                              on_round=lambda done: fired.extend(done.fired))
    await runner.prime()
    await runner.round()
    stored = store.statements(limit=1000)
    await runner.aclose()
    store.close()
    assert len(stored) == 30, "every item gave its statement"
    assert [e.detail["statement"]["item"] for e in fired] == [
        s.item_id for s in stored if "zeppelin" in s.text]


async def test_a_clock_gone_back_does_not_silence_alerts(tmp_path, client):  # noqa: F811
    state_path = tmp_path / "store.alerts.json"
    # the last fire was recorded under a clock one hour ahead of today's
    earlier = AlertState(state_path)
    earlier.last_fired["lvl"] = T0 + timedelta(hours=1)
    earlier.save()
    config = Config(alerts=(Alert(id="lvl", on="level", notify=True, cooldown=600),))
    engine = AlertEngine(config, state_path, client)
    fired = await engine.after_round(snap("calm", T0), snap("critical", T0), now=T0)
    assert [e.alert for e in fired] == ["lvl"]
    assert AlertState.load(state_path).last_fired["lvl"] == T0
    # and the cooldown holds from the new fire on, under the new clock
    later = T0 + timedelta(minutes=1)
    assert await engine.after_round(snap("critical", later), snap("calm", later),
                                    now=later) == []
