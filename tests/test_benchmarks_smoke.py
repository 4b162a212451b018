"""The benchmark harness runs end to end at a tiny size (no timing is asserted: see benchmarks/)."""

from __future__ import annotations

import sys
from pathlib import Path

import pytest

from tests.conftest import BENCHMARKS, sitegen


@pytest.fixture
def bench(monkeypatch: pytest.MonkeyPatch):
    monkeypatch.syspath_prepend(str(BENCHMARKS))
    import run  # benchmarks/run.py

    yield run
    sys.modules.pop("run", None)


def test_generated_sites_look_like_real_ones() -> None:
    generated = sitegen()
    company = generated.build_company(3)
    assert company.domain == generated.domain_of(3)
    kinds = {"/", "/about/", "/products/", "/careers/", "/blog/", "/blog/feed.xml", "/robots.txt"}
    assert kinds <= set(company.pages)
    html_sizes = [
        len(p.body) for p in company.pages.values() if p.content_type.startswith("text/html")
    ]
    assert min(html_sizes) > 30_000
    depths = company.depths()
    assert depths["/robots.txt"] == 1 and depths["/"] == 2 and depths["/about/"] == 3
    assert generated.build_company(3).pages["/"].body == company.pages["/"].body  # deterministic


def test_harness_produces_every_row(bench, tmp_path: Path) -> None:
    params = bench.Params(
        companies=3, concurrency=2, delay=0.0, repeat=1, cpu_companies=2, work=tmp_path / "w"
    )
    params.work.mkdir()
    text = bench.run(params, command="smoke")
    for row in (
        "1. one company: time to brief",
        "2. refresh of 3 companies",
        "max in flight per host",
        "3. unchanged refresh of 3",
        "answered 304",
        "4. CPU, no delay",
        "bare trafilatura.extract",
        "5. start-up: `research --help`",
        "`research brief` from a warm store",
        "Load average",
    ):
        assert row in text
    # The unchanged refresh was answered 304 for every page it had stored.
    line = next(x for x in text.splitlines() if "answered 304" in x)
    requests, not_modified = (int(v) for v in line.split("|")[3].split("/"))
    assert not_modified > 0 and requests > not_modified
