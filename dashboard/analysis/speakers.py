"""Who is speaking: the subject of a speech verb, resolved to a person and an actor.

A speaker is, nearest the verb first:
- a configured person (full name, or surname alone once unique), speaking for their actor;
- an unknown but clearly named person ("John Smith said"), with no actor unless a title
  names one ("Kosovo Foreign Minister Jane Doe");
- "he"/"she" for the last person spoken of;
- "the mission/alliance/ministry ..." for the organisation or state in focus;
- an actor itself, or one of its bodies or offices ("Serbia notes that", "Serbia's defence
  ministry said", "a Chinese foreign ministry spokesperson said"); an office held by one
  configured official names them ("the Kosovo Prime Minister said");
- several actors at once ("the US and the EU said"): one speaker each.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from datetime import datetime
from typing import NamedTuple

from dashboard.analysis.actors import ActorMatcher, Mention
from dashboard.analysis.names import cuts_no_word, last_run
from dashboard.analysis.text import words


class Speaker(NamedTuple):
    """A found speaker and where its name stands in the sentence."""

    name: str
    actor: str | None
    start: int
    end: int
    is_person: bool


_PRONOUN_PERSON = words("he she")
_LOCATIVE = words("in at from near to on with against about over")
_ORG_NOUNS = words(
    "mission alliance force organisation organization bloc commission council peacekeepers"
)
_STATE_NOUNS = words("ministry government presidency embassy office cabinet")
# Words that may stand between an actor and its verb when they name one of the actor's
# bodies or offices ("Serbia's foreign ministry", "the Kosovo Prime Minister", "a
# Chinese foreign ministry spokesperson", "the U.S. Embassy in Pristina").
INSTITUTION_WORDS = words(
    "'s ’s the a an of its their "
    "ministry ministries government presidency embassy embassies office cabinet "
    "department mission delegation authorities officials official administration council "
    "commission service police army military forces force prosecution prosecutors court "
    "parliament assembly spokesperson spokesman spokeswoman spokespeople representative "
    "representatives ambassador envoy president prime minister ministers deputy foreign "
    "defence defense interior justice affairs secretary general chancellor commander "
    "chief head leader leaders leadership diplomats diplomat negotiator state special "
    "high central bank agency national security permanent press foreign-ministry"
)
# Adverbs that may stand between a subject and its verb ("Serbia also said").
_ADVERBS = words(
    "also later earlier then again further once still already strongly firmly previously "
    "has have had will would did does do on monday tuesday wednesday thursday friday "
    "saturday sunday today yesterday all both jointly"
)
_GAP_TOKEN = re.compile(r"[’']s\b|[\w.-]+|[,;:()]")
_OTHER_CONJUNCT = re.compile(
    r"\s*(?:,\s*and|,|and)\s+(?:the\s+)?([A-Z][\w.&-]*(?:\s[A-Z][\w.&-]*){0,3})\s*"
    r"(?:has\s+|have\s+|also\s+|\w+ly\s+)*$"
)
# people and documents a description may name as the speaker
PERSON_ROLES = words(
    "official president minister diplomat head chief spokesperson spokesman spokeswoman "
    "representative envoy ambassador secretary commissioner leader negotiator premier"
)
_ROLES = PERSON_ROLES | words(
    "officials diplomats leaders correspondents correspondent letter note proposal report "
    "document communique analysts residents locals sources"
)
_DESCRIPTION = re.compile(
    r"(?:^|[,;:]\s+|\band\s+|\bbut\s+|[”\"]\s*)(?P<np>(?P<det>the|a|an)?\s*"
    r"(?:[\w’'.-]+\s+){0,4}?(?P<role>" + "|".join(sorted(_ROLES, key=len, reverse=True))
    + r")(?:\s+(?:of|for|to)\s+[^,;:“”\"]{1,60}?)?)\s+(?:(?:has|have|had|also|again|"
    r"\w+ly)\s+)*$"
)
_LOOKBACK = 300  # characters searched for a verb's subject
_AT_PLACE = [[w] for w in ("in", "at", "from", "near")]


def possessive(sentence: str, end: int) -> bool:
    """Whether the name ending at `end` is followed by a possessive 's."""
    return sentence[end : end + 2] in ("'s", "’s")


