"""No data is not calm: status, export and fetch as real processes on real stores."""

from __future__ import annotations

import json
import subprocess
import sys
from datetime import UTC, datetime, timedelta
from pathlib import Path

from dashboard.models import HistoryPoint, SourceHealth
from dashboard.storage import Round, open_store
from support.loopback import Reply

REPO = Path(__file__).parents[2]
CLOSED = "http://127.0.0.1:9"  # nothing listens on the discard port


def flashpoint(*args: str) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "dashboard.cli", *args], capture_output=True,
                          text=True, timeout=120, cwd=REPO, stdin=subprocess.DEVNULL)


def offline_config(tmp_path: Path, sources: int = 6, every: str = "15m") -> Path:
    cfg = tmp_path / "config.toml"
    lines = [f'[theatre]\nname = "Offline"\n[storage]\npath = "{tmp_path}/store.json"\n']
    lines += [f'[[sources]]\nid = "s{n}"\nurl = "{CLOSED}/{n}.xml"\nevery = "{every}"\n'
              for n in range(sources)]
    cfg.write_text("\n".join(lines))
    return cfg


def test_status_on_a_store_that_never_fetched_says_no_data(tmp_path: Path) -> None:
    cfg = offline_config(tmp_path)
    line = flashpoint("status", "--config", str(cfg))
    assert line.returncode == 0, line.stderr
    assert "NO DATA" in line.stdout and "CALM" not in line.stdout
    assert "0/6 sources ok" in line.stdout
    data = json.loads(flashpoint("status", "--json", "--config", str(cfg)).stdout)
    assert data["escalation"]["level"] == "no_data"
    assert data["escalation"]["stale_since"] is None
    assert data["freshness"] == {"sources_ok": 0, "sources": 6, "last_success": None,
                                 "stale_since": None}


def test_failed_rounds_leave_no_data_and_do_not_advance_updated(tmp_path: Path) -> None:
    cfg = offline_config(tmp_path, sources=3)
    for _ in range(2):
        out = flashpoint("fetch", "--once", "--config", str(cfg))
        assert out.returncode == 1  # nothing could be fetched
    data = json.loads(flashpoint("status", "--json", "--config", str(cfg)).stdout)
    assert data["escalation"]["level"] == "no_data"
    assert data["updated"] is None  # two failed rounds are not an update
    assert {s["state"] for s in data["sources"]} == {"error"}
    line = flashpoint("status", "--config", str(cfg)).stdout
    assert "NO DATA" in line and "0/3 sources ok" in line and "failing: s0, s1, s2" in line


def test_export_says_no_data_and_has_a_source_health_section(tmp_path: Path) -> None:
    cfg = offline_config(tmp_path, sources=2)
    flashpoint("fetch", "--once", "--config", str(cfg))
    md = flashpoint("export", "--config", str(cfg))
    assert md.returncode == 0, md.stderr
    assert "**Level:** no data" in md.stdout and "calm" not in md.stdout.lower()
    sources = md.stdout.split("## Sources", 1)[1]
    assert "0/2 sources ok." in sources
    assert sources.count("| error | never |") == 2
    data = json.loads(flashpoint("export", "--format", "json", "--config", str(cfg)).stdout)
    assert data["escalation"]["level"] == "no_data"
    assert data["freshness"]["sources_ok"] == 0


def seed_old_success(cfg: Path, store_path: Path, *, hours_ago: float) -> datetime:
    """A store whose sources last answered `hours_ago` hours ago and failed since."""
    now = datetime.now(UTC)
    ok_at = now - timedelta(hours=hours_ago)
    store = open_store(store_path)
    try:
        store.commit_round(Round(
            finished=now, items=[], analyses={},
            health=[SourceHealth(f"s{n}", "error", now, ok_at, "connection refused",
                                 now + timedelta(minutes=15), failures=4) for n in range(2)],
            history=HistoryPoint(ok_at, 10.0),
        ))
    finally:
        store.close()
    return ok_at


def test_status_and_export_mark_stale_data_with_its_age(tmp_path: Path) -> None:
    cfg = offline_config(tmp_path, sources=2, every="15m")
    ok_at = seed_old_success(cfg, tmp_path / "store.json", hours_ago=5)
    line = flashpoint("status", "--config", str(cfg)).stdout
    assert "STALE 5h" in line and "0/2 sources ok" in line
    data = json.loads(flashpoint("status", "--json", "--config", str(cfg)).stdout)
    assert data["escalation"]["level"] == "calm"  # there is data; it is old
    stale = datetime.fromisoformat(data["escalation"]["stale_since"])
    assert abs(stale - (ok_at + timedelta(minutes=30))) < timedelta(seconds=1)
    assert data["updated"] == data["freshness"]["last_success"]
    md = flashpoint("export", "--config", str(cfg)).stdout
    assert "**Stale:** the newest data is 5h old" in md


def test_recent_data_is_not_stale(tmp_path: Path) -> None:
    cfg = offline_config(tmp_path, sources=2, every="1h")  # twice 1h is more than 90 min
    seed_old_success(cfg, tmp_path / "store.json", hours_ago=1.5)
    data = json.loads(flashpoint("status", "--json", "--config", str(cfg)).stdout)
    assert data["escalation"]["stale_since"] is None
    assert "STALE" not in flashpoint("status", "--config", str(cfg)).stdout


def test_a_truncated_feed_is_an_error_not_ok(tmp_path: Path, loopback) -> None:
    items = "".join(f"<item><title>Report {n}</title><link>https://news.example/{n}</link>"
                    f"<description>Body {n}.</description></item>" for n in range(5))
    whole = (f'<?xml version="1.0"?>\n<rss version="2.0"><channel><title>T</title>\n{items}'
             "\n</channel></rss>\n").encode()
    loopback.route("/cut.xml", Reply(body=whole[: len(whole) * 2 // 3],
                                     headers={"Content-Type": "application/rss+xml"}))
    loopback.route("/whole.xml", Reply(body=whole,
                                       headers={"Content-Type": "application/rss+xml"}))
    cfg = tmp_path / "config.toml"
    cfg.write_text(f'[storage]\npath = "{tmp_path}/store.json"\n'
                   f'[[sources]]\nid = "cut"\nurl = "{loopback.url("/cut.xml")}"\n'
                   f'[[sources]]\nid = "whole"\nurl = "{loopback.url("/whole.xml")}"\n')
    out = flashpoint("fetch", "--once", "--config", str(cfg))
    assert out.returncode == 0, out.stderr
    cut = next(line for line in out.stdout.splitlines() if line.startswith("cut"))
    assert "error: truncated feed" in cut and "ok" not in cut
    whole_line = next(line for line in out.stdout.splitlines() if line.startswith("whole"))
    assert "ok, 5 new items" in whole_line
    data = json.loads(flashpoint("status", "--json", "--config", str(cfg)).stdout)
    states = {s["id"]: (s["state"], s["items"]) for s in data["sources"]}
    assert states == {"cut": ("error", 0), "whole": ("ok", 5)}
    assert data["freshness"]["sources_ok"] == 1
