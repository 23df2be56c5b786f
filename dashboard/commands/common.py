"""What several commands share: the config and store they open, logging, stop signals
and the progress lines of long work."""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import logging
import os
import signal
import socket
import sys
import threading
import time
from collections.abc import Callable, Iterator
from pathlib import Path

from dashboard.config import SHIPPED_CONFIG, Config, find_config, load_config
from dashboard.storage import Store, open_store
from dashboard.storage.paths import resolve_store_path

log = logging.getLogger("flashpoint")

BUNDLED_CONFIG = SHIPPED_CONFIG


def config_path(args: argparse.Namespace) -> Path:
    """The config file named by --config / $FLASHPOINT_CONFIG / search, else the bundled."""
    path = find_config(args.config)
    if not args.config and not path.exists():
        # nothing configured yet: the bundled default theatre, so a first run works
        print(f"flashpoint: no config found; using the bundled default ({BUNDLED_CONFIG})",
              file=sys.stderr)
        path = BUNDLED_CONFIG
    return path


def load(args: argparse.Namespace, path: Path | None = None) -> Config:
    """The config at `path` (default: `config_path(args)`), with --db applied."""
    config = load_config(path or config_path(args))
    # the store path is resolved once (a symlink to its target) and then used by all
    store = str(resolve_store_path(args.db or config.storage.resolved_path()))
    return config.model_copy(
        update={"storage": config.storage.model_copy(update={"path": store})}
    )


def open_for(config: Config, *, readonly: bool, background: bool = False,
             deferred: bool = False) -> Store:
    """Open the configured store as a writer or a reader (see open_store for background
    and deferred)."""
    return open_store(
        config.storage.resolved_path(),
        readonly=readonly,
        retention_days=config.storage.retention_days,
        background=background,
        deferred=deferred,
    )


def setup_logging(verbose: bool = False) -> None:
    """Log to stderr; without timestamps under journald, which adds its own."""
    fmt = "%(levelname)s %(name)s: %(message)s"
    if not os.environ.get("JOURNAL_STREAM"):
        fmt = "%(asctime)s " + fmt
    logging.basicConfig(level=logging.DEBUG if verbose else logging.INFO, format=fmt,
                        stream=sys.stderr)
    logging.getLogger("httpx").setLevel(logging.WARNING)
    logging.getLogger("apscheduler").setLevel(logging.WARNING)


PROGRESS_EVERY = 3.0  # seconds between progress lines of long work on stderr


@contextlib.contextmanager
def phases(command: str) -> Iterator[Callable[[str], None]]:
    """Say on stderr, every PROGRESS_EVERY seconds, which phase of long blocking work
    runs (an export of a large store spends seconds in each); quick work says nothing.
    Yields the function that names the phase now running."""
    now_running = [""]
    done = threading.Event()
    started = time.monotonic()

    def tell() -> None:
        while not done.wait(PROGRESS_EVERY):
            elapsed = time.monotonic() - started
            print(f"flashpoint: {command}: {now_running[0]} ({elapsed:.0f} s)",
                  file=sys.stderr, flush=True)

    teller = threading.Thread(target=tell, name=f"{command}-progress", daemon=True)
    teller.start()
    try:
        yield lambda phase: now_running.__setitem__(0, phase)
    finally:
        done.set()
        teller.join()


async def round_progress(collector: object, total: int) -> None:
    """Say on stderr how far a long round is, every few seconds (a first round over many
    sources takes minutes): sources done, then the store being written."""
    started = time.monotonic()
    await asyncio.sleep(0.5)  # the round claims its sources first
    while True:
        await asyncio.sleep(PROGRESS_EVERY)
        left = len(collector.fetching)  # type: ignore[attr-defined]
        elapsed = time.monotonic() - started
        what = (f"{total - left}/{total} sources fetched" if left
                else f"all {total} sources fetched; storing")
        print(f"flashpoint: {what} ({elapsed:.0f} s)", file=sys.stderr, flush=True)


class StopSignals:
    """SIGTERM, SIGINT and SIGHUP as a request to stop, from the command's first line to
    the end of the process.

    One Python-level handler notes the signal for the whole command: until the event loop
    runs it is only noted (the default action would kill the process mid-write), and
    `attach` turns it, and any later one, into an asyncio.Event. The loop never takes the
    signals over (`loop.add_signal_handler`): closing the loop put back the default
    action, which killed a process that had stored its round and was exiting (exit -15,
    its summary lost: docs/RELIABILITY.md §1, "The stop that came too late").
    """

    SIGNALS = (signal.SIGTERM, signal.SIGINT, signal.SIGHUP)

    def __init__(self) -> None:
        self.received: str | None = None
        self._stop: asyncio.Event | None = None
        self._loop: asyncio.AbstractEventLoop | None = None
        self._wakeup: tuple[socket.socket, socket.socket] | None = None
        self._previous_wakeup = -1
        self._said = False  # the log line of the first stop signal
        self._previous = {sig: signal.signal(sig, self._note) for sig in self.SIGNALS}

    def _note(self, signum: int, frame: object = None) -> None:
        # runs between two bytecodes of the main thread, which may be inside the event
        # loop or inside a write to stderr: it only notes, and leaves the rest (the log
        # line too: a nested write to the same stream raises) to the loop or to attach()
        if self.received is None:
            self.received = signal.Signals(signum).name
        loop = self._loop
        if loop is not None and not loop.is_closed():
            with contextlib.suppress(RuntimeError):  # closed in between: nothing to wake
                loop.call_soon_threadsafe(self._stopped)

    def _stopped(self) -> None:
        if not self._said:
            self._said = True
            log.info("received %s: finishing the write in progress", self.received)
        if self._stop is not None:
            self._stop.set()

    def attach(self, loop: asyncio.AbstractEventLoop) -> asyncio.Event:
        """The event set by a stop signal (already set if one came during start-up).

        The signal's C handler also writes to a socket the loop watches (as the loop's
        own signal handling does), so the loop wakes even when another thread caught it.
        """
        self._stop = asyncio.Event()
        self._loop = loop
        reader, writer = socket.socketpair()
        for end in (reader, writer):
            end.setblocking(False)
        self._wakeup = (reader, writer)
        self._previous_wakeup = signal.set_wakeup_fd(writer.fileno(),
                                                     warn_on_full_buffer=False)
        loop.add_reader(reader.fileno(), self._drain_wakeup)
        if self.received:  # during start-up
            self._stopped()
        return self._stop

    def _drain_wakeup(self) -> None:
        assert self._wakeup is not None
        with contextlib.suppress(OSError):
            while self._wakeup[0].recv(64):
                pass

    def detach(self, *, exiting: bool = False) -> None:
        """Give the signals back to their previous handlers; or, when the process ends
        once the command returns (`exiting`), ignore them until it does: the work is done,
        a stop signal has nothing left to stop, and the default action would turn a clean
        exit into a kill (and lose stdout's buffered summary)."""
        for sig, handler in self._previous.items():
            signal.signal(sig, signal.SIG_IGN if exiting else handler)
        self._loop = None
        if self._wakeup is not None:
            signal.set_wakeup_fd(self._previous_wakeup)
            for end in self._wakeup:
                end.close()
            self._wakeup = None
