"""Hostile text: any string through the analysis and the display path.

Properties (hypothesis): the analysis never raises and stays within a per-example time
bound, and what the display path renders never carries an escape sequence or markup from
the input. Links other than http(s) are never offered for copying.
"""

from __future__ import annotations

import dataclasses
import time
from io import StringIO
from urllib.parse import urlsplit

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from rich.console import Console

from dashboard.analysis.analyzer import Analyzer
from dashboard.config import load_config
from dashboard.textclean import clean_text, safe_link, strip_controls
from tests.reliability.conftest import REPO
from widgets.plain_text import clean, plain, truncate

# Pieces an attacker would mix: terminal escapes (CSI, OSC 8 links, OSC 52 clipboard,
# 8-bit CSI), Rich/Textual markup, bidi overrides and isolates, zero-width characters,
# HTML, and the words the analysis looks for, so the hostile text reaches its deep paths.
HOSTILE_PIECES = [
    "\x1b[31m", "\x1b[2J", "\x1b]0;pwned\x07", "\x1b]8;;http://evil/\x1b\\link\x1b]8;;\x1b\\",
    "\x1b]52;c;ZXZpbA==\x07", "\x9b31m", "\x07", "\x00", "\r", "\x7f",
    "[bold red]", "[/]", "[link=file:///etc/passwd]", "[@click=app.quit]x[/]", "\\[", "[",
    "\u202e", "\u202d", "\u2066", "\u2069", "\u200e", "\u061c", "\u200b", "\u200d", "\ufeff",
    "<b>", "</b>", "<script>x</script>", "&lt;", "&amp;", "&#27;", "&#x1b;",
    "Serbia", "Kosovo", "said", "“", "”", '"', "according to", "President Vucic", ".", ":",
    "recognised", "troops", "NATO", " ", "\n",
]
hostile_text = st.lists(
    st.one_of(st.sampled_from(HOSTILE_PIECES), st.text(max_size=20)), max_size=40
).map("".join)


@pytest.fixture(scope="module")
def analyzer() -> Analyzer:
    return Analyzer(load_config(REPO / "config.toml"))


def rendered(value: object) -> str:
    """What Rich writes for the display path's Text of `value` (no terminal styling)."""
    out = StringIO()
    Console(file=out, force_terminal=False, width=100, color_system=None).print(plain(value))
    return out.getvalue()


def assert_inert(shown: str) -> None:
    """No control character (ESC, BEL, C1, ...) nor bidi override left in display text."""
    bad = [ch for ch in shown if (ord(ch) < 32 and ch != "\n") or 0x7F <= ord(ch) <= 0x9F
           or ch in "\u202a\u202b\u202c\u202d\u202e\u2066\u2067\u2068\u2069"]
    assert not bad, f"unsafe characters reach the terminal: {bad!r}"


@settings(max_examples=150, deadline=2000, suppress_health_check=[HealthCheck.too_slow])
@given(title=hostile_text, body=hostile_text)
def test_analysis_never_raises_on_any_text(analyzer, title, body):
    analysis = analyzer.analyse(title, body)
    for statement in analysis.statements:
        assert isinstance(statement.text, str)


@settings(max_examples=200, deadline=1000)
@given(text=hostile_text)
def test_display_path_renders_any_text_literally_and_inert(text):
    shown = rendered(clean_text(text))
    assert_inert(shown)
    shown_raw = rendered(text)  # even text that skipped the fetching layer's cleaning
    assert_inert(shown_raw)
    # markup is never interpreted: every bracket that survives cleaning is printed
    assert shown_raw.count("[") == clean(text).count("[")
    assert plain(text).spans == []
    assert_inert(truncate(text, 30))
    assert_inert(strip_controls(text))


@settings(max_examples=100, deadline=1000)
@given(text=hostile_text)
def test_clean_text_output_is_one_line_and_idempotent_for_display(text):
    once = clean_text(text)
    assert "\n" not in once and "\x1b" not in once
    assert clean(once) == once  # the display strip finds nothing left to remove


def one_line(size: int) -> str:
    return ("Serbia said \x1b[31m“troops [bold]must\u202e go” " * (size // 40 + 1))[:size]


def assert_found_serbia(analysis) -> None:
    """The long line's repeated "Serbia said “troops ... go”" is still read as Serbia's."""
    assert analysis.statements, "a line full of 'Serbia said' gave no statement"
    assert {s.actor for s in analysis.statements} == {"serbia"}
    assert all("troops" in s.text for s in analysis.statements)


def test_a_one_megabyte_single_line_is_cleaned_and_shown_inert(analyzer):
    line = one_line(1_000_000)
    cleaned = clean_text(line)
    assert "\x1b" not in cleaned and "\u202e" not in cleaned
    assert_inert(rendered(line))
    analysis = analyzer.analyse(line[:200], line[:100_000])  # pytest-timeout bounds it
    assert_found_serbia(analysis)


@pytest.mark.slow
def test_a_one_megabyte_single_line_is_analysed(analyzer):
    started = time.perf_counter()
    analysis = analyzer.analyse(one_line(200), one_line(1_000_000))
    print(f"1 MB single line analysed in {time.perf_counter() - started:.1f} s")
    assert_found_serbia(analysis)


def test_display_strip_leaves_only_encodable_text():
    assert clean("a\ud800b\u061cc").encode("utf-8")
    assert "\u061c" not in clean("a\u061cc")


@settings(max_examples=300, deadline=500)
@given(scheme=st.sampled_from(["javascript", "file", "data", "ftp", "mailto", "ssh", "vbscript",
                               "JAVASCRIPT", "http", "https", "HTTPS", ""]),
       rest=st.text(max_size=40))
def test_only_http_links_are_ever_offered_for_copying(scheme, rest):
    link = f"{scheme}:{rest}" if scheme else rest
    checked = safe_link(link)  # the one check the parser, the export and the copy key share
    if checked is not None:
        assert checked.lower().startswith(("http://", "https://")), checked
        assert urlsplit(checked).netloc, checked  # a host to go to, not "http:///etc"
        assert_inert(checked)
        assert not any(ch.isspace() for ch in checked.strip())


HOSTILE_LINKS = [
    "javascript:alert(1)", "file:///etc/passwd", "data:text/html,<script>", " ftp://x/y",
    "http://ok.example/\x1b]52;c;ZXZpbA==\x07", "https://ok.example/\u202eexe.txt",
    "http://", "http:///etc/passwd",  # no host: the display once accepted these
]


async def test_the_copy_action_refuses_hostile_links():
    from tests.app.conftest import FakeStore, make_statements
    from tests.app.test_keys import make_app, settle

    statements = [dataclasses.replace(s, link=link)
                  for s, link in zip(make_statements(len(HOSTILE_LINKS)), HOSTILE_LINKS,
                                     strict=True)]
    app = make_app(FakeStore(statements))
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(app, pilot)
        refusals = 0
        for _ in HOSTILE_LINKS:
            await pilot.press("c")
            assert app.clipboard == ""
            refusals += app.notes[-1] == "Refused to copy a link that is not http(s)."
            app.notes.clear()
            await pilot.press("down")
        assert refusals == len(HOSTILE_LINKS)
