"""Imports flow one way: product <- support <- tests, bench (issue 15, test support).

Read from the source with `ast` (imports inside functions count too), beside the
import-linter contracts that `make lint` checks: the wheel's packages never import the
test support, the benchmarks or the tests; `support` imports only the product; the
benchmarks never import the tests, and the tests import a benchmark only to test it;
no cycle among the benchmarks; nothing edits `sys.path`.
"""

from __future__ import annotations

import ast
import tomllib
from pathlib import Path

from tests.conftest import REPO

PACKAGES = ("dashboard", "widgets", "support", "bench", "tests")
CONTRACT = "Tests import a benchmark only to test it"


def _tests_of_benchmarks() -> set[tuple[str, str]]:
    """(test, module) pairs where a benchmark's own test may import it: the exceptions of
    import-linter's contract (one list, in pyproject.toml), each with the packages its
    import goes through (`from bench import extraction` imports `bench` too)."""
    config = tomllib.loads(REPO.joinpath("pyproject.toml").read_text(encoding="utf-8"))
    contract = next(c for c in config["tool"]["importlinter"]["contracts"]
                    if c["name"] == CONTRACT)
    allowed = set()
    for rule in contract.get("ignore_imports", ()):
        source, target = (part.strip() for part in rule.split("->"))
        parts = target.split(".")
        allowed.update((source, ".".join(parts[:n])) for n in range(1, len(parts) + 1))
    return allowed


TESTS_OF_BENCHMARKS = _tests_of_benchmarks()


def _module(path: Path) -> str:
    parts = path.relative_to(REPO).with_suffix("").parts
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


def _imports(path: Path) -> set[str]:
    """Every absolute module name `path` imports (for `from a import b`: a and a.b)."""
    names: set[str] = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            names.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            names.add(node.module)
            names.update(f"{node.module}.{alias.name}" for alias in node.names)
    return names


def _graph() -> dict[str, set[str]]:
    graph = {}
    for package in PACKAGES:
        for path in sorted(REPO.joinpath(package).rglob("*.py")):
            if "__snapshots__" not in path.parts:
                graph[_module(path)] = _imports(path)
    return graph


GRAPH = _graph()


def _top(name: str) -> str:
    return name.split(".", 1)[0]


def _edges(source: str, target: str) -> list[tuple[str, str]]:
    return sorted((module, name) for module, names in GRAPH.items() if _top(module) == source
                  for name in names if _top(name) == target)


def test_the_graph_was_read() -> None:
    assert "support.loopback" in GRAPH and "support.farm" in GRAPH
    assert ("tests.conftest", "support.loopback") in _edges("tests", "support")
    assert _edges("bench", "support")  # the benchmarks use the farm


def test_the_product_imports_no_test_support_benchmark_or_test() -> None:
    for product in ("dashboard", "widgets"):
        for other in ("support", "bench", "tests"):
            assert _edges(product, other) == [], f"{product} imports {other}"


def test_support_imports_only_the_product() -> None:
    assert _edges("support", "tests") == []
    assert _edges("support", "bench") == []


def test_benchmarks_and_tests_do_not_import_each_other() -> None:
    assert _edges("bench", "tests") == []
    edges = {(module, _known(name)) for module, name in _edges("tests", "bench")}
    assert edges <= TESTS_OF_BENCHMARKS, edges - TESTS_OF_BENCHMARKS


def _known(name: str) -> str:
    """`name`, or the module it names an attribute of (`bench.extraction.score`)."""
    while name not in GRAPH and "." in name:
        name = name.rsplit(".", 1)[0]
    return name


def test_no_import_cycle_among_the_benchmarks() -> None:
    bench = {m: {_known(n) for n in names if _top(n) == "bench"} - {m}
             for m, names in GRAPH.items() if _top(m) == "bench"}
    done: set[str] = set()

    def visit(module: str, path: tuple[str, ...]) -> None:
        assert module not in path, f"import cycle: {' -> '.join((*path, module))}"
        if module in done:
            return
        for target in bench.get(module, ()):
            visit(target, (*path, module))
        done.add(module)

    for module in bench:
        visit(module, ())


def test_nothing_edits_sys_path() -> None:
    """Not in code, nor in code strings run by subprocesses: packages are found from the
    repository root (pytest's `pythonpath`, `python -m` from the root, `cwd=REPO`)."""
    edits = ("sys.path." + "insert", "sys.path." + "append")
    offenders = [str(path.relative_to(REPO))
                 for package in PACKAGES for path in REPO.joinpath(package).rglob("*.py")
                 if any(edit in path.read_text(encoding="utf-8") for edit in edits)]
    offenders += [p.name for p in REPO.glob("*.py") if "sys.path" in p.read_text()]
    assert offenders == []
