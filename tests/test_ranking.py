"""The sentence ranker: TextRank over TF-IDF similarity with a lead prior, boilerplate ignored."""

from __future__ import annotations

from hypothesis import given
from hypothesis import strategies as st

from company_research.ranking import is_boilerplate, rank_sentences, split_sentences

ARTICLE = (
    "Harbour cranes now report every container move to the terminal system in real time. "
    "Our weekly team lunch moved to Thursdays this autumn. "
    "Real-time container moves let the terminal system predict berth windows. "
    "The terminal system uses container moves from cranes to warn planners early. "
    "Parking is available behind the building for visitors."
)


def test_the_central_sentence_wins_over_off_topic_ones():
    best = rank_sentences(ARTICLE, limit=2, lead_weight=0.0)
    assert "lunch" not in " ".join(best) and "Parking" not in " ".join(best)


def test_lead_prior_breaks_ties_toward_the_opening_statement():
    text = (
        "Kesselwerk builds industrial heat pumps for process heat up to 150 degrees. "
        "Heat pumps reuse waste heat from industrial processes. "
        "Industrial process heat pumps cut gas use in dairies and breweries."
    )
    assert rank_sentences(text, limit=1, lead_weight=0.9)[0].startswith("Kesselwerk builds")


def test_results_are_verbatim_sentences_of_the_text():
    for sentence in rank_sentences(ARTICLE, limit=5):
        assert sentence in ARTICLE


def test_boilerplate_is_ignored_in_several_languages():
    text = (
        "We use cookies to improve your experience on our website today. "
        "Wir verwenden Cookies, um Ihnen das beste Erlebnis zu bieten. "
        "En poursuivant, vous acceptez nos conditions générales d'utilisation du site. "
        "Consulte nuestra política de privacidad antes de continuar navegando aquí. "
        "Home | Products | Careers | Contact | Blog\n"
        "Maison Lumen fabrique des luminaires en laiton à Lyon depuis 1952.\n"
        "© 2026 Maison Lumen. Tous droits réservés."
    )
    assert rank_sentences(text, limit=5) == [
        "Maison Lumen fabrique des luminaires en laiton à Lyon depuis 1952."
    ]


def test_navigation_and_legal_lines_are_boilerplate():
    assert is_boilerplate("Products › Tracking › Pricing › Docs")
    assert is_boilerplate("About Us Careers Press Contact Imprint")
    assert is_boilerplate("Alle Rechte vorbehalten.")
    assert is_boilerplate("By clicking Accept you agree to the storing of cookies.")
    assert not is_boilerplate("Our mission is to make every container movement visible.")


def test_duplicates_count_once():
    text = "Same sentence about shipping containers here.\n" * 3 + ARTICLE
    best = rank_sentences(text, limit=10)
    assert best.count("Same sentence about shipping containers here.") == 1


def test_split_sentences_keeps_abbreviations_together():
    assert split_sentences("Founded by Dr. Weber in 1987. Today z.B. 420 people work here.") == [
        "Founded by Dr. Weber in 1987.",
        "Today z.B. 420 people work here.",
    ]


@given(st.text(max_size=600), st.floats(min_value=0, max_value=1))
def test_ranking_any_text_returns_verbatim_sentences(text, lead):
    for sentence in rank_sentences(text, limit=3, lead_weight=lead):
        assert sentence in text
