"""Stances and escalation on real news passages must not fall below the best reached.

The floors are the figures score_dev.py printed for the dev set at the last improvement
(two decimals, as it prints them). Raise a floor when the analysis improves; a change that
lowers a figure fails here and must be understood, not floored away. Stance recall also
depends on the statements (a stance is often credited to the speaker).
"""

from __future__ import annotations

import pytest

FLOORS = {
    "stance-recall": 0.72,
    "stance-precision": 0.94,
    "escalation-sign": 0.92,
}


@pytest.mark.parametrize("figure", sorted(FLOORS))
def test_dev_stance_and_escalation_figure_holds_its_floor(
    dev_scores: dict[str, float], figure: str
) -> None:
    assert dev_scores[figure] >= FLOORS[figure], (
        f"{figure} fell to {dev_scores[figure]:.2f} (floor {FLOORS[figure]:.2f}); "
        "run `python -m support.devset --show` to see the misses"
    )
