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


def show_rows(
    table: DataTable,
    keys: Sequence[str],
    shown_keys: Sequence[str],
    shown: Sequence[tuple[Text, ...]],
    rows: Sequence[tuple[Text, ...]],
) -> None:
    """Show `rows` keyed by `keys` where `shown` (keyed by `shown_keys`) is on screen.

    The same keys in the same order: only the changed cells are updated, nothing at all
    when no cell changed; else the table is rebuilt and keeps its cursor row.
    """
    if list(keys) == list(shown_keys) and patch_rows(table, keys, list(table.columns), shown, rows):
        return
    row = table.cursor_row
    table.clear()
    for key, cells in zip(keys, rows, strict=True):
        table.add_row(*cells, key=key)
    if rows:
        table.move_cursor(row=min(max(row, 0), len(rows) - 1), animate=False)
