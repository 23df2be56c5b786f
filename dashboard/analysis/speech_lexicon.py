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
from dataclasses import dataclass, field
from functools import cache
from importlib import resources

from dashboard.analysis.actors import trie_regex
from dashboard.analysis.text import word_pieces, words

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
    """The compiled lexicon: one regex over all forms, and what each form means."""

    regex: re.Pattern[str]
    cues: dict[str, Cue]
    pieces: frozenset[bytes]  # a word piece of each form: a sentence without any has no cue
    phrases: tuple[str, ...]  # the frozen attribution phrases of the file
    nouns: frozenset[str]  # attribution nouns ("statement", "calls"), singular and plural
    filed: dict[bytes, tuple[str, ...]] = field(default_factory=dict)  # piece -> its forms
    _regexes: dict[bytes, re.Pattern[str]] = field(default_factory=dict)  # compiled on use

    def cues_in(self, text: str, pieces: frozenset[bytes] | None) -> Iterable[re.Match[str]]:
        """The cue forms in `text`, left to right: what `regex.finditer(text)` finds.

        `pieces` are the word pieces of `text` when it is a fold (or one with words blanked
        out), else None. With them only the forms filed under those pieces are looked for,
        each piece's in a regex that opens with their letters, which the regex engine
        skips to (the one regex of every form tries each position of the text). Those
        regexes leave the test of a word's start to Python: a form found inside a word,
        or overlapping another piece's form, leaves the text to the one regex. So does a
        long text (a hostile run-on sentence), read lazily as its reader stops early.
        """
        keys = self.pieces & pieces if pieces is not None else None
        if keys is None or len(keys) > _MAX_FILED or len(text) > _MAX_TEXT:
            return self.regex.finditer(text)
        if len(keys) == 1:
            found = list(self._filed_regex(next(iter(keys))).finditer(text))
        else:
            found = [m for key in keys for m in self._filed_regex(key).finditer(text)]
            found.sort(key=_start)
        end = 0
        for m in found:
            start = m.start()
            if start < end or (start and _WORD_CHAR.match(text, start - 1)):
                return self.regex.finditer(text)
            end = m.end()
        return found

    def _filed_regex(self, piece: bytes) -> re.Pattern[str]:
        regex = self._regexes.get(piece)
        if regex is None:
            forms = sorted(self.filed[piece], key=len, reverse=True)
            regex = self._regexes[piece] = re.compile(
                r"(?:" + trie_regex(forms) + r")(?![\w'’-])")
        return regex


_MAX_FILED = 6  # more pieces of forms in one text than this: the one regex reads it
_MAX_TEXT = 2000  # characters
_WORD_CHAR = re.compile(r"[\w'’-]")  # a character a form may not follow or precede


def _start(m: re.Match[str]) -> int:
    return m.start()


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
    forms = sorted(cues, key=len, reverse=True)
    regex = re.compile(r"(?<![\w'’-])(?:" + trie_regex(forms) + r")(?![\w'’-])")
    filed: dict[bytes, tuple[str, ...]] = {}
    for form in forms:  # each form under its longest piece (its rarest, as a rule)
        key = max(word_pieces(form), key=len)
        filed[key] = (*filed.get(key, ()), form)
    phrases = tuple(item["phrase"] for item in data.get("phrases", {}).get("items", ()))
    nouns = frozenset(
        word for item in data.get("nouns", {}).get("items", ())
        for word in (item["noun"], item.get("plural", item["noun"]))
    )
    return SpeechLexicon(regex, cues, frozenset(filed), phrases, nouns, filed)


@cache
def speech_lexicon() -> SpeechLexicon:
    """The bundled lexicon, read and compiled on first use (once per process)."""
    data = resources.files("dashboard").joinpath(*LEXICON).read_bytes()
    return compile_lexicon(tomllib.loads(data.decode("utf-8")))
