"""One fetch round: retrieve -> parse -> analyse -> store, one result per source.

By concern (each module's docstring says more):

- `rounds`: `Collector`, many sources refreshed concurrently, one commit per round
- `refresh`: `refresh()`, one source, every failure a value (`SourceOutcome`)
- `fulltext`: article pages in a round: which items want theirs, read within a budget
- `pool`: `WorkerPool`, killable worker processes with a deadline per task, for the
  CPU-bound work on untrusted input (parsing, analysis, page extraction)
- `workers`: the worker entry points, what runs inside those processes

Imported in dependency order, so any submodule can be imported first.
"""

from dashboard.pipeline.workers import (  # isort: skip
    AnalysisSetup,
    PageRead,
    analyse_in_worker,
    items_in_worker,
    page_in_worker,
    prepare_worker,
    worker_config,
)
from dashboard.pipeline.pool import WorkerPool  # isort: skip
from dashboard.pipeline.fulltext import read_page, read_pages, read_url, want_pages, wants_page  # isort: skip
from dashboard.pipeline.refresh import SourceOutcome, refresh  # isort: skip
from dashboard.pipeline.rounds import Collector  # isort: skip

__all__ = ["AnalysisSetup", "Collector", "PageRead", "SourceOutcome", "WorkerPool",
           "analyse_in_worker", "items_in_worker", "page_in_worker", "prepare_worker",
           "read_page", "read_pages", "read_url", "refresh", "want_pages", "wants_page",
           "worker_config"]
