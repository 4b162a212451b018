"""Render a brief (the JSON contract dict) as terminal text, Markdown, HTML or JSON; validate it."""

from __future__ import annotations

import contextlib
import copy
import functools
import io
import json
import re
from collections.abc import Iterator
from pathlib import Path
from typing import TYPE_CHECKING, Any

from company_research.reviews.summary import review_view
from company_research.textsafe import clean_text, md_escape, safe_url

if TYPE_CHECKING:  # rich and jinja2 are imported when a brief is rendered, not at CLI start-up
    from jinja2 import Environment
    from rich.text import Text

__all__ = [
    "FORMATS",
    "PAPERS",
    "WORD_BUDGET",
    "fit_brief",
    "load_schema",
    "pdf_pages",
    "render_brief",
    "render_digest",
    "render_pdf",
    "validate_brief",
]

FORMATS = ("text", "md", "html", "json", "pdf")
PAPERS = ("A4", "Letter")
WORD_BUDGET = 650  # the Markdown brief stays under this many words: one printed page
HTML_WORD_BUDGET = 560  # measured: every fixture brief prints on one A4 and one Letter page
# Lists cut to fit one page, lowest-ranked items first (every list is ordered best first),
# each down to its floor before any goes lower. Whole items only, never mid-sentence.
_CUTS: tuple[tuple[tuple[str, ...], int], ...] = (
    (("posts",), 3),
    (("talking_points",), 3),
    (("questions",), 3),
    (("values",), 3),
    (("offerings",), 3),
    (("why_me",), 2),
    (("reviews", "quotes"), 1),
    (("reviews", "pros"), 2),
    (("reviews", "cons"), 2),
    (("watch_out",), 2),
    (("changes",), 3),
    (("notices",), 2),
)

_CUT_LAST = {("changes",), ("watch_out",)}

_SNAPSHOT = (  # (company field, label) in the order a reader wants them
    ("description", "What they do"),
    ("founded", "Founded"),
    ("headquarters", "Headquarters"),
    ("employees", "Size"),
    ("industry", "Industry"),
)
_LINK_LABELS = {"linkedin": "LinkedIn", "x": "X", "github": "GitHub", "youtube": "YouTube"}
_DAY = re.compile(r"^\d{4}-\d{2}-\d{2}")
# Shown as text these are inert, but no "javascript:" or "onclick=" is left in the HTML source
# for a later copy-paste or a lax sanitiser to revive: the ":" and "=" become character references.
_SCRIPT_SCHEME = re.compile(r"(?i)(\b(?:javascript|vbscript|livescript|data)\s*):")
_EVENT_ATTRIBUTE = re.compile(r"(?i)(\bon[a-z]+\s*)=")
# JSON escapes C0 controls itself; C1 controls (0x9b is a one-byte CSI), bidi overrides and
# invisible characters from a page are written as \uXXXX too, so printing JSON to a terminal
# is safe while the data stays exactly what the page said.
_JSON_UNSAFE = re.compile("[\x7f-\x9f\u061c\u200b-\u200f\u2028-\u202e\u2060-\u2069\ufeff]")


def load_schema() -> dict[str, Any]:
    """The brief's JSON Schema (draft 2020-12), read from the package data."""
    from importlib import resources  # 10+ ms at import; only validation needs it

    path = resources.files("company_research").joinpath("schema", "brief.schema.json")
    return json.loads(path.read_text(encoding="utf-8"))


def validate_brief(brief: dict[str, Any]) -> None:
    """Raise ValueError naming the first problem if `brief` breaks the JSON contract.

    Beyond the schema: source ids are 1..n and every `source` cites one of them.
    """
    from jsonschema import Draft202012Validator
    from jsonschema.exceptions import best_match

    error = best_match(Draft202012Validator(load_schema()).iter_errors(brief))
    if error is not None:
        raise ValueError(f"brief does not match the schema at {error.json_path}: {error.message}")
    ids = [source["id"] for source in brief["sources"]]
    if sorted(ids) != list(range(1, len(ids) + 1)):
        raise ValueError(f"brief source ids must be numbered 1..{len(ids)}, got {ids}")
    for path, cited in _citations(brief, "$"):
        if cited not in ids:
            raise ValueError(f"brief cites source {cited} at {path}, which is not in sources")


