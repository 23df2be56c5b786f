"""The shipped theatre: the repository's one `config.toml`, and the defaults it gives.

A section left out of a config file takes the shipped file's (`with_shipped_defaults`).
"""

from __future__ import annotations

import functools
import tomllib
from pathlib import Path
from typing import Any


def _shipped_config() -> Path:
    # a wheel carries the top-level config.toml as data/config.toml (copied at build time
    # by setup.py); a source checkout or an editable install reads the top-level file
    packaged = Path(__file__).parents[1] / "data" / "config.toml"
    return packaged if packaged.is_file() else Path(__file__).parents[2] / "config.toml"


SHIPPED_CONFIG = _shipped_config()
"""The shipped theatre (the repository's one config.toml): what `flashpoint` uses when no
config is found, and what a section left out of a config file defaults to."""

OWN_SECTIONS = ("sources", "storage", "alerts")
"""Sections never taken from the shipped file: `sources` (each file names its own),
`storage` (where a store lives is the file's business) and `alerts` (the shipped example
would fire in every config that has none). Every other section left out is the shipped."""


@functools.lru_cache(maxsize=1)
def shipped_sections() -> dict[str, Any]:
    """The shipped config.toml's sections but OWN_SECTIONS, as parsed TOML."""
    data = tomllib.loads(SHIPPED_CONFIG.read_text(encoding="utf-8"))
    return {key: value for key, value in data.items() if key not in OWN_SECTIONS}


def with_shipped_defaults(data: dict[str, Any]) -> dict[str, Any]:
    """`data` over the shipped sections: a table left out, or a key left out of a table,
    takes the shipped value; a list (actors, topics, cues) given replaces the shipped one.

    So a file holding only [[sources]] watches with the shipped actors, topics, cues and
    scale, and scores the same news the same as the shipped file does.
    """

    def merge(base: Any, over: Any) -> Any:
        if isinstance(base, dict) and isinstance(over, dict):
            return {**base, **{k: merge(base.get(k), v) for k, v in over.items()}}
        return over

    merged = dict(data)
    for key, value in shipped_sections().items():
        merged[key] = merge(value, data[key]) if key in data else value
    return merged
