"""Demo: the whole pipeline on the bundled sample sites, served on a loopback port."""

from __future__ import annotations

import json
import tempfile
from dataclasses import replace
from importlib import resources
from pathlib import Path

from company_research.errors import UsageError
from company_research.loopback import serve_sites
from company_research.pipeline import Progress, ResearchResult, research
from company_research.settings import Settings


def demo_sites_dir() -> Path:
    """The sample sites: bundled in the wheel, or the repository's fixtures in a checkout."""
    bundled = resources.files("company_research") / "demo_sites"
    if bundled.is_dir():
        return Path(str(bundled))
    checkout = Path(__file__).resolve().parents[2] / "fixtures" / "sites"
    if checkout.is_dir():
        return checkout
    raise UsageError("the demo sites are missing from this installation; reinstall the package")


def demo_reviews_dir() -> Path | None:
    """The sample review sites (Glassdoor, kununu, ...): bundled, or the checkout's fixtures."""
    bundled = resources.files("company_research") / "demo_reviews"
    if bundled.is_dir():
        return Path(str(bundled))
    checkout = Path(__file__).resolve().parents[2] / "fixtures" / "reviews"
    return checkout if checkout.is_dir() else None


def sample_companies(root: Path | None = None) -> list[str]:
    """Sample companies with a registrable domain of their own (subdomain sites are parts)."""
    root = root or demo_sites_dir()
    names = sorted(
        p.name
        for p in root.iterdir()
        if p.is_dir() and not p.name.startswith("_") and _is_sample(p)
    )
    return [n for n in names if not any(n.endswith("." + other) for other in names)]


def _is_sample(site: Path) -> bool:
    """Problem sites (blocked, JavaScript-only) say `"sample": false` in their _site.json."""
    config = site / "_site.json"
    if not config.is_file():
        return True
    return json.loads(config.read_text(encoding="utf-8")).get("sample", True) is not False


def run_demo(
    company: str = "harborlight.io", db: Path | None = None, progress: Progress | None = None
) -> ResearchResult:
    """Serve the samples on 127.0.0.1 and research one of them into a store (temp by default)."""
    root = demo_sites_dir()
    companies = sample_companies(root)
    if company not in companies:
        raise UsageError(f"no sample company {company!r}; choose one of: {', '.join(companies)}")
    reviews = demo_reviews_dir()
    roots = [root, reviews] if reviews else [root]
    with serve_sites(roots) as server, tempfile.TemporaryDirectory(prefix="research-demo-") as tmp:
        settings = replace(
            Settings(),
            resolve=server.resolve_map(),
            resolved_only=True,
            db_path=db or Path(tmp) / "demo.db",
        )
        return research(company, settings, progress=progress)
