"""The reviews stage: look a company up on every review site with our own client, politely,
once; a site that refuses (robots.txt, 403, a bot check, a login wall) is named, never fought."""

from __future__ import annotations

import asyncio
import hashlib
from dataclasses import dataclass, field, replace
from typing import TYPE_CHECKING, Any

from company_research import errors
from company_research.fetch import Fetcher, FetchRecord, Politeness, now_iso
from company_research.reviews import parse
from company_research.reviews.base import CompanyRef, Review, ReviewPage, ReviewSite, slugify
from company_research.reviews.registry import GENERIC, adapters, label_of, site_adapters
from company_research.store import StoredPage

if TYPE_CHECKING:
    import httpx

    from company_research.pipeline import Crawl
    from company_research.settings import Settings
    from company_research.store import Store

IMPORT_HINT = "save the page and use `research reviews import`"
OWN_SITE = "own-site"
MAX_PAGES_PER_SITE = 3  # review pages read per site and run (a brief needs a sample, not all)
MAX_CANDIDATES = 2  # addresses tried per site (a linked profile, then the site's own scheme)


@dataclass(frozen=True)
class SourcePage:
    """A review page as cited: where it was, when, what it said."""

    url: str
    title: str | None
    fetched_at: str
    text: str
    html: str = ""
    status: int = 200
    content_type: str = "text/html"


@dataclass
class SiteResult:
    """One site's outcome for one company."""

    name: str
    label: str
    kind: str
    status: str  # "ok", "not_found", "unavailable", "skipped"
    url: str | None = None
    rating: float | None = None
    scale: float | None = None
    count: int | None = None
    fetched_at: str | None = None
    reason: str | None = None


@dataclass
class Harvest:
    """What the reviews stage gathered (fresh), merged with what the store already held."""

    sites: dict[str, SiteResult] = field(default_factory=dict)
    reviews: dict[str, Review] = field(default_factory=dict)
    pages: dict[str, SourcePage] = field(default_factory=dict)
    log: list[FetchRecord] = field(default_factory=list)
    fresh_pages: set[str] = field(default_factory=set)
    fresh_sites: set[str] = field(default_factory=set)
    kinds: dict[str, str] = field(default_factory=dict)  # site name -> employee/customer

    def add_page(self, site: ReviewSite, page: ReviewPage, fetched_at: str, html: str) -> None:
        text = page_text(page)
        self.pages[page.url] = SourcePage(page.url, page.title, fetched_at, text, html)
        self.fresh_pages.add(page.url)
        self.kinds[site.name] = site.kind
        for review in page.reviews:
            self.reviews.setdefault(review.key, review)


def page_text(page: ReviewPage) -> str:
    """The stored text of a review page: its rating line and every review, verbatim."""
    head = []
    if page.rating is not None:
        head.append(
            f"Rating {page.rating:g}/{(page.scale or 5):g}"
            + (f" from {page.count} reviews" if page.count else "")
        )
    return "\n\n".join([*head, *(r.body for r in page.reviews)])


def company_ref(domain: str, crawl: Crawl) -> CompanyRef:
    """The company as review sites know it: name from its own markup or site name."""
    pages = sorted(crawl.pages.values(), key=lambda p: p.kind != "home")
    name = next(
        (
            p.extraction.organization.name
            for p in pages
            if p.extraction.organization and p.extraction.organization.name
        ),
        None,
    )
    home = next((p for p in pages if p.kind == "home"), None)
    if not name and home is not None:
        name = home.extraction.site_name
    if not name:
        name = domain.split(".")[0].replace("-", " ").title()
    links: list[str] = []
    for page in pages:
        if page.extraction.organization:
            links += page.extraction.organization.links.values()
        links += [url for url, _text in page.extraction.links]
    return CompanyRef(domain=domain, name=name.strip(), links=tuple(dict.fromkeys(links)))


async def review_stage(
    domain: str,
    crawl: Crawl,
    settings: Settings,
    store: Store,
    client: httpx.AsyncClient,
    politeness: Politeness | None = None,
) -> Harvest:
    """Every review site, concurrently (each site is its own host), plus schema.org reviews on
    the company's own pages; merged with the reviews stored before. Never raises."""
    politeness = politeness or Politeness(settings)
    company = company_ref(domain, crawl)
    fresh = Harvest()
    quiet = replace(settings, retries=0, fresh=True)  # one attempt per site per run
    await asyncio.gather(
        *(_guarded(site, company, quiet, client, politeness, fresh) for site in site_adapters())
    )
    _own_site(domain, crawl, fresh)
    return with_stored(store, domain, fresh)


async def _guarded(
    site: ReviewSite,
    company: CompanyRef,
    settings: Settings,
    client: httpx.AsyncClient,
    politeness: Politeness,
    harvest: Harvest,
) -> None:
    try:
        result = await _one_site(site, company, settings, client, politeness, harvest)
    except Exception as exc:  # one broken page must not cost the brief its other sections
        result = SiteResult(
            site.name,
            site.label,
            site.kind,
            "unavailable",
            reason=f"its page could not be read ({type(exc).__name__}); {IMPORT_HINT}",
        )
    harvest.sites[site.name] = result
    if result.status == "ok":
        harvest.fresh_sites.add(site.name)


