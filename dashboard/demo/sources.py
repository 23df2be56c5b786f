"""The demo's data: the sample sources of `data/demo/items.json` and their items.

The text is sample data written for the demo (see `data/demo/README.md`). Each item has
an `offset`: the demo-seconds after the start at which it is released
(`dashboard.demo.release`).
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import quote

DEMO_DIR = Path(__file__).parents[1] / "data" / "demo"
ITEMS_FILE = DEMO_DIR / "items.json"
SAMPLE_NOTICE = "SAMPLE DATA written for the Flashpoint demo: not real reporting."
DEFAULT_EVERY = "15s"
STORY_HALF_LIFE = 30.0  # demo seconds: the half-life of a cue hit in the demo's story

# format -> (file extension in the feed's path, Content-Type)
FORMATS: dict[str, tuple[str, str]] = {
    "rss": ("xml", "application/rss+xml; charset=utf-8"),
    "atom": ("atom", "application/atom+xml; charset=utf-8"),
    "jsonfeed": ("json", "application/feed+json; charset=utf-8"),
    "gdelt": ("json", "application/json; charset=utf-8"),
}


@dataclass(frozen=True, slots=True)
class DemoItem:
    """One sample article: released `offset` demo-seconds after the server starts."""

    offset: float
    slug: str
    title: str
    body: str  # plain text; paragraphs separated by blank lines
    domain: str = ""  # GDELT only: the outlet's domain
    country: str = ""  # GDELT only: the outlet's country
    summary: str = ""  # when set, the feed carries only this line; the body is on the page

    @property
    def paragraphs(self) -> list[str]:
        """The body's paragraphs."""
        return [p.strip() for p in self.body.split("\n\n") if p.strip()]

    @property
    def feed_paragraphs(self) -> list[str]:
        """What the feed carries: the one-line summary, else the whole body."""
        return [self.summary] if self.summary else self.paragraphs


@dataclass(frozen=True, slots=True)
class DemoSource:
    """One sample source and its items, sorted by offset."""

    id: str
    name: str
    format: str  # a key of FORMATS
    credibility: float
    description: str
    items: tuple[DemoItem, ...]

    @property
    def kind(self) -> str:
        """The config's source kind: GDELT answers are `gdelt`, every feed is `rss`."""
        return "gdelt" if self.format == "gdelt" else "rss"

    @property
    def path(self) -> str:
        """The feed's path on the demo server."""
        if self.format == "gdelt":
            return "/api/v2/doc/doc"  # GDELT's own path; the query string is ignored
        return f"/feeds/{self.id}.{FORMATS[self.format][0]}"


def load_demo_sources(path: Path = ITEMS_FILE) -> tuple[DemoSource, ...]:
    """Read the sample sources; raises ValueError when the file is inconsistent."""
    data = json.loads(path.read_text(encoding="utf-8"))
    sources: list[DemoSource] = []
    slugs: set[str] = set()
    for raw in data["sources"]:
        if raw["format"] not in FORMATS:
            raise ValueError(f"{raw['id']}: unknown format {raw['format']!r}")
        items = tuple(sorted((DemoItem(**item) for item in raw["items"]),
                             key=lambda i: i.offset))
        for item in items:
            # a slug names the article page, so it must be unique across sources
            if item.slug in slugs or quote(item.slug, safe="-") != item.slug:
                raise ValueError(f"{raw['id']}: slug {item.slug!r} is reused or not URL-safe")
            slugs.add(item.slug)
        sources.append(DemoSource(
            id=raw["id"], name=raw["name"], format=raw["format"],
            credibility=raw["credibility"], description=raw["description"], items=items,
        ))
    if len({s.id for s in sources}) != len(sources):
        raise ValueError("duplicate source id in the demo items")
    return tuple(sources)

