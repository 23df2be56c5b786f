"""Configuration: `config.toml` read with tomllib into frozen pydantic models.

`load_config(path)` returns a `Config` or raises one `ConfigError` that lists every
problem as ``file:line: key: what is wrong (what is allowed)``. The config object is
passed to whoever needs it; there is no global.
"""

from __future__ import annotations

import functools
import hashlib
import math
import os
import re
import tomllib
from dataclasses import dataclass
from pathlib import Path
from typing import Annotated, Any, Literal
from urllib.parse import urlsplit

from platformdirs import user_config_path, user_data_path
from pydantic import (
    AfterValidator,
    BaseModel,
    BeforeValidator,
    ConfigDict,
    Field,
    StrictBool,
    ValidationError,
    model_validator,
)

APP_NAME = "flashpoint"
ENV_CONFIG = "FLASHPOINT_CONFIG"
MAX_RETENTION_DAYS = 36_500  # storage.retention_days: a hundred years

_DURATION = re.compile(r"(\d+(?:\.\d+)?)\s*(d|h|m|s)")
_UNITS = {"d": 86400.0, "h": 3600.0, "m": 60.0, "s": 1.0}


def parse_duration(value: object) -> float:
    """Turn "15m", "1h30m", "45s", "2d" (or a number of seconds) into seconds > 0."""
    if isinstance(value, bool):
        raise ValueError("a duration like \"15m\", \"1h\", \"30s\" or \"2d\"")
    if isinstance(value, int | float):
        seconds = float(value)
    elif isinstance(value, str):
        text = value.strip().lower().replace(" ", "")
        parts = _DURATION.findall(text)
        if not parts or "".join(n + u for n, u in parts) != text:
            raise ValueError(f"{value!r} is not a duration like \"15m\", \"1h\", \"30s\" or \"2d\"")
        seconds = sum(float(n) * _UNITS[u] for n, u in parts)
    else:
        raise ValueError("a duration like \"15m\", \"1h\", \"30s\" or \"2d\"")
    if seconds <= 0:
        raise ValueError(f"{value!r} must be longer than zero")
    return seconds


def _http_url(value: str) -> str:
    parts = urlsplit(value)
    if parts.scheme not in ("http", "https") or not parts.netloc:
        raise ValueError(f"{value!r} is not an http:// or https:// URL")
    return value


def _slug(value: str) -> str:
    if not value.strip():
        raise ValueError("must not be empty")
    if not re.fullmatch(r"[A-Za-z0-9][A-Za-z0-9_.-]*", value):
        raise ValueError(f"{value!r} may hold only letters, digits, '-', '_' and '.'")
    return value


Duration = Annotated[float, BeforeValidator(parse_duration)]
HttpUrl = Annotated[str, AfterValidator(_http_url)]
Slug = Annotated[str, AfterValidator(_slug)]
Unit = Annotated[float, Field(ge=0.0, le=1.0)]


# Short names in narrow tables: an actor's tag, a topic's column header.
ACTOR_SHORT_MAX = 8
TOPIC_SHORT_MAX = 12


class _Model(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True, defer_build=True)


class Theatre(_Model):
    name: str = "Unnamed theatre"
    """Shown in the header and in briefings."""


class Storage(_Model):
    path: str = ""
    """The store file. Empty means `store.json` in the user data directory."""
    retention_days: int = Field(30, ge=1, le=MAX_RETENTION_DAYS)
    """Items older than this move from the hot file to dated archive files (at most 100
    years: the cutoff is a date, and a longer period would reach before year 1)."""

    def resolved_path(self) -> Path:
        """The store file's path, with `~` expanded and the default applied."""
        if self.path:
            return Path(self.path).expanduser()
        return user_data_path(APP_NAME) / "store.json"


