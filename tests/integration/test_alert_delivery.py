"""Alerts end to end: a real loopback webhook receiver and real commands on stdin."""

from __future__ import annotations

import os
import sys
import textwrap
import threading
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import orjson
import pytest

from dashboard.alerts import (
    AlertDispatcher,
    AlertEngine,
    AlertEvent,
    AlertState,
    make_alert_client,
)
from dashboard.config import Alert, Config
from dashboard.models import Escalation, Recognition, Snapshot, Statement

T0 = datetime(2026, 11, 26, 18, 0, tzinfo=UTC)


class Receiver:
    """A webhook receiver on 127.0.0.1 that records bodies; it can fail the first N posts."""

    def __init__(self, fail_first: int = 0):
        self.bodies: list[bytes] = []
        self.statuses: list[int] = []
        self.fail_first = fail_first
        receiver = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self) -> None:
                body = self.rfile.read(int(self.headers.get("Content-Length", 0)))
                with receiver.lock:
                    receiver.bodies.append(body)
                    status = 503 if len(receiver.bodies) <= receiver.fail_first else 200
                    receiver.statuses.append(status)
                self.send_response(status)
                self.send_header("Content-Length", "0")
                self.end_headers()

            def log_message(self, *args) -> None:  # keep test output quiet
                pass

        self.lock = threading.Lock()
        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)

    @property
    def url(self) -> str:
        host, port = self.server.server_address[:2]
        return f"http://{host}:{port}/hook"

    def events(self) -> list[dict]:
        return [orjson.loads(b) for b in self.bodies]


@pytest.fixture
def receiver() -> Iterator[Receiver]:
    r = Receiver()
    r.thread.start()
    yield r
    r.server.shutdown()
    r.server.server_close()


@pytest.fixture
def flaky_receiver() -> Iterator[Receiver]:
    r = Receiver(fail_first=1)
    r.thread.start()
    yield r
    r.server.shutdown()
    r.server.server_close()


@pytest.fixture
async def client():
    async with make_alert_client() as c:
        yield c


def write_script(tmp_path: Path, name: str, body: str) -> Path:
    script = tmp_path / name
    script.write_text(textwrap.dedent(body))
    return script


@pytest.fixture
def recorder(tmp_path) -> tuple[list[str], Path]:
    """argv of a command that appends its stdin (one JSON document) as a line to a file."""
    out = tmp_path / "command-received.jsonl"
    script = write_script(
        tmp_path,
        "record.py",
        """
        import sys
        data = sys.stdin.buffer.read()
        with open(sys.argv[1], "ab") as fh:
            fh.write(data + b"\\n")
        """,
    )
    return [sys.executable, str(script), str(out)], out


def received(out: Path) -> list[dict]:
    return [orjson.loads(line) for line in out.read_bytes().splitlines()] if out.exists() else []


def snap(level: str, when: datetime) -> Snapshot:
    return Snapshot(
        theatre="Test theatre",
        items=0,
        statements=(),
        positions=(),
        recognition=Recognition(subject="", series=(), blocs=(), pending=(), recent=()),
        escalation=Escalation(score=50.0, level=level, trend="rising"),
        sources=(),
        updated=when,
    )


def config(*alerts: Alert) -> Config:
    return Config(alerts=alerts)


async def test_level_change_fires_command_and_webhook_exactly_once(
    tmp_path, receiver, recorder, client
):
    argv, out = recorder
    cfg = config(Alert(id="level", on="level", command=argv, webhook=receiver.url))
    state = tmp_path / "db.alerts.json"
    engine = AlertEngine(cfg, state, client)
    before, after = snap("tense", T0), snap("elevated", T0)

    fired = await engine.after_round(before, after)

    assert [e.key for e in fired] == [f"level:tense->elevated@{T0.isoformat()}"]
    assert [e["detail"]["to"] for e in received(out)] == ["elevated"]
    assert [e["key"] for e in receiver.events()] == [fired[0].key]
    assert fired[0].notify  # the default: the TUI shows it

    # the same change again, in this engine and in a restarted one: dedupe, nothing sent
    assert await engine.after_round(before, after) == []
    assert await AlertEngine(cfg, state, client).after_round(before, after) == []
    assert len(received(out)) == 1 and len(receiver.bodies) == 1


async def test_cooldown_suppresses_a_second_event_then_reports_the_count(
    tmp_path, receiver, client
):
    cfg = config(Alert(id="level", on="level", webhook=receiver.url, cooldown="1h"))
    engine = AlertEngine(cfg, tmp_path / "s.json", client)
    t1, t2, t3 = T0 + timedelta(minutes=5), T0 + timedelta(minutes=10), T0 + timedelta(hours=2)

    def round_at(when, old, new):
        return engine.after_round(snap(old, when), snap(new, when), now=when)

    assert len(await round_at(T0, "tense", "elevated")) == 1
    assert await round_at(t1, "elevated", "high") == []
    assert len(receiver.bodies) == 1
    assert await round_at(t2, "high", "elevated") == []
    [late] = await round_at(t3, "elevated", "high")
    assert late.detail["suppressed"] == 2
    assert receiver.events()[-1]["detail"]["suppressed"] == 2