def _citations(node: Any, path: str) -> Iterator[tuple[str, Any]]:
    """(JSON path, source id) for every citation in a brief: `source` keys, `company.sources`."""
    if isinstance(node, dict):
        for key, value in node.items():
            where = f"{path}.{key}"
            if key == "source" and value is not None:
                yield where, value
            elif key == "sources" and isinstance(value, dict):
                yield from ((f"{where}.{field}", cited) for field, cited in value.items())
            else:
                yield from _citations(value, where)
    elif isinstance(node, list):
        for index, item in enumerate(node):
            yield from _citations(item, f"{path}[{index}]")


def render_brief(
    brief: dict[str, Any],
    fmt: str,
    *,
    color: bool = False,
    width: int = 100,
    paper: str | None = None,
) -> str:
    """The brief as `fmt`: "text" (terminal; ANSI styles only if `color`), "md", "html", "json".

    "md" and "html" are cut by rank to one printed page (see `fit_brief`); "html" prints on the
    reader's paper, or on `paper` ("A4", "Letter") when given. For "pdf" use `render_pdf`.
    """
    if fmt == "json":
        text = json.dumps(brief, ensure_ascii=False, indent=2)
        return _JSON_UNSAFE.sub(lambda m: f"\\u{ord(m.group()):04x}", text)
    if fmt == "md":
        return _template(fit_brief(brief), fmt, paper)
    if fmt == "html":
        # Print layout spends more room per word (source URLs, columns): a smaller budget.
        return _template(fit_brief(brief, HTML_WORD_BUDGET), fmt, paper)
    if fmt == "text":
        return _render_text(brief, color=color, width=width)
    if fmt == "pdf":
        raise ValueError("pdf is binary: call render_pdf(brief) (the CLI needs --output FILE)")
    raise ValueError(f"unknown format {fmt!r}; choose one of {', '.join(FORMATS)}")


def _template(brief: dict[str, Any], fmt: str, paper: str | None = None) -> str:
    context = {**_context(brief), "paper": paper}
    return _environment(fmt).get_template(f"brief.{fmt}.j2").render(context)


def _list_at(brief: dict[str, Any], path: tuple[str, ...]) -> list[Any]:
    node: Any = brief
    for key in path:
        node = node.get(key) if isinstance(node, dict) else None
    return node if isinstance(node, list) else []


def fit_brief(brief: dict[str, Any], max_words: int = WORD_BUDGET) -> dict[str, Any]:
    """A copy of the brief short enough for one page: its Markdown under `max_words` words.

    Lists lose their lowest-ranked items first (the list whose last item is longest goes
    first, each down to a floor, then to one item); sources no longer cited are left out. For display only: the
    result's source ids may have gaps, so it is not a contract brief.
    """
    fitted = copy.deepcopy(brief)
    first = {path: floor for path, floor in _CUTS}
    # What changed and what to watch out for are what a returning reader came for: they are
    # cut to one item only after every other list is.
    keep = {path: (floor if path in _CUT_LAST else 1) for path, floor in _CUTS}
    for floors in (first, keep, {path: 1 for path, _ in _CUTS}):
        while len(_template(_pruned(fitted), "md").split()) >= max_words:
            cuttable = [
                path for path, floor in floors.items() if len(_list_at(fitted, path)) > floor
            ]
            if not cuttable:
                break
            longest = max(cuttable, key=lambda p: len(json.dumps(_list_at(fitted, p)[-1])))
            _list_at(fitted, longest).pop()
    return _pruned(fitted)


def _pruned(brief: dict[str, Any]) -> dict[str, Any]:
    """The brief without the sources nothing in it cites any more."""
    cited = {source for _path, source in _citations({**brief, "sources": []}, "$")}
    sources = [s for s in brief.get("sources") or [] if s.get("id") in cited]
    return {**brief, "sources": sources}


def render_pdf(brief: dict[str, Any], paper: str = "A4") -> bytes:
    """The brief as a one-page PDF (needs the `pdf` extra: weasyprint and its system libraries).

    The HTML brief is laid out for one page; if a long brief still spills over, lists are cut
    further by rank until it fits.
    """
    if paper not in PAPERS:
        raise ValueError(f"unknown paper {paper!r}; choose one of {', '.join(PAPERS)}")
    html_pdf = _weasyprint()
    budget = WORD_BUDGET
    while True:
        document = html_pdf(string=_template(fit_brief(brief, budget), "html", paper)).render()
        if len(document.pages) <= 1 or budget <= 150:
            return bytes(document.write_pdf())
        budget -= 50


