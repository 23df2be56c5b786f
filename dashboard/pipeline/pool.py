"""`WorkerPool`: CPU-bound work on untrusted input (parsing feeds, analysing items,
extracting article pages), off the event loop and under a deadline per task.

A hostile feed can keep a parser busy for seconds (feedparser's author e-mail regex on a
30 KB `<author>`) while holding the GIL, so a thread would still freeze the loop. The
work runs in a pebble process pool instead: a task that passes its timeout has its worker
killed and replaced, and the caller gets a `ParseError`. Workers start on first use, or
earlier with `start()` so that their start-up overlaps with fetching, and are reused;
they are started with 'spawn' (forking a process that runs an asyncio loop and threads
is unsafe), and an optional initializer runs in each one (also in a replacement) to
import and compile what the tasks need before the first task arrives.

Workers run at a lower CPU priority than the process that hosts them (`worker_nice`): a
first round keeps both of a 2-core machine's CPUs busy analysing, and at equal priority
the event loop of the screen that hosts them waited for a CPU 30-100 ms at a time
(docs/PERFORMANCE.md §4, "Loop stalls: a seventh pass"). Niceness counts within the
process's scheduling group (its session's autogroup, its service's cgroup), so the
workers give way to their host, not to other users' processes; on a single CPU they
keep their host's priority.
"""

from __future__ import annotations

import asyncio
import contextlib
import os
import signal
import sys
import threading
from collections.abc import Callable, Sequence
from concurrent.futures import BrokenExecutor
from concurrent.futures import CancelledError as FutureCancelled
from typing import TYPE_CHECKING, Any, TypeVar

from dashboard.fetching.parse import ParseError
from dashboard.models import ParsedItem
from dashboard.pipeline.workers import parse_then

if TYPE_CHECKING:
    import pebble

T = TypeVar("T")

# How much lower the workers' CPU priority is than their host's (os.nice increments).
WORKER_NICE = 10


def worker_nice() -> int:
    """WORKER_NICE where the host leaves its workers a CPU (it runs Python on one CPU at a
    time); 0 on a single CPU, where a busy host would starve them past their deadlines."""
    try:
        cpus = len(os.sched_getaffinity(0))
    except AttributeError:  # not Linux
        cpus = os.cpu_count() or 1
    return WORKER_NICE if cpus > 1 else 0


def start_worker(niceness: int, initializer: Callable[..., object] | None,
                 *initargs: Any) -> None:
    """Every worker's initializer: its niceness to `niceness` (on Linux it was born
    there), then `initializer`."""
    with contextlib.suppress(OSError):  # a platform without priorities: as it is
        if os.getpriority(os.PRIO_PROCESS, 0) < niceness:
            os.setpriority(os.PRIO_PROCESS, 0, niceness)
    if initializer is not None:
        initializer(*initargs)


def started_lowered(nice: int, start: Callable[[], T]) -> T:
    """`start()` in a thread of its own that first lowered its priority by `nice`: on
    Linux a priority is a thread's, and the processes and threads it starts inherit it,
    so the workers are born lowered (their interpreter's start and imports competed with
    the event loop at a round's start) and so are the pool's threads, which hand tasks
    over and results back: the host's loop goes first."""
    if not nice or sys.platform != "linux":  # elsewhere nice() lowers the whole process
        return start()
    done: dict[str, Any] = {}

    def lowered() -> None:
        with contextlib.suppress(OSError):
            os.nice(nice)  # this thread only (Linux)
        try:
            done["pool"] = start()
        except BaseException as exc:  # raised again in the caller's thread
            done["error"] = exc

    thread = threading.Thread(target=lowered, name="worker-pool-start")
    thread.start()
    thread.join()
    if "error" in done:
        raise done["error"]
    return done["pool"]