class Fetch(_Model):
    user_agent: str = "Flashpoint/0.1 (terminal news dashboard)"
    """The User-Agent header sent to every source."""
    deadline: Duration = 30.0
    """The most one source's whole request may take, connection to last byte."""
    max_bytes: int = Field(10_000_000, ge=1024)
    """The most bytes read from one response, after decompression."""
    concurrency: int = Field(8, ge=1, le=128)
    """How many sources are fetched at once."""
    max_redirects: int = Field(5, ge=0, le=20)
    """How many redirects are followed before the source is reported as an error."""
    retries: int = Field(2, ge=0, le=10)
    """How often a connection error is retried, with backoff, inside the deadline."""
    parse_deadline: Duration = 10.0
    """The most parsing and analysing one response may take before it is abandoned."""


class Pages(_Model):
    min_words: int = Field(80, ge=1, le=100_000)
    """`fulltext = "auto"`: fetch the page when the feed's text has fewer words than this."""
    deadline: Duration = 60.0
    """The most one source's page fetches may take in one round; pages not reached wait
    for the next round (oldest first)."""
    concurrency: int = Field(8, ge=1, le=64)
    """How many article pages are fetched at once (over all hosts)."""
    host_concurrency: int = Field(2, ge=1, le=2)
    """How many requests one host gets at once (1 or 2)."""
    host_delay: Duration = 1.0
    """The least time between the starts of two requests to the same host."""
    max_bytes: int = Field(3_000_000, ge=1024)
    """The most bytes read from one page; a larger page is reported as too large."""


class Source(_Model):
    id: Slug
    """A short unique id: letters, digits, '-', '_', '.'."""
    name: str = ""
    """A display name; defaults to the id."""
    kind: Literal["rss", "gdelt"] = "rss"
    """`rss` (RSS 0.9x/1.0/2.0, Atom, JSON Feed) or `gdelt` (a GDELT DOC 2.0 query)."""
    url: HttpUrl
    """The feed or query URL (http or https)."""
    every: Duration = 1800.0
    """How often to fetch, like "15m" or "1h"."""
    enabled: StrictBool = True
    """A disabled source is kept in the config but never fetched."""
    keywords: tuple[str, ...] = ()
    """When set, only items whose title or summary contains one of these are kept."""
    credibility: Unit = 0.7
    """0..1: how much this source's evidence weighs in positions and escalation."""
    fulltext: Literal["auto", "always", "never"] | None = None
    """Fetch each item's linked article page and analyse its text: `always`, `never`, or
    `auto` (only when the feed's own text is shorter than `[pages] min_words`). Unset:
    `always` for GDELT sources (they carry only a title), `never` for feeds."""

    @property
    def label(self) -> str:
        """The name to show."""
        return self.name or self.id

    @property
    def fulltext_mode(self) -> Literal["auto", "always", "never"]:
        """`fulltext` with its default applied."""
        return self.fulltext or ("always" if self.kind == "gdelt" else "never")

    @model_validator(mode="after")
    def _gdelt_rate(self) -> Source:
        if self.kind == "gdelt" and self.every < 5:
            raise ValueError("every: GDELT allows one request per 5 s (use \"15m\" or more)")
        return self


_PARTIAL_DATE = re.compile(r"\d{4}(?:-(?:0[1-9]|1[0-2])(?:-(?:0[1-9]|[12]\d|3[01]))?)?")


def _partial_date(value: str) -> str:
    if not _PARTIAL_DATE.fullmatch(value):
        raise ValueError(
            f'"{value}" is not a year ("2021"), month ("2021-05") or day ("2021-05-24")'
        )
    return value


PartialDate = Annotated[str, AfterValidator(_partial_date)]


class Office(_Model):
    title: str = Field(min_length=1)
    """The office as the news names it after the actor, e.g. "Prime Minister" for "the
    Kosovo Prime Minister said"."""
    since: PartialDate | None = None
    """Year, month or day the person took the office; none: always."""
    until: PartialDate | None = None
    """Year, month or day the person left it (that period included); none: still holds it."""


