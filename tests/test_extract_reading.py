"""Extraction reads the page as a reader does: line breaks, left-out widgets and the text
around them, page chrome against article parts, links resolved per page, broken links."""

from __future__ import annotations

import pytest

from company_research.extract import extract_page


def blocks(body: str, url: str = "https://acme.example/") -> list[tuple[str, str]]:
    html = f"<html><head></head><body>{body}</body></html>"
    return list(extract_page(url, html, "about").blocks)


@pytest.mark.parametrize(
    ("markup", "expected"),
    [
        # A line break separates words, also inside an inline element.
        ("<p>Hamburg office<br>Hafenstrasse 1</p>", [("p", "Hamburg office Hafenstrasse 1")]),
        (
            "<p><span>Hamburg office<br>Hafenstrasse 1</span></p>",
            [("p", "Hamburg office Hafenstrasse 1")],
        ),
        (
            '<div><a href="/x"><span>Read</span><br>the report</a> now.</div>',
            [("div", "Read the report now.")],
        ),
        # A widget is left out; the text on both sides of it is kept, joined.
        (
            '<p>Call us <span class="newsletter-signup">Sign up</span>today, we answer quickly.</p>',
            [("p", "Call us today, we answer quickly.")],
        ),
        (
            "<div><nav>Home About</nav>Welcome to Acme, where we build boats.</div>",
            [("div", "Welcome to Acme, where we build boats.")],
        ),
        (
            "<div>Intro words <span hidden>secret</span>visible after.</div>",
            [("div", "Intro words visible after.")],
        ),
        (
            '<ul><li>First point<span aria-hidden="true">*</span></li>'
            '<li style="display: none">Gone</li><li>Second point</li></ul>',
            [("li", "First point"), ("li", "Second point")],
        ),
        # The page's header and footer are chrome; an article's own header is content.
        (
            "<header><p>Acme menu line</p></header><article><header><p>Our story began in "
            "1990.</p></header><p>Body text of the story here.</p></article>"
            "<footer><p>Footer words here</p></footer>",
            [("p", "Our story began in 1990."), ("p", "Body text of the story here.")],
        ),
        # A title stays a title when a left-out control sits inside it.
        (
            '<div class="card"><span class="title"><button>Play</button>Our story</span>'
            "<p>We started small and grew.</p></div>",
            [("h4", "Our story"), ("p", "We started small and grew.")],
        ),
        (
            '<div class="card"><p class="eyebrow"><span class="newsletter-x">N</span>Careers</p>'
            "<p>Join a team of forty people.</p></div>",
            [("h6", "Careers"), ("p", "Join a team of forty people.")],
        ),
    ],
)
def test_blocks_read_as_a_reader_sees_them(markup, expected):
    assert blocks(markup) == expected


def test_content_links_leave_out_navigation_headers_and_footers():
    html = (
        '<html><body><nav><a href="/about/">About</a></nav><header><a href="/x">X</a></header>'
        '<div role="navigation"><a href="/y">Y</a></div><article><header><a href="/z">Z</a>'
        '</header><p><a href="team/">Team</a></p></article></body></html>'
    )
    page = extract_page("https://acme.example/a/b", html, "about")
    assert [url for url, _text in page.links] == [
        "https://acme.example/about/",
        "https://acme.example/x",
        "https://acme.example/y",
        "https://acme.example/z",
        "https://acme.example/a/team/",
    ]
    assert page.content_links == (("https://acme.example/a/team/", "Team"),)


@pytest.mark.parametrize(
    ("page_url", "expected"),
    [
        (
            "https://acme.example/a/b",
            [
                "https://acme.example/a/team/",
                "https://acme.example/about/",
                "https://cdn.example/x",
            ],
        ),
        (
            "https://acme.example/c/",
            [
                "https://acme.example/c/team/",
                "https://acme.example/about/",
                "https://cdn.example/x",
            ],
        ),
        (
            "http://acme.example/",
            ["http://acme.example/team/", "http://acme.example/about/", "http://cdn.example/x"],
        ),
    ],
)
def test_the_same_links_resolve_against_each_page(page_url, expected):
    html = '<a href="team/">T</a><a href="/about/">A</a><a href="//cdn.example/x#top">C</a>'
    page = extract_page(page_url, f"<html><body>{html}</body></html>", "about")
    assert [url for url, _text in page.links] == expected


def test_a_link_urllib_refuses_is_skipped_not_fatal():
    html = (
        '<html><head><base href="http://[oops/"><link rel="alternate" hreflang="de" '
        'href="http://[oops/de/"><link rel="alternate" type="application/rss+xml" '
        'href="//[oops/feed"><script type="application/ld+json">{"@type": "AboutPage", '
        '"url": "http://[oops/about"}</script></head><body><p>We build boats in Kiel. '
        '<a href="http://[oops/">Partner</a> <a href="/team/">Team</a></p></body></html>'
    )
    page = extract_page("https://acme.example/", html, "home")
    assert page.links == (("https://acme.example/team/", "Team"),)
    assert page.feeds == ()
    assert page.alternates == ()
    assert "We build boats in Kiel." in page.text
