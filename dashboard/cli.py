"""Flashpoint's command line: the only place that parses argv.

Every command takes `--config PATH` and `--db PATH`, before or after the command name.
Exit codes: 0 ok, 1 the command ran but failed (nothing could be fetched, the store
cannot be used), 2 a usage or config error. Errors are one clear message on stderr,
never a traceback. The commands themselves live in `dashboard.commands`, one module
per group.
"""

from __future__ import annotations

import argparse
import os
import sys
from collections.abc import Sequence

from dashboard.commands.analysing import cmd_extract, cmd_reanalyze
from dashboard.commands.collecting import cmd_collect, cmd_fetch
from dashboard.commands.common import BUNDLED_CONFIG
from dashboard.commands.interactive import cmd_demo, cmd_run, cmd_serve
from dashboard.commands.reading import cmd_check_config, cmd_export, cmd_status
from dashboard.config import ConfigError
from dashboard.storage import StoreError, StoreLocked

__all__ = ["BUNDLED_CONFIG", "build_parser", "main"]


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
    """Entry point of the `flashpoint` script (argv None: the process ends when the
    command returns), and of tests that run a command in their own process (argv given).
    """
    args = build_parser().parse_args(argv)
    # a writer that owns its process ignores stop signals once its work is done (see
    # StopSignals.detach); one run inside a test gives the test its handlers back
    args.owns_process = argv is None
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