def from_mention(m: Mention, matcher: ActorMatcher) -> Speaker:
    """The speaker a mention names: its person, else the actor's display name."""
    return Speaker(m.person or matcher.display_name(m.actor), m.actor, m.start, m.end,
                   m.person is not None)


def speakers_before(
    sentence: str, folded: str, lo: int, vs: int, mentions: list[Mention],
    matcher: ActorMatcher, context: tuple[tuple[str, str | None] | None, str | None,
                                          str | None],
    when: datetime | None = None, last: list[Speaker] | None = None,
) -> list[Speaker]:
    """The subject(s) of the verb at vs, looking back to lo (sentence start or a quote).

    `context` is (last person spoken of, organisation in focus, state in focus); `last`
    the speakers of the last statement.
    """
    person, organisation, state = context
    window = [m for m in mentions if lo <= m.start and m.end <= vs]
    people = [m for m in window if m.person and not possessive(sentence, m.end)]
    tokens = folded[lo:vs].split()
    while tokens and tokens[-1] in _ADVERBS:
        tokens.pop()
    if tokens and tokens[-1].strip(",") in _PRONOUN_PERSON:
        # "..., he added": the person named earlier in the sentence, else the one in focus
        if people:
            return [from_mention(people[-1], matcher)._replace(start=vs, end=vs)]
        return [Speaker(person[0], person[1], vs, vs, True)] if person else []
    best: Speaker | None = from_mention(people[-1], matcher) if people else None
    unknown = unknown_name(sentence, names_from(sentence, best, lo), vs, mentions)
    if unknown and (best is None or unknown.start > best.end):
        best = unknown
    if best is not None and best is unknown and not people:
        joint = actor_subjects(sentence, folded, window, vs, matcher, when)
        if len(joint) > 1 and joint[-1].start == unknown.start:
            return joint  # "the EU and the Red Cross said": the name ends a joint subject
    if best is not None:
        # an actor named between the person and the verb is the subject ("Kurti acted,
        # while the EU and the US warned"), the person only when no actor is there
        nearer = [m for m in window if m.start >= best.end]
        subjects = actor_subjects(sentence, folded, nearer, vs, matcher, when) if nearer else []
        return subjects or [best]
    subjects = actor_subjects(sentence, folded, window, vs, matcher, when)
    if subjects:
        return subjects  # "the Alliance said" where the Alliance is a name
    if len(tokens) >= 2 and tokens[-2] == "the":
        noun = tokens[-1]
        actor = organisation if noun in _ORG_NOUNS else (state if noun in _STATE_NOUNS else None)
        if actor:
            return [Speaker(matcher.display_name(actor), actor, vs, vs, False)]
    owned = _owned_speaker(sentence, tokens, mentions, lo, vs, matcher, organisation, state)
    if owned:
        return owned
    described = _DESCRIPTION.search(folded, lo, vs)
    if described is None:
        return []
    # "The head of Serbian diplomacy said", "the EU's top diplomat said", "the letter said":
    # the actor named in the description, else the person in focus for a definite office
    # ("The President underlined"), else a speaker of no actor
    a, b = described.start("np"), described.end("np")
    inside = [m for m in window if a <= m.start and m.end <= b
              and folded[max(0, m.start - 9) : m.start].split()[-1:] not in _AT_PLACE]
    named = [m for m in inside if m.person is None]
    if named:  # (not a place: "the envoy in Pristina")
        return [Speaker(matcher.display_name(named[0].actor), named[0].actor, a, b, False)]
    owners = [m for m in inside if m.person and possessive(sentence, m.end)]
    if owners:  # "the minister's plan says": the owner's actor speaks through it
        return [Speaker(sentence[a:b], owners[0].actor, a, b, False)]
    role = described.group("role")
    if person and described.group("det") == "the" and role in PERSON_ROLES:
        return [Speaker(person[0], person[1], a, b, True)]
    if role in PERSON_ROLES and described.group("det") == "the" and last and len(last) == 1 \
            and not last[0].is_person:
        # "X's ministry said A. The spokesperson called on ...": the body that spoke
        return [last[0]._replace(start=a, end=b)]
    if role in PERSON_ROLES and described.group("det") in ("the", "a", "an"):
        return []  # an unnamed official with no one in focus: not enough to attribute
    return [Speaker(sentence[a:b], None, a, b, False)]