class Person(_Model):
    name: str
    """Full name as written in the news (accents optional)."""
    role: str = ""
    """Title, e.g. "Defence Minister"."""
    since: str | None = None
    """Year or date the role began."""
    until: str | None = None
    """Year or date the role ended."""
    offices: tuple[Office, ...] = ()
    """Offices held, with dates, when `role` is not one office held since..until; a speaker
    named only by office ("the Serbian Prime Minister") is the holder on the item's date."""


class Actor(_Model):
    id: Slug
    """A short unique id used in stances, statements and filters."""
    name: str
    """Display name."""
    kind: Literal["state", "organisation", "group"] = "state"
    """What sort of actor it is."""
    aliases: tuple[str, ...] = ()
    """Other names: capitals used as metonyms, institutions, adjectives."""
    people: tuple[Person, ...] = ()
    """Officials who speak for this actor."""
    short: str = Field("", max_length=ACTOR_SHORT_MAX)
    """A short tag for narrow tables ("K-Serbs"); empty derives one from the name."""

    @property
    def tag(self) -> str:
        """The short tag: `short`, else the name when short, else a short id, else cut."""
        if self.short:
            return self.short
        if len(self.name) <= ACTOR_SHORT_MAX:
            return self.name
        if len(self.id) <= 4:
            return self.id.upper()  # "usa", "un", "uk": the usual abbreviations
        return self.name[: ACTOR_SHORT_MAX - 1] + "…"


class Topic(_Model):
    id: Slug
    """A short unique id."""
    label: str
    """Display label."""
    phrases: tuple[str, ...] = ()
    """Phrases that put a sentence on this topic (case- and accent-insensitive, whole
    words; "word*" matches any ending, a lone "*" skips up to 8 words)."""
    concepts: tuple[str, ...] = ()
    """Word groups that put a sentence on this topic when a word of each group stands
    within `window` words, compared by lemma: "Serbian + army|troops + return|deploy"."""
    counter_concepts: tuple[str, ...] = ()
    """Concepts of the opposite claim: support for one is opposition to the topic."""
    window: int = Field(10, ge=1, le=40)
    """The most words a concept's match may span."""
    short: str = Field("", max_length=TOPIC_SHORT_MAX)
    """A short name for table headers ("Forces"); empty cuts the label."""

    @property
    def tag(self) -> str:
        """The short name: `short`, else the label cut to `TOPIC_SHORT_MAX`."""
        if self.short:
            return self.short
        if len(self.label) <= TOPIC_SHORT_MAX:
            return self.label
        return self.label[: TOPIC_SHORT_MAX - 1] + "…"

    @model_validator(mode="after")
    def _named_somehow(self) -> Topic:
        if not (self.phrases or self.concepts or self.counter_concepts):
            raise ValueError("a topic needs phrases, concepts or counter_concepts")
        for concept in (*self.concepts, *self.counter_concepts):
            groups = [g for g in concept.split("+") if g.strip()]
            if not groups or any(not [a for a in g.split("|") if a.strip()] for g in groups):
                raise ValueError(f"concept {concept!r}: write word groups joined by '+', "
                                 "alternatives joined by '|'")
        return self


class Recognition(_Model):
    subject: str = ""
    """The disputed state whose recognition is counted; empty turns the panel off."""
    aliases: tuple[str, ...] = ()
    """Other names of the subject in the news."""
    ledger: str = ""
    """CSV ledger: a file name in the bundled data, or a path."""
    series: str = ""
    """TOML file of headline series with provenance: bundled name or path."""
    blocs: str = ""
    """TOML file of bloc memberships: bundled name or path."""
    confirmations: int = Field(2, ge=1, le=20)
    """Independent sources that must report a change before it counts by itself."""


class Cue(_Model):
    id: Slug
    """A short unique id."""
    phrases: tuple[str, ...]
    """Phrases that signal the cue (as in topics: whole words, "word*", lone "*")."""
    weight: float = Field(ge=-10.0, le=10.0)
    """Escalatory > 0, de-escalatory < 0 (about Goldstein scale / 10 * 10)."""
    code: str = Field("", pattern=r"^(?:[0-9]{2,4})?$")
    """The CAMEO event code the cue stands for ("190"), shown with its label."""


