"""`--config` and `--db` work before and after the command name, for every command."""

from __future__ import annotations

import argparse
import json
import subprocess
import sys
from pathlib import Path

import pytest

from dashboard.cli import build_parser
from support.farm import Farm

REPO = Path(__file__).parents[2]

# what each command needs besides the global options to parse
REQUIRED = {"fetch": ["--once"]}


def commands() -> list[str]:
    """Every subcommand the parser knows (a new one is tested without editing this file)."""
    sub = next(a for a in build_parser()._actions if isinstance(a, argparse._SubParsersAction))
    return sorted(sub.choices)


def flashpoint(*args: str, cwd: Path) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "dashboard.cli", *args], capture_output=True,
                          text=True, timeout=120, cwd=cwd, stdin=subprocess.DEVNULL)


@pytest.mark.parametrize("command", commands())
@pytest.mark.parametrize("where", ["before", "after"])
def test_global_options_are_kept_in_either_position(command: str, where: str) -> None:
    options = ["--config", "my.toml", "--db", "other.json"]
    rest = [command, *REQUIRED.get(command, [])]
    argv = [*options, *rest] if where == "before" else [*rest, *options]
    args = build_parser().parse_args(argv)
    assert (args.config, args.db) == ("my.toml", "other.json")


@pytest.mark.parametrize("command", commands())
def test_without_global_options_they_are_none(command: str) -> None:
    args = build_parser().parse_args([command, *REQUIRED.get(command, [])])
    assert (args.config, args.db) == (None, None)


def test_the_option_after_the_command_wins_when_both_are_given() -> None:
    args = build_parser().parse_args(["--config", "a.toml", "status", "--config", "b.toml"])
    assert args.config == "b.toml"


def test_version_is_printed() -> None:
    out = subprocess.run([sys.executable, "-m", "dashboard.cli", "--version"],
                         capture_output=True, text=True, timeout=60, cwd=REPO)
    assert out.returncode == 0
    assert out.stdout.startswith("flashpoint ") and out.stdout.split()[1][0].isdigit()


def test_options_before_the_command_reach_status_export_and_fetch(tmp_path: Path) -> None:
    """The reported case: the options before the command were replaced by the defaults."""
    work = tmp_path / "cwd"  # a working directory with a decoy ./config.toml
    work.mkdir()
    (work / "config.toml").write_text(
        f'[storage]\npath = "{tmp_path}/decoy.json"\n[[sources]]\nid = "decoy"\n'
        'url = "http://127.0.0.1:9/feed.xml"\n')
    store = tmp_path / "chosen.json"
    with Farm(feeds=2, items=3) as farm:
        cfg = tmp_path / "mine.toml"
        cfg.write_text(farm.config_toml(str(tmp_path / "configured.json")))
        fetched = flashpoint("--config", str(cfg), "--db", str(store), "fetch", "--once",
                             cwd=work)
    assert fetched.returncode == 0, fetched.stderr
    assert str(store) in fetched.stdout
    assert store.exists() and not (tmp_path / "decoy.json").exists()
    assert not (tmp_path / "configured.json").exists()

    status = flashpoint("--config", str(cfg), "--db", str(store), "status", "--json", cwd=work)
    assert status.returncode == 0, status.stderr
    snap = json.loads(status.stdout)
    assert snap["items"] == 6
    assert {s["id"] for s in snap["sources"]} == {"feed-0", "feed-1"}

    export = flashpoint("--db", str(store), "--config", str(cfg), "export", "--format", "json",
                        cwd=work)
    assert export.returncode == 0, export.stderr
    assert json.loads(export.stdout)["items"] == 6
