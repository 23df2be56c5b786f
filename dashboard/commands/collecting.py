"""The headless writers: `fetch --once` (one round) and `collect` (the scheduler for
servers). Both stop cleanly on SIGTERM, SIGINT and SIGHUP: the write in progress finishes."""

from __future__ import annotations

import argparse
import asyncio
import sys
from collections.abc import Callable

from dashboard import report
from dashboard.commands.common import (
    StopSignals,
    config_path,
    load,
    log,
    open_for,
    round_progress,
    setup_logging,
)
from dashboard.config import config_warnings
from dashboard.memory import tune_malloc


def cmd_fetch(args: argparse.Namespace) -> int:
    """One headless round over all enabled sources; a summary line per source.

    SIGTERM, SIGHUP (a dropped SSH session) and SIGINT stop the fetches still running and
    let the round commit what it already has; the command then exits 0.
    """
    return _stoppable(_fetch, args)


def _stoppable(
    work: Callable[[argparse.Namespace, StopSignals], int], args: argparse.Namespace
) -> int:
    """Run a writer command with the stop signals caught from its first line, so that a
    signal during start-up is honoured too (common.StopSignals says what happens after)."""
    stops = StopSignals()
    try:
        return work(args, stops)
    finally:
        stops.detach(exiting=args.owns_process)


def _fetch(args: argparse.Namespace, stops: StopSignals) -> int:
    from dashboard.pipeline import Collector

    config = load(args)
    if not any(s.enabled for s in config.sources):
        print("flashpoint: no enabled sources in the config", file=sys.stderr)
        return 1
    # the segments are read only if the round needs them (news, retention): a round of
    # 304s reads the main file and the cue hits of the escalation horizon
    store = open_for(config, readonly=False, deferred=True)

    async def one_round():
        nonlocal collector
        collector = Collector(config, store)
        stop = stops.attach(asyncio.get_running_loop())
        round_ = asyncio.ensure_future(collector.run_round())
        stopper = asyncio.ensure_future(stop.wait())
        progress = asyncio.ensure_future(round_progress(collector, len(collector.due())))
        round_.add_done_callback(lambda _: progress.cancel())
        try:
            await asyncio.wait({round_, stopper}, return_when=asyncio.FIRST_COMPLETED)
            if not round_.done():
                await collector.drain()  # fetches stop; the round commits what it has
            return await round_
        finally:
            stopper.cancel()
            await collector.aclose()

    collector: Collector | None = None
    try:
        results = asyncio.run(one_round())
        # what the store really gained, from the commit: sources sharing an item (same
        # link) each count it in their results; and the store's item count would need
        # every segment read, which a round of 304s never does
        stored = collector.stored if collector is not None else 0
    finally:
        store.close()
    names = {s.id: s.label for s in config.sources}
    for line in report.round_lines(results, names):
        print(line)
    usable = sum(r.ok for r in results)
    interrupted = f" (stopped early by {stops.received})" if stops.received else ""
    print(f"round stored: {stored} new items from {usable} of {len(results)} sources "
          f"in {config.storage.resolved_path()}{interrupted}")
    return 0 if usable or stops.received else 1


def cmd_collect(args: argparse.Namespace) -> int:
    """Headless scheduler for servers: a first round at once, then each source on its own.

    SIGTERM, SIGINT and SIGHUP stop it cleanly: the write in progress finishes, exit 0.
    """
    return _stoppable(_collect, args)


def _collect(args: argparse.Namespace, stops: StopSignals) -> int:
    from dashboard.pipeline import Collector
    from dashboard.service import CollectorService

    setup_logging(args.verbose)
    tune_malloc()  # before any thread starts: collect runs for weeks
    path = config_path(args)
    config = load(args, path)
    for warning in config_warnings(config, path):
        log.warning("%s", warning)
    store = open_for(config, readonly=False)
    log.info("collecting %d sources into %s", sum(s.enabled for s in config.sources),
             config.storage.resolved_path())
    names = {s.id: s.label for s in config.sources}

    def said(done) -> None:  # each round's failing sources, in the log
        for line in report.failure_lines(done.results, store.health(), names):
            log.warning("%s", line)

    async def serve() -> CollectorService:
        stop = stops.attach(asyncio.get_running_loop())
        service = CollectorService(config, Collector(config, store), on_round=said)
        waits = [asyncio.ensure_future(stop.wait()),
                 asyncio.ensure_future(service.stopped.wait())]
        try:
            await service.prime()
            if not stop.is_set():
                await service.start()
            await asyncio.wait(waits, return_when=asyncio.FIRST_COMPLETED)
        finally:
            for waiting in waits:
                waiting.cancel()
            await service.stop()
        return service

    try:
        service = asyncio.run(serve())
    finally:
        store.close()
    if service.lost is not None:  # another writer may hold the store now
        raise service.lost
    log.info("stopped cleanly")
    return 0
