"""How the positions matrix fits its width: as many topic columns as the width allows.

Three forms, roomiest first; the panel shows the first in which every topic column fits,
else the narrowest, whose columns then scroll behind the actor column:

- `words`: actor names, a stance word per cell ("▲ support"), the topic's short name;
- `tags`: actor tags, a symbol and the evidence count per cell ("▲3"), the short name
  over up to two lines;
- `codes`: as `tags`, headed by each topic's abbreviation ("Frc"), with a key under the
  table that names each one.

Every form keeps each cell traceable: the line under the table names the cell under the
cursor in full (actor, topic label, stance, evidence count), and enter opens its evidence.
The compact forms have no cell padding but a space before each cell, so a column takes one
column more than its widest cell instead of two.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass

from rich.text import Text

from dashboard.models import Position
from widgets.plain_text import clean, truncate

# Symbol first, colour second: the matrix must read on a monochrome terminal.
STANCE_SYMBOLS: dict[str, tuple[str, str]] = {
    "support": ("▲", "green"),
    "oppose": ("▼", "red"),
    "conditional": ("◆", "yellow"),
    "neutral": ("●", "blue"),
}
NONE_SYMBOL = "·"
CHANGED_MARK = "!"
LEGEND = "▲ support  ▼ oppose  ◆ conditional  ● neutral  · none  ! changed"
COMPACT_LEGEND = "▲ support ▼ oppose ◆ conditional ● neutral · none  ▲3 = 3 pieces  ! changed"
FORMS = ("words", "tags", "codes")
ACTOR_NAME_MAX = 18  # the actor column in `words`; the compact forms use the tags


def stance_cell(position: Position | None) -> Text:
    """A `words` cell: stance symbol, word and a change mark."""
    if position is None:
        return Text(NONE_SYMBOL, style="dim", no_wrap=True)
    symbol, colour = STANCE_SYMBOLS.get(position.stance, ("?", ""))
    text = Text(f"{symbol} {position.stance}", style=colour, no_wrap=True)
    if position.changed:
        text.append(CHANGED_MARK, style="bold")
    return text


def compact_cell(position: Position | None) -> Text:
    """A compact cell after its leading space: the symbol, how many pieces of evidence
    were weighed, and the change mark."""
    text = Text(" ", no_wrap=True)
    if position is None:
        text.append(NONE_SYMBOL, style="dim")
        return text
    symbol, colour = STANCE_SYMBOLS.get(position.stance, ("?", ""))
    text.append(symbol + (str(position.weighed) if position.weighed else ""), style=colour)
    if position.changed:
        text.append(CHANGED_MARK, style="bold")
    return text


def two_lines(name: str) -> list[str]:
    """`name` over at most two lines, broken at the space that makes the wider line the
    narrowest ("North police" -> ["North", "police"])."""
    words = name.split(" ")
    if len(words) < 2:
        return [name]
    splits = [(" ".join(words[:i]), " ".join(words[i:])) for i in range(1, len(words))]
    return list(min(splits, key=lambda pair: max(len(pair[0]), len(pair[1]))))


@dataclass(frozen=True, slots=True)
class TopicColumn:
    """What a topic column may be headed with."""

    label: str  # in full, for the line under the table
    short: str  # the header in `words` and `tags`
    abbr: str  # the header in `codes`


@dataclass(frozen=True, slots=True)
class Matrix:
    """The matrix in one form: its headers, rows and what the table needs to show them."""

    form: str
    headers: tuple[Text, ...]  # the actor column's first
    rows: tuple[tuple[Text, ...], ...]  # per actor: its name cell, then a cell per topic
    padding: int  # the table's cell padding
    header_height: int
    widths: tuple[int, ...]  # each column's width on screen

    def topics_fitting(self, width: int) -> int:
        """How many topic columns are wholly in view in `width` cells, none scrolled."""
        room = width - self.widths[0]
        shown = 0
        for column in self.widths[1:]:
            room -= column
            if room < 0:
                break
            shown += 1
        return shown


def build(form: str, actors: Sequence[tuple[str, str]], topics: Sequence[TopicColumn],
          grid: Sequence[Sequence[Position | None]]) -> Matrix:
    """The matrix in `form` for `actors` ((name, tag) per row) × `topics`; `grid` holds
    each actor's position per topic (None: no evidence)."""
    if form == "words":
        headers = [Text("actor"), *(Text(clean(t.short), no_wrap=True) for t in topics)]
        rows = [(Text(truncate(name, ACTOR_NAME_MAX), no_wrap=True),
                 *(stance_cell(p) for p in line)) for (name, _), line in zip(
                     actors, grid, strict=True)]
        padding, height = 1, 1
    else:
        names = ([two_lines(clean(t.short)) for t in topics] if form == "tags"
                 else [[clean(t.abbr)] for t in topics])
        headers = [Text(" actor"), *(Text("\n".join(" " + n for n in lines), no_wrap=True)
                                     for lines in names)]
        rows = [(Text(" " + clean(tag), no_wrap=True), *(compact_cell(p) for p in line))
                for (_, tag), line in zip(actors, grid, strict=True)]
        padding, height = 0, max((len(lines) for lines in names), default=1)
    widths = []
    for index, header in enumerate(headers):
        widest = max((line.cell_len for line in header.split("\n")), default=0)
        widest = max([widest, *(row[index].cell_len for row in rows)])
        widths.append(widest + 2 * padding)
    return Matrix(form, tuple(headers), tuple(rows), padding, height, tuple(widths))


