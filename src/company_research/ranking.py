"""Sentence splitting and ranking: centrality (TextRank-style) with a lead prior, no NLTK."""

from __future__ import annotations

import math
import re

from company_research.keywords import BOILERPLATE_SENTENCE_WORDS

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


def _words(sentence: str) -> set[str]:
    return {w.lower() for w in WORD.findall(sentence)}


def _usable(sentence: str, min_words: int, max_words: int) -> bool:
    words = sentence.split()
    if not (min_words <= len(words) <= max_words):
        return False
    lowered = sentence.lower()
    if any(word in lowered for word in BOILERPLATE_SENTENCE_WORDS):
        return False
    return sentence[-1:] in ".!?…\"'”»)" or len(words) >= 10


def rank_sentences(
    text: str, *, limit: int = 3, min_words: int = 6, max_words: int = 60, lead_weight: float = 0.5
) -> list[str]:
    """The `limit` most central sentences (verbatim), best first, with a prior on position."""
    sentences = [s for s in split_sentences(text) if _usable(s, min_words, max_words)][:200]
    if not sentences:
        return []
    bags = [_words(s) for s in sentences]
    n = len(sentences)
    centrality = [0.0] * n
    for i in range(n):
        for j in range(i + 1, n):
            if not bags[i] or not bags[j]:
                continue
            overlap = len(bags[i] & bags[j])
            if overlap:
                weight = overlap / (math.log(len(bags[i]) + 1) + math.log(len(bags[j]) + 1))
                centrality[i] += weight
                centrality[j] += weight
    top = max(centrality) or 1.0
    scored = [
        ((1 - lead_weight) * (centrality[i] / top) + lead_weight / (1 + i), i) for i in range(n)
    ]
    scored.sort(key=lambda pair: (-pair[0], pair[1]))
    return [sentences[i] for _score, i in scored[:limit]]
