"""The adapter interface: a review site finds a company's page and parses pages into reviews."""

from __future__ import annotations

import hashlib
import re
import unicodedata
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import urlsplit

from company_research.reviews import parse
from company_research.reviews.words import LEGAL_FORMS


@dataclass(frozen=True)
class CompanyRef:
    """What review sites address a company by: its domain, its name, links from its own site."""

    domain: str
    name: str
    links: tuple[str, ...] = ()  # profile links found on the company's pages (sameAs, footer)

    @property
    def slug(self) -> str:
        """`Maison Lümen SAS` -> `maison-lumen` (the form most sites put in URLs)."""
        return slugify(self.short_name)

    @property
    def short_name(self) -> str:
        """The name without its legal form (GmbH, Inc., SAS...), as review sites list it."""
        name = self.name.strip().rstrip(",")
        lowered = name.lower()
        for form in sorted(LEGAL_FORMS, key=len, reverse=True):
            if lowered.endswith(" " + form):
                return name[: -len(form) - 1].strip().rstrip(",")
        return name


@dataclass(frozen=True)
class Review:
    """One review as a site shows it; text fields are verbatim, dates ISO 8601."""

    site: str  # adapter name
    page_url: str  # the page it was read on (the citation)
    rating: float | None = None
    scale: float | None = None
    title: str | None = None
    text: str | None = None
    pros: str | None = None
    cons: str | None = None
    author_role: str | None = None
    date: str | None = None
    review_id: str | None = None  # the site's own id, when it shows one
    url: str | None = None  # the review's own URL, when it has one

    @property
    def key(self) -> str:
        """Stable identity: the site's id, else its words; a refresh adds only new keys."""
        if self.review_id:
            basis = f"{self.site}|id|{self.review_id}"
        else:
            words = " ".join(x or "" for x in (self.title, self.text, self.pros, self.cons))
            basis = f"{self.site}|{self.date or ''}|{' '.join(words.lower().split())}"
        return hashlib.sha256(basis.encode("utf-8")).hexdigest()[:32]

    @property
    def content_hash(self) -> str:
        words = "\n".join(x or "" for x in (self.title, self.text, self.pros, self.cons))
        return hashlib.sha256(words.encode("utf-8")).hexdigest()

    @property
    def body(self) -> str:
        """Everything the reviewer wrote, for themes and quotes."""
        return "\n".join(x for x in (self.title, self.text, self.pros, self.cons) if x)


@dataclass(frozen=True)
class ReviewPage:
    """What one page of a review site says about a company."""

    url: str
    company_name: str | None = None
    rating: float | None = None
    scale: float | None = None
    count: int | None = None
    reviews: tuple[Review, ...] = ()
    next_url: str | None = None  # the next page of reviews
    profile_url: str | None = None  # a search page's match: the company's own page
    title: str | None = None

    @property
    def has_data(self) -> bool:
        return self.rating is not None or bool(self.reviews)


@dataclass
class ReviewSite:
    """A review site. Subclasses set the class attributes and override what differs."""

    name: str = ""  # registry key, lower case: "glassdoor"
    label: str = ""  # as people write it: "Glassdoor"
    kind: str = "employee"  # "employee" or "customer"
    domain: str = ""  # registrable domain the site lives on: "glassdoor.com"
    hosts: tuple[str, ...] = ()  # hosts whose pages this adapter reads
    scale: float = 5.0  # the site's rating scale when a page does not say
    profile_pattern: re.Pattern[str] | None = None  # a link to a company's page on this site
    extra: dict[str, Any] = field(default_factory=dict)

    def candidate_urls(self, company: CompanyRef) -> list[str]:
        """URLs to try, best first: a profile linked from the company's site, then the address
        the site gives a company (by domain, slug or a search path)."""
        return self.linked_profiles(company)

    def linked_profiles(self, company: CompanyRef) -> list[str]:
        if self.profile_pattern is None:
            return []
        found = [u for u in company.links if self.owns(u) and self.profile_pattern.search(u)]
        return list(dict.fromkeys(found))[:1]

    def owns(self, url: str) -> bool:
        host = (urlsplit(url).hostname or "").lower()
        return host == self.domain or host.endswith("." + self.domain) or host in self.hosts

    def recognises(self, html: str) -> bool:
        """True when a saved page (no URL known) looks like this site's page."""
        return any(f"//{h}/" in html[:200_000] for h in (self.domain, *self.hosts))

    def parse(self, html: str, url: str) -> ReviewPage:
        """Ratings and reviews in a page; the default reads schema.org markup only."""
        return parse.schema_org_page(html, url, self.name, default_scale=self.scale)

    def find_profile(self, html: str, url: str, company: CompanyRef) -> str | None:
        """On a search page, the link to this company's own page: a profile link whose text
        names the company (folded), else the only profile link the page has."""
        if self.profile_pattern is None:
            return None
        profiles = [
            (href, text)
            for href, text in parse.links(html, url)
            if self.owns(href) and self.profile_pattern.search(href)
        ]
        want = slugify(company.name)
        named = [href for href, text in profiles if want and slugify(text) == want]
        if named:
            return named[0]
        unique = list(dict.fromkeys(href for href, _text in profiles))
        return unique[0] if len(unique) == 1 else None


def slugify(text: str) -> str:
    folded = unicodedata.normalize("NFKD", text.replace("ß", "ss"))
    ascii_text = "".join(c for c in folded if not unicodedata.combining(c))
    return re.sub(r"[^a-z0-9]+", "-", ascii_text.lower()).strip("-")
