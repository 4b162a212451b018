"""Facts searched near their anchors give exactly what searching the whole text gives."""

from __future__ import annotations

import re
from pathlib import Path

from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st

from company_research.challenge import visible_text
from company_research.encoding import decode_body
from company_research.extract import _visible_text, parse_html
from company_research.facts import (
    FACTS,
    MARGIN,
    Tier,
    _anchors,
    _ascii_digits,
    _lower,
    accepted,
    first_match,
)
from company_research.keywords import _STREET_WORDS, STREET_INITIALS

ROOT = Path(__file__).resolve().parent.parent / "fixtures"
TIERS = [(fact, tier) for fact, tiers in FACTS for tier in tiers]


def whole_text(tier: Tier, text: str) -> str | None:
    """The plain way: every pattern over the whole text, in order, each match tried in
    order of its start until one is accepted."""
    for pattern in tier.patterns:
        pos = 0
        while (match := pattern.search(text, pos)) is not None:
            value = accepted(tier, match)
            if value is not None:
                return value
            pos = match.start() + 1
    return None


# Pieces real pages are made of, around what the patterns look for, in four languages.
WORDS = [
    "Founded", "founded in", "established", "Est.", "since", "we", "wir", "nous", "Gegründet",
    "gegründet", "Gründungsjahr", "fondée en", "fundada en", "opgericht in", "fondata nel",
    "headquartered in", "Headquarters are in", "HQ in", "based in", "Hauptsitz in", "Sitz ist in",
    "siège social est situé à", "basée à", "sede central en", "con sede a", "Rotterdam",
    "New York", "São Paulo", "Lyon", "Bad Homburg", "Portland, OR", "rue de la Paix",
    "Hauptstraße", "Calle Mayor", "Via Roma", "street", "employees", "people", "team of",
    "Mitarbeitende", "Mitarbeiterinnen und Mitarbeiter", "salariés", "collaborateurs",
    "empleados", "personas", "medewerkers", "dipendenti", "staff", "1987", "2016", "1899",
    "2026", "12019", "69002", "97214", "86150", "1.200", "1 200", "4,500+", "180", "42",
    "the", "and", "our", "a", "in", "en", "à", "of", "team", ".", ",", ";", ":", "\n", "İ", "ẞ",
    # Digits outside Latin-1 (\d matches them; the [0-9] shortcut must not be taken), an
    # anchor word inside another, words that end where an anchor's \b needs them to.
    "١٩٩٨", "٦٩٠٠٢", "©", "hq", "HQ-based", "sede", "basé", "siège", "Sitz", "teams", "peoples",
    "employeesemployees",
    # Blocks of a page (one a line): labels and values alone, list items ending in a number.
    "250+", "0", "1", "Engineer 0", "Staff Engineer 1", "People Operations", "Founded:",
    "Fundación", "Date de création :", "Industriestraße 12", "86150 Augsburg", "75002 Paris",
]  # fmt: skip
# Words joined by a space or by a block break (a newline, as extract.py writes full_text).
texts = st.lists(
    st.tuples(st.sampled_from(WORDS), st.sampled_from([" ", " ", " ", "\n"])), max_size=60
).map(lambda parts: "".join(word + gap for word, gap in parts).strip(" "))


@settings(max_examples=400, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(text=texts, padding=st.integers(min_value=0, max_value=3 * MARGIN))
@example(text="We are a team of 40. Founded in 2016 in Rotterdam.", padding=0)
@example(text="Unser Hauptsitz ist in Bad Homburg vor der Höhe", padding=MARGIN)
@example(text="Junior Engineer 0\nStaff Engineer 1\n250+\nemployees", padding=0)
@example(text="Industriestraße 12\n86150 Augsburg\nGegründet\n1952", padding=MARGIN)
def test_anchored_search_equals_whole_text_search(text: str, padding: int) -> None:
    # Padding moves the pieces across window edges; filler of the same length between two
    # copies makes windows meet, overlap and stay apart.
    for candidate in (text, "x" * padding + " " + text, text + " " + "y" * padding + " " + text):
        for fact, tier in TIERS:
            assert first_match(tier, candidate) == whole_text(tier, candidate), (fact, candidate)


@settings(max_examples=300, deadline=None)
@given(text=texts)
def test_anchor_scan_finds_what_finditer_finds(text: str) -> None:
    lowered = _lower(text)
    for fact, tier in TIERS:
        expected = [m.span() for m in tier.anchor.finditer(lowered)]
        assert list(_anchors(tier.anchor, lowered)) == expected, (fact, text)


def test_every_fixture_page_gives_the_same_facts_both_ways() -> None:
    pages = [p for p in ROOT.rglob("*.html")]
    assert len(pages) > 100
    found = 0
    for path in pages:
        html = decode_body(path.read_bytes(), "text/html")
        root = parse_html(html)
        # The page's text on one line, and one line per block as the brief reads it.
        for text in (visible_text(html), _visible_text(root) if root is not None else ""):
            for fact, tier in TIERS:
                value = first_match(tier, text)
                assert value == whole_text(tier, text), (fact, path)
                found += value is not None
    assert found > 40  # the fixtures do state facts: the comparison is not all None == None


def test_street_initials_cover_every_character_that_matches_them_ignoring_case() -> None:
    # POSTCODE_CITY's case-sensitive look-ahead must let through every character that could
    # start a street word under re.IGNORECASE, or it would drop matches.
    everything = "".join(chr(c) for c in range(0x110000) if not 0xD800 <= c < 0xE000)
    initials = {word[0] for word in _STREET_WORDS.split("|")}
    matching = set(re.findall("(?i)[" + "".join(sorted(initials)) + "]", everything))
    assert matching <= set(STREET_INITIALS), matching - set(STREET_INITIALS)
    assert "ſ" in matching  # the check is not vacuous: "s" matches the long s


@settings(max_examples=200, deadline=None)
@given(text=texts)
def test_latin1_rewrite_finds_what_the_pattern_finds(text: str) -> None:
    text = "".join(c for c in text if ord(c) < 0x100)  # what the rewrite is used on
    for _fact, tier in TIERS:
        for pattern in (*tier.patterns, *(n for n in tier.needs if n), tier.anchor):
            fast = _ascii_digits(pattern)
            assert [m.group() for m in fast.finditer(text)] == [
                m.group() for m in pattern.finditer(text)
            ]
