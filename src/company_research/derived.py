"""Derived facts kept beside a stored page (its Extraction, a feed's entries) as JSON, so a 304
on refresh reuses them without parsing the page again."""

from __future__ import annotations

import json
from dataclasses import fields, is_dataclass
from typing import Any

from company_research import __version__
from company_research.models import (
    ArticleMeta,
    Extraction,
    FeedEntry,
    OrgFacts,
    Sitemap,
    SitemapEntry,
)

# Bump when what extraction derives from the same HTML changes without a release: stored
# derivations of older code are then re-derived. 2: full_text keeps one line per block; feed
# summaries decode entities.
DERIVATION = 2


def _shape() -> str:
    """Changes whenever the package version, the derivation or the shape of what we keep
    changes: a stored derivation from older code is then re-derived from the stored HTML (no
    refetch)."""
    names = [
        ",".join(f.name for f in fields(cls))
        for cls in (Extraction, OrgFacts, ArticleMeta, FeedEntry, Sitemap, SitemapEntry)
    ]
    return f"{__version__}.{DERIVATION}|{'|'.join(names)}"


SHAPE = _shape()


def dump_extraction(extraction: Extraction) -> str:
    return _dumps({"shape": SHAPE, "extraction": extraction})


def _dumps(payload: dict[str, Any]) -> str:
    """JSON of dataclasses holding tuples and dicts, as `asdict` would give, without its deep
    copy of every tuple (json writes tuples as lists itself): a page's links and blocks made
    `asdict` most of the cost of storing it."""
    return json.dumps(payload, ensure_ascii=False, default=_fields_of)


def _fields_of(value: Any) -> dict[str, Any]:
    names = _FIELD_NAMES.get(type(value))
    if names is None:
        if not is_dataclass(value) or isinstance(value, type):
            raise TypeError(f"cannot store {type(value).__name__}")
        names = _FIELD_NAMES[type(value)] = tuple(f.name for f in fields(value))
    return {name: getattr(value, name) for name in names}


_FIELD_NAMES: dict[type, tuple[str, ...]] = {}


def load_extraction(data: str | None) -> Extraction | None:
    """The stored Extraction, or None when absent or derived by other code (parse again)."""
    raw = _payload(data, "extraction")
    if not isinstance(raw, dict):
        return None
    try:
        values: dict[str, Any] = {k: _tuples(v) for k, v in raw.items()}
        org = raw.get("organization")
        values["organization"] = OrgFacts(**{**org, "links": dict(org["links"])}) if org else None
        values["articles"] = tuple(ArticleMeta(**a) for a in raw.get("articles") or ())
        return Extraction(**values)
    except (TypeError, KeyError, ValueError):
        return None


def dump_feed(title: str | None, entries: list[FeedEntry]) -> str:
    return _dumps({"shape": SHAPE, "feed": {"title": title, "entries": entries}})


def load_feed(data: str | None) -> tuple[str | None, list[FeedEntry]] | None:
    """The stored (title, entries) of a feed, or None when it must be parsed again."""
    raw = _payload(data, "feed")
    if not isinstance(raw, dict):
        return None
    try:
        return raw.get("title"), [FeedEntry(**e) for e in raw["entries"]]
    except (TypeError, KeyError):
        return None


def dump_sitemap(sitemap: Sitemap) -> str:
    return _dumps({"shape": SHAPE, "sitemap": sitemap})


def load_sitemap(data: str | None) -> Sitemap | None:
    """The stored parsed sitemap, or None when it must be fetched and parsed again."""
    raw = _payload(data, "sitemap")
    if not isinstance(raw, dict):
        return None
    try:
        entries = tuple(SitemapEntry(**e) for e in raw["entries"])
        return Sitemap(entries=entries, children=tuple(raw["children"]))
    except (TypeError, KeyError):
        return None


def _payload(data: str | None, key: str) -> Any:
    if not data:
        return None
    try:
        doc = json.loads(data)
    except ValueError:
        return None
    if not isinstance(doc, dict) or doc.get("shape") != SHAPE:
        return None
    return doc.get(key)


def _tuples(value: Any) -> Any:
    """JSON lists back to the tuples the frozen dataclasses hold."""
    if isinstance(value, list):
        return tuple(_tuples(v) for v in value)
    return value
