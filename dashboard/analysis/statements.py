"""Who said what: direct quotes and reported speech, attributed to people and actors.

`extract_statements(title, body, matcher)` walks the article sentence by sentence and
keeps a little context (the last person spoken of, the organisation in focus, the last
speaker), so that "he said", "According to him", "the mission said" and a quotation
going on in the next paragraph resolve to someone named earlier.

Every speech cue of the reporting-verb lexicon (see speech_lexicon) outside quotation
marks is read in one compiled pass per sentence; each cue with a speaker yields
statements (see attribution), so "X condemned A, saying B" is two statements and "the US
and the EU said C" one per actor. A sentence that is nothing but a quotation, and a
paragraph that opens a quotation and never closes it, continue the last speaker.

Everything is linear in the article length: regexes are compiled once, and each sentence
is scanned a fixed number of times.
"""

from __future__ import annotations

import re
from collections import deque
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from datetime import datetime

from dashboard.analysis.actors import ActorMatcher, Mention
from dashboard.analysis.attribution import Context, attribute, not_a_verb
from dashboard.analysis.content import THAT_NEXT
from dashboard.analysis.layout import (
    LABEL,
    TURN,
    headline,
    is_body_paragraph,
    stated_by,
    statement_heading,
    transcript_turn,
)
from dashboard.analysis.quotes import (
    OPENING_MARKS,
    is_bare_quote,
    is_speech_quote,
    quote_goes_on,
    speech_quotes,
    unclosed_quote,
)
from dashboard.analysis.sentence import Sentence, read_sentence
from dashboard.analysis.speakers import Speaker, possessive
from dashboard.analysis.speech_lexicon import SpeechLexicon, speech_lexicon
from dashboard.analysis.text import (
    Folded,
    folded_sentences,
    split_paragraphs,
    split_sentences,
)
from dashboard.analysis.voices import bare, same_voice, without_own_voice
from dashboard.models import Statement

_MAX_VERBS = 6  # speech cues tried per sentence: real sentences have a few, hostile thousands
# headlines describe ("Rubio urges calm"): only these verbs report content there
_TITLE_VERBS = frozenset({"said", "says", "told", "tells"})
_EARLIER = 60  # sentences searched back for the full name of a surname
_CARRY_PARAGRAPHS = 2  # a quotation paragraph continues a speaker of at most this far back
_CLOSE_FIRST = ("”",)
_SHORT_LEAD = 4  # words before a colon that hand a quotation on ("These include: “...”")
_OWN_THING = ("its ", "their ", "his ", "her ", "our ")
# cue groups that report words only with a clause ("Stating that ...", not "Recalling X")
_TELLING = frozenset({"neutral", "assertive", "cognitive", "labeling"})
_CHAIN_BEFORE = re.compile(r"(?:,|\band|[,;]\s*and|\bbut)\s*(?:also\s+|later\s+|then\s+)?$")


@dataclass
class _Context:
    """What earlier sentences said about who is speaking."""

    person: tuple[str, str | None] | None = None  # (name, actor)
    organisation: str | None = None
    state: str | None = None
    last: list[Speaker] | None = None  # the last speakers, for quotations that go on
    voice: list[Speaker] | None = None  # who a titled statement's or a turn's body is
    heard: bool = False  # whether the body has shown that voice yet
    turn: bool = False  # whether the voice is a transcript turn's (a label ends it)
    said: bool = False  # whether the last sentence gave a statement
    open_for: int = 0  # paragraphs a quotation has gone on without closing (0: none open)
    since_last: int = 0  # paragraphs since the last statement
    when: datetime | None = None
    names: dict[str, tuple[str, str | None]] = field(default_factory=dict)  # surname -> speaker
    earlier: deque[tuple[str, list[Mention]]] = field(
        default_factory=lambda: deque(maxlen=_EARLIER)
    )  # recent sentences


def extract_statements(
    title: str, body: str, matcher: ActorMatcher, when: datetime | None = None
) -> list[Statement]:
    """Statements in an article: title first, then the body's paragraphs in order.

    `when` is the item's date (offices held then name their holder; default now).
    item_id, source_id, time and link are left at their defaults for the caller to fill.
    """
    title_sentences = [Folded.of(s) for s in split_sentences(" ".join(title.split()))]
    paragraphs = [folded_sentences(p) for p in split_paragraphs(body)]
    return statements_in(title_sentences, paragraphs, matcher, when=when)


