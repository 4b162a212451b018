"""Ratings and reviews a company publishes on its own pages (schema.org JSON-LD or
microdata) reach the brief; the pages that cannot hold any are not parsed a second time."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from company_research.loopback import serve_sites
from company_research.reviews.collect import may_hold_schema_reviews
from company_research.reviews.parse import schema_org_page
from tests.conftest import SITES, resolve_args, run_research, sitegen

PRODUCT_LD = {
    "@context": "https://schema.org",
    "@type": "Product",
    "name": "Lumenwood Desk",
    "aggregateRating": {"@type": "AggregateRating", "ratingValue": "4.6", "reviewCount": "212"},
    "review": [
        {
            "@type": "Review",
            "author": {"@type": "Person", "name": "Dana K."},
            "reviewRating": {"@type": "Rating", "ratingValue": "5"},
            "reviewBody": "Sturdy, quiet and easy to assemble; support answered within a day.",
            "datePublished": "2026-09-02",
        }
    ],
}


def _write_site(root: Path) -> str:
    domain = "lumenwood-desks.com"
    site = root / domain
    (site / "products").mkdir(parents=True)
    (site / "robots.txt").write_text("User-agent: *\nAllow: /\n")
    (site / "index.html").write_text(
        "<!doctype html><html lang='en'><head><title>Lumenwood - desks made to last</title>"
        "</head><body><nav><a href='/products/'>Products</a></nav><main><h1>Lumenwood</h1>"
        "<p>Lumenwood designs solid wood desks and shelving for small offices and homes, built"
        " in our workshop in Portland since 2011.</p></main></body></html>"
    )
    (site / "products" / "index.html").write_text(
        "<!doctype html><html lang='en'><head><title>Products - Lumenwood</title>"
        f"<script type='application/ld+json'>{json.dumps(PRODUCT_LD)}</script></head><body>"
        "<main><h1>Our desks</h1><p>Every desk is made to order from FSC-certified oak and"
        " walnut, finished with natural oils, and shipped flat with all tools included.</p>"
        "</main></body></html>"
    )
    return domain


def test_a_rating_on_the_companys_own_product_page_is_in_the_brief(tmp_path: Path) -> None:
    domain = _write_site(tmp_path / "sites")
    with serve_sites([tmp_path / "sites"]) as server:
        result = run_research(
            domain, "--db", str(tmp_path / "r.db"), "--format", "json", *resolve_args(server)
        )
    assert result.returncode == 0, result.stderr
    sites = json.loads(result.stdout)["reviews"]["sites"]
    own = [s for s in sites if "own site" in s["site"]]
    assert own, sites
    assert own[0]["rating"] == 4.6 and own[0]["count"] == 212
    assert own[0]["url"].endswith("/products/")


@pytest.mark.parametrize(
    "markup",
    [
        '<script type="application/ld+json">{"@type": "Review", "reviewBody": "x"}</script>',
        '<script type="application/ld+json">{"@type": ["Thing","EmployerReview"]}</script>',
        '<script type="application/ld+json">{"@type": "schema:UserReview"}</script>',
        '<script type="application/ld+json">{"@type": "http://schema.org/CriticReview"}</script>',
        '<script type="application/ld+json">{"aggregateRating": {"ratingValue": 4}}</script>',
        '<div itemscope itemtype="https://schema.org/Review"><span itemprop="reviewBody">x</span>',
        "<div itemscope itemtype=https://schema.org/Product><div itemprop=review>x</div></div>",
        "<div itemprop='aggregateRating' itemscope itemtype='https://schema.org/AggregateRating'>",
    ],
)
def test_every_way_of_naming_a_review_or_rating_is_parsed(markup: str) -> None:
    assert may_hold_schema_reviews(f"<html><head></head><body>{markup}</body></html>")


def test_pages_that_name_no_review_are_skipped() -> None:
    assert not may_hold_schema_reviews("<html><body><h1>Preview</h1><p>Reviewed by Ana</p>")
    assert not may_hold_schema_reviews('<script type="application/ld+json">{"@type": "Org"}')


def _pages() -> list[tuple[str, str]]:
    pages = [
        (str(p), p.read_text(encoding="utf-8", errors="replace")) for p in SITES.rglob("*.html")
    ]
    for number in range(3):
        for path, page in sitegen().build_company(number).pages.items():
            if page.content_type.startswith("text/html"):
                pages.append((path, page.body.decode("utf-8")))
    return pages


def test_no_page_with_a_rating_or_review_is_skipped() -> None:
    """The fixture sites and generated companies: every page schema_org_page finds a rating
    or a review on passes the test (the test only ever spares work)."""
    pages = _pages()
    with_data = [name for name, html in pages if schema_org_page(html, "https://x/", "t").has_data]
    assert all(may_hold_schema_reviews(html) for name, html in pages if name in with_data)
    reviews = Path(__file__).resolve().parent.parent / "fixtures" / "reviews"
    review_pages = [
        p.read_text(encoding="utf-8", errors="replace") for p in reviews.rglob("*.html")
    ]
    found = [html for html in review_pages if schema_org_page(html, "https://x/", "t").has_data]
    assert found, "no review-site fixture holds schema.org data"
    assert all(may_hold_schema_reviews(html) for html in found)
