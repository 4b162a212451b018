"""Review adapters on the fixture pages: ratings, counts, dates, pros/cons, themes, quotes."""

from __future__ import annotations

from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st

from company_research.errors import UsageError
from company_research.reviews import CompanyRef, adapters, get_adapter
from company_research.reviews.importer import guess_site
from company_research.reviews.parse import iso_date, markup_reviews, number
from company_research.reviews.themes import find_themes, quote_from

REVIEWS = Path(__file__).resolve().parents[1] / "fixtures" / "reviews"


def read(site: str, url: str, path: str):
    html = (REVIEWS / path).read_text(encoding="utf-8")
    return get_adapter(site).parse(html, url)


def test_registry_lists_every_site_and_the_generic_reader_last():
    names = list(adapters())
    assert {"glassdoor", "indeed", "comparably", "kununu", "trustpilot", "g2"} <= set(names)
    assert names[-1] == "schemaorg"
    with pytest.raises(UsageError, match="choose one of"):
        get_adapter("myspace")


def test_glassdoor_apollo_state_and_json_ld():
    url = "https://www.glassdoor.com/Reviews/Harborlight-Reviews-E4829113.htm"
    page = read("glassdoor", url, "www.glassdoor.com/Reviews/Harborlight-Reviews-E4829113.htm")
    assert (page.rating, page.scale, page.count) == (4.1, 5.0, 96)
    assert page.company_name == "Harborlight"
    assert len(page.reviews) == 5
    first = page.reviews[0]
    assert first.rating == 5 and first.date == "2026-11-02"
    assert first.author_role == "Senior Data Engineer"
    assert first.pros and first.pros.startswith("Smart colleagues")
    assert first.cons and "below market" in first.cons
    assert page.next_url == "https://www.glassdoor.com/Reviews/Harborlight-Reviews-E4829113_P2.htm"
    last = read(
        "glassdoor", page.next_url, "www.glassdoor.com/Reviews/Harborlight-Reviews-E4829113_P2.htm"
    )
    assert len(last.reviews) == 4 and last.next_url is None


def test_glassdoor_search_finds_the_company_not_its_namesake():
    site = get_adapter("glassdoor")
    company = CompanyRef("harborlight.io", "Harborlight")
    assert site.candidate_urls(company)[-1].endswith("/Reviews/harborlight-reviews-SRCH_KE0,11.htm")
    html = (REVIEWS / "www.glassdoor.com/Reviews/harborlight-reviews-SRCH_KE0,11.htm").read_text()
    url = "https://www.glassdoor.com/Reviews/harborlight-reviews-SRCH_KE0,11.htm"
    assert not site.parse(html, url).has_data
    assert site.find_profile(html, url, company) == (
        "https://www.glassdoor.com/Reviews/Harborlight-Reviews-E4829113.htm"
    )


def test_kununu_next_data_in_german():
    url = "https://www.kununu.com/de/kesselwerk/kommentare"
    page = read("kununu", url, "www.kununu.com/de/kesselwerk/kommentare")
    assert (page.rating, page.scale, page.count) == (3.9, 5.0, 27)
    assert page.next_url == url + "?page=2"
    review = page.reviews[0]
    assert review.pros and review.pros.startswith("Sichere Arbeitsplätze")
    assert review.cons and "Kommunikation" in review.cons
    assert review.text == "Mehr Homeoffice für die Verwaltung."  # suggestions: neither side
    assert review.date == "2026-11-10" and review.author_role.startswith("Angestellte")


def test_kununu_company_slug_drops_the_legal_form():
    company = CompanyRef("kesselwerk.de", "Kesselwerk GmbH")
    assert get_adapter("kununu").candidate_urls(company)[0] == (
        "https://www.kununu.com/de/kesselwerk/kommentare"
    )


def test_trustpilot_by_domain_with_pages():
    url = "https://www.trustpilot.com/review/harborlight.io"
    page = read("trustpilot", url, "www.trustpilot.com/review/harborlight.io")
    assert (page.rating, page.count) == (4.3, 212)
    assert [r.rating for r in page.reviews] == [5, 5, 2, 4]
    assert page.reviews[0].date == "2026-11-12"
    assert page.next_url == url + "?page=2"
    assert get_adapter("trustpilot").candidate_urls(CompanyRef("acme.com", "Acme"))[-1] == (
        "https://www.trustpilot.com/review/acme.com"
    )


def test_g2_microdata_likes_and_dislikes_are_pros_and_cons():
    url = "https://www.g2.com/products/quillstack/reviews"
    page = read("g2", url, "www.g2.com/products/quillstack/reviews")
    assert (page.rating, page.scale, page.count) == (4.6, 5.0, 58)
    assert len(page.reviews) == 4
    first = page.reviews[0]
    assert first.rating == 5 and first.date == "2026-11-04"
    assert first.title == '"Docs that stay true"'
    assert first.pros and first.pros.startswith("The API reference is generated")
    assert first.cons and first.cons.startswith("Pricing jumps")


