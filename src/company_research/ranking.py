"""Sentence splitting and ranking: TextRank over TF-IDF cosine similarity with a lead prior.

A small ranker of our own (sumy needs NLTK data that cannot be downloaded at run time). The
graph is LexRank's (sentences as nodes, cosine similarity of TF-IDF vectors as edge weights);
the walk is PageRank with a *personalised* teleport that favours early sentences, because
company pages and posts lead with their key statement (plain centrality scores well below
"first sentences" on news; a position prior recovers most of that). Boilerplate (cookie
notices, navigation, legal text, calls to action) is dropped before ranking, in several
languages.
"""

from __future__ import annotations

import functools
import itertools
import math
import operator
import re
from collections import Counter
from collections.abc import Callable
from operator import mul, sub, truediv

from company_research.keywords import (
    BOILERPLATE_SENTENCE_WORDS,
    BOILERPLATE_SHORT_WORDS,
    LEGAL_SENTENCE_WORDS,
    STOPWORDS,
)

__all__ = ["is_boilerplate", "rank_sentences", "split_sentences", "terms"]

# Abbreviations that end in a period without ending a sentence (several languages).
ABBREVIATIONS = frozenset(
    [
        "e.g",
        "i.e",
        "etc",
        "vs",
        "mr",
        "mrs",
        "ms",
        "dr",
        "prof",
        "inc",
        "ltd",
        "co",
        "corp",
        "st",
        "no",
        "approx",
        "ca",
        "bzw",
        "z.b",
        "d.h",
        "usw",
        "ggf",
        "inkl",
        "evtl",
        "bsp",
        "mme",
        "mlle",
        "env",
        "cf",
        "p.ex",
        "sr",
        "sra",
        "ej",
    ]
)
SENTENCE_END = re.compile(r"(?<=[.!?…])[\"'”»)]?\s+(?=[\"'“«(¿¡]?[A-ZÀ-ÖØ-Þ0-9])")
WORD = re.compile(r"[^\W\d_]{3,}", re.UNICODE)
_BOILERPLATE = re.compile(
    r"(?<!\w)(?:"
    + "|".join(re.escape(w) for w in (*BOILERPLATE_SENTENCE_WORDS, *LEGAL_SENTENCE_WORDS))
    + r")(?!\w)",
    re.IGNORECASE,
)
_CALL_TO_ACTION = re.compile(
    r"(?<!\w)(?:" + "|".join(re.escape(w) for w in BOILERPLATE_SHORT_WORDS) + r")(?!\w)",
    re.IGNORECASE,
)
# The same words in lower case, for a quick test that neither regex can match (_may_match).
_BOILERPLATE_WORDS = tuple(w.lower() for w in (*BOILERPLATE_SENTENCE_WORDS, *LEGAL_SENTENCE_WORDS))
_CALL_TO_ACTION_WORDS = tuple(w.lower() for w in BOILERPLATE_SHORT_WORDS)
# Menus flattened into text: "Home | About | Careers", "Products › Tracking › Pricing".
_NAV_SEPARATORS = re.compile(r"\s[|›»·/>]\s")
_SUFFIXES = ("ations", "ation", "ingen", "ungen", "ments", "ment", "ing", "ung", "ies", "es", "s")

DAMPING = 0.85
ITERATIONS = 60


def split_sentences(text: str) -> list[str]:
    """Sentences of a text, in order; a line break always ends one."""
    sentences: list[str] = []
    for line in text.splitlines():
        line = line.strip()
        if not line:
            continue
        start = 0
        for match in SENTENCE_END.finditer(line):
            candidate = line[start : match.start() + 1].strip()
            last_word = candidate.rstrip(".").rsplit(" ", 1)[-1].lower()
            if last_word in ABBREVIATIONS or len(last_word) == 1:
                continue
            end = match.end()
            sentences.append(line[start:end].strip())
            start = end
        if line[start:].strip():
            sentences.append(line[start:].strip())
    return sentences


