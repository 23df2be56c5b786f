"""Briefings in each format from a hand-built snapshot; since filtering; injection guards."""

from __future__ import annotations

import csv
import io
from datetime import UTC, datetime, timedelta

import orjson
import pytest
from markdown_it import MarkdownIt

from dashboard.export import csv_cell, export, md_text, parse_since
from dashboard.models import (
    BlocCount,
    CueHit,
    Driver,
    Escalation,
    Freshness,
    Position,
    Recognition,
    RecognitionEvent,
    Series,
    Snapshot,
    StanceEvidence,
    Statement,
)
from dashboard.report import escalation_json, snapshot_json

NOW = datetime(2026, 11, 26, 18, 0, tzinfo=UTC)
HOSTILE = (
    "[click](http://evil.example/x) ![img](http://evil.example/i.png) "
    "<img src=x onerror=alert(1)> <script>alert(1)</script> <http://evil.example/auto> "
    "| cell | `code` *bold* \x1b[31mred\x1b]8;;http://evil.example\x07\nline\r# Injected"
)


def statement(text, *, hours_ago=1.0, speaker="Aleksandar Vučić", actor="serbia", item="i1",
              link="https://news.example/a1") -> Statement:
    return Statement(
        speaker=speaker, actor=actor, kind="direct", text=text,
        sentence=f'"{text}," {speaker} said.', item_id=item, source_id="tanjug",
        time=NOW - timedelta(hours=hours_ago), link=link,
    )


def snapshot(**changes) -> Snapshot:
    hit = CueHit("troops-moved", 3.0, "Troops moved to the line near Jarinje.",
                 source_id="rferl", time=NOW - timedelta(hours=2))
    evidence = StanceEvidence("usa", "forces-return", "oppose",
                              "Washington opposes the return of Serbian forces.",
                              source_id="voa", time=NOW - timedelta(hours=3))
    fields = dict(
        theatre="Serbia–Kosovo",
        items=42,
        statements=(),
        positions=(Position("usa", "forces-return", "oppose", 0.8, (evidence,)),),
        recognition=Recognition(
            subject="Kosovo",
            series=(
                Series("mfa", "Kosovo MFA", 117, None, "mfa-ks.net", "2024-01"),
                Series("un", "UN members", 104, 193, "ledger (derived)", "2025-06"),
            ),
            blocs=(BlocCount("EU", 22, 27, ("Spain", "Greece")),),
            pending=(RecognitionEvent("ALB", "recognized", "Albania is said to recognize.",
                                      source_id="rferl", time=NOW),),
            recent=(RecognitionEvent("TGO", "withdrawn", "Togo withdrew recognition.",
                                     source_id="b92", time=NOW - timedelta(days=3),
                                     status="confirmed"),),
            unverified_rows=4,
            disputed_rows=7,
        ),
        escalation=Escalation(72.4, "high", "rising", drivers=(Driver(hit, 2.5),)),
        sources=(),
        actors={"serbia": "Serbia", "usa": "United States"},
        topics={"forces-return": "Return of Serbian forces"},
        updated=NOW,
        # fresh whenever the test runs: staleness has tests of its own
        freshness=Freshness(sources_ok=1, sources=1, last_success=NOW,
                            stale_after=datetime.max.replace(tzinfo=UTC)),
    )
    fields.update(changes)
    return Snapshot(**fields)


STATEMENTS = (
    statement("We will not accept this", hours_ago=1, item="new"),
    statement("An old remark", hours_ago=30, item="old"),
    Statement("Anon", None, "reported", "undated words", "undated words.", item_id="undated"),
)


def test_markdown_has_every_panel_with_provenance():
    text = export(snapshot(), fmt="md", since=None, statements=STATEMENTS)
    assert text.startswith("# Briefing: Serbia–Kosovo")
    assert "2026-11-26 18:00 UTC" in text
    assert "**Level:** high · **Score:** 72/100 · **Trend:** rising" in text
    assert "Troops moved to the line near Jarinje." in text and "rferl" in text
    assert "| United States | Return of Serbian forces | oppose | 80% |" in text
    assert "Washington opposes the return of Serbian forces.” (voa, 2026-11-26 15:00 UTC)" in text
    # two series, each with its own count and source: never summed
    assert "| Kosovo MFA | 117 | mfa-ks.net | 2024-01 |" in text
    assert "| UN members | 104/193 | ledger (derived) | 2025-06 |" in text
    assert str(117 + 104) not in text
    assert "EU: 22/27 recognize (not: Spain, Greece)" in text
    assert "unverified: 4 · disputed: 7" in text
    assert "ALB recognized (pending)" in text and "TGO withdrawn (confirmed)" in text
    assert "**Aleksandar Vučić** (Serbia, direct), tanjug" in text
    assert "<https://news.example/a1>" in text
    assert text.index("We will not accept this") < text.index("An old remark")


def test_since_filters_statements_in_every_format():
    since = NOW - timedelta(hours=24)
    md = export(snapshot(), fmt="md", since=since, statements=STATEMENTS)
    assert "We will not accept this" in md
    assert "An old remark" not in md and "undated words" not in md
    assert "Statements since 2026-11-25 18:00 UTC" in md

    data = orjson.loads(export(snapshot(), fmt="json", since=since, statements=STATEMENTS))
    assert [s["item"] for s in data["statements"]] == ["new"]
    assert data["since"] == since.isoformat()

    rows = list(csv.reader(io.StringIO(
        export(snapshot(), fmt="csv", since=since, statements=STATEMENTS))))
    assert [r[4] for r in rows[1:]] == ["We will not accept this"]

    everything = orjson.loads(export(snapshot(), fmt="json", since=None, statements=STATEMENTS))
    assert [s["item"] for s in everything["statements"]] == ["new", "old", "undated"]


