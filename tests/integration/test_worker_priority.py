"""The parse and analysis workers run at a lower CPU priority than the process hosting
them, the replacement of a killed worker too, and their initializer still runs.

A first round keeps every CPU of a small machine busy analysing; at equal priority the
screen's event loop waited 30-100 ms for a CPU (docs/PERFORMANCE.md §4, "Loop stalls: a
seventh pass"). These run real worker processes.
"""

from __future__ import annotations

import asyncio
import contextlib
import os
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import pytest

from dashboard.fetching import ParseError
from dashboard.pipeline import pool as pool_module
from dashboard.pipeline.pool import WORKER_NICE, WorkerPool


def niceness_ceiling() -> int:
    """The niceness a worker of this process ends at (19 is the most there is)."""
    return min(os.nice(0) + WorkerPool().nice, 19)


@pytest.fixture(autouse=True)
def two_cpus(monkeypatch) -> None:
    """As on the machines the figures were taken on (2 CPUs), wherever this runs."""
    monkeypatch.setattr(pool_module, "worker_nice", lambda: WORKER_NICE)


def test_workers_are_lowered_only_where_the_host_leaves_them_a_cpu(monkeypatch) -> None:
    monkeypatch.undo()
    monkeypatch.setattr(os, "sched_getaffinity", lambda pid: {0, 1}, raising=False)
    assert WorkerPool().nice == WORKER_NICE > 0
    monkeypatch.setattr(os, "sched_getaffinity", lambda pid: {0}, raising=False)
    assert WorkerPool().nice == 0
    assert WorkerPool(nice=3).nice == 3


@pytest.fixture
def pool() -> Iterator[WorkerPool]:
    p = WorkerPool(max_workers=1)
    yield p
    p.close()


async def test_a_worker_runs_at_a_lower_priority_than_its_host(pool: WorkerPool) -> None:
    assert await pool.run(os.nice, (0,), timeout=30) == niceness_ceiling()
    assert os.nice(0) < niceness_ceiling() or os.nice(0) == 19  # the host is not lowered


async def test_the_replacement_of_a_killed_worker_is_lowered_too(pool: WorkerPool) -> None:
    first = await pool.run(os.getpid, timeout=30)
    with pytest.raises(ParseError, match="longer than"):
        await pool.run(time.sleep, (30,), timeout=0.5)
    assert await pool.run(os.getpid, timeout=30) != first  # killed and replaced
    assert await pool.run(os.nice, (0,), timeout=30) == niceness_ceiling()


async def test_the_initializer_still_runs_in_a_lowered_worker(tmp_path) -> None:
    mark = tmp_path / "initialized"
    pool = WorkerPool(max_workers=1, initializer=mark.write_text, initargs=("yes",))
    try:
        assert await pool.run(os.nice, (0,), timeout=30) == niceness_ceiling()
        assert mark.read_text() == "yes"
    finally:
        pool.close()


async def test_a_pool_can_keep_its_hosts_priority() -> None:
    pool = WorkerPool(max_workers=1, nice=0)
    try:
        assert await pool.run(os.nice, (0,), timeout=30) == os.nice(0)
    finally:
        pool.close()


async def test_the_first_task_starts_the_workers_off_the_event_loop(monkeypatch) -> None:
    """Importing multiprocessing and pebble and spawning the workers held the event loop
    25 ms at a round's start; `run` starts them in a thread."""
    import threading

    pool = WorkerPool(max_workers=1)
    started_in: list[threading.Thread] = []
    original = WorkerPool._start_if_needed

    def recorded(self):
        started_in.append(threading.current_thread())
        return original(self)

    monkeypatch.setattr(WorkerPool, "_start_if_needed", recorded)
    try:
        pids = await asyncio.gather(*(pool.run(os.getpid, timeout=30) for _ in range(4)))
        assert started_in and threading.main_thread() not in started_in
        assert len(set(pids)) == 1 and pids[0] != os.getpid()  # one worker, one pool
        starts = len(started_in)
        assert await pool.run(os.getpid, timeout=30) == pids[0]
        assert len(started_in) == starts  # running: the next task starts nothing
    finally:
        pool.close()
    assert not pool.running


def spawned_children() -> list[int]:
    """This process's children that multiprocessing spawned (workers, resource tracker)."""
    pids = []
    for task in Path(f"/proc/{os.getpid()}/task").iterdir():
        for pid in (task / "children").read_text().split():
            with contextlib.suppress(OSError):
                if b"multiprocessing" in Path(f"/proc/{pid}/cmdline").read_bytes():
                    pids.append(int(pid))
    return pids


@pytest.mark.skipif(sys.platform != "linux", reason="priorities are a thread's on Linux")
def test_on_linux_the_workers_are_born_lowered() -> None:
    """Lowered from their first instruction, not once their interpreter has started and
    imported what the initializer runs after (that start-up competed with the screen)."""
    pool = WorkerPool(max_workers=2)
    before = set(spawned_children())  # other tests' (the resource tracker is one a process)
    try:
        pool.start()  # returns once the workers are spawned, long before they are ready
        workers = set(spawned_children()) - before
        assert len(workers) >= 2
        assert {os.getpriority(os.PRIO_PROCESS, pid) for pid in workers} == {
            niceness_ceiling()}
        assert os.getpriority(os.PRIO_PROCESS, 0) == os.nice(0)  # this thread as it was
    finally:
        pool.close()