def is_boilerplate(sentence: str) -> bool:
    """True for cookie notices, legal text, calls to action and flattened navigation."""
    if _may_match(sentence, _BOILERPLATE_WORDS) and _BOILERPLATE.search(sentence):
        return True
    if len(_NAV_SEPARATORS.findall(sentence)) >= 2:
        return True
    words = sentence.split()
    # "Subscribe to our newsletter" alone is a button; inside a real sentence it is content.
    short = len(words) <= 6 or (len(words) <= 12 and sentence[-1:] not in ".!?")
    if short and _may_match(sentence, _CALL_TO_ACTION_WORDS) and _CALL_TO_ACTION.search(sentence):
        return True
    # A run of capitalised labels with no sentence punctuation is a menu, not prose.
    capitalised = sum(1 for w in words if w[:1].isupper())
    return len(words) >= 4 and capitalised / len(words) > 0.8 and sentence[-1:] not in ".!?…"


def _may_match(sentence: str, words: tuple[str, ...]) -> bool:
    """False when a case-insensitive regex of these (lower-case) words cannot match: in ASCII
    text, where `re.IGNORECASE` is plain lower-casing (no "ſ" or "ı" to match "s" or "i"), and
    a word with other letters cannot match at all. Ten times faster than such a regex, which
    tries every word at every position."""
    if not sentence.isascii():
        return True
    lowered = sentence.lower()
    return any(word in lowered for word in words)


@functools.lru_cache(maxsize=8192)  # the same words recur across a site's sentences
def _stem(word: str) -> str:
    """A crude, language-agnostic stem: enough to match "plan", "plans" and "planning"."""
    for suffix in _SUFFIXES:
        if len(word) - len(suffix) >= 4 and word.endswith(suffix):
            return word[: -len(suffix)]
    return word


def terms(sentence: str) -> list[str]:
    """The content-word stems of a sentence (stop words of en, de, fr, es dropped)."""
    return [_stem(w) for w in (m.lower() for m in WORD.findall(sentence)) if w not in STOPWORDS]


def _usable(sentence: str, min_words: int, max_words: int) -> bool:
    words = sentence.split()
    if not (min_words <= len(words) <= max_words) or is_boilerplate(sentence):
        return False
    return sentence[-1:] in ".!?…\"'”»)" or len(words) >= 10


def tfidf(bags: list[Counter[str]]) -> tuple[list[dict[str, float]], list[float]]:
    """Each sentence's TF-IDF vector (IDF over this text's sentences) and its norm."""
    n = len(bags)
    df: Counter[str] = Counter()
    for bag in bags:
        df.update(bag.keys())
    idf = {term: math.log((1 + n) / (1 + count)) + 1 for term, count in df.items()}
    vectors = [{t: tf * idf[t] for t, tf in bag.items()} for bag in bags]
    norms = [math.sqrt(sum(v * v for v in vec.values())) or 1.0 for vec in vectors]
    return vectors, norms


def _similarity_matrix(bags: list[Counter[str]]) -> list[list[float]]:
    """Cosine similarity of the sentences' TF-IDF vectors."""
    n = len(bags)
    vectors, norms = tfidf(bags)
    keys = [vec.keys() for vec in vectors]
    sim = [[0.0] * n for _ in range(n)]
    for i in range(n):
        vec_i, keys_i = vectors[i], keys[i]
        for j in range(i + 1, n):
            if keys_i.isdisjoint(keys[j]):
                continue  # no shared term: the dot product is 0
            small, large = (
                (vectors[j], vec_i) if len(vectors[j]) < len(vec_i) else (vec_i, vectors[j])
            )
            # The terms `large` lacks added 0.0, which changes no sum: skipping them keeps
            # every similarity the same to the last bit.
            dot = sum(w * large[t] for t, w in small.items() if t in large)
            if dot:
                sim[i][j] = sim[j][i] = dot / (norms[i] * norms[j])
    return sim


def _gather(indices: list[int]) -> Callable[[list[float]], tuple[float, ...]]:
    """A function picking `indices` out of a list, as a tuple (itemgetter, minding 0 and 1)."""
    if not indices:
        return lambda _values: ()
    if len(indices) == 1:
        only = indices[0]
        return lambda values: (values[only],)
    return operator.itemgetter(*indices)


