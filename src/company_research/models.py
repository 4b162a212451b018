"""Plain typed values the pipeline stages hand to each other."""

from __future__ import annotations

from dataclasses import dataclass, field


@dataclass(frozen=True)
class FetchedPage:
    """One HTTP response as our client received it (URLs are the site's, never the resolved ones)."""

    url: str  # final URL after in-scope redirects
    requested_url: str
    status: int
    content_type: str  # media type only, lower case, e.g. "text/html"
    body: bytes  # decoded from transfer compression, capped
    text: str  # body decoded to str (charset from header, BOM, <meta>, detector)
    fetched_at: str  # ISO 8601, UTC
    elapsed_ms: int
    etag: str | None = None
    last_modified: str | None = None
    not_modified: bool = False  # a 304 answer to a conditional request


@dataclass(frozen=True)
class OrgFacts:
    """schema.org Organization facts (JSON-LD or microdata). Unknown is None, never a guess."""

    name: str | None = None
    legal_name: str | None = None
    alternate_name: str | None = None
    description: str | None = None
    slogan: str | None = None
    founded: str | None = None  # as written: "2014" or "2014-03-01"
    headquarters: str | None = None  # "City, Region, Country" from address/location
    employees: str | None = None  # "120" or "50-200" as stated
    industry: str | None = None
    url: str | None = None
    logo: str | None = None
    links: dict[str, str] = field(default_factory=dict)  # {"linkedin": url, "x": url, ...}


@dataclass(frozen=True)
class ArticleMeta:
    """A schema.org Article/BlogPosting/NewsArticle found in a page."""

    headline: str | None = None
    url: str | None = None
    date_published: str | None = None  # ISO 8601 date or datetime as given
    date_modified: str | None = None
    description: str | None = None
    author: str | None = None


@dataclass(frozen=True)
class SitemapEntry:
    url: str
    lastmod: str | None = None


@dataclass(frozen=True)
class Sitemap:
    """A parsed sitemap: page entries, or child sitemaps when it is an index."""

    entries: tuple[SitemapEntry, ...] = ()
    children: tuple[str, ...] = ()


@dataclass(frozen=True)
class FeedEntry:
    title: str
    url: str
    published: str | None  # ISO 8601 date
    summary: str | None


@dataclass(frozen=True)
class Candidate:
    """A URL discovery proposes, with the kind it looks like and how sure it is."""

    url: str
    kind: str  # about, mission, values, careers, blog, post, press, products, contact, home
    score: float
    reason: str  # "link text 'About us'", "url /ueber-uns", "sitemap", "feed"
    published: str | None = None
    title: str | None = None


@dataclass(frozen=True)
class Extraction:
    """What one page says, derived from its stored HTML (re-derivable without refetching)."""

    url: str
    kind: str
    title: str | None
    text: str  # main text, paragraphs separated by blank lines
    description: str | None
    lang: str | None
    published: str | None
    organization: OrgFacts | None
    articles: tuple[ArticleMeta, ...] = ()
    links: tuple[tuple[str, str], ...] = ()  # (absolute url, anchor text), in page order
    content_links: tuple[tuple[str, str], ...] = ()  # the same, outside nav/header/footer
    blocks: tuple[tuple[str, str], ...] = ()  # (tag, text) of content blocks, in page order
    feeds: tuple[str, ...] = ()
    site_name: str | None = None  # og:site_name or application-name
    full_text: str = ""  # all visible body text, footer included (addresses, founding lines)
    javascript_only: bool = False
    alternates: tuple[tuple[str, str], ...] = ()  # (hreflang, absolute url) of translations