class Events(_Model):
    lexicon: str = "cameo-verbs.tsv"
    """CAMEO verb patterns (bundled name or path, TSV as in dashboard/data/lexicons);
    empty turns event cues off, leaving only `[[escalation.cues]]`."""
    verbal_cooperation: float = Field(0.2, ge=0.0, le=2.0)
    """Weight per Goldstein point (sign flipped) of appeals, consultations, praise: mostly
    procedure, so they weigh little."""
    material_cooperation: float = Field(1.0, ge=0.0, le=2.0)
    """Weight per Goldstein point of aid, yielding, releases, de-escalation."""
    verbal_conflict: float = Field(0.6, ge=0.0, le=2.0)
    """Weight per Goldstein point of accusations, demands, threats, rejections."""
    material_conflict: float = Field(1.0, ge=0.0, le=2.0)
    """Weight per Goldstein point of protests, force posture, coercion, assaults, fights."""

    def scale(self, quad_class: int) -> float:
        """The weight per Goldstein point of an event of this CAMEO quad class (1-4)."""
        return (self.verbal_cooperation, self.material_cooperation, self.verbal_conflict,
                self.material_conflict)[quad_class - 1]


class Thresholds(_Model):
    tense: float = 15.0
    """Score from which the level is `tense`."""
    elevated: float = 35.0
    """Score from which the level is `elevated`."""
    high: float = 55.0
    """Score from which the level is `high`."""
    critical: float = 75.0
    """Score from which the level is `critical`."""

    @model_validator(mode="after")
    def _ordered(self) -> Thresholds:
        if not 0 < self.tense < self.elevated < self.high < self.critical <= 100:
            raise ValueError("thresholds must rise: 0 < tense < elevated < high < critical <= 100")
        return self


# Cue hits count for this many half-lives; after that a hit weighs under 0.1 % of its
# weight. Readers fetch hits only within this horizon.
HORIZON_HALF_LIVES = 10


class Escalation(_Model):
    half_life: Duration = 3 * 86400.0
    """A cue's weight halves after this long."""
    window: Duration = 86400.0
    """The trend compares the score now with the score this long ago."""
    trend_margin: float = Field(5.0, ge=0.0)
    """A change smaller than this many points counts as steady."""
    scale: float = Field(40.0, gt=0.0)
    """Decayed weight that maps to a score of about 63 (score = 100·(1-exp(-w/scale)))."""
    thresholds: Thresholds = Field(default_factory=Thresholds)
    """Score thresholds of the levels."""
    hysteresis: float = Field(5.0, ge=0.0, le=50.0)
    """Points below a level's threshold the score must fall before the level drops, so a
    score hovering at a threshold does not flap between two levels (0 = no hysteresis)."""
    cues: tuple[Cue, ...] = ()
    """The cues; when empty the bundled defaults are used."""
    events: Events = Field(default_factory=Events)
    """The CAMEO event lexicon under the cues, and how much its events weigh."""

    @property
    def horizon(self) -> float:
        """Seconds for which a cue hit still counts (HORIZON_HALF_LIVES half-lives)."""
        return self.half_life * HORIZON_HALF_LIVES