def names_from(sentence: str, person: Speaker | None, lo: int) -> int:
    """Where to look for an unknown name nearer the verb than `person` (the subject only
    then): after them when their name is whole words (a run of capitalised words cannot
    then go through it), else from `lo`, the whole window."""
    if person is not None and cuts_no_word(sentence, person.start) and cuts_no_word(
        sentence, person.end
    ):
        return person.end
    return lo


def _owned_speaker(
    sentence: str, tokens: list[str], mentions: list[Mention], lo: int, vs: int,
    matcher: ActorMatcher, organisation: str | None, state: str | None,
) -> list[Speaker]:
    """ "..., its defence ministry said": a body or office of the actor the clause opened
    with (whom "its" points back to), else of the one in focus."""
    last = tokens[-4:]
    owner_at = max((i for i, t in enumerate(last) if t in ("its", "their")), default=None)
    if owner_at is None or owner_at == len(last) - 1:
        return []
    noun = last[-1].strip(",")
    if noun not in _STATE_NOUNS and noun not in _ORG_NOUNS and noun not in PERSON_ROLES:
        return []
    opened = [m for m in mentions if lo <= m.start and m.end <= vs and m.person is None]
    actor = opened[0].actor if opened else (organisation if noun in _ORG_NOUNS else state)
    return [Speaker(matcher.display_name(actor), actor, vs, vs, False)] if actor else []


def actor_subjects(
    sentence: str, folded: str, window: list[Mention], vs: int, matcher: ActorMatcher,
    when: datetime | None = None,
) -> list[Speaker]:
    """Actors right before the verb: "Serbia notes", "the U.S. Embassy in Pristina said",
    "the US and the EU said" (one speaker each).

    A name after "in"/"at"/"from" is a place, not the speaker. Between the actor and the
    verb only words naming one of its bodies or offices, adverbs and a place may stand.
    """
    found: list[Speaker] = []
    end = vs
    anded = False
    for m in reversed(window):
        before = folded[max(0, m.start - 9) : m.start].split()
        if before and before[-1] in _LOCATIVE:
            if found:
                break
            continue
        gap = [t.lower() for t in _GAP_TOKEN.findall(sentence[m.end : end])]
        if found:  # joining an actor to the ones after it: "and", "," and "the", after
            # the words naming one of its bodies ("the US State Department, the EU and")
            cut = next((k for k, t in enumerate(gap) if t in (",", "and")), len(gap))
            body, join = gap[:cut], gap[cut:]
            if not join or any(t not in (",", "and", "the") for t in join) or any(
                t not in INSTITUTION_WORDS for t in body
            ):
                break
            if "and" not in join and not anded:
                break  # "A, B and C": a bare comma joins only once an "and" has
            anded = anded or "and" in join
            found.append(from_mention(m, matcher))
            end = m.start
            continue
        other = _OTHER_CONJUNCT.match(sentence, m.end, end) if not found else None
        if other:  # "the US, the EU and the OSCE said": a last speaker of no actor
            found.append(Speaker(other.group(1), None, other.start(1), other.end(1), False))
            anded = "and" in sentence[m.end : other.start(1)]
            end = m.end
            gap = []
        at = next((k for k, t in enumerate(gap) if t in _LOCATIVE), len(gap))
        core, place = gap[:at], gap[at + 1 :]
        if "," in place or len(place) > 4:
            return []  # "the League to send observers, said X": not a place after "to"
        core = [t for t in core if t not in _ADVERBS and not t.endswith("ly")]
        if len(gap) > 8 or any(  # "secretary-general" is two institution words
            t not in INSTITUTION_WORDS and not all(p in INSTITUTION_WORDS for p in t.split("-"))
            for t in core
        ):
            return []
        speaker = _office_speaker(m, core, matcher, when) or from_mention(m, matcher)
        # its bodies and offices are the subject too
        found.append(Speaker(speaker.name, speaker.actor, speaker.start, end, speaker.is_person))
        end = m.start
    found.reverse()
    return found


def _office_speaker(
    m: Mention, core: list[str], matcher: ActorMatcher, when: datetime | None
) -> Speaker | None:
    """The configured official holding the office named after an actor, if one does."""
    if m.person is not None:
        return None
    office = " ".join(t for t in core if t not in ("'s", "’s", "the", "a", "an"))
    holder = matcher.offices.holder(m.actor, office, when) if office else None
    return Speaker(holder, m.actor, m.start, m.end, True) if holder else None


