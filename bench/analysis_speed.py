"""How fast the analysis runs on one core: items per second, and the worst hostile item.

Run: .venv/bin/python -m bench.analysis_speed [--rounds N]

Prints items analysed per second of CPU time by one `Analyzer` (the bundled config.toml) over

- the loopback farm's items (support.farm's wire-style templates, parsed by parse_feed),
- longer farm-style articles of 1-3 KB,
- the labelled passages of tests/data/analysis,
- the real 2.2 KB wire article of ../shared/samples (when present),
- real articles of 1-3 KB read from ../shared at bench time (never copied into the repo):
  the bodies of that size in the article-extraction benchmark (general news and blogs),
  and the eval dev passages (Serbia-Kosovo wire copy) joined in order into 1-3 KB texts,

then where the time of the 1-3 KB sets goes (microseconds per sentence of each step),
milliseconds per 10 KB article, per article of 0.25, 0.5 and 1 MB (the time per MB
must stay flat: linear), and the time of each hostile text (1 MB on one line,
runs of quote marks, "said said said", 10,000 names, ...), whose worst is the figure to
watch: no input may cost more than ordinary text of its size.
"""

from __future__ import annotations

import argparse
import json
import random
import sys
import time
from collections.abc import Callable, Sequence
from pathlib import Path

from bench.analysis_accuracy import CASES, article, load_case
from dashboard.analysis.analyzer import Analyzer, _Article
from dashboard.analysis.cameo import load_lexicon
from dashboard.analysis.lemmas import Tokens
from dashboard.analysis.phrases import PhraseSet
from dashboard.analysis.speech_lexicon import speech_lexicon
from dashboard.analysis.stances import STANCE_CUES, StanceFinder
from dashboard.analysis.statements import statements_in
from dashboard.analysis.text import Folded
from dashboard.analysis.topics import parse_concept
from dashboard.config import load_config
from dashboard.fetching import parse_feed
from support.farm import Farm, _paragraph

ROOT = Path(__file__).resolve().parent.parent
CONFIG = ROOT / "config.toml"
ROUNDS = 5  # the best of this many passes is reported (other processes add noise)
# CPU time of this process: the figure is per core, and other processes on a shared
# machine do not count against it as they would against the wall clock.
CLOCK = time.process_time

Text = tuple[str, str]  # (title, body)


def farm_items(feeds: int = 10, items: int = 50) -> list[Text]:
    """The items of `feeds` farm feeds, as parse_feed gives them to the analysis."""
    out: list[Text] = []
    with Farm(feeds, items) as farm:
        for feed in range(feeds):
            body, _ = farm.document(feed)
            out.extend((it.title, it.summary) for it in parse_feed(body, kind="rss"))
    return out


def long_articles(count: int = 300, seed: int = 5) -> list[Text]:
    """Farm-style articles of 1-3 KB (5 to 12 generated paragraphs, one per line)."""
    rng = random.Random(seed)
    out = []
    for n in range(count):
        paragraphs = [_paragraph(rng) for _ in range(rng.randint(5, 12))]
        out.append((f"Report {n}: {paragraphs[0].split('.')[0]}", "\n".join(paragraphs)))
    return out


SHARED = ROOT.parent / "shared"
SEED_ARTICLE = SHARED / "samples" / "kfor-request.txt"
EXTRACTION_TRUTH = SHARED / "corpora" / "article-extraction-benchmark" / "ground-truth.json"
DEV_PASSAGES = SHARED / "eval" / "dev-passages.json"
REAL_SIZE = (1000, 3000)  # characters of a "1-3 KB" real article


def seed_article() -> list[Text]:
    """The real wire article the theatre was built from (2.2 KB), when the team's shared
    samples are beside the repository; [] otherwise."""
    if not SEED_ARTICLE.exists():
        return []
    title, _, body = SEED_ARTICLE.read_text(encoding="utf-8").partition("\n")
    return [(title, body)] * 50


def real_articles() -> list[Text]:
    """The article bodies of 1-3 KB in the article-extraction benchmark's ground truth
    (real news and blog pages of many sites, most not about the theatre), untitled as a
    page read in full is; [] when the shared corpus is not beside the repository."""
    if not EXTRACTION_TRUTH.exists():
        return []
    truth = json.loads(EXTRACTION_TRUTH.read_text(encoding="utf-8"))
    low, high = REAL_SIZE
    return [("", page["articleBody"]) for _, page in sorted(truth.items())
            if low <= len(page["articleBody"]) <= high]


def dev_articles() -> list[Text]:
    """The eval dev passages (real Serbia-Kosovo wire copy), joined in their order into
    texts of 1-3 KB, a blank line between passages; [] when they are not there."""
    if not DEV_PASSAGES.exists():
        return []
    low, high = REAL_SIZE
    out: list[Text] = []
    text = ""
    for passage in json.loads(DEV_PASSAGES.read_text(encoding="utf-8")):
        body = passage["text"].strip()
        if text and len(text) + 2 + len(body) > high:
            text = ""  # too short to stand alone and too long to join: dropped
        text = f"{text}\n\n{body}" if text else body
        if len(text) >= low:
            out.append(("", text))
            text = ""
    return [t for t in out if low <= len(t[1]) <= high]


