"""Who said what: direct quotes and reported speech, attributed to people and actors.

`extract_statements(title, body, matcher)` walks the article sentence by sentence and
keeps a little context (the last person spoken of, the organisation in focus), so that
"he said", "According to him" and "the mission said" resolve to someone named earlier.

A sentence yields a statement when it has a speech verb ("said", "told ... that",
"according to") outside quotation marks and a speaker can be found for it:

- a configured person (full name, or surname alone once unique), speaking for their actor;
- an unknown but clearly named person ("John Smith said"), with no actor unless a title
  names one ("Kosovo Foreign Minister Jane Doe");
- "he"/"she"/"him"/"her" for the last person spoken of;
- "the mission/alliance/ministry ..." for the organisation or state in focus;
- an actor itself ("Serbia notes that", "the State Department said").

Quoted words that open the sentence or follow a colon are `direct` speech; the speaker's
content without the attribution is `reported` speech (short quoted fragments inside it
stay part of the reported text). A sentence that is nothing but a quotation continues
the previous statement ("“A,” X said. “B.”" is one statement).

Everything is linear in the article length: regexes are compiled once, and each sentence
is scanned a fixed number of times.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, replace
from itertools import islice
from typing import NamedTuple

from dashboard.analysis.actors import ActorMatcher, Mention, trie_regex
from dashboard.analysis.text import (
    Folded,
    fold,
    folded_sentences,
    is_negated,
    quote_spans,
    split_paragraphs,
    split_sentences,
    word_pieces,
    words,
)
from dashboard.models import Statement

# Verbs that introduce speech on their own ("X said ...").
_STRONG = words(
    "said says say told tells warned warns stressed stresses added adds insisted insists "
    "stated reiterated reiterates emphasised "
    "emphasized emphasises emphasizes underlined underlines urged urges accused accuses "
    "asserted asserts pledged pledges vowed vows promised promises tweeted"
)
# Verbs that are speech only with a "that" clause ("Serbia notes that ...").
_WEAK = words(
    "noted notes informed informs believes believe thinks think claimed claims argued "
    "argues acknowledged acknowledges admitted admits explained explains assured assures "
    "confirmed confirms denied denies wrote writes posted replied responded recalled "
    "recalls suggested suggests indicated indicates announced announces declared declares"
)
# Verbs of intention, speech only right after a named subject ("Vucic plans to ...").
_INTENT = words("plans wants intends expects hopes")
# Headlines describe ("Rubio urges calm"); only these verbs report content there.
_TITLE_VERBS = words("said says told tells")

# one trie-shaped alternation: a plain list of ~100 words cost 3x as much per sentence
_VERB = re.compile(
    r"(?<![\w'’-])(?:"
    + trie_regex(["according to", "pointed out", "points out", *_STRONG, *_WEAK, *_INTENT])
    + r")(?![\w'’-])"
)
# A word piece (see text.word_pieces) of each verb above: a sentence without any of
# them has no speech verb.
_VERB_PIECES = frozenset(
    max(word_pieces(verb), key=len)
    for verb in ("according to", "pointed out", "points out", *_STRONG, *_WEAK, *_INTENT)
)
_PASSIVE = words("is are was were be been being")
_PRONOUN_PERSON = words("he she")
_LOCATIVE = words("in at from near to")
_PRONOUN_OBJECT = words("him her")
_ORG_NOUNS = words(
    "mission alliance force organisation organization bloc commission council peacekeepers"
)
_STATE_NOUNS = words("ministry government presidency embassy office cabinet")
# Words between a verb and "that" that show a new clause has begun ("said it had ... that").
_CLAUSE_WORDS = words(
    "had has have was were is are would will could should must can may might did does"
)
# Capitalised words that are titles, months or function words, never part of a name.
_NOT_NAME = words(
    "the a an on in at after before according during while when since mr mrs ms dr "
    "president prime minister foreign defence defense interior secretary general special "
    "representative envoy spokesperson spokesman spokeswoman ambassador commander chief head "
    "deputy director office ministry government council department state leader mayor "
    "monday tuesday wednesday thursday friday saturday sunday january february march april "
    "may june july august september october november december radio agency news tv "
    "however but and meanwhile earlier later also it he she they we i this that"
)
_NAME_TOKEN = re.compile(r"[^\W\d_][\w'’.-]*")
# The _NAME_TOKEN tokens that may start with a capital: a token starts at the first letter
# of a run of token characters (the run's leading digits, "_", "'", "." and "-" are
# skipped) and here that letter is A-Z or any non-ASCII letter, so that lower-case
# English words never reach Python.
_CAPITALISED_TOKEN = re.compile(
    r"(?<![\w'’.-])[\d_'’.-]*(?P<token>(?:[A-Z]|(?=[^\x00-\x7f])[^\W\d_])[\w'’.-]*)"
)
_ADVERBIAL = re.compile(
    r"(?:,\s*)?(?:(?:on|late on|early on|earlier on) (?:monday|tuesday|wednesday|thursday|"
    r"friday|saturday|sunday|\w+ \d{1,2}|\d{1,2} \w+)|in a (?:statement|post on \w+|"
    r"written statement|video address|televised address)|in an interview(?: with \w+)?|"
    r"at a (?:press|news) conference|at a briefing|to reporters|to journalists|"
    r"on social media|on (?:x|twitter|facebook|instagram|telegram)|earlier|later|also|"
    r"again|today|yesterday|on [a-z]+day)\b[,:]?\s*",
)
_NON_SPACE = re.compile(r"\S+")
_MIN_QUOTE_WORDS = 3
_MAX_VERBS = 6  # speech verbs tried per sentence
_LOOKBACK = 300  # characters searched for a verb's subject


@dataclass
class _Context:
    """What earlier sentences said about who is speaking."""

    person: tuple[str, str | None] | None = None  # (name, actor)
    organisation: str | None = None
    state: str | None = None
    last: Statement | None = None  # the previous sentence's statement, if any


class _Speaker(NamedTuple):
    name: str
    actor: str | None
    start: int
    end: int
    is_person: bool


def extract_statements(title: str, body: str, matcher: ActorMatcher) -> list[Statement]:
    """Statements in an article: title first, then the body's paragraphs in order.

    item_id, source_id, time and link are left at their defaults for the caller to fill.
    """
    title_sentences = [Folded.of(s) for s in split_sentences(" ".join(title.split()))]
    paragraphs = [folded_sentences(p) for p in split_paragraphs(body)]
    return statements_in(title_sentences, paragraphs, matcher)


def statements_in(
    title: Sequence[Folded],
    paragraphs: Iterable[Sequence[Folded]],
    matcher: ActorMatcher,
    find: Callable[[Folded], list[Mention]] | None = None,
) -> list[Statement]:
    """`extract_statements` on an article already split into folded sentences.

    `title` holds the title's sentences, `paragraphs` the body's; `find` (default
    `matcher.find_folded`) lets a caller share the actor mentions it needs too.
    """
    find = find or matcher.find_folded
    out: list[Statement] = []
    ctx = _Context()
    names = matcher.display_names
    for i, sentence in enumerate(title):
        s = _Sentence.of(sentence, find(sentence))
        st = _headline(sentence.text, matcher) if i == 0 else None
        _emit(out, ctx, st or _statement(s, matcher, ctx, title=True), s, matcher, names)
    for paragraph in paragraphs:
        ctx.last = None  # a bare quote continues a statement only within its paragraph
        for sentence in paragraph:
            s = _Sentence.of(sentence, find(sentence))
            _emit(out, ctx, _statement(s, matcher, ctx), s, matcher, names)
    return out


class _Sentence(NamedTuple):
    """A sentence with its quotations and the actor mentions outside them, found once."""

    text: str
    folded: Folded
    spans: list[tuple[int, int]]
    mentions: list[Mention]

    @classmethod
    def of(cls, folded: Folded, mentions: list[Mention]) -> _Sentence:
        """The sentence's quotations and its mentions outside them."""
        spans = quote_spans(folded.text)
        return cls(folded.text, folded, spans, _outside_quotes(mentions, spans))