def fit(width: int, actors: Sequence[tuple[str, str]], topics: Sequence[TopicColumn],
        grid: Sequence[Sequence[Position | None]]) -> Matrix:
    """The roomiest form that shows every topic column in `width` cells, else `codes`."""
    for form in FORMS:
        matrix = build(form, actors, topics, grid)
        if form == FORMS[-1] or matrix.topics_fitting(width) == len(topics):
            return matrix
    raise AssertionError("unreachable")


def topic_key(topics: Sequence[TopicColumn], width: int) -> Text:
    """The `codes` form's key: each abbreviation with the short name it stands for, in
    lines of `width` cells that never part an abbreviation from its name."""
    key = Text(no_wrap=True, overflow="ellipsis")
    x = 0
    for topic in topics:
        abbr, short = clean(topic.abbr), clean(topic.short)
        size = len(abbr) + 1 + len(short)
        if x and x + 2 + size > width:
            key.append("\n")
            x = 0
        elif x:
            key.append("  ")
            x += 2
        key.append(abbr, style="bold")
        key.append(" " + short)
        x += size
    return key


def describe(actor: str, topic: str, position: Position | None, *,
             two_lines: bool = False) -> Text:
    """The line under the table: the cell under the cursor in full, the topic's label
    last (a narrow panel cuts the end of a line) or, in `two_lines`, on a line of its own."""
    text = Text(f"{clean(actor)}: ", no_wrap=True, overflow="ellipsis")
    if position is None:
        text.append("no evidence", style="dim")
    else:
        symbol, colour = STANCE_SYMBOLS.get(position.stance, ("?", ""))
        text.append(f"{symbol} {position.stance}", style=colour)
        if position.changed:
            text.append(" (changed)", style="bold")
        count = position.weighed or len(position.evidence)
        text.append(f", {count} piece{'s' if count != 1 else ''} of evidence")
    text.append("\n" if two_lines else " · ")
    text.append(clean(topic), style="bold")
    return text


def positions_grid(actor_ids: Sequence[str], topic_ids: Sequence[str],
                   positions: Sequence[Position]) -> list[list[Position | None]]:
    """Each actor's position per topic, in row and column order."""
    by_cell: Mapping[tuple[str, str], Position] = {(p.actor, p.topic): p for p in positions}
    return [[by_cell.get((a, t)) for t in topic_ids] for a in actor_ids]
