"""Tests for render: the brief's JSON Schema, and every output format, including hostile pages."""

from __future__ import annotations

import copy
import json
import re
import subprocess
import sys
from html.parser import HTMLParser

import pytest

from company_research.render import load_schema, render_brief, validate_brief

FORMATS = ["text", "md", "html", "json"]
FIELDS = ("name", "tagline", "description", "founded", "headquarters", "employees", "industry")


def realistic_brief() -> dict:
    return {
        "domain": "harborlight.io",
        "generated_at": "2026-11-27T03:10:00+00:00",
        "as_of": "2026-11-27T03:09:58+00:00",
        "company": {
            "name": "Harborlight",
            "tagline": "Tide-aware logistics for small ports",
            "description": "Harborlight builds scheduling software that helps small ports plan "
            "berths, cranes and crews around tides and weather.",
            "founded": "2016",
            "headquarters": "Halifax, Nova Scotia",
            "employees": "120-150",
            "industry": "Maritime logistics software",
            "links": {
                "website": "https://harborlight.io/",
                "linkedin": "https://www.linkedin.com/company/harborlight",
                "x": "https://x.com/harborlight",
            },
            "sources": {"name": 1, "tagline": 1, "description": 1, "founded": 2, "headquarters": 2},
        },
        "mission": {"text": "Make every small port as predictable as the tide.", "source": 2},
        "values": [
            {"text": "Safety before speed", "source": 3},
            {"text": "Listen to the people on the quay", "source": 3},
            {"text": "Ship small, ship often", "source": 3},
        ],
        "offerings": [
            {"text": "Berth Planner: tide-aware berth scheduling", "source": 4},
            {"text": "CrewCast: shift planning for port crews", "source": 4},
        ],
        "posts": [
            {
                "title": "Harborlight opens a Rotterdam office",
                "url": "https://harborlight.io/blog/rotterdam",
                "published": "2026-11-18",
                "summary": "A twelve-person team will serve ports on the North Sea.",
                "source": 5,
            },
            {
                "title": "What we learned from 1,000 tide tables",
                "url": "https://harborlight.io/blog/tide-tables",
                "published": "2026-10-02",
                "summary": None,
                "source": 6,
            },
        ],
        "reviews": {
            "sites": [
                {
                    "site": "Glassdoor",
                    "url": "https://www.glassdoor.com/Overview/harborlight",
                    "rating": 4.2,
                    "scale": 5,
                    "count": 38,
                    "source": 7,
                }
            ],
            "pros": [{"text": "Teams own their work end to end", "source": 7}],
            "cons": [{"text": "On-call weeks during storm season", "source": 7}],
            "quotes": [{"text": "The best onboarding I have had.", "source": 7}],
            "unavailable": [{"site": "Indeed", "reason": "blocked by robots.txt"}],
        },
        "talking_points": [
            {
                "text": "Relate your scheduling work to their tide-aware berth planning.",
                "evidence": "helps small ports plan berths, cranes and crews around tides",
                "source": 1,
            },
            {
                "text": "Ask how the Rotterdam team will work with Halifax.",
                "evidence": "A twelve-person team will serve ports on the North Sea.",
                "source": 5,
            },
        ],
        "questions": [
            {"text": "How does the Rotterdam office change the product roadmap?", "source": 5},
            {
                "text": "What does 'ship small, ship often' look like for a new engineer?",
                "source": 3,
            },
        ],
        "changes": [
            {
                "kind": "new_post",
                "text": "New post: Harborlight opens a Rotterdam office",
                "since": "2026-11-20T08:00:00+00:00",
            }
        ],
        "notices": ["robots.txt disallows /careers/"],
        "sources": [
            {
                "id": 1,
                "url": "https://harborlight.io/",
                "title": "Harborlight",
                "kind": "home",
                "fetched_at": "2026-11-27T03:09:40+00:00",
            },
            {
                "id": 2,
                "url": "https://harborlight.io/about",
                "title": "About us",
                "kind": "about",
                "fetched_at": "2026-11-27T03:09:45+00:00",
            },
            {
                "id": 3,
                "url": "https://harborlight.io/values",
                "title": "Our values",
                "kind": "values",
                "fetched_at": "2026-11-27T03:09:47+00:00",
            },
            {
                "id": 4,
                "url": "https://harborlight.io/products",
                "title": "Products",
                "kind": "products",
                "fetched_at": "2026-11-27T03:09:50+00:00",
            },
            {
                "id": 5,
                "url": "https://harborlight.io/blog/rotterdam",
                "title": "Harborlight opens a Rotterdam office",
                "kind": "post",
                "fetched_at": "2026-11-27T03:09:55+00:00",
            },
            {
                "id": 6,
                "url": "https://harborlight.io/blog/tide-tables",
                "title": None,
                "kind": "post",
                "fetched_at": "2026-11-27T03:09:56+00:00",
            },
            {
                "id": 7,
                "url": "https://www.glassdoor.com/Overview/harborlight",
                "title": "Harborlight reviews",
                "kind": "reviews",
                "fetched_at": "2026-11-27T03:09:58+00:00",
            },
        ],
    }


