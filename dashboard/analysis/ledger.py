"""Loading the bundled recognition data: the ledger CSV, headline series, blocs, aliases.

Each loader takes a bundled file name ("kosovo-recognition.csv", read from
`dashboard/data` via importlib.resources) or a path, and only parses: csv and tomllib,
no network. The values it returns are what `recognition.summarize` works on.
"""

from __future__ import annotations

import csv
import io
import tomllib
from dataclasses import dataclass, field
from functools import lru_cache
from importlib import resources
from pathlib import Path

from dashboard.config import SHIPPED_CONFIG, Cue, Escalation
from dashboard.models import LedgerRow

_STATUSES = ("recognized", "withdrawn_claimed", "not_recognized")
ALIASES_FILE = "country-aliases.toml"


@dataclass(frozen=True, slots=True)
class SeriesDef:
    """How one headline series is counted: from ledger rows, or a published figure."""

    id: str
    label: str
    source: str
    as_of: str | None = None
    statuses: tuple[str, ...] = ()  # counted ledger statuses; empty: a fixed figure
    un_only: bool = False
    exclude: tuple[str, ...] = ()  # ISO3 codes left out of the count
    figure: int | None = None  # the published number
    of: int | None = None  # the denominator

    @property
    def counted(self) -> bool:
        """True when the series is counted from the ledger (and moves with changes)."""
        return bool(self.statuses)


@dataclass(frozen=True, slots=True)
class Bloc:
    """A group of states whose recognition is broken down on the panel."""

    id: str
    label: str
    members: tuple[str, ...]  # ISO3 of member states in the ledger
    outside: dict[str, str] = field(default_factory=dict)  # ISO3 -> name, not in the ledger
    non_state: tuple[str, ...] = ()  # members that are not states (never counted)


def read_data(name_or_path: str) -> bytes:
    """The bytes of a bundled data file (by name) or of a file at a path."""
    path = Path(name_or_path).expanduser()
    if path.is_file() or len(path.parts) > 1:
        return path.read_bytes()
    return resources.files("dashboard").joinpath("data", name_or_path).read_bytes()


def _yes(value: str) -> bool:
    return value.strip().lower() in ("yes", "true", "1", "y")


def parse_ledger(text: str) -> list[LedgerRow]:
    """Ledger rows from CSV text with columns country, iso3, un_member, status, date, note,
    source; raises ValueError naming the line of a row with an unknown status."""
    rows = []
    reader = csv.DictReader(io.StringIO(text))
    for row in reader:
        status = (row.get("status") or "").strip()
        if status not in _STATUSES:
            raise ValueError(f"line {reader.line_num}: status {status!r} is not one of "
                             f"{', '.join(_STATUSES)}")
        rows.append(LedgerRow(
            country=row["country"].strip(),
            iso3=row["iso3"].strip().upper(),
            un_member=_yes(row.get("un_member") or ""),
            status=status,  # type: ignore[arg-type]
            date=(row.get("date") or "").strip() or None,
            note=(row.get("note") or "").strip(),
            source=(row.get("source") or "").strip(),
        ))
    return rows


def load_ledger(name_or_path: str) -> list[LedgerRow]:
    """The recognition ledger from a bundled CSV name or a path."""
    return parse_ledger(read_data(name_or_path).decode("utf-8-sig"))


def load_series(name_or_path: str) -> list[SeriesDef]:
    """Headline series definitions (`[[series]]` tables) from a bundled name or a path."""
    data = tomllib.loads(read_data(name_or_path).decode("utf-8"))
    out = []
    for entry in data.get("series", []):
        out.append(SeriesDef(
            id=entry["id"],
            label=entry.get("label", entry["id"]),
            source=entry.get("source", ""),
            as_of=str(entry["as_of"]) if "as_of" in entry else None,
            statuses=tuple(entry.get("statuses", ())),
            un_only=bool(entry.get("un_only", False)),
            exclude=tuple(code.upper() for code in entry.get("exclude", ())),
            figure=entry.get("figure"),
            of=entry.get("of"),
        ))
    return out


def load_blocs(name_or_path: str) -> dict[str, Bloc]:
    """Bloc memberships (`[blocs.ID]` tables) from a bundled name or a path, in file order."""
    data = tomllib.loads(read_data(name_or_path).decode("utf-8"))
    return {
        bloc_id: Bloc(
            id=bloc_id,
            label=entry.get("label", bloc_id),
            members=tuple(code.upper() for code in entry.get("members", ())),
            outside={k.upper(): v for k, v in entry.get("outside", {}).items()},
            non_state=tuple(entry.get("non_state", ())),
        )
        for bloc_id, entry in data.get("blocs", {}).items()
    }


@lru_cache(maxsize=1)
def bundled_aliases() -> dict[str, tuple[str, ...]]:
    """ISO3 -> other names of the country, from the bundled country-aliases.toml."""
    data = tomllib.loads(read_data(ALIASES_FILE).decode("utf-8"))
    return {iso3.upper(): tuple(names) for iso3, names in data.get("aliases", {}).items()}


def country_index(
    rows: list[LedgerRow], aliases: dict[str, tuple[str, ...]] | None = None
) -> dict[str, str]:
    """Country names as written (ledger names and aliases) -> ISO3, for detecting events.

    Keys keep their original spelling so that a matcher can tell acronyms ("US") from
    words; `aliases` defaults to the bundled list. Only countries in the ledger are kept.
    """
    known = {row.iso3 for row in rows}
    index: dict[str, str] = {}
    for row in rows:
        index[row.country] = row.iso3
        # "Congo, The Democratic Republic of the" is also written without the inversion
        if ", " in row.country:
            head, _, tail = row.country.partition(", ")
            index[f"{tail} {head}".strip()] = row.iso3
    for iso3, names in (bundled_aliases() if aliases is None else aliases).items():
        if iso3 in known:
            for name in names:
                index.setdefault(name, iso3)
    return index


@lru_cache(maxsize=1)
def bundled_cues() -> tuple[Cue, ...]:
    """The default escalation cues: `[escalation] cues` of the bundled config.toml.

    Empty when the bundled config has none (or is missing), so a theatre without cues
    simply scores calm.
    """
    try:
        data = tomllib.loads(SHIPPED_CONFIG.read_text(encoding="utf-8"))
    except (FileNotFoundError, tomllib.TOMLDecodeError):
        return ()
    return Escalation.model_validate(data.get("escalation", {})).cues

