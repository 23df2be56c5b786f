"""The dashboard commands: `run` (a writer with its scheduler, or a viewer), `serve` (in a
browser, read-only) and `demo` (bundled sample feeds from a loopback server)."""

from __future__ import annotations

import argparse
import contextlib
import sys
from pathlib import Path

from dashboard.commands.common import BUNDLED_CONFIG, load, open_for
from dashboard.commands.hangup import watch_terminal
from dashboard.config import load_config
from dashboard.storage import writer_holder
from dashboard.storage.modes import can_write_beside


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
    _watch_stdin()
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
    """The TUI on bundled sample feeds released by a loopback server over a few minutes,
    with a temporary store removed however it ends (`demo_store`), or, with `--db`, the
    store it names, kept (the global option every command honours)."""
    from dashboard.app import create_app, honour_plain_terminal
    from dashboard.commands.demo_store import demo_folder
    from dashboard.demo import DemoServer, demo_config
    from dashboard.pipeline import Collector

    base = load_config(args.config) if args.config else load_config(BUNDLED_CONFIG)
    server = DemoServer()
    server.start()
    with contextlib.ExitStack() as temporary:
        path = args.db or str(temporary.enter_context(demo_folder()) / "store.json")
        config = demo_config(base, server, path)
        store = open_for(config, readonly=False)
        try:
            collector = Collector(config, store)
            honour_plain_terminal()
            app = create_app(config, store=store, collector=collector, demo=True)
            _watch_stdin()
            app.run()
        finally:
            store.close()
            server.stop()
    return 0


def _watch_stdin() -> None:
    """End the dashboard when its terminal hangs up, whether or not SIGHUP reaches it."""
    if sys.__stdin__ is not None:
        watch_terminal(sys.__stdin__.fileno())


# --- argument parsing -------------------------------------------------------------------
