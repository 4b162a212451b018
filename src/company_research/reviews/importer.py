"""Import a review page the user saved from a browser: parsed by the site's own adapter,
stored and cited like a fetched page, and the brief rebuilt on the stored crawl."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Any

from company_research import errors
from company_research.challenge import detect_block
from company_research.encoding import decode_body
from company_research.fetch import now_iso
from company_research.reviews import parse
from company_research.reviews.base import ReviewSite
from company_research.reviews.collect import Harvest, SiteResult, with_stored
from company_research.reviews.registry import GENERIC, adapter_for_url, adapters, get_adapter
from company_research.scope import normalise_domain
from company_research.settings import Settings

MAX_SAVED_PAGE = 20 * 1024 * 1024


@dataclass(frozen=True)
class ImportResult:
    domain: str
    site: str  # the site's label
    url: str
    rating: float | None
    scale: float | None
    count: int | None
    reviews_read: int
    reviews_new: int
    brief: dict[str, Any]


def guess_site(html: str, url: str | None) -> ReviewSite:
    """The adapter for a saved page: by its URL's host, else by the site's links in the page,
    else the generic schema.org reader."""
    by_url = adapter_for_url(url)
    if by_url is not None:
        return by_url
    for adapter in adapters().values():
        if adapter.name != GENERIC and adapter.recognises(html):
            return adapter
    return adapters()[GENERIC]


def import_review_page(
    domain_input: str,
    path: Path,
    settings: Settings,
    *,
    site: str | None = None,
    url: str | None = None,
) -> ImportResult:
    """Read PATH as a review page about DOMAIN, store it and its reviews, rebuild the brief."""
    from company_research.pipeline import rebuild_brief
    from company_research.store import open_store

    domain = normalise_domain(domain_input)
    adapter = get_adapter(site) if site else None
    try:
        if path.stat().st_size > MAX_SAVED_PAGE:
            raise errors.UsageError(
                f"{path} is over {MAX_SAVED_PAGE // 2**20} MB; is it a web page?"
            )
        raw = path.read_bytes()
    except OSError as exc:
        raise errors.UsageError(f"cannot read {path}: {exc.strerror or exc}") from None
    html = decode_body(raw, None)
    blocked = detect_block(200, html)
    if blocked:
        raise errors.ResearchError(
            f"{path} is {blocked}, not the reviews",
            hint="open the page in your browser, wait until the reviews show, then save it again",
        )
    page_url = url or parse.canonical_url(html)
    if not page_url:
        raise errors.UsageError(
            f"{path} does not say which address it was saved from; pass --url URL"
        )
    if not page_url.startswith(("http://", "https://")):
        raise errors.UsageError(f"--url must be an http(s) address, not {page_url!r}")
    adapter = adapter or guess_site(html, page_url)
    parsed = adapter.parse(html, page_url)
    if not parsed.has_data:
        raise errors.ResearchError(
            f"found no rating or reviews in {path} (read as {adapter.label})",
            hint="pass --site NAME if it is from another site" if not site else None,
        )
    label = adapter.label if adapter.name != GENERIC else (parse.page_title(html) or page_url)
    name = adapter.name if adapter.name != GENERIC else f"web:{page_url.split('/')[2]}"
    if adapter.name == GENERIC:
        label = page_url.split("/")[2].removeprefix("www.")
    fresh = Harvest()
    fetched_at = now_iso()
    parsed = _renamed(parsed, name)
    fresh.add_page(_as_site(adapter, name, label), parsed, fetched_at, html)
    fresh.sites[name] = SiteResult(
        name, label, adapter.kind, "ok", url=parsed.url, rating=parsed.rating,
        scale=parsed.scale, count=parsed.count, fetched_at=fetched_at,
    )  # fmt: skip
    fresh.fresh_sites.add(name)
    store = open_store(settings.db_path)
    try:
        before = {row["id"] for row in store.reviews(domain)}
        brief = rebuild_brief(domain, store, with_stored(store, domain, fresh))
    finally:
        store.close()
    new = sum(1 for r in parsed.reviews if r.key not in before)
    return ImportResult(
        domain, label, parsed.url, parsed.rating, parsed.scale, parsed.count,
        len(parsed.reviews), new, brief,
    )  # fmt: skip


def _renamed(page: Any, name: str) -> Any:
    """Reviews read by the generic reader belong to the host they came from."""
    from dataclasses import replace

    if all(r.site == name for r in page.reviews):
        return page
    return replace(page, reviews=tuple(replace(r, site=name) for r in page.reviews))


def _as_site(adapter: ReviewSite, name: str, label: str) -> ReviewSite:
    from dataclasses import replace

    return adapter if adapter.name == name else replace(adapter, name=name, label=label)
