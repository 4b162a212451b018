"""Indeed: employee reviews under /cmp/Company-Name/reviews (name as Indeed writes it)."""

from __future__ import annotations

import re
from dataclasses import dataclass, replace
from typing import Any

from company_research.reviews import parse
from company_research.reviews.base import CompanyRef, Review, ReviewPage, ReviewSite


@dataclass
class Indeed(ReviewSite):
    """Company pages embed their state as `window._initialData = {...}`: a header with the
    rating and count, and `reviewsList.items` with title, text, pros, cons, rating, date."""

    def candidate_urls(self, company: CompanyRef) -> list[str]:
        name = re.sub(r"[^\w]+", "-", company.short_name).strip("-")
        return [*self.linked_profiles(company), f"https://www.indeed.com/cmp/{name}/reviews"]

    def parse(self, html: str, url: str) -> ReviewPage:
        page = parse.schema_org_page(html, url, self.name, default_scale=self.scale)
        data = parse.assigned_json(html, "_initialData")
        if not isinstance(data, dict):
            return page
        header: dict[str, Any] = {}
        reviews: list[Review] = []
        for node in parse.walk(data):
            if "reviewCount" in node and ("rating" in node or "overallRating" in node):
                header = header or node
            if "overallRating" in node and ("pros" in node or "text" in node):
                reviews.append(
                    Review(
                        site=self.name,
                        page_url=url,
                        rating=parse.number(node.get("overallRating")),
                        scale=self.scale,
                        title=parse.clean(node.get("title")),
                        text=parse.clean(node.get("text")),
                        pros=parse.clean(node.get("pros")),
                        cons=parse.clean(node.get("cons")),
                        author_role=parse.clean(node.get("jobTitle")),
                        date=parse.iso_date(node.get("submissionDate")),
                        review_id=parse.clean(node.get("reviewUid")),
                    )
                )
        rating = page.rating or parse.number(header.get("rating") or header.get("overallRating"))
        return replace(
            page,
            company_name=page.company_name or parse.clean(header.get("companyName")),
            rating=rating,
            scale=self.scale if rating is not None else None,
            count=page.count or parse.count(header.get("reviewCount")),
            reviews=tuple(reviews) or page.reviews,
            next_url=parse.rel_next(html, url),
        )


ADAPTER = Indeed(
    name="indeed",
    label="Indeed",
    kind="employee",
    domain="indeed.com",
    hosts=("www.indeed.com", "uk.indeed.com", "de.indeed.com", "fr.indeed.com", "es.indeed.com"),
    profile_pattern=re.compile(r"/cmp/[^/?#]+"),
)
