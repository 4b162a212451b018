"""G2: customer (business software) reviews at /products/slug/reviews, JSON-LD + microdata."""

from __future__ import annotations

import re
from dataclasses import dataclass, replace

from company_research.reviews import parse
from company_research.reviews.base import CompanyRef, ReviewPage, ReviewSite


@dataclass
class G2(ReviewSite):
    """The product's AggregateRating is JSON-LD; each review is a microdata `Review` whose body
    answers "What do you like best / dislike about ...?" (the pros and the cons)."""

    def candidate_urls(self, company: CompanyRef) -> list[str]:
        return [
            *self.linked_profiles(company),
            f"https://www.g2.com/products/{company.slug}/reviews",
        ]

    def parse(self, html: str, url: str) -> ReviewPage:
        page = parse.schema_org_page(html, url, self.name, default_scale=self.scale)
        reviews = parse.markup_reviews(html, url, self.name, default_scale=self.scale)
        return replace(
            page, reviews=tuple(reviews) or page.reviews, next_url=parse.rel_next(html, url)
        )


ADAPTER = G2(
    name="g2",
    label="G2",
    kind="customer",
    domain="g2.com",
    hosts=("www.g2.com",),
    profile_pattern=re.compile(r"/products/[^/?#]+"),
)
