"""The read-only reports: `status`, `export` and `check-config`. They never import the
fetching stack (tests/integration/test_lean_commands.py)."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from dashboard import report
from dashboard.clock import utc_now
from dashboard.commands.common import load, open_for, phases
from dashboard.config import config_warnings, find_config, load_config


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
    with phases("export") as phase:
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
