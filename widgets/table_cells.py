"""Update a DataTable in place: only the cells that changed, without re-measuring columns.

DataTable re-measures a whole column whenever an updated cell got narrower, so updating
one cell per row (ages tick, marks come and go) costs rows × rows measurements on the
event loop. Cells that still fit their column are updated without any measuring; a cell
wider than its column asks the caller to rebuild the table instead.
"""

from __future__ import annotations

from collections.abc import Sequence

from rich.text import Text
from textual.widgets import DataTable


def patch_rows(
    table: DataTable,
    keys: Sequence[str],
    columns: Sequence[object],
    before: Sequence[tuple[Text, ...]],
    after: Sequence[tuple[Text, ...]],
) -> bool:
    """Update the cells of `after` that differ from `before` (same row keys, same order).

    Returns False, having changed nothing, when a changed cell is wider than its column:
    the caller then rebuilds the table so the column widens.
    """
    changes = [
        (key, column, new)
        for key, old_row, new_row in zip(keys, before, after, strict=True)
        if old_row != new_row
        for column, old, new in zip(columns, old_row, new_row, strict=True)
        if old != new
    ]
    widths = {key: col.content_width for key, col in table.columns.items()}
    if any(new.cell_len > widths.get(column, 0) for _, column, new in changes):  # type: ignore[call-overload]
        return False
    for key, column, new in changes:
        table.update_cell(key, column, new)  # type: ignore[arg-type]
    return True
