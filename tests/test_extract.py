"""Block extraction on sites without heading elements, boilerplate, and relative dates."""

from __future__ import annotations

import pytest

from company_research.extract import extract_page, parse_feed, relative_date


def blocks(body: str, head: str = "") -> list[tuple[str, str]]:
    html = f"<html><head>{head}</head><body>{body}</body></html>"
    return list(extract_page("https://acme.example/", html, "about").blocks)


def test_card_title_beside_its_paragraph_is_kept_as_a_title():
    got = blocks(
        '<div class="card"><figure><img src="a.jpg" alt=""></figure>'
        '<span class="title">Transparencia</span><p>Publicamos lo que pagamos.</p></div>'
    )
    assert got == [("h4", "Transparencia"), ("p", "Publicamos lo que pagamos.")]


@pytest.mark.parametrize(
    ("markup", "tag"),
    [
        ("<p><strong>Unsere Werte</strong></p>", "h5"),
        ('<p class="font_2" style="font-size:40px"><span>Nos valeurs</span></p>', "h2"),
        ('<div role="heading" aria-level="3">Qué hacemos</div>', "h3"),
        ('<p class="hero__eyebrow">Our purpose</p>', "h6"),
        ('<div class="cmp-teaser__title">Safety first, always</div>', "h4"),
    ],
)
def test_titles_styled_without_heading_elements(markup, tag):
    assert blocks(markup)[0][0] == tag


@pytest.mark.parametrize(
    "markup",
    [
        "<p><strong>Note:</strong> prices include VAT.</p>",
        '<p class="title">We build tools that last a decade.</p>',
        '<div class="cmp-teaser__title">42</div>',
        '<p style="font-size:16px">Plain body text</p>',
    ],
)
def test_body_text_is_not_a_title(markup):
    assert not blocks(markup)[0][0].startswith("h")


def test_aem_core_components_are_content_not_consent_banners():
    got = blocks(
        '<main class="cmp-container"><div class="cmp-text"><p>Water for everyone.</p></div></main>'
        '<div id="onetrust-banner-sdk"><p>We use cookies.</p></div>'
    )
    assert got == [("p", "Water for everyone.")]


def test_calls_to_action_are_boilerplate_only_as_short_lines():
    got = [
        t
        for _tag, t in blocks(
            "<p>Subscribe to our newsletter</p><p>Mehr erfahren</p>"
            "<p>Versioned release notes that your API consumers can subscribe to.</p>"
        )
    ]
    assert got == ["Versioned release notes that your API consumers can subscribe to."]


def test_hreflang_alternates():
    html = (
        '<html><head><link rel="alternate" hreflang="es" href="/es/">'
        '<link rel="alternate" hreflang="en" href="https://acme.example/en/"></head><body></body>'
        "</html>"
    )
    got = extract_page("https://acme.example/es/", html, "home").alternates
    assert got == (("es", "https://acme.example/es/"), ("en", "https://acme.example/en/"))


@pytest.mark.parametrize(
    ("text", "date"),
    [
        ("Published 3 days ago", "2026-11-24"),
        ("3 days ago · 3 min read", "2026-11-24"),
        ("2 weeks ago", "2026-11-13"),
        ("an hour ago", "2026-11-27"),
        ("vor 2 Tagen", "2026-11-25"),
        ("Veröffentlicht vor einer Woche", "2026-11-20"),
        ("il y a 3 jours", "2026-11-24"),
        ("Publié il y a un mois", "2026-10-28"),
        ("hace 5 días", "2026-11-22"),
        ("Publicado ayer", "2026-11-26"),
        ("yesterday", "2026-11-26"),
        ("gestern", "2026-11-26"),
        ("3 dagen geleden", "2026-11-24"),
    ],
)
def test_relative_dates_count_back_from_the_fetch(text, date):
    assert relative_date(text, "2026-11-27T09:00:00+00:00") == date


@pytest.mark.parametrize(
    "text", ["Hier finden Sie unsere Produkte", "3 min read", "Founded 12 years ago in Bristol and"]
)
def test_text_that_is_not_a_relative_date(text):
    got = relative_date(text, "2026-11-27T09:00:00+00:00")
    assert got is None or text.startswith("Founded")


def test_post_date_from_relative_text_when_nothing_else_dates_it():
    html = (
        "<html><head><title>Planting for pollinators</title></head><body><article>"
        '<span data-hook="time-ago">3 days ago</span><p>You do not need a meadow to feed bees.</p>'
        "</article></body></html>"
    )
    got = extract_page("https://acme.example/post/x", html, "post", None, "2026-11-27T01:00:00Z")
    assert got.published == "2026-11-24"


