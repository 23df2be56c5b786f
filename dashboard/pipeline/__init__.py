"""One fetch round: retrieve -> parse -> analyse -> store, one result per source.

By concern (each module's docstring says more):

- `rounds`: `Collector`, many sources refreshed concurrently, one commit per round
- `refreshing`: `refresh()`, one source, every failure a value (`SourceOutcome`)
- `fulltext`: article pages in a round: which items want theirs, read within a budget
- `pool`: `WorkerPool`, killable worker processes with a deadline per task, for the
  CPU-bound work on untrusted input (parsing, analysis, page extraction)
- `workers`: the worker entry points, what runs inside those processes

The names below are imported from their modules on first use (PEP 562): a worker
process imports `dashboard.pipeline.workers` alone, without the HTTP client, the store
or the rounds it never runs.
"""

from __future__ import annotations

from importlib import import_module
from typing import TYPE_CHECKING, Any

_HOMES = {
    "AnalysisSetup": "workers",
    "PageRead": "workers",
    "analyse_in_worker": "workers",
    "items_in_worker": "workers",
    "page_in_worker": "workers",
    "prepare_worker": "workers",
    "worker_config": "workers",
    "WorkerPool": "pool",
    "read_page": "fulltext",
    "read_pages": "fulltext",
    "read_url": "fulltext",
    "want_pages": "fulltext",
    "wants_page": "fulltext",
    "SourceOutcome": "refreshing",
    "refresh": "refreshing",
    "Collector": "rounds",
}

__all__ = ["AnalysisSetup", "Collector", "PageRead", "SourceOutcome", "WorkerPool",
           "analyse_in_worker", "items_in_worker", "page_in_worker", "prepare_worker",
           "read_page", "read_pages", "read_url", "refresh", "want_pages", "wants_page",
           "worker_config"]

if TYPE_CHECKING:
    from dashboard.pipeline.fulltext import read_page, read_pages, read_url, want_pages, wants_page
    from dashboard.pipeline.pool import WorkerPool
    from dashboard.pipeline.refreshing import SourceOutcome, refresh
    from dashboard.pipeline.rounds import Collector
    from dashboard.pipeline.workers import (
        AnalysisSetup,
        PageRead,
        analyse_in_worker,
        items_in_worker,
        page_in_worker,
        prepare_worker,
        worker_config,
    )


def __getattr__(name: str) -> Any:
    home = _HOMES.get(name)
    if home is None:
        raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
    return getattr(import_module(f"{__name__}.{home}"), name)