class Alert(_Model):
    id: Slug
    """A short unique id, used in logs, in the event JSON and to mute it."""
    on: Literal["level", "pending", "statement", "source_failing"]
    """The trigger: the escalation level changes (`level`), a recognition change is
    pending (`pending`), a statement from watched actors or with watched words
    (`statement`), a source fails `rounds` rounds in a row (`source_failing`)."""
    min_level: Literal["calm", "tense", "elevated", "high", "critical"] = "calm"
    """For `level`: fire only when the new level or the old one is at least this."""
    actors: tuple[str, ...] = ()
    """For `statement`: actor ids to watch (empty: any actor)."""
    words: tuple[str, ...] = ()
    """For `statement`: words to watch in the statement (empty: any words)."""
    rounds: int = Field(3, ge=1)
    """For `source_failing`: consecutive failed rounds before it fires."""
    command: tuple[str, ...] = ()
    """A command (argv list, no shell) that receives the event as JSON on stdin."""
    webhook: HttpUrl | None = None
    """A URL that receives the event as a JSON POST."""
    notify: bool = True
    """Show a notification in the TUI (and ring the bell if [display] bell)."""
    cooldown: Duration = 600.0
    """The same alert fires at most once in this long (rate limit)."""
    mute: StrictBool = False
    """A muted alert never fires (it can also be muted from the TUI)."""


class Display(_Model):
    bell: StrictBool = False
    """Ring the terminal bell with notifications."""
    statements: int = Field(200, ge=10, le=5000)
    """How many statement rows the panel holds; older ones page in from the store."""


class Config(_Model):
    theatre: Theatre = Field(default_factory=Theatre)
    storage: Storage = Field(default_factory=Storage)
    fetch: Fetch = Field(default_factory=Fetch)
    pages: Pages = Field(default_factory=Pages)
    sources: tuple[Source, ...] = ()
    actors: tuple[Actor, ...] = ()
    topics: tuple[Topic, ...] = ()
    recognition: Recognition = Field(default_factory=Recognition)
    escalation: Escalation = Field(default_factory=Escalation)
    display: Display = Field(default_factory=Display)
    alerts: tuple[Alert, ...] = ()

    def source(self, source_id: str) -> Source:
        """The source with this id."""
        return next(s for s in self.sources if s.id == source_id)


@dataclass(frozen=True)
class Problem:
    """One thing wrong with a config file."""

    file: str
    line: int
    key: str
    message: str

    def __str__(self) -> str:
        return f"{self.file}:{self.line}: {self.key}: {self.message}"


class ConfigError(Exception):
    """A config file that cannot be used; `problems` lists everything wrong with it."""

    def __init__(self, problems: list[Problem]):
        self.problems = problems
        super().__init__("\n".join(str(p) for p in problems))


# --- locating keys in the TOML text (for error messages only) --------------------------

_HEADER = re.compile(r"^\s*(\[\[?)\s*([A-Za-z0-9_.\-\"' ]+?)\s*\]\]?\s*(#.*)?$")
_KEYLINE = re.compile(r"^\s*([A-Za-z0-9_\-\"']+)\s*=")


def _key_lines(text: str) -> dict[tuple[Any, ...], int]:
    """Map key paths like ("sources", 2, "every") to 1-based line numbers."""
    lines: dict[tuple[Any, ...], int] = {}
    counters: dict[tuple[str, ...], int] = {}
    table: tuple[Any, ...] = ()
    for number, raw in enumerate(text.splitlines(), start=1):
        header = _HEADER.match(raw)
        if header:
            names = tuple(n.strip().strip("\"'") for n in header.group(2).split("."))
            if header.group(1) == "[[":
                index = counters.get(names, -1) + 1
                counters[names] = index
                # nested arrays of tables index into their parent's latest entry
                table = (*_with_indices(names[:-1], counters), names[-1], index)
            else:
                table = _with_indices(names, counters)
            lines.setdefault(table, number)
            continue
        key = _KEYLINE.match(raw)
        if key:
            lines.setdefault((*table, key.group(1).strip("\"'")), number)
    return lines


def _with_indices(names: tuple[str, ...], counters: dict[tuple[str, ...], int]) -> tuple:
    path: list[Any] = []
    for i, name in enumerate(names):
        path.append(name)
        if names[: i + 1] in counters:
            path.append(counters[names[: i + 1]])
    return tuple(path)


def _line_for(loc: tuple[Any, ...], lines: dict[tuple[Any, ...], int]) -> int:
    for end in range(len(loc), 0, -1):
        if loc[:end] in lines:
            return lines[loc[:end]]
    return 1


