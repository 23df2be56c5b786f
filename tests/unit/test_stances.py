"""Stances: generic English cues around configured topic phrases, and the actors credited."""

from __future__ import annotations

import tomllib
from pathlib import Path

import pytest

from dashboard.analysis.analyzer import Analyzer
from dashboard.analysis.stances import StanceFinder
from dashboard.analysis.text import Folded
from dashboard.config import Actor, Topic, load_config
from tests.conftest import shared_path

REPO = Path(__file__).resolve().parents[2]
ACTORS_TOML = Path(__file__).parents[1] / "data" / "actors.toml"

TOPICS = (
    Topic(id="forces", label="Forces return",
          phrases=["return of * Serbian troops", "return of * Serbian forces",
                   "return of * Serbian army", "return of police and military forces",
                   "send * security forces"]),
    Topic(id="independence", label="Independence",
          phrases=["independence of Kosovo", "Kosovo's independence", "recogni* Kosovo"]),
    Topic(id="asm", label="Association", phrases=["Association of Serb Municipalities"]),
    Topic(id="dialogue", label="Dialogue", phrases=["Brussels dialogue"]),
    Topic(id="police", label="Police in the north",
          phrases=["presence of the Kosovo police"]),
)


FINDER = StanceFinder(TOPICS)  # the analyzer's own


def stances(sentence: str) -> dict[str, str]:
    return {e.topic: e.stance for e in FINDER.find(Folded.of(sentence), "x")}


@pytest.mark.parametrize(
    ("sentence", "expected"),
    [
        ("Washington is categorically against the return of Serbian forces to Kosovo.",
         {"forces": "oppose"}),
        ("Pristina will not allow the return of Serbian troops.", {"forces": "oppose"}),
        ("Belgrade submitted a request for the return of up to a thousand Serbian troops.",
         {"forces": "support"}),
        ("He plans to demand the return of Serbian troops to Kosovo.", {"forces": "support"}),
        ("Kurti rejects the Association of Serb Municipalities.", {"asm": "oppose"}),
        ("Serbia supports the return of Serbian forces only if KFOR agrees.",
         {"forces": "conditional"}),
        ("Forces could go back provided that the return of Serbian troops is agreed.",
         {"forces": "conditional"}),
        ("Spain did not recognize Kosovo.", {"independence": "oppose"}),
        ("Spain refuses to recognise Kosovo.", {"independence": "oppose"}),
        ("Kenya has recognised the independence of Kosovo.", {"independence": "support"}),
        ("The return of Serbian troops is unacceptable.", {"forces": "oppose"}),
        ("There will be no return of Serbian troops.", {"forces": "oppose"}),
        ("KFOR received a request for the return of Serbian troops.", {"forces": "neutral"}),
        ("Kurti rejects the Association of Serb Municipalities but backs the Brussels dialogue.",
         {"asm": "oppose", "dialogue": "support"}),
        ("The return of Serbian troops was discussed.", {}),
        ("Nothing about any topic here, and we strongly oppose it.", {}),
        ("SERBIA IS AGAINST THE RETURN OF SERBIAN FORCES.", {"forces": "oppose"}),
    ],
)
def test_find_stances(sentence: str, expected: dict[str, str]) -> None:
    assert stances(sentence) == expected


def test_a_cue_governs_only_the_nearest_topic() -> None:
    # "needs to" is about sending forces, not about the police presence that follows
    got = stances("Serbia notes that it needs to send members of its security forces due to "
                  "the increased presence of the Kosovo police in the north.")
    assert got == {"forces": "support"}


def test_evidence_names_actor_topic_and_sentence() -> None:
    sentence = "Moscow backs the Brussels dialogue."
    (ev,) = FINDER.find(Folded.of(sentence), "russia")
    assert (ev.actor, ev.topic, ev.stance, ev.evidence) == ("russia", "dialogue", "support",
                                                            sentence)


def test_no_topics_configured_means_no_stances() -> None:
    assert StanceFinder(()).find(Folded.of("Serbia supports the Brussels dialogue."),
                                 "serbia") == []


def test_seed_article_serbia_supports_and_usa_opposes_forces_return() -> None:
    seed = shared_path("samples", "kfor-request.txt")
    actors = tomllib.loads(ACTORS_TOML.read_text(encoding="utf-8"))["actors"]
    config = load_config(REPO / "config.toml").model_copy(update={
        "actors": tuple(Actor.model_validate(a) for a in actors), "topics": TOPICS})
    analysis = Analyzer(config).analyse("", seed.read_text(encoding="utf-8"))
    found = {(e.actor, e.topic, e.stance) for e in analysis.stances}
    assert ("serbia", "forces", "support") in found
    assert ("usa", "forces", "oppose") in found
    assert ("serbia", "forces", "oppose") not in found
    assert ("usa", "forces", "support") not in found
    assert ("russia", "independence", "oppose") in found