def _emit(
    out: list[Statement], ctx: _Context, st: Statement | None, s: _Sentence,
    matcher: ActorMatcher, names: frozenset[str],
) -> None:
    """Record a sentence's statement (or quote continuation) and update the context."""
    sentence, mentions = s.text, s.mentions
    if st is None and ctx.last is not None and _is_bare_quote(sentence, s.spans):
        quote = _quote_text(sentence, s.spans)
        prev = ctx.last
        if prev.kind == "direct" and out and out[-1] is prev:
            st = replace(prev, text=f"{prev.text} {quote}", sentence=f"{prev.sentence} {sentence}")
            out[-1] = st
        else:
            st = Statement(prev.speaker, prev.actor, "direct", quote, sentence)
            out.append(st)
        ctx.last = st
        return
    if st is not None:
        out.append(st)
        if st.speaker not in names:
            ctx.person = (st.speaker, st.actor)  # a person spoke: "he" now means them
    else:
        people = [m for m in mentions if m.person and not _possessive(sentence, m.end)]
        if people:
            ctx.person = (people[0].person, people[0].actor)  # type: ignore[assignment]
    ctx.last = st
    for m in mentions:
        kind = matcher.kind(m.actor)
        if kind == "organisation":
            ctx.organisation = m.actor
        elif kind == "state":
            ctx.state = m.actor


