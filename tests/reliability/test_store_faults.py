"""The store's surroundings fail: a full disk, a read-only directory, missing or odd paths,
and store files that are damaged or foreign. Each gives one clear message, no traceback,
and never loses the previous file silently.

Root ignores permission bits, so "read-only" is a real read-only bind mount and "full" a
real small tmpfs; where mounting is refused (a container without CAP_SYS_ADMIN) those
cases skip, and the full disk is still proved with RLIMIT_FSIZE (the kernel refuses to
grow a file past the limit with EFBIG, which Python sees as an OSError, as on ENOSPC).
"""

from __future__ import annotations

import hashlib
import json
import resource
import signal
from pathlib import Path

import pytest

from support.farm import Farm
from tests.reliability.conftest import (
    StderrLines,
    count_items,
    flashpoint,
    mounted,
    no_traceback,
    remount_readonly,
    start,
)


def digest(path: Path) -> str:
    """A digest of the store file and every file the store keeps beside it (segments,
    archive), without locks and backups: "intact" means all of them unchanged."""
    h = hashlib.blake2b(digest_size=16)
    beside = [p for p in path.parent.iterdir() if p.name.startswith(path.stem)]
    files = [p for p in beside if p.is_file()] + [f for d in beside if d.is_dir()
                                                  for f in d.rglob("*") if f.is_file()]
    for file in sorted(files):
        if ".lock" in file.name or ".corrupt-" in file.name:
            continue
        h.update(str(file.relative_to(path.parent)).encode() + b"\0" + file.read_bytes())
    return h.hexdigest()


def first_round(farm: Farm, store: Path, cfg: Path, every: str = "15m") -> str:
    """Store a first small round; returns the store file's digest."""
    cfg.write_text(farm.config_toml(str(store), every=every))
    out = flashpoint("fetch", "--once", "--config", str(cfg))
    assert out.returncode == 0, out.stderr
    return digest(store)


def grow(farm: Farm) -> None:
    """Make the next round far larger than the first (400 items a feed)."""
    farm.items = 400
    farm.bump()


@pytest.mark.parametrize("how", ["tmpfs", pytest.param("rlimit", marks=pytest.mark.slow)])
def test_a_full_disk_is_a_clear_error_and_the_previous_file_stays(tmp_path, how):
    directory = tmp_path / "disk"
    with Farm(feeds=3, items=5) as farm:
        cfg = tmp_path / "config.toml"
        if how == "tmpfs":
            with mounted(directory, "-t", "tmpfs", "-o", "size=256k"):
                store = directory / "store.json"
                before, items = first_round(farm, store, cfg), count_items(store)
                grow(farm)
                out = flashpoint("fetch", "--once", "--config", str(cfg))
                after, items_after = digest(store), count_items(store)
        else:
            directory.mkdir()
            store = directory / "store.json"
            before, items = first_round(farm, store, cfg), count_items(store)
            grow(farm)
            limit = store.stat().st_size + 20_000

            def small_disk() -> None:
                resource.setrlimit(resource.RLIMIT_FSIZE, (limit, limit))

            out = flashpoint("fetch", "--once", "--config", str(cfg), preexec_fn=small_disk)
            after, items_after = digest(store), count_items(store)
    print(out.stderr)
    assert out.returncode == 1
    assert no_traceback(out.stderr)
    assert "cannot write" in out.stderr and "previous file is intact" in out.stderr
    assert after == before and items_after == items > 0
    assert not list(directory.glob(".store.json.*.tmp")), "a temp file was left behind"


def test_collect_on_a_full_disk_logs_one_line_per_round_and_keeps_going(tmp_path):
    directory = tmp_path / "disk"
    with Farm(feeds=3, items=5) as farm, mounted(directory, "-t", "tmpfs", "-o", "size=256k"):
        store, cfg = directory / "store.json", tmp_path / "config.toml"
        before = first_round(farm, store, cfg, every="1s")
        grow(farm)
        proc = start("collect", "--config", str(cfg))
        errors = StderrLines(proc)
        try:
            # a loaded machine takes half a minute to the first round (process start, worker
            # spawn); what is proved is two rounds refused, not how soon
            assert errors.wait_for("round not stored", count=2, timeout=75), errors.text()
        finally:
            proc.send_signal(signal.SIGTERM)
            proc.wait(timeout=30)
        err = errors.text()
        assert digest(store) == before
    print(err)
    assert proc.returncode == 0, err
    assert no_traceback(err), err
    assert "round not stored: cannot write" in err and "No space left" in err


