"""Reviews through the real command line against loopback review sites: the brief's section,
blocked sites named, robots.txt obeyed, saved pages imported, --no-reviews, --reviews-only."""

from __future__ import annotations

import json
import sqlite3

import pytest

from company_research.render import validate_brief

from .conftest import REVIEWS, expected_sites, resolve_args, run_research

SITES = [s for s in expected_sites() if "reviews" in s]
IDS = [s["domain"] for s in SITES]
NO_REVIEWS = [s for s in expected_sites() if "reviews" not in s]
HINT = "save the page and use `research reviews import`"


@pytest.mark.parametrize("site", NO_REVIEWS, ids=[s["domain"] for s in NO_REVIEWS])
def test_no_review_pages_means_no_ratings(researched, site):
    """A company no review site knows gets no rating, theme or quote: nothing is invented."""
    section = researched[site["domain"]]["reviews"]
    assert section["sites"] == []
    assert section["pros"] == section["cons"] == section["quotes"] == []


@pytest.mark.parametrize("site", SITES, ids=IDS)
def test_what_people_say(researched, site):
    brief = researched[site["domain"]]
    want = site["reviews"]
    section = brief["reviews"]
    validate_brief(brief)
    got = {s["site"]: [s["rating"], s["scale"], s["count"]] for s in section["sites"]}
    assert got == want["sites"]
    sources = {s["id"]: s for s in brief["sources"]}
    for entry in section["sites"]:
        assert sources[entry["source"]]["kind"] == "reviews"
        assert sources[entry["source"]]["url"] == entry["url"]
    pros = [t["text"].lower() for t in section["pros"]]
    cons = [t["text"].lower() for t in section["cons"]]
    for theme in want["pros_contain"]:
        assert any(theme.lower() in p for p in pros), pros
    for theme in want["cons_contain"]:
        assert any(theme.lower() in c for c in cons), cons
    for theme in section["pros"] + section["cons"]:
        assert 2 <= theme["count"] <= theme["of"]
    assert 1 <= len(section["quotes"]) <= 3
    assert section["period"] == {"from": want["period"][0], "to": want["period"][1]}
    assert sorted(u["site"] for u in section["unavailable"]) == sorted(want["unavailable"])
    for line in section["unavailable"]:
        assert line["reason"].endswith(HINT)
    for name in want.get("not_found_contain", []):
        assert name in section["not_found"]


def test_quotes_are_verbatim_from_the_stored_review_pages(researched):
    db = sqlite3.connect(researched["_db"]["path"])
    for domain in IDS:
        brief = researched[domain]
        urls = {s["id"]: s["url"] for s in brief["sources"]}
        for quote in brief["reviews"]["quotes"]:
            (text,) = db.execute(
                "select text from pages where url = ?", [urls[quote["source"]]]
            ).fetchone()
            assert quote["text"] in text


def test_blocked_sites_are_one_line_each_and_named(researched):
    section = researched["harborlight.io"]["reviews"]
    reasons = {u["site"]: u["reason"] for u in section["unavailable"]}
    assert reasons["G2"] == f"the site blocked automated access (a DataDome bot check); {HINT}"
    assert reasons["Indeed"] == f"its robots.txt does not allow automated access; {HINT}"
    veridian = {
        u["site"]: u["reason"] for u in researched["veridian-labs.com"]["reviews"]["unavailable"]
    }
    assert veridian["Glassdoor"].startswith("the site blocked automated access")  # HTTP 403
    quill = {u["site"]: u["reason"] for u in researched["quillstack.com"]["reviews"]["unavailable"]}
    assert quill["Glassdoor"].startswith("the site asks to sign in (a login wall)")