SCRIPT = "<script>alert(1)</script>"
ATTR = '" onmouseover="alert(1)'
MD_LINK = "[click me](javascript:alert(1))"
ANSI = "\x1b[2J\x1b[31mRED\x1b[0m"
OSC8 = "\x1b]8;;https://evil.example/\x1b\\innocent\x1b]8;;\x1b\\"
BIDI = "\u202egnp.exe\u202c\u2066x\u2069"
RICH_MARKUP = "[bold red]shout[/] [link=https://evil.example]x[/link] :skull:"


def hostile_brief() -> dict:
    """A brief whose every page-derived string tries to inject something."""
    bad = (
        f"{SCRIPT} {ATTR} {MD_LINK} {ANSI} {OSC8} {BIDI} {RICH_MARKUP} | a | b |\n# heading\n- item"
    )
    brief = realistic_brief()
    company = brief["company"]
    for field in FIELDS:
        company[field] = f"{field}: {bad}"
    company["links"] = {
        "website": 'https://harborlight.io/" onmouseover="alert(1)',
        "linkedin": "https://x.io/) [y](javascript:alert(1)",
        f"<b>{SCRIPT}</b>": "https://harborlight.io/ok",
    }
    brief["mission"]["text"] = bad
    for key in ("values", "offerings", "questions"):
        for item in brief[key]:
            item["text"] = bad
    for post in brief["posts"]:
        post["title"], post["summary"] = bad, bad
    reviews = brief["reviews"]
    reviews["sites"][0]["site"] = bad
    for key in ("pros", "cons", "quotes"):
        reviews[key][0]["text"] = bad
    reviews["unavailable"][0] = {"site": bad, "reason": bad}
    for point in brief["talking_points"]:
        point["text"], point["evidence"] = bad, bad
    brief["changes"][0]["text"] = bad
    brief["notices"] = [bad]
    for source in brief["sources"]:
        source["title"] = bad
    # URLs that pass the schema's ^https?:// pattern yet try to break out of an attribute or link.
    brief["sources"][0]["url"] = 'https://harborlight.io/"><script>alert(1)</script>'
    brief["sources"][1]["url"] = "https://harborlight.io/) [z](javascript:alert(1)"
    brief["posts"][0]["url"] = "https://harborlight.io/' onmouseover='alert(1)"
    return brief


def javascript_url_brief() -> dict:
    """Not schema-valid (the URLs are not http), for checking the renderers on their own."""
    brief = hostile_brief()
    for source in brief["sources"]:
        source["url"] = " JavaScript:alert(1)"
    brief["posts"][0]["url"] = "javascript:alert(1)"
    brief["reviews"]["sites"][0]["url"] = "data:text/html,<script>alert(1)</script>"
    brief["company"]["links"] = {"website": "java\tscript:alert(1)", "x": "vbscript:msgbox(1)"}
    return brief


# --- schema -------------------------------------------------------------------------------


