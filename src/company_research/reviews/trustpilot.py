"""Trustpilot: customer reviews at /review/<domain>, Next.js pages, ?page=N."""

from __future__ import annotations

import re
from dataclasses import dataclass, replace
from typing import Any

from company_research.reviews import parse
from company_research.reviews.base import CompanyRef, Review, ReviewPage, ReviewSite


@dataclass
class Trustpilot(ReviewSite):
    """`__NEXT_DATA__` props: `businessUnit` (displayName, trustScore, numberOfReviews),
    `reviews` (title, text, rating, dates.publishedDate) and `filters.pagination`."""

    def candidate_urls(self, company: CompanyRef) -> list[str]:
        return [
            *self.linked_profiles(company),
            f"https://www.trustpilot.com/review/{company.domain}",
        ]

    def parse(self, html: str, url: str) -> ReviewPage:
        page = parse.schema_org_page(html, url, self.name, default_scale=self.scale)
        data = parse.next_data(html)
        if not isinstance(data, dict):
            return page
        unit: dict[str, Any] = {}
        pagination: dict[str, Any] = {}
        reviews: list[Review] = []
        for node in parse.walk(data):
            if "trustScore" in node or ("numberOfReviews" in node and "displayName" in node):
                unit = unit or node
            elif "rating" in node and "dates" in node:
                dates: dict[str, Any] = node["dates"] if isinstance(node.get("dates"), dict) else {}
                reviews.append(
                    Review(
                        site=self.name,
                        page_url=url,
                        rating=parse.number(node.get("rating")),
                        scale=self.scale,
                        title=parse.clean(node.get("title")),
                        text=parse.clean(node.get("text")),
                        date=parse.iso_date(dates.get("publishedDate")),
                        review_id=parse.clean(node.get("id")),
                    )
                )
            elif "currentPage" in node and "totalPages" in node:
                pagination = node
        rating = page.rating or parse.number(unit.get("trustScore"))
        next_url = None
        current, pages = (
            parse.count(pagination.get("currentPage")),
            parse.count(pagination.get("totalPages")),
        )
        if current and pages and current < pages:
            next_url = re.sub(r"\?.*$", "", url) + f"?page={current + 1}"
        return replace(
            page,
            company_name=page.company_name or parse.clean(unit.get("displayName")),
            rating=rating,
            scale=self.scale if rating is not None else None,
            count=page.count or parse.count(unit.get("numberOfReviews")),
            reviews=tuple(reviews) or page.reviews,
            next_url=next_url,
        )


ADAPTER = Trustpilot(
    name="trustpilot",
    label="Trustpilot",
    kind="customer",
    domain="trustpilot.com",
    hosts=("www.trustpilot.com", "uk.trustpilot.com", "de.trustpilot.com", "fr.trustpilot.com"),
    profile_pattern=re.compile(r"/review/[^/?#]+"),
)
