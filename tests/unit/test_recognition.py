"""Recognition: events detected in text, and a summary that keeps contested counts apart."""

from __future__ import annotations

from dataclasses import replace
from datetime import UTC, datetime, timedelta

import pytest

from dashboard.analysis.ledger import country_index, load_blocs, load_ledger, load_series
from dashboard.analysis.recognition import RecognitionDetector, ledger_date, summarize
from dashboard.analysis.text import split_paragraphs, split_sentences
from dashboard.models import RecognitionEvent
from tests.conftest import shared_path

SUBJECT = ("Kosovo", "Republic of Kosovo")
T0 = datetime(2026, 2, 1, tzinfo=UTC)


@pytest.fixture(scope="module")
def rows():
    return load_ledger("kosovo-recognition.csv")


@pytest.fixture(scope="module")
def countries(rows):
    return country_index(rows)


@pytest.fixture(scope="module")
def detector(countries):
    return RecognitionDetector(SUBJECT, countries)  # the analyzer's own


@pytest.mark.parametrize(
    ("sentence", "expected"),
    [
        ("Spain recognizes Kosovo.", {("ESP", "recognized")}),
        ("The Bahamas has formally recognised the independence of Kosovo.",
         {("BHS", "recognized")}),
        ("Kosovo was recognized by Kenya and Sudan on Monday.",
         {("KEN", "recognized"), ("SDN", "recognized")}),
        ("Serbia says Togo has withdrawn its recognition of Kosovo.", {("TGO", "withdrawn")}),
        ("Ghana, Togo and Suriname revoked their recognition of Kosovo, Belgrade said.",
         {("GHA", "withdrawn"), ("TGO", "withdrawn"), ("SUR", "withdrawn")}),
        ("Sierra Leone suspends recognition of Kosovo.", {("SLE", "withdrawn")}),
        ("Ukraine and Russia did not recognize the independence of Kosovo.",
         {("UKR", "not_recognized"), ("RUS", "not_recognized")}),
        ("The US recognizes Kosovo.", {("USA", "recognized")}),
        ("Spain refuses to recognise Kosovo.", {("ESP", "not_recognized")}),
        # no event
        ("Spain is expected to recognize Kosovo soon.", set()),
        ("Ghana has not withdrawn its recognition of Kosovo.", set()),
        ("Spain recognizes the problem.", set()),
        ("us and them recognize Kosovo", set()),  # "us" is not the US
        ("Spain recognizes Serbia.", set()),
        ("Kenya's recognition of Kosovo was welcomed in Pristina.", set()),
    ],
)
def test_detect_recognition(sentence: str, expected: set, detector) -> None:
    events = detector.detect(sentence)
    assert {(e.country, e.change) for e in events} == expected
    assert all(e.evidence == sentence and e.status == "pending" for e in events)


def test_seed_article_reports_two_non_recognizers(detector) -> None:
    seed = shared_path("samples", "kfor-request.txt")
    found = set()
    for paragraph in split_paragraphs(seed.read_text(encoding="utf-8")):
        for sentence in split_sentences(paragraph):
            found |= {(e.country, e.change)
                      for e in detector.detect(sentence)}
    assert {("UKR", "not_recognized"), ("RUS", "not_recognized")} <= found
    assert not any(change == "withdrawn" for _, change in found)


def event(country: str, change: str, source: str, days: float = 0, status: str = "pending"):
    return RecognitionEvent(country, change, f"{country} {change} per {source}",  # type: ignore[arg-type]
                            source_id=source, time=T0 + timedelta(days=days),
                            status=status)  # type: ignore[arg-type]


def run(rows, events=(), confirmations=2, recent=12):
    return summarize(rows, load_series("kosovo-series.toml"), load_blocs("blocs.toml"),
                     list(events), confirmations=confirmations, subject="Kosovo",
                     recent=recent)


def counts(rec) -> dict[str, int]:
    return {s.id: s.count for s in rec.series}


def test_series_stay_separate_with_provenance(rows) -> None:
    rec = run(rows)
    got = counts(rec)
    assert got["claimed"] == 121 and got["un-members"] == 119
    assert got["withdrawals-claimed"] == 27 and got["not-recognizing"] == 74
    assert got["independent"] == 104
    assert all(s.source and s.as_of for s in rec.series)
    assert rec.subject == "Kosovo"
    assert rec.unverified_rows > 100 and rec.disputed_rows >= 29


def test_blocs_name_the_non_recognizers(rows) -> None:
    blocs = {b.bloc: b for b in run(rows).blocs}
    assert (blocs["EU"].recognizing, blocs["EU"].members) == (22, 27)
    assert set(blocs["EU"].not_recognizing) == {"Spain", "Greece", "Romania", "Slovakia",
                                                "Cyprus"}
    assert (blocs["NATO"].recognizing, blocs["NATO"].members) == (28, 32)
    assert (blocs["G20"].recognizing, blocs["G20"].members) == (11, 19)
    assert blocs["UNSC permanent"].recognizing == 3
    assert "Palestine" in blocs["OIC"].not_recognizing
    assert any(n.endswith("(withdrawal claimed)") for n in blocs["OIC"].not_recognizing)


