"""Resume alignment: read a resume (text, Markdown or PDF) and pair its achievements with the
goals, values and projects a company states, each pair citing the resume line and the source."""

from __future__ import annotations

import math
import re
from collections import Counter
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from company_research.errors import UsageError
from company_research.ranking import is_boilerplate, split_sentences, terms

__all__ = ["ResumeLine", "check_resume_file", "read_resume", "why_me", "with_resume"]

MAX_BYTES = 2_000_000
MIN_SIMILARITY = 0.15  # below this, shared words are chance (measured on the fixture briefs)
_MARKUP = re.compile(r"^\s*(?:[-*+•▪●◦]|\d{1,2}[.)])\s+|\*\*|__|`")
_HEADING = re.compile(r"^\s*#{1,6}\s")


@dataclass(frozen=True)
class ResumeLine:
    """One sentence of the resume and the line of the file it starts on (1-based)."""

    line: int
    text: str


def read_resume(path: Path) -> list[ResumeLine]:
    """The sentences of a resume file; UsageError (exit 2) when it cannot be read."""
    path = check_resume_file(path)
    if path.suffix.lower() == ".pdf" or path.read_bytes()[:5] == b"%PDF-":
        raw = _pdf_text(path)
    else:
        raw = path.read_bytes().decode("utf-8", errors="replace")
    lines: list[ResumeLine] = []
    for number, line in enumerate(raw.splitlines(), start=1):
        if _HEADING.match(line):
            continue
        plain = _MARKUP.sub("", line).strip()
        lines.extend(ResumeLine(number, s) for s in split_sentences(plain))
    if not lines:
        raise UsageError(f"--resume {path}: no text found (a scanned PDF has none; try .txt)")
    return lines


def check_resume_file(path: Path) -> Path:
    """The resume path if it is a readable text or PDF file; UsageError (exit 2) otherwise.
    Cheap, so commands check it before any research is done."""
    path = Path(path)
    if path.is_dir():
        raise UsageError(f"--resume {path}: is a directory, not a file")
    if not path.is_file():
        raise UsageError(f"--resume {path}: no such file")
    try:
        size = path.stat().st_size
        with path.open("rb") as handle:
            head = handle.read(8192)
    except OSError as exc:
        raise UsageError(f"--resume {path}: cannot be read ({exc.strerror or exc})") from None
    if size > MAX_BYTES:
        raise UsageError(f"--resume {path}: larger than {MAX_BYTES // 1_000_000} MB")
    if not head.startswith(b"%PDF-") and b"\x00" in head:
        raise UsageError(f"--resume {path}: not a text or PDF file (binary data)")
    return path


def _pdf_text(path: Path) -> str:
    try:
        from pypdf import PdfReader
        from pypdf.errors import PdfReadError
    except ImportError:  # pragma: no cover - depends on the install
        raise UsageError(
            "reading a PDF resume needs pypdf",
            hint="pip install 'company-research[pdf]', or pass the resume as .txt or .md",
        ) from None
    try:
        reader = PdfReader(str(path))
        return "\n".join(page.extract_text() or "" for page in reader.pages[:10])
    except (PdfReadError, ValueError, OSError) as exc:
        raise UsageError(f"--resume {path}: not a readable PDF ({exc})") from None


def _achievements(lines: list[ResumeLine]) -> list[ResumeLine]:
    """Sentences long enough to state something done; contact lines and boilerplate dropped."""
    out = []
    for item in lines:
        words = item.text.split()
        if 6 <= len(words) <= 45 and not is_boilerplate(item.text) and "@" not in item.text:
            out.append(item)
    return out


def _targets(brief: dict[str, Any]) -> list[tuple[str, str, int]]:
    """(text to match, text to show, source) of what the company states it wants, values or
    builds; a post is shown by its title and matched on its title and summary."""
    targets: list[tuple[str, str, int]] = []
    if brief.get("mission"):
        mission = brief["mission"]
        targets.append((mission["text"], mission["text"], mission["source"]))
    for key in ("values", "offerings"):
        targets += [(item["text"], item["text"], item["source"]) for item in brief.get(key) or []]
    for post in brief.get("posts") or []:
        match = f"{post['title']} {post.get('summary') or ''}"
        targets.append((match, post["title"], post["source"]))
    return targets


def why_me(brief: dict[str, Any], lines: list[ResumeLine], limit: int = 4) -> list[dict[str, Any]]:
    """Pairs of (resume achievement, company statement), strongest first, no line used twice.

    Similarity is TF-IDF cosine over shared word stems; a pair needs two shared content words
    (or one long one), so an unrelated resume yields no pairs rather than invented links.
    """
    achievements = _achievements(lines)
    targets = _targets(brief)
    if not achievements or not targets:
        return []
    bags_a = [Counter(terms(a.text)) for a in achievements]
    bags_t = [Counter(terms(t)) for t, _, _ in targets]
    df: Counter[str] = Counter()
    for bag in (*bags_a, *bags_t):
        df.update(bag.keys())
    n = len(bags_a) + len(bags_t)
    idf = {term: math.log((1 + n) / (1 + count)) + 1 for term, count in df.items()}

    def vec(bag: Counter[str]) -> dict[str, float]:
        return {t: c * idf[t] for t, c in bag.items()}

    va, vt = [vec(b) for b in bags_a], [vec(b) for b in bags_t]
    scored = []
    for i, a in enumerate(va):
        for j, t in enumerate(vt):
            shared = a.keys() & t.keys()
            # One short shared word ("year", "team") is chance, not a theme.
            if len(shared) < 2 and not any(len(word) >= 6 for word in shared):
                continue
            dot = sum(a[k] * t[k] for k in shared)
            norm = math.sqrt(sum(x * x for x in a.values())) * math.sqrt(
                sum(x * x for x in t.values())
            )
            if dot / (norm or 1.0) >= MIN_SIMILARITY:
                scored.append((dot / (norm or 1.0), i, j))
    scored.sort(key=lambda s: (-s[0], s[1], s[2]))
    pairs: list[dict[str, Any]] = []
    used_a: set[int] = set()
    used_t: set[int] = set()
    for _score, i, j in scored:
        if i in used_a or j in used_t:
            continue
        used_a.add(i)
        used_t.add(j)
        _match, text, source = targets[j]
        pairs.append(
            {
                "achievement": achievements[i].text,
                "resume_line": achievements[i].line,
                "company_text": text,
                "source": source,
            }
        )
        if len(pairs) >= limit:
            break
    return pairs


def with_resume(brief: dict[str, Any], path: Path) -> tuple[dict[str, Any], str | None]:
    """A copy of the brief with its "Why me" pairs; and a note when nothing matched."""
    pairs = why_me(brief, read_resume(path))
    note = None
    if not pairs:
        note = f"no sentence of {Path(path).name} shares a theme with what the company states"
    return {**brief, "why_me": pairs}, note
