"""Folding, paragraph and sentence splitting, and negation."""

from __future__ import annotations

import pytest

from dashboard.analysis.text import (
    fold,
    fold_with_offsets,
    is_negated,
    quote_spans,
    split_paragraphs,
    split_sentences,
)


@pytest.mark.parametrize(
    ("raw", "folded"),
    [("Vučić", "vucic"), ("Đurić", "djuric"), ("ĐURIĆ", "djuric"), ("Straße", "strasse"),
     ("Gervalla-Schwarz", "gervalla-schwarz"), ("PRISHTINË", "prishtine")],
)
def test_fold_is_accent_and_case_insensitive(raw: str, folded: str) -> None:
    assert fold(raw) == folded


def test_fold_offsets_point_back_to_the_original() -> None:
    text = "Marko Đurić said"
    folded, offsets = fold_with_offsets(text)
    assert offsets is not None  # "đ" became two letters
    start = folded.index("djuric")
    end = start + len("djuric")
    assert text[offsets[start] : offsets[end - 1] + 1] == "Đurić"


def test_fold_offsets_are_skipped_when_nothing_moves() -> None:
    assert fold_with_offsets("“Vučić” said")[1] is None


def test_paragraphs_split_on_blank_lines_and_on_lines_that_end_sentences() -> None:
    text = "First para line one\ncontinues here.\n\nSecond para.\nThird para.\n"
    assert split_paragraphs(text) == [
        "First para line one continues here.", "Second para.", "Third para."
    ]


@pytest.mark.parametrize(
    ("paragraph", "sentences"),
    [
        ("Mr. Smith met Gen. Jones. He left.", ["Mr. Smith met Gen. Jones.", "He left."]),
        ("The U.S. envoy arrived. He spoke.", ["The U.S. envoy arrived.", "He spoke."]),
        ("It came from the U.S. The talks ended.",
         ["It came from the U.S.", "The talks ended."]),
        ("John F. Kennedy spoke. Then he left.", ["John F. Kennedy spoke.", "Then he left."]),
        ("It ended in 2008.. Serbia objected.", ["It ended in 2008..", "Serbia objected."]),
        ("He said no. Then he left.", ["He said no.", "Then he left."]),
        ("See No. 5 below. Fine.", ["See No. 5 below.", "Fine."]),
        ('“We are ready. We wait,” he said. Next.', ['“We are ready. We wait,” he said.', "Next."]),
        ('He said: "It is over." She agreed.', ['He said: "It is over."', "She agreed."]),
        ("Is it? yes it is.", ["Is it? yes it is."]),
    ],
)
def test_sentences(paragraph: str, sentences: list[str]) -> None:
    assert split_sentences(paragraph) == sentences


def test_an_unmatched_quote_does_not_swallow_the_paragraph() -> None:
    text = "“Opened and never closed. " + "Another sentence here. " * 100
    assert len(split_sentences(text)) == 101


def test_quote_spans_pair_curly_and_straight_marks() -> None:
    text = 'A “b c” d "e f" g “h'
    assert [text[a:b] for a, b in quote_spans(text)] == ["“b c”", '"e f"']


@pytest.mark.parametrize(
    ("sentence", "phrase", "negated"),
    [
        ("no clashes were reported", "clashes", True),
        ("clashes were reported", "clashes", False),
        ("serbia did not send troops", "send troops", True),
        ("belgrade refuses to withdraw", "withdraw", True),
        ("it won't deploy", "deploy", True),
        ("no talks. troops deployed", "troops", False),
        ("not that far from the long and winding border troops", "troops", False),
    ],
)
def test_is_negated(sentence: str, phrase: str, negated: bool) -> None:
    start = sentence.index(phrase)
    assert is_negated(sentence, start, start + len(phrase)) is negated
