"""Thank-you letter: a short draft after the interview naming specific, cited things the
company published (its mission, a recent post, a value or product) and, with a resume, one
achievement that answers them."""

from __future__ import annotations

import json
from datetime import datetime
from typing import Any

from company_research.errors import NotResearchedError
from company_research.textsafe import clean_text, md_escape

__all__ = ["make_letter", "render_letter"]


def _month(published: str | None) -> str:
    try:
        return datetime.strptime((published or "")[:10], "%Y-%m-%d").strftime(" (%B %Y)")
    except ValueError:
        return ""


def _one(text: str) -> str:
    return " ".join(clean_text(text).split())


def make_letter(
    brief: dict[str, Any],
    *,
    interviewer: str | None = None,
    role: str | None = None,
    why_me: list[dict[str, Any]] | None = None,
) -> dict[str, Any]:
    """The letter as {"to", "paragraphs": [[(text, source|None), ...]], "facts", "sources"}.

    Raises NotResearchedError when the brief holds fewer than two facts to cite: a thank-you
    note that names nothing specific is what this tool exists to avoid.
    """
    name = brief["company"].get("name") or brief["domain"]
    facts: list[dict[str, Any]] = []
    body: list[tuple[str, int | None]] = []

    def fact(text: str, source: int, kind: str) -> None:
        facts.append({"kind": kind, "text": text, "source": source})
        body.append((text, source))

    if brief.get("mission"):
        fact(
            f"What you said about {name}\u2019s mission, \u201c{_one(brief['mission']['text'])}\u201d, "
            "is a big part of why I want to join.",
            brief["mission"]["source"],
            "mission",
        )
    posts = brief.get("posts") or []
    if posts:
        post = posts[0]
        fact(
            f"I also enjoyed your post \u201c{_one(post['title'])}\u201d{_month(post['published'])}, "
            "and I would like to help with the work behind it.",
            post["source"],
            "post",
        )
    values = brief.get("values") or []
    if values:
        label = _one(values[0]["text"]).split(": ", 1)[0]
        fact(
            f"Our conversation showed me how \u201c{label}\u201d shapes the way your team works.",
            values[0]["source"],
            "value",
        )
    offerings = brief.get("offerings") or []
    if len(facts) < 3 and offerings:
        label = _one(offerings[0]["text"]).split(": ", 1)[0]
        fact(f"I left curious to learn more about {label}.", offerings[0]["source"], "offering")
    if len(facts) < 2:
        raise NotResearchedError(
            f"the stored brief of {brief['domain']} has fewer than two facts to cite in a letter",
            hint=f"run `research {brief['domain']} --fresh` or check its notes",
        )
    pairs = why_me if why_me is not None else brief.get("why_me") or []
    pitch: list[tuple[str, int | None]] = []
    if pairs:
        pair = pairs[0]
        done = _one(pair["achievement"]).rstrip(".")
        if not done.lower().startswith("i "):
            done = "I " + done[:1].lower() + done[1:]
        pitch.append(
            (
                f"In my last role {done}, and I would bring that experience to "
                f"\u201c{_one(pair['company_text']).split(': ', 1)[0]}\u201d.",
                pair["source"],
            )
        )
    about = f" about the {_one(role)} role" if role else ""
    opening = f"Thank you for taking the time to speak with me{about} at {name}."
    used = sorted({f["source"] for f in facts} | {s for _, s in pitch if s})
    sources = [s for s in brief.get("sources") or [] if s["id"] in used]
    return {
        "resume_line": pairs[0]["resume_line"] if pairs else None,
        "to": _one(interviewer) if interviewer else None,
        "role": _one(role) if role else None,
        "company": name,
        "paragraphs": [
            [(opening, None)],
            body,
            *([pitch] if pitch else []),
            [
                (
                    "I am excited about the chance to contribute and look forward to hearing "
                    "about next steps.",
                    None,
                )
            ],
        ],
        "facts": facts,
        "sources": sources,
    }


def render_letter(letter: dict[str, Any], fmt: str = "text") -> str:
    """The letter as plain text (citations as [n] and a source list), Markdown or JSON."""
    if fmt == "json":
        data = {
            **letter,
            "paragraphs": [[{"text": t, "source": s} for t, s in p] for p in letter["paragraphs"]],
        }
        return json.dumps(data, ensure_ascii=False, indent=2)
    esc = md_escape if fmt == "md" else (lambda s: s)
    lines = [f"Dear {esc(letter['to'] or 'hiring team')},", ""]
    for paragraph in letter["paragraphs"]:
        lines.append(" ".join(esc(t) + (f" [{s}]" if s else "") for t, s in paragraph))
        lines.append("")
    lines += ["Best regards,", "[Your name]", "", "---" if fmt == "md" else "--", ""]
    lines.append("Sources (keep for yourself; delete before sending):")
    for source in letter["sources"]:
        title = _one(source.get("title") or source["url"])
        lines.append(f"[{source['id']}] {esc(title)} \u2014 {source['url']}")
    if letter.get("resume_line"):
        lines.append(f"Your achievement: resume line {letter['resume_line']}")
    return "\n".join(lines) + "\n"
