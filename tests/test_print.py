"""One printed page: every fixture company's HTML brief prints on one A4 and one Letter page,
its Markdown stays under the word budget, and `--format pdf` writes that page."""

from __future__ import annotations

import io
import re
import subprocess
import sys

import pytest
from pypdf import PdfReader

from company_research.render import WORD_BUDGET, fit_brief, pdf_pages, render_brief, render_pdf

from .conftest import expected_sites, resolve_args, run_research

IDS = [s["domain"] for s in expected_sites()]


@pytest.mark.parametrize("domain", IDS)
@pytest.mark.parametrize("paper", ["A4", "Letter"])
def test_html_brief_prints_on_exactly_one_page(researched, domain, paper):
    html = render_brief(researched[domain], "html")
    assert pdf_pages(html, paper) == 1


@pytest.mark.parametrize("domain", IDS)
def test_markdown_brief_is_within_the_word_budget(researched, domain):
    md = render_brief(researched[domain], "md")
    assert len(md.split()) < WORD_BUDGET
    assert "## Talking points" in md and "## Questions to ask" in md


def _long_brief(brief: dict) -> dict:
    """The brief with every list padded far past one page, by repeating its items."""
    long = {**brief}
    for key in ("posts", "values", "offerings", "talking_points", "questions"):
        long[key] = [item for item in brief[key] for _ in range(5)]
    return long


def test_long_sections_are_cut_by_rank_never_mid_sentence(researched):
    brief = researched["harborlight.io"]
    long = _long_brief(brief)
    md = render_brief(long, "md")
    assert len(md.split()) < WORD_BUDGET
    fitted = fit_brief(long)
    for key in ("posts", "talking_points", "questions"):
        kept = fitted[key]
        assert kept and kept == long[key][: len(kept)]  # a prefix: the best-ranked items
        for item in kept:  # whole items, whole sentences
            assert item in long[key]
    cited = {s["id"] for s in fitted["sources"]}
    assert all(f"[{n}]" in md for n in cited)
    for paper in ("A4", "Letter"):
        assert pdf_pages(render_brief(long, "html"), paper) == 1


def test_render_pdf_is_one_page_and_keeps_the_citations(researched):
    pdf = render_pdf(researched["kesselwerk.de"], "Letter")
    reader = PdfReader(io.BytesIO(pdf))
    assert len(reader.pages) == 1
    text = reader.pages[0].extract_text()
    assert "Kesselwerk" in text and re.search(r"\[\d+\]", text)
    width, height = (float(v) for v in reader.pages[0].mediabox[2:])
    assert (round(width), round(height)) == (612, 792)  # US Letter in points


def test_cli_writes_a_one_page_pdf(sites, tmp_path):
    out = tmp_path / "brief.pdf"
    result = run_research(
        "maison-lumen.fr", "--format", "pdf", "-o", str(out), *resolve_args(sites)
    )
    assert result.returncode == 0, result.stderr
    assert f"wrote {out}" in result.stderr
    reader = PdfReader(out)
    assert len(reader.pages) == 1
    width, height = (float(v) for v in reader.pages[0].mediabox[2:])
    assert (round(width), round(height)) == (595, 842)  # A4, the default
    piped = subprocess.run(
        [sys.executable, "-m", "company_research", "brief", "maison-lumen.fr", "-f", "pdf"],
        capture_output=True,
        check=False,
    )
    assert piped.returncode == 0, piped.stderr
    assert piped.stdout.startswith(b"%PDF")  # piped: the PDF goes to stdout
