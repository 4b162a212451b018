"""Facts a page states in its text: founding year, headquarters, head count.

Each fact has tiers of multilingual patterns (keywords.py). Most of them open with a
case-insensitive alternation, for which Python's `re` has no fast scan, so searching a page
with them tries every position of its text (about 5 ms for 8 KB). Every match of a tier
contains an *anchor*, a plain lower-case regex that is cheap to find (a year, four digits, a
keyword); the patterns are tried only in windows around the anchors, which gives the same
answer as searching the whole text (tests/test_facts.py checks that on random texts).

The text has one line per block of the page (extract.py). A fact is read from one block, or
from two where pages state it so (`accepted`): a label alone then its value ("Founded" /
"2015", a <dt> and its <dd>), a number alone then its label ("250+" / "employees", a stat
counter), a street line then the postcode line of an address. Never from the end of one list
item and the start of the next ("Junior Engineer 0" / "Staff Engineer 1").
"""

from __future__ import annotations

import functools
import re
from collections.abc import Callable, Iterator
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
    POSTCODE_CITY_NEEDS,
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
    # Per pattern: a regex that finds something inside every match of it (None: no such
    # check); a window where it finds nothing is not searched with the slow pattern.
    needs: tuple[re.Pattern[str] | None, ...] = ()
    # Whether a value the patterns read can be the fact at all (None: any value can).
    plausible: Callable[[str], bool] | None = None


def tier(
    patterns: tuple[str, ...],
    anchor: str,
    group: str,
    flags: int = 0,
    needs: tuple[str | None, ...] = (),
    plausible: Callable[[str], bool] | None = None,
) -> Tier:
    return Tier(
        tuple(re.compile(p, flags) for p in patterns),
        re.compile(anchor),
        group,
        tuple(re.compile(n, flags) if n else None for n in needs),
        plausible,
    )


def head_count(value: str) -> bool:
    """A head count of 0 or 1 is never a company's size ("Engineer 1", "1 person")."""
    digits = re.sub(r"\D", "", value)
    return bool(digits) and int(digits) > 1


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
        (
            tier(HQ_PATTERNS, HQ_ANCHOR, "place"),
            tier(POSTCODE_CITY, POSTCODE_ANCHOR, "place", needs=POSTCODE_CITY_NEEDS),
        ),
    ),
    ("employees", (tier(EMPLOYEE_PATTERNS, EMPLOYEE_ANCHOR, "count", re.I, plausible=head_count),)),
)


def first_match(tier: Tier, text: str) -> str | None:
    """The value the first pattern of `tier` that matches `text` gives at its first accepted
    match: searching on from the next character after a match `accepted` refuses."""
    spans = windows(tier.anchor, text)
    if not spans:
        return None
    patterns, needs = _latin1_tier(tier) if _latin1(text) else (tier.patterns, tier.needs)
    for pattern, need in zip(patterns, needs or (None,) * len(patterns), strict=True):
        for lo, hi in spans:
            if need is not None and need.search(text, lo, hi) is None:
                continue  # nothing every match contains is in this window: no match either
            pos = lo
            while (match := pattern.search(text, pos, hi)) is not None:
                value = accepted(tier, match)
                if value is not None:
                    return value
                pos = match.start() + 1
    return None


def accepted(tier: Tier, match: re.Match[str]) -> str | None:
    """The value `match` (of a pattern of `tier`) reads, or None when it is no fact: the
    value is implausible (tier.plausible), or the match joins blocks of the page that do not
    state one fact.

    A match may join two blocks (lines of the text), never three, and only when one of them
    is no more than the match takes from it: the first (a label alone, "Founded" /
    "2015"; a number alone, "250+" / "employees") or the one holding the value (a <dd>, the
    postcode line of an address). "Junior Engineer 0" / "Staff Engineer 1" is neither."""
    value = match.group(tier.group).strip(" .,")
    if tier.plausible is not None and not tier.plausible(value):
        return None
    text = match.string
    start, end = match.span()
    cut = text.find("\n", start, end)
    if cut < 0:
        return value
    if text.find("\n", cut + 1, end) >= 0:
        return None  # three blocks
    if text.rfind("\n", 0, cut) + 1 >= start:
        return value  # the first block lies wholly in the match
    if match.start(tier.group) > cut and (end == len(text) or text[end] == "\n"):
        return value  # the value's block lies wholly in the match
    return None