def test_ratings_on_different_scales_are_not_averaged(researched):
    """Different scales (a score out of 100 beside stars out of 5) are never averaged, and the
    brief says so; sites on one scale need no such note."""
    for domain, brief in researched.items():
        if domain == "_db":
            continue
        section = brief["reviews"]
        scales = {s["scale"] for s in section["sites"] if s["rating"] is not None}
        if len(scales) > 1:
            assert section["note"] == (
                "Each site rates on its own scale; the ratings are not averaged."
            )
        else:
            assert not section.get("note")
    assert researched["veridian-labs.com"]["reviews"]["sites"][0]["scale"] == 100


def test_reviews_are_stored_once_per_review(researched):
    db = sqlite3.connect(researched["_db"]["path"])
    rows = db.execute(
        "select site, count(*) from reviews where company = 'harborlight.io' group by site"
    ).fetchall()
    assert dict(rows) == {"glassdoor": 9, "trustpilot": 6}
    (rating,) = db.execute(
        "select rating from review_sites where company = 'kesselwerk.de' and site = 'kununu'"
    ).fetchone()
    assert rating == 3.9


def test_robots_txt_is_obeyed_and_blocked_sites_asked_once(sites, tmp_path):
    sites.log.clear()
    db = tmp_path / "r.db"
    result = run_research(
        "harborlight.io", "--db", str(db), "--format", "json", *resolve_args(sites)
    )
    assert result.returncode == 0, result.stderr
    indeed = sites.log.paths("www.indeed.com")
    assert indeed == ["/robots.txt"]
    g2 = sites.log.paths("www.g2.com")
    assert g2.count("/products/harborlight/reviews") == 1  # a bot check: never retried
    glassdoor = sites.log.paths("www.glassdoor.com")
    assert "/Reviews/Harborlight-Reviews-E4829113_P2.htm" in glassdoor  # pagination followed
    assert not any("/member/" in p for p in glassdoor)


def test_a_refresh_adds_only_new_reviews(sites, tmp_path):
    db = tmp_path / "r.db"
    for _ in range(2):
        result = run_research(
            "kesselwerk.de", "--db", str(db), "--format", "json", *resolve_args(sites)
        )
        assert result.returncode == 0, result.stderr
    conn = sqlite3.connect(db)
    assert conn.execute("select count(*) from reviews").fetchone() == (5,)
    assert conn.execute("select count(*) from review_sites").fetchone() == (1,)


def test_no_reviews_skips_review_sites(sites, tmp_path):
    sites.log.clear()
    result = run_research(
        "fernway-outdoors.com", "--db", str(tmp_path / "r.db"), "--no-reviews", "--format", "json",
        *resolve_args(sites),
    )  # fmt: skip
    assert result.returncode == 0, result.stderr
    brief = json.loads(result.stdout)
    validate_brief(brief)
    assert brief["reviews"]["sites"] == [] and brief["reviews"]["unavailable"] == []
    assert not any(
        h.startswith("www.") and h in ("www.trustpilot.com", "www.glassdoor.com")
        for h, _p, _s in sites.log.lines
    )


def test_reviews_only_refreshes_just_the_section(sites, tmp_path):
    db = str(tmp_path / "r.db")
    args = ["--db", db, "--format", "json", *resolve_args(sites)]
    assert run_research("maison-lumen.fr", "--no-reviews", *args).returncode == 0
    sites.log.clear()
    result = run_research("maison-lumen.fr", "--reviews-only", *args)
    assert result.returncode == 0, result.stderr
    brief = json.loads(result.stdout)
    validate_brief(brief)
    assert brief["company"]["name"]  # rebuilt on the stored crawl
    assert brief["reviews"]["sites"][0]["site"] == "Trustpilot"
    assert not sites.log.paths("maison-lumen.fr")  # the company's own site was not fetched
    never = run_research("harborlight.io", "--reviews-only", "--db", str(tmp_path / "new.db"))
    assert never.returncode == 1 and "run `research harborlight.io` first" in never.stderr
    clash = run_research("harborlight.io", "--reviews-only", "--no-reviews")
    assert clash.returncode == 2 and clash.stderr.startswith("error:")