def test_json_is_the_status_snapshot_with_the_chosen_statements():
    snap = snapshot()
    data = orjson.loads(export(snap, fmt="json", since=None, statements=STATEMENTS[:1]))
    expected = orjson.loads(orjson.dumps(snapshot_json(snap)))
    assert set(data) == set(expected) | {"since"}
    assert data["escalation"] == expected["escalation"]
    assert data["escalation"] == {**orjson.loads(orjson.dumps(escalation_json(snap.escalation))),
                                  "stale_since": None}
    assert data["recognition"] == expected["recognition"]
    assert data["statements"][0]["text"] == "We will not accept this"
    assert data["statements"][0]["link"] == "https://news.example/a1"


def test_csv_has_the_columns_and_round_trips_awkward_text():
    awkward = 'He said "no, never", then left'
    out = export(snapshot(), fmt="csv", since=None, statements=[statement(awkward)])
    header, row = list(csv.reader(io.StringIO(out)))
    assert header == ["time", "actor", "speaker", "kind", "text", "sentence", "source", "link"]
    assert row == [
        (NOW - timedelta(hours=1)).isoformat(), "serbia", "Aleksandar Vučić", "direct",
        awkward, f'"{awkward}," Aleksandar Vučić said.', "tanjug", "https://news.example/a1",
    ]


@pytest.mark.parametrize("start", ["=", "+", "-", "@"])
def test_csv_guards_formula_injection(start):
    payload = f'{start}HYPERLINK("http://evil.example","x")'
    out = export(snapshot(), fmt="csv", since=None,
                 statements=[statement(payload, speaker=f"{start}1+1")])
    _, row = list(csv.reader(io.StringIO(out)))
    assert row[4] == "'" + payload
    assert row[2] == f"'{start}1+1"
    assert all(not cell.startswith(("=", "+", "-", "@")) for cell in row)


def test_csv_cell_keeps_ordinary_text_and_drops_controls():
    assert csv_cell("plain, text") == "plain, text"
    # a leading control or tab cannot hide a formula: it is stripped before the check
    assert csv_cell("\x07=cmd") == "'=cmd"
    assert csv_cell("\x1b[0m=cmd") == "'=cmd"  # a whole escape sequence goes first
    assert csv_cell("\t @SUM(A1)") == "'@SUM(A1)"
    assert csv_cell(None) == ""


def _render(text: str):
    """Parse the briefing like a renderer would (CommonMark + tables)."""
    tokens = MarkdownIt("commonmark").enable("table").parse(text)
    inline = [c for t in tokens for c in (t.children or [])]
    return tokens, inline


def test_markdown_untrusted_text_cannot_inject_links_images_html_or_headings():
    hostile_statement = statement(HOSTILE, speaker=f"# {HOSTILE}", link="javascript:alert(1)")
    hostile = snapshot(theatre=HOSTILE)
    clean = export(snapshot(), fmt="md", since=None, statements=[statement("fine")])
    text = export(hostile, fmt="md", since=None, statements=[hostile_statement])

    tokens, inline = _render(text)
    clean_tokens, clean_inline = _render(clean)
    assert not any(c.type in ("image", "html_inline") for c in inline)
    assert not any(t.type == "html_block" for t in tokens)
    assert not any(c.type == "link_open" for c in inline)  # javascript: link dropped too
    assert [t.tag for t in tokens if t.type == "heading_open"] == [
        t.tag for t in clean_tokens if t.type == "heading_open"
    ]
    # the same tables (no extra cells from "|"): one row per position, one per series
    assert sum(t.type == "td_open" for t in tokens) == sum(
        t.type == "td_open" for t in clean_tokens
    )
    assert "\x1b" not in text and "\x07" not in text and "\r" not in text
    assert "<script>" not in text and "&lt;script&gt;" in text
    assert len(clean_inline) > 0


def test_markdown_text_keeps_the_words_visible():
    rendered = MarkdownIt("commonmark").renderInline(md_text("a [b](c) *d* <e> | f"))
    assert rendered == "a [b](c) *d* &lt;e&gt; | f"
    assert md_text("# title").startswith("\\#")


def test_parse_since_uses_config_durations():
    assert parse_since("24h", now=NOW) == NOW - timedelta(hours=24)
    assert parse_since("1h30m", now=NOW) == NOW - timedelta(minutes=90)
    with pytest.raises(ValueError):
        parse_since("yesterday", now=NOW)


def test_unknown_format_is_an_error():
    with pytest.raises(ValueError):
        export(snapshot(), fmt="xml", since=None, statements=())  # type: ignore[arg-type]


def test_markdown_lists_the_analysts_decisions():
    from dataclasses import replace

    from dashboard.models import Decision

    snap = snapshot()
    rec = replace(snap.recognition, countries={"ALB": "Albania"}, decisions=(
        Decision(NOW, "ALB:recognized", "pending", "confirmed", undo=True),
        Decision(NOW - timedelta(hours=1), "ALB:recognized", "confirmed", "pending")))
    text = export(replace(snap, recognition=rec), fmt="md", since=None, statements=())
    part = text.split("### Analyst decisions (audit trail)", 1)[1]
    assert "2026-11-26 18:00 UTC: Albania (ALB) recognized: undo, back to pending" in part
    assert "2026-11-26 17:00 UTC: Albania (ALB) recognized: confirmed (was pending)" in part
