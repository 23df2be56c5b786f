"""Memory habits of long-running processes: glibc malloc settings (each a no-op
elsewhere) and pausing Python's garbage collector while a large store loads.

Rounds commit and snapshots are read in worker threads. glibc gives threads their own
arenas (up to 8 per CPU), and memory a thread frees in its arena is rarely handed back,
so a process that runs for weeks climbs. Two arenas, a fixed mmap threshold and a trim
after each commit keep the resident set where the live data is (bench/soak.py,
bench/tui.py).
"""

from __future__ import annotations

import contextlib
import ctypes
import functools
import gc
from collections.abc import Iterator
from typing import Any

_M_ARENA_MAX = -8
_M_MMAP_THRESHOLD = -3
MMAP_THRESHOLD = 256 * 1024  # bytes; glibc's default starts at 128 KB, then moves


@functools.lru_cache(maxsize=1)
def _libc() -> Any:
    try:
        return ctypes.CDLL("libc.so.6")  # by name: find_library would run ldconfig
    except OSError:  # not glibc (musl, macOS): nothing to tune
        return None


def tune_malloc(arenas: int = 2, mmap_threshold: int = MMAP_THRESHOLD) -> None:
    """Cap glibc's malloc arenas and fix its mmap threshold; call before the process
    starts its threads.

    Every allocation of at least `mmap_threshold` bytes (a segment's JSON, a large table's
    hash array) then gets pages of its own, handed back when it is freed. Left to itself
    glibc raises the threshold to the largest block freed so far (up to 32 MB), so after
    the first large segment every later one is carved from the heap, where the small
    objects allocated around it keep its pages from ever being returned: the collecting
    store-only run grew 11 MB more by 400 rounds (88.5 against 77.7 MB).
    """
    libc = _libc()
    if libc is not None and hasattr(libc, "mallopt"):
        libc.mallopt(_M_ARENA_MAX, arenas)
        libc.mallopt(_M_MMAP_THRESHOLD, mmap_threshold)


def release_free_memory() -> None:
    """Hand the heap's free pages back to the system (after a commit freed a round's
    temporary documents and JSON)."""
    libc = _libc()
    if libc is not None and hasattr(libc, "malloc_trim"):
        libc.malloc_trim(0)


@contextlib.contextmanager
def gc_paused_then_frozen() -> Iterator[None]:
    """Pause the cyclic garbage collector for the block, then freeze what it created.

    Loading a store creates millions of long-lived, acyclic documents: the collector would
    scan them again and again while they are made, and later on every full collection (a
    round's allocations trigger one now and then). Frozen, they are left out of both.
    """
    # Freezing moves *every* tracked object out of the collector's reach, including
    # cycles that are garbage already (a dashboard's screen code leaves some at every
    # refresh, and more while a load runs with the collector paused): frozen, they were
    # never freed, and a viewer reloading the store each round grew by half a megabyte
    # a round. So each load first thaws what the last one froze and collects: what was
    # garbage then is freed now, and frozen garbage never outlives the next load. The
    # price is one full collection per load (about 15 % of a 50,000-item reload).
    gc.unfreeze()
    was_enabled = gc.isenabled()
    if was_enabled:
        gc.collect()
    gc.disable()
    try:
        yield
    finally:
        if was_enabled:
            gc.enable()
        gc.freeze()


class IdleCollections:
    """Garbage collections at the screen's idle moments, over what is new only.

    A full collection traverses every tracked object that is not frozen: ≈ 100k-200k in a
    collecting dashboard (the round's rows, snapshots, Textual's render caches), 50-190 ms
    with the GIL held, and CPython starts one whenever a quarter more objects survived,
    often in the middle of a frame or of a round (docs/PERFORMANCE.md §4). So while this
    runs (`start` to `stop`) CPython's own collections are young ones only, and after each
    paint `collect` runs a young collection (the garbage made since the last, ≈ 1 ms) and
    freezes what survived: later collections traverse only the objects made since.

    Frozen objects that die later are freed by their reference counts, but those that die
    in a cycle stay until a thaw: a full collection of everything, 100-250 ms growing with
    the store. `thaw_due` says one is due (every `thaw_every` collections); the screen
    thaws when nobody is using it and no round runs. A thaw overdue by `overdue` times
    (a screen never idle) happens at the next collection. `stop` thaws, for the objects
    of a closed screen.
    """

    FULL_EVERY = 1_000_000  # CPython's full collections: after this many young ones

    def __init__(self, *, thaw_every: int = 20, overdue: int = 3) -> None:
        self.thaw_every = thaw_every
        self.overdue = overdue
        self.collections = 0  # since the last thaw
        self.thaws = 0
        self._thresholds: tuple[int, int, int] | None = None

    def start(self) -> None:
        """Leave full collections to this object (CPython keeps its young ones)."""
        if self._thresholds is None:
            self._thresholds = gc.get_threshold()
            young, middle, _ = self._thresholds
            gc.set_threshold(young, middle, self.FULL_EVERY)

    @property
    def thaw_due(self) -> bool:
        """True when `thaw_every` collections have frozen objects since the last thaw."""
        return self.collections >= self.thaw_every

    def collect(self) -> None:
        """Collect the young generations and freeze what survives (an overdue thaw: all)."""
        if not gc.isenabled():
            return  # a store load has paused the collector and freezes when it ends
        self.collections += 1
        if self.collections >= self.thaw_every * self.overdue:
            self.thaw()
            return
        gc.collect(1)
        gc.freeze()

    def thaw(self) -> None:
        """Thaw, collect everything, freeze what survives."""
        if not gc.isenabled():
            return
        gc.unfreeze()
        gc.collect()
        gc.freeze()
        self.thaws += 1
        self.collections = 0

    def stop(self) -> None:
        """Thaw everything (CPython's collections free what is garbage by now) and give
        CPython back its full collections."""
        gc.unfreeze()
        self.collections = 0
        if self._thresholds is not None:
            gc.set_threshold(*self._thresholds)
            self._thresholds = None
