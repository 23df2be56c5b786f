"""One table cell of one-line Text rendered straight to its segments.

DataTable renders every cell through Rich as `Styled(Padding(cell))` with
`console.render_lines`, which renders twice over (the padding renders its content with
render_lines of its own), splits and crops lines and measures segments again: ≈ 40 µs a
cell on a quiet machine, ≈ 5 times what the same segments cost built directly. A table of
160x48 shows ≈ 250 cells, and a first fill or a new statement on top renders them all.
`text_cell` builds the same segments for the common case and answers None for any other,
which DataTable then renders its own way (tests/app/test_cell_render.py compares both).
"""

from __future__ import annotations

from rich.cells import cell_len
from rich.console import Console
from rich.segment import Segment
from rich.style import Style
from rich.text import Text

_NULL = Style.null()


def text_cell(console: Console, cell: object, width: int, padding: int, pre_style: Style,
              post_style: Style) -> list[list[Segment]] | None:
    """The one line of `cell` padded to `width`, styled as DataTable styles it, or None
    unless `cell` is a one-line Text without tabs or justification that fits."""
    if not isinstance(cell, Text) or cell.justify not in (None, "default"):
        return None
    plain = cell.plain
    inner = width - 2 * padding
    if inner < 0 or "\t" in plain or len(plain.splitlines()) > 1 or cell_len(plain) > inner:
        return None
    pad = [Segment(" " * padding, _NULL)] if padding else []
    gap = inner - cell_len(plain)
    # as Rich renders a Text: its lines joined into one Text, which carries a line's own
    # style as a span (Text.render leaves out the style of a Text without spans)
    if cell.spans:
        text = list(cell.render(console))
    elif cell.style:
        text = [Segment(plain, console.get_style(cell.style))] if plain else []
    else:
        text = [Segment(plain)]  # even empty
    line = [*pad, *text, *([Segment(" " * gap, _NULL)] if gap else []), *pad]
    return [list(Segment.apply_style(line, pre_style, post_style))]