def test_schema_is_a_valid_draft_2020_12_schema():
    from jsonschema import Draft202012Validator

    schema = load_schema()
    assert schema["$schema"] == "https://json-schema.org/draft/2020-12/schema"
    Draft202012Validator.check_schema(schema)


def test_schema_accepts_the_realistic_and_the_hostile_brief():
    validate_brief(realistic_brief())
    validate_brief(hostile_brief())


def test_schema_accepts_an_empty_brief():
    validate_brief(empty_brief())


def empty_brief() -> dict:
    return {
        "domain": "quiet.example",
        "generated_at": "2026-11-27T03:10:00+00:00",
        "as_of": None,
        "company": {
            **dict.fromkeys(FIELDS),
            "links": {},
            "sources": {},
        },
        "mission": None,
        "values": [],
        "offerings": [],
        "posts": [],
        "reviews": {"sites": [], "pros": [], "cons": [], "quotes": [], "unavailable": []},
        "talking_points": [],
        "questions": [],
        "changes": [],
        "notices": [],
        "sources": [],
    }


@pytest.mark.parametrize(
    ("mutate", "message"),
    [
        (lambda b: b["values"][0].update(source=99), r"cites source 99 at \$\.values\[0\]\.source"),
        (lambda b: b["company"]["sources"].update(founded=8), r"\$\.company\.sources\.founded"),
        (lambda b: b["reviews"]["sites"][0].update(source=0), r"\$\.reviews\.sites\[0\]"),
        (lambda b: b.pop("notices"), r"'notices' is a required property"),
        (lambda b: b["company"].pop("industry"), r"\$\.company.*'industry' is a required"),
        (lambda b: b.update(extra=1), r"Additional properties"),
        (lambda b: b["posts"][0].update(url="javascript:alert(1)"), r"\$\.posts\[0\]\.url"),
        (lambda b: b["company"]["links"].update(x="data:text/html,x"), r"\$\.company\.links\.x"),
        (lambda b: b["sources"][0].update(kind="homepage"), r"\$\.sources\[0\]\.kind"),
        (lambda b: b["changes"][0].update(kind="new_thing"), r"\$\.changes\[0\]\.kind"),
        (lambda b: b.update(generated_at="yesterday"), r"\$\.generated_at"),
        (lambda b: b["posts"][0].update(published="18/11/2026"), r"\$\.posts\[0\]\.published"),
        (lambda b: b["sources"][6].update(id=9), r"numbered 1\.\.7"),
        (lambda b: b["sources"][1].update(id=1), r"numbered 1\.\.7"),
    ],
)
def test_schema_rejects_broken_briefs(mutate, message):
    brief = realistic_brief()
    mutate(brief)
    with pytest.raises(ValueError, match=message):
        validate_brief(brief)


# --- every format -------------------------------------------------------------------------


@pytest.mark.parametrize("fmt", FORMATS)
def test_every_format_renders_the_realistic_brief_with_citations(fmt):
    out = render_brief(realistic_brief(), fmt)
    assert "Harborlight" in out
    assert "harborlight.io" in out
    assert "Make every small port as predictable as the tide." in out
    if fmt != "json":
        assert "[1]" in out
        assert "[5]" in out
        assert "2026-11-27" in out


@pytest.mark.parametrize("fmt", FORMATS)
def test_every_format_renders_an_empty_brief_and_says_what_is_missing(fmt):
    out = render_brief(empty_brief(), fmt)
    assert "quiet.example" in out
    if fmt != "json":
        assert "Not stated on the pages we read." in out
        assert "What people say" not in out
        assert "What changed" not in out


def test_json_round_trips():
    brief = hostile_brief()
    assert json.loads(render_brief(brief, "json")) == brief


def test_pdf_is_bytes_from_render_pdf_and_unknown_formats_are_refused():
    with pytest.raises(ValueError, match=r"pdf is binary: call render_pdf"):
        render_brief(realistic_brief(), "pdf")
    with pytest.raises(ValueError, match="unknown format"):
        render_brief(realistic_brief(), "docx")


def test_render_does_not_change_the_brief():
    brief = hostile_brief()
    before = copy.deepcopy(brief)
    for fmt in FORMATS:
        render_brief(brief, fmt)
    assert brief == before


