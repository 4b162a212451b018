"""Reviews: employee and customer reviews from public review sites, one adapter per site.

Each adapter module (glassdoor.py, kununu.py, ...) defines `ADAPTER`, a `ReviewSite`: how the
site addresses a company (`candidate_urls`) and how its pages read (`parse`). The registry
(registry.py) collects every module of this package that defines one, so adding a site is
adding one file. collect.py fetches them (our client, politely, never past a bot check),
themes.py groups pros and cons into themes, summary.py builds the brief's section and
importer.py reads a page the user saved from a browser.
"""

from __future__ import annotations

from company_research.reviews.base import CompanyRef, Review, ReviewPage, ReviewSite
from company_research.reviews.registry import adapter_for_url, adapters, get_adapter

__all__ = [
    "CompanyRef",
    "Review",
    "ReviewPage",
    "ReviewSite",
    "adapter_for_url",
    "adapters",
    "get_adapter",
]
