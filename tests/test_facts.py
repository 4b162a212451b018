"""Facts searched near their anchors give exactly what searching the whole text gives."""

from __future__ import annotations

from pathlib import Path

from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st

from company_research.challenge import visible_text
from company_research.encoding import decode_body
from company_research.facts import FACTS, MARGIN, Tier, first_match

ROOT = Path(__file__).resolve().parent.parent / "fixtures"
TIERS = [(fact, tier) for fact, tiers in FACTS for tier in tiers]


def whole_text(tier: Tier, text: str) -> str | None:
    """The plain way: every pattern over the whole text, in order."""
    for pattern in tier.patterns:
        match = pattern.search(text)
        if match:
            return match.group(tier.group).strip(" .,")
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
]  # fmt: skip
texts = st.lists(st.sampled_from(WORDS), max_size=60).map(" ".join)


@settings(max_examples=400, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(text=texts, padding=st.integers(min_value=0, max_value=3 * MARGIN))
@example(text="We are a team of 40. Founded in 2016 in Rotterdam.", padding=0)
@example(text="Unser Hauptsitz ist in Bad Homburg vor der Höhe", padding=MARGIN)
def test_anchored_search_equals_whole_text_search(text: str, padding: int) -> None:
    # Padding moves the pieces across window edges; filler of the same length between two
    # copies makes windows meet, overlap and stay apart.
    for candidate in (text, "x" * padding + " " + text, text + " " + "y" * padding + " " + text):
        for fact, tier in TIERS:
            assert first_match(tier, candidate) == whole_text(tier, candidate), (fact, candidate)


def test_every_fixture_page_gives_the_same_facts_both_ways() -> None:
    pages = [p for p in ROOT.rglob("*.html")]
    assert len(pages) > 100
    found = 0
    for path in pages:
        text = visible_text(decode_body(path.read_bytes(), "text/html"))
        for fact, tier in TIERS:
            value = first_match(tier, text)
            assert value == whole_text(tier, text), (fact, path)
            found += value is not None
    assert found > 20  # the fixtures do state facts: the comparison is not all None == None
