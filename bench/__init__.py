"""Benchmarks: `python -m bench` runs them all (see docs/PERFORMANCE.md).

Importing the package byte-compiles dashboard/ and widgets/ first, as `pip install` does
for an installed copy. An editable install is not compiled, and where
PYTHONDONTWRITEBYTECODE is set (some containers set it) Python would compile every module
again in every process a benchmark starts and times: 0.1-0.15 s of each start-up that an
installed tool never pays. compileall writes the cache files whatever that variable says.
"""

from __future__ import annotations

import compileall
from pathlib import Path


def compile_package() -> None:
    """Byte-compile dashboard/ and widgets/ (quietly; up-to-date files are skipped)."""
    root = Path(__file__).resolve().parent.parent
    for package in ("dashboard", "widgets"):
        compileall.compile_dir(root / package, quiet=1)


compile_package()