def statements_in(
    title: Sequence[Folded],
    paragraphs: Iterable[Sequence[Folded]],
    matcher: ActorMatcher,
    find: Callable[[Folded], list[Mention]] | None = None,
    when: datetime | None = None,
) -> list[Statement]:
    """`extract_statements` on an article already split into folded sentences.

    `title` holds the title's sentences, `paragraphs` the body's; `find` (default
    `matcher.find_folded`) lets a caller share the actor mentions it needs too.
    """
    find = find or matcher.find_folded
    out: list[Statement] = []
    ctx = _Context(when=when)
    for i, sentence in enumerate(title):
        s = read_sentence(sentence, find(sentence))
        if i == 0 and len(title) == 1:
            ctx.voice = statement_heading(sentence.text, s.mentions, matcher)
            if ctx.voice:  # "UK statement on ...": the body is the UK's words
                continue
        head = headline(sentence.text, s.mentions, matcher) if i == 0 else []
        _emit(out, ctx, head or _statements(s, sentence, matcher, ctx, title=True), s, matcher)
    for n, paragraph in enumerate(paragraphs):
        if not paragraph:
            continue
        ctx.since_last += 1
        text = " ".join([s.text for s in paragraph])
        if text.startswith(_CLOSE_FIRST) and text.count(text[0]) >= 2:
            # '”We ... stability,” he said': a closing mark misprinted as the opening one
            text = "“" + text[1:]
            paragraph = folded_sentences(text)
        open_paragraphs, ctx.open_for = ctx.open_for, 0
        opened = unclosed_quote(text)
        if opened is not None and ctx.last and ctx.since_last <= _CARRY_PARAGRAPHS:
            _carry(out, ctx, opened, text)  # a quotation going on from the last speaker
            ctx.open_for = 1
            continue
        inside = quote_goes_on(text) if open_paragraphs and ctx.last else None
        if inside:  # the next paragraph of an open quotation, up to its closing mark
            _carry(out, ctx, inside[0], text)
            ctx.open_for = open_paragraphs + 1 if inside[1] and open_paragraphs < 3 else 0
            continue
        if opened is not None:
            continue  # someone's words whose speaker is not known yet: no verb in them counts
        if n == 0 and len(paragraph) == 1 and not ctx.voice:
            ctx.voice = statement_heading(text, find(paragraph[0]), matcher)
            if ctx.voice:  # "Statement by the Secretary General on ...": a title
                continue
        turn = (transcript_turn(paragraph[0], find(paragraph[0]), matcher, text)
                if TURN.match(paragraph[0].text) else None)
        if turn:  # "Jane Doe: We are worried ...": a turn of a transcript
            out.append(turn)
            ctx.last = ctx.voice = [Speaker(turn.speaker, turn.actor, 0, 0, True)]
            ctx.heard = ctx.turn = True
            ctx.since_last = 0
            continue
        if LABEL.match(text) and ctx.turn:
            ctx.voice = None  # "Question: ...": the turn is over
        # (its first-person words are looked for only when nothing else in it speaks)
        first_person = bool(ctx.last) and ctx.since_last == 1
        before = len(out)
        for k, sentence in enumerate(paragraph):
            s = read_sentence(sentence, find(sentence))
            found: list[Statement] = []
            if n == 0 and k == 0 and len(paragraph) == 1:
                found = headline(sentence.text, s.mentions, matcher, body=True)
            found = found or _statements(s, sentence, matcher, ctx)
            who = None if found or not ctx.earlier or ctx.said else stated_by(
                sentence.text, s.mentions, matcher)
            if who:  # "This was stated by X": the sentence before is X's
                said = ctx.earlier[-1][0].rstrip(" .")
                found = [Statement(who.name, who.actor, "reported", said, ctx.earlier[-1][0])]
            if not found and ctx.last and ctx.since_last <= _CARRY_PARAGRAPHS and (
                is_bare_quote(sentence.text, s.spans)
                or (k == 0 and sentence.text.startswith(OPENING_MARKS) and s.spans
                    and s.spans[0][0] == 0 and is_speech_quote(sentence.text, *s.spans[0]))
            ):
                _carry(out, ctx, " ".join(speech_quotes(sentence.text, s.spans[:1])),
                       sentence.text)
                continue
            if not found and ctx.last and ctx.since_last <= 1 and _quotes_on(s, ctx.last):
                # 'Although rejected, “I expect A” and “B”.': the speaker quoted on, with
                # no cue and no one else named, in a sentence that is mostly quotation
                # (one that mostly narrates quotes a title or a phrase): one per quotation
                for words in speech_quotes(sentence.text, s.spans):
                    _carry(out, ctx, words, sentence.text)
                continue
            _emit(out, ctx, found, s, matcher)
        if ctx.voice and not ctx.heard and is_body_paragraph(text):
            # a title's voice is heard in the first paragraph: first person, or the
            # speaker's own statement ("We call for ...", "The Union welcomes ..."); a
            # news story about a statement speaks of it in the third person
            actors = {sp.actor for sp in ctx.voice}
            ctx.heard = bool(_FIRST_PERSON.search(text)) or any(
                st.actor in actors for st in out[before:])
            if not ctx.heard:
                ctx.voice = None
        if len(out) > before:
            continue
        if ctx.voice and is_body_paragraph(text):
            # a paragraph of a titled statement or of a transcript turn: its speaker's
            out += [Statement(sp.name, sp.actor, "direct", text.strip(), text)
                    for sp in ctx.voice]
        elif first_person and ctx.last and _FIRST_PERSON.search(text):
            # the next paragraph of someone's first-person words, without quotation marks
            # (a statement's body, a transcript): still theirs
            _carry(out, ctx, text.strip(), text)
    return out


