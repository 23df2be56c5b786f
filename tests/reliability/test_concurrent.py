"""One writer and four readers on the same store; a second writer is refused.

`collect` writes a round a second over a farm that grows while four `status --json`
loops read. Every read must be a complete store (valid JSON, exit 0) and the item count
each reader sees never goes down.
"""

from __future__ import annotations

import json
import os
import signal
import threading
import time

import pytest

from support.farm import Farm
from tests.reliability.conftest import StderrLines, flashpoint, no_traceback, start

READERS = 4


def read_loop(cfg, until: float, seen: list[int], failures: list[str]) -> None:
    while time.monotonic() < until:
        out = flashpoint("status", "--json", "--config", str(cfg))
        if out.returncode != 0:
            failures.append(f"exit {out.returncode}: {out.stderr[-300:]}")
            continue
        try:
            seen.append(json.loads(out.stdout)["items"])
        except (ValueError, KeyError) as exc:
            failures.append(f"bad JSON ({exc}): {out.stdout[:200]!r}")


def writer_and_readers(tmp_path, seconds: float) -> dict:
    store, cfg = tmp_path / "store.json", tmp_path / "config.toml"
    with Farm(feeds=10, items=20) as farm:
        cfg.write_text(farm.config_toml(str(store), every="1s"))
        writer = start("collect", "--config", str(cfg))
        log = StderrLines(writer)
        try:
            assert log.wait_for("round stored", timeout=60), log.text()
            until = time.monotonic() + seconds
            seen: list[list[int]] = [[] for _ in range(READERS)]
            failures: list[str] = []
            readers = [threading.Thread(target=read_loop, args=(cfg, until, s, failures))
                       for s in seen]
            for reader in readers:
                reader.start()
            while time.monotonic() < until:
                farm.bump()  # news for the next round
                time.sleep(1.0)
            # a second writer meanwhile: refused, naming the holder
            second = flashpoint("fetch", "--once", "--config", str(cfg))
            for reader in readers:
                reader.join()
        finally:
            writer.send_signal(signal.SIGTERM)
            writer.wait(timeout=30)
    err = log.text()
    assert writer.returncode == 0 and no_traceback(err), err
    assert not failures, failures[:3]
    for counts in seen:
        assert counts, "a reader never finished a read"
        assert counts == sorted(counts), f"items went down for a reader: {counts}"
    assert second.returncode == 1, second.stdout
    assert "being written by" in second.stderr and f"pid {writer.pid}" in second.stderr
    assert len(second.stderr.splitlines()) <= 3 and no_traceback(second.stderr)
    reads = sum(len(s) for s in seen)
    rounds = err.count("round stored")
    print(f"{seconds:.0f} s: {rounds} rounds written, {reads} reads by {READERS} readers, "
          f"items {min(min(s) for s in seen)} -> {max(max(s) for s in seen)}; "
          f"second writer told: {second.stderr.strip()}")
    return {"reads": reads, "rounds": rounds}


def test_four_readers_always_see_a_complete_store_while_collect_writes(tmp_path):
    seen = writer_and_readers(tmp_path, seconds=15)
    assert seen["rounds"] >= 2 and seen["reads"] >= READERS


@pytest.mark.slow
@pytest.mark.timeout(900)  # ten minutes of rounds, then the readers' last reads
def test_readers_and_writer_for_ten_minutes(tmp_path):
    seconds = float(os.environ.get("RELIABILITY_CONCURRENT_SECONDS", 600))
    seen = writer_and_readers(tmp_path, seconds=seconds)
    assert seen["rounds"] >= seconds / 10
