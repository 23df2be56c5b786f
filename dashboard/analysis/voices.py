"""Whose words a statement holds when several speakers are named in one sentence.

An institution named inside the words of one of its own people is that person's voice
("the spokesman said the League urges ...", "A and B urged C, said A's president"):
the person's statement stands, the institution's is not another one.
"""

from __future__ import annotations

from dashboard.analysis.actors import ActorMatcher
from dashboard.analysis.speakers import Speaker
from dashboard.models import Statement


def bare(text: str) -> str:
    """Words without the quotation marks around them, to compare two readings."""
    return text.strip("“”\"„«» ")


def same_voice(found: list[Speaker], out: list[Statement]) -> bool:
    """Whether institutions found inside a person's words include that person's own
    actor ("the spokesman said the Union urges ...", "A's president said A and B
    asked ..."): the person speaks for them, and the words are the person's."""
    actors = {o.actor for o in out if o.actor is not None}
    return all(not sp.is_person for sp in found) and any(sp.actor in actors for sp in found)


def without_own_voice(out: list[Statement], matcher: ActorMatcher) -> list[Statement]:
    """`out` without institutions' statements inside the words of a person of theirs
    ('A and B urged C, said A's president': the president's statement only)."""
    institutions = matcher.display_names
    at = {st.text: st.sentence.find(st.text) for st in out}
    inner = {st.text for st in out if st.speaker in institutions and any(
        o.speaker not in institutions and o.actor == st.actor and st.text != o.text
        and 0 <= at[o.text] < at[st.text] < at[o.text] + len(o.text) for o in out)}
    if not inner:
        return out
    return [st for st in out if st.text not in inner or st.speaker not in institutions]
