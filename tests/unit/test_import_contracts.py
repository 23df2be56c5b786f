"""The import contracts cover what they claim: "only storage knows TinyDB" lists every
module of the dashboard package except storage (a new module must be added to it)."""

from __future__ import annotations

import tomllib
from pathlib import Path

REPO = Path(__file__).resolve().parents[2]


def test_every_module_but_storage_is_forbidden_tinydb():
    contracts = tomllib.loads((REPO / "pyproject.toml").read_text())["tool"]["importlinter"]
    tinydb = next(c for c in contracts["contracts"] if c["name"] == "Only storage knows TinyDB")
    package = REPO / "dashboard"
    modules = {f"dashboard.{p.stem}" for p in package.glob("*.py") if p.stem != "__init__"}
    modules |= {f"dashboard.{p.parent.name}" for p in package.glob("*/__init__.py")}
    assert modules - set(tinydb["source_modules"]) == {"dashboard.storage"}