def pdf_pages(html: str, paper: str = "A4") -> int:
    """How many pages `html` takes when printed on `paper` (weasyprint)."""
    from weasyprint import CSS

    html_pdf = _weasyprint()
    sheet = CSS(string=f"@page {{ size: {paper}; }}")
    return len(html_pdf(string=html).render(stylesheets=[sheet]).pages)


def _weasyprint() -> Any:
    import logging

    try:
        from weasyprint import HTML
    except (ImportError, OSError) as exc:  # OSError: pango and friends are not installed
        raise RuntimeError(
            "PDF output needs weasyprint and its system libraries (pango): "
            "pip install 'company-research[pdf]'; see README, PDF output"
        ) from exc
    logging.getLogger("weasyprint").setLevel(logging.ERROR)
    logging.getLogger("fontTools").setLevel(logging.ERROR)
    return HTML


def _line(value: Any) -> str:
    """Page text on one line, safe to show: cleaned, newlines folded into spaces."""
    return "" if value is None else " ".join(clean_text(str(value)).split())


def _day(value: Any) -> str:
    """The YYYY-MM-DD of an ISO 8601 timestamp (or the cleaned value if it is not one)."""
    text = _line(value)
    match = _DAY.match(text)
    return match.group(0) if match else text


def _number(value: Any) -> str:
    """4.0 -> "4", 4.25 -> "4.25", 1200 -> "1,200"."""
    if isinstance(value, bool) or not isinstance(value, int | float):
        return _line(value)
    return f"{value:,}" if isinstance(value, int) else f"{value:,.2f}".rstrip("0").rstrip(".")


def _context(brief: dict[str, Any]) -> dict[str, Any]:
    """Template variables: the brief's fields plus the derived bits every format shares."""
    company = brief.get("company") or {}
    cites = company.get("sources") or {}
    reviews = brief.get("reviews") or {}
    links = []
    for key, url in (company.get("links") or {}).items():
        if href := safe_url(url):
            links.append((_LINK_LABELS.get(key, _line(key).capitalize()), href))
    return {
        **brief,
        "brief": brief,
        "name": company.get("name"),  # the heading falls back to the domain
        "cites": cites,
        "snapshot": [
            (label, company[field], cites.get(field))
            for field, label in _SNAPSHOT
            if company.get(field)
        ],
        "links": links,
        "has_reviews": any(
            reviews.get(key) for key in ("sites", "pros", "cons", "quotes", "unavailable")
        ),
        "review_view": review_view(reviews),
    }


def _html_text(value: Any) -> Any:
    """Page text for HTML: cleaned and escaped (a Markup string, so autoescape leaves it be)."""
    from markupsafe import Markup, escape

    text = str(escape("" if value is None else clean_text(str(value))))
    # S704: `text` is already escaped; the subs only turn ":" and "=" into character references.
    return Markup(_EVENT_ATTRIBUTE.sub(r"\1&#61;", _SCRIPT_SCHEME.sub(r"\1&#58;", text)))  # noqa: S704


def _template_cache() -> Any:
    """Compiled templates kept in the user cache folder: compiling them again on every run
    cost ~0.1 s of each `research` and `research brief`. A cache that cannot be read or
    written is skipped, never an error."""
    from jinja2 import FileSystemBytecodeCache
    from platformdirs import user_cache_dir

    class QuietCache(FileSystemBytecodeCache):
        def load_bytecode(self, bucket: Any) -> None:
            with contextlib.suppress(OSError, ValueError, EOFError):
                super().load_bytecode(bucket)

        def dump_bytecode(self, bucket: Any) -> None:
            with contextlib.suppress(OSError):
                super().dump_bytecode(bucket)

    folder = Path(user_cache_dir("company-research", appauthor=False)) / "templates"
    try:
        folder.mkdir(mode=0o700, parents=True, exist_ok=True)
    except OSError:
        return None
    return QuietCache(str(folder))