def labelled_passages() -> list[Text]:
    """The labelled passages (title, body) of the accuracy set."""
    return [load_case(path)[:2] for path in sorted(CASES.glob("*.txt"))]


def hostile_texts() -> dict[str, Text]:
    """Inputs built to find quadratic paths: long lines, quote runs, repeated verbs."""
    names = " ".join(f"Aleksandar{n} Vucic{n}" for n in range(10_000))
    return {
        "1 MB single line": ("", ("Vucic said that the talks failed, " * 40_000)[:1_000_000]),
        "1 MB no spaces": ("", "a" * 1_000_000),
        "200 KB straight quotes": ("", '"' * 200_000),
        "200 KB curly quote runs": ("", "“„«" * 70_000),
        "unmatched quotes + said": ("", '“ Vucic said ' * 20_000),
        "said said said (300 KB)": ("", "said " * 60_000),
        "10k names said": ("", names + " said that Serbia recognised Kosovo."),
        "10k countries recognise": ("", "Kenya, Togo and Ghana " * 10_000 + "recognised Kosovo."),
        "periods (200 KB)": ("", "U.S. Mr. " * 22_000),
        "negations (200 KB)": ("", "not no never " * 16_000 + "clashes"),
        "1 MB run-on of topics and events": ("", (
            "Serbian troops demanded the return of Serbian troops, and talks on the "
            "dialogue were rejected, " * 11_000)[:1_000_000]),
        "1 MB title": ("Vucic said: " * 80_000, ""),
    }


def growth(sizes: Sequence[float] = (0.25, 0.5, 1.0)) -> dict[str, float]:
    """Milliseconds to analyse one article of 0.25, 0.5 and 1 MB of ordinary paragraphs
    (what `flashpoint extract` does with a long file): the time per MB must stay flat."""
    rng = random.Random(7)
    paragraphs: list[str] = []
    out = {}
    analyzer = Analyzer(load_config(CONFIG))
    for mb in sizes:
        while sum(len(p) + 1 for p in paragraphs) < mb * 1_000_000:
            paragraphs.append(_paragraph(rng))
        body = "\n".join(paragraphs)[: int(mb * 1_000_000)]
        out[f"{mb:g} MB"] = _best(lambda b=body: analyzer.analyse("", b), rounds=2) * 1000
    return out


def stage_costs(analyzer: Analyzer, texts: Sequence[Text],
                rounds: int = ROUNDS) -> dict[str, float]:
    """Microseconds per sentence of each step of `Analyzer.analyse` over `texts`, each
    timed alone (best of `rounds`): splitting and folding, cutting into words and lemmas
    (shared by the later steps), statements, stance readings (the topics spread over the
    article, then each sentence read, without crediting actors), escalation cues and
    events. Where the time goes, to aim the next work."""
    articles = [_Article(title, body, analyzer.matcher) for title, body in texts]
    sentences = [s for a in articles for s in a.sentences()]
    matcher, cues, stances = analyzer.matcher, analyzer.cue_finder, analyzer.stance_finder
    steps: dict[str, Callable[[], object]] = {
        "split": lambda: [_Article(t, b, matcher).sentences() for t, b in texts],
        "words": lambda: [Tokens(s.folded) for s in sentences],
        "statements": lambda: [
            statements_in(a.title_sentences, a.paragraphs, matcher, a.mentions, None)
            for a in articles],
        "stances": lambda: [_stance_readings(stances, a.sentences()) for a in articles],
        "cues": lambda: [cues.find(s) for s in sentences],
    }
    return {name: _best(run, rounds) / len(sentences) * 1e6 for name, run in steps.items()}


def floor_costs(analyzer: Analyzer, texts: Sequence[Text],
                rounds: int = ROUNDS) -> dict[str, float]:
    """Microseconds per sentence of the least any per-sentence reading must do, whatever
    its design: split the text into folded sentences, cut each into words and lemmas, and
    find which trigger words of the lexicons (speech-verb forms, stance cues, topic
    concept words, CAMEO verbs) each sentence holds, either by one compiled regex (one
    trie, as phrases.PhraseSet builds them) or by one set operation on its words and
    lemmas, reading none of what is found. Their sum (with the cheaper of the two
    finders: `floor_sum`), set against the budget a target allows (1 / items per second /
    sentences per item), tells whether a target is within reach of Python at all."""
    config = analyzer.config
    triggers = set(speech_lexicon().cues)
    triggers.update(p for phrases in STANCE_CUES.values() for p in phrases)
    triggers.update(alt for topic in config.topics
                    for concept in (*topic.concepts, *topic.counter_concepts)
                    for group in parse_concept(concept) for alt in group)
    if config.escalation.events and config.escalation.events.lexicon:
        triggers.update(load_lexicon(config.escalation.events.lexicon).verbs)
    regex = PhraseSet([("trigger", sorted(triggers))])
    matcher = analyzer.matcher
    sentences = [s for t, b in texts for s in _Article(t, b, matcher).sentences()]
    words = frozenset(w for trigger in triggers for w in trigger.split())
    tokens = [Tokens(s.folded) for s in sentences]
    steps: dict[str, Callable[[], object]] = {
        "split": lambda: [_Article(t, b, matcher).sentences() for t, b in texts],
        "words": lambda: [Tokens(s.folded) for s in sentences],
        "trigger regex": lambda: [list(regex.finditer(s.folded)) for s in sentences],
        "trigger set": lambda: [words.intersection(t.words, t.lemmas) for t in tokens],
    }
    return {name: _best(run, rounds) / len(sentences) * 1e6 for name, run in steps.items()}


