"""The shipped cues read de-escalation as de-escalation, even when it names the escalation.

"the removal of the barricades" holds "barricades"; the longer, leftmost phrase must win.
"""

from pathlib import Path

import pytest

from dashboard.analysis.escalation import CueFinder
from dashboard.analysis.text import Folded
from dashboard.config import load_config

CUES = load_config(Path(__file__).parents[2] / "config.toml").escalation.cues
FINDER = CueFinder(CUES)  # the analyzer's own, over the shipped cues


@pytest.mark.parametrize(
    ("sentence", "expected"),
    [
        ("NATO welcomed the removal of the barricades.", {"withdrawal"}),
        ("The barricades were removed on Sunday.", {"withdrawal"}),
        ("The army's combat readiness had been lowered to its regular level.", {"withdrawal"}),
        ("Serbs erected new barricades near Jarinje.", {"blockade"}),
        ("Troops were put on the highest level of combat readiness.", {"force-posture"}),
        ("No clashes were reported overnight.", set()),
        ("But steps towards war have been taken.", {"threat-of-war"}),
    ],
)
def test_shipped_cues(sentence: str, expected: set[str]) -> None:
    assert {h.cue for h in FINDER.find(Folded.of(sentence))} == expected
