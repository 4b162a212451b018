"""Reading review data out of pages: schema.org (JSON-LD, microdata), embedded app state JSON,
numbers and dates as sites print them (in several languages)."""

from __future__ import annotations

import html as htmllib
import json
import re
from collections.abc import Iterator
from datetime import date
from typing import TYPE_CHECKING, Any
from urllib.parse import urljoin

from company_research.reviews.words import MONTHS
from company_research.structured import jsonld_nodes, microdata_nodes, node_types

if TYPE_CHECKING:
    from company_research.reviews.base import Review, ReviewPage

RATING_TYPES = frozenset({"AggregateRating", "EmployerAggregateRating"})
REVIEW_TYPES = frozenset({"Review", "EmployerReview", "UserReview", "CriticReview"})
MAX_WALK = 50_000
_SPACE = re.compile(r"\s+")
_TAG = re.compile(r"<[^>]{0,2000}>")
_NUMBER = re.compile(r"-?\d+(?:[.,]\d+)?")
_NEXT_DATA = re.compile(
    r"<script\b[^>]*\bid=[\"']__NEXT_DATA__[\"'][^>]*>(.*?)</script>", re.IGNORECASE | re.DOTALL
)
_CANONICAL = re.compile(
    r"<link\b[^>]*\brel=[\"']canonical[\"'][^>]*>|<meta\b[^>]*\bproperty=[\"']og:url[\"'][^>]*>",
    re.IGNORECASE,
)
_HREF = re.compile(r"\b(?:href|content)=[\"']([^\"']+)[\"']", re.IGNORECASE)
_TITLE = re.compile(r"<title\b[^>]*>(.*?)</title", re.IGNORECASE | re.DOTALL)


# -- small values ---------------------------------------------------------------------------
def clean(value: Any) -> str | None:
    """One review field as text: tags dropped, entities decoded, whitespace tidied."""
    if isinstance(value, dict):  # {"text": ...}, {"@value": ...}, an ItemList of ListItems
        value = (
            value.get("itemListElement")
            or value.get("text")
            or value.get("@value")
            or value.get("name")
        )
    if isinstance(value, list):
        parts = [clean(v) for v in value]
        joined = "\n".join(p for p in parts if p)
        return joined or None
    if not isinstance(value, str):
        return None
    text = value
    if "<" in text:
        text = re.sub(r"<br\s*/?>|</p>|</li>", "\n", text, flags=re.IGNORECASE)
        text = _TAG.sub(" ", text)
    text = htmllib.unescape(text)
    lines = [_SPACE.sub(" ", line).strip() for line in text.splitlines()]
    text = "\n".join(line for line in lines if line)
    return text or None


def number(value: Any) -> float | None:
    """4.1, "4,1", "4.1 out of 5", {"@value": "4"} -> float; anything else None."""
    if isinstance(value, bool) or value is None:
        return None
    if isinstance(value, int | float):
        return float(value)
    if isinstance(value, dict):
        return number(value.get("@value", value.get("value")))
    if isinstance(value, list):
        return number(value[0]) if value else None
    match = _NUMBER.search(str(value).replace("\u00a0", " "))
    return float(match.group(0).replace(",", ".")) if match else None


def count(value: Any) -> int | None:
    """1,204 / 1.204 / "96 reviews" -> int (digit groups, not decimals)."""
    if isinstance(value, bool) or value is None:
        return None
    if isinstance(value, int | float):
        return int(value)
    match = re.search(r"\d[\d.,\u00a0\u202f' ]*", str(value))
    if not match:
        return None
    digits = re.sub(r"\D", "", match.group(0))
    return int(digits) if digits else None