def _outside_quotes(mentions: list[Mention], spans: list[tuple[int, int]]) -> list[Mention]:
    """Mentions not inside a quotation (both lists are in text order: one merge pass)."""
    out, k = [], 0
    for m in mentions:
        while k < len(spans) and spans[k][1] <= m.start:
            k += 1
        if not (k < len(spans) and spans[k][0] <= m.start):
            out.append(m)
    return out


def _possessive(sentence: str, end: int) -> bool:
    return sentence[end : end + 2] in ("'s", "’s")


def _is_bare_quote(sentence: str, spans: list[tuple[int, int]]) -> bool:
    if len(spans) != 1:
        return False
    a, b = spans[0]
    rest = (sentence[:a] + sentence[b:]).strip(" .,;!?")
    return a <= 1 and not rest and len(sentence[a:b].split()) >= _MIN_QUOTE_WORDS


def _quote_text(sentence: str, spans: list[tuple[int, int]]) -> str:
    """The words inside the speech quotes, joined, without the marks."""
    # the comma that hands over to the attribution ("A," X said) belongs to the sentence
    parts = [
        sentence[a + 1 : b - 1].strip().rstrip(",").rstrip()
        for a, b in spans if _is_speech_quote(sentence, a, b)
    ]
    return " ".join(p for p in parts if p).strip()


def _is_speech_quote(sentence: str, a: int, b: int) -> bool:
    return len(sentence[a:b].split()) >= _MIN_QUOTE_WORDS


def _mask(sentence: str, spans: list[tuple[int, int]]) -> str:
    """The sentence with quoted words blanked out, so verbs inside quotes are not seen."""
    if not spans:
        return sentence
    parts, pos = [], 0
    for a, b in spans:
        parts += [sentence[pos : a + 1], " " * max(0, b - a - 2)]
        pos = b - 1
    parts.append(sentence[pos:])
    return "".join(parts)


# --- headlines -----------------------------------------------------------------------

_HEADLINE = re.compile(r"^([^:“\"]{2,80}):\s+(.+)$")