def _refusal(exc: errors.FetchError) -> tuple[str, bool]:
    """(reason for the brief, whether the whole site refuses us) of a failed fetch."""
    if isinstance(exc, errors.DisallowedError):
        return f"its robots.txt does not allow automated access; {IMPORT_HINT}", True
    if isinstance(exc, errors.ChallengeError):
        if "login" in exc.reason:
            return f"the site asks to sign in ({exc.reason}); {IMPORT_HINT}", True
        return f"the site blocked automated access ({exc.reason}); {IMPORT_HINT}", True
    if exc.status in (401, 403):
        return f"the site blocked automated access (HTTP {exc.status}); {IMPORT_HINT}", True
    if exc.status == 429:
        return "the site asked us to slow down (HTTP 429); try again later", True
    return f"the site could not be reached ({exc.reason})", False


async def _one_site(
    site: ReviewSite,
    company: CompanyRef,
    settings: Settings,
    client: httpx.AsyncClient,
    politeness: Politeness,
    harvest: Harvest,
) -> SiteResult:
    refused = politeness.refused.get(site.domain)
    if refused:  # refused earlier in this run (a refresh of many companies): ask once only
        return SiteResult(site.name, site.label, site.kind, "unavailable", reason=refused)
    fetcher = Fetcher(client, settings, site.domain, {}, politeness)
    try:
        return await _read_site(site, company, fetcher, harvest)
    except errors.OutOfScopeError as exc:
        return SiteResult(site.name, site.label, site.kind, "skipped", reason=exc.reason)
    except errors.FetchError as exc:
        reason, whole_site = _refusal(exc)
        if whole_site:
            politeness.refuse(site.domain, reason)
        return SiteResult(site.name, site.label, site.kind, "unavailable", reason=reason)
    finally:
        harvest.log += fetcher.log


async def _fetch(fetcher: Fetcher, url: str) -> Any:
    """A page, or None when the site has no such page (404/410)."""
    try:
        return await fetcher.fetch(url)
    except errors.FetchError as exc:
        if exc.status in (404, 410) and not isinstance(exc, errors.ChallengeError):
            return None
        raise


async def _read_site(
    site: ReviewSite, company: CompanyRef, fetcher: Fetcher, harvest: Harvest
) -> SiteResult:
    result = SiteResult(site.name, site.label, site.kind, "not_found")
    for url in site.candidate_urls(company)[:MAX_CANDIDATES]:
        page = await _fetch(fetcher, url)
        if page is None:
            continue
        parsed = site.parse(page.text, page.url)
        if not parsed.has_data:
            profile = site.find_profile(page.text, page.url, company)
            if not profile or profile == page.url:
                continue  # a search without this company: the site has no page for it
            page = await _fetch(fetcher, profile)
            if page is None:
                continue
            parsed = site.parse(page.text, page.url)
        if not parsed.has_data or not _same_company(parsed, company, site):
            continue
        first = parsed
        harvest.add_page(site, parsed, page.fetched_at, page.text)
        read = 1
        while (
            parsed.next_url and read < MAX_PAGES_PER_SITE and parsed.next_url not in harvest.pages
        ):
            try:
                more = await _fetch(fetcher, parsed.next_url)
            except errors.FetchError:
                break  # what was read stands; a later page refusing is not worth a line
            if more is None:
                break
            parsed = site.parse(more.text, more.url)
            if not parsed.reviews:
                break
            harvest.add_page(site, parsed, more.fetched_at, more.text)
            read += 1
        return replace(
            result,
            status="ok",
            url=first.url,
            rating=first.rating,
            scale=first.scale,
            count=first.count,
            fetched_at=page.fetched_at,
        )
    return result


def _same_company(page: ReviewPage, company: CompanyRef, site: ReviewSite) -> bool:
    """A page found by name is this company's unless it names another one."""
    if not page.company_name:
        return True
    theirs, ours = slugify(page.company_name), company.slug
    return bool(theirs) and (theirs == ours or theirs.startswith(ours) or ours.startswith(theirs))


def may_hold_schema_reviews(html: str) -> bool:
    """False only for a page that cannot hold a schema.org rating or review: one whose
    markup never names AggregateRating, nor Review (or User/Critic/EmployerReview, or a
    `review` property) where a JSON-LD type or key, a microdata itemtype or an itemprop
    would (after a quote, `/`, `:`, `#`, `=` or a space). Page text that says "review"
    passes too: this only spares parsing pages again that have nothing to find."""
    lower = html.lower()
    if "aggregaterating" in lower:
        return True
    at = lower.find("review")
    while at != -1:
        before = lower[max(0, at - 8) : at]
        if not before or before[-1] in "\"'/:#=" or before[-1].isspace():
            return True
        if before.endswith(("user", "critic", "employer")):
            return True
        at = lower.find("review", at + 6)
    return False


