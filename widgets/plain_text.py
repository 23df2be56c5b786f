"""Untrusted text as plain, inert display text.

The fetching layer already cleans stored text (dashboard/textclean.py); display strips
again here as defence in depth, because a widget must never trust that a value reached it
through that path. Widgets may import only dashboard.models and textual, so this small
strip is duplicated on purpose rather than imported.
"""

from __future__ import annotations

import re

from rich.text import Text
from textual.widgets import Static

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


def cell(value: object, width: int | None = None, style: str = "") -> Text:
    """A table cell of the cleaned value, cut to `width` characters when given.

    Cells are one line and never wrap: a row is one line high, and a Text that may wrap
    costs about three times as much to render, for every visible cell of every repaint.
    """
    text = clean(value) if width is None else truncate(value, width)
    return Text(text, style=style, no_wrap=True, overflow="ellipsis")


def truncate(value: object, width: int) -> str:
    """The cleaned value cut to `width` characters with an ellipsis."""
    text = clean(value)
    return text if len(text) <= width else text[: max(0, width - 1)] + "…"


def set_static(static: Static, text: Text) -> None:
    """Show `text` in `static`, asking for a new layout only when its height may change.

    `Static.update` re-lays out the whole screen by default; a panel that refreshes its
    summary after every round would pay for that each time though its size stays put.
    The size stays put when the line count is unchanged and no line, old or new, wraps.
    """
    old = static.content if isinstance(static.content, Text) else None
    if old is not None and old == text:
        return
    width = static.content_region.width

    def unwrapped_lines(value: Text) -> int | None:
        lines = value.split("\n", allow_blank=True)
        return len(lines) if all(line.cell_len <= width for line in lines) else None

    same = width > 0 and old is not None and unwrapped_lines(old) == unwrapped_lines(text)
    static.update(text, layout=not (same and unwrapped_lines(text) is not None))