_FIRST_PERSON = re.compile(r"(?<![\w'’“\"])(?:We|we|Our|our|us|I|my|My)\b(?![’'])")


def _quotes_on(s: Sentence, last: list[Speaker]) -> bool:
    """Whether a sentence without a cue, just after a statement, is mostly the same
    speaker's quotations: no other person named outside them, no words of attribution
    after them, at most a few words and a colon before them."""
    names = {sp.name for sp in last}
    if not s.spans or s.spans[0][0] == 0 or len(s.text[s.spans[-1][1] :].split()) > 1:
        return False  # closed by words of attribution of its own ('“A,” the website reads')
    lead = s.text[: s.spans[0][0]].rstrip()
    if any(word[:1].isupper() for word in lead.split()[1:]):
        return False  # "As Jane Doe put it, “...”": a name or title of someone else
    quoted = sum(len(q.split()) for q in speech_quotes(s.text, s.spans))
    if lead.endswith(":"):
        if len(lead.split()) > _SHORT_LEAD:
            return False  # "in the words of the patient: “...”": someone else's words
    elif 5 * quoted < 3 * len(s.text.split()):
        return False  # mostly narration quoting a title or a phrase
    return all(
        m.person is None or m.person in names for m in s.mentions
    ) and all(  # an active cue of no known speaker: the words are that speaker's
        not_a_verb(s.folded, v.start()) for v in speech_lexicon().regex.finditer(s.folded))


def _carry(out: list[Statement], ctx: _Context, words: str, sentence: str) -> None:
    """A quotation that continues the last speakers' words: one direct statement each."""
    if not words:
        return
    for sp in ctx.last or ():
        out.append(Statement(sp.name, sp.actor, "direct", words, sentence))
    ctx.since_last = 0


def _emit(
    out: list[Statement], ctx: _Context, found: list[Statement], s: Sentence,
    matcher: ActorMatcher,
) -> None:
    """Record a sentence's statements and update the context."""
    ctx.earlier.append((s.text, s.mentions))
    ctx.said = bool(found)
    if found:
        out.extend(found)
        speakers = []
        for st in found:
            if st.speaker not in matcher.display_names:
                ctx.person = (st.speaker, st.actor)  # a person spoke: "he" now means them
                parts = st.speaker.split()
                if len(parts) >= 2 and parts[-1][:1].isupper():
                    ctx.names.setdefault(parts[-1], (st.speaker, st.actor))
            if all(sp.name != st.speaker for sp in speakers):
                speakers.append(Speaker(st.speaker, st.actor, 0, 0, False))
        ctx.last = speakers
        ctx.since_last = 0
    else:
        people = [m for m in s.mentions if m.person and not possessive(s.text, m.end)]
        if people:
            ctx.person = (people[0].person, people[0].actor)  # type: ignore[assignment]
    for m in s.mentions:
        kind = matcher.kind(m.actor)
        if kind == "organisation":
            ctx.organisation = m.actor
        elif kind == "state":
            ctx.state = m.actor


