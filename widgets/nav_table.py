"""A DataTable with the usual keys of terminal lists (j/k, g/G and Home/End) that changes
rows in place: patched cells repaint only their rows, and new rows join without a rebuild.

DataTable drops every cached render whenever any cell changes (`update_cell` bumps one
counter that keys all its caches), so one changed mark in a 100-source table re-renders
every visible cell, ≈ 25-50 ms on the event loop at 160x48 (`bench.panel_repaint`).
`update_cells` drops only the changed rows' renders and refreshes only those rows;
`arrange_rows` adds and removes rows and puts them in order, so rows that stay keep their
measured widths and a round's new statements do not rebuild a 200-row table; new rows of
one-line Text are measured by their cell length, not through Rich. These touch
DataTable's caches, which are not public: where this Textual lacks what they expect, they
fall back to the public calls (same result, more repainting), and tests/app/
test_row_patching.py and test_nav_table_measure.py check what is on screen after each.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from typing import Any, ClassVar

from rich.cells import cell_len
from rich.segment import Segment
from rich.style import Style
from rich.text import Text
from textual.binding import Binding, BindingType
from textual.cache import LRUCache
from textual.widgets import DataTable
from textual.widgets.data_table import CellDoesNotExist, ColumnKey, RowKey

from widgets.cell_render import text_cell

# DataTable's render caches: those keyed by row key first, and the one keyed by row index.
_BY_ROW_KEY = ("_cell_render_cache", "_row_render_cache")
_BY_ROW_INDEX = "_row_renderable_cache"
_BY_LINE = "_line_cache"


class _UnlinkingLRU(LRUCache):
    """Textual's LRUCache, but `clear` unlinks its entries first.

    LRUCache keeps its entries in a ring of [prev, next, key, value] lists; `clear` drops
    the ring whole, a reference cycle that takes every cached render and the rows they
    hold with it, which only a full garbage collection frees (≈ 5k objects a round of
    100 feeds, frozen until a thaw: dashboard/memory.py). Unlinked, they are freed at once.
    """

    __slots__ = ()

    def clear(self) -> None:
        for link in self._cache.values():
            link.clear()
        super().clear()


class NavTable(DataTable):
    """j/k move down/up; g/Home go to the first row, G/End to the last (DataTable's own
    Home/End scroll sideways, which a row list never needs)."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        for name, cache in list(vars(self).items()):  # DataTable's render caches
            if type(cache) is LRUCache:
                setattr(self, name, _UnlinkingLRU(cache.maxsize))

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("j", "cursor_down", "Down", show=False),
        Binding("k", "cursor_up", "Up", show=False),
        Binding("g,home", "scroll_top", "First row", show=False),
        Binding("G,end", "scroll_bottom", "Last row", show=False),
    ]

    # --- cells ----------------------------------------------------------------------

    def update_cells(self, changes: Iterable[tuple[str, str, Any]]) -> None:
        """Set each (row key, column key, value) and repaint only the rows they are in.

        Column widths are left as they are: the caller knows the values fit.
        """
        changes = list(changes)
        rows = {RowKey(row) for row, _, _ in changes}
        if not self._can_patch(rows):
            for row, column, value in changes:
                self.update_cell(row, column, value)
            return
        for row, column, value in changes:
            cells = self._data.get(RowKey(row))
            if cells is None or ColumnKey(column) not in self._column_locations:
                raise CellDoesNotExist(f"No cell exists for row_key={row!r}, "
                                       f"column_key={column!r}.")
            cells[ColumnKey(column)] = value
        self._forget_rows(rows)
        for row_key in rows:
            self.refresh_row(self._row_locations.get(row_key))

    def _can_patch(self, rows: set[RowKey]) -> bool:
        """True when this DataTable has the caches `_forget_rows` clears and every row
        touched is one line high (a taller row could change height)."""
        caches = (*_BY_ROW_KEY, _BY_ROW_INDEX, _BY_LINE)
        if not all(hasattr(getattr(self, name, None), "discard") for name in caches):
            return False
        return all((row := self.rows.get(key)) is not None and row.height == 1
                   and not row.auto_height for key in rows)

    def _forget_rows(self, rows: set[RowKey]) -> None:
        """Drop the cached renders of these rows, and only theirs."""
        for name in _BY_ROW_KEY:
            cache = getattr(self, name)
            for key in [k for k in list(cache.keys()) if k[0] in rows]:
                cache.discard(key)
        indexes = {self._row_locations.get(key) for key in rows}
        cache = getattr(self, _BY_ROW_INDEX)  # keyed (update count, row index)
        for key in [k for k in list(cache.keys()) if k[1] in indexes]:
            cache.discard(key)
        cache = getattr(self, _BY_LINE)  # keyed by the line's y first
        for key in list(cache.keys()):
            try:
                row_key, _ = self._get_offsets(key[0])
            except (LookupError, IndexError):
                row_key = None
            if row_key is None or row_key in rows:
                cache.discard(key)

    # --- rendering ------------------------------------------------------------------

    def _render_cell(self, row_index: int, column_index: int, base_style: Style,
                     width: int, cursor: bool = False,
                     hover: bool = False) -> list[list[Segment]]:
        """A one-line Text cell of a one-line row built straight to its segments
        (widgets/cell_render.py), cached as DataTable caches it; any other cell
        DataTable's own way. The key and styles are DataTable's (8.x) own."""
        row_key = self._row_locations.get_key(row_index) if row_index >= 0 else None
        row = self.rows.get(row_key) if row_key is not None else None
        if (row is None or column_index < 0 or row.height != 1 or row.auto_height
                or not hasattr(self, "_get_styles_to_render_cell")):
            return super()._render_cell(row_index, column_index, base_style, width,
                                        cursor, hover)
        column_key = self._column_locations.get_key(column_index)
        key = (row_key, column_key, base_style, cursor, hover, self._show_hover_cursor,
               self._update_count, self._pseudo_class_state)
        cached = self._cell_render_cache.get(key)
        if cached is not None:
            return cached
        fixed = row_index < self.fixed_rows or column_index < self.fixed_columns
        component_style, post_style = self._get_styles_to_render_cell(
            False, False, fixed, hover, cursor, self.show_cursor, self._show_hover_cursor,
            self.cursor_foreground_priority == "css",
            self.cursor_background_priority == "css")
        pre_style = base_style + Style.from_meta({"row": row_index, "column": column_index})
        cells = self._get_row_renderables(row_index).cells
        lines = text_cell(self.app.console, cells[column_index], width, self.cell_padding,
                          pre_style + component_style, post_style)
        if lines is None:
            return super()._render_cell(row_index, column_index, base_style, width,
                                        cursor, hover)
        self._cell_render_cache[key] = lines
        return lines

    # --- measuring ------------------------------------------------------------------

    def _update_dimensions(self, new_rows: Iterable[RowKey]) -> None:
        """Measure new rows' one-line Text cells by their cell length, as Rich would
        (DataTable measures every cell of every new row through Rich, which asks the
        terminal its size three times a cell: ≈ 20 ms of a 200-row fill at 160x48). Rows
        with a label or an automatic height, or with a cell that is not a one-line Text,
        are left to DataTable."""
        if not hasattr(self, "_get_row_renderables"):  # another DataTable: its own way
            super()._update_dimensions(new_rows)
            return
        columns = self.ordered_columns
        rest: list[RowKey] = []
        for row_key in new_rows:
            index, row = self._row_locations.get(row_key), self.rows.get(row_key)
            if index is None or row is None:
                continue  # removed before the table measured it
            _, cells = self._get_row_renderables(index)
            if (row.label is not None or row.auto_height
                    or not all(_one_line(cell) for cell in cells)):
                rest.append(row_key)
                continue
            for column, cell in zip(columns, cells, strict=False):
                column.content_width = max(column.content_width, cell_len(cell.plain))
        super()._update_dimensions(rest)  # those rows, then the table's virtual size

    # --- rows -----------------------------------------------------------------------

    def arrange_rows(self, keys: Sequence[str], new: Mapping[str, Sequence[Any]]) -> None:
        """Show the rows of `keys` in that order: rows whose key is not among them go,
        `new` (key -> cells) are added, the others stay as they are.

        The cursor stays on the row it was on while that row is shown, else on the same
        line. Without the row order this DataTable keeps, the table is rebuilt from the
        rows it holds and `new`.
        """
        cursor_row = self.cursor_row
        chosen = (self._row_locations.get_key(cursor_row)
                  if 0 <= cursor_row < self.row_count else None)
        wanted = set(keys)
        for row_key in [k for k in self.rows if k.value not in wanted]:
            self.remove_row(row_key)
        for key in keys:
            if key in new:
                self.add_row(*new[key], key=key)
        if not self._order_rows(keys):
            cells = {key: self.get_row(key) for key in keys if key not in new}
            self.clear()
            for key in keys:
                self.add_row(*(new[key] if key in new else cells[key]), key=key)
        if not keys:
            return
        target = (self._row_locations.get(chosen) if chosen is not None else None)
        if target is None:
            target = min(max(cursor_row, 0), len(keys) - 1)
        self.move_cursor(row=target, animate=False)

    def _order_rows(self, keys: Sequence[str]) -> bool:
        """Put the rows in the order of `keys`, as DataTable.sort does; False when this
        DataTable keeps its row order some other way."""
        locations = getattr(self, "_row_locations", None)
        if locations is None or not hasattr(locations, "get_key"):
            return False
        self._row_locations = type(locations)(
            {RowKey(key): index for index, key in enumerate(keys)})
        self._update_count += 1
        self.refresh()
        return True


def _one_line(cell: object) -> bool:
    """A Text Rich would measure as its cell length: one line, and no tab (which Rich's
    rendering expands)."""
    return (isinstance(cell, Text) and "\t" not in cell.plain
            and len(cell.plain.splitlines()) <= 1)