def floor_sum(floor: dict[str, float]) -> float:
    """The floor of `floor_costs`: splitting, words, and the cheaper trigger finder."""
    return floor["split"] + floor["words"] + min(floor["trigger regex"], floor["trigger set"])


def _stance_readings(stances: StanceFinder, sentences: list[Folded]) -> list[object]:
    """The stance readings of an article's sentences, as `Analyzer.analyse` reads them
    (the topics spread over the article first), without crediting them to actors."""
    named = stances.topics.spread(sentences)
    return [stances.read(s, named) for s in sentences]


def items_per_second(analyzer: Analyzer, texts: Sequence[Text], rounds: int = ROUNDS) -> float:
    """Items per second over `texts`, the best of `rounds` passes after a warm-up."""
    return len(texts) / _best(lambda: _analyse_all(analyzer, texts), rounds)


def _analyse_all(analyzer: Analyzer, texts: Sequence[Text]) -> None:
    for title, body in texts:
        analyzer.analyse(title, body)


def _best(run: Callable[[], object], rounds: int = ROUNDS) -> float:
    run()  # warm caches
    best = float("inf")
    for _ in range(rounds):
        start = CLOCK()
        run()
        best = min(best, CLOCK() - start)
    return best


def main(argv: list[str] | None = None) -> None:
    """Print the figures (`--rounds 1` for a quick pass: each rate is then one pass,
    noisier than the best of five)."""
    parser = argparse.ArgumentParser(prog="python -m bench.analysis_speed")
    parser.add_argument("--rounds", type=int, default=ROUNDS,
                        help="passes per rate; the best is reported")
    rounds = parser.parse_args(argv).rounds
    analyzer = Analyzer(load_config(CONFIG))
    sets = {
        "farm items": farm_items(),
        "farm-style 1-3 KB": long_articles(),
        "labelled passages": labelled_passages(),
        "real article (2.2 KB) x50": seed_article(),
        "real 1-3 KB, general news": real_articles(),
        "real 1-3 KB, dev passages": dev_articles(),
    }
    for name, texts in sets.items():
        if not texts:
            continue
        size = sum(len(t) + len(b) for t, b in texts) / len(texts)
        rate = items_per_second(analyzer, texts, rounds)
        print(f"{name:>26}: {rate:7.0f} items/s per core ({size:.0f} chars avg, "
              f"{len(texts)} items)")
    for name in ("farm-style 1-3 KB", "real 1-3 KB, general news", "real 1-3 KB, dev passages"):
        if not sets[name]:
            continue
        costs = stage_costs(analyzer, sets[name], rounds)
        print(f"µs per sentence ({name}): " + ", ".join(
            f"{step} {us:.1f}" for step, us in costs.items()))
    for name, target in (("farm items", 3000), ("real 1-3 KB, general news", 1500),
                         ("real 1-3 KB, dev passages", 1500)):
        if not sets[name]:
            continue
        texts = sets[name]
        per_item = sum(len(_Article(t, b, analyzer.matcher).sentences())
                       for t, b in texts) / len(texts)
        floor = floor_costs(analyzer, texts, rounds)
        print(f"floor, µs per sentence ({name}): " + ", ".join(
            f"{step} {us:.1f}" for step, us in floor.items())
            + f"; floor {floor_sum(floor):.1f} of the {1e6 / target / per_item:.1f} "
            f"that {target:,} items/s allows ({per_item:.1f} sentences an item)")
    title, body = article(10_000)
    ms = _best(lambda: analyzer.analyse(title, body), rounds) * 1000
    print(f"{'ms per 10 KB article':>24}: {ms:.2f}")
    for size, ms in growth().items():
        print(f"{'article of ' + size:>24}: {ms:8.1f} ms ({ms / float(size[:-3]):.0f} ms per MB)")
    worst = ("", 0.0)
    for name, (title, body) in hostile_texts().items():
        start = CLOCK()
        analyzer.analyse(title, body)
        took = CLOCK() - start
        size = (len(title) + len(body)) / 1000
        print(f"{'hostile: ' + name:>34}: {took * 1000:8.1f} ms ({size:.0f} KB)")
        worst = max(worst, (name, took), key=lambda w: w[1])
    print(f"{'worst hostile item':>24}: {worst[1] * 1000:.1f} ms ({worst[0]})")


if __name__ == "__main__":
    main(sys.argv[1:])
