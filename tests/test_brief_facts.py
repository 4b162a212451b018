"""The scored set: each fixture company's brief holds the facts its site states, cited."""

from __future__ import annotations

import datetime
import json
import sqlite3

import pytest

from company_research.render import validate_brief

from .conftest import expected_sites

SITES = expected_sites()
IDS = [s["domain"] for s in SITES]


def _lower(value: object) -> str:
    return json.dumps(value, ensure_ascii=False).lower()


@pytest.mark.parametrize("site", SITES, ids=IDS)
def test_brief_validates_against_schema(researched, site):
    validate_brief(researched[site["domain"]])


@pytest.mark.parametrize("site", SITES, ids=IDS)
def test_company_snapshot(researched, site):
    company = researched[site["domain"]]["company"]
    want = site["company"]
    assert company["name"] and want["name"].lower() in company["name"].lower()
    if want.get("founded"):
        assert company["founded"] and want["founded"] in company["founded"]
    if want.get("headquarters_contains"):
        assert want["headquarters_contains"].lower() in (company["headquarters"] or "").lower()
    if want.get("employees_contains"):
        assert want["employees_contains"] in (company["employees"] or "")
    for link in site.get("links_contain", []):
        assert any(link.lower() in url.lower() for url in company["links"].values()), company[
            "links"
        ]
    for field, source in company["sources"].items():
        assert company[field], field
        assert any(s["id"] == source for s in researched[site["domain"]]["sources"])


@pytest.mark.parametrize("site", SITES, ids=IDS)
def test_mission(researched, site):
    mission = researched[site["domain"]]["mission"]
    if site.get("mission_contains") is None:
        return
    assert mission is not None
    assert site["mission_contains"].lower() in mission["text"].lower()


@pytest.mark.parametrize("site", SITES, ids=IDS)
def test_values(researched, site):
    values = researched[site["domain"]]["values"]
    texts = " | ".join(v["text"] for v in values).lower()
    for name in site.get("values") or []:
        assert name.lower() in texts, f"value {name!r} missing from {texts!r}"


@pytest.mark.parametrize("site", SITES, ids=IDS)
def test_offerings(researched, site):
    offerings = researched[site["domain"]]["offerings"]
    texts = " | ".join(o["text"] for o in offerings).lower()
    for name in site.get("offerings") or []:
        assert name.lower() in texts, f"offering {name!r} missing from {texts!r}"


@pytest.mark.parametrize("site", SITES, ids=IDS)
def test_posts_newest_first_with_dates(researched, site):
    posts = researched[site["domain"]]["posts"]
    want = site.get("posts") or []
    if not want:
        return
    shown = min(len(want), 6)
    # A date a site writes as "3 days ago" is relative to when the page was fetched.
    fetched = datetime.date.fromisoformat(researched[site["domain"]]["generated_at"][:10])
    got = [(p["title"], p["published"]) for p in posts[:shown]]
    expected = [
        (
            p["title"],
            p.get("published")
            or (fetched - datetime.timedelta(days=p["published_days_ago"])).isoformat(),
        )
        for p in want[:shown]
    ]
    assert got == expected
    assert all(p["summary"] for p in posts[:shown])


@pytest.mark.parametrize("site", SITES, ids=IDS)
def test_hosts_never_fetched(researched, site):
    """Job boards and investor sites on subdomains are not the company's story: never fetched."""
    conn = sqlite3.connect(researched["_db"]["path"])
    try:
        urls = [
            u
            for (u,) in conn.execute(
                "select url from fetch_log where company = ?", [site["domain"]]
            )
        ]
    finally:
        conn.close()
    assert urls
    for host in site.get("never_fetched_hosts") or []:
        assert not [u for u in urls if f"//{host}/" in u or u.endswith(f"//{host}")]


@pytest.mark.parametrize("site", SITES, ids=IDS)
def test_no_boilerplate_in_brief(researched, site):
    text = _lower({k: v for k, v in researched[site["domain"]].items() if k != "sources"})
    for phrase in site.get("must_not_contain") or []:
        assert phrase.lower() not in text


@pytest.mark.parametrize("site", SITES, ids=IDS)
def test_evidence_is_verbatim_in_stored_source(researched, site):
    brief = researched[site["domain"]]
    assert brief["talking_points"], "a brief with facts has talking points"
    urls = {s["id"]: s["url"] for s in brief["sources"]}
    conn = sqlite3.connect(researched["_db"]["path"])
    try:
        for point in brief["talking_points"]:
            (text,) = conn.execute(
                "select text from pages where url = ?", [urls[point["source"]]]
            ).fetchone()
            assert point["evidence"] in text
    finally:
        conn.close()
    assert brief["questions"] and all(q["source"] in urls for q in brief["questions"])
