"""Comparably: employee reviews at /companies/slug/reviews, scores out of 100, plain markup."""

from __future__ import annotations

import re
from dataclasses import dataclass, replace

from company_research.reviews import parse
from company_research.reviews.base import CompanyRef, ReviewPage, ReviewSite

# "Overall Culture Score 72/100", "Based on 41 ratings"
_SCORE = re.compile(r"\bdata-score=[\"'](\d+(?:\.\d+)?)[\"'][^>]*\bdata-scale=[\"'](\d+)[\"']")
_RATINGS = re.compile(r"(\d[\d,.]*)\s+(?:ratings|reviews|employee ratings)", re.IGNORECASE)


@dataclass
class Comparably(ReviewSite):
    """Server-rendered pages without schema.org: the score is a `data-score`/`data-scale`
    element, each review a `review` card with the question it answers as its label."""

    def candidate_urls(self, company: CompanyRef) -> list[str]:
        return [
            *self.linked_profiles(company),
            f"https://www.comparably.com/companies/{company.slug}/reviews",
        ]

    def parse(self, html: str, url: str) -> ReviewPage:
        page = parse.schema_org_page(html, url, self.name, default_scale=self.scale)
        rating, scale, total = page.rating, page.scale, page.count
        if rating is None and (match := _SCORE.search(html)):
            rating, scale = float(match.group(1)), float(match.group(2))
            counted = _RATINGS.search(parse.clean(html[match.end() : match.end() + 3000]) or "")
            total = parse.count(counted.group(1)) if counted else None
        reviews = parse.markup_reviews(html, url, self.name, default_scale=self.scale)
        return replace(
            page,
            rating=rating,
            scale=scale,
            count=total,
            reviews=tuple(reviews) or page.reviews,
            next_url=parse.rel_next(html, url),
        )


ADAPTER = Comparably(
    name="comparably",
    label="Comparably",
    kind="employee",
    domain="comparably.com",
    hosts=("www.comparably.com",),
    scale=100.0,
    profile_pattern=re.compile(r"/companies/[^/?#]+"),
)
