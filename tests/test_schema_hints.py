"""schema.org hints feed discovery: SiteNavigationElement entries and typed pages."""

from __future__ import annotations

from company_research.discover import rank_candidates
from company_research.extract import extract_page

PAGE = """<!doctype html><html lang="de"><head>
<script type="application/ld+json">{"@context": "https://schema.org", "@graph": [
  {"@type": "SiteNavigationElement", "name": "Wer wir sind", "url": "/wir/"},
  {"@type": "SiteNavigationElement", "name": "Karriere", "url": "https://www.acme.de/jobs-bei-uns/"},
  {"@type": "AboutPage", "url": "https://www.acme.de/ueber"},
  {"@type": "SiteNavigationElement", "name": "Partner", "url": "https://evil.example/about"}
]}</script></head><body><main><p>Willkommen bei Acme.</p></main></body></html>"""


def test_schema_navigation_and_page_types_become_candidates():
    page = extract_page("https://www.acme.de/", PAGE, "home", "acme.de")
    ranked = rank_candidates(page.links, "acme.de")
    about = [c.url for c in ranked["about"]]
    assert set(about) == {"https://www.acme.de/ueber", "https://www.acme.de/wir/"}
    assert [c.url for c in ranked["careers"]] == ["https://www.acme.de/jobs-bei-uns/"]
    # A hint can never steer the crawl off the company's domain.
    assert all("evil.example" not in c.url for kind in ranked.values() for c in kind)