@functools.cache
def _latin1_tier(
    tier: Tier,
) -> tuple[tuple[re.Pattern[str], ...], tuple[re.Pattern[str] | None, ...]]:
    """The patterns and needs of `tier` for a Latin-1 text: `\\d` written [0-9] (_ascii_digits)."""
    return (
        tuple(_ascii_digits(p) for p in tier.patterns),
        tuple(_ascii_digits(n) if n else None for n in tier.needs),
    )


@functools.lru_cache(maxsize=64)  # two tiers of a fact share an anchor
def windows(anchor: re.Pattern[str], text: str) -> tuple[tuple[int, int], ...]:
    """Disjoint (start, end) spans of `text` around each anchor, in order. A span ends just
    before whitespace, so a word boundary at its end is one in the text too; its start needs
    no care: `Pattern.search(text, pos)` still sees the characters before `pos`."""
    lowered = _lower(text)
    if len(lowered) != len(text):  # a letter whose lower case is longer ("İ"): no shortcut
        return ((0, len(text)),)
    spans: list[tuple[int, int]] = []
    for start, end in _anchors(anchor, lowered):
        lo = max(0, start - MARGIN)
        space = _SPACE.search(text, end + MARGIN)
        hi = space.start() if space else len(text)
        if spans and lo <= spans[-1][1]:
            spans[-1] = (spans[-1][0], max(spans[-1][1], hi))
        else:
            spans.append((lo, hi))
    return tuple(spans)


def _anchors(anchor: re.Pattern[str], lowered: str) -> Iterator[tuple[int, int]]:
    """(start, end) of each match `anchor.finditer(lowered)` gives, found faster:

    - an anchor made of plain words ("headquarter|\\bhq\\b|based") has no fast scan in `re`
      (it tries every position); its matches can only start where one of its words does,
      which `str.find` finds about ten times faster, so it is tried at those places only, in
      order, as `finditer` would;
    - in a text of Latin-1 characters `\\d` can only match 0-9, and `[0-9]` is scanned for
      about twice as fast as `\\d` (a Unicode category)."""
    words = None if anchor.flags & re.IGNORECASE else _plain_words(anchor.pattern)
    if words is None:
        if _latin1(lowered):
            anchor = _ascii_digits(anchor)
        for found in anchor.finditer(lowered):
            yield found.span()
        return
    starts: set[int] = set()
    for word in words:
        at = lowered.find(word)
        while at >= 0:
            starts.add(at)
            at = lowered.find(word, at + 1)
    pos = 0
    for start in sorted(starts):
        if start < pos:
            continue  # inside the previous match: `finditer` goes on after its end
        hit = anchor.match(lowered, start)
        if hit:
            yield hit.span()
            pos = hit.end()


def _latin1(text: str) -> bool:
    """True when every character is below U+0100 (the only decimal digits there are 0-9)."""
    try:
        text.encode("latin-1")
    except UnicodeEncodeError:
        return False
    return True


_ESCAPE_OR_CLASS = re.compile(r"\\.|\[\^?\]?(?:\\.|[^\]])*\]", re.S)


@functools.cache
def _ascii_digits(pattern: re.Pattern[str]) -> re.Pattern[str]:
    """`pattern` with each `\\d` written as `0-9` (in a class) or `[0-9]`, for texts of Latin-1
    characters: the only decimal digits there are 0-9, and `re` checks a range about twice
    as fast as the Unicode category `\\d` stands for. Itself when it has `\\D` (not rewritten)."""

    def rewrite(found: re.Match[str]) -> str:
        piece = found.group()
        if piece == r"\d":
            return "[0-9]"
        if piece.startswith("["):
            return re.sub(r"\\.", lambda e: "0-9" if e.group() == r"\d" else e.group(), piece)
        return piece

    if r"\D" in pattern.pattern:
        return pattern
    source = _ESCAPE_OR_CLASS.sub(rewrite, pattern.pattern)
    return pattern if source == pattern.pattern else re.compile(source, pattern.flags)


@functools.cache
def _plain_words(pattern: str) -> tuple[str, ...] | None:
    """The words of an alternation of plain words, each maybe between `\\b`s; else None."""
    words = []
    for part in pattern.split("|"):
        word = part.removeprefix(r"\b").removesuffix(r"\b")
        if not word or re.escape(word) != word:
            return None
        words.append(word)
    return tuple(words)


@functools.lru_cache(maxsize=64)
def _lower(text: str) -> str:
    """The page's text in lower case, made once for its five tiers, not once per tier."""
    return text.lower()
