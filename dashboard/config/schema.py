"""The config's schema: frozen pydantic models, one per section of `config.toml`.

Every key a config file may hold is declared here with its default and what is allowed;
a new key also gets a comment in `config.toml` and a line in README's config reference.
"""

from __future__ import annotations

from pathlib import Path
from typing import Literal

from platformdirs import user_data_path
from pydantic import BaseModel, ConfigDict, Field, StrictBool, model_validator

from dashboard.config.values import (
    ACTOR_SHORT_MAX,
    APP_NAME,
    MAX_RETENTION_DAYS,
    TOPIC_ABBR_MAX,
    TOPIC_SHORT_MAX,
    Duration,
    HttpUrl,
    PartialDate,
    ShortName,
    Slug,
    Unit,
)


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
    short: ShortName = Field("", max_length=ACTOR_SHORT_MAX)
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
    heads: tuple[str, ...] = ()
    """Nouns that name the topic again once the article has named it: "the bridge",
    "this association" (after a definite article, demonstrative or possessive)."""
    short: ShortName = Field("", max_length=TOPIC_SHORT_MAX)
    """A short name for column headers ("Forces back"), unique among the topics; empty
    derives one from the label (`dashboard.config.topic_names`)."""
    abbr: ShortName = Field("", max_length=TOPIC_ABBR_MAX)
    """An abbreviation ("Frc") that heads the topic's column where even the short name does
    not fit, unique among the topics; empty derives one from the short name."""

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
