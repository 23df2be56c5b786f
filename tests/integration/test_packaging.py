"""What the wheel ships: the product, its one config.toml, and no test support.

`config.toml` exists once, at the top level; `setup.py` copies it into the wheel as
`dashboard/data/config.toml`. A source checkout or an editable install (`make lint`,
`make test`) reads the top-level file itself. The wheel is built offline from a copy of
the sources (`pip wheel --no-build-isolation`), so the test leaves the checkout untouched.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import zipfile
from pathlib import Path

import pytest

from dashboard import config as config_module
from tests.conftest import REPO

PRODUCT = {"dashboard", "widgets"}
SOURCES = ("pyproject.toml", "setup.py", "MANIFEST.in", "README.md", "config.toml",
           "dashboard", "widgets")


def test_config_toml_exists_once() -> None:
    twin = REPO / "dashboard" / "data" / "config.toml"
    assert not twin.exists(), (
        "dashboard/data/config.toml must not exist in the repository: config.toml exists "
        "once. Edit the top-level config.toml ONLY (the wheel's bundled copy is built from "
        f"it by setup.py), then delete {twin} (git rm dashboard/data/config.toml).")
    config = config_module.load_config(REPO / "config.toml")
    assert {"serbia", "kosovo", "usa", "kfor"} <= {a.id for a in config.actors}
    assert any(s.kind == "gdelt" and s.every >= 900 for s in config.sources)


def _run(args: list[str], cwd: Path, env_path: str | None = None) -> subprocess.CompletedProcess:
    env = {**os.environ, "XDG_CONFIG_HOME": str(cwd / "xdg"), "HOME": str(cwd)}
    env.pop("FLASHPOINT_CONFIG", None)
    if env_path is not None:
        env["PYTHONPATH"] = env_path
    return subprocess.run([sys.executable, *args], cwd=cwd, env=env, capture_output=True,
                          text=True, timeout=120, stdin=subprocess.DEVNULL)


def test_editable_install_uses_the_top_level_config(tmp_path: Path) -> None:
    """The test venv is an editable install: its bundled default is the repository's file."""
    assert config_module.SHIPPED_CONFIG == REPO / "config.toml"
    assert config_module.shipped_sections()["escalation"]["cues"]
    # a process with no config anywhere falls back to it (and says so)
    done = _run(["-m", "dashboard.cli", "--db", str(tmp_path / "s.json"), "status", "--json"],
                tmp_path)
    assert f"using the bundled default ({REPO / 'config.toml'})" in done.stderr, done.stderr


@pytest.fixture(scope="module")
def wheel(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The project's wheel, built offline from a copy of the sources."""
    work = tmp_path_factory.mktemp("wheel")
    source = work / "src"
    source.mkdir()
    for name in SOURCES:
        path = REPO / name
        if path.is_dir():
            shutil.copytree(path, source / name,
                            ignore=shutil.ignore_patterns("__pycache__", "*.pyc"))
        else:
            shutil.copy2(path, source / name)
    done = subprocess.run([sys.executable, "-m", "pip", "wheel", str(source), "-w",
                           str(work / "dist"), "--no-deps", "--no-build-isolation", "-q"],
                          capture_output=True, text=True, timeout=300)
    assert done.returncode == 0, done.stderr[-3000:]
    (built,) = (work / "dist").glob("flashpoint-*.whl")
    return built


def test_wheel_carries_the_config_and_nothing_for_tests(wheel: Path) -> None:
    names = zipfile.ZipFile(wheel).namelist()
    tops = {name.split("/")[0] for name in names if not name.split("/")[0].endswith(".dist-info")}
    assert tops == PRODUCT  # no tests/, bench/ or support/ (the loopback servers)
    bundled = zipfile.ZipFile(wheel).read("dashboard/data/config.toml")
    assert bundled == (REPO / "config.toml").read_bytes()
    assert "dashboard/data/demo/" in "".join(names)  # the demo's feeds are package data


def test_installed_wheel_finds_its_bundled_config(wheel: Path, tmp_path: Path) -> None:
    site = tmp_path / "site"
    zipfile.ZipFile(wheel).extractall(site)
    done = _run(["-c", "import dashboard.config as c; print(c.__file__); print(c.SHIPPED_CONFIG)"],
                tmp_path, env_path=str(site))
    assert done.returncode == 0, done.stderr
    module, shipped = done.stdout.split()
    assert Path(module).is_relative_to(site)  # the wheel's copy, not the checkout's
    assert Path(shipped) == site / "dashboard" / "data" / "config.toml"
    done = _run(["-m", "dashboard.cli", "--db", str(tmp_path / "s.json"), "status", "--json"],
                tmp_path, env_path=str(site))
    assert f"using the bundled default ({site / 'dashboard' / 'data' / 'config.toml'})" \
        in done.stderr, done.stderr


def test_installed_wheel_serves_the_demo(wheel: Path, tmp_path: Path) -> None:
    """`flashpoint demo` needs its loopback server: the wheel has it (support/ is not in
    the wheel), and it serves the bundled sample feeds."""
    site = tmp_path / "site"
    zipfile.ZipFile(wheel).extractall(site)
    code = ("import urllib.request\n"
            "from dashboard.demo import DemoServer\n"
            "with DemoServer(speed=10_000) as server:\n"
            "    feed = server.sources()[0]['url']\n"
            "    with urllib.request.urlopen(feed, timeout=10) as reply:\n"
            "        print(reply.status, len(reply.read()))\n"
            "import dashboard.demo as d; print(d.__file__)\n")
    done = _run(["-c", code], tmp_path, env_path=str(site))
    assert done.returncode == 0, done.stderr
    status, size, module = done.stdout.split()
    assert (status, Path(module).is_relative_to(site)) == ("200", True)
    assert int(size) > 500  # a feed with released items, not an empty page
