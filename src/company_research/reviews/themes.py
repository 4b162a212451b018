"""Themes: recurring phrases in pros and cons (stopword-delimited phrases counted per review,
the RAKE idea, in en/de/fr/es), and representative verbatim quotes. No model, no network."""

from __future__ import annotations

import re
from collections import Counter
from dataclasses import dataclass

from company_research.reviews.words import STOPWORDS

MAX_WORDS = 3
_WORD = re.compile(r"[^\W\d_]+(?:[-'’][^\W\d_]+)*", re.UNICODE)
_CLAUSE = re.compile(r"[.,;:!?()\[\]\n\"“”„«»/•–—]+|\s-\s")
_SENTENCE = re.compile(r"(?<=[.!?…])\s+(?=[A-ZÀ-ÖØ-Þ\"“„«])")


@dataclass(frozen=True)
class Theme:
    """A phrase several reviews share: as most reviewers wrote it, and in how many reviews."""

    text: str
    count: int
    examples: tuple[int, ...]  # indexes of the texts that mention it, first first


def _stem(word: str) -> str:
    """A light plural fold so "benefit" and "benefits", "horaire" and "horaires" meet."""
    if len(word) > 4 and word.endswith(("ies",)):
        return word[:-3] + "y"
    if len(word) > 4 and word.endswith("s") and not word.endswith(("ss", "us", "is")):
        return word[:-1]
    return word


def _phrases(text: str) -> set[tuple[tuple[str, ...], str]]:
    """(stemmed key, surface form) of every 1-3 word run of content words in the text. The
    surface keeps a word's capitals only where they are not just a sentence's first letter
    (ETA, Weiterbildung), so themes read as the reviewers wrote them."""
    found: set[tuple[tuple[str, ...], str]] = set()
    for clause in _CLAUSE.split(text):
        run: list[tuple[str, str]] = []
        for position, word in enumerate([*_WORD.findall(clause), ""]):
            lower = word.lower().replace("’", "'")
            if lower and lower not in STOPWORDS and len(lower) > 2:
                keep = word if (position > 0 or word.isupper()) and len(word) > 1 else lower
                run.append((lower, keep.replace("’", "'")))
                continue
            for size in range(1, MAX_WORDS + 1):
                for start in range(len(run) - size + 1):
                    words = run[start : start + size]
                    key = tuple(_stem(w) for w, _s in words)
                    found.add((key, " ".join(s for _w, s in words)))
            run = []
    return found


def find_themes(texts: list[str], limit: int = 5, min_count: int = 2) -> list[Theme]:
    """The phrases most texts share (each text counted once per phrase), longest first among
    equals, without repeating a word an earlier theme already holds."""
    document_freq: Counter[tuple[str, ...]] = Counter()
    surfaces: dict[tuple[str, ...], Counter[str]] = {}
    where: dict[tuple[str, ...], list[int]] = {}
    for index, text in enumerate(texts):
        seen: set[tuple[str, ...]] = set()
        for key, surface in _phrases(text):
            surfaces.setdefault(key, Counter())[surface] += 1
            if key not in seen:
                seen.add(key)
                document_freq[key] += 1
                where.setdefault(key, []).append(index)
    ranked = sorted(
        (k for k, n in document_freq.items() if n >= min_count),
        key=lambda k: (-document_freq[k], -len(k), " ".join(k)),
    )
    chosen: list[Theme] = []
    used: set[str] = set()
    covered: list[set[int]] = []
    for short in ranked:
        # A longer phrase that most mentions of a word share names the theme better
        # ("field season hours" rather than "field").
        longer = [
            k
            for k in ranked
            if len(k) > len(short)
            and _contains(k, short)
            and 3 * document_freq[k] >= 2 * document_freq[short]
        ]
        key = max(longer, key=lambda k: (document_freq[k], len(k))) if longer else short
        if used & set(key):
            continue
        mentions = set(where[key])
        if any(mentions == earlier for earlier in covered):
            continue  # the same reviews as a theme already chosen: one topic, named once
        used.update(key)
        covered.append(mentions)
        surface = surfaces[key].most_common(1)[0][0]
        chosen.append(Theme(surface, document_freq[key], tuple(where[key])))
        if len(chosen) >= limit:
            break
    return chosen


def _contains(longer: tuple[str, ...], short: tuple[str, ...]) -> bool:
    size = len(short)
    return any(longer[i : i + size] == short for i in range(len(longer) - size + 1))


def sentences(text: str) -> list[str]:
    """Sentences of a review, verbatim (split after . ! ? before a capital)."""
    out: list[str] = []
    for line in text.splitlines():
        out += [s.strip() for s in _SENTENCE.split(line) if s.strip()]
    return out


def quote_from(text: str, words: tuple[str, ...], max_chars: int = 240) -> str | None:
    """A verbatim sentence of text that holds one of the theme words, else its first sentence;
    None when nothing fits in max_chars."""
    candidates = sentences(text)
    lowered = [s.lower() for s in candidates]
    for sentence, low in zip(candidates, lowered, strict=True):
        if any(w in low for w in words) and 40 <= len(sentence) <= max_chars:
            return sentence
    for sentence in candidates:
        if 40 <= len(sentence) <= max_chars:
            return sentence
    return None
