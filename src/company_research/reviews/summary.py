"""The brief's "What people say" section: per-site ratings, pros and cons themes with counts,
a few verbatim quotes, the date range read, and the sites that would not let us read them."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from company_research.reviews.collect import Harvest, Review
from company_research.reviews.themes import Theme, find_themes, quote_from

Cite = Callable[[str, str | None, str, str, str], int]
KIND_ORDER = ("employee", "customer")
MAX_THEMES = {"employee": 5, "customer": 3}
LIKED = 0.7  # a review without pros/cons counts as praise at >= 70% of its scale...
DISLIKED = 0.45  # ...and as complaint at <= 45%
NOT_AVERAGED = "Each site rates on its own scale; the ratings are not averaged."


def empty_section() -> dict[str, Any]:
    return {
        "sites": [],
        "pros": [],
        "cons": [],
        "quotes": [],
        "unavailable": [],
        "not_found": [],
        "period": None,
        "note": None,
    }


def reviews_section(harvest: Harvest | None, cite: Cite) -> dict[str, Any]:
    """The section for the brief; `cite(url, title, kind, fetched_at, text)` numbers sources."""
    section = empty_section()
    if harvest is None:
        return section

    def source(url: str | None) -> int | None:
        page = harvest.pages.get(url or "")
        if page is None:
            return None
        return cite(page.url, page.title, "reviews", page.fetched_at, page.text)

    rated = [s for s in harvest.sites.values() if s.status == "ok" and s.url]
    rated.sort(key=lambda s: (KIND_ORDER.index(s.kind) if s.kind in KIND_ORDER else 9, s.label))
    reviews = sorted(harvest.reviews.values(), key=lambda r: (r.date or "", r.key), reverse=True)
    for site in rated:
        read = [r for r in reviews if r.site == site.name]
        section["sites"].append(
            {
                "site": site.label,
                "url": site.url,
                "rating": site.rating,
                "scale": site.scale,
                "count": site.count,
                "source": source(site.url),
                "kind": site.kind,
                "reviews_read": len(read),
                "fetched_at": site.fetched_at,
            }
        )
    pools = _pools(reviews, harvest)
    for side in ("pros", "cons"):
        for kind in KIND_ORDER:
            texts = pools.get((side, kind), [])
            for theme in find_themes([t for _r, t in texts], limit=MAX_THEMES[kind]):
                first = texts[theme.examples[0]][0]
                section[side].append(
                    {
                        "text": theme.text,
                        "count": theme.count,
                        "of": len(texts),
                        "kind": kind,
                        "source": source(first.page_url),
                    }
                )
    section["quotes"] = _quotes(pools, source)
    dates = sorted(r.date for r in reviews if r.date)
    if dates:
        section["period"] = {"from": dates[0], "to": dates[-1]}
    for site in sorted(harvest.sites.values(), key=lambda s: s.label):
        if site.reason and site.status in ("unavailable", "ok") and site.name in _refused(harvest):
            section["unavailable"].append({"site": site.label, "reason": site.reason})
        elif site.status == "not_found" and site.name not in {s.name for s in rated}:
            section["not_found"].append(site.label)
    rated_scales = {s["scale"] for s in section["sites"] if s["rating"] is not None}
    if len(rated_scales) > 1:  # only a reader comparing 4.1/5 with 78/100 needs telling
        section["note"] = NOT_AVERAGED
    section["sites"] = [s for s in section["sites"] if s["source"] is not None]
    for key in ("pros", "cons"):
        section[key] = [t for t in section[key] if t["source"] is not None]
    return section


def _refused(harvest: Harvest) -> set[str]:
    return {n for n, s in harvest.sites.items() if s.reason and s.status != "skipped"}


def _pools(
    reviews: list[Review], harvest: Harvest
) -> dict[tuple[str, str], list[tuple[Review, str]]]:
    """(side, kind) -> (review, its text on that side): pros and cons as written, or the whole
    review sorted by its rating when the site asks for no pros and cons (customer reviews)."""
    pools: dict[tuple[str, str], list[tuple[Review, str]]] = {}
    for review in reviews:
        kind = harvest.kinds.get(review.site, "employee")
        kind = kind if kind in KIND_ORDER else "customer"
        if review.pros or review.cons:
            if review.pros:
                pools.setdefault(("pros", kind), []).append((review, review.pros))
            if review.cons:
                pools.setdefault(("cons", kind), []).append((review, review.cons))
            continue
        text = "\n".join(x for x in (review.title, review.text) if x)
        if not text or review.rating is None or not review.scale:
            continue
        share = review.rating / review.scale
        if share >= LIKED:
            pools.setdefault(("pros", kind), []).append((review, text))
        elif share <= DISLIKED:
            pools.setdefault(("cons", kind), []).append((review, text))
    return pools


def _quotes(
    pools: dict[tuple[str, str], list[tuple[Review, str]]],
    source: Callable[[str | None], int | None],
) -> list[dict[str, Any]]:
    """Up to three verbatim sentences: the most shared praise and complaint of employees, then
    of customers; each a sentence the reviewer wrote, holding the theme's words."""
    quotes: list[dict[str, Any]] = []
    used: set[str] = set()
    for kind in KIND_ORDER:
        for side in ("pros", "cons"):
            texts = pools.get((side, kind), [])
            if not texts or len(quotes) >= 3:
                continue
            themes: list[Theme] = find_themes([t for _r, t in texts], limit=1) or []
            order = list(themes[0].examples) if themes else list(range(len(texts)))
            words = tuple(themes[0].text.lower().split()) if themes else ()
            for index in order:
                review, text = texts[index]
                if review.key in used:
                    continue
                quote = quote_from(text, words)
                cited = source(review.page_url)
                if quote and cited is not None:
                    used.add(review.key)
                    quotes.append(
                        {
                            "text": quote,
                            "source": cited,
                            "kind": kind,
                            "side": side,
                            "date": review.date,
                            "role": review.author_role,
                        }
                    )
                    break
    return quotes