def test_structured_date_wins_over_relative_text():
    html = (
        '<html><head><script type="application/ld+json">{"@type":"BlogPosting",'
        '"headline":"X","datePublished":"2026-08-14T09:30:00Z"}</script></head><body>'
        "<span>Aug 14</span><span>3 days ago</span></body></html>"
    )
    got = extract_page("https://acme.example/post/x", html, "post", None, "2026-11-27T01:00:00Z")
    assert got.published == "2026-08-14"


def test_feed_summaries_are_text_whatever_the_feed_escapes() -> None:
    """WordPress writes descriptions as HTML in CDATA ending with "[&#8230;]": the summary is
    the text a reader sees, entities decoded, markup gone."""
    feed = b"""<?xml version="1.0" encoding="UTF-8"?>
<rss version="2.0" xmlns:content="http://purl.org/rss/1.0/modules/content/">
<channel><title>Acme &amp; Co blog</title><link>https://acme.example/blog/</link>
<item><title>Tools &amp; tips</title><link>https://acme.example/blog/tools/</link>
<description><![CDATA[We ship R&amp;D notes every week [&#8230;]]]></description></item>
<item><title>Second</title><link>https://acme.example/blog/second/</link>
<description><![CDATA[<p>Plain <b>bold</b> words &ndash; and more</p>]]></description></item>
<item><title>Third</title><link>https://acme.example/blog/third/</link>
<description>Already text: 5 &lt; 6</description></item>
</channel></rss>"""
    title, entries = parse_feed(feed, "https://acme.example/blog/feed/")
    assert title == "Acme & Co blog"
    assert [e.title for e in entries] == ["Tools & tips", "Second", "Third"]
    assert [e.summary for e in entries] == [
        "We ship R&D notes every week [\u2026]",
        "Plain bold words \u2013 and more",
        "Already text: 5 < 6",
    ]


def full_text(body: str) -> str:
    html = f"<html><head><title>t</title></head><body>{body}</body></html>"
    return extract_page("https://acme.example/", html, "about").full_text


@pytest.mark.parametrize(
    ("body", "text"),
    [
        # One line per block: list items, table cells, definition terms and descriptions.
        (
            "<ul><li><a>Junior Engineer 0</a></li><li><a>Staff Engineer 1</a></li></ul>",
            "Junior Engineer 0\nStaff Engineer 1",
        ),
        ("<table><tr><td>Founded</td><td>2015</td></tr></table>", "Founded\n2015"),
        ("<dl><dt>Gegründet</dt><dd>1952</dd></dl>", "Gegründet\n1952"),
        ("<div>250+<div>employees</div>in 3 countries</div>", "250+\nemployees\nin 3 countries"),
        # <br> and inline elements stay a space; whitespace of the source is one space.
        ("<p>Industriestraße 12<br>86150\n   Augsburg</p>", "Industriestraße 12 86150 Augsburg"),
        ("<p>We are <b>85</b>\n<span>people</span></p>", "We are 85 people"),
        # Document order: an element's tail after its children's text; a comment's tail kept.
        ("<p>Founded <em>in <b>2015</b></em> in Berlin</p>", "Founded in 2015 in Berlin"),
        ("<p>Acme<!-- name -->GmbH</p>", "Acme GmbH"),
        # Scripts, styles, templates and noscript are not read, their tails are.
        (
            "<p>a<script>var x = 1;</script>b</p><noscript><p>Enable JS</p></noscript><p>c</p>",
            "a b\nc",
        ),
        ("<div>\n  <p>  </p>\n</div><p>only</p>", "only"),
    ],
)
def test_full_text_has_one_line_per_block(body: str, text: str) -> None:
    assert full_text(body) == text


def test_feed_text_leaves_out_what_scripts_and_styles_hold() -> None:
    feed = b"""<?xml version="1.0"?><rss version="2.0"><channel>
<title><![CDATA[News<script>alert(1)</script>]]></title>
<item><title><![CDATA[Hi <script>evil()</script><b>there</b>]]></title><link>/a</link>
<description><![CDATA[<p>Text</p><script>var x=1;</script><style>p{color:red}</style> and more]]>
</description></item></channel></rss>"""
    title, entries = parse_feed(feed, "https://acme.example/feed/")
    assert title == "News"
    assert [(e.title, e.url, e.summary) for e in entries] == [
        ("Hi there", "https://acme.example/a", "Text and more")
    ]
