"""A refresh parsing pages in worker processes stores exactly what parsing here stores."""

from __future__ import annotations

from pathlib import Path

import pytest

from company_research import offload
from company_research.refresh import refresh
from company_research.settings import Settings
from company_research.store import open_store

COMPANIES = ("harborlight.io", "kesselwerk.de", "maison-lumen.fr")


def _refreshed(sites, db: Path) -> dict[str, tuple[str | None, str | None]]:
    settings = Settings(db_path=db, resolve=sites.resolve_map(), resolved_only=True)
    store = open_store(db)
    try:
        for domain in COMPANIES:
            store.watch(domain)
    finally:
        store.close()
    digest = refresh(settings, everything=True)
    assert [c.status for c in digest.companies] == ["new"] * len(COMPANIES)
    store = open_store(db)
    try:
        rows = store.db.execute("select url, kind, derived from pages order by url").fetchall()
    finally:
        store.close()
    return {url: (kind, derived) for url, kind, derived in rows}


def test_pages_parsed_in_workers_are_stored_exactly_as_parsed_here(
    sites, tmp_path, monkeypatch
) -> None:
    monkeypatch.setattr(offload, "MIN_COMPANIES", 10**6)
    here = _refreshed(sites, tmp_path / "here.db")
    monkeypatch.setattr(offload, "MIN_COMPANIES", 1)
    pools: list[offload._Pool] = []
    submitted: list[object] = []

    class Spy(offload._Pool):
        def __init__(self, executor) -> None:
            super().__init__(executor)
            pools.append(self)
            submit = executor.submit
            executor.submit = lambda fn, *args: submitted.append(fn) or submit(fn, *args)

    monkeypatch.setattr(offload, "_Pool", Spy)
    pooled = _refreshed(sites, tmp_path / "pooled.db")
    assert len(here) > 20
    assert pooled == here
    assert len(pools) == 1 and not pools[0].broken  # parsed in the workers, not here
    assert len(submitted) >= 20  # pages and feeds (sitemaps and robots.txt are parsed here)


def test_a_pool_that_cannot_start_falls_back_to_parsing_here(sites, tmp_path, monkeypatch) -> None:
    monkeypatch.setattr(offload, "MIN_COMPANIES", 10**6)
    here = _refreshed(sites, tmp_path / "here.db")
    # A worker that dies while starting breaks the pool: every page is parsed here instead.
    monkeypatch.setattr(offload, "MIN_COMPANIES", 1)
    monkeypatch.setattr(offload, "WORKER_MODULES", ("company_research.no_such_module",))
    broken = _refreshed(sites, tmp_path / "broken.db")
    assert broken == here


@pytest.mark.parametrize("companies", [0, 1, offload.MIN_COMPANIES - 1])
def test_no_pool_for_a_short_list(companies: int) -> None:
    with offload.parse_pool(companies) as pooled:
        assert pooled is False
