"""The bundled recognition data: ledger, series, blocs and aliases parse and agree."""

from __future__ import annotations

import collections
from pathlib import Path

import pytest

from dashboard.analysis.ledger import (
    country_index,
    load_blocs,
    load_ledger,
    load_series,
    parse_ledger,
)
from tests.conftest import shared_path

DATA = Path(__file__).parents[2] / "dashboard" / "data"


@pytest.fixture(scope="module")
def rows():
    return load_ledger("kosovo-recognition.csv")


def test_bundled_ledger_is_the_reference_copy_unchanged() -> None:
    reference = shared_path("data", "kosovo-recognition.csv")
    assert (DATA / "kosovo-recognition.csv").read_bytes() == reference.read_bytes()


def test_ledger_counts_match_its_readme(rows) -> None:
    counts = collections.Counter((r.un_member, r.status) for r in rows)
    assert counts[(True, "recognized")] == 92
    assert counts[(True, "withdrawn_claimed")] == 27
    assert counts[(True, "not_recognized")] == 74
    assert {r.iso3 for r in rows if not r.un_member} == {"COK", "NIU", "TWN"}
    assert len({r.iso3 for r in rows}) == len(rows) == 196


def test_provenance_flags_fit_the_csv(rows) -> None:
    by_iso = {r.iso3: r for r in rows}
    assert by_iso["AND"].unverified  # date from the Wikipedia list
    assert by_iso["DZA"].unverified  # derived by exclusion
    assert not by_iso["BHS"].unverified  # sourced
    assert by_iso["VUT"].disputed and by_iso["SEN"].disputed
    assert all(r.disputed for r in rows if r.status == "withdrawn_claimed")
    assert not by_iso["DEU"].disputed
    assert sum(r.unverified for r in rows) > 100  # most rows are not primary-sourced


def test_loading_by_path_equals_loading_by_name(rows) -> None:
    assert load_ledger(str(DATA / "kosovo-recognition.csv")) == rows


def test_a_bad_status_names_its_line() -> None:
    text = "country,iso3,un_member,status,date,note,source\nX,XXX,yes,maybe,,,\n"
    with pytest.raises(ValueError, match="line 2: status 'maybe'"):
        parse_ledger(text)


def test_counted_series_match_their_published_figures(rows) -> None:
    series = load_series("kosovo-series.toml")
    assert len({s.id for s in series}) == len(series)
    assert all(s.source and s.as_of for s in series)  # provenance on every series
    for s in series:
        if s.counted and s.figure is not None:
            counted = sum(1 for r in rows if r.status in s.statuses
                          and (r.un_member or not s.un_only) and r.iso3 not in s.exclude)
            assert counted == s.figure, s.id


def test_blocs_have_their_sizes_and_known_members(rows) -> None:
    blocs = load_blocs("blocs.toml")
    sizes = {b: len(v.members) + len(v.outside) for b, v in blocs.items()}
    assert sizes == {"EU": 27, "NATO": 32, "G20": 19, "UNSC-P5": 5, "OIC": 57}
    assert blocs["G20"].non_state == ("European Union", "African Union")
    known = {r.iso3 for r in rows}
    for bloc in blocs.values():
        assert set(bloc.members) <= known, bloc.id
        assert len(set(bloc.members)) == len(bloc.members), bloc.id


def test_country_index_has_ledger_names_and_aliases(rows) -> None:
    index = country_index(rows)
    assert index["Spain"] == "ESP"
    assert index["United States"] == index["US"] == index["the United States"] == "USA"
    assert index["UK"] == index["Britain"] == "GBR"
    assert index["Russia"] == "RUS"
    assert index["Democratic Republic of the Congo"] == "COD"
    assert set(index.values()) <= {r.iso3 for r in rows}


def test_country_index_drops_aliases_of_unknown_countries(rows) -> None:
    index = country_index(rows[:3], aliases={"USA": ("US",), rows[0].iso3: ("Alias",)})
    assert "US" not in index
    assert index["Alias"] == rows[0].iso3
