"""Finding, reading and validating a config file; its digest and its warnings."""

from __future__ import annotations

import hashlib
import math
import os
import re
import tomllib
from pathlib import Path

from platformdirs import user_config_path
from pydantic import ValidationError

from dashboard.config.defaults import with_shipped_defaults
from dashboard.config.problems import (
    ConfigError,
    Problem,
    duplicate_ids,
    key_lines,
    line_for,
    validation_problems,
)
from dashboard.config.schema import HORIZON_HALF_LIVES, Config
from dashboard.config.values import APP_NAME

ENV_CONFIG = "FLASHPOINT_CONFIG"


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
    lines = key_lines(text)
    problems = duplicate_ids(path, data, lines)
    try:
        config = Config.model_validate(with_shipped_defaults(data))
    except ValidationError as exc:
        problems = validation_problems(path, lines, exc) + problems
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
        lines = key_lines(Path(path).read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError):
        lines = {}
    loc = ("storage", "retention_days")
    if loc not in lines and ("escalation", "half_life") in lines:
        loc = ("escalation", "half_life")
    return [Problem(
        str(path), line_for(loc, lines) if lines else 0, "storage.retention_days",
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