def _statements(
    s: Sentence, folded: Folded, matcher: ActorMatcher, ctx: _Context, *, title: bool = False
) -> list[Statement]:
    """Every statement of one sentence, cue by cue (none when it is not speech)."""
    lexicon = speech_lexicon()
    if folded.offsets is None and lexicon.pieces.isdisjoint(folded.pieces):
        return []  # no speech cue in the sentence at all (most sentences)
    verbs = []
    for verb in lexicon.cues_in(s.folded, folded.pieces if folded.offsets is None else None):
        if len(verbs) >= _MAX_VERBS:
            break
        if _in_name(s.mentions, verb.start()):
            continue  # "the United States": a word of a name, not a verb
        if not title or verb.group() in _TITLE_VERBS:
            verbs.append(verb)
    if not verbs:
        return []
    context = Context(ctx.person, ctx.organisation, ctx.state, ctx.when, ctx.names,
                      ctx.last or [], ctx.earlier)
    out: list[Statement] = []
    speakers: list[Speaker] = []
    covered = 0  # where the content of the statements so far ends
    feeling: tuple[int, int] | None = None  # the statements of the last cue, if a feeling
    opening = _opening_gerund(s, verbs[0], lexicon)
    if opening is not None:
        verbs = verbs[1:]
    for i, verb in enumerate(verbs):
        limit = len(s.text)
        for later in verbs[i + 1 :]:  # a chained cue, or a quote it attributes, ends it
            if chained_before(s.folded, later.start()):
                limit = later.start()
                break
            quote = next((a for a, b in s.spans if verb.end() < a and b <= later.start()
                          and len(s.text[b : later.start()].split()) <= 3
                          and is_speech_quote(s.text, a, b)), None) if s.spans else None
            if quote is not None:
                limit = quote
                break
        cue = lexicon.cues[verb.group()]
        found_speakers, found = attribute(s, verb, cue, matcher, context, speakers, limit)
        if out:
            found = [st for st in found if all(bare(st.text) != bare(o.text) for o in out)]
        if found and out and verb.start() < covered and not cue.gerund and (
            all(sp.name in {o.speaker for o in out} for sp in found_speakers)
            or same_voice(found_speakers, out)
        ):
            # "he plans to demand ...": the same speaker inside their own words; "the
            # spokesman said the Union urges ...": the Union is the spokesman's own voice
            continue
        if found and cue.gerund and feeling and found_speakers is speakers:
            # "voiced regret about the raid, saying A": A is what they said
            del out[feeling[0] : feeling[1]]
        feeling = None
        if found:
            at = s.text.find(found[0].text)  # where the words it found end
            covered = at + len(found[0].text) if at >= 0 else limit
            if (cue.reading == "object" and " " in cue.lemma) or found[0].text.startswith(
                _OWN_THING
            ):  # a feeling, or "reiterated its position": what the "saying" says counts
                feeling = (len(out), len(out) + len(found))
            out.extend(found)
            speakers = found_speakers
    if opening is not None and speakers:
        # "Stating that A, Kirby said B": A is the main clause's speaker's too
        limit = s.text.rfind(",", 0, speakers[0].start or len(s.text))
        if limit > opening.end():
            cue = lexicon.cues[opening.group()]
            _, found = attribute(s, opening, cue, matcher, context, speakers, limit)
            out[:0] = [st for st in found if all(bare(st.text) != bare(o.text) for o in out)]
    return without_own_voice(out, matcher) if len(out) > 1 else out


def chained_before(folded: str, at: int) -> bool:
    """Whether the cue at `at` is chained to the words before it (", also warned", "and
    said", "but added"): `_CHAIN_BEFORE` in the 40 characters before it, searched only
    when they hold the comma, "and" or "but" it needs (it tries every position)."""
    lo = max(0, at - 40)
    window = folded[lo:at]
    if "," not in window and "and" not in window and "but" not in window:
        return False
    return _CHAIN_BEFORE.search(folded, lo, at) is not None


def _in_name(mentions: list[Mention], at: int) -> bool:
    """Whether position `at` lies inside a named actor or person."""
    for m in mentions:  # noqa: SIM110 (a plain loop: a few mentions per sentence)
        if m.start <= at < m.end:
            return True
    return False


def _opening_gerund(
    s: Sentence, verb: re.Match[str], lexicon: SpeechLexicon
) -> re.Match[str] | None:
    """A participle opening the sentence ("Stating that ..., X said"), else None."""
    if s.folded[: verb.start()].strip() or not lexicon.cues[verb.group()].gerund:
        return None
    if lexicon.cues[verb.group()].group in _TELLING and not THAT_NEXT.match(s.folded, verb.end()):
        return None  # "Recalling the first round, X told ...": an introduction, not words
    return verb
