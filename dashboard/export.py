"""Briefings: a snapshot (and the latest statements) as Markdown, JSON or CSV.

Everything from a source is untrusted, and a briefing is read in renderers that act on
markup, so untrusted text is neutralised on the way out:

- Markdown: control/escape/bidi characters are removed and whitespace collapsed to one
  line (`strip_controls`), `&`, `<`, `>` become entities (`html.escape`, so no HTML or
  `<autolink>` survives), and the Markdown punctuation that builds links, images, code,
  emphasis and table cells (``\\ ` * _ [ ] |``) is backslash-escaped, as is a leading `#`.
  Links are printed only when `safe_link` accepts them (absolute http/https).
- CSV: cells starting with `=`, `+`, `-` or `@` get a leading apostrophe, so a
  spreadsheet shows them as text instead of evaluating a formula.
- JSON: plain data; the consumer decides.
"""

from __future__ import annotations

import csv
import html
import io
from collections.abc import Iterable, Sequence
from datetime import UTC, datetime, timedelta
from typing import Any, Literal

from dashboard.clock import utc_now
from dashboard.config import parse_duration
from dashboard.models import Snapshot, Statement
from dashboard.report import age_text, dumps, freshness_of, snapshot_json, statement_json
from dashboard.textclean import safe_link, strip_controls

Format = Literal["md", "json", "csv"]

CSV_COLUMNS = ("time", "actor", "speaker", "kind", "text", "sentence", "source", "link")
_FORMULA_START = ("=", "+", "-", "@")
# Markdown punctuation that can open a link, image, code span, emphasis or table cell.
_MD_ESCAPES = str.maketrans({c: "\\" + c for c in "\\`*_[]|"})
_TOP_DRIVERS = 5
_EVIDENCE_PER_POSITION = 3


def parse_since(text: str, *, now: datetime | None = None) -> datetime:
    """The time `text` ago ("24h", "7d", "1h30m"); ValueError for anything else."""
    return (now or utc_now()) - timedelta(seconds=parse_duration(text))


def select_statements(
    statements: Iterable[Statement], since: datetime | None
) -> list[Statement]:
    """Statements at or after `since` (all when None; undated ones only then), newest first."""
    kept = [s for s in statements if since is None or (s.time is not None and s.time >= since)]
    oldest = datetime.min.replace(tzinfo=UTC)
    return sorted(kept, key=lambda s: s.time or oldest, reverse=True)


def export(
    snapshot: Snapshot,
    *,
    fmt: Format,
    since: datetime | None,
    statements: Sequence[Statement],
    now: datetime | None = None,
) -> str:
    """The briefing text in `fmt`; `statements` (filtered by `since`) replace the snapshot's.

    `now` judges whether the data is stale (default: the current time).
    """
    now = now or utc_now()
    chosen = select_statements(statements, since)
    if fmt == "md":
        return markdown(snapshot, chosen, since, now=now)
    if fmt == "json":
        return dumps(briefing_json(snapshot, chosen, since, now=now)) + "\n"
    if fmt == "csv":
        return statements_csv(chosen)
    raise ValueError(f"unknown format {fmt!r}: md, json or csv")


# --- JSON ------------------------------------------------------------------------------


def briefing_json(
    snapshot: Snapshot, statements: Sequence[Statement], since: datetime | None,
    *, now: datetime | None = None,
) -> dict[str, Any]:
    """`status --json`'s snapshot with the chosen statements and the `since` bound."""
    data = snapshot_json(snapshot, now=now)
    data["since"] = since.isoformat() if since else None
    data["statements"] = [statement_json(s) for s in statements]
    return data


# --- CSV -------------------------------------------------------------------------------


def csv_cell(value: object) -> str:
    """A cell as text, controls stripped, with an apostrophe before a would-be formula."""
    text = "" if value is None else strip_controls(str(value))
    return "'" + text if text.startswith(_FORMULA_START) else text