def _own_site(domain: str, crawl: Crawl, harvest: Harvest) -> None:
    """schema.org ratings and reviews on the company's own pages (testimonials, products)."""
    reader = adapters()[GENERIC]
    for record in crawl.pages.values():
        if not may_hold_schema_reviews(record.html):
            continue  # most pages: no JSON-LD or microdata to parse again
        page = parse.schema_org_page(record.html, record.url, OWN_SITE)
        if not page.has_data:
            continue
        page = replace(page, title=record.extraction.title)
        harvest.pages[page.url] = SourcePage(
            page.url, page.title, record.fetched_at, page_text(page)
        )
        harvest.kinds[OWN_SITE] = reader.kind
        for review in page.reviews:
            harvest.reviews.setdefault(review.key, review)
        if OWN_SITE not in harvest.sites and page.rating is not None:
            harvest.sites[OWN_SITE] = SiteResult(
                OWN_SITE,
                f"{domain} (their own site)",
                reader.kind,
                "ok",
                url=page.url,
                rating=page.rating,
                scale=page.scale,
                count=page.count,
                fetched_at=record.fetched_at,
            )


# -- the store ----------------------------------------------------------------------------------
def with_stored(store: Store, domain: str, fresh: Harvest) -> Harvest:
    """Fresh results over what was stored before: a site read today replaces its old rating;
    reviews accumulate (a refresh adds only new ones); imported pages stay."""
    merged = Harvest(log=fresh.log, fresh_pages=fresh.fresh_pages, fresh_sites=fresh.fresh_sites)
    for row in store.review_sites(domain):
        merged.sites[row["site"]] = SiteResult(
            row["site"],
            row["label"] or label_of(row["site"]),
            row["kind"] or "employee",
            "ok",
            url=row["url"],
            rating=row["rating"],
            scale=row["scale"],
            count=row["count"],
            fetched_at=row["fetched_at"],
        )
        merged.kinds[row["site"]] = row["kind"] or "employee"
    for row in store.reviews(domain):
        review = Review(
            site=row["site"],
            page_url=row["page_url"] or row["url"],
            rating=row["rating"],
            scale=row["scale"],
            title=row["title"],
            text=row["text"],
            pros=row["pros"],
            cons=row["cons"],
            author_role=row["author_role"],
            date=row["date"],
            url=row["url"],
        )
        merged.reviews[row["id"]] = review
        if review.page_url not in merged.pages and (stored := store.page(review.page_url)):
            merged.pages[review.page_url] = SourcePage(
                stored.url, stored.title, stored.fetched_at, stored.text
            )
    for row in store.review_sites(domain):
        if row["url"] not in merged.pages and (stored := store.page(row["url"])):
            merged.pages[row["url"]] = SourcePage(
                stored.url, stored.title, stored.fetched_at, stored.text
            )
    for name, result in fresh.sites.items():
        if result.status == "ok" or name not in merged.sites:
            merged.sites[name] = result
        elif result.status == "unavailable":  # keep the stored rating, say today's refusal
            merged.sites[name] = replace(merged.sites[name], reason=result.reason)
    merged.pages.update(fresh.pages)
    merged.reviews.update(fresh.reviews)
    merged.kinds.update(fresh.kinds)
    return merged


def save_harvest(store: Store, domain: str, harvest: Harvest, run_id: int | None) -> int:
    """Store the fresh review pages, site ratings and new reviews (inside the crawl's
    transaction); returns how many reviews were new."""
    for url in sorted(harvest.fresh_pages):
        page = harvest.pages[url]
        store.save_page(
            StoredPage(
                url=url,
                company=domain,
                kind="reviews",
                status=page.status,
                fetched_at=page.fetched_at,
                content_type=page.content_type,
                etag=None,
                last_modified=None,
                content_hash=hashlib.sha256(page.text.encode()).hexdigest(),
                title=page.title,
                text=page.text,
                html=page.html,
            )
        )
    for name in sorted(harvest.fresh_sites):
        site = harvest.sites[name]
        store.save_review_site(
            {
                "company": domain,
                "site": name,
                "label": site.label,
                "kind": site.kind,
                "url": site.url,
                "rating": site.rating,
                "scale": site.scale,
                "count": site.count,
                "fetched_at": site.fetched_at or now_iso(),
            }
        )
    fetched = {u: harvest.pages[u].fetched_at for u in harvest.fresh_pages}
    rows = [
        {
            "id": key,
            "company": domain,
            "site": r.site,
            "kind": harvest.kinds.get(r.site),
            "url": r.url or r.page_url,
            "page_url": r.page_url,
            "rating": r.rating,
            "scale": r.scale,
            "title": r.title,
            "text": r.text,
            "pros": r.pros,
            "cons": r.cons,
            "author_role": r.author_role,
            "date": r.date,
            "fetched_at": fetched.get(r.page_url) or now_iso(),
            "content_hash": r.content_hash,
        }
        for key, r in harvest.reviews.items()
        if r.page_url in harvest.fresh_pages
    ]
    added = store.add_reviews(rows)
    if run_id is not None and harvest.log:
        store.log_fetches(run_id, domain, harvest.log)
    return added