@functools.cache
def _environment(fmt: str) -> Environment:
    """A Jinja2 environment for one output format: HTML autoescapes, Markdown escapes by filter."""
    from jinja2 import ChainableUndefined, Environment, PackageLoader

    env = Environment(
        loader=PackageLoader("company_research", "templates"),
        bytecode_cache=_template_cache(),
        # S701: Markdown must not be HTML-escaped; its `md` filter escapes for Markdown instead.
        autoescape=fmt == "html",  # noqa: S701
        trim_blocks=True,
        lstrip_blocks=True,
        keep_trailing_newline=True,
        undefined=ChainableUndefined,  # a brief stored before a field existed still renders
    )
    env.filters.update(
        md=lambda value: md_escape(_line(value)),
        clean=_html_text,
        day=_day,
        num=_number,
        safe_url=safe_url,
    )
    return env


def _render_text(brief: dict[str, Any], *, color: bool, width: int) -> str:
    """The brief for a terminal, built from rich Text objects so page text is never markup."""
    from rich.console import Console
    from rich.rule import Rule
    from rich.table import Table
    from rich.text import Text

    out = io.StringIO()
    console = Console(
        file=out,
        force_terminal=color,
        color_system="truecolor" if color else None,
        width=width,
        no_color=not color,
        highlight=False,
        emoji=False,
        markup=False,
    )
    ctx, unstated = _context(brief), "Not stated on the pages we read."

    def cited(text: Any, source: Any = None, *, quote: bool = False, style: str = "") -> Text:
        line = Text(f"\u201c{_line(text)}\u201d" if quote else _line(text), style=style)
        return line.append(f" [{source}]", style="cyan") if isinstance(source, int) else line

    def rows(title: str, lines: list[Text], empty: str | None = None, marks: Any = None) -> None:
        """A heading, then the lines with a hanging indent after their marks (bullets if None)."""
        if not lines and empty is None:
            return
        console.print()
        console.print(Text(title, style="bold"))
        grid = Table.grid(padding=(0, 1))
        grid.add_column(no_wrap=True, style="dim", justify="right")
        grid.add_column()
        for mark, line in zip(marks or ["\u2022"] * len(lines), lines, strict=True):
            grid.add_row(mark, line)
        if not lines:
            grid.add_row("", Text(empty or "", style="dim italic"))
        console.print(grid)

    title = Text(_line(ctx["name"] or brief.get("domain")), style="bold")
    title.append(f" ({_line(brief.get('domain'))})" if ctx["name"] else "")
    console.print(Rule(title))
    dates = f"As of {_day(brief['as_of'])}" if brief.get("as_of") else "No sources gathered"
    console.print(Text(f"{dates} \u00b7 generated {_day(brief.get('generated_at'))}", style="dim"))
    changes = brief.get("changes") or []
    rows("What changed", [cited(f"{c['text']} (since {_day(c['since'])})") for c in changes])
    console.print()
    if tagline := (brief.get("company") or {}).get("tagline"):
        console.print(cited(tagline, ctx["cites"].get("tagline"), style="italic"))
    snapshot = Table.grid(padding=(0, 2))
    snapshot.add_column(style="bold", no_wrap=True)
    snapshot.add_column()
    for label, value, source in ctx["snapshot"]:
        snapshot.add_row(label, cited(value, source))
    if ctx["links"]:
        snapshot.add_row("Links", Text("  ".join(url for _, url in ctx["links"])))
    console.print(snapshot if snapshot.rows else Text(unstated, style="dim italic"))
    mission = brief.get("mission")
    rows("Mission", [cited(mission["text"], mission["source"])] if mission else [], unstated)
    for key, name in (("values", "Values"), ("offerings", "What they offer")):
        rows(name, [cited(i["text"], i["source"]) for i in brief.get(key) or []], unstated)
    posts = []
    for post in brief.get("posts") or []:
        line = Text.assemble((f"{_day(post.get('published')) or 'undated'} \u2014 ", "dim"))
        line.append_text(cited(post["title"], None if post.get("summary") else post["source"]))
        if post.get("summary"):
            line.append(" \u2014 ").append_text(cited(post["summary"], post["source"]))
        posts.append(line)
    rows("Recent posts", posts, "No posts found on the pages we read.")
    if ctx["has_reviews"]:
        rows("What people say", _review_lines(ctx["review_view"], cited))
    signals = []
    for signal in brief.get("watch_out") or []:
        line = Text(_line(signal["text"]))
        if signal.get("evidence"):
            line.append(" ").append_text(cited(signal["evidence"], quote=True))
        signals.append(
            line.append(f" [{signal['source']}]", style="cyan") if signal.get("source") else line
        )
    rows("Watch out", signals)
    pairs = [
        Text.assemble(
            _line(p["achievement"]),
            (f" (resume line {p['resume_line']})", "dim"),
            " \u2192 ",
            cited(p["company_text"], p["source"]),
        )
        for p in brief.get("why_me") or []
    ]
    rows("Why me", pairs)
    points = [
        Text.assemble(_line(p["text"]), "\n", cited(p["evidence"], p["source"], quote=True))
        for p in brief.get("talking_points") or []
    ]
    rows("Talking points", points, "Nothing on the pages we read to ground one.")
    questions = [cited(q["text"], q["source"]) for q in brief.get("questions") or []]
    marks = [f"{index}." for index in range(1, len(questions) + 1)]
    rows("Questions to ask", questions, "None yet.", marks)
    rows("Notes", [cited(notice) for notice in brief.get("notices") or []])
    sources = brief.get("sources") or []
    cites = [
        Text.assemble(
            _line(source.get("title") or source["url"]),
            (f"\n{_line(source['url'])} \u00b7 {_line(source['kind'])}", "dim"),
            (f", fetched {_day(source['fetched_at'])}", "dim"),
        )
        for source in sources
    ]
    rows("Sources", cites, "None.", [Text(f"[{s['id']}]", style="cyan") for s in sources])
    # Grid cells are padded to the column width; trailing spaces only get in the way of a copy.
    return "\n".join(line.rstrip() for line in out.getvalue().splitlines()) + "\n"