def test_comparably_scores_out_of_100_from_plain_markup():
    url = "https://www.comparably.com/companies/veridian-labs/reviews"
    page = read("comparably", url, "www.comparably.com/companies/veridian-labs/reviews")
    assert (page.rating, page.scale, page.count) == (72.0, 100.0, 41)
    assert len(page.reviews) == 4
    assert page.reviews[0].pros and page.reviews[0].pros.startswith("The mission")
    assert page.reviews[0].cons and page.reviews[0].cons.startswith("Field season hours")
    assert page.reviews[0].author_role == "Field Technician"


def test_indeed_initial_data():
    url = "https://www.indeed.com/cmp/Harborlight/reviews"
    page = read("indeed", url, "www.indeed.com/cmp/Harborlight/reviews")
    assert (page.rating, page.count) == (3.9, 54)
    assert page.reviews[0].pros == "Flexible hours, smart colleagues"
    assert page.reviews[0].date == "2026-10-05"


def test_generic_schema_org_reader_and_site_guessing():
    html = (REVIEWS / "_saved/capterra-quillstack.html").read_text()
    site = guess_site(html, "https://www.capterra.com/p/238811/Quillstack/reviews/")
    assert site.name == "schemaorg"
    page = site.parse(html, "https://www.capterra.com/p/238811/Quillstack/reviews/")
    assert (page.rating, page.count) == (4.7, 31)
    assert page.reviews[0].author_role == "Documentation Lead"
    kununu = (REVIEWS / "www.kununu.com/de/kesselwerk/kommentare").read_text()
    assert guess_site(kununu, None).name == "kununu"  # by the page's own canonical links


def test_plain_markup_review_cards_in_several_languages():
    html = """<div class="review-list"><article class="review-card">
      <span aria-label="2 von 5 Sternen"></span><time datetime="2025-03-04">4. März 2025</time>
      <h3>Licht und Schatten</h3><h4>Vorteile</h4><p>Nette Kollegen.</p>
      <h4>Nachteile</h4><p>Wenig Gehalt.</p></article></div>"""
    (review,) = markup_reviews(html, "https://example.org/r", "x")
    assert (review.rating, review.scale, review.date) == (2.0, 5.0, "2025-03-04")
    assert (review.title, review.pros, review.cons) == (
        "Licht und Schatten",
        "Nette Kollegen.",
        "Wenig Gehalt.",
    )


@pytest.mark.parametrize(
    ("text", "iso"),
    [
        ("2026-11-02T09:14:51.107", "2026-11-02"),
        ("Nov 18, 2026", "2026-11-18"),
        ("18. November 2026", "2026-11-18"),
        ("18 novembre 2026", "2026-11-18"),
        ("18 de marzo de 2026", "2026-03-18"),
        ("März 2026", "2026-03"),
        ("18.11.2026", "2026-11-18"),
        ("yesterday", None),
    ],
)
def test_dates_as_sites_print_them(text, iso):
    assert iso_date(text) == iso


def test_numbers_as_sites_print_them():
    assert number("4,1") == 4.1
    assert number("3.9 out of 5") == 3.9
    assert number(None) is None


def test_themes_count_reviews_not_words():
    texts = [
        "Flexible hours and flexible hours again. Friendly colleagues.",
        "Flexible hours, friendly colleagues.",
        "Good work-life balance",
        "Work-life balance and flexible hours",
    ]
    themes = {t.text: t.count for t in find_themes(texts)}
    assert themes["flexible hours"] == 3
    assert themes["friendly colleagues"] == 2
    assert themes["work-life balance"] == 2


def test_themes_in_german_and_french_skip_function_words():
    german = ["Die Kommunikation ist langsam.", "Kommunikation der Geschäftsführung kommt spät."]
    assert [t.text for t in find_themes(german)] == ["Kommunikation"]
    french = ["Les délais de livraison sont longs.", "Délais de livraison non respectés."]
    assert "délais" in [t.text.lower() for t in find_themes(french)]


def test_quotes_are_verbatim_sentences():
    text = "Nice office. The on-call rotation is heavy during peak season. Salary is fine."
    quote = quote_from(text, ("on-call", "rotation"))
    assert quote == "The on-call rotation is heavy during peak season."
    assert quote in text


@given(st.text(max_size=400))
def test_themes_and_markup_never_crash(text):
    find_themes([text, text[::-1]])
    markup_reviews(f"<div class='review'><p>{text}</p></div>", "https://x.org/", "x")
    iso_date(text)
