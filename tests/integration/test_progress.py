"""Long work says how far it is on stderr: a slow first round, a reanalysis."""

from __future__ import annotations

import re
import subprocess
import sys
from pathlib import Path

from dashboard import cli
from dashboard.commands import common
from support.farm import Farm
from support.loopback import Reply

REPO = Path(__file__).parents[2]


def test_a_slow_round_reports_its_progress(tmp_path, loopback):
    loopback.route("/hang.xml", Reply(hang=True))  # answers nothing: the deadline ends it
    with Farm(feeds=2, items=2) as farm:
        cfg = tmp_path / "config.toml"
        cfg.write_text(farm.config_toml(str(tmp_path / "store.json"),
                                        extra='[fetch]\ndeadline = "6s"\nretries = 0\n')
                       + f'\n[[sources]]\nid = "hang"\nurl = "{loopback.url("/hang.xml")}"\n')
        out = subprocess.run([sys.executable, "-m", "dashboard.cli", "fetch", "--once",
                              "--config", str(cfg)], capture_output=True, text=True,
                             timeout=120, cwd=REPO, stdin=subprocess.DEVNULL)
    assert out.returncode == 0, out.stderr
    # how far it got depends on the machine's load; that it says so does not
    assert re.search(r"^flashpoint: [0-2]/3 sources fetched \(\d+ s\)$", out.stderr, re.M), (
        out.stderr)
    assert "round stored: 4 new items from 2 of 3 sources" in out.stdout


def test_reanalyze_reports_its_progress(tmp_path, monkeypatch, capsys):
    with Farm(feeds=3, items=4) as farm:
        cfg = tmp_path / "config.toml"
        cfg.write_text(farm.config_toml(str(tmp_path / "store.json")))
        assert cli.main(["fetch", "--once", "--config", str(cfg)]) == 0
    capsys.readouterr()
    monkeypatch.setattr(common, "PROGRESS_EVERY", 0.0)  # every source group, for the test
    assert cli.main(["reanalyze", "--config", str(cfg)]) == 0
    err = capsys.readouterr().err
    assert [line for line in err.splitlines() if "reanalysed" in line] == [
        "flashpoint: reanalysed 4/12 items", "flashpoint: reanalysed 8/12 items",
        "flashpoint: reanalysed 12/12 items"]


def test_export_says_which_phase_runs(tmp_path, monkeypatch, capsys):
    with Farm(feeds=3, items=4) as farm:
        cfg = tmp_path / "config.toml"
        cfg.write_text(farm.config_toml(str(tmp_path / "store.json")))
        assert cli.main(["fetch", "--once", "--config", str(cfg)]) == 0
    capsys.readouterr()
    monkeypatch.setattr(common, "PROGRESS_EVERY", 0.001)  # a line every millisecond, for the test
    assert cli.main(["export", "--format", "json", "--config", str(cfg)]) == 0
    out = capsys.readouterr()
    phases = {m.group(1) for m in re.finditer(r"^flashpoint: export: ([a-z ]+) \(\d+ s\)$",
                                              out.err, re.M)}
    assert phases, out.err
    assert phases <= {"reading the store", "building the panels", "writing the briefing"}
    assert '"statements"' in out.out  # the briefing itself still goes to stdout, whole


def test_a_quick_export_says_nothing_of_its_phases(tmp_path, capsys):
    with Farm(feeds=1, items=2) as farm:
        cfg = tmp_path / "config.toml"
        cfg.write_text(farm.config_toml(str(tmp_path / "store.json")))
        assert cli.main(["fetch", "--once", "--config", str(cfg)]) == 0
    capsys.readouterr()
    assert cli.main(["export", "--format", "md", "--config", str(cfg)]) == 0
    assert "flashpoint: export:" not in capsys.readouterr().err