def iso_date(value: Any) -> str | None:
    """A date as sites print it -> YYYY-MM-DD (or YYYY-MM for "March 2025"); None if unsure.

    ISO forms, "Nov 18, 2026", "18. November 2026", "18 novembre 2026", "18 de marzo de 2026",
    "März 2026", "18.11.2026" (day first, as in Europe)."""
    if not isinstance(value, str):
        return None
    text = value.strip().lower()
    if match := re.match(r"(\d{4})-(\d{2})-(\d{2})", text):
        return _ymd(int(match[1]), int(match[2]), int(match[3]))
    if match := re.fullmatch(r"(\d{1,2})\.(\d{1,2})\.(\d{4})", text):
        return _ymd(int(match[3]), int(match[2]), int(match[1]))
    words = re.findall(r"[^\W\d_]+\.?|\d+", text)
    year = next((int(w) for w in words if w.isdigit() and len(w) == 4), None)
    month = next((MONTHS[w.rstrip(".")] for w in words if w.rstrip(".") in MONTHS), None)
    if year is None or month is None:
        return None
    days = [int(w) for w in words if w.isdigit() and len(w) <= 2 and 1 <= int(w) <= 31]
    if days:
        return _ymd(year, month, days[0])
    return f"{year:04d}-{month:02d}"


def _ymd(year: int, month: int, day: int) -> str | None:
    try:
        return date(year, month, day).isoformat()
    except ValueError:
        return None


def canonical_url(html: str) -> str | None:
    """The page's own URL as it states it (rel=canonical, else og:url)."""
    for tag in _CANONICAL.findall(html[:300_000]):
        if match := _HREF.search(tag):
            url = htmllib.unescape(match.group(1)).strip()
            if url.startswith(("http://", "https://")):
                return url
    return None


def page_title(html: str) -> str | None:
    match = _TITLE.search(html[:300_000])
    return clean(match.group(1)) if match else None


# -- embedded JSON --------------------------------------------------------------------------
def next_data(html: str) -> Any:
    """The `__NEXT_DATA__` JSON of a Next.js page, or None."""
    match = _NEXT_DATA.search(html)
    if not match:
        return None
    try:
        return json.loads(
            htmllib.unescape(match.group(1)) if "&quot;" in match.group(1) else match.group(1)
        )
    except ValueError:
        return None


def assigned_json(html: str, name: str) -> Any:
    """The JSON value a script assigns to `name` (`window.__APOLLO_STATE__ = {...};`)."""
    pattern = re.compile(rf"(?:window\.|var\s+|let\s+|const\s+)?{re.escape(name)}\s*=\s*")
    for match in pattern.finditer(html):
        start = match.end()
        try:
            value, _end = json.JSONDecoder().raw_decode(html, start)
        except ValueError:
            continue
        return value
    return None


def walk(value: Any) -> Iterator[dict[str, Any]]:
    """Every dict inside a JSON value (breadth first, bounded)."""
    queue: list[Any] = [value]
    seen = 0
    while queue and seen < MAX_WALK:
        item = queue.pop(0)
        if isinstance(item, dict):
            seen += 1
            yield item
            queue.extend(item.values())
        elif isinstance(item, list):
            queue.extend(item)


def deref(cache: dict[str, Any], value: Any) -> Any:
    """Follow an Apollo cache reference ({"__ref": "JobTitle:12"}) once."""
    if isinstance(value, dict) and isinstance(value.get("__ref"), str):
        return cache.get(value["__ref"], value)
    return value


# -- schema.org -----------------------------------------------------------------------------
def schema_nodes(html: str) -> list[dict[str, Any]]:
    return jsonld_nodes(html) + microdata_nodes(html)