def _dotted(loc: tuple[Any, ...]) -> str:
    out = ""
    for part in loc:
        out += f"[{part}]" if isinstance(part, int) else (f".{part}" if out else str(part))
    return out or "(top level)"


def _describe(error: dict[str, Any]) -> str:
    kind = error["type"]
    if kind == "extra_forbidden":
        return "unknown key (check the spelling against the config reference in README.md)"
    if kind == "missing":
        return "missing (this key is required)"
    if kind == "literal_error":
        expected = error.get("ctx", {}).get("expected", "")
        return f"{error['input']!r} is not allowed (allowed: {expected})"
    message = str(error["msg"]).removeprefix("Value error, ")
    if kind.endswith("_type") or kind.endswith("_parsing"):
        return f"{message} (got {type(error['input']).__name__} {error['input']!r})"
    return message


def _problems(path: str, lines: dict, error: ValidationError) -> list[Problem]:
    problems = []
    for e in error.errors():
        loc = tuple(e["loc"])
        message = _describe(e)
        # a model validator may name the key it is about as "key: message"
        key, sep, rest = message.partition(": ")
        if sep and e["type"] == "value_error" and key.isidentifier():
            loc, message = (*loc, key), rest
        problems.append(Problem(path, _line_for(loc, lines), _dotted(loc), message))
    return problems


_ID_TABLES = (("sources",), ("actors",), ("topics",), ("escalation", "cues"), ("alerts",))


def _duplicate_ids(path: str, data: dict, lines: dict) -> list[Problem]:
    """Duplicate ids, found on the raw data so they are listed with every other problem."""
    problems = []
    for table in _ID_TABLES:
        entries: Any = data
        for name in table:
            entries = entries.get(name, []) if isinstance(entries, dict) else []
        if not isinstance(entries, list):
            continue
        seen: dict[str, int] = {}
        for i, entry in enumerate(entries):
            value = entry.get("id") if isinstance(entry, dict) else None
            if not isinstance(value, str):
                continue
            loc = (*table, i, "id")
            if value in seen:
                first = _line_for((*table, seen[value], "id"), lines)
                problems.append(Problem(path, _line_for(loc, lines), _dotted(loc),
                                        f"duplicate id {value!r}, first used on line {first} "
                                        "(ids must be unique)"))
            else:
                seen[value] = i
    return problems


def _shipped_config() -> Path:
    # a wheel carries the top-level config.toml as data/config.toml (copied at build time
    # by setup.py); a source checkout or an editable install reads the top-level file
    packaged = Path(__file__).parent / "data" / "config.toml"
    return packaged if packaged.is_file() else Path(__file__).parents[1] / "config.toml"


SHIPPED_CONFIG = _shipped_config()
"""The shipped theatre (the repository's one config.toml): what `flashpoint` uses when no
config is found, and what a section left out of a config file defaults to."""

OWN_SECTIONS = ("sources", "storage", "alerts")
"""Sections never taken from the shipped file: `sources` (each file names its own),
`storage` (where a store lives is the file's business) and `alerts` (the shipped example
would fire in every config that has none). Every other section left out is the shipped."""


@functools.lru_cache(maxsize=1)
def shipped_sections() -> dict[str, Any]:
    """The shipped config.toml's sections but OWN_SECTIONS, as parsed TOML."""
    data = tomllib.loads(SHIPPED_CONFIG.read_text(encoding="utf-8"))
    return {key: value for key, value in data.items() if key not in OWN_SECTIONS}


def with_shipped_defaults(data: dict[str, Any]) -> dict[str, Any]:
    """`data` over the shipped sections: a table left out, or a key left out of a table,
    takes the shipped value; a list (actors, topics, cues) given replaces the shipped one.

    So a file holding only [[sources]] watches with the shipped actors, topics, cues and
    scale, and scores the same news the same as the shipped file does.
    """

    def merge(base: Any, over: Any) -> Any:
        if isinstance(base, dict) and isinstance(over, dict):
            return {**base, **{k: merge(base.get(k), v) for k, v in over.items()}}
        return over

    merged = dict(data)
    for key, value in shipped_sections().items():
        merged[key] = merge(value, data[key]) if key in data else value
    return merged


