"""What runs in the worker processes lives in one module, and the pool says what it is.

Every task the product hands to its `WorkerPool` (`pool.run(fn, ...)`) is a worker entry
point of `dashboard/pipeline/workers.py`; the pool lives with the pipeline, not in
`fetching/` (it runs the analysis and page extraction too), and the old name is gone.
"""

from __future__ import annotations

import ast
import importlib
import inspect
import pkgutil
import subprocess
import sys

import pytest

from dashboard.pipeline import WorkerPool, workers
from tests.conftest import REPO

PRODUCT = [*REPO.joinpath("dashboard").rglob("*.py")]


def _pool_tasks() -> list[tuple[str, str, str]]:
    """(module, task name, where the name comes from) for every `<pool>.run(fn, ...)`."""
    found = []
    for path in PRODUCT:
        tree = ast.parse(path.read_text(encoding="utf-8"))
        origin = {alias.asname or alias.name: node.module
                  for node in ast.walk(tree) if isinstance(node, ast.ImportFrom)
                  for alias in node.names}
        local = {node.name for node in tree.body if isinstance(node, ast.FunctionDef)}
        for node in ast.walk(tree):
            if (isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute)
                    and node.func.attr == "run" and "pool" in ast.unparse(node.func.value)
                    and node.args and isinstance(node.args[0], ast.Name)):
                name = node.args[0].id
                where = origin.get(name) or ("(this module)" if name in local else "?")
                found.append((str(path.relative_to(REPO)), name, where))
    return found


def test_every_pool_task_is_a_worker_entry_point() -> None:
    tasks = _pool_tasks()
    names = {name for _, name, _ in tasks}
    assert {"items_in_worker", "analyse_in_worker", "page_in_worker"} <= names
    for module, name, where in tasks:
        assert module == "dashboard/pipeline/workers.py" or where == "dashboard.pipeline.workers", (
            f"{module} runs {name} (from {where}) in the pool: worker entry points belong in "
            "dashboard/pipeline/workers.py")
        assert callable(getattr(workers, name))


def test_the_pool_is_named_for_what_it_does_and_lives_with_the_pipeline() -> None:
    assert WorkerPool.__module__ == "dashboard.pipeline.pool"
    assert "pebble" not in {name for path in REPO.joinpath("dashboard", "fetching").rglob("*.py")
                            for name in path.read_text(encoding="utf-8").split()}
    old = [str(p.relative_to(REPO)) for p in PRODUCT if "ParsePool" in p.read_text("utf-8")]
    assert old == []


@pytest.mark.parametrize("package", ["dashboard.pipeline", "dashboard.fetching"])
def test_every_export_is_what_it_names_whatever_was_imported_first(package: str) -> None:
    """The packages export their names lazily; a submodule named like an export would
    shadow it once imported (the import system binds it on the package)."""
    module = importlib.import_module(package)
    for info in pkgutil.iter_modules(module.__path__):
        importlib.import_module(f"{package}.{info.name}")
    for name in module.__all__:
        value = getattr(module, name)
        assert not inspect.ismodule(value), f"{package}.{name} is a module"


def test_a_worker_imports_no_http_client_store_or_rounds() -> None:
    """Spawned workers import the entry points alone: not httpx, TinyDB or the rounds."""
    heavy = ("httpx", "tinydb", "filelock", "apscheduler", "dashboard.storage",
             "dashboard.pipeline.rounds", "dashboard.pipeline.refreshing", "textual")
    code = ("import sys, dashboard.pipeline.workers as w\n"
            "w.prepare_worker\n"
            f"print(sorted(m for m in {heavy!r} if m in sys.modules))")
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                          cwd=REPO, timeout=60)
    assert done.returncode == 0, done.stderr
    assert done.stdout.strip() == "[]"