def _headline(title: str, matcher: ActorMatcher) -> Statement | None:
    """'Vucic: Serbia will never recognise Kosovo' -> a statement by the named speaker."""
    m = _HEADLINE.match(title)
    if not m or len(m.group(1).split()) > 6:
        return None
    mentions = matcher.find(m.group(1))
    if not mentions:
        return None
    who = mentions[-1]
    content = m.group(2).strip()
    spans = quote_spans(content)
    if spans and spans[0][0] == 0 and _is_speech_quote(content, *spans[0]):
        kind, text = "direct", _quote_text(content, spans)
    else:
        kind, text = "reported", content.rstrip(".")
    if not any(ch.isalnum() for ch in text):
        return None  # "Vucic said: ." says nothing: no statement without words
    return Statement(*_who(who, matcher), kind, text, title)


def _who(m: Mention, matcher: ActorMatcher) -> tuple[str, str]:
    return (m.person or matcher.display_name(m.actor), m.actor)


# --- sentences -----------------------------------------------------------------------


def _statement(
    s: _Sentence, matcher: ActorMatcher, ctx: _Context, *, title: bool = False
) -> Statement | None:
    """The statement in one sentence, or None when it is not speech."""
    sentence, spans, mentions = s.text, s.spans, s.mentions
    if s.folded.offsets is None:  # folding kept every place: mask the fold itself
        if _VERB_PIECES.isdisjoint(s.folded.pieces):
            return None  # no speech verb in the sentence at all (most sentences)
        folded = _mask(s.folded.folded, spans)
    else:
        masked = _mask(sentence, spans)
        folded = fold(masked)
        if len(folded) != len(masked):  # folding changed lengths: find verbs on a safe copy
            folded = masked.lower()
    for tried, verb in enumerate(_VERB.finditer(folded)):
        word = verb.group()
        if tried >= _MAX_VERBS:
            break  # a real sentence has one attribution; hostile text has thousands
        if title and word not in _TITLE_VERBS:
            continue
        found = _attribute(sentence, folded, spans, mentions, verb, matcher, ctx)
        if found is not None:
            return found
    return None


def _attribute(
    sentence: str,
    folded: str,
    spans: list[tuple[int, int]],
    mentions: list[Mention],
    verb: re.Match[str],
    matcher: ActorMatcher,
    ctx: _Context,
) -> Statement | None:
    word, vs, ve = verb.group(), verb.start(), verb.end()
    if word == "according to":
        return _according_to(sentence, spans, mentions, vs, ve, matcher, ctx)
    before = folded[max(0, vs - 20) : vs].split()
    if before and before[-1] in _PASSIVE:
        return None  # "said to be", "were told to"
    if is_negated(folded, vs, ve, window=2):
        return None  # "did not say whether"
    after_quote = max((b for a, b in spans if b <= vs), default=max(0, vs - _LOOKBACK))
    after_quote = max(after_quote, vs - _LOOKBACK)
    speaker = _speaker_before(sentence, folded, after_quote, vs, mentions, matcher, ctx)
    if speaker is None and after_quote and sentence[after_quote:vs].strip(" ,") == "":
        speaker = _speaker_after(sentence, ve, mentions, matcher)
    if speaker is None:
        return None
    if word in _INTENT and (not speaker or _gap_words(folded, speaker.end, vs) > 1):
        return None
    quote_first = bool(spans) and sentence[: spans[0][0]].strip() == ""
    colon_quote = next(
        (a for a, b in spans if a >= ve and sentence[ve:a].rstrip().endswith((":", ","))
         and _is_speech_quote(sentence, a, b)), None,
    )
    if (quote_first and _is_speech_quote(sentence, *spans[0])) or colon_quote is not None:
        text = _quote_text(sentence, spans)
        if text:
            return Statement(speaker.name, speaker.actor, "direct", text, sentence)
    content = _content_after(sentence, folded, ve, word)
    if content is None:
        return None
    if len(content.split()) < 2:
        content = _content_before(sentence, speaker.start)
    if not content or len(content.split()) < 2:
        return None
    return Statement(speaker.name, speaker.actor, "reported", content, sentence)


