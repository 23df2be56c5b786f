"""Untrusted text as plain, inert display text.

The fetching layer already cleans stored text (dashboard/textclean.py); display strips
again here as defence in depth, because a widget must never trust that a value reached it
through that path. Widgets may import only dashboard.models and textual, so this small
strip is duplicated on purpose rather than imported.
"""

from __future__ import annotations

import re

from rich.text import Text

# C0 controls (incl. ESC, BEL), DEL, C1 controls, bidi marks, embeddings, overrides and
# isolates (incl. the Arabic letter mark) that could reorder what an analyst reads, and
# lone surrogates, which a UTF-8 terminal cannot encode.
_UNSAFE = re.compile(
    "[\x00-\x1f\x7f-\x9f\u061c\u200e\u200f\u202a-\u202e\u2066-\u2069\ud800-\udfff]"
)
_SPACES = re.compile(r"\s+")


def clean(value: object) -> str:
    """`value` as a one-line string without control, escape or bidi-override characters."""
    if value is None:
        return ""
    text = _UNSAFE.sub(" ", str(value))
    return _SPACES.sub(" ", text).strip()


def plain(value: object, style: str = "") -> Text:
    """A Rich `Text` of the cleaned value; Text is never parsed as markup."""
    return Text(clean(value), style=style, no_wrap=False)


def truncate(value: object, width: int) -> str:
    """The cleaned value cut to `width` characters with an ellipsis."""
    text = clean(value)
    return text if len(text) <= width else text[: max(0, width - 1)] + "…"
