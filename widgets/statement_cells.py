"""How a statement reads in the statements table: in full when the panel is wide, compact
when it is narrow, so the statement's own words keep most of the width."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime

from rich.text import Text

from dashboard.models import Statement
from widgets.plain_text import clean, truncate

SCROLLBAR = 2  # the table's vertical scrollbar
CELL_PADDING = 2  # DataTable pads each cell by one column on either side
MIN_TEXT = 12


@dataclass(frozen=True, slots=True)
class Layout:
    """Column widths for one panel width; `source` 0 leaves the source column out."""

    compact: bool  # compact time, actor tags and abbreviated speakers
    time: int
    actor: int
    speaker: int
    text: int
    source: int

    @property
    def columns(self) -> tuple[tuple[str, str, int], ...]:
        """(key, header, width) of each column shown, left to right."""
        cols = [("time", "time", self.time), ("actor", "actor", self.actor),
                ("speaker", "speaker", self.speaker), ("text", "statement", self.text)]
        if self.source:
            cols.append(("source", "source", self.source))
        return tuple(cols)


def layout_for(width: int) -> Layout:
    """The columns for a panel `width` cells wide: the statement gets what the rest leave."""
    if width >= 130:
        time, actor, speaker, source, compact = 11, 14, 20, 14, False
    elif width >= 90:
        time, actor, speaker, source, compact = 11, 8, 16, 0, False
    else:
        time, actor, speaker, source, compact = 6, 8, 10, 0, True
    shown = 5 if source else 4
    text = width - SCROLLBAR - CELL_PADDING * shown - (time + actor + speaker + source)
    return Layout(compact, time, actor, speaker, max(MIN_TEXT, text), source)


def time_label(when: datetime | None, layout: Layout, today: date | None) -> str:
    """`11-27 15:56`; compact: `15:56` on `today`, else `27 Nov` (the preview has it all)."""
    if when is None:
        return "?"
    if not layout.compact:
        return when.strftime("%m-%d %H:%M")
    return when.strftime("%H:%M") if when.date() == today else when.strftime("%d %b")


def abbreviate(name: str, width: int) -> str:
    """`Aleksandar Vucic` as `A. Vucic` when the whole name does not fit `width`."""
    name = clean(name)
    if len(name) <= width:
        return name
    parts = name.split(" ")
    if len(parts) >= 2 and all(p[:1].isupper() for p in parts[:-1]):
        short = " ".join(f"{p[0]}." for p in parts[:-1]) + " " + parts[-1]
        if len(short) <= width:
            return short
    return truncate(name, width)


def row_cells(s: Statement, layout: Layout, *, actor: str, tag: str, source: str,
              today: date | None) -> tuple[Text, ...]:
    """The table cells of one statement, each cut to its column (never markup)."""
    cells = [
        time_label(s.time, layout, today),
        truncate(actor if not layout.compact and layout.actor > 8 else tag, layout.actor),
        abbreviate(s.speaker, layout.speaker),
        truncate(s.text, layout.text),
    ]
    if layout.source:
        cells.append(truncate(source, layout.source))
    return tuple(Text(c, no_wrap=True, overflow="ellipsis") for c in cells)


def preview(s: Statement, *, actor: str, source: str, width: int) -> Text:
    """The selected statement in full: who, where, when, then its words (wrapped)."""
    when = s.time.strftime("%Y-%m-%d %H:%M UTC") if s.time else "time unknown"
    out = Text(no_wrap=False)
    out.append(clean(s.speaker), style="bold")
    who = clean(actor)
    if who and who != clean(s.speaker):
        out.append(f" ({who})")
    out.append(f" · {clean(source) or 'unknown source'} · {when}", style="dim")
    out.append("\n")
    # about three lines of words; enter opens the details with everything
    out.append(truncate(s.text, max(40, 3 * width - 4)))
    return out


def statement_key(s: Statement) -> str:
    """A row key naming the statement (its item, speaker and sentence), not its position."""
    return f"{s.item_id}\x1f{s.speaker}\x1f{s.sentence}"
