"""Facts a page states in its text: founding year, headquarters, head count.

Each fact has tiers of multilingual patterns (keywords.py). Most of them open with a
case-insensitive alternation, for which Python's `re` has no fast scan, so searching a page
with them tries every position of its text (about 5 ms for 8 KB). Every match of a tier
contains an *anchor*, a plain lower-case regex that is cheap to find (a year, four digits, a
keyword); the patterns are tried only in windows around the anchors, which gives the same
answer as searching the whole text (tests/test_facts.py checks that on random texts).
"""

from __future__ import annotations

import functools
import re
from dataclasses import dataclass

from company_research.keywords import (
    EMPLOYEE_ANCHOR,
    EMPLOYEE_PATTERNS,
    FOUNDED_ANCHOR,
    FOUNDED_PATTERNS,
    FOUNDED_WEAK_PATTERNS,
    HQ_ANCHOR,
    HQ_PATTERNS,
    POSTCODE_ANCHOR,
    POSTCODE_CITY,
)

# Characters a window reaches on each side of an anchor: longer than any match of any pattern
# (they allow at most 60 characters between keyword and value, and a place of six words).
MARGIN = 200
_SPACE = re.compile(r"\s")


@dataclass(frozen=True)
class Tier:
    """Patterns tried in order (the first that matches anywhere wins), sharing one anchor."""

    patterns: tuple[re.Pattern[str], ...]
    anchor: re.Pattern[str]  # found in the lower-cased text; inside every match of every pattern
    group: str  # the named group holding the value


def tier(patterns: tuple[str, ...], anchor: str, group: str, flags: int = 0) -> Tier:
    return Tier(tuple(re.compile(p, flags) for p in patterns), re.compile(anchor), group)


# (fact, tiers): strong phrasings on every page are tried before weak ones on any page.
FACTS: tuple[tuple[str, tuple[Tier, ...]], ...] = (
    (
        "founded",
        (
            tier(FOUNDED_PATTERNS, FOUNDED_ANCHOR, "year", re.I),
            tier(FOUNDED_WEAK_PATTERNS, FOUNDED_ANCHOR, "year", re.I),
        ),
    ),
    (
        "headquarters",
        (tier(HQ_PATTERNS, HQ_ANCHOR, "place"), tier(POSTCODE_CITY, POSTCODE_ANCHOR, "place")),
    ),
    ("employees", (tier(EMPLOYEE_PATTERNS, EMPLOYEE_ANCHOR, "count", re.I),)),
)


def first_match(tier: Tier, text: str) -> str | None:
    """The value the first pattern of `tier` that matches `text` gives at its first match."""
    spans = windows(tier.anchor, text)
    for pattern in tier.patterns:
        for lo, hi in spans:
            match = pattern.search(text, lo, hi)
            if match:
                return match.group(tier.group).strip(" .,")
    return None


def windows(anchor: re.Pattern[str], text: str) -> list[tuple[int, int]]:
    """Disjoint (start, end) spans of `text` around each anchor, in order. A span ends just
    before whitespace, so a word boundary at its end is one in the text too; its start needs
    no care: `Pattern.search(text, pos)` still sees the characters before `pos`."""
    lowered = _lower(text)
    if len(lowered) != len(text):  # a letter whose lower case is longer ("İ"): no shortcut
        return [(0, len(text))]
    spans: list[tuple[int, int]] = []
    for found in anchor.finditer(lowered):
        lo = max(0, found.start() - MARGIN)
        space = _SPACE.search(text, found.end() + MARGIN)
        hi = space.start() if space else len(text)
        if spans and lo <= spans[-1][1]:
            spans[-1] = (spans[-1][0], max(spans[-1][1], hi))
        else:
            spans.append((lo, hi))
    return spans


@functools.lru_cache(maxsize=16)
def _lower(text: str) -> str:
    """The page's text in lower case, made once for its five tiers, not once per tier."""
    return text.lower()
