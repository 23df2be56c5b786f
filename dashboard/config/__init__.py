"""Configuration: `config.toml` read with tomllib into frozen pydantic models.

`load_config(path)` returns a `Config` or raises one `ConfigError` that lists every
problem as ``file:line: key: what is wrong (what is allowed)``. The config object is
passed to whoever needs it; there is no global.

By concern: `values` (durations, URLs, ids: the field types), `schema` (the models, one
per section), `problems` (file, line and key of each problem), `defaults` (the shipped
config.toml and what a section left out takes from it), `loading` (find, read, validate,
digest), `topic_names` (each topic's short name and abbreviation, unique). Import from
`dashboard.config`; the submodules are its parts.
"""

from dashboard.config.defaults import (
    OWN_SECTIONS,
    SHIPPED_CONFIG,
    shipped_sections,
    with_shipped_defaults,
)
from dashboard.config.loading import (
    ENV_CONFIG,
    config_digest,
    config_warnings,
    find_config,
    load_config,
    parse_config,
)
from dashboard.config.problems import ConfigError, Problem
from dashboard.config.schema import (
    HORIZON_HALF_LIVES,
    Actor,
    Alert,
    Config,
    Cue,
    Display,
    Escalation,
    Events,
    Fetch,
    Office,
    Pages,
    Person,
    Recognition,
    Source,
    Storage,
    Theatre,
    Thresholds,
    Topic,
)
from dashboard.config.topic_names import TopicNames, derived_short, topic_names
from dashboard.config.values import (
    ACTOR_SHORT_MAX,
    APP_NAME,
    MAX_RETENTION_DAYS,
    TOPIC_ABBR_MAX,
    TOPIC_SHORT_MAX,
    Duration,
    HttpUrl,
    PartialDate,
    Slug,
    Unit,
    parse_duration,
)

__all__ = [
    "ACTOR_SHORT_MAX", "APP_NAME", "ENV_CONFIG", "HORIZON_HALF_LIVES", "MAX_RETENTION_DAYS",
    "OWN_SECTIONS", "SHIPPED_CONFIG", "TOPIC_ABBR_MAX", "TOPIC_SHORT_MAX", "Actor", "Alert",
    "Config", "ConfigError", "Cue", "Display", "Duration", "Escalation", "Events", "Fetch",
    "HttpUrl", "Office", "Pages", "PartialDate", "Person", "Problem", "Recognition", "Slug",
    "Source", "Storage", "Theatre", "Thresholds", "Topic", "TopicNames", "Unit",
    "config_digest", "config_warnings", "derived_short", "find_config", "load_config",
    "parse_config", "parse_duration", "shipped_sections", "topic_names",
    "with_shipped_defaults",
]