def _pagerank(
    sim: list[list[float]], teleport: list[float], places: int | None = None
) -> list[float]:
    """Weighted PageRank by power iteration; dangling nodes jump along the teleport vector.

    Every score is computed with the same float operations in the same order as the plain
    loops `score[i] * weight / total` summed over i, per j, would; `map` only moves the
    looping into C, so the scores are the same to the last bit.

    `places`: only the order of the best `places` sentences is wanted, so the walk may stop
    as soon as more steps cannot change it. Each step moves the scores by at most DAMPING
    times the previous step (L1: the walk is a contraction), so all the steps still to come
    move them by at most `delta * DAMPING / (1 - DAMPING)` together, and no two scores can
    swap once the gaps between the best `places + 1` exceed that (plus a margin for rounding).
    """
    n = len(sim)
    out = [sum(row) for row in sim]
    # All in-links (i, weight, i's out-weight) of sentence 0, then of 1, ..., found once.
    sources: list[int] = []
    weights: list[float] = []
    totals: list[float] = []
    ends: list[int] = []
    for j in range(n):
        for i in range(n):
            if out[i] and sim[i][j]:
                sources.append(i)
                weights.append(sim[i][j])
                totals.append(out[i])
        ends.append(len(sources))
    # Per sentence: its teleport share, (1 - DAMPING) times it, where its in-links begin, end.
    stays = [(1 - DAMPING) * t for t in teleport]
    rows = list(zip(teleport, stays, [0, *ends[:-1]], ends, strict=True))
    linked = _gather(sources)
    sinks = _gather([i for i in range(n) if not out[i]])
    score = teleport[:]
    for _ in range(ITERATIONS):
        dangling = sum(sinks(score))
        flow = list(map(truediv, map(mul, linked(score), weights), totals))
        new = [stay + DAMPING * (sum(flow[lo:hi]) + dangling * jump) for jump, stay, lo, hi in rows]
        delta = sum(map(abs, map(sub, new, score)))
        score = new
        if delta < 1e-9:
            break
        if places is not None:
            movement = delta * _STILL_TO_MOVE + _ROUNDING
            # No gap exceeds max - min: the sort in _settled is needed only when it may pass.
            if movement < max(score) - min(score) and _settled(score, places, movement):
                break
    return score


# All the steps after one that moved the scores by `delta` move them by at most this times
# `delta` (the sum of DAMPING ** k for k >= 1), and float rounding by far less than _ROUNDING.
_STILL_TO_MOVE = DAMPING / (1 - DAMPING)
_ROUNDING = 1e-9


def _settled(score: list[float], places: int, movement: float) -> bool:
    """True when moves of at most `movement` (L1, all scores together) cannot change which
    scores are the best `places` nor their order: each gap between them exceeds it."""
    best = sorted(score, reverse=True)[: places + 1]
    return all(a - b > movement for a, b in itertools.pairwise(best))


def rank_sentences(
    text: str, *, limit: int = 3, min_words: int = 6, max_words: int = 60, lead_weight: float = 0.5
) -> list[str]:
    """The `limit` best sentences of `text` (verbatim), best first.

    `lead_weight` (0..1) is how much of the teleport mass favours early sentences: 0 is plain
    TextRank, 1 all but "the first sentences". Duplicate sentences count once.
    """
    seen: set[str] = set()
    sentences: list[str] = []
    for sentence in split_sentences(text):
        key = " ".join(sentence.lower().split())
        if key not in seen and _usable(sentence, min_words, max_words):
            seen.add(key)
            sentences.append(sentence)
    sentences = sentences[:200]
    if not sentences:
        return []
    n = len(sentences)
    bags = [Counter(terms(s)) for s in sentences]
    lead = [1 / (1 + i) for i in range(n)]
    total = sum(lead)
    teleport = [(1 - lead_weight) / n + lead_weight * w / total for w in lead]
    # Only the first `limit` places are returned: the walk may stop once they are settled.
    scores = _pagerank(_similarity_matrix(bags), teleport, places=limit if limit > 0 else None)
    order = sorted(range(n), key=lambda i: (-scores[i], i))
    return [sentences[i] for i in order[:limit]]