def speaker_after(
    sentence: str, ve: int, mentions: list[Mention], matcher: ActorMatcher
) -> Speaker | None:
    """'..., said German Foreign Minister Annalena Baerbock.' (inverted attribution)"""
    stop = sentence.find(",", ve, ve + _LOOKBACK)
    hi = stop if stop >= 0 else min(len(sentence), ve + _LOOKBACK)
    people = [m for m in mentions if ve <= m.start < hi and m.person]
    if people:
        return from_mention(people[0], matcher)
    return unknown_name(sentence, ve, hi, mentions)


def unknown_name(sentence: str, lo: int, hi: int, mentions: list[Mention]) -> Speaker | None:
    """The last run of 2-4 capitalised words in sentence[lo:hi] that is no known name
    (see names.py).

    A title naming an actor just before it ("Kosovo Foreign Minister Jane Doe") gives the
    person that actor.
    """
    found = last_run(sentence, lo, hi, mentions)
    if found is None:
        return None
    start, end = found
    return Speaker(sentence[start:end], title_actor(sentence, mentions, start), start, end,
                   True)


def title_actor(sentence: str, mentions: list[Mention], start: int) -> str | None:
    """The actor of a title right before a name ("Kosovo Foreign Minister Jane Doe"): the
    first actor named in the run of capitalised title words ("White House National
    Security Council Coordinator" is the White House's, not the UN Security Council's)."""
    actor = None
    for m in reversed(mentions):
        if m.end > start or m.person is not None:
            continue
        gap = sentence[m.end : start].split()
        if len(gap) > 8 or any(not w[:1].isupper() and w not in INSTITUTION_WORDS
                               and not w.startswith(("'s", "’s")) for w in gap):
            break
        actor = m.actor
    return actor


# capitalised words that are not a person's name
_NOT_SURNAME = words(
    "the a an he she it they we this that these those president minister prime secretary "
    "officials official police government ministry spokesperson spokesman spokeswoman "
    "foreign defence defense interior state general special deputy head chief ambassador "
    "monday tuesday wednesday thursday friday saturday sunday but and however meanwhile "
    "commissioner representative envoy mayor director leader commander high european "
    "mr mrs ms dr chancellor"
)
_LAST_WORD = re.compile(
    r"([A-Z][\w'’-]+)\s*(?:,[^,]{1,80},\s*)?(?:(?:\w+ly|also|has|have|had|will|would)\s+)*$"
)


def surname_before(
    sentence: str, lo: int, vs: int, names: dict[str, tuple[str, str | None]],
    earlier: Sequence[tuple[str, list[Mention]]],
) -> list[Speaker]:
    """'Kirby said' after 'John Kirby' was named: a surname of a person named in full
    earlier in the article (with the actor a title before the full name gave)."""
    m = _LAST_WORD.search(sentence, lo, vs)
    if m is None or (m.start(1) == 0 and m.group(1).lower() in _NOT_SURNAME):
        return []
    surname = m.group(1)
    if surname not in names:
        full = _full_name(surname, earlier)
        if full is None:
            return []
        names[surname] = full
    name, actor = names[surname]
    return [Speaker(name, actor, m.start(1), m.end(1), True)]


def _full_name(surname: str, earlier: Sequence[tuple[str, list[Mention]]]) -> tuple | None:
    """(full name, actor) of the last earlier "First Surname", its actor from a title
    right before it ("Kosovo's Foreign Minister Jane Doe")."""
    pattern = re.compile(r"\b((?:[A-Z][\w'’-]+ ){1,4})" + re.escape(surname) + r"\b")
    for text, mentions in reversed(earlier):
        m = pattern.search(text)
        if m is None:
            continue
        first: list[str] = []
        for word in reversed(m.group(1).split()):  # given names, back to a title
            if word.lower() in _NOT_SURNAME or len(first) == 2:
                break
            first.insert(0, word)
        if not first:
            continue
        start = m.end(1) - len(" ".join(first)) - 1
        return (" ".join([*first, surname]), title_actor(text, mentions, start))
    return None