def test_one_source_leaves_a_change_pending(rows) -> None:
    rec = run(rows, [event("ESP", "recognized", "a"), event("ESP", "recognized", "a", 1)])
    assert counts(rec)["claimed"] == 121
    assert [(e.key, e.status) for e in rec.pending] == [("ESP:recognized", "pending")]
    assert rec.pending[0].time == T0 + timedelta(days=1)  # the newest report stands for all


def test_independent_sources_confirm_a_change(rows) -> None:
    rec = run(rows, [event("ESP", "recognized", "a"), event("ESP", "recognized", "b", 1)])
    got = counts(rec)
    assert (got["claimed"], got["un-members"], got["not-recognizing"]) == (122, 120, 73)
    assert got["independent"] == 104  # a published figure stays as published
    assert rec.pending == ()
    assert rec.recent[0].country == "ESP" and rec.recent[0].status == "confirmed"
    eu = next(b for b in rec.blocs if b.bloc == "EU")
    assert eu.recognizing == 23 and "Spain" not in eu.not_recognizing
    claimed = next(s for s in rec.series if s.id == "claimed")
    assert "confirmed change" in claimed.source and claimed.as_of == "2026-02-02"


def test_the_analyst_confirms_or_rejects(rows) -> None:
    confirmed = run(rows, [event("GHA", "withdrawn", "a", status="confirmed")])
    assert counts(confirmed)["withdrawals-claimed"] == 27  # Ghana's withdrawal is claimed already
    confirmed = run(rows, [event("DEU", "withdrawn", "a", status="confirmed")])
    assert counts(confirmed)["withdrawals-claimed"] == 28
    assert counts(confirmed)["claimed"] == 121  # Kosovo still counts claimed withdrawals
    rejected = run(rows, [event("DEU", "withdrawn", s) for s in "abc"]
                   + [event("DEU", "withdrawn", "d", status="rejected")])
    assert counts(rejected)["withdrawals-claimed"] == 27
    assert rejected.pending == ()


def test_changes_that_change_nothing_are_not_pending(rows) -> None:
    rec = run(rows, [event("USA", "recognized", "a"), event("RUS", "not_recognized", "b"),
                     event("XXX", "recognized", "c")])
    assert rec.pending == ()
    assert counts(rec) == counts(run(rows))


def test_later_confirmed_change_wins(rows) -> None:
    rec = run(rows, [event("ESP", "recognized", "a", 0, "confirmed"),
                     event("ESP", "withdrawn", "b", 5, "confirmed")])
    assert counts(rec)["withdrawals-claimed"] == 28
    assert [e.change for e in rec.recent[:2]] == ["withdrawn", "recognized"]


def test_recent_lists_dated_rows_newest_first(rows) -> None:
    rec = run(rows)
    times = [e.time for e in rec.recent]
    assert times == sorted(times, reverse=True)
    assert rec.recent[0].country == "BHS"  # 2025-12-19, the newest dated row
    assert len(rec.recent) == 12
    assert rec == run(rows)  # deterministic


def test_confirmations_threshold_is_configurable(rows) -> None:
    one = run(rows, [event("ESP", "recognized", "a")], confirmations=1)
    assert counts(one)["claimed"] == 122
    three = run(rows, [event("ESP", "recognized", s) for s in "ab"], confirmations=3)
    assert counts(three)["claimed"] == 121 and len(three.pending) == 1


@pytest.mark.parametrize(
    ("cell", "expected"),
    [("2025-12-19", datetime(2025, 12, 19, tzinfo=UTC)),
     ("claimed 2019-11 (17th)", datetime(2019, 11, 1, tzinfo=UTC)),
     ("note 2019-06-28; re-announced 2023-01-16", datetime(2023, 1, 16, tzinfo=UTC)),
     ("", None), (None, None), ("2019-13", None)],
)
def test_ledger_date(cell, expected) -> None:
    assert ledger_date(cell) == expected


def test_events_without_time_sort_oldest(rows) -> None:
    undated = replace(event("ESP", "recognized", "a", status="confirmed"), time=None)
    rec = run(rows, [undated])
    assert counts(rec)["claimed"] == 122


def test_a_claimed_withdrawal_reads_claimed_once(rows) -> None:
    withdrawals = [e for e in run(rows, recent=400).recent if e.change == "withdrawn"]
    assert withdrawals, "the ledger has dated claimed withdrawals"
    for e in withdrawals:
        assert "claimed claimed" not in e.evidence
    assert any("withdrawn claimed 20" in e.evidence or "withdrawn claimed by 20" in e.evidence
               for e in withdrawals)


def test_the_summary_names_the_ledger_countries(rows) -> None:
    names = run(rows).countries
    assert names["GRC"] == "Greece" and names["SRB"] == "Serbia"
