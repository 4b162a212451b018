"""Present a brief: the per-reader extras applied after research, never stored (a resume's
"Why me" pairs, the optional LLM rewrite), plus the stored-brief views: letter and compare."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from company_research import errors
from company_research.pipeline import stored_brief
from company_research.scope import normalise_domain
from company_research.settings import Settings
from company_research.store import open_store

__all__ = ["comparison", "personalise", "thank_you_letter"]


def personalise(
    brief: dict[str, Any],
    settings: Settings,
    *,
    resume: Path | None = None,
    llm_model: str | None = None,
) -> tuple[dict[str, Any], list[str]]:
    """The brief with "Why me" pairs from `resume` and prose reworded by `llm_model`.

    Returns the brief and notes for the user (why a rewrite was not used, a resume that
    matched nothing). The resume stays on the reader's machine: it is not stored.
    """
    notes: list[str] = []
    if resume is not None:
        from company_research.resume import with_resume

        brief, note = with_resume(brief, resume)
        notes += [note] if note else []
    if llm_model:
        from company_research.llm_rewrite import rewrite_prose

        outcome = rewrite_prose(brief, llm_model, source_texts(brief, settings))
        if outcome.accepted:
            brief = outcome.brief
        else:
            notes.append(f"kept the extractive text: the {llm_model} rewrite {outcome.reason}")
    return brief, notes


def source_texts(brief: dict[str, Any], settings: Settings) -> dict[int, str]:
    """The stored text of each source a brief cites, by source id."""
    store = open_store(settings.db_path)
    try:
        texts: dict[int, str] = {}
        for source in brief.get("sources") or []:
            page = store.page(source["url"])
            texts[source["id"]] = page.text if page else ""
        return texts
    finally:
        store.close()


def thank_you_letter(
    domain: str,
    settings: Settings,
    *,
    interviewer: str | None = None,
    role: str | None = None,
    resume: Path | None = None,
) -> dict[str, Any]:
    """A thank-you letter draft from the stored brief of `domain` (no network)."""
    from company_research.letter import make_letter

    brief = stored_brief(domain, settings)
    pairs = None
    if resume is not None:
        from company_research.resume import read_resume, why_me

        pairs = why_me(brief, read_resume(resume))
    return make_letter(brief, interviewer=interviewer, role=role, why_me=pairs)


def comparison(domains: list[str], settings: Settings) -> dict[str, Any]:
    """The stored briefs of 2-3 companies side by side (no network)."""
    from company_research.compare import compare_briefs

    unique = list(dict.fromkeys(normalise_domain(d) for d in domains))
    if not 2 <= len(unique) <= 3:
        raise errors.UsageError(f"compare takes 2 or 3 different companies, got {len(unique)}")
    return compare_briefs([stored_brief(d, settings) for d in unique])
