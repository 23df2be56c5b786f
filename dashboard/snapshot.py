"""Read everything the panels show from the store at once, as one `Snapshot` value.

Used by the TUI (in a thread worker), `flashpoint status` and `export`. It only reads.
"""

from __future__ import annotations

from dataclasses import replace
from datetime import datetime, timedelta
from functools import lru_cache

from dashboard.analysis.escalation import compute_weighed
from dashboard.analysis.ledger import load_blocs, load_ledger, load_series
from dashboard.analysis.positions import current_positions
from dashboard.analysis.recognition import summarize
from dashboard.config import Config, topic_names
from dashboard.config import Recognition as RecognitionConfig
from dashboard.models import Freshness, Recognition, Snapshot, SourceHealth, SourceView
from dashboard.storage import Store

DECISIONS_SHOWN = 10  # the audit trail entries the recognition panel lists


@lru_cache(maxsize=4)
def _ledger_data(cfg: RecognitionConfig):
    rows = load_ledger(cfg.ledger) if cfg.ledger else []
    series = load_series(cfg.series) if cfg.series else []
    blocs = load_blocs(cfg.blocs) if cfg.blocs else {}
    return rows, series, blocs


def recognition_view(config: Config, store: Store) -> Recognition:
    """The recognition panel: ledger series, blocs and detected changes."""
    cfg = config.recognition
    if not cfg.subject:
        return Recognition(subject="", series=(), blocs=(), pending=(), recent=())
    rows, series, blocs = _ledger_data(cfg)
    summary = summarize(
        rows,
        series,
        blocs,
        store.recognition_events(),
        confirmations=cfg.confirmations,
        subject=cfg.subject,
    )
    return replace(summary, decisions=tuple(store.decisions(limit=DECISIONS_SHOWN)))


def freshness(config: Config, health: dict[str, SourceHealth]) -> Freshness:
    """How current the stored data is: sources answering, newest success, when it goes stale.

    Only enabled sources count. The data is stale once every source's last success is
    older than twice its interval (`every`): one missed round is normal, two are not.
    """
    enabled = [(s, health.get(s.id, SourceHealth(source_id=s.id)))
               for s in config.sources if s.enabled]
    successes = [(h.last_success, s.every) for s, h in enabled if h.last_success]
    return Freshness(
        sources_ok=sum(h.state in ("ok", "not_modified") for _, h in enabled),
        sources=len(enabled),
        last_success=max((when for when, _ in successes), default=None),
        stale_after=max((when + timedelta(seconds=2 * every) for when, every in successes),
                        default=None),
    )


def build_snapshot(
    config: Config,
    store: Store,
    *,
    now: datetime,
    fetching: frozenset[str] = frozenset(),
    statements: int | None = None,
    positions: bool = True,
) -> Snapshot:
    """Everything the four panels and the sources panel show, read from the store.

    Without `positions`, the positions are left out (`positions_pending`): a viewer paints
    that first, as every stance of the store takes most of a snapshot's reading.
    """
    esc = config.escalation
    horizon = now - timedelta(seconds=esc.horizon)
    health = store.health()
    sources = tuple(
        SourceView(
            id=s.id,
            name=s.label,
            kind=s.kind,
            url=s.url,
            health=health.get(s.id, SourceHealth(source_id=s.id)),
            fetching=s.id in fetching,
        )
        for s in config.sources
    )
    history = store.history(limit=500)
    fresh = freshness(config, health)
    names = topic_names(config.topics)
    return Snapshot(
        theatre=config.theatre.name,
        items=store.item_count(),
        statements=tuple(store.statements(limit=statements or config.display.statements)),
        positions=tuple(
            current_positions(store.stance_evidence(), now, half_life=esc.half_life)
        ) if positions else (),
        positions_pending=not positions,
        recognition=recognition_view(config, store),
        # the weights of a month of cue hits, and the text of only the drivers' hits
        escalation=compute_weighed(store.cue_weights(since=horizon), store.cue_hits_at, now,
                                   history, esc),
        sources=sources,
        actors={a.id: a.name for a in config.actors},
        topics={t.id: t.label for t in config.topics},
        actor_tags={a.id: a.tag for a in config.actors},
        topic_tags={i: n.short for i, n in names.items()},
        topic_abbrs={i: n.abbr for i, n in names.items()},
        updated=fresh.last_success,
        freshness=fresh,
    )
