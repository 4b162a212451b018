"""Any page with schema.org Review / AggregateRating markup, the company's own included."""

from __future__ import annotations

from dataclasses import dataclass

from company_research.reviews import parse
from company_research.reviews.base import CompanyRef, ReviewPage, ReviewSite


@dataclass
class SchemaOrg(ReviewSite):
    """The fallback: reads JSON-LD and microdata, then review cards in plain markup. It finds
    no page by itself; it reads pages it is given (an import, the company's own pages)."""

    def candidate_urls(self, company: CompanyRef) -> list[str]:
        return []

    def owns(self, url: str) -> bool:
        return False

    def recognises(self, html: str) -> bool:
        return False

    def parse(self, html: str, url: str) -> ReviewPage:
        page = parse.schema_org_page(html, url, self.name, default_scale=self.scale)
        if page.reviews:
            return page
        from dataclasses import replace

        return replace(page, reviews=tuple(parse.markup_reviews(html, url, self.name)))


ADAPTER = SchemaOrg(name="schemaorg", label="Reviews on the web", kind="customer", domain="")
