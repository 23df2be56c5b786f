"""Service mode end to end: collect with alerts, export, serve, status, as real processes."""

from __future__ import annotations

import json
import signal
import socket
import subprocess
import sys
import threading
import time
import urllib.request
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import pytest

from support.farm import Farm
from tests.integration.test_cli import REPO, flashpoint


class Receiver:
    """A loopback webhook receiver that records every JSON body it is sent."""

    def __init__(self) -> None:
        self.bodies: list[dict] = []
        receiver = self

        class Handler(BaseHTTPRequestHandler):
            def log_message(self, *args) -> None:
                pass

            def do_POST(self) -> None:
                length = int(self.headers.get("Content-Length", 0))
                receiver.bodies.append(json.loads(self.rfile.read(length)))
                self.send_response(204)
                self.end_headers()

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        threading.Thread(target=self.server.serve_forever, daemon=True).start()
        self.url = f"http://127.0.0.1:{self.server.server_address[1]}/hook"

    def close(self) -> None:
        self.server.shutdown()
        self.server.server_close()


def wait_for(predicate, timeout: float, what: str) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if predicate():
            return
        time.sleep(0.3)
    pytest.fail(f"timed out waiting for {what}")


def test_collect_fires_a_level_alert_once_to_a_command_and_a_webhook(tmp_path: Path) -> None:
    events = tmp_path / "events.jsonl"
    script = tmp_path / "sink.py"
    script.write_text(
        "import sys\n"
        f"open({str(events)!r}, 'a').write(sys.stdin.read().replace('\\n', ' ') + '\\n')\n"
    )
    receiver = Receiver()
    alert = (
        '[[alerts]]\nid = "level-change"\non = "level"\n'
        f"command = [{json.dumps(sys.executable)}, {json.dumps(str(script))}]\n"
        f'webhook = "{receiver.url}"\ncooldown = "1h"\n'
    )
    store = tmp_path / "store.json"
    try:
        with Farm(feeds=5, items=20) as farm:
            cfg = tmp_path / "config.toml"
            cfg.write_text(farm.config_toml(str(store), every="1h") + "\n" + alert)
            proc = subprocess.Popen(
                [sys.executable, "-m", "dashboard.cli", "collect", "--config", str(cfg)],
                cwd=REPO, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
            )
            try:
                wait_for(lambda: receiver.bodies and events.exists(), 60, "the alert")
                time.sleep(1.0)  # would a duplicate arrive?
                proc.send_signal(signal.SIGTERM)
                _, err = proc.communicate(timeout=30)
            finally:
                if proc.poll() is None:
                    proc.kill()
    finally:
        receiver.close()
    assert proc.returncode == 0, err
    lines = events.read_text().splitlines()
    assert len(lines) == 1, lines
    assert len(receiver.bodies) == 1
    event = json.loads(lines[0])
    assert event == receiver.bodies[0]
    assert event["alert"] == "level-change"
    assert event["key"].startswith("level:calm->")
    assert "alert level-change fired" in err


RECOGNITION = (
    '[recognition]\nsubject = "Kosovo"\nledger = "kosovo-recognition.csv"\n'
    'series = "kosovo-series.toml"\nblocs = "blocs.toml"\n'
)


def test_export_writes_a_markdown_briefing_and_csv(tmp_path: Path) -> None:
    with Farm(feeds=3, items=10) as farm:
        cfg = tmp_path / "config.toml"
        cfg.write_text(farm.config_toml(str(tmp_path / "store.json"), extra=RECOGNITION))
        assert flashpoint("fetch", "--once", "--config", str(cfg)).returncode == 0
    out = tmp_path / "brief.md"
    md = flashpoint("export", "--format", "md", "--since", "7d", "-o", str(out),
                    "--config", str(cfg))
    assert md.returncode == 0, md.stderr
    text = out.read_text()
    for heading in ("Escalation", "Positions", "Recognition", "Statements"):
        assert heading in text
    assert "kosovo-recognition" in text or "evropaelire" in text or "Wikipedia" in text
    csv = flashpoint("export", "--format", "csv", "--config", str(cfg))
    assert csv.returncode == 0
    assert csv.stdout.splitlines()[0].startswith("time,actor,speaker,kind,text")
    assert len(csv.stdout.splitlines()) > 5
    bad = flashpoint("export", "--since", "yesterday", "--config", str(cfg))
    assert bad.returncode == 2 and "Traceback" not in bad.stderr


def test_status_prints_a_one_line_summary(tmp_path: Path) -> None:
    with Farm(feeds=2, items=5) as farm:
        cfg = tmp_path / "config.toml"
        cfg.write_text(farm.config_toml(str(tmp_path / "store.json")))
        flashpoint("fetch", "--once", "--config", str(cfg))
    out = flashpoint("status", "--config", str(cfg))
    assert out.returncode == 0
    assert len(out.stdout.strip().splitlines()) == 1
    assert "10 items" in out.stdout and "2/2 sources ok" in out.stdout


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def test_serve_answers_on_loopback(tmp_path: Path) -> None:
    cfg = tmp_path / "config.toml"
    cfg.write_text(f'[storage]\npath = "{tmp_path}/store.json"\n'
                   '[[sources]]\nid = "a"\nurl = "http://127.0.0.1:9/x"\n')
    port = _free_port()
    proc = subprocess.Popen(
        [sys.executable, "-m", "dashboard.cli", "serve", "--port", str(port), "--config", str(cfg)],
        cwd=REPO, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
    )
    try:
        def answers() -> bool:
            try:
                with urllib.request.urlopen(f"http://127.0.0.1:{port}/", timeout=2) as r:
                    return r.status == 200 and b"Flashpoint" in r.read()
            except OSError:
                return False

        wait_for(answers, 30, "the web view")
    finally:
        proc.send_signal(signal.SIGTERM)
        try:
            proc.communicate(timeout=15)
        except subprocess.TimeoutExpired:
            proc.kill()
