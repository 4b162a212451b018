"""Compare: stored companies side by side (snapshot, mission, ratings, recent activity), cited."""

from __future__ import annotations

import io
import json
from datetime import UTC, datetime, timedelta
from typing import Any

from company_research.textsafe import clean_text, md_escape

__all__ = ["ROWS", "compare_briefs", "render_comparison"]

ROWS = (
    ("name", "Company"),
    ("as_of", "As of"),
    ("description", "What they do"),
    ("founded", "Founded"),
    ("headquarters", "Headquarters"),
    ("employees", "Size"),
    ("mission", "Mission"),
    ("ratings", "Ratings"),
    ("latest_post", "Latest post"),
    ("posts_90d", "Posts, last 90 days"),
    ("watch_out", "Watch out"),
)


def _cell(text: Any, source: int | None = None) -> dict[str, Any]:
    value = None if text in (None, "") else " ".join(clean_text(str(text)).split())
    return {"text": value, "source": source if value else None}


def _column(brief: dict[str, Any], now: datetime) -> dict[str, Any]:
    company = brief.get("company") or {}
    cites = company.get("sources") or {}
    col: dict[str, Any] = {"domain": brief["domain"]}
    col["name"] = _cell(company.get("name") or brief["domain"], cites.get("name"))
    col["as_of"] = _cell((brief.get("as_of") or "")[:10])
    for key in ("description", "founded", "headquarters", "employees"):
        col[key] = _cell(company.get(key), cites.get(key))
    mission = brief.get("mission")
    col["mission"] = _cell(mission and mission["text"], mission and mission["source"])
    sites = (brief.get("reviews") or {}).get("sites") or []
    ratings = [
        f"{s['site']} {s['rating']:g}/{s.get('scale') or 5:g}"
        + (f" ({s['count']})" if s.get("count") is not None else "")
        for s in sites
        if isinstance(s.get("rating"), int | float)
    ]
    col["ratings"] = _cell("; ".join(ratings), sites[0].get("source") if ratings else None)
    posts = brief.get("posts") or []
    if posts:
        latest = posts[0]
        col["latest_post"] = _cell(
            f"{(latest.get('published') or 'undated')[:10]}: {latest['title']}", latest["source"]
        )
    else:
        col["latest_post"] = _cell(None)
    cutoff = (now - timedelta(days=90)).strftime("%Y-%m-%d")
    col["posts_90d"] = _cell(str(sum(1 for p in posts if (p.get("published") or "") >= cutoff)))
    signals = brief.get("watch_out") or []
    col["watch_out"] = _cell("; ".join(s["text"] for s in signals[:2]) or "none found")
    col["sources"] = {
        s["id"]: s["url"]
        for s in brief.get("sources") or []
        if s["id"] in {c["source"] for c in col.values() if isinstance(c, dict) and c.get("source")}
    }
    return col


def compare_briefs(briefs: list[dict[str, Any]], now: datetime | None = None) -> dict[str, Any]:
    """{"rows": [[key, label]], "companies": [{domain, <row key>: {text, source}, sources}]}."""
    now = now or datetime.now(UTC)
    return {
        "rows": [list(row) for row in ROWS],
        "companies": [_column(brief, now) for brief in briefs],
    }


def render_comparison(table: dict[str, Any], fmt: str = "md", width: int = 120) -> str:
    """The comparison as a Markdown table, a terminal table, or JSON."""
    if fmt == "json":
        return json.dumps(table, ensure_ascii=False, indent=2)
    companies = table["companies"]

    def show(cell: dict[str, Any], escape: bool) -> str:
        if not cell["text"]:
            return "\u2014"
        text = md_escape(cell["text"]) if escape else cell["text"]
        return text + (f" [{cell['source']}]" if cell["source"] else "")

    if fmt == "md":
        head = "| | " + " | ".join(md_escape(c["domain"]) for c in companies) + " |"
        lines = [head, "|---" * (len(companies) + 1) + "|"]
        for key, label in table["rows"]:
            cells = " | ".join(show(c[key], True) for c in companies)
            lines.append(f"| **{label}** | {cells} |")
        lines.append("")
        for c in companies:
            refs = " ".join(f"[{n}] {url}" for n, url in c["sources"].items())
            lines.append(f"- {md_escape(c['domain'])}: {refs or 'no sources cited'}")
        return "\n".join(lines) + "\n"
    from rich.console import Console
    from rich.table import Table
    from rich.text import Text

    out = io.StringIO()
    console = Console(file=out, width=width, no_color=True, highlight=False, markup=False)
    grid = Table(show_lines=True)
    grid.add_column("")
    for c in companies:
        grid.add_column(Text(c["domain"]))
    for key, label in table["rows"]:
        grid.add_row(Text(label), *(Text(show(c[key], False)) for c in companies))
    console.print(grid)
    for c in companies:
        refs = "  ".join(f"[{n}] {url}" for n, url in c["sources"].items())
        console.print(Text(f"{c['domain']}: {refs or 'no sources cited'}"))
    return "\n".join(line.rstrip() for line in out.getvalue().splitlines()) + "\n"
