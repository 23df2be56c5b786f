"""Each shared rule has one home in the code (issue 15, point 4); a second copy fails here.

Read from the source with `ast`, so a comment or a docstring naming the call does not
count, and a new module that rewrites a rule instead of importing it does.
"""

from __future__ import annotations

import ast
from collections import defaultdict
from pathlib import Path

REPO = Path(__file__).resolve().parents[2]
SOURCES = sorted([*REPO.glob("dashboard/**/*.py"), *REPO.glob("widgets/**/*.py")])

def calls_and_defs() -> tuple[dict[str, set[str]], dict[str, set[str]]]:
    """Per dotted call name (`os.fsync`, `datetime.now`) and per top-level function
    name, the modules (repo-relative paths) that contain it."""
    calls: dict[str, set[str]] = defaultdict(set)
    defs: dict[str, set[str]] = defaultdict(set)
    for path in SOURCES:
        name = path.relative_to(REPO).as_posix()
        tree = ast.parse(path.read_text(encoding="utf-8"))
        for node in tree.body:
            if isinstance(node, ast.FunctionDef):
                defs[node.name].add(name)
        for node in ast.walk(tree):
            if isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute) \
                    and isinstance(node.func.value, ast.Name):
                calls[f"{node.func.value.id}.{node.func.attr}"].add(name)
    return calls, defs


CALLS, DEFS = calls_and_defs()


def test_the_sources_were_read():
    assert len(SOURCES) > 40 and "dashboard/clock.py" in DEFS["utc_now"]


def test_one_atomic_write():
    home = {"dashboard/storage/atomic.py"}
    assert CALLS["tempfile.mkstemp"] == home
    assert CALLS["os.fsync"] == home
    assert DEFS["atomic_write_bytes"] == home


def test_one_clock():
    assert DEFS["utc_now"] == {"dashboard/clock.py"}
    readers = CALLS["datetime.now"] | CALLS["datetime.utcnow"] | CALLS["time.time"]
    assert readers == {"dashboard/clock.py"}


def test_one_link_check_and_one_config_digest():
    assert DEFS["safe_link"] == {"dashboard/textclean.py"}
    assert DEFS["config_digest"] == {"dashboard/config/loading.py"}
    # a config is hashed by dumping it: only the digest does that
    assert CALLS["config.model_dump_json"] <= {"dashboard/config/loading.py"}