def _according_to(
    sentence: str,
    spans: list[tuple[int, int]],
    mentions: list[Mention],
    vs: int,
    ve: int,
    matcher: ActorMatcher,
    ctx: _Context,
) -> Statement | None:
    """'According to X, content.' and 'Content, according to X.'"""
    comma = sentence.find(",", ve, ve + _LOOKBACK)
    inner_end = comma if comma >= 0 else len(sentence)
    who_text = sentence[ve:inner_end]
    speaker: _Speaker | None = None
    inside = [m for m in mentions if ve <= m.start < inner_end]
    people = [m for m in inside if m.person]
    first_word = fold(who_text).split()[:1]
    if people:
        speaker = _from_mention(people[-1], matcher)
    elif first_word and first_word[0] in _PRONOUN_OBJECT:
        if ctx.person:
            speaker = _Speaker(ctx.person[0], ctx.person[1], ve, inner_end, True)
    else:
        speaker = _unknown_name(sentence, ve, inner_end, mentions) or (
            _from_mention(inside[-1], matcher) if inside else None
        )
    if speaker is None:
        return None
    if sentence[:vs].strip() == "":
        content = sentence[inner_end + 1 :].strip() if comma >= 0 else ""
    else:
        content = sentence[:vs].rstrip(" ,")
    content = content.rstrip(" .")
    if len(content.split()) < 2:
        return None
    kind = "reported"
    if spans and content.startswith(("“", '"')) and _is_speech_quote(sentence, *spans[0]):
        kind, content = "direct", _quote_text(sentence, spans)
    return Statement(speaker.name, speaker.actor, kind, content, sentence)


def _gap_words(folded: str, a: int, b: int) -> int:
    return len(folded[a:b].split())


def _from_mention(m: Mention, matcher: ActorMatcher) -> _Speaker:
    name, actor = _who(m, matcher)
    return _Speaker(name, actor, m.start, m.end, m.person is not None)


def _speaker_before(
    sentence: str,
    folded: str,
    lo: int,
    vs: int,
    mentions: list[Mention],
    matcher: ActorMatcher,
    ctx: _Context,
) -> _Speaker | None:
    """The subject of the verb at vs, looking back to lo (sentence start or a quote)."""
    window = [m for m in mentions if lo <= m.start and m.end <= vs]
    people = [m for m in window if m.person and not _possessive(sentence, m.end)]
    best: _Speaker | None = _from_mention(people[-1], matcher) if people else None
    unknown = _unknown_name(sentence, lo, vs, mentions)
    if unknown and (best is None or unknown.start > best.end):
        best = unknown
    if best is not None:
        return best
    tokens = folded[lo:vs].split()
    while tokens and tokens[-1] in ("also", "later", "earlier", "then", "again"):
        tokens.pop()
    if tokens and tokens[-1].strip(",") in _PRONOUN_PERSON:
        return _Speaker(ctx.person[0], ctx.person[1], vs, vs, True) if ctx.person else None
    if len(tokens) >= 2 and tokens[-2] == "the":
        noun = tokens[-1]
        actor = ctx.organisation if noun in _ORG_NOUNS else (
            ctx.state if noun in _STATE_NOUNS else None
        )
        if actor:
            return _Speaker(matcher.display_name(actor), actor, vs, vs, False)
    return _actor_subject(sentence, folded, window, vs, matcher)


def _actor_subject(
    sentence: str, folded: str, window: list[Mention], vs: int, matcher: ActorMatcher
) -> _Speaker | None:
    """An actor right before the verb: "Serbia notes", "the U.S. Embassy in Pristina said".

    A name after "in"/"at"/"from" is a place, not the speaker; an institution noun and a
    place may stand between the actor and the verb, nothing else (and no comma).
    """
    for m in reversed(window):
        before = folded[max(0, m.start - 6) : m.start].split()
        if before and before[-1] in _LOCATIVE:
            continue
        gap = folded[m.end : vs]
        if "," in gap:
            return None
        tokens = gap.split()
        core = next((tokens[:k] for k, t in enumerate(tokens) if t in _LOCATIVE), tokens)
        if len(core) <= 1 and len(tokens) <= 6:
            return _from_mention(m, matcher)
        return None
    return None


