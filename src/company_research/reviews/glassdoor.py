"""Glassdoor: employee reviews, addressed by employer id (found through a keyword search path)."""

from __future__ import annotations

import re
from dataclasses import dataclass, replace
from typing import Any

from company_research.reviews import parse
from company_research.reviews.base import CompanyRef, Review, ReviewPage, ReviewSite


@dataclass
class Glassdoor(ReviewSite):
    """Pages are Next.js with the Apollo cache in `__NEXT_DATA__` (or `window.__APOLLO_STATE__`)
    and an EmployerAggregateRating in JSON-LD. Review pages: /Reviews/Name-Reviews-E123.htm,
    page n: ..._Pn.htm; search: /Reviews/name-reviews-SRCH_KE0,LEN.htm."""

    def candidate_urls(self, company: CompanyRef) -> list[str]:
        keyword = company.short_name
        search = (
            f"https://www.glassdoor.com/Reviews/{company.slug}-reviews-SRCH_KE0,{len(keyword)}.htm"
        )
        return [*self.linked_profiles(company), search]

    def parse(self, html: str, url: str) -> ReviewPage:
        page = parse.schema_org_page(html, url, self.name, default_scale=self.scale)
        data = parse.next_data(html)
        cache = None
        if isinstance(data, dict):
            cache = _find_key(data, "apolloCache") or _find_key(data, "apolloState")
        if not isinstance(cache, dict):
            cache = parse.assigned_json(html, "__APOLLO_STATE__")
        if not isinstance(cache, dict):
            return page
        reviews: list[Review] = []
        summary: dict[str, Any] = {}
        for node in parse.walk(cache):
            typename = str(node.get("__typename") or "")
            if typename.startswith("EmployerReview") and "ratingOverall" in node:
                reviews.append(self._review(cache, node, url))
            elif "allReviewsCount" in node or "numberOfPages" in node:
                summary = summary or node
        ratings = parse.deref(cache, summary.get("ratings")) if summary else None
        rating = page.rating
        if rating is None and isinstance(ratings, dict):
            rating = parse.number(ratings.get("overallRating"))
        pages = parse.count(summary.get("numberOfPages")) if summary else None
        current = int(m.group(1)) if (m := re.search(r"_P(\d+)\.htm", url)) else 1
        next_url = None
        if pages and current < pages and re.search(r"-Reviews-E\d+", url):
            base = re.sub(r"(_P\d+)?\.htm.*$", "", url)
            next_url = f"{base}_P{current + 1}.htm"
        return replace(
            page,
            rating=rating,
            scale=page.scale or (self.scale if rating is not None else None),
            count=page.count or parse.count(summary.get("allReviewsCount")),
            reviews=tuple(reviews) or page.reviews,
            next_url=next_url,
        )

    def _review(self, cache: dict[str, Any], node: dict[str, Any], url: str) -> Review:
        job = parse.deref(cache, node.get("jobTitle"))
        role = parse.clean(job.get("text")) if isinstance(job, dict) else parse.clean(job)
        return Review(
            site=self.name,
            page_url=url,
            rating=parse.number(node.get("ratingOverall")),
            scale=self.scale,
            title=parse.clean(node.get("summary")),
            pros=parse.clean(node.get("pros")),
            cons=parse.clean(node.get("cons")),
            text=parse.clean(node.get("advice")),
            author_role=role,
            date=parse.iso_date(node.get("reviewDateTime")),
            review_id=str(node["reviewId"]) if node.get("reviewId") is not None else None,
        )


def _find_key(data: Any, key: str) -> Any:
    for node in parse.walk(data):
        if key in node:
            return node[key]
    return None


ADAPTER = Glassdoor(
    name="glassdoor",
    label="Glassdoor",
    kind="employee",
    domain="glassdoor.com",
    hosts=("www.glassdoor.com", "www.glassdoor.co.uk", "www.glassdoor.de", "www.glassdoor.fr"),
    profile_pattern=re.compile(
        r"/(?:Reviews/[^/?#]*-Reviews-E\d+|Overview/Working-at-[^/?#]*-EI_IE\d+)"
    ),
)