async def test_muted_alerts_never_fire(tmp_path, receiver, recorder, client):
    argv, out = recorder
    cfg = config(
        Alert(id="loud", on="level", command=argv, webhook=receiver.url),
        Alert(id="quiet", on="level", command=argv, webhook=receiver.url, mute=True),
    )
    engine = AlertEngine(cfg, tmp_path / "s.json", client)
    viewer = AlertState.load(tmp_path / "s.json")  # e.g. the TUI, muting from another process
    viewer.mute("loud")
    assert await engine.after_round(snap("calm", T0), snap("critical", T0)) == []
    assert received(out) == [] and receiver.bodies == []

    viewer.unmute("loud")
    t1 = T0 + timedelta(minutes=1)
    fired = await engine.after_round(snap("calm", t1), snap("critical", t1))
    assert [e.alert for e in fired] == ["loud"]


async def test_hostile_statement_text_lands_verbatim_and_is_never_executed(
    tmp_path, receiver, recorder, client
):
    argv, out = recorder
    pwned = tmp_path / "pwned"
    text = f'$(touch {pwned}) `touch {pwned}`; rm -rf {tmp_path}/nothing && echo "$HOME" | sh'
    statement = Statement(
        speaker=f"Eve; touch {pwned}", actor="serbia", kind="direct", text=text,
        sentence=text, item_id="evil", source_id="feed", time=T0,
    )
    cfg = config(Alert(id="said", on="statement", command=argv, webhook=receiver.url))
    engine = AlertEngine(cfg, tmp_path / "s.json", client)

    [event] = await engine.after_round(None, snap("calm", T0), [statement])
    assert event.detail["statement"]["text"] == text

    [by_command] = received(out)
    [by_webhook] = receiver.events()
    for got in (by_command, by_webhook):
        assert got["detail"]["statement"]["text"] == text
        assert got["detail"]["statement"]["speaker"] == statement.speaker
    assert not pwned.exists()
    assert (tmp_path / "record.py").exists()  # nothing was removed either


async def test_webhook_5xx_is_tried_once_more(flaky_receiver, client):
    dispatcher = AlertDispatcher(client, timeout=5, retry_pause=0.05)
    alert = Alert(id="hook", on="level", webhook=flaky_receiver.url, notify=False)
    event = AlertEvent("hook", "level", "k", "title", {"n": 1}, time=T0)

    outcomes = await dispatcher.dispatch(event, alert)

    assert flaky_receiver.statuses == [503, 200]
    assert flaky_receiver.bodies[0] == flaky_receiver.bodies[1] == event.to_bytes()
    assert outcomes == ["webhook 127.0.0.1: 200"]


async def test_unreachable_webhook_and_failing_command_are_outcomes_not_errors(
    tmp_path, client
):
    # a port that was just free: nothing listens there
    probe = ThreadingHTTPServer(("127.0.0.1", 0), BaseHTTPRequestHandler)
    port = probe.server_address[1]
    probe.server_close()
    failing = write_script(tmp_path, "fail.py", "import sys; sys.stdin.read(); sys.exit(3)")
    alert = Alert(
        id="x", on="level", webhook=f"http://127.0.0.1:{port}/hook",
        command=(sys.executable, str(failing)), notify=False,
    )
    dispatcher = AlertDispatcher(client, timeout=5, retry_pause=0.05)
    outcomes = await dispatcher.dispatch(AlertEvent("x", "level", "k", "t", time=T0), alert)
    python = Path(sys.executable).name
    assert sorted(o.split(":")[0] for o in outcomes) == [f"command {python}", "webhook 127.0.0.1"]
    assert any("exit 3" in o for o in outcomes)
    assert any("failed" in o and "webhook" in o for o in outcomes)


async def test_a_hanging_command_is_killed_after_the_timeout(tmp_path, client):
    pidfile = tmp_path / "pid"
    hang = write_script(
        tmp_path,
        "hang.py",
        f"""
        import os, time
        open({str(pidfile)!r}, "w").write(str(os.getpid()))
        time.sleep(60)
        """,
    )
    alert = Alert(id="slow", on="level", command=(sys.executable, str(hang)), notify=False)
    dispatcher = AlertDispatcher(client, timeout=1.0)

    [outcome] = await dispatcher.dispatch(AlertEvent("slow", "level", "k", "t", time=T0), alert)

    assert "killed" in outcome
    pid = int(pidfile.read_text())
    with pytest.raises(ProcessLookupError):
        os.kill(pid, 0)


async def test_a_missing_command_is_reported(client):
    alert = Alert(id="nope", on="level", command=("/nonexistent/flashpoint-hook",), notify=False)
    dispatcher = AlertDispatcher(client, timeout=1.0)
    [outcome] = await dispatcher.dispatch(AlertEvent("nope", "level", "k", "t", time=T0), alert)
    assert "cannot start" in outcome
