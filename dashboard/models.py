"""Frozen values passed between layers.

Every layer speaks in these types: fetching produces `ParsedItem`s, analysis turns
`Item`s into `Statement`s, `StanceEvidence`, `RecognitionEvent`s and `CueHit`s, storage
keeps them, and the App hands read-only snapshots (`Snapshot`) to the widgets. Nothing
here does I/O or imports a framework, so widgets may import this module and nothing else
from `dashboard`. Times are timezone-aware UTC `datetime`s throughout.
"""

from __future__ import annotations

from dataclasses import dataclass, field, fields, is_dataclass
from datetime import datetime
from operator import attrgetter
from typing import Any, Literal

SourceKind = Literal["rss", "gdelt"]
SourceState = Literal["ok", "not_modified", "error", "postponed", "never"]
SpeechKind = Literal["direct", "reported"]
Stance = Literal["support", "oppose", "neutral", "conditional"]
RecognitionChange = Literal["recognized", "withdrawn", "not_recognized"]
PendingStatus = Literal["pending", "confirmed", "rejected"]
Level = Literal["calm", "tense", "elevated", "high", "critical"]
Trend = Literal["rising", "steady", "falling"]
PageState = Literal["pending", "ok", "failed"]
TextOrigin = Literal["feed", "page"]

LEVELS: tuple[Level, ...] = ("calm", "tense", "elevated", "high", "critical")
SOURCE_STATES: tuple[SourceState, ...] = ("ok", "not_modified", "error", "postponed", "never")


# --- fetching -------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class ParsedItem:
    """One entry as a parser read it, before it has a stable id or a source."""

    title: str
    summary: str  # plain text: HTML already stripped
    link: str | None  # http(s) only; anything else is dropped by the parser
    guid: str | None
    published: datetime | None
    author: str | None = None


@dataclass(frozen=True, slots=True)
class Page:
    """An item's linked article page: read once, with what came of it.

    `pending` until fetched; then `ok` with the extracted text, or `failed` with a short
    `reason` (robots, paywall, login, not_html, too_large, timed_out, empty, http,
    unreachable, unreadable) and a human `error`.
    """

    state: PageState = "pending"
    url: str | None = None  # after redirects
    title: str = ""
    date: str | None = None  # the publication date the page gives (ISO), if any
    text: str = ""
    reason: str | None = None
    error: str | None = None


@dataclass(frozen=True, slots=True)
class Item:
    """One stored news item: a ParsedItem with its stable id, source and fetch time."""

    id: str
    source_id: str
    title: str
    summary: str
    link: str | None
    published: datetime | None  # never after `fetched` (fetching.dates.not_after_seen)
    fetched: datetime
    author: str | None = None
    page: Page | None = None  # None: this item's page is not wanted
    stated: datetime | None = None  # the feed's own date, when it was later than fetched

    @property
    def when(self) -> datetime:
        """The item's time: when it was published, else when it was fetched."""
        return self.published or self.fetched


# --- analysis -------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class Statement:
    """Who said what: one attributed piece of speech found in an item."""

    speaker: str  # a person's name, or the actor's name when an organisation speaks
    actor: str | None  # actor id from the config, None when unknown
    kind: SpeechKind
    text: str  # the quoted words, or the reported content without the attribution
    sentence: str  # the whole sentence it came from
    item_id: str = ""
    source_id: str = ""
    time: datetime | None = None
    link: str | None = None
    origin: TextOrigin = "feed"  # found in the feed's text or in the article page
    stated: datetime | None = None  # its item's date in the feed, when later (Item.stated)


@dataclass(frozen=True, slots=True)
class StanceEvidence:
    """One sentence that shows an actor's stance on a topic."""

    actor: str
    topic: str
    stance: Stance
    evidence: str  # the sentence
    item_id: str = ""
    source_id: str = ""
    time: datetime | None = None
    credibility: float = 1.0


@dataclass(frozen=True, slots=True)
class Position:
    """An actor's current position on a topic, weighed from recent evidence."""

    actor: str
    topic: str
    stance: Stance
    confidence: float  # 0..1, the winning stance's share of the weighted evidence
    evidence: tuple[StanceEvidence, ...]  # newest first; at most positions.EVIDENCE_KEPT
    changed: bool = False  # the stance differs from the one before the newest evidence
    weighed: int = 0  # how many pieces of evidence were weighed (all, not only those kept)