def test_a_read_only_store_directory_refuses_writers_and_serves_readers(tmp_path):
    source, view = tmp_path / "data", tmp_path / "ro"
    with Farm(feeds=2, items=3) as farm:
        cfg = tmp_path / "config.toml"
        before = first_round(farm, source / "store.json", cfg)
        with mounted(view, "--bind", source=str(source)):
            remount_readonly(view, bind=True)
            cfg.write_text(farm.config_toml(str(view / "store.json")))
            farm.bump()
            out = flashpoint("fetch", "--once", "--config", str(cfg))
            status = flashpoint("status", "--json", "--config", str(cfg))
    print(out.stderr)
    assert out.returncode == 1 and no_traceback(out.stderr)
    assert "Read-only file system" in out.stderr and str(view / "store.json") in out.stderr
    assert status.returncode == 0, status.stderr
    assert json.loads(status.stdout)["items"] == 6
    assert digest(source / "store.json") == before


def test_a_store_in_a_missing_directory_is_created_for_writers(tmp_path):
    store = tmp_path / "not" / "yet" / "there" / "store.json"
    with Farm(feeds=1, items=2) as farm:
        cfg = tmp_path / "config.toml"
        cfg.write_text(farm.config_toml(str(store)))
        reader = flashpoint("status", "--json", "--config", str(cfg))
        assert reader.returncode == 0 and json.loads(reader.stdout)["items"] == 0
        assert not store.parent.exists(), "a reader must not create directories"
        out = flashpoint("fetch", "--once", "--config", str(cfg))
    assert out.returncode == 0, out.stderr
    assert count_items(store) == 2


def test_a_store_whose_parent_is_a_file_is_a_clear_error(tmp_path):
    (tmp_path / "afile").write_text("not a directory")
    cfg = tmp_path / "config.toml"
    cfg.write_text(f'[storage]\npath = "{tmp_path / "afile" / "store.json"}"\n'
                   '[[sources]]\nid = "a"\nurl = "http://127.0.0.1:9/x.xml"\n')
    for command in (["fetch", "--once"], ["status"]):
        out = flashpoint(*command, "--config", str(cfg))
        print(out.stderr)
        assert out.returncode == 1 and no_traceback(out.stderr)
        assert str(tmp_path / "afile") in out.stderr
        assert len(out.stderr.splitlines()) <= 3
    assert (tmp_path / "afile").read_text() == "not a directory"


FOREIGN = {
    "truncated": lambda real: real[: len(real) // 2],
    "empty": lambda real: b"",
    "another-shape": lambda real: b"[1, 2, 3]",
    "older-version": lambda real: json.dumps(
        {"_default": {}, "items": {"1": {"id": "a", "title": "t"}}}).encode(),
    "binary": lambda real: bytes(range(256)) * 4,
}


@pytest.mark.parametrize("kind", [
    "truncated",
    *(pytest.param(kind, marks=pytest.mark.slow)
      for kind in ("another-shape", "older-version", "empty", "binary")),
])
def test_a_damaged_or_foreign_store_is_kept_as_a_backup_with_instructions(tmp_path, kind):
    with Farm(feeds=2, items=3) as farm:
        store, cfg = tmp_path / "store.json", tmp_path / "config.toml"
        first_round(farm, store, cfg)
        damaged = FOREIGN[kind](store.read_bytes())
        store.write_bytes(damaged)
        reader = flashpoint("status", "--config", str(cfg))
        assert store.read_bytes() == damaged, "a reader changed the file"
        writer = flashpoint("fetch", "--once", "--config", str(cfg))
        backups = list(tmp_path.glob("store.json.corrupt-*"))
        again = flashpoint("fetch", "--once", "--config", str(cfg))
    print(reader.stderr, writer.stderr, sep="\n")
    for out in (reader, writer):
        assert out.returncode == 1 and no_traceback(out.stderr)
        assert f"cannot read {store}" in out.stderr
        assert len(out.stderr.splitlines()) <= 3
    assert "Start a writer" in reader.stderr or "restore a backup" in reader.stderr
    assert len(backups) == 1 and backups[0].read_bytes() == damaged, "the file was not kept"
    assert str(backups[0]) in writer.stderr
    assert again.returncode == 0, again.stderr  # a clean start after the refusal
    assert count_items(store) == 6


def test_an_unreadable_store_file_is_a_clear_error(tmp_path):
    store = tmp_path / "store.json"
    store.mkdir()  # root reads any file; a directory in its place cannot be read by anyone
    cfg = tmp_path / "config.toml"
    cfg.write_text(f'[storage]\npath = "{store}"\n'
                   '[[sources]]\nid = "a"\nurl = "http://127.0.0.1:9/x.xml"\n')
    for command in (["status"], ["fetch", "--once"]):
        out = flashpoint(*command, "--config", str(cfg))
        print(out.stderr)
        assert out.returncode == 1 and no_traceback(out.stderr)
        assert str(store) in out.stderr
    assert store.is_dir() and not list(store.iterdir())