def _speaker_after(
    sentence: str, ve: int, mentions: list[Mention], matcher: ActorMatcher
) -> _Speaker | None:
    """'..., said German Foreign Minister Annalena Baerbock.' (inverted attribution)"""
    stop = sentence.find(",", ve, ve + _LOOKBACK)
    hi = stop if stop >= 0 else min(len(sentence), ve + _LOOKBACK)
    people = [m for m in mentions if ve <= m.start < hi and m.person]
    if people:
        return _from_mention(people[0], matcher)
    return _unknown_name(sentence, ve, hi, mentions)


def _unknown_name(
    sentence: str, lo: int, hi: int, mentions: list[Mention]
) -> _Speaker | None:
    """The last run of 2-4 capitalised words in sentence[lo:hi] that is no known name.

    A title naming an actor just before it ("Kosovo Foreign Minister Jane Doe") gives the
    person that actor.
    """
    taken = [(m.start, m.end) for m in mentions]
    runs: list[list[tuple[int, int]]] = []
    current: list[tuple[int, int]] = []
    # Lower-case tokens are never part of a name and only end the run before them, which
    # the gap check below sees as well (the gap then holds them), so only capitalised
    # tokens are visited. The slice starts the tokens at `lo` as _NAME_TOKEN's would.
    for tok in _CAPITALISED_TOKEN.finditer(sentence[lo:hi]):
        word = tok.group("token")
        if not word[0].isupper():
            continue  # a non-ASCII lower-case letter
        start, end = tok.start("token") + lo, tok.end() + lo
        ok = fold(word.rstrip(".")) not in _NOT_NAME and not _in_any(taken, start)
        if ok and (not current or sentence[current[-1][1] : start] == " "):
            current.append((start, end))
            continue
        if len(current) >= 2:
            runs.append(current)
        current = [(start, end)] if ok else []
    if len(current) >= 2:
        runs.append(current)
    runs = [r for r in runs if len(r) <= 4]
    if not runs:
        return None
    run = runs[-1]
    start, end = run[0][0], run[-1][1]
    actor = None
    titled = [m for m in mentions if m.end <= start and m.person is None]
    if titled:
        last = titled[-1]
        gap = sentence[last.end : start]
        if "," not in gap and len(gap.split()) <= 4:
            actor = last.actor
    return _Speaker(sentence[start:end], actor, start, end, True)


def _in_any(spans: list[tuple[int, int]], pos: int) -> bool:
    """Whether pos lies in one of the spans (a plain loop: any() over a generator costs
    more on this hot path)."""
    for a, b in spans:  # noqa: SIM110
        if a <= pos < b:
            return True
    return False


def _content_after(sentence: str, folded: str, ve: int, verb: str) -> str | None:
    """What follows the verb: after 'that' if it comes soon, else minus adverbials.

    None when the verb needs a 'that' clause and has none.
    """
    rest = folded[ve : ve + 200]
    for tok in islice(_NON_SPACE.finditer(rest), 8):
        word = tok.group().strip(",")
        if word == "that":
            return _clean(sentence[ve + tok.end() :])
        if word in _CLAUSE_WORDS:
            break
    if verb in _WEAK or verb in ("pointed out", "points out"):
        return None
    if verb in _INTENT:
        return _clean(sentence[ve - len(verb) :])
    start = ve
    stripped = rest.lstrip(" :")
    start += len(rest) - len(stripped)
    while True:
        m = _ADVERBIAL.match(folded, start)
        if not m or m.end() == start:
            break
        start = m.end()
    return _clean(sentence[start:])


def _content_before(sentence: str, subject_start: int) -> str:
    """'Content, X said.': the words before the comma that precedes the subject."""
    comma = sentence.rfind(",", 0, subject_start)
    return _clean(sentence[:comma]) if comma > 0 else ""


def _clean(text: str) -> str:
    return text.strip().rstrip(".").strip()
