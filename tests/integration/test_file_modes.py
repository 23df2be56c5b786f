"""One file-mode model (issue 14 point 2): the service writes group-readable files, and a
reader of another uid in that group reads the store without write access anywhere.

The writer is a real `collect` running as root in group G with the systemd unit's
UMask=0027; the reader is a forked child that drops to uid 65534 (nobody) in group G
(the interpreter lives under /root, which nobody cannot enter, so the child forks from
this process rather than exec a new one). Needs root to switch uids; CI runs as root.
"""

from __future__ import annotations

import os
import signal
import stat
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path

import orjson
import pytest

# imported here, by root: the reader child (nobody) cannot read the stdlib under /root
import dashboard.pipeline
import dashboard.report
import dashboard.snapshot  # noqa: F401
from dashboard import cli
from dashboard.alert_state import state_path_for
from dashboard.storage import open_store, writer_holder
from dashboard.storage.modes import DIR_MODE, FILE_MODE, can_write_beside
from support.farm import Farm

needs_root = pytest.mark.skipif(os.geteuid() != 0,
                                reason="switching to a second uid needs root (CI runs as root)")

GROUP = 64999  # the service's group (like `flashpoint`); no name needed
READER = 65534  # nobody
ROOT = Path(__file__).resolve().parents[2]


@pytest.fixture
def shared() -> Iterator[Path]:
    """A directory that nobody may enter (tmp_path is inside root's private 0700 dirs)."""
    top = Path(tempfile.mkdtemp(prefix="flashpoint-modes-"))
    top.chmod(0o755)
    yield top
    subprocess.run(["rm", "-rf", str(top)], check=False)


def as_reader(fn) -> tuple[int, bytes]:
    """Run fn() in a forked child as nobody in GROUP; its exit status and stdout."""
    read_end, write_end = os.pipe()
    pid = os.fork()
    if pid == 0:  # the child: drop privileges for good, then run
        code = 1
        try:
            os.close(read_end)
            os.dup2(write_end, 1)
            # not pytest's capture: the pipe (the child ends with os._exit)
            sys.stdout = open(1, "w", closefd=False)  # noqa: SIM115
            os.setgroups([GROUP])
            os.setgid(GROUP)
            os.setuid(READER)
            code = fn() or 0
        except BaseException as exc:  # reported to the parent through the exit status
            os.write(2, f"reader failed: {exc!r}\n".encode())
            code = 3
        finally:
            sys.stdout.flush()
            os._exit(code)
    os.close(write_end)
    out = b""
    while chunk := os.read(read_end, 65536):
        out += chunk
    os.close(read_end)
    _, status = os.waitpid(pid, 0)
    return os.waitstatus_to_exitcode(status), out


def test_the_systemd_unit_and_the_code_agree_on_the_model():
    unit = (ROOT / "dashboard/data/systemd/flashpoint-collect.service").read_text()
    settings = dict(line.split("=", 1) for line in unit.splitlines()
                    if "=" in line and not line.startswith("#"))
    umask = int(settings["UMask"], 8)
    assert FILE_MODE & ~umask == 0o640 and DIR_MODE & ~umask == 0o750
    assert settings["StateDirectoryMode"] == "0750"
    assert settings["User"] == settings["Group"] == "flashpoint"


@needs_root
def test_the_service_writes_group_readable_files_that_another_uid_reads(shared):
    data = shared / "flashpoint"  # the unit's StateDirectory
    store = data / "store.json"
    config = shared / "config.toml"
    with Farm(feeds=3, items=6, start=datetime.now(UTC) - timedelta(days=3)) as farm:
        config.write_text(farm.config_toml(str(store), extra="""
[[alerts]]
id = "lvl"
on = "level"
""").replace("[storage]\n", "[storage]\nretention_days = 1\n"))
        config.chmod(0o644)
        collect = subprocess.Popen(
            [sys.executable, "-m", "dashboard.cli", "--config", str(config), "collect"],
            cwd=ROOT, group=GROUP, extra_groups=[], umask=0o027,
            stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
        try:
            deadline = time.monotonic() + 60
            while not (store.exists() and state_path_for(store).exists()):
                assert collect.poll() is None, collect.stderr.read().decode()
                assert time.monotonic() < deadline, "collect stored no round in 60 s"
                time.sleep(0.2)
            time.sleep(1.0)  # the view and the archive follow the first commit

            # every file the service wrote is group-readable and not world-readable
            written = [data, *data.rglob("*")]
            modes = {str(p.relative_to(shared)): stat.S_IMODE(p.lstat().st_mode) for p in written}
            for path, mode in modes.items():
                want = 0o750 if (shared / path).is_dir() else 0o640
                assert mode == want, f"{path} is {mode:o}, the model says {want:o}"
            assert {p.stat().st_gid for p in written} == {GROUP}
            names = {p.name for p in written}
            assert {"store.json", "store.json.lock", "store.json.lock.json",
                    "store.json.view.json", "store.json.alerts.json"} <= names
            assert any(p.is_dir() and ".archive" in p.name for p in written), names

            def read_while_collect_runs() -> int:
                # the viewer's decision, and its reading, with no write access anywhere
                assert not can_write_beside(store)
                assert writer_holder(store) is not None, "the reader sees the writer"
                reader = open_store(store, readonly=True)
                reader.reload_if_changed()
                print(orjson.dumps({"items": reader.item_count()}).decode(), flush=True)
                reader.close()
                return cli.main(["--config", str(config), "status", "--json"])

            # root reads the same way first, so every module the reading loads lazily
            # (encodings, importlib.resources' readers) is loaded before the fork:
            # the child, as nobody, cannot read the standard library under /root
            warm = open_store(store, readonly=True)
            warm.reload_if_changed()
            warm.close()
            assert cli.main(["--config", str(config), "status", "--json"]) == 0

            before = sorted(data.rglob("*"))
            code, out = as_reader(read_while_collect_runs)
            assert code == 0, out
            first, status = out.split(b"\n", 1)
            assert orjson.loads(first)["items"] == 18
            assert orjson.loads(status)["items"] == 18
            assert sorted(data.rglob("*")) == before, "the reader created nothing"
        finally:
            collect.send_signal(signal.SIGTERM)
            collect.wait(timeout=60)
    assert collect.returncode == 0

    # with no writer running, the reader still only reads (it cannot take the lock)
    def read_alone() -> int:
        assert writer_holder(store) is None
        return cli.main(["--config", str(config), "status"])

    code, out = as_reader(read_alone)
    assert code == 0, out
    assert out.strip(), "status printed its summary"