@dataclass(frozen=True, slots=True)
class RecognitionEvent:
    """A reported change in who recognizes the subject, awaiting confirmation."""

    country: str  # ISO3
    change: RecognitionChange
    evidence: str
    item_id: str = ""
    source_id: str = ""
    time: datetime | None = None
    status: PendingStatus = "pending"

    @property
    def key(self) -> str:
        """Events with the same key report the same change."""
        return f"{self.country}:{self.change}"


@dataclass(frozen=True, slots=True)
class LedgerRow:
    """One state in the recognition ledger, with where its status comes from."""

    country: str
    iso3: str
    un_member: bool
    status: Literal["recognized", "withdrawn_claimed", "not_recognized"]
    date: str | None
    note: str
    source: str

    @property
    def unverified(self) -> bool:
        """True when the row's date or status is not checked against a primary source."""
        return self.source.lower().startswith(("unverified", "derived")) or (
            "UNCERTAIN" in self.note
        )

    @property
    def disputed(self) -> bool:
        """True when the row's status is contested between sources."""
        note = self.note.lower()
        return "disputed" in note or "refuted" in note or self.status == "withdrawn_claimed"


@dataclass(frozen=True, slots=True)
class Series:
    """One recognition count with where it comes from; series are never merged."""

    id: str
    label: str
    count: int
    of: int | None  # the denominator, when there is one (193 UN members)
    source: str
    as_of: str | None = None


@dataclass(frozen=True, slots=True)
class BlocCount:
    """How many members of a bloc recognize the subject."""

    bloc: str
    recognizing: int
    members: int
    not_recognizing: tuple[str, ...]  # names


@dataclass(frozen=True, slots=True)
class Decision:
    """An analyst's confirm, reject or undo of a recognition change: the store's audit trail."""

    time: datetime
    key: str  # RecognitionEvent.key, "ISO3:change"
    status: PendingStatus  # the status it set
    previous: PendingStatus  # the status before
    undo: bool = False  # True when it took back an earlier decision

    @property
    def country(self) -> str:
        """The ISO3 code of the country decided on."""
        return self.key.partition(":")[0]

    @property
    def change(self) -> str:
        """The change decided on (`recognized`, `withdrawn`, `not_recognized`)."""
        return self.key.partition(":")[2]


@dataclass(frozen=True, slots=True)
class Recognition:
    """Everything the recognition panel shows."""

    subject: str
    series: tuple[Series, ...]
    blocs: tuple[BlocCount, ...]
    pending: tuple[RecognitionEvent, ...]
    recent: tuple[RecognitionEvent, ...]  # confirmed changes and dated ledger rows, newest first
    unverified_rows: int = 0
    disputed_rows: int = 0
    decisions: tuple[Decision, ...] = ()  # the analyst's latest decisions, newest first
    countries: dict[str, str] = field(default_factory=dict)  # ISO3 -> name, from the ledger


@dataclass(frozen=True, slots=True)
class CueHit:
    """One escalation cue found in a sentence."""

    cue: str
    weight: float  # signed: escalatory > 0, de-escalatory < 0
    evidence: str
    item_id: str = ""
    source_id: str = ""
    time: datetime | None = None
    credibility: float = 1.0
    code: str = ""  # the CAMEO event code ("190"), "" when the cue has none
    label: str = ""  # the code's CAMEO label ("Use conventional military force")


@dataclass(frozen=True, slots=True)
class Driver:
    """A cue hit and what it contributes to the score now (after decay and credibility)."""

    hit: CueHit
    contribution: float


@dataclass(frozen=True, slots=True)
class HistoryPoint:
    """The escalation score at the end of one round."""

    time: datetime
    score: float


@dataclass(frozen=True, slots=True)
class Escalation:
    """The escalation indicator."""

    score: float  # 0..100
    level: Level
    trend: Trend
    drivers: tuple[Driver, ...] = ()
    history: tuple[HistoryPoint, ...] = ()


