"""The ranker's shortcuts give what the plain computations give, to the last bit and rank."""

from __future__ import annotations

import re
from collections import Counter

from hypothesis import example, given, settings
from hypothesis import strategies as st

from company_research import ranking
from company_research.keywords import (
    BOILERPLATE_SENTENCE_WORDS,
    BOILERPLATE_SHORT_WORDS,
    LEGAL_SENTENCE_WORDS,
)
from company_research.ranking import DAMPING, ITERATIONS, is_boilerplate, tfidf


def plain_similarity(bags: list[Counter[str]]) -> list[list[float]]:
    """Cosine similarity as the ranker first computed it: every pair, every term (the
    TF-IDF vectors are the ranker's own; what changed is the pairing)."""
    n = len(bags)
    vectors, norms = tfidf(bags)
    sim = [[0.0] * n for _ in range(n)]
    for i in range(n):
        for j in range(i + 1, n):
            small, large = sorted((vectors[i], vectors[j]), key=len)
            dot = sum(w * large.get(t, 0.0) for t, w in small.items())
            if dot:
                sim[i][j] = sim[j][i] = dot / (norms[i] * norms[j])
    return sim


def plain_pagerank(sim: list[list[float]], teleport: list[float]) -> list[float]:
    """Power iteration as plain loops, to convergence or ITERATIONS steps."""
    n = len(sim)
    out = [sum(row) for row in sim]
    score = teleport[:]
    for _ in range(ITERATIONS):
        dangling = sum(score[i] for i in range(n) if not out[i])
        new = [
            (1 - DAMPING) * teleport[j]
            + DAMPING
            * (
                sum(score[i] * sim[i][j] / out[i] for i in range(n) if out[i] and sim[i][j])
                + dangling * teleport[j]
            )
            for j in range(n)
        ]
        delta = sum(abs(a - b) for a, b in zip(new, score, strict=True))
        score = new
        if delta < 1e-9:
            break
    return score


def order(scores: list[float]) -> list[int]:
    return sorted(range(len(scores)), key=lambda i: (-scores[i], i))


# Small vocabularies make sentences share terms (dense graphs), larger ones make sinks.
bags = st.lists(
    st.lists(st.sampled_from("abcdefghij"), max_size=8).map(Counter), min_size=1, max_size=14
)


@settings(max_examples=300, deadline=None)
@given(bags=bags, lead_weight=st.sampled_from([0.0, 0.5, 0.9, 1.0]))
@example(bags=[Counter("ab"), Counter("ab")], lead_weight=0.0)  # an exact tie
@example(bags=[Counter("ab"), Counter("bc")], lead_weight=0.5)  # two sentences, one edge
def test_similarity_and_pagerank_equal_the_plain_loops(
    bags: list[Counter[str]], lead_weight: float
) -> None:
    n = len(bags)
    sim = ranking._similarity_matrix(bags)
    assert sim == plain_similarity(bags)
    lead = [1 / (1 + i) for i in range(n)]
    teleport = [(1 - lead_weight) / n + lead_weight * w / sum(lead) for w in lead]
    plain = plain_pagerank(sim, teleport)
    assert ranking._pagerank(sim, teleport) == plain  # bit for bit
    for places in range(1, n + 1):
        # Stopping once the best `places` cannot move gives them in the same order.
        fast = ranking._pagerank(sim, teleport, places=places)
        assert order(fast)[:places] == order(plain)[:places], places


PLAIN_BOILERPLATE = re.compile(
    r"(?<!\w)(?:"
    + "|".join(re.escape(w) for w in (*BOILERPLATE_SENTENCE_WORDS, *LEGAL_SENTENCE_WORDS))
    + r")(?!\w)",
    re.IGNORECASE,
)
PLAIN_CALL_TO_ACTION = re.compile(
    r"(?<!\w)(?:" + "|".join(re.escape(w) for w in BOILERPLATE_SHORT_WORDS) + r")(?!\w)",
    re.IGNORECASE,
)


def plain_is_boilerplate(sentence: str) -> bool:
    if PLAIN_BOILERPLATE.search(sentence):
        return True
    if len(re.findall(r"\s[|›»·/>]\s", sentence)) >= 2:
        return True
    words = sentence.split()
    short = len(words) <= 6 or (len(words) <= 12 and sentence[-1:] not in ".!?")
    if short and PLAIN_CALL_TO_ACTION.search(sentence):
        return True
    capitalised = sum(1 for w in words if w[:1].isupper())
    return len(words) >= 4 and capitalised / len(words) > 0.8 and sentence[-1:] not in ".!?…"


PIECES = [
    *BOILERPLATE_SENTENCE_WORDS, *LEGAL_SENTENCE_WORDS, *BOILERPLATE_SHORT_WORDS,
    "COOKIES", "Privacy Policy", "Subscribe", "cooſies", "ſubscribe", "prıvacy policy",
    "PRİVACY POLICY", "coo\u212aie", "we", "ship", "sensors", "Our", "team", "builds", "|",
    "›", "/", ".", "!", "x", "cookiex", "xcookie",
]  # fmt: skip


@settings(max_examples=400, deadline=None)
@given(st.lists(st.sampled_from(PIECES), min_size=1, max_size=14).map(" ".join))
@example("We use ſubscribe links.")  # "ſ" matches "s" case-insensitively; not in ASCII
def test_boilerplate_shortcut_equals_the_plain_regexes(sentence: str) -> None:
    assert is_boilerplate(sentence) == plain_is_boilerplate(sentence)


def test_no_boilerplate_word_holds_a_letter_that_folds_to_ascii() -> None:
    # The ASCII shortcut in ranking._may_match assumes none of these is in a word: each
    # matches an ASCII letter under re.IGNORECASE, so a non-ASCII word could match ASCII text.
    words = (*BOILERPLATE_SENTENCE_WORDS, *LEGAL_SENTENCE_WORDS, *BOILERPLATE_SHORT_WORDS)
    assert not any(ch in word for word in words for ch in "\u212a\u017f\u0131\u0130")


SENTENCES = [
    "Harbour cranes report every container move to the terminal system.",
    "The terminal system predicts berth windows from container moves.",
    "Our weekly team lunch moved to Thursdays this autumn.",
    "Planners get early warnings from the terminal system and the cranes.",
    "Parking is available behind the building for all visitors.",
    "Cranes and planners share one system for every berth window.",
]


@settings(max_examples=150, deadline=None)
@given(
    picks=st.lists(st.sampled_from(SENTENCES), min_size=1, max_size=12),
    limit=st.integers(min_value=-1, max_value=8),
    lead=st.sampled_from([0.0, 0.5, 1.0]),
)
def test_rank_sentences_with_the_early_stop_equals_the_full_walk(
    picks: list[str], limit: int, lead: float
) -> None:
    text = " ".join(picks)
    fast = ranking.rank_sentences(text, limit=limit, lead_weight=lead)
    full_walk = ranking._pagerank
    try:
        ranking._pagerank = lambda sim, teleport, places=None: full_walk(sim, teleport)
        full = ranking.rank_sentences(text, limit=limit, lead_weight=lead)
    finally:
        ranking._pagerank = full_walk
    assert fast == full