class WorkerPool:
    """A small pool of killable worker processes: each task (a worker entry point of
    `workers.py`) runs under its own deadline, and a task that passes it has its worker
    killed and replaced.

    `fn`, `postprocess` and `initializer` must be picklable module-level functions. Call
    `close()` when done; the pool is usable again afterwards (it restarts lazily).
    """

    def __init__(
        self,
        max_workers: int = 2,
        *,
        initializer: Callable[..., object] | None = None,
        initargs: Sequence[Any] = (),
        nice: int | None = None,
    ):
        self.max_workers = max_workers
        self.initializer = initializer
        self.initargs = tuple(initargs)
        self.nice = worker_nice() if nice is None else nice
        self._pool: pebble.ProcessPool | None = None
        self._starting = threading.Lock()  # `run` starts the workers in a thread

    def _started(self) -> pebble.ProcessPool:
        """The running pool, started now if it is not (from any thread)."""
        with self._starting:
            return self._start_if_needed()

    def _start_if_needed(self) -> pebble.ProcessPool:
        import multiprocessing  # here: a round of 304s never starts a worker

        import pebble

        # `active` also launches a new pool's workers
        if self._pool is None or not self._pool.active:
            # SIGHUP stays blocked in everything the pool starts: its workers, its threads
            # (which spawn replacement workers) and multiprocessing's resource tracker
            # (started with the pool's first lock). A hangup goes to the whole process
            # group (an SSH session dropped), and the parent, not the hangup, stops them:
            # it killed the tracker, which the parent then relaunched with a warning and
            # tracebacks on stderr (docs/RELIABILITY.md §1). The mask is per thread: the
            # parent's handler still gets every stop signal.
            niceness = min(os.getpriority(os.PRIO_PROCESS, 0) + self.nice, 19)

            def start() -> pebble.ProcessPool:
                blocked = signal.pthread_sigmask(signal.SIG_BLOCK, {signal.SIGHUP})
                try:
                    pool = pebble.ProcessPool(
                        max_workers=self.max_workers,
                        context=multiprocessing.get_context("spawn"),
                        initializer=start_worker,
                        initargs=(niceness, self.initializer, *self.initargs),
                    )
                    pool.active  # noqa: B018 - starts the workers now
                    return pool
                finally:
                    signal.pthread_sigmask(signal.SIG_SETMASK, blocked)

            self._pool = started_lowered(self.nice, start)
        return self._pool

    @property
    def running(self) -> bool:
        """Whether worker processes have been started (and not closed since)."""
        return self._pool is not None

    def start(self) -> None:
        """Launch the workers now (they start in the background; this does not wait)."""
        self._started()

    async def run(
        self, fn: Callable[..., T], args: Sequence[Any] = (), *, timeout: float, what: str = ""
    ) -> T:
        """`fn(*args)` in a worker; ParseError when it takes longer than `timeout` seconds
        or its worker dies. Exceptions `fn` raises (ParseError included) propagate."""
        what = what or getattr(fn, "__name__", "work")
        pool = self._pool
        if pool is None or not pool.active:
            # off the event loop: the imports of multiprocessing and pebble and the spawn
            # of the workers and their resource tracker held a round's first moments
            # 25 ms (docs/PERFORMANCE.md §4, "Loop stalls: a seventh pass")
            pool = await asyncio.to_thread(self._started)
        from pebble import ProcessExpired  # imported by now

        future = pool.schedule(fn, args=tuple(args), timeout=timeout)
        try:
            # cancelling the awaiting task cancels the pebble future, which kills the worker
            return await asyncio.wrap_future(future)
        except TimeoutError:
            raise ParseError(f"{what} took longer than {timeout:g} s") from None
        except ProcessExpired as exc:
            raise ParseError(f"{what} crashed its worker (exit code {exc.exitcode})") from None
        except BrokenExecutor:
            self.close()  # the next call starts a fresh pool
            raise ParseError(f"{what} failed: the worker pool broke") from None
        except FutureCancelled:
            raise ParseError(f"{what} was cancelled") from None

    async def parse(
        self, body: bytes, *, kind: str, content_type: str = "", timeout: float
    ) -> list[ParsedItem]:
        """`parse_feed` in a worker; ParseError("parsing took longer than N s") on timeout."""
        items, _ = await self.parse_with(
            body, kind=kind, content_type=content_type, timeout=timeout
        )
        return items

    async def parse_with(
        self,
        body: bytes,
        *,
        kind: str,
        content_type: str = "",
        timeout: float,
        postprocess: Callable[..., T] | None = None,
        args: Sequence[Any] = (),
    ) -> tuple[list[ParsedItem], T | None]:
        """Parse and then `postprocess(items, *args)` in the same worker, one deadline for
        both: returns (items, postprocess result or None)."""
        return await self.run(
            parse_then,
            (body, kind, content_type, postprocess, tuple(args)),
            timeout=timeout,
            what="parsing",
        )

    def close(self) -> None:
        """Stop the workers (killing any still busy) and wait for them to go."""
        with self._starting:  # a start in a thread finishes first, then stops here
            pool, self._pool = self._pool, None
        if pool is not None:
            pool.stop()
            pool.join()