@dataclass(frozen=True, slots=True)
class Analysis:
    """What the analysis found in one item (or one article)."""

    statements: tuple[Statement, ...] = ()
    stances: tuple[StanceEvidence, ...] = ()
    recognition_events: tuple[RecognitionEvent, ...] = ()
    cues: tuple[CueHit, ...] = ()


# --- sources and rounds ---------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class SourceHealth:
    """What is known about one source's fetching, persisted across runs."""

    source_id: str
    state: SourceState = "never"
    last_attempt: datetime | None = None
    last_success: datetime | None = None
    last_error: str | None = None
    next_run: datetime | None = None
    items: int = 0  # items stored from this source
    failures: int = 0  # consecutive failed rounds
    etag: str | None = None
    last_modified: str | None = None


@dataclass(frozen=True, slots=True)
class RefreshResult:
    """The outcome of one source's refresh: a value, never an exception."""

    source_id: str
    state: SourceState
    new_items: int = 0
    error: str | None = None
    # items another source stored first (same id: same link, no GUID); kept there only
    seen_elsewhere: int = 0
    # items whose id (GUID) repeated an earlier item of the same feed with other content;
    # the feed's first is kept
    repeated: int = 0
    # items the feed lists beyond what the parser reads (fetching.parse.MAX_ITEMS)
    truncated: int = 0
    postponed_until: datetime | None = None
    elapsed: float = 0.0

    @property
    def ok(self) -> bool:
        """True when the source answered usefully (new data or not modified)."""
        return self.state in ("ok", "not_modified")


@dataclass(frozen=True, slots=True)
class SourceView:
    """A source as the sources panel shows it."""

    id: str
    name: str
    kind: SourceKind
    url: str
    health: SourceHealth
    fetching: bool = False


@dataclass(frozen=True, slots=True)
class Freshness:
    """How current the data behind the panels is, so no data never passes for calm."""

    sources_ok: int = 0  # enabled sources whose last round answered (ok or not modified)
    sources: int = 0  # enabled sources
    last_success: datetime | None = None  # the newest success of any source
    # when the data goes stale if no source answers again: each source's last success
    # plus twice its interval, the latest of them (None while there is no data)
    stale_after: datetime | None = None

    @property
    def no_data(self) -> bool:
        """True while no source has ever answered."""
        return self.last_success is None

    def stale_since(self, now: datetime) -> datetime | None:
        """The moment the data went stale, or None while it is fresh (or absent)."""
        if self.stale_after is not None and now >= self.stale_after:
            return self.stale_after
        return None


@dataclass(frozen=True, slots=True)
class Snapshot:
    """Everything the four panels and the sources panel show, read from the store at once."""

    theatre: str
    items: int
    statements: tuple[Statement, ...]
    positions: tuple[Position, ...]
    recognition: Recognition
    escalation: Escalation
    sources: tuple[SourceView, ...]
    actors: dict[str, str] = field(default_factory=dict)  # id -> display name
    topics: dict[str, str] = field(default_factory=dict)  # id -> label
    actor_tags: dict[str, str] = field(default_factory=dict)  # id -> short tag
    topic_tags: dict[str, str] = field(default_factory=dict)  # id -> short header
    topic_abbrs: dict[str, str] = field(default_factory=dict)  # id -> header where room is least
    updated: datetime | None = None  # the newest success of any source
    freshness: Freshness | None = None  # None: not known (a view saved by an older version)
    # a viewer's first paint without a saved view, before the positions are read (they follow)
    positions_pending: bool = False


# --- pickling: values cross to and from the workers as (class, field values), rebuilt by
# __init__, not by slotted dataclasses' per-value state functions (PERFORMANCE.md §1d).
_GET: dict[type, Any] = {}


def _reduce_by_fields(self: Any) -> tuple[type, tuple[Any, ...]]:
    if (cls := type(self)) not in _GET:  # a subclass made elsewhere gets its own fields
        names = [f.name for f in fields(cls)]
        _GET[cls] = attrgetter(*names) if len(names) > 1 else lambda v: (getattr(v, names[0]),)
    return cls, _GET[cls](self)


for _model in [v for v in dict(globals()).values() if isinstance(v, type) and is_dataclass(v)]:
    _model.__reduce__ = _reduce_by_fields  # type: ignore[method-assign]
