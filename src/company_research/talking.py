"""Talking points, questions to ask and "Watch out" signals, built from a brief's cited facts."""

from __future__ import annotations

import re
from collections.abc import Callable, Sequence
from datetime import UTC, datetime, timedelta
from typing import Any

from company_research.keywords import GROWTH_WORDS, LAYOFF_WORDS
from company_research.ranking import rank_sentences, split_sentences

__all__ = ["questions", "talking_points", "watch_out"]

STALE_AFTER = timedelta(days=183)  # "newest post older than about six months"
_LAYOFF = re.compile(r"(?<!\w)(?:" + "|".join(map(re.escape, LAYOFF_WORDS)) + r")(?!\w)", re.I)
_GROWTH = re.compile(r"(?<!\w)(?:" + "|".join(map(re.escape, GROWTH_WORDS)) + r")(?!\w)", re.I)
_BLOCKED = re.compile(
    r"robots\.txt|bot check|captcha|blocked|forbidden|denied|challenge|login wall|\b403\b", re.I
)
_WORD = re.compile(r"[^\W\d_]{4,}")

# (page kind, text, cite) of pages not otherwise cited (the careers page) that talking points
# and questions may quote; calling `cite` adds the page to the sources and returns its id.
PageTexts = Sequence[tuple[str, str, Callable[[], int]]]


def _label(text: str) -> str:
    """ "Own the outcome: We ship..." -> "Own the outcome"."""
    return text.split(": ", 1)[0].strip()


def _detail(text: str) -> str:
    return text.split(": ", 1)[-1].strip()


def _month(published: str | None) -> str:
    """ "2026-11-18" -> "November 2026 " ("" when undated)."""
    if not published:
        return ""
    try:
        return datetime.strptime(published[:10], "%Y-%m-%d").strftime("%B %Y ")
    except ValueError:
        return ""


def _from(published: str | None) -> str:
    """ "2026-11-18" -> "from November 2026 " ("" when undated)."""
    month = _month(published)
    return f"from {month}" if month else ""


def _short(text: str, words: int = 12) -> str:
    parts = text.split()
    return " ".join(parts[:words]) + ("\u2026" if len(parts) > words else "")


def talking_points(
    brief: dict[str, Any], texts: dict[int, str], careers: PageTexts
) -> list[dict[str, Any]]:
    """Lines a candidate can say out loud, best first, each with a verbatim quote and source.

    `texts` maps a source id to its stored text (the quote must be found there); `careers`
    holds (kind, text, cite) for pages not otherwise cited, e.g. the careers page.
    """
    points: list[dict[str, Any]] = []

    def add(text: str, evidence: str | None, source: int) -> None:
        if evidence and evidence in texts.get(source, "") and len(points) < 6:
            points.append({"text": text, "evidence": evidence, "source": source})

    for post in brief["posts"][:2]:
        add(
            f"\u201cYour {_month(post['published'])}post \u2018{_short(post['title'], 9)}\u2019 "
            "makes a point I agree with; at my last job I \u2026\u201d (add a result of yours)",
            post["summary"],
            post["source"],
        )
    if brief["mission"]:
        add(
            "\u201cThe mission you describe is a big part of why I applied; at my last job I \u2026\u201d "
            "(a result that serves it)",
            brief["mission"]["text"],
            brief["mission"]["source"],
        )
    for value in brief["values"][:2]:
        add(
            f"\u201cYou name \u2018{_label(value['text'])}\u2019 as a value; at my last job I "
            "\u2026\u201d (a story that shows it)",
            _detail(value["text"]),
            value["source"],
        )
    if brief["offerings"]:
        offer = brief["offerings"][0]
        add(
            f"\u201cI looked at {_label(offer['text'])}; at my last job I \u2026\u201d "
            "(work close to what it does)",
            _detail(offer["text"]),
            offer["source"],
        )
    for _kind, text, cite in careers:
        best = rank_sentences(text, limit=1)
        if best:
            source = cite()
            texts.setdefault(source, text)
            add(
                "\u201cYour careers page describes how you work; at my last job I \u2026\u201d "
                "(an example that echoes it)",
                best[0],
                source,
            )
    return points