# --- Markdown -----------------------------------------------------------------------------


def test_markdown_layout():
    md = render_brief(realistic_brief(), "md")
    assert md.startswith("# Harborlight (harborlight.io)\n\nAs of 2026-11-27")
    headings = re.findall(r"^## (.+)$", md, flags=re.MULTILINE)
    assert headings == [
        "What changed",
        "Mission",
        "Values",
        "What they offer",
        "Recent posts",
        "What people say",
        "Talking points",
        "Questions to ask",
        "Notes",
        "Sources",
    ]
    assert "- **Founded:** 2016 [2]" in md
    assert "- **Headquarters:** Halifax, Nova Scotia [2]" in md
    assert "[LinkedIn](https://www.linkedin.com/company/harborlight)" in md
    assert "Make every small port as predictable as the tide. [2]" in md
    assert (
        "- 2026-11-18 — [Harborlight opens a Rotterdam office](https://harborlight.io/blog/rotterdam)"
        " — A twelve-person team will serve ports on the North Sea. [5]"
    ) in md
    assert '  > "helps small ports plan berths, cranes and crews around tides" [1]' in md
    assert "- Indeed: not available, blocked by robots.txt" in md
    assert "4.2/5 from 38 reviews [7]" in md
    assert "- [1] [Harborlight](https://harborlight.io/) — home, fetched 2026-11-27" in md
    assert (
        "- [6] [https://harborlight.io/blog/tide-tables](https://harborlight.io/blog/tide-tables)"
        in md
    )
    assert "\n\n\n" not in md


def test_markdown_of_the_realistic_brief_fits_one_page():
    assert len(render_brief(realistic_brief(), "md").split()) < 650


@pytest.mark.parametrize("brief", [hostile_brief, javascript_url_brief])
def test_markdown_of_hostile_text_has_no_html_links_or_escapes(brief):
    md = render_brief(brief(), "md")
    assert "<script" not in md.lower()
    assert "](javascript:" not in md.lower()
    assert "\x1b" not in md
    assert not re.search("[\u202a-\u202e\u2066-\u2069]", md)
    # Only our own headings and list items start lines: page text cannot open a heading or list.
    assert not re.search(r"^# heading", md, flags=re.MULTILINE)
    assert not re.search(r"^- item", md, flags=re.MULTILINE)
    # Every link the Markdown forms points at an http(s) URL with nothing that could end it early.
    for target in re.findall(r"(?<!\\)\]\(([^)]*)\)", md):
        assert re.match(r"^https?://[^\s<>\"()]+$", target), target


@pytest.mark.parametrize("brief", [hostile_brief, javascript_url_brief])
def test_markdown_of_hostile_text_renders_to_safe_html_in_a_commonmark_renderer(brief):
    from markdown_it import MarkdownIt  # rich's own Markdown parser

    html = (
        MarkdownIt("commonmark")
        .enable("table")
        .enable("strikethrough")
        .render(render_brief(brief(), "md"))
    )
    parsed = _Markup()
    parsed.feed(html)
    assert set(parsed.tags) <= {
        "h1",
        "h2",
        "p",
        "ul",
        "ol",
        "li",
        "strong",
        "em",
        "a",
        "blockquote",
    }
    for _tag, name, value in parsed.attributes:
        assert name in {"href", "start"}
        if name == "href":
            assert re.match(r"^https?://[^\s\"'<>()]+$", value), value
    assert "<script" not in html.lower()


# --- HTML ---------------------------------------------------------------------------------


class _Markup(HTMLParser):
    """Collects what a browser would build from HTML: tags and attributes, not text."""

    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.tags, self.attributes = [], []

    def handle_starttag(self, tag, attrs):
        self.tags.append(tag)
        self.attributes += [(tag, name, value or "") for name, value in attrs]


