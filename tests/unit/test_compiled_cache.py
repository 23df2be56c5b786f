"""The cache of compiled lexicons: a build is reused only for the same inputs, and a
cache that cannot be used changes nothing but the time (real files in tmp_path)."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from dashboard.analysis import cameo
from dashboard.analysis.compiled import cache_dir, cached


class Built:
    def __init__(self, value: str):
        self.value = value


@pytest.fixture
def folder(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    monkeypatch.setenv("FLASHPOINT_CACHE_DIR", str(tmp_path / "cache"))
    return tmp_path / "cache"


def _build(calls: list[str], value: str):
    def build() -> Built:
        calls.append(value)
        return Built(value)
    return build


def test_the_same_inputs_load_the_kept_build(folder: Path) -> None:
    calls: list[str] = []
    first = cached("x", ["data", b"code"], _build(calls, "a"), Built)
    again = cached("x", ["data", b"code"], _build(calls, "b"), Built)
    assert (first.value, again.value, calls) == ("a", "a", ["a"])
    assert len(list(folder.glob("x-*.pickle"))) == 1


def test_changed_inputs_build_again_and_only_the_newest_builds_are_kept(folder: Path) -> None:
    calls: list[str] = []
    written: list[Path] = []
    for n in range(6):
        before = set(folder.glob("x-*.pickle"))
        cached("x", [f"data{n}", b"code"], _build(calls, f"v{n}"), Built)
        (new,) = set(folder.glob("x-*.pickle")) - before
        os.utime(new, (1000 + n, 1000 + n))  # written in this order, whatever the clock
        written.append(new)
    assert calls == [f"v{n}" for n in range(6)]
    assert sorted(folder.glob("x-*.pickle")) == sorted(written[-4:])
    # the newest is read back: another version's builds do not push it out
    assert cached("x", ["data5", b"code"], _build(calls, "again"), Built).value == "v5"


def test_a_killed_writers_leftover_is_removed_when_old(folder: Path) -> None:
    folder.mkdir(parents=True)
    old, fresh = folder / ".x-old", folder / ".x-fresh"
    old.write_bytes(b"half")
    fresh.write_bytes(b"half")
    os.utime(old, (0, 0))
    cached("x", ["data"], _build([], "a"), Built)
    assert not old.exists() and fresh.exists()  # a fresh one may be a writer at work


def test_a_corrupt_file_is_rebuilt(folder: Path) -> None:
    calls: list[str] = []
    cached("x", ["data"], _build(calls, "a"), Built)
    (path,) = folder.glob("x-*.pickle")
    path.write_bytes(b"\x80\x05not a pickle")
    assert cached("x", ["data"], _build(calls, "b"), Built).value == "b"
    assert cached("x", ["data"], _build(calls, "c"), Built).value == "b"  # kept again


def test_an_unwritable_cache_still_builds(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    blocker = tmp_path / "file"
    blocker.write_text("not a directory")
    monkeypatch.setenv("FLASHPOINT_CACHE_DIR", str(blocker / "cache"))
    calls: list[str] = []
    assert cached("x", ["data"], _build(calls, "a"), Built).value == "a"
    assert cached("x", ["data"], _build(calls, "b"), Built).value == "b"
    assert not (blocker / "cache").exists()


def test_an_empty_setting_turns_the_cache_off(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("FLASHPOINT_CACHE_DIR", "")
    assert cache_dir() is None


def test_the_cached_event_lexicon_matches_what_a_fresh_build_matches(folder: Path) -> None:
    cameo.load_lexicon.cache_clear()
    try:
        built = cameo.load_lexicon()  # built and written
        cameo.load_lexicon.cache_clear()
        loaded = cameo.load_lexicon()  # read back
    finally:
        cameo.load_lexicon.cache_clear()
    assert loaded is not built and len(list(folder.glob("cameo-*.pickle"))) == 1
    assert loaded.size == built.size and loaded._by_verb == built._by_verb
    assert loaded._filed == built._filed and loaded._synsets == built._synsets
    assert os.environ["FLASHPOINT_CACHE_DIR"] == str(folder)