# -- display ------------------------------------------------------------------------------------
KIND_LABELS = {"employee": "employees", "customer": "customers"}


def _num(value: float | int) -> str:
    return f"{value:,}" if isinstance(value, int) else f"{value:,.2f}".rstrip("0").rstrip(".")


def _month(value: str | None) -> str:
    from datetime import date

    if not value:
        return ""
    try:
        return date(int(value[:4]), int(value[5:7]), 1).strftime("%B %Y")
    except ValueError:
        return value


def review_view(section: dict[str, Any]) -> dict[str, Any]:
    """The section as lines every format shows the same way (text, Markdown, HTML): each line
    plain text plus the source it cites; templates only escape and lay them out. A site's
    `text` is ours alone (numbers and fixed words), so Markdown shows it unescaped."""
    sites = []
    for site in section.get("sites") or []:
        rating = "no rating"
        if site.get("rating") is not None:
            scale = f"/{_num(site['scale'])}" if site.get("scale") else ""
            rating = _num(site["rating"]) + scale
        if site.get("count") is not None:
            rating += f" from {_num(site['count'])} reviews"
        who = KIND_LABELS.get(site.get("kind") or "", "")
        read = site.get("reviews_read")
        detail = f" ({who}; we read {read})" if who and read else f" ({who})" if who else ""
        sites.append(
            {
                "label": site["site"],
                "url": site["url"],
                "text": f"{rating}{detail}",
                "source": site.get("source"),
            }
        )
    themes = []
    for side, title in (("pros", "Pros"), ("cons", "Cons")):
        groups: dict[str, list[dict[str, Any]]] = {}
        for item in section.get(side) or []:
            kind = KIND_LABELS.get(item.get("kind") or "", "")
            mention = (
                f" ({item['count']} of {item['of']})"
                if item.get("count") and item.get("of")
                else ""
            )
            groups.setdefault(kind, []).append(
                {"text": f"{item['text']}{mention}", "source": item["source"]}
            )
        for kind, items in groups.items():
            themes.append({"label": f"{title} ({kind})" if kind else title, "items": items})
    quotes = []
    for quote in section.get("quotes") or []:
        by = [quote.get("role"), _month(quote.get("date"))]
        quotes.append(
            {"text": quote["text"], "by": ", ".join(w for w in by if w), "source": quote["source"]}
        )
    notes = []
    period = section.get("period")
    if period:
        notes.append(
            f"The reviews we read date from {_month(period['from'])} to {_month(period['to'])}."
        )
    if section.get("note"):
        notes.append(section["note"])
    unavailable = [
        f"{u['site']}: not available, {u['reason']}" for u in section.get("unavailable") or []
    ]
    if section.get("not_found"):
        notes.append("No page found on " + ", ".join(section["not_found"]) + ".")
    return {
        "sites": sites,
        "themes": themes,
        "quotes": quotes,
        "unavailable": unavailable,
        "notes": notes,
    }
