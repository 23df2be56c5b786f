"""A read page's text is analysed one line per paragraph (trafilatura's layout)."""

from __future__ import annotations

from pathlib import Path

from dashboard.analysis.analyzer import Analyzer
from dashboard.analysis.article import page_paragraphs
from dashboard.config import load_config

CONFIG = Path(__file__).resolve().parents[2] / "config.toml"
PAGE = ("Northern Courier, Tue, 3 Mar 2026 09:15:00 +0000\n"
        "Serbia has handed KFOR a letter asking to deploy its army in the north, its "
        "defence ministry said.\n"
        "   \n"
        "KFOR said it had received the letter.")


def test_every_line_is_a_paragraph_and_blank_lines_go() -> None:
    assert page_paragraphs(PAGE).split("\n\n") == [
        line for line in PAGE.splitlines() if line.strip()]


def test_a_dateline_does_not_run_into_the_first_sentence() -> None:
    analysis = Analyzer(load_config(CONFIG)).analyse("", page_paragraphs(PAGE))
    first = [s for s in analysis.statements if s.actor == "serbia"]
    assert [s.text for s in first] == [
        "Serbia has handed KFOR a letter asking to deploy its army in the north"]
    assert not any("Courier" in s.text or "2026" in s.text for s in analysis.statements)