def schema_org_page(html: str, url: str, site: str, *, default_scale: float = 5.0) -> ReviewPage:
    """AggregateRating / EmployerAggregateRating and Review / EmployerReview anywhere in a page
    (top level, @graph, or nested as `aggregateRating` and `review` of what they rate)."""
    from company_research.reviews.base import ReviewPage

    rating = scale = None
    total = None
    name = None
    reviews: list[Review] = []
    seen: set[str] = set()
    for node in walk(schema_nodes(html)):
        types = node_types(node)
        if types & RATING_TYPES and rating is None:
            rating = number(node.get("ratingValue"))
            scale = number(node.get("bestRating")) or default_scale
            total = count(node.get("reviewCount")) or count(node.get("ratingCount"))
            reviewed = node.get("itemReviewed")
            if isinstance(reviewed, dict):
                name = clean(reviewed.get("name")) or name
        elif "aggregateRating" in node and name is None:
            name = clean(node.get("name"))
        if types & REVIEW_TYPES:
            review = schema_review(node, site, url, default_scale)
            if review is not None and review.key not in seen:
                seen.add(review.key)
                reviews.append(review)
    return ReviewPage(
        url=url,
        company_name=name,
        rating=rating,
        scale=scale if rating is not None else None,
        count=total,
        reviews=tuple(reviews),
        title=page_title(html),
    )


def schema_review(node: dict[str, Any], site: str, url: str, default_scale: float) -> Review | None:
    from company_research.reviews.base import Review

    stars = node.get("reviewRating")
    rating = scale = None
    if isinstance(stars, dict):
        rating = number(stars.get("ratingValue"))
        scale = number(stars.get("bestRating")) or default_scale
    author = node.get("author")
    role = clean(author.get("jobTitle")) if isinstance(author, dict) else None
    review = Review(
        site=site,
        page_url=url,
        rating=rating,
        scale=scale if rating is not None else None,
        title=clean(node.get("name") or node.get("headline")),
        text=clean(node.get("reviewBody") or node.get("description")),
        pros=clean(node.get("positiveNotes") or node.get("pros")),
        cons=clean(node.get("negativeNotes") or node.get("cons")),
        author_role=role,
        date=iso_date(node.get("datePublished") or node.get("dateCreated")),
        review_id=clean(node.get("@id")) if isinstance(node.get("@id"), str) else None,
    )
    return review if review.body else None


def absolute(base: str, href: str | None) -> str | None:
    if not href:
        return None
    return urljoin(base, htmllib.unescape(href.strip()))


# -- plain markup -----------------------------------------------------------------------------
_REVIEW_CLASS = re.compile(
    r"(?:.*[-_])?review(?:[-_]?(?:card|item|container|block|box|wrapper|paper))?", re.IGNORECASE
)
_STARS = re.compile(
    r"(\d+(?:[.,]\d+)?)\s*(?:/|out of|of|von|sur|de|sobre)\s*(\d+(?:[.,]\d+)?)", re.IGNORECASE
)


def _classes(el: Any) -> list[str]:
    return (el.get("class") or "").split()


def _is_review_box(el: Any) -> bool:
    if el.get("itemprop") == "review" or "Review" in (el.get("itemtype") or ""):
        return True
    return any(_REVIEW_CLASS.fullmatch(c) for c in _classes(el))


def _label_of(text: str, labels: tuple[str, ...]) -> bool:
    folded = text.lower().strip(" :?¿!").replace("\u2019", "'")
    return any(folded.startswith(label) for label in labels)


