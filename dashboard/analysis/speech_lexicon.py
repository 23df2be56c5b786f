"""The reporting-verb lexicon (data/lexicons/speech-verbs.toml), compiled once.

Every form of every verb, and the frozen phrases that act as verbs ("according to"),
go into one trie-shaped regex, so a sentence is scanned once whatever the size of the
lexicon. Each form maps to a `Cue`: its lemma, its group, and how its content is read:

- `free`: the verb introduces speech on its own; the content is what follows it
  ("said Serbia would ...", "urged Kosovo to ...", "warned of ...");
- `object`: the content is the verb's object, up to the end of its phrase
  ("rejected Serbia's claims", "welcomed the deal, adding ...");
- `clause`: the verb is speech only with a "that" clause or a quotation, because it has
  ordinary non-speech senses too ("noted that", but not "posted photos").
"""

from __future__ import annotations

import re
import tomllib
from collections.abc import Iterable
from dataclasses import dataclass
from functools import cache
from importlib import resources

from dashboard.analysis.filed import FiledForms
from dashboard.analysis.text import words

LEXICON = ("data", "lexicons", "speech-verbs.toml")

# Groups whose verbs take their content as an object noun phrase.
_OBJECT_GROUPS = frozenset({"opposing", "supportive", "expressive", "labeling"})
# Groups whose verbs are speech only with a clause: beliefs and attitudes.
_CLAUSE_GROUPS = frozenset({"cognitive"})
# Lemmas with a common non-speech sense ("attacked the patrol", "posted a video",
# "ordered troops", "offered help"): speech only with a "that" clause or a quotation.
_CLAUSE_LEMMAS = words(
    "post report continue cite quote brief inform observe speak answer respond reply "
    "relay recount describe write tweet comment mention remark state estimate "
    "predict assess testify specify hint disclose reveal maintain conclude repeat restate "
    "order instruct press require seek summon propose invite recommend advise expect "
    "attack charge challenge question oppose contest object protest decline complain "
    "disagree back support agree approve defend embrace champion uphold appreciate "
    "commit undertake offer intend alert call see view feel declare proclaim"
) | {"read out", "refer to"}
# Lemmas kept apart from the word lists' sense: `object` verbs among the neutral and
# assertive ones ("announced a ban", "confirmed the arrests", "noted the progress").
_OBJECT_LEMMAS = words(
    "announce confirm note highlight underline underscore acknowledge admit regret deplore"
)
# Separable cues: the head verb and its particle ("described the move as ...").
_SEPARABLE = {"describe as": "as", "qualify as": "as"}
# Frozen phrases that attribute on their own; the others ("in a statement", "told
# reporters") only decorate a verb and are skipped as adverbials.
_PHRASE_CUES = ("according to",)
# Phrasal verbs of refusal the word lists lack ("did not rule out that ...").
_EXTRA_VERBS = {"rule out": ("opposing", ("rule out", "rules out", "ruled out", "ruling out"))}
# Intentions right after a named subject report what they will say ("Vucic plans to
# demand ..."): the content starts at the verb.
_INTENT_FORMS = ("plans", "wants", "intends", "expects", "hopes")
# forms' pieces a sentence may hold for their own small regexes to be read (see filed.py)
_MOST_PIECES = 6


@dataclass(frozen=True, slots=True)
class Cue:
    """What a matched verb form or phrase means."""

    lemma: str
    group: str
    reading: str  # free | object | clause | according | intent
    gerund: bool  # an -ing form ("saying", "calling on")
    particle: str | None = None  # "as" of "described X as Y"


@dataclass(frozen=True, slots=True)
class SpeechLexicon:
    """The compiled lexicon: every form as one regex and filed by word piece (see
    filed.py), and what each form means."""

    forms: FiledForms
    cues: dict[str, Cue]
    phrases: tuple[str, ...]  # the frozen attribution phrases of the file
    nouns: frozenset[str]  # attribution nouns ("statement", "calls"), singular and plural

    @property
    def regex(self) -> re.Pattern[str]:
        """One regex over every form."""
        return self.forms.regex

    @property
    def pieces(self) -> frozenset[bytes]:
        """A word piece of each form: a sentence without any has no cue."""
        return self.forms.pieces

    def cues_in(self, text: str, pieces: frozenset[bytes] | None) -> Iterable[re.Match[str]]:
        """The cue forms in `text`, left to right: what `regex.finditer(text)` finds;
        `pieces` are the text's word pieces, if known (see FiledForms.finditer)."""
        return self.forms.finditer(text, pieces)


def _reading(lemma: str, group: str) -> str:
    if lemma in _OBJECT_LEMMAS:
        return "object"
    if group in _CLAUSE_GROUPS or lemma in _CLAUSE_LEMMAS:
        return "clause"
    if group in _OBJECT_GROUPS:
        return "object"
    return "free"


# Light verbs that say the same as "express" before a noun of feeling ("voiced hope").
_LIGHT_VERBS = {"express": ("voice", "voices", "voiced", "voicing")}


def _light_verb_forms(lemma: str, forms: list[str]) -> list[str]:
    """The forms of an "express <noun>" phrase, with "voice <noun>" beside them."""
    head, _, noun = lemma.partition(" ")
    if not noun or head not in _LIGHT_VERBS:
        return forms
    return [*forms, *(f"{verb} {noun}" for verb in _LIGHT_VERBS[head])]


def compile_lexicon(data: dict) -> SpeechLexicon:
    """Compile a parsed speech-verbs.toml."""
    cues: dict[str, Cue] = {}
    for group in data["meta"]["groups"]:
        for verb in data[group]["verbs"]:
            lemma = verb["lemma"]
            reading = _reading(lemma, group)
            particle = _SEPARABLE.get(lemma)
            for form in _light_verb_forms(lemma, verb["forms"]):
                if particle:  # match the head verb; the particle is looked for after it
                    form = form.rsplit(" ", 1)[0]
                cue = Cue(lemma, group, reading, form.split()[0].endswith("ing"), particle)
                known = cues.setdefault(form.lower(), cue)
                if particle and known is not cue:  # "described": plain verb, or "... as"
                    cues[form.lower()] = Cue(known.lemma, known.group, known.reading,
                                             known.gerund, particle)
    for lemma, (group, forms) in _EXTRA_VERBS.items():
        for form in forms:
            cues.setdefault(form, Cue(lemma, group, _reading(lemma, group), form.endswith("ing")))
    for form in _INTENT_FORMS:
        cues[form] = Cue(form, "intent", "intent", False)
    for phrase in _PHRASE_CUES:
        cues[phrase] = Cue(phrase, "phrase", "according", False)
    phrases = tuple(item["phrase"] for item in data.get("phrases", {}).get("items", ()))
    nouns = frozenset(
        word for item in data.get("nouns", {}).get("items", ())
        for word in (item["noun"], item.get("plural", item["noun"]))
    )
    forms = FiledForms(cues, r"[\w'’-]", most=_MOST_PIECES)
    return SpeechLexicon(forms, cues, phrases, nouns)


@cache
def speech_lexicon() -> SpeechLexicon:
    """The bundled lexicon, read and compiled on first use (once per process)."""
    data = resources.files("dashboard").joinpath(*LEXICON).read_bytes()
    return compile_lexicon(tomllib.loads(data.decode("utf-8")))
