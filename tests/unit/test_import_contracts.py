"""The import contracts cover what they claim: "only storage knows TinyDB" forbids tinydb to
the whole product, new modules included, and lets only dashboard.storage import it.
(`make lint` runs the contract; a module of dashboard outside storage that imports tinydb
breaks it, which was checked by hand with a probe module when the contract was written.)"""

from __future__ import annotations

import tomllib
from pathlib import Path

REPO = Path(__file__).resolve().parents[2]


def test_tinydb_is_forbidden_to_every_module_but_storage():
    contracts = tomllib.loads((REPO / "pyproject.toml").read_text())["tool"]["importlinter"]
    tinydb = next(c for c in contracts["contracts"] if c["name"] == "Only storage knows TinyDB")
    assert set(tinydb["source_modules"]) == {"dashboard", "widgets"}
    assert tinydb["forbidden_modules"] == ["tinydb"]
    assert tinydb["ignore_imports"] == ["dashboard.storage.** -> tinydb"]
