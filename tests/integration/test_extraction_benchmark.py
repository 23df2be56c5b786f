"""The article-extraction benchmark through the project's own path (slow: `pytest -m slow`).

181 real pages with hand-marked bodies (../shared/corpora/article-extraction-benchmark),
served from loopback servers, read by PageFetcher and extracted in the parse workers;
scored with the benchmark's metric (bench/extraction.py). The figures are printed by
`python -m bench.extraction`.
"""

from __future__ import annotations

import pytest

from bench import extraction


@pytest.mark.slow
@pytest.mark.timeout(900)
def test_extraction_f1_on_the_benchmark_is_at_least_095():
    if not extraction.CORPUS.is_dir():
        pytest.skip(f"{extraction.CORPUS} is missing")
    result = extraction.accuracy()
    assert result["pages"] == 181
    assert result["f1"] >= 0.95, result


def test_the_metric_scores_what_it_should():
    assert extraction.precision_recall("", "") == (1.0, 1.0)
    assert extraction.precision_recall("a b c d e", "a b c d e") == (1.0, 1.0)
    p, r = extraction.precision_recall("a b c d", "a b c d e f g h")
    assert (p, r) == (1.0, 0.2)  # 1 of 5 true shingles found, nothing wrong
    assert extraction.f1([(1.0, 0.2), (0.0, 0.0)])[2] == pytest.approx(2 * 0.5 * 0.1 / 0.6)