def statements_csv(statements: Iterable[Statement]) -> str:
    """Statements as CSV with a header row (columns: CSV_COLUMNS)."""
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(CSV_COLUMNS)
    for s in statements:
        row = (
            s.time.isoformat() if s.time else "",
            s.actor,
            s.speaker,
            s.kind,
            s.text,
            s.sentence,
            s.source_id,
            safe_link(s.link),
        )
        writer.writerow([csv_cell(v) for v in row])
    return out.getvalue()


# --- Markdown --------------------------------------------------------------------------


def md_text(value: object) -> str:
    """Untrusted text as inert, single-line Markdown (see the module docstring)."""
    text = html.escape(strip_controls("" if value is None else str(value)), quote=False)
    text = text.translate(_MD_ESCAPES)
    return "\\" + text if text.startswith("#") else text


def md_link(url: str | None) -> str:
    """An http(s) link as a Markdown autolink, or "" when it is not a safe link."""
    url = safe_link(url)
    if url is None:
        return ""
    if "<" in url or ">" in url:
        return md_text(url)
    return f"<{url}>"


def _when(value: datetime | None) -> str:
    return value.astimezone(UTC).strftime("%Y-%m-%d %H:%M UTC") if value else "undated"


def _provenance(source: str | None, time: datetime | None) -> str:
    return f"{md_text(source or 'unknown source')}, {_when(time)}"


def _escalation_lines(snapshot: Snapshot, now: datetime) -> list[str]:
    esc = snapshot.escalation
    fresh = freshness_of(snapshot)
    if fresh.no_data:
        return ["## Escalation", "",
                "**Level:** no data: no source has answered yet, so nothing was scored "
                "(see Sources).", ""]
    lines = [
        "## Escalation",
        "",
        f"**Level:** {esc.level} · **Score:** {esc.score:.0f}/100 · **Trend:** {esc.trend}",
        "",
    ]
    stale = fresh.stale_since(now)
    if stale:
        lines += [f"**Stale:** the newest data is {age_text(fresh.last_success, now)} old "
                  f"(stale since {_when(stale)}); see Sources.", ""]
    drivers = sorted(esc.drivers, key=lambda d: abs(d.contribution), reverse=True)
    if drivers:
        lines += ["Top drivers:", ""]
        for d in drivers[:_TOP_DRIVERS]:
            lines.append(
                f"- {md_text(d.hit.cue)} ({d.contribution:+.1f}): “{md_text(d.hit.evidence)}” "
                f"({_provenance(d.hit.source_id, d.hit.time)})"
            )
        lines.append("")
    return lines


def _positions_lines(snapshot: Snapshot) -> list[str]:
    lines = ["## Positions", ""]
    if not snapshot.positions:
        return [*lines, "No positions found yet.", ""]

    def actor(actor_id: str) -> str:
        return md_text(snapshot.actors.get(actor_id, actor_id))

    def topic(topic_id: str) -> str:
        return md_text(snapshot.topics.get(topic_id, topic_id))

    ordered = sorted(snapshot.positions, key=lambda p: (p.actor, p.topic))
    lines += ["| Actor | Topic | Stance | Confidence |", "|---|---|---|---|"]
    for p in ordered:
        changed = " (changed)" if p.changed else ""
        lines.append(
            f"| {actor(p.actor)} | {topic(p.topic)} | {p.stance}{changed} | {p.confidence:.0%} |"
        )
    lines.append("")
    for p in ordered:
        lines.append(f"### {actor(p.actor)} on {topic(p.topic)}: {p.stance}")
        lines.append("")
        for e in p.evidence[:_EVIDENCE_PER_POSITION]:
            where = _provenance(e.source_id, e.time)
            lines.append(f"- {e.stance}: “{md_text(e.evidence)}” ({where})")
        lines.append("")
    return lines