def test_import_a_saved_page(sites, tmp_path):
    db = str(tmp_path / "r.db")
    assert (
        run_research(
            "harborlight.io", "--db", db, "--format", "json", *resolve_args(sites)
        ).returncode
        == 0
    )
    saved = tmp_path / "indeed.html"
    saved.write_bytes((REVIEWS / "www.indeed.com/cmp/Harborlight/reviews").read_bytes())
    result = run_research(
        "reviews", "import", "harborlight.io", str(saved), "--db", db, "--format", "json"
    )
    assert result.returncode == 0, result.stderr
    assert "imported Indeed (3.9/5): 3 reviews read, 3 new" in result.stderr
    brief = json.loads(result.stdout)
    validate_brief(brief)
    indeed = next(s for s in brief["reviews"]["sites"] if s["site"] == "Indeed")
    assert indeed["url"] == "https://www.indeed.com/cmp/Harborlight/reviews"
    source = next(s for s in brief["sources"] if s["id"] == indeed["source"])
    assert source["kind"] == "reviews"
    assert {"Glassdoor", "Trustpilot"} <= {s["site"] for s in brief["reviews"]["sites"]}
    again = run_research(
        "reviews", "import", "harborlight.io", str(saved), "--db", db, "--site", "indeed"
    )
    assert again.returncode == 0 and "0 new" in again.stderr
    stored = run_research("brief", "harborlight.io", "--db", db, "--format", "md")
    assert "[Indeed](https://www.indeed.com/cmp/Harborlight/reviews)" in stored.stdout


def test_import_refuses_what_is_not_a_review_page(tmp_path):
    challenge = run_research(
        "reviews", "import", "acme.com", str(REVIEWS / "_saved/glassdoor-challenge.html")
    )
    assert challenge.returncode == 1
    assert challenge.stderr.startswith("error:") and "Cloudflare bot check" in challenge.stderr
    missing = run_research("reviews", "import", "acme.com", str(tmp_path / "nope.html"))
    assert missing.returncode == 2 and "cannot read" in missing.stderr
    plain = tmp_path / "plain.html"
    plain.write_text("<html><body><p>hello</p></body></html>")
    no_url = run_research("reviews", "import", "acme.com", str(plain))
    assert no_url.returncode == 2 and "--url" in no_url.stderr
    empty = run_research("reviews", "import", "acme.com", str(plain), "--url", "https://x.org/r")
    assert empty.returncode == 1 and "found no rating or reviews" in empty.stderr
    bad_site = run_research("reviews", "import", "acme.com", str(plain), "--site", "myspace")
    assert bad_site.returncode == 2 and "choose one of" in bad_site.stderr
    for result in (challenge, missing, no_url, empty, bad_site):
        assert "Traceback" not in result.stderr


def test_generic_import_of_any_site(tmp_path):
    result = run_research(
        "reviews", "import", "quillstack.com", str(REVIEWS / "_saved/capterra-quillstack.html"),
        "--db", str(tmp_path / "r.db"), "--format", "md",
    )  # fmt: skip
    assert result.returncode == 0, result.stderr
    assert (
        "[capterra.com](https://www.capterra.com/p/238811/Quillstack/reviews/): 4.7/5"
        in result.stdout
    )


def test_markdown_section_as_a_user_sees_it(researched):
    from company_research.render import render_brief

    text = render_brief(researched["harborlight.io"], "md")
    section = text.split("## What people say", 1)[1].split("## Talking points", 1)[0]
    assert "**Pros (employees):** flexible hours (5 of 9)" in section
    assert "- G2: not available, the site blocked automated access" in section
    assert "The reviews we read date from March 2026 to November 2026." in section
    html = render_brief(researched["harborlight.io"], "html")
    assert "What people say" in html and "Glassdoor" in html
    assert "not averaged" not in html  # both sites rate out of 5: nothing to warn about