def markup_reviews(html: str, url: str, site: str, *, default_scale: float = 5.0) -> list[Review]:
    """Reviews in plain markup: the innermost elements marked as a review (a class such as
    `review`, `review-card`, `itemprop=review`), with a rating read from `data-rating`,
    `aria-label="4 out of 5"` or `content`, a `<time datetime>`, a role or job title, and
    pros and cons under their labels (Pros / Gut am Arbeitgeber... / Points positifs...)."""
    from lxml import html as lxml_html

    from company_research.reviews.base import Review
    from company_research.reviews.words import CONS_LABELS, PROS_LABELS

    try:
        root = lxml_html.fromstring(html)
    except (ValueError, TypeError, lxml_html.etree.ParserError):
        return []
    boxes = [el for el in root.iter() if isinstance(el.tag, str) and _is_review_box(el)]
    innermost = [
        b
        for b in boxes
        if not any(_is_review_box(d) for d in b.iterdescendants() if isinstance(d.tag, str))
    ]
    reviews: list[Review] = []
    for box in innermost[:200]:
        rating, scale = _box_rating(box, default_scale)
        when = box.find(".//time")
        role = _first_text(box, ("job", "role", "position", "author-title", "jobtitle"))
        title_el = next(
            (
                e
                for e in box.iter("h2", "h3", "h4", "h5")
                if not _label_of(e.text_content(), PROS_LABELS + CONS_LABELS)
            ),
            None,
        )
        title = clean(title_el.text_content()) if title_el is not None else None
        sections: dict[str, list[str]] = {"text": [], "pros": [], "cons": []}
        current = "text"
        for el in box.iter("p", "h3", "h4", "h5", "h6", "dt", "dd", "strong", "span", "div"):
            if el is title_el:
                continue
            own = clean(el.text_content()) or ""
            if not own:
                continue
            if (
                el.tag in ("h3", "h4", "h5", "h6", "dt", "strong")
                or "label" in " ".join(_classes(el)).lower()
            ):
                if _label_of(own, PROS_LABELS):
                    current = "pros"
                    continue
                if _label_of(own, CONS_LABELS):
                    current = "cons"
                    continue
                if el.tag in ("h3", "h4", "h5", "h6", "dt"):
                    current = "text"
                    continue
            if el.tag in ("p", "dd") or el.get("itemprop") == "reviewBody":
                sections[current].append(own)
        review = Review(
            site=site,
            page_url=url,
            rating=rating,
            scale=scale if rating is not None else None,
            title=title,
            text="\n".join(dict.fromkeys(sections["text"])) or None,
            pros="\n".join(dict.fromkeys(sections["pros"])) or None,
            cons="\n".join(dict.fromkeys(sections["cons"])) or None,
            author_role=role,
            date=iso_date(when.get("datetime") or when.text_content())
            if when is not None
            else None,
            review_id=box.get("data-review-id") or box.get("id") or None,
        )
        if review.body:
            reviews.append(review)
    return reviews


def _box_rating(box: Any, default_scale: float) -> tuple[float | None, float | None]:
    for el in box.iter():
        if not isinstance(el.tag, str):
            continue
        if el.get("itemprop") == "ratingValue":
            value = number(el.get("content") or el.text_content())
            best = next(
                (
                    number(b.get("content") or b.text_content())
                    for b in box.iter()
                    if isinstance(b.tag, str) and b.get("itemprop") == "bestRating"
                ),
                None,
            )
            return value, best or default_scale
        if el.get("data-rating") is not None:
            return number(el.get("data-rating")), number(el.get("data-scale")) or default_scale
        label = el.get("aria-label") or ""
        if match := _STARS.search(label):
            return number(match.group(1)), number(match.group(2))
    return None, None


def _first_text(box: Any, hints: tuple[str, ...]) -> str | None:
    for el in box.iter():
        if not isinstance(el.tag, str):
            continue
        marks = " ".join(
            [*_classes(el), el.get("itemprop") or "", el.get("data-test") or ""]
        ).lower()
        if any(h in marks for h in hints):
            text = clean(el.text_content())
            if text and len(text) <= 120:
                return text
    return None


def rel_next(html: str, url: str) -> str | None:
    """The page's `<link rel="next">` (or `<a rel="next">`), absolute."""
    match = re.search(
        r"<(?:link|a)\b[^>]*\brel=[\"']next[\"'][^>]*>", html[:2_000_000], re.IGNORECASE
    )
    if match and (href := re.search(r"\bhref=[\"']([^\"']+)[\"']", match.group(0))):
        return absolute(url, href.group(1))
    return None


def links(html: str, url: str) -> list[tuple[str, str]]:
    """(absolute href, anchor text) of every link in a page."""
    out = []
    for match in re.finditer(r"<a\b([^>]*)>(.*?)</a>", html, re.IGNORECASE | re.DOTALL):
        if href := re.search(r"\bhref=[\"']([^\"']+)[\"']", match.group(1)):
            target = absolute(url, href.group(1))
            if target:
                out.append((target, clean(match.group(2)) or ""))
    return out
