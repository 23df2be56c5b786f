"""The JSON contracts of docs/ARCHITECTURE.md (Contracts): `status --json` and `extract`.

Run as scripts run them (real processes, a store filled by a real round over a loopback
farm). Fields may be added to these documents; the ones asserted here must stay.
"""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

from dashboard.models import LEVELS
from support.farm import Farm
from tests.conftest import REPO

SOURCE_STATES = {"ok", "not_modified", "error", "postponed", "never"}
STATEMENT_KEYS = {"speaker", "actor", "kind", "text", "sentence"}


def flashpoint(*args: str, input: str | None = None) -> dict:
    """`flashpoint ARGS` printed JSON (the command must succeed)."""
    done = subprocess.run([sys.executable, "-m", "dashboard.cli", *args], input=input,
                          capture_output=True, text=True, timeout=120, cwd=REPO)
    assert done.returncode == 0, done.stderr
    return json.loads(done.stdout)


def test_status_json_has_every_promised_field(tmp_path: Path) -> None:
    cfg = tmp_path / "config.toml"
    with Farm(feeds=2, items=5) as farm:
        cfg.write_text(farm.config_toml(str(tmp_path / "store.json"))
                       + '\n[[sources]]\nid = "closed"\nurl = "http://127.0.0.1:9/feed.xml"\n')
        subprocess.run([sys.executable, "-m", "dashboard.cli", "fetch", "--once",
                        "--config", str(cfg)], capture_output=True, timeout=120, cwd=REPO,
                       check=True)
    status = flashpoint("status", "--json", "--config", str(cfg))
    assert {"items", "sources", "statements", "positions", "recognition",
            "escalation"} <= status.keys()
    assert status["items"] == 10
    assert len(status["sources"]) == 3
    for source in status["sources"]:
        assert {"id", "state", "error", "items", "last_success", "next_run"} <= source.keys()
        assert source["state"] in SOURCE_STATES
    states = {s["id"]: s["state"] for s in status["sources"]}
    assert states["closed"] == "error" and set(states.values()) == {"ok", "error"}
    assert status["statements"], "the farm's items quote people"
    for statement in status["statements"]:
        assert statement.keys() >= STATEMENT_KEYS
        assert statement["kind"] in ("direct", "reported")
    times = [s["time"] for s in status["statements"]]
    assert times == sorted(times, reverse=True)  # newest first
    escalation = status["escalation"]
    assert {"score", "level", "trend", "stale_since"} <= escalation.keys()
    assert escalation["level"] in (*LEVELS, "no_data")


def test_a_store_nothing_answered_for_says_no_data(tmp_path: Path) -> None:
    cfg = tmp_path / "config.toml"
    cfg.write_text(f'[storage]\npath = "{tmp_path / "store.json"}"\n'
                   '[[sources]]\nid = "a"\nurl = "http://127.0.0.1:9/feed.xml"\n')
    status = flashpoint("status", "--json", "--config", str(cfg))
    assert status["items"] == 0
    assert [(s["id"], s["state"]) for s in status["sources"]] == [("a", "never")]
    assert status["escalation"]["level"] == "no_data"


def test_extract_json_has_every_promised_field() -> None:
    text = ("Serbian President Aleksandar Vucic said Serbia would never recognise Kosovo.\n\n"
            '"We will not accept the return of Serbian troops," the State Department said.\n\n'
            "Police clashed with armed men near the border on Sunday.\n")
    out = flashpoint("extract", "--config", str(REPO / "config.toml"), "-", input=text)
    assert set(out) == {"statements", "stances", "recognition_events", "escalation"}
    assert out["statements"]
    for statement in out["statements"]:
        assert statement.keys() >= STATEMENT_KEYS
        assert statement["kind"] in ("direct", "reported")
    assert {s["kind"] for s in out["statements"]} == {"direct", "reported"}
    assert out["stances"] and out["recognition_events"] and out["escalation"]["cues"]
    for stance in out["stances"]:
        assert {"actor", "topic", "stance", "evidence"} <= stance.keys()
    for event in out["recognition_events"]:
        assert {"country", "change", "evidence"} <= event.keys()
        assert event["change"] in ("recognized", "withdrawn", "not_recognized")
    assert {"score", "level", "cues"} <= out["escalation"].keys()
    assert out["escalation"]["level"] in LEVELS
    for cue in out["escalation"]["cues"]:
        assert {"cue", "weight", "evidence"} <= cue.keys()
