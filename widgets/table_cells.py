"""Update a DataTable in place: only the cells that changed, without re-measuring columns,
and new or gone rows without rebuilding the rows that stay.

DataTable re-measures a whole column whenever an updated cell got narrower, so updating
one cell per row (ages tick, marks come and go) costs rows × rows measurements on the
event loop. Cells that still fit their column are updated without any measuring; a cell
wider than its (auto-width) column asks the caller to rebuild the table instead. On a
`NavTable` the changed cells repaint only their rows (widgets/nav_table.py).
"""

from __future__ import annotations

from collections.abc import Sequence

from rich.text import Text
from textual.widgets import DataTable

from widgets.nav_table import NavTable


def fits(table: DataTable, column: object, value: Text) -> bool:
    """True when `value` fits its column as measured: a column of fixed width crops what
    is wider (a rebuild would not widen it), an auto-width one would have to grow."""
    col = table.columns.get(column)  # type: ignore[call-overload]
    if col is None:
        return False
    return not col.auto_width or value.cell_len <= col.content_width


def update_cells(table: DataTable, changes: Sequence[tuple[str, str, Text]]) -> None:
    """Set these (row key, column key, value) cells, repainting as little as the table can."""
    if isinstance(table, NavTable):
        table.update_cells(changes)
        return
    for key, column, new in changes:
        table.update_cell(key, column, new)


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
    if not all(fits(table, column, new) for _, column, new in changes):
        return False
    update_cells(table, changes)  # type: ignore[arg-type]
    return True


def show_rows(
    table: DataTable,
    keys: Sequence[str],
    shown_keys: Sequence[str],
    shown: Sequence[tuple[Text, ...]],
    rows: Sequence[tuple[Text, ...]],
) -> None:
    """Show `rows` keyed by `keys` where `shown` (keyed by `shown_keys`) is on screen.

    Rows that stay are patched (only their changed cells), new rows are added and gone
    ones removed, and the table is put in the order of `keys`; nothing is done when no
    cell changed. The cursor stays on the row it was on while that row is shown. The
    table is rebuilt only when a changed cell is wider than its column, or when no row
    stays (or the table is not a NavTable).
    """
    keys, columns = list(keys), list(table.columns)
    if keys == list(shown_keys) and patch_rows(table, keys, columns, shown, rows):
        return
    before = dict(zip(shown_keys, shown, strict=True))
    kept = [(key, before[key], row) for key, row in zip(keys, rows, strict=True)
            if key in before]
    if (isinstance(table, NavTable) and kept and len(kept) * 2 >= len(before)
            and patch_rows(table, [k for k, _, _ in kept], columns,
                           [old for _, old, _ in kept], [new for _, _, new in kept])):
        table.arrange_rows(keys, {key: row for key, row in zip(keys, rows, strict=True)
                                  if key not in before})
        return
    rebuild(table, keys, shown_keys, rows)


def rebuild(table: DataTable, keys: Sequence[str], shown_keys: Sequence[str],
            rows: Sequence[tuple[Text, ...]]) -> None:
    """Refill the table; the cursor stays on the row (by key) it was on, else its line."""
    row = table.cursor_row
    chosen = shown_keys[row] if 0 <= row < len(shown_keys) else None
    table.clear()
    for key, cells in zip(keys, rows, strict=True):
        table.add_row(*cells, key=key)
    if rows:
        target = keys.index(chosen) if chosen in keys else min(max(row, 0), len(rows) - 1)
        table.move_cursor(row=target, animate=False)
