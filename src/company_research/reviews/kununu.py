"""kununu: employee reviews (German-speaking countries), /de/slug/kommentare, Next.js pages."""

from __future__ import annotations

import re
from dataclasses import dataclass, replace
from typing import Any

from company_research.reviews import parse
from company_research.reviews.base import CompanyRef, Review, ReviewPage, ReviewSite
from company_research.reviews.words import CONS_LABELS, PROS_LABELS


@dataclass
class Kununu(ReviewSite):
    """`__NEXT_DATA__` carries the profile (name, score, reviewsCount) and the reviews, each
    with `texts` keyed by kununu's questions (gut_am_arbeitgeber_finde_ich, schlecht_am_...,
    verbesserungsvorschlaege); pages are ?page=N."""

    def candidate_urls(self, company: CompanyRef) -> list[str]:
        return [
            *self.linked_profiles(company),
            *(f"https://www.kununu.com/{c}/{company.slug}/kommentare" for c in ("de", "at", "ch")),
        ][:2]

    def parse(self, html: str, url: str) -> ReviewPage:
        page = parse.schema_org_page(html, url, self.name, default_scale=self.scale)
        data = parse.next_data(html)
        if not isinstance(data, dict):
            return page
        profile: dict[str, Any] = {}
        pagination: dict[str, Any] = {}
        reviews: list[Review] = []
        for node in parse.walk(data):
            if "reviewsCount" in node and "score" in node:
                profile = profile or node
            elif "texts" in node and "score" in node:
                reviews.append(self._review(node, url))
            elif "pages" in node and "page" in node:
                pagination = pagination or node
        rating = page.rating or parse.number(profile.get("score"))
        next_url = None
        current, pages = parse.count(pagination.get("page")), parse.count(pagination.get("pages"))
        if current and pages and current < pages:
            next_url = re.sub(r"\?.*$", "", url) + f"?page={current + 1}"
        return replace(
            page,
            company_name=page.company_name or parse.clean(profile.get("name")),
            rating=rating,
            scale=self.scale if rating is not None else None,
            count=page.count or parse.count(profile.get("reviewsCount")),
            reviews=tuple(reviews) or page.reviews,
            next_url=next_url,
        )

    def _review(self, node: dict[str, Any], url: str) -> Review:
        parts: dict[str, list[str]] = {"pros": [], "cons": [], "text": []}
        for item in node.get("texts") or []:
            if not isinstance(item, dict):
                continue
            label = str(item.get("id") or item.get("title") or "").replace("_", " ").lower()
            text = parse.clean(item.get("text"))
            if not text:
                continue
            slot = (
                "pros"
                if label.startswith(PROS_LABELS)
                else "cons"
                if label.startswith(CONS_LABELS)
                else "text"
            )
            parts[slot].append(text)
        return Review(
            site=self.name,
            page_url=url,
            rating=parse.number(node.get("score")),
            scale=self.scale,
            title=parse.clean(node.get("title")),
            text="\n".join(parts["text"]) or None,
            pros="\n".join(parts["pros"]) or None,
            cons="\n".join(parts["cons"]) or None,
            author_role=parse.clean(node.get("position")),
            date=parse.iso_date(node.get("createdAt")),
            review_id=parse.clean(node.get("uuid")),
        )


ADAPTER = Kununu(
    name="kununu",
    label="kununu",
    kind="employee",
    domain="kununu.com",
    hosts=("www.kununu.com",),
    profile_pattern=re.compile(r"kununu\.com/(?:de|at|ch)/[^/?#]+"),
)
