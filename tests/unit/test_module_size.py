"""No module in dashboard/ or widgets/ grows past 400 lines (issue 15: split by concern).

OVERSIZE lists the modules still to split; a module leaves the list when it is split,
and nothing new may join it.
"""

from __future__ import annotations

import pytest

from tests.conftest import REPO

LIMIT = 400
OVERSIZE: set[str] = set()


def _modules() -> list[str]:
    paths = [*REPO.joinpath("dashboard").rglob("*.py"), *REPO.joinpath("widgets").rglob("*.py")]
    return sorted(str(p.relative_to(REPO)) for p in paths)


@pytest.mark.parametrize("module", [m for m in _modules() if m not in OVERSIZE])
def test_module_is_at_most_400_lines(module: str) -> None:
    lines = len(REPO.joinpath(module).read_text(encoding="utf-8").splitlines())
    assert lines <= LIMIT, f"{module} has {lines} lines (at most {LIMIT}): split it by concern"
