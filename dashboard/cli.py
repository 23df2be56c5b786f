"""Flashpoint's command line: the only place that parses argv.

Every command takes `--config PATH` and `--db PATH`, before or after the command name.
Exit codes: 0 ok, 1 the command ran but failed (nothing could be fetched, the store
cannot be used), 2 a usage or config error. Errors are one clear message on stderr,
never a traceback.
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import logging
import os
import signal
import sys
import threading
import time
from collections.abc import Callable, Iterator, Sequence
from pathlib import Path

from dashboard import report
from dashboard.clock import utc_now
from dashboard.config import (
    SHIPPED_CONFIG,
    Config,
    ConfigError,
    config_warnings,
    find_config,
    load_config,
)
from dashboard.memory import limit_malloc_arenas
from dashboard.storage import (
    Store,
    StoreError,
    StoreLocked,
    open_store,
    writer_holder,
)
from dashboard.storage.modes import can_write_beside
from dashboard.storage.paths import resolve_store_path

log = logging.getLogger("flashpoint")

BUNDLED_CONFIG = SHIPPED_CONFIG


# --- shared helpers --------------------------------------------------------------------


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


def open_for(config: Config, *, readonly: bool, background: bool = False) -> Store:
    """Open the configured store as a writer or a reader (see open_store for background)."""
    return open_store(
        config.storage.resolved_path(),
        readonly=readonly,
        retention_days=config.storage.retention_days,
        background=background,
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


# --- commands --------------------------------------------------------------------------


def cmd_check_config(args: argparse.Namespace) -> int:
    """Validate a config file: exit 0, or 2 with every problem listed."""
    path = Path(args.path) if args.path else find_config(args.config)
    config = load_config(path)
    enabled = sum(s.enabled for s in config.sources)
    print(f"{path}: ok ({len(config.sources)} sources, {enabled} enabled; "
          f"{len(config.actors)} actors, {len(config.topics)} topics)")
    for warning in config_warnings(config, path):
        print(warning, file=sys.stderr)
    return 0


def cmd_fetch(args: argparse.Namespace) -> int:
    """One headless round over all enabled sources; a summary line per source.

    SIGTERM, SIGHUP (a dropped SSH session) and SIGINT stop the fetches still running and
    let the round commit what it already has; the command then exits 0.
    """
    from dashboard.pipeline import Collector

    stops = _StopSignals()  # from the start: a signal during start-up is honoured too
    config = load(args)
    if not any(s.enabled for s in config.sources):
        print("flashpoint: no enabled sources in the config", file=sys.stderr)
        return 1
    store = open_for(config, readonly=False)

    async def one_round():
        collector = Collector(config, store)
        stop = stops.attach(asyncio.get_running_loop())
        round_ = asyncio.ensure_future(collector.run_round())
        stopper = asyncio.ensure_future(stop.wait())
        progress = asyncio.ensure_future(_round_progress(collector, len(collector.due())))
        round_.add_done_callback(lambda _: progress.cancel())
        try:
            await asyncio.wait({round_, stopper}, return_when=asyncio.FIRST_COMPLETED)
            if not round_.done():
                await collector.drain()  # fetches stop; the round commits what it has
            return await round_
        finally:
            stopper.cancel()
            await collector.aclose()

    before = store.item_count()
    try:
        results = asyncio.run(one_round())
        # what the store really gained: sources sharing an item (same link) each count it
        stored = store.item_count() - before
    finally:
        store.close()
        stops.detach()
    names = {s.id: s.label for s in config.sources}
    for line in report.round_lines(results, names):
        print(line)
    usable = sum(r.ok for r in results)
    interrupted = f" (stopped early by {stops.received})" if stops.received else ""
    print(f"round stored: {stored} new items from {usable} of {len(results)} sources "
          f"in {config.storage.resolved_path()}{interrupted}")
    return 0 if usable or stops.received else 1


PROGRESS_EVERY = 3.0  # seconds between progress lines of long work on stderr


@contextlib.contextmanager
def _phases(command: str) -> Iterator[Callable[[str], None]]:
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


async def _round_progress(collector: object, total: int) -> None:
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


def cmd_collect(args: argparse.Namespace) -> int:
    """Headless scheduler for servers: a first round at once, then each source on its own.

    SIGTERM, SIGINT and SIGHUP stop it cleanly: the write in progress finishes, exit 0.
    """
    from dashboard.pipeline import Collector
    from dashboard.service import CollectorService

    stops = _StopSignals()  # from the start: a signal during start-up is honoured too
    setup_logging(args.verbose)
    limit_malloc_arenas()  # before any thread starts: collect runs for weeks
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
        stops.detach()
    if service.lost is not None:  # another writer may hold the store now
        raise service.lost
    log.info("stopped cleanly")
    return 0


class _StopSignals:
    """SIGTERM, SIGINT and SIGHUP as a request to stop, from process start to the end.

    Until the event loop runs, a signal is only noted (the default action would kill the
    process mid-write); `attach` then turns it, and any later one, into an asyncio.Event.
    """

    SIGNALS = (signal.SIGTERM, signal.SIGINT, signal.SIGHUP)

    def __init__(self) -> None:
        self.received: str | None = None
        self._stop: asyncio.Event | None = None
        self._previous = {sig: signal.signal(sig, self._note) for sig in self.SIGNALS}

    def _note(self, signum: int, frame: object = None) -> None:
        if self.received is None:
            self.received = signal.Signals(signum).name
            log.info("received %s: finishing the write in progress", self.received)
        if self._stop is not None:
            self._stop.set()

    def attach(self, loop: asyncio.AbstractEventLoop) -> asyncio.Event:
        """The event set by a stop signal (already set if one came during start-up)."""
        self._stop = asyncio.Event()
        for sig in self.SIGNALS:
            loop.add_signal_handler(sig, self._note, sig)
        if self.received:
            self._stop.set()
        return self._stop

    def detach(self) -> None:
        """Give the signals back to their previous handlers."""
        for sig, handler in self._previous.items():
            signal.signal(sig, handler)


def cmd_status(args: argparse.Namespace) -> int:
    """The current snapshot of all four panels, as text or JSON."""
    from dashboard.snapshot import build_snapshot

    config = load(args)
    store = open_for(config, readonly=True)
    now = utc_now()
    try:
        snap = build_snapshot(config, store, now=now)
    finally:
        store.close()
    if args.json:
        print(report.dumps(report.snapshot_json(snap, now=now)))
    else:
        print(report.status_text(snap, now=now))
    return 0


def cmd_extract(args: argparse.Namespace) -> int:
    """Analyse one plain-text article and print the extract JSON (docs/ARCHITECTURE.md)."""
    from dashboard.analysis.analyzer import Analyzer
    from dashboard.analysis.escalation import compute

    config = load(args)
    if args.url:
        return extract_url(config, args.url)
    if args.file in (None, "-"):
        if sys.stdin.isatty():  # a terminal, not a pipe: say what we wait for
            print("flashpoint extract: reading an article from the terminal: paste or type "
                  "it, then press ctrl+d on an empty line (or give a FILE)", file=sys.stderr)
        text = sys.stdin.read()
    else:
        try:
            text = Path(args.file).read_text(encoding="utf-8", errors="replace")
        except OSError as exc:
            print(f"flashpoint: cannot read {args.file}: {exc.strerror}", file=sys.stderr)
            return 2
    analysis = Analyzer(config).analyse("", text)
    now = utc_now()
    from dataclasses import replace

    hits = [replace(c, time=now) for c in analysis.cues]
    escalation = compute(hits, now, [], config.escalation)
    print(report.dumps(report.analysis_json(analysis, escalation)))
    return 0


def extract_url(config: Config, url: str) -> int:
    """`extract --url`: the page through the collector's fetcher and extractor, then the
    analysis JSON plus the article; exit 1 with the reason when the page cannot be read."""
    from dataclasses import replace
    from urllib.parse import urlsplit

    from dashboard.analysis.escalation import compute
    from dashboard.pipeline.fulltext import read_url

    if urlsplit(url).scheme not in ("http", "https") or not urlsplit(url).netloc:
        print(f"flashpoint: {url!r} is not an http:// or https:// URL", file=sys.stderr)
        return 2
    now = utc_now()
    read = asyncio.run(read_url(config, url, now=now))
    page = read.item.page
    assert page is not None
    if page.state != "ok":
        print(f"flashpoint: cannot read {url}: {page.reason}: {page.error}", file=sys.stderr)
        return 1
    hits = [replace(c, time=now) for c in read.extras.cues]
    data = report.analysis_json(read.extras, compute(hits, now, [], config.escalation))
    data["article"] = {"title": page.title, "date": page.date, "text": page.text,
                       "from": "page", "url": page.url}
    print(report.dumps(data))
    return 0


def cmd_export(args: argparse.Namespace) -> int:
    """A briefing of all four panels: Markdown, JSON, or CSV of statements."""
    from dashboard.export import export, parse_since
    from dashboard.snapshot import build_snapshot

    config = load(args)
    now = utc_now()
    try:
        since = parse_since(args.since, now=now) if args.since else None
    except ValueError as exc:
        print(f"flashpoint: --since: {exc}", file=sys.stderr)
        return 2
    with _phases("export") as phase:
        phase("reading the store")
        store = open_for(config, readonly=True)
        try:
            phase("building the panels")
            snap = build_snapshot(config, store, now=now)
            phase("writing the briefing")
            text = export(snap, fmt=args.format, since=since,
                          statements=store.statements(limit=5000), now=now)
        finally:
            store.close()
    if args.output:
        Path(args.output).write_text(text, encoding="utf-8")
        print(f"wrote {args.output}", file=sys.stderr)
    else:
        sys.stdout.write(text)
    return 0


def cmd_reanalyze(args: argparse.Namespace) -> int:
    """Recompute statements, stances, recognition events and cues from stored items."""
    from dashboard.analysis.analyzer import analyse_items
    from dashboard.analysis.article import with_pages
    from dashboard.config import config_digest

    config = load(args)
    store = open_for(config, readonly=False)
    try:
        items = store.items()
        credibility = {s.id: s.credibility for s in config.sources}
        fingerprint = config_digest(config)
        analyses = {}
        by_source: dict[str, list] = {}
        for item in items:
            by_source.setdefault(item.source_id, []).append(item)
        said, done = time.monotonic(), 0
        for source_id, group in by_source.items():
            weight = credibility.get(source_id, 0.7)
            found = analyse_items(config, fingerprint, group, weight)
            # the article pages read since: their statements are recomputed too
            analyses.update(with_pages(config, fingerprint, group, found, weight))
            done += len(group)
            if time.monotonic() - said >= PROGRESS_EVERY:  # a large store takes minutes
                said = time.monotonic()
                print(f"flashpoint: reanalysed {done}/{len(items)} items", file=sys.stderr,
                      flush=True)
        store.replace_analyses(analyses)
    finally:
        store.close()
    print(f"reanalysed {len(items)} items")
    return 0


def cmd_run(args: argparse.Namespace) -> int:
    """The TUI: a writer with its own scheduler, or a viewer when `collect` holds the store."""
    from dashboard.app import create_app, honour_plain_terminal
    from dashboard.viewcache import load_view

    config = load(args)
    path = config.storage.resolved_path()
    read_only = getattr(args, "read_only", False)
    # a reader in the service's group cannot write there: it views, never tries to write
    viewer = (args.viewer or read_only or not can_write_beside(path)
              or writer_holder(path) is not None)
    # the last view paints at once while the store loads in the background
    last_view = load_view(path, config)
    store = open_for(config, readonly=viewer, background=True)
    collector = None
    if not viewer:
        from dashboard.pipeline import Collector

        collector = Collector(config, store)
    honour_plain_terminal()
    app = create_app(config, store=store, collector=collector, viewer=viewer,
                     last_view=last_view, read_only=read_only)
    try:
        app.run()
    finally:
        store.close()
    return app.return_code or 0


def cmd_serve(args: argparse.Namespace) -> int:
    """The dashboard in a browser (textual-serve): read-only sessions of a viewer."""
    import shlex

    from dashboard.serving import DashboardServer, is_loopback

    config = load(args)  # fail here, with exit 2, rather than inside every browser session
    store = config.storage.resolved_path().resolve()
    if not is_loopback(args.host) and not args.expose:
        print(f"flashpoint: --host {args.host} is not loopback: anyone who can reach it would "
              "see the dashboard. Add --expose to mean it, or keep the default (127.0.0.1) "
              "and forward the port over ssh.", file=sys.stderr)
        return 2
    command = [sys.executable, "-m", "dashboard.cli", "run", "--read-only"]
    if args.config:
        command += ["--config", str(Path(args.config).resolve())]
    command += ["--db", str(store)]
    if not is_loopback(args.host):
        where = ("every network interface of this machine" if args.host in ("0.0.0.0", "::")
                 else args.host)
        print(f"flashpoint: exposing a read-only dashboard of {store} "
              f"({config.theatre.name}) on {where}, port {args.port}, to anyone who can "
              f"reach it, {args.sessions} sessions at most; no login, no TLS: put it behind "
              "a proxy that has them", file=sys.stderr)
    DashboardServer(shlex.join(command), host=args.host, port=args.port,
                    title=f"Flashpoint: {config.theatre.name}", max_sessions=args.sessions,
                    allowed_origins=tuple(args.allow_origin)).serve()
    return 0


def cmd_demo(args: argparse.Namespace) -> int:
    """The TUI on bundled sample feeds released by a loopback server over a few minutes."""
    import tempfile

    from dashboard.app import create_app, honour_plain_terminal
    from dashboard.demo import DemoServer, demo_config
    from dashboard.pipeline import Collector

    base = load_config(args.config) if args.config else load_config(BUNDLED_CONFIG)
    server = DemoServer()
    server.start()
    with tempfile.TemporaryDirectory(prefix="flashpoint-demo-") as tmp:
        config = demo_config(base, server, str(Path(tmp) / "store.json"))
        store = open_for(config, readonly=False)
        try:
            collector = Collector(config, store)
            honour_plain_terminal()
            app = create_app(config, store=store, collector=collector, demo=True)
            app.run()
        finally:
            store.close()
            server.stop()
    return 0


# --- argument parsing -------------------------------------------------------------------


def _session_count(text: str) -> int:
    try:
        value = int(text)
    except ValueError:
        value = 0
    if not 1 <= value <= 64:
        raise argparse.ArgumentTypeError(f"{text!r} is not a number of sessions from 1 to 64")
    return value


def build_parser() -> argparse.ArgumentParser:
    """The argument parser with every subcommand.

    The global options are accepted before and after the command name. The subcommands'
    copies default to SUPPRESS: argparse applies a subparser's defaults over the values the
    main parser already parsed, so a plain default there would undo `--config X status`.
    """
    parser = argparse.ArgumentParser(
        prog="flashpoint",
        description="A terminal dashboard for watching a political tension.",
    )
    _global_options(parser, default=None)
    parser.add_argument("--version", action="version",
                        version=f"%(prog)s {_package_version()}")
    common = argparse.ArgumentParser(add_help=False)
    _global_options(common, default=argparse.SUPPRESS)
    sub = parser.add_subparsers(dest="command", metavar="COMMAND")

    def add(name: str, handler, help: str) -> argparse.ArgumentParser:
        p = sub.add_parser(name, parents=[common], help=help, description=help)
        p.set_defaults(handler=handler)
        return p

    run = add("run", cmd_run, "the dashboard (the default command)")
    run.add_argument("--viewer", action="store_true",
                     help="only read the store (never fetch), even if no collector runs")
    run.add_argument("--read-only", action="store_true",
                     help="a viewer that changes nothing: no decisions, mutes, fetches or "
                          "copies (what serve runs)")
    add("demo", cmd_demo, "the dashboard on bundled sample feeds (no network needed)")
    fetch = add("fetch", cmd_fetch, "one headless fetch round over all sources")
    fetch.add_argument("--once", action="store_true", required=True,
                       help="run one round and exit")
    collect = add("collect", cmd_collect, "fetch on schedule without a UI (for servers)")
    collect.add_argument("-v", "--verbose", action="store_true", help="debug logging")
    status = add("status", cmd_status, "print the current snapshot")
    status.add_argument("--json", action="store_true", help="machine-readable JSON")
    check = add("check-config", cmd_check_config, "validate a config file")
    check.add_argument("path", nargs="?", metavar="PATH", help="the file (default: as --config)")
    extract = add("extract", cmd_extract, "analyse one plain-text article and print JSON")
    extract.add_argument("file", nargs="?", metavar="FILE", help="the article, or - for stdin")
    extract.add_argument("--url", metavar="URL",
                         help="fetch this article page as the collector does, and analyse it")
    add("reanalyze", cmd_reanalyze, "recompute the analysis of stored items")
    export = add("export", cmd_export, "write a briefing (Markdown, JSON, or CSV of statements)")
    export.add_argument("--format", choices=("md", "json", "csv"), default="md",
                        help="output format (default md)")
    export.add_argument("--since", metavar="AGE",
                        help='only statements newer than this, like "24h" or "7d"')
    export.add_argument("--output", "-o", metavar="FILE", help="write here instead of stdout")
    serve = add("serve", cmd_serve, "the dashboard in a web browser, read-only")
    serve.add_argument("--host", default="127.0.0.1",
                       help="address to bind (default 127.0.0.1; others need --expose)")
    serve.add_argument("--expose", action="store_true",
                       help="allow a --host that is not loopback")
    serve.add_argument("--port", type=int, default=8000, help="port (default 8000)")
    serve.add_argument("--sessions", type=_session_count, default=4, metavar="N",
                       help="browser sessions at once, each a process (default 4, 1-64)")
    serve.add_argument("--allow-origin", action="append", default=[], metavar="ORIGIN",
                       help="a browser origin besides the server itself, e.g. the "
                            "https://host of a reverse proxy (repeatable)")
    parser.set_defaults(handler=cmd_run, viewer=False)
    return parser


def _global_options(parser: argparse.ArgumentParser, *, default: object) -> None:
    """--config and --db, the options every command takes."""
    parser.add_argument("--config", metavar="PATH", default=default,
                        help="config file (default: $FLASHPOINT_CONFIG, ./config.toml, "
                             "then the user config dir)")
    parser.add_argument("--db", metavar="PATH", default=default,
                        help="store file (overrides [storage] path)")


def _package_version() -> str:
    """The installed distribution's version (the source tree's when not installed)."""
    from importlib.metadata import PackageNotFoundError, version

    try:
        return version("flashpoint")
    except PackageNotFoundError:
        return "unknown"


def main(argv: Sequence[str] | None = None) -> int:
    """Entry point of the `flashpoint` script."""
    args = build_parser().parse_args(argv)
    try:
        return args.handler(args)
    except ConfigError as exc:
        print("flashpoint: the config has problems:", file=sys.stderr)
        print(exc, file=sys.stderr)
        return 2
    except StoreLocked as exc:
        print(f"flashpoint: {exc}", file=sys.stderr)
        return 1
    except StoreError as exc:
        print(f"flashpoint: {exc}", file=sys.stderr)
        return 1
    except KeyboardInterrupt:
        return 130
    except BrokenPipeError:
        # the reader went away (`flashpoint status --json | head`): not an error of ours
        os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
        return 0


if __name__ == "__main__":
    sys.exit(main())