def parse_config(text: str, path: str = "config.toml") -> Config:
    """Validate TOML text; raises ConfigError naming `path` in every problem.

    Sections and keys the text leaves out take the shipped config.toml's values
    (`with_shipped_defaults`).
    """
    try:
        data = tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        match = re.search(r"line (\d+)", str(exc))
        line = int(match.group(1)) if match else 1
        raise ConfigError([Problem(path, line, "(syntax)", f"not valid TOML: {exc}")]) from None
    lines = _key_lines(text)
    problems = _duplicate_ids(path, data, lines)
    try:
        config = Config.model_validate(with_shipped_defaults(data))
    except ValidationError as exc:
        problems = _problems(path, lines, exc) + problems
    if problems:
        problems.sort(key=lambda p: p.line)
        raise ConfigError(problems)
    return config


def load_config(path: str | os.PathLike[str]) -> Config:
    """Read and validate a config file; raises ConfigError for any problem."""
    name = str(path)
    try:
        raw = Path(path).read_bytes()
    except FileNotFoundError:
        raise ConfigError([Problem(name, 0, "(file)", "no such file")]) from None
    except IsADirectoryError:
        raise ConfigError([Problem(name, 0, "(file)", "is a directory, not a file")]) from None
    except OSError as exc:
        raise ConfigError([Problem(name, 0, "(file)", f"cannot read: {exc.strerror}")]) from None
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError as exc:
        line = raw[: exc.start].count(b"\n") + 1
        raise ConfigError([Problem(name, line, "(file)", "not UTF-8 text")]) from None
    return parse_config(text, name)


def config_warnings(config: Config, path: str | os.PathLike[str]) -> list[Problem]:
    """What is valid but probably not meant, as Problems (`path` is read for line numbers).

    Today one: a retention shorter than the escalation horizon. Retention archives an
    item with its cue hits, so hits that should still count leave the score early and the
    level drops as items age out, not as the situation calms.
    """
    horizon_days = config.escalation.horizon / 86400
    retention = config.storage.retention_days
    if retention >= horizon_days:
        return []
    try:
        lines = _key_lines(Path(path).read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError):
        lines = {}
    loc = ("storage", "retention_days")
    if loc not in lines and ("escalation", "half_life") in lines:
        loc = ("escalation", "half_life")
    return [Problem(
        str(path), _line_for(loc, lines) if lines else 0, "storage.retention_days",
        f"warning: {retention} days is shorter than the escalation horizon "
        f"({HORIZON_HALF_LIVES} half-lives = {horizon_days:g} days): cue hits would leave "
        f"the score when their items are archived, lowering it; use at least "
        f"{math.ceil(horizon_days)} or a shorter escalation.half_life",
    )]


def config_digest(config: Config) -> str:
    """The one name for a config's content: the last view's key, the analyzers' cache key
    and the name workers keep the config under. Equal settings give the same digest.

    The storage section is left out: the view lies next to its store, and `--db` or a
    relative path must not make the writer's view foreign to a viewer of the same store
    (nothing else digested depends on where the store is).
    """
    body = config.model_dump_json(exclude={"storage"}).encode()
    return hashlib.blake2b(body, digest_size=16).hexdigest()


def find_config(explicit: str | None = None) -> Path:
    """The config file to use: --config, $FLASHPOINT_CONFIG, ./config.toml, user config dir."""
    if explicit:
        return Path(explicit)
    if os.environ.get(ENV_CONFIG):
        return Path(os.environ[ENV_CONFIG])
    local = Path("config.toml")
    if local.exists():
        return local
    user = user_config_path(APP_NAME) / "config.toml"
    if user.exists():
        return user
    return local  # the error message then names ./config.toml
