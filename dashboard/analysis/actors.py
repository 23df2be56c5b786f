"""Finding the config's actors and their people in a sentence.

`ActorMatcher` folds every actor name, alias and person name (accent- and case-
insensitive) into one trie-shaped regex, so a sentence is scanned once whatever the
number of aliases, and files them by word piece, so that a sentence naming no one is
passed over after a set test (see filed.py). At each position the longest name wins
("Kosovo Serbs" beats "Kosovo"), and matches never overlap.

A person is found by full name and, once configured, by surname alone when the surname
belongs to exactly one configured person and is capitalised in the text.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import NamedTuple

from dashboard.analysis.filed import FiledForms
from dashboard.analysis.offices import OfficeIndex
from dashboard.analysis.text import Folded, fold, words
from dashboard.config import Actor

# Surnames that are also ordinary English words never match alone ("due to", "Miller" is
# fine but "Due" is not). Only applies to the surname-alone shortcut.
_COMMON_WORDS = words(
    "due may will long young rich king price brown white black green little love hope "
    "bush rice page law cook west north south east grant wood best hill"
)


class Mention(NamedTuple):
    """One actor (and maybe person) named in a sentence, with where it stands.

    (A named tuple: as immutable as a frozen dataclass, and three times cheaper to make,
    which counts at dozens per article.)
    """

    actor: str
    start: int
    end: int
    text: str
    person: str | None = None


# names' pieces a sentence may hold for their own small regexes to be read (measured: with
# more, as in wire copy naming several actors, the one regex is cheaper)
_MOST_PIECES = 2


@dataclass(frozen=True, slots=True)
class _Entry:
    actor: str
    person: str | None
    acronym: bool  # written in capitals in the config: must be capitalised in the text


def _is_acronym(name: str) -> bool:
    letters = [c for c in name if c.isalpha()]
    return len(letters) <= 5 and all(c.isupper() for c in letters)


class ActorMatcher:
    """Finds actors and people of a config in text; build once, call `find` per sentence."""

    def __init__(self, actors: Sequence[Actor]):
        self.actors = {a.id: a for a in actors}
        self.offices = OfficeIndex(self.actors.values())  # who held which office when
        self.display_names = frozenset(a.name for a in self.actors.values())
        self._entries: dict[str, list[_Entry]] = {}
        self._people: dict[str, str] = {}  # person full name -> actor id
        surnames: dict[str, set[str]] = {}
        for actor in actors:
            self._add(actor.name, actor.id, None)
            for alias in actor.aliases:
                self._add(alias, actor.id, None)
            for person in actor.people:
                self._people.setdefault(person.name, actor.id)
                self._add(person.name, actor.id, person.name)
                parts = person.name.split()
                if len(parts) >= 2:
                    surnames.setdefault(fold(parts[-1]), set()).add(person.name)
                    first_part = parts[-1].split("-")[0]
                    if first_part != parts[-1]:  # "Jane Doe-Smith" is often "Jane Doe"
                        self._add(" ".join([*parts[:-1], first_part]), actor.id, person.name)
                        surnames.setdefault(fold(first_part), set()).add(person.name)
        self._surnames: dict[str, str] = {}
        for surname, names in surnames.items():
            if len(names) == 1 and len(surname) >= 3 and surname not in _COMMON_WORDS:
                name = next(iter(names))
                self._surnames[surname] = name
                if surname not in self._entries:
                    self._entries[surname] = [_Entry(self._people[name], name, False)]
        # what find needs of each name, looked up once per match
        self._found: dict[str, tuple[str, str | None, bool, bool]] = {
            key: (e.actor, e.person, e.acronym, bool(e.person) and key in self._surnames)
            for key, (e, *_) in self._entries.items()
        }
        # \w boundaries on both sides; a possessive "'s" after a name is left outside.
        # (Filed by piece: a sentence naming no one, most of them, is read by a set test.)
        self._names = FiledForms(self._entries, r"\w", most=_MOST_PIECES)

    def _add(self, name: str, actor: str, person: str | None) -> None:
        key = " ".join(fold(name).split())
        if not key:
            return
        entries = self._entries.setdefault(key, [])
        entry = _Entry(actor, person, _is_acronym(name))
        # the first definition of a name wins; a person entry beats a bare alias
        if entries and (entries[0].person or not person):
            return
        entries.insert(0, entry)

    def find(self, sentence: str) -> list[Mention]:
        """Every actor or person named in `sentence`, left to right, without overlaps."""
        return self.find_folded(Folded.of(sentence))

    def find_folded(self, sentence: Folded) -> list[Mention]:
        """`find` on a sentence already folded (the fold is shared with other matchers)."""
        text, offsets, found = sentence.text, sentence.offsets, self._found
        out = []
        for m in self._names.finditer(sentence.folded, sentence.pieces):
            start, end = m.span()
            if offsets is not None:
                start, end = offsets[start], offsets[end - 1] + 1
            name = text[start:end]
            actor, person, acronym, surname = found[m.group()]
            if acronym and name != name.upper():
                continue  # "us" is not the US, "Us" opening a sentence neither
            if surname and not name[:1].isupper():
                continue  # a surname alone must look like a name
            out.append(Mention(actor, start, end, name, person))
        return out

    def display_name(self, actor_id: str) -> str:
        """The display name of an actor id (the id itself when unknown)."""
        actor = self.actors.get(actor_id)
        return actor.name if actor else actor_id

    def kind(self, actor_id: str) -> str | None:
        """The actor's kind (state, organisation, group), None when unknown."""
        actor = self.actors.get(actor_id)
        return actor.kind if actor else None
