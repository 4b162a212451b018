"""Discovery across languages: locale prefixes, language choosers, subdomains, post links."""

from __future__ import annotations

import pytest

from company_research.discover import (
    kind_of,
    language_home,
    locale_of,
    post_links,
    rank_candidates,
)
from company_research.extract import extract_page


@pytest.mark.parametrize(
    ("url", "lang"),
    [
        ("https://acme.es/es/quienes-somos/", "es"),
        ("https://www.acme.com/en-us/company/about-us.html", "en"),
        ("https://www.acme.com/de-de.html", "de"),
        ("https://www.acme.com/us/en/careers", "en"),
        ("https://www.acme.fr/fr_FR/notre-mission", "fr"),
        ("https://www.acme.com/about-us/", None),
        ("https://www.acme.com/us/products", None),
        ("https://www.acme.com/", None),
    ],
)
def test_locale_of(url, lang):
    assert locale_of(url) == lang


def test_language_prefix_does_not_count_as_depth():
    assert kind_of("https://www.acme.com/en-us/careers.html")[1] == 2.5
    assert kind_of("https://acme.es/es/quienes-somos/")[0] == "about"


def test_listing_paths_are_no_page_kind():
    assert kind_of("https://blog.acme.com/tag/culture/")[0] is None
    assert kind_of("https://acme.de/kategorie/werte/")[0] is None


def test_crawl_stays_in_the_home_page_language():
    links = [
        ("https://acme.es/es/quienes-somos/", "Quiénes somos"),
        ("https://acme.es/en/about-us/", "About us"),
        ("https://acme.es/en/our-values/", "Our values"),
    ]
    ranked = rank_candidates(links, "acme.es", home_url="https://acme.es/es/")
    assert [c.url for c in ranked["about"]] == ["https://acme.es/es/quienes-somos/"]
    assert "values" not in ranked
    # A home at / in German: /en/ pages are translations, not more pages to read.
    ranked = rank_candidates(
        [("https://acme.de/en/about/", "About"), ("https://acme.de/ueber-uns/", "Über uns")],
        "acme.de",
        home_url="https://acme.de/",
        lang="de",
    )
    assert [c.url for c in ranked["about"]] == ["https://acme.de/ueber-uns/"]


def test_job_board_subdomain_ranks_below_the_main_site_careers_page():
    links = [
        ("https://careers.acme.com/us/en", "Careers"),
        ("https://www.acme.com/en-us/careers.html", "Careers at Acme"),
        ("https://news.acme.com/", "Newsroom"),
    ]
    ranked = rank_candidates(links, "acme.com", home_url="https://www.acme.com/en-us.html")
    assert ranked["careers"][0].url == "https://www.acme.com/en-us/careers.html"
    assert ranked["press"][0].url == "https://news.acme.com/"  # subdomains fine for news


CHOOSER = """<html lang="en"><head>
<link rel="alternate" hreflang="x-default" href="https://www.acme.com/">
<link rel="alternate" hreflang="de-de" href="https://www.acme.com/de-de.html">
<link rel="alternate" hreflang="en-us" href="https://www.acme.com/en-us.html"></head><body>
<h1>Welcome</h1><p>Please select your location and language.</p>
<a href="/de-de.html">Deutschland - Deutsch</a><a href="/fr-fr.html">France - Français</a>
<a href="/en-us.html">United States - English</a><a href="/privacy.html">Privacy</a>
</body></html>"""


def test_language_chooser_leads_to_the_localised_home():
    page = extract_page("https://www.acme.com/", CHOOSER, "home")
    assert language_home(page, "https://www.acme.com/", "acme.com") == (
        "https://www.acme.com/en-us.html"
    )
    german = CHOOSER.replace('lang="en"', 'lang="de"')
    page = extract_page("https://www.acme.com/", german, "home")
    assert language_home(page, "https://www.acme.com/", "acme.com") == (
        "https://www.acme.com/de-de.html"
    )


def test_a_real_home_page_with_a_language_switcher_is_not_a_chooser():
    html = (
        '<html lang="es"><body><a href="/es/">Español</a><a href="/en/">English</a>'
        '<a href="/quienes-somos/">Quiénes somos</a><a href="/productos/">Productos</a>'
        '<a href="/trabaja-con-nosotros/">Trabaja con nosotros</a>'
        "<p>" + "Aceite de oliva virgen extra de Jaén. " * 40 + "</p></body></html>"
    )
    page = extract_page("https://acme.es/", html, "home")
    assert language_home(page, "https://acme.es/", "acme.es") is None


def test_posts_under_a_post_segment_beside_the_blog_index():
    links = [
        ("https://www.acme.com/post/planting-for-pollinators-in-a-small-garden", "Planting"),
        ("https://www.acme.com/blog/categories/planting", "Planting"),
        ("https://www.acme.com/es/noticia/nueva-linea-de-envasado-sin-plastico", "Nueva"),
        ("https://www.acme.com/about", "About"),
    ]
    got = [c.url for c in post_links("https://www.acme.com/blog", links, "acme.com", 10)]
    assert got == [
        "https://www.acme.com/post/planting-for-pollinators-in-a-small-garden",
        "https://www.acme.com/es/noticia/nueva-linea-de-envasado-sin-plastico",
    ]
