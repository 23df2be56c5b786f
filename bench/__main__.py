"""Every benchmark in turn: `python -m bench` (each prints its own figures).

A bench module listed in OPTIONAL is skipped when it is missing (a trimmed checkout).
"""

from __future__ import annotations

import importlib
import inspect
import sys
import time

MODULES = (
    "bench.parsers",
    "bench.analysis_speed",
    "bench.analysis_accuracy",
    "bench.store_growth",
    "bench.fetch_round",
    "bench.extraction",
    "bench.tui",
    "bench.panel_repaint",
    "bench.viewer_load",
    "bench.viewer_soak",
)
OPTIONAL = frozenset({"bench.analysis_speed", "bench.tui"})


def main(argv: list[str] | None = None) -> int:
    """Run each bench module's `main` with its defaults (`main([])` where it takes argv,
    so it never reads this command's arguments); a missing optional one is skipped."""
    for name in MODULES:
        try:
            module = importlib.import_module(name)
        except ModuleNotFoundError as exc:
            if name in OPTIONAL and exc.name == name:
                print(f"== {name}: not present, skipped\n", flush=True)
                continue
            raise
        print(f"== {name}", flush=True)
        started = time.perf_counter()
        takes_argv = bool(inspect.signature(module.main).parameters)
        module.main([]) if takes_argv else module.main()
        print(f"({name} took {time.perf_counter() - started:.1f} s)\n", flush=True)
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