def _recognition_lines(snapshot: Snapshot) -> list[str]:
    rec = snapshot.recognition
    if not rec.subject:
        return []
    lines = [f"## Recognition of {md_text(rec.subject)}", ""]
    if rec.series:
        # each series keeps its own source and date: they are never merged into one number
        lines += ["| Series | Count | Source | As of |", "|---|---|---|---|"]
        for s in rec.series:
            count = f"{s.count}/{s.of}" if s.of else str(s.count)
            cells = (md_text(s.label), count, md_text(s.source), md_text(s.as_of or "?"))
            lines.append("| " + " | ".join(cells) + " |")
        lines.append("")
    for b in rec.blocs:
        missing = ", ".join(md_text(n) for n in b.not_recognizing)
        lines.append(
            f"- {md_text(b.bloc)}: {b.recognizing}/{b.members} recognize"
            + (f" (not: {missing})" if missing else "")
        )
    if rec.blocs:
        lines.append("")
    lines += [
        f"Ledger rows unverified: {rec.unverified_rows} · disputed: {rec.disputed_rows}",
        "",
    ]
    if rec.decisions:
        lines += ["### Analyst decisions (audit trail)", ""]
        for d in rec.decisions:
            what = f"undo, back to {d.status}" if d.undo else d.status
            lines.append(f"- {_when(d.time)}: {md_text(rec.countries.get(d.country, d.country))}"
                         f" ({md_text(d.country)}) {d.change}: {what} (was {d.previous})")
        lines.append("")
    for title, events in (("Pending changes", rec.pending), ("Recent changes", rec.recent)):
        lines += [f"### {title}", ""]
        if not events:
            lines += ["None.", ""]
            continue
        for e in events:
            lines.append(
                f"- {md_text(e.country)} {e.change} ({e.status}): “{md_text(e.evidence)}” "
                f"({_provenance(e.source_id, e.time)})"
            )
        lines.append("")
    return lines


def _statement_lines(
    snapshot: Snapshot, statements: Sequence[Statement], since: datetime | None
) -> list[str]:
    heading = f"## Statements since {_when(since)}" if since else "## Latest statements"
    lines = [heading, ""]
    if not statements:
        return [*lines, "None.", ""]
    for s in statements:
        actor = snapshot.actors.get(s.actor or "", s.actor or "unknown actor")
        link = md_link(s.link)
        lines.append(
            f"- **{md_text(s.speaker)}** ({md_text(actor)}, {s.kind}), "
            f"{_provenance(s.source_id, s.time)}: “{md_text(s.text)}”"
            + (f" {link}" if link else "")
        )
    lines.append("")
    return lines


def _sources_lines(snapshot: Snapshot, now: datetime) -> list[str]:
    fresh = freshness_of(snapshot)
    lines = ["## Sources", "", f"{fresh.sources_ok}/{fresh.sources} sources ok.", ""]
    if not snapshot.sources:
        return lines
    lines += ["| Source | State | Last success | Next run | Items | Error |",
              "|---|---|---|---|---|---|"]
    for v in snapshot.sources:
        h = v.health
        error = h.last_error if h.state in ("error", "postponed") else ""
        last = f"{_when(h.last_success)} ({age_text(h.last_success, now)} ago)" \
            if h.last_success else "never"
        cells = (md_text(v.name or v.id), h.state.replace("_", " "), last,
                 _when(h.next_run) if h.next_run else "-", str(h.items), md_text(error or ""))
        lines.append("| " + " | ".join(cells) + " |")
    lines.append("")
    return lines


def markdown(
    snapshot: Snapshot, statements: Sequence[Statement], since: datetime | None,
    *, now: datetime | None = None,
) -> str:
    """The Markdown briefing: escalation, positions, recognition, statements, sources."""
    now = now or utc_now()
    fresh = freshness_of(snapshot)
    lines = [
        f"# Briefing: {md_text(snapshot.theatre)}",
        "",
        f"As of {_when(snapshot.updated) if snapshot.updated else 'never (no data)'} · "
        f"{snapshot.items} items stored · {fresh.sources_ok}/{fresh.sources} sources ok",
        "",
    ]
    lines += _escalation_lines(snapshot, now)
    lines += _positions_lines(snapshot)
    lines += _recognition_lines(snapshot)
    lines += _statement_lines(snapshot, statements, since)
    lines += _sources_lines(snapshot, now)
    return "\n".join(lines)


__all__ = [
    "CSV_COLUMNS",
    "briefing_json",
    "csv_cell",
    "export",
    "markdown",
    "md_link",
    "md_text",
    "parse_since",
    "select_statements",
    "statements_csv",
]