def questions(brief: dict[str, Any], careers: PageTexts) -> list[dict[str, Any]]:
    """Questions to ask, from what the company published: news first, then values and mission."""
    found: list[dict[str, Any]] = []

    def add(text: str, source: int | None) -> None:
        if source is not None and len(found) < 5 and all(q["text"] != text for q in found):
            found.append({"text": text, "source": source})

    posts = brief["posts"]
    growth = next((p for p in posts if _GROWTH.search(p["title"])), None)
    if growth is not None:
        add(
            f"Your post \u201c{_short(growth['title'])}\u201d: what changes for the team I "
            "would join?",
            growth["source"],
        )
    for post in posts[:1]:
        add(
            f"What has \u201c{_short(post['title'])}\u201d taught you, and what comes next?",
            post["source"],
        )
    reviews = brief.get("reviews") or {}
    for theme in (reviews.get("themes") or reviews.get("cons") or [])[:1]:
        text = theme.get("text") or theme.get("theme")
        if text:
            add(
                f"Reviewers mention \u201c{_short(text, 10)}\u201d; how is the team addressing it?",
                theme.get("source"),
            )
    if brief["values"]:
        value = brief["values"][0]
        add(
            f"How does \u201c{_label(value['text'])}\u201d show up in day-to-day decisions?",
            value["source"],
        )
    if brief["offerings"]:
        offer = brief["offerings"][0]
        add(
            f"Where is {_label(offer['text'])} heading next year, and how would this role "
            "contribute?",
            offer["source"],
        )
    if brief["mission"]:
        add("How do you measure progress on the mission you describe?", brief["mission"]["source"])
    for _kind, _text, cite in careers:
        add("Which open roles on your careers page work most closely with this one?", cite())
    return found


def watch_out(
    brief: dict[str, Any], previous: dict[str, Any] | None, now: datetime | None = None
) -> list[dict[str, Any]]:
    """Signals to know before walking in, each backed by a source or our own crawl notes.

    Shown only when the sources support them: a review rating that fell since the previous
    brief (or a falling trend a review adapter reports), cons that recur, posts about layoffs or
    restructuring, a blog whose newest post is over six months old, a site that blocked us.
    """
    now = now or datetime.now(UTC)
    signals: list[dict[str, Any]] = []
    reviews = brief.get("reviews") or {}
    old_sites = {s["site"]: s for s in ((previous or {}).get("reviews") or {}).get("sites") or []}
    for site in reviews.get("sites") or []:
        before = old_sites.get(site["site"], {}).get("rating")
        trend = site.get("trend")
        rating = site.get("rating")
        if isinstance(before, int | float) and isinstance(rating, int | float) and rating < before:
            signals.append(
                _signal(
                    "review_trend",
                    f"{site['site']} rating fell from {before:g} to {rating:g}.",
                    None,
                    site.get("source"),
                )
            )
            continue
        if (isinstance(trend, int | float) and trend < 0) or trend in ("falling", "down"):
            signals.append(
                _signal(
                    "review_trend",
                    f"{site['site']} ratings are trending down.",
                    None,
                    site.get("source"),
                )
            )
    recurring = _recurring(reviews.get("cons") or [])
    if recurring:
        signals.append(
            _signal(
                "recurring_cons",
                "Reviewers repeat a complaint: " + "; ".join(c["text"] for c in recurring[:2]),
                None,
                recurring[0]["source"],
            )
        )
    for post in brief.get("posts") or []:
        for sentence in [post["title"], *split_sentences(post.get("summary") or "")]:
            if _LAYOFF.search(sentence):
                signals.append(
                    _signal(
                        "layoffs",
                        f"A post {_from(post['published'])}talks about job cuts or restructuring.",
                        sentence,
                        post["source"],
                    )
                )
                break
    dated = [p for p in brief.get("posts") or [] if p.get("published")]
    if dated:
        newest = max(dated, key=lambda p: p["published"])
        when = _parse_day(newest["published"])
        if when is not None and now - when > STALE_AFTER:
            signals.append(
                _signal(
                    "stale_blog",
                    f"The newest post we found is from {newest['published'][:10]}: the blog "
                    "looks quiet.",
                    None,
                    newest["source"],
                )
            )
    for notice in brief.get("notices") or []:
        if _BLOCKED.search(notice):
            signals.append(_signal("blocked", f"We were blocked: {notice}", None, None))
    for site in reviews.get("unavailable") or []:
        if _BLOCKED.search(site.get("reason") or ""):
            signals.append(
                _signal(
                    "blocked",
                    f"{site['site']} blocked us ({site['reason'].split(';')[0].strip()}).",
                    None,
                    None,
                )
            )
    return signals[:5]


def _signal(kind: str, text: str, evidence: str | None, source: int | None) -> dict[str, Any]:
    return {"kind": kind, "text": text, "evidence": evidence, "source": source}


def _parse_day(value: str) -> datetime | None:
    try:
        return datetime.strptime(value[:10], "%Y-%m-%d").replace(tzinfo=UTC)
    except ValueError:
        return None


def _recurring(cons: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """Cons that recur: counted twice or more by the review adapter, or sharing a theme word."""
    counted = [c for c in cons if isinstance(c.get("count"), int) and c["count"] >= 2]
    if counted:
        return counted
    words = [{w.lower()[:6] for w in _WORD.findall(c.get("text") or "")} for c in cons]
    return [
        c for i, c in enumerate(cons) if any(words[i] & w for j, w in enumerate(words) if j != i)
    ]
