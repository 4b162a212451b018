"""Settings: every polite default in one place, passed explicitly to each stage."""

from __future__ import annotations

import os
from dataclasses import dataclass, field
from pathlib import Path

from company_research import __version__

USER_AGENT = (
    f"company-research/{__version__} "
    "(+https://pypi.org/project/company-research/; interview research for one person)"
)


@dataclass(frozen=True)
class Settings:
    """How a crawl behaves. Build one per run; nothing reads globals."""

    db_path: Path | None = None
    resolve: dict[str, str] = field(default_factory=dict)
    resolved_only: bool = False  # fetch only hosts --resolve maps (a saved mirror; tests; demo)
    max_pages: int = 40
    per_host_concurrency: int = 4
    min_delay: float = 0.0  # seconds between requests to one host, raised by Crawl-delay
    max_crawl_delay: float = 10.0  # a larger robots.txt Crawl-delay is capped (and reported)
    connect_timeout: float = 10.0
    read_timeout: float = 20.0
    page_deadline: float = 45.0  # a response that never finishes is cut here
    max_body_bytes: int = 5 * 1024 * 1024
    max_feed_bytes: int = 5 * 1024 * 1024
    max_sitemap_bytes: int = 10 * 1024 * 1024
    max_redirects: int = 5
    retries: int = 2
    backoff_base: float = 0.5
    max_retry_after: float = 30.0
    user_agent: str = USER_AGENT
    obey_robots: bool = True
    fresh: bool = False  # ignore stored validators and refetch everything
    offline: bool = False  # never touch the network; render from the store
    reviews: bool = True
    max_posts: int = 6


def resolved_only_from_env() -> bool:
    """$RESEARCH_RESOLVED_ONLY=1: never fetch a host that --resolve does not map."""
    return os.environ.get("RESEARCH_RESOLVED_ONLY", "") not in ("", "0", "false", "no")


def resolve_from_env() -> str:
    """The raw $RESEARCH_RESOLVE value (comma-separated HOST=BASE_URL pairs)."""
    return os.environ.get("RESEARCH_RESOLVE", "")


# Environment knobs for the limits, so that tests, CI and slow links can tighten or loosen
# them without new CLI options: name -> (Settings field, type, smallest value allowed).
LIMIT_ENV: dict[str, tuple[str, type, float]] = {
    "RESEARCH_PAGE_DEADLINE": ("page_deadline", float, 0.1),
    "RESEARCH_CONNECT_TIMEOUT": ("connect_timeout", float, 0.1),
    "RESEARCH_READ_TIMEOUT": ("read_timeout", float, 0.1),
    "RESEARCH_MAX_BODY_BYTES": ("max_body_bytes", int, 1024),
    "RESEARCH_RETRIES": ("retries", int, 0),
    "RESEARCH_BACKOFF_BASE": ("backoff_base", float, 0.0),
    "RESEARCH_MAX_RETRY_AFTER": ("max_retry_after", float, 0.0),
}


def limits_from_env() -> dict[str, float | int]:
    """Settings overrides from $RESEARCH_PAGE_DEADLINE and the other LIMIT_ENV variables."""
    from company_research.errors import UsageError

    overrides: dict[str, float | int] = {}
    for name, (field_name, kind, smallest) in LIMIT_ENV.items():
        raw = os.environ.get(name, "").strip()
        if not raw:
            continue
        try:
            value = kind(raw)
        except ValueError:
            raise UsageError(f"${name}={raw[:40]!r} is not a {kind.__name__}") from None
        if not value >= smallest or value != value or value in (float("inf"),):
            raise UsageError(f"${name}={raw[:40]!r} must be a finite number >= {smallest:g}")
        overrides[field_name] = value
    return overrides