@pytest.mark.parametrize("brief", [hostile_brief, javascript_url_brief])
def test_html_of_hostile_text_has_no_tags_attributes_or_script_urls(brief):
    html = render_brief(brief(), "html")
    # An href may quote hostile text, percent-encoded in its path; hrefs are checked below.
    lowered = re.sub(r'href="[^"]*"', 'href=""', html.lower())
    assert "<script" not in lowered
    assert "javascript:" not in lowered
    assert "onmouseover=" not in lowered
    assert "data:text/html" not in lowered
    assert "vbscript:" not in lowered
    assert "\x1b" not in html
    assert not re.search("[\u202a-\u202e\u2066-\u2069]", html)
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in html  # shown as text, not dropped
    parsed = _Markup()
    parsed.feed(html)
    assert set(parsed.tags) <= _OUR_TAGS
    for tag, name, value in parsed.attributes:
        assert not name.startswith("on"), (tag, name)
        assert name in _OUR_ATTRIBUTES
        if name == "href":
            assert re.match(r"^(https?://[^\s\"'<>()]+|#src-\d+)$", value), value


# fmt: off
_OUR_TAGS = {
    "html", "head", "meta", "title", "style", "body", "header", "h1", "h2", "span", "div",
    "section", "ul", "ol", "li", "p", "dl", "dt", "dd", "strong", "sup", "a", "blockquote",
}
_OUR_ATTRIBUTES = {
    "lang", "charset", "http-equiv", "content", "name", "class", "href", "rel", "id", "value",
}
# fmt: on


def test_html_is_one_self_contained_printable_page():
    html = render_brief(realistic_brief(), "html")
    assert html.lstrip().lower().startswith("<!doctype html>")
    assert "@page { margin: 11mm 12mm; }" in html  # the reader's paper, A4 or Letter
    assert "@page { size: Letter; margin: 11mm 12mm; }" in render_brief(
        realistic_brief(), "html", paper="Letter"
    )
    assert "9.5pt" in html
    assert not re.search(r"<(script|link|img|iframe|object|embed)\b", html, flags=re.IGNORECASE)
    assert "@import" not in html
    assert "url(" not in html


def test_html_citations_link_to_numbered_sources():
    html = render_brief(realistic_brief(), "html")
    assert '<sup><a href="#src-2">[2]</a></sup>' in html
    for source_id in range(1, 8):
        assert f'id="src-{source_id}"' in html
    assert '<a href="https://harborlight.io/about" rel="noreferrer">About us</a>' in html


# --- terminal text ------------------------------------------------------------------------


def test_text_layout():
    text = render_brief(realistic_brief(), "text", width=100)
    first = text.splitlines()[0]
    assert "Harborlight (harborlight.io)" in first
    assert "As of 2026-11-27" in text
    for heading in ("What changed", "Mission", "Values", "Recent posts", "Sources"):
        assert heading in text
    assert re.search(r"Founded +2016 \[2\]", text)
    assert "[7] Harborlight reviews" in text
    assert "fetched 2026-11-27" in text
    assert all(len(line) <= 100 for line in text.splitlines())


def test_text_without_color_has_no_escape_sequences_even_from_hostile_pages():
    text = render_brief(hostile_brief(), "text", color=False)
    assert "\x1b" not in text
    assert "\x07" not in text
    assert not re.search("[\u202a-\u202e\u2066-\u2069]", text)
    # Page text is never rich markup: it is shown as typed, not turned into style or links.
    assert "[bold red]shout[/]" in text
    assert ":skull:" in text
    assert "<script>alert(1)</script>" in text  # harmless in a terminal, and honest


def test_text_with_color_styles_only_our_own_text():
    text = render_brief(hostile_brief(), "text", color=True)
    assert "\x1b[" in text  # our styles
    assert "\x1b[2J" not in text
    assert "\x1b]" not in text  # no OSC: no hyperlinks or window titles from page text
    assert "\x1b[31m" not in text


# --- start-up cost ------------------------------------------------------------------------


def test_importing_render_does_not_import_jinja2_rich_or_jsonschema():
    code = (
        "import sys, company_research.render; "
        "print(sorted(m for m in ('jinja2', 'rich', 'jsonschema') if m in sys.modules))"
    )
    result = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, check=True
    )
    assert result.stdout.strip() == "[]"