def _review_lines(view: dict[str, Any], cited: Any) -> list[Text]:
    """Lines for each review site's rating, themes, quotes, sites we could not read, notes."""
    from rich.text import Text

    lines = [cited(f"{_line(s['label'])}: {s['text']}", s["source"]) for s in view["sites"]]
    for group in view["themes"]:
        line = Text(f"{group['label']}: ", style="bold")
        for index, item in enumerate(group["items"]):
            line.append_text(cited(item["text"], item["source"]))
            line.append("; " if index < len(group["items"]) - 1 else "")
        lines.append(line)
    for quote in view["quotes"]:
        line = cited(quote["text"], quote["source"], quote=True)
        if quote["by"]:
            line.append(f" \u2014 {_line(quote['by'])}", style="dim")
        lines.append(line)
    lines += [cited(text, style="dim") for text in view["unavailable"] + view["notes"]]
    return lines


# -- the refresh digest --------------------------------------------------------------------
def render_digest(digest: dict[str, Any], fmt: str) -> str:
    """A refresh digest ({"companies": [{domain, status, changes}]}) as text, md or json."""
    if fmt == "json":
        return json.dumps(digest, indent=2, ensure_ascii=False) + "\n"
    companies = digest["companies"]
    md = fmt == "md"
    out: list[str] = ["# What changed", ""] if md else []
    if not companies:
        out.append("Nothing was due for a refresh.")
    for company in companies:
        domain, status, changes = company["domain"], company["status"], company["changes"]
        state = {"failed": " (failed)", "new": " (first research)"}
        head = f"{domain}{state.get(status, '')}"
        if md:
            out += [f"## {md_escape(head)}", ""]
        else:
            out.append(
                f"{head}: "
                + (
                    f"{len(changes)} change{'s' if len(changes) > 1 else ''}"
                    if changes
                    else "no changes"
                )
            )
        if not changes and md:
            out += ["No changes." if status != "new" else "Researched for the first time.", ""]
        for change in changes:
            text = clean_text(change["text"]).replace("\n", " ")
            url = safe_url(change.get("url"))
            if md:
                link = f" ([source](<{url}>))" if url else ""
                out.append(f"- {md_escape(text)}{link}")
            else:
                out.append(f"  - {text}" + (f"\n    {url}" if url else ""))
        if md and changes:
            out.append("")
    return "\n".join(out).rstrip("\n") + "\n"
