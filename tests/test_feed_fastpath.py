"""Plain RSS read without feedparser gives what feedparser gives: on the bundled feeds and on
generated RSS that strays from the plain subset in every way the fast path screens for."""

from __future__ import annotations

import os
from xml.sax.saxutils import escape, quoteattr

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from company_research.extract import _feedparser_feed, _plain_rss, parse_feed

from .conftest import SITES

FEED_URL = "https://www.example.com/blog/feed.xml"
RUNS = int(os.environ.get("FEED_FASTPATH_EXAMPLES", "150"))
CHECK = settings(
    max_examples=RUNS, deadline=None, suppress_health_check=[HealthCheck.too_slow], derandomize=True
)

# Characters XML 1.0 allows, with those feedparser's HTML handling cares about.
CHARS = st.one_of(
    # "Ã©" is "é" read as Latin-1: feedparser repairs that; \x91 is a C1 control it maps.
    st.sampled_from(list("aZé ß\t\n\r&<>\"';:/#?=.,!-_()[]\xa0\u2028\u00e7\u4e2d😀ÃÂ©¡\x91")),
    st.characters(min_codepoint=0x20, max_codepoint=0x2FF),
)
TEXT = st.text(CHARS, max_size=40)


@st.composite
def encoded_text(draw: st.DrawFn, text: str | None = None) -> str:
    """`text` as it may stand in XML: escaped, as CDATA or with character references."""
    value = draw(TEXT) if text is None else text
    how = draw(st.sampled_from(["escape", "escape", "cdata", "charref"]))
    if how == "cdata" and "]]>" not in value and "\r" not in value:
        return f"<![CDATA[{value}]]>"
    if how == "charref":
        return "".join(f"&#{ord(c)};" if not c.isalnum() else c for c in value)
    return escape(value)


LINKS = st.one_of(
    st.from_regex(r"https://www\.example\.com/blog/[a-z0-9-]{1,20}/?", fullmatch=True),
    st.sampled_from(
        [
            "https://www.example.com/blog/a-post/",
            "http://other.example.org/x?y=1#z",
            "/blog/relative/",
            "relative-post",
            " https://www.example.com/blog/spaced/ ",
            "https:///www.example.com/triple",
            "HTTPS://WWW.EXAMPLE.COM/Upper",
            "javascript:alert(1)",
            "//cdn.example.com/x",
            "https://www.example.com/a b",
            "https://user@www.example.com/x",
            "https://www.example.com:8443/port",
            "https://www.example.com/%7Euser/",
            "",
        ]
    ),
)
DATES = st.one_of(
    st.sampled_from(
        [
            "Mon, 01 Dec 2025 09:00:00 GMT",
            "Tue, 02 Dec 2025 23:30:00 -0500",
            "2025-12-01T09:00:00Z",
            "2025-12-01",
            " Mon, 01 Dec 2025 09:00:00 +0100 ",
            "Mon, 31 Feb 2025 09:00:00 GMT",
            "01 Dec 2025",
            "December 1, 2025",
            "yesterday",
            "",
            "Mon, 01 Dec 2025",
            "2025/12/01",
        ]
    ),
    TEXT,
)
EXTRAS = st.sampled_from(
    [
        "<dc:creator>Ann</dc:creator>",
        "<content:encoded><![CDATA[<p>Full text</p>]]></content:encoded>",
        "<comments>https://www.example.com/c</comments>",
        "<author>ann@example.com (Ann)</author>",
        '<enclosure url="https://www.example.com/a.mp3" length="1" type="audio/mpeg"/>',
        "<!-- a comment -->",
        "<source url='https://x.example/'>X</source>",
        "<Title>Upper</Title>",
        "<atom:updated>2025-12-01T00:00:00Z</atom:updated>",
    ]
)


@st.composite
def items(draw: st.DrawFn) -> str:
    parts: list[str] = []
    if draw(st.booleans()) or draw(st.booleans()):
        attr = draw(st.sampled_from(["", "", ' type="html"', ' xml:lang="en"']))
        parts.append(f"<title{attr}>{draw(encoded_text())}</title>")
    if draw(st.integers(0, 4)):
        parts.append(f"<link>{escape(draw(LINKS))}</link>")
    if draw(st.booleans()):
        permalink = draw(st.sampled_from(["", ' isPermaLink="false"', ' isPermaLink="true"']))
        parts.append(f"<guid{permalink}>{escape(draw(LINKS))}</guid>")
    if draw(st.integers(0, 3)):
        parts.append(f"<pubDate>{escape(draw(DATES))}</pubDate>")
    if draw(st.integers(0, 3)):
        parts.append(f"<description>{draw(encoded_text())}</description>")
    for _ in range(draw(st.integers(0, 2))):
        parts.append(f"<category>{escape(draw(TEXT))}</category>")
    if draw(st.integers(0, 5)) == 0:
        parts.append(draw(EXTRAS))
    if draw(st.integers(0, 8)) == 0 and parts:  # a repeated element
        parts.append(parts[0])
    parts = draw(st.permutations(parts))
    space = draw(st.sampled_from(["", "\n  ", " "]))
    attr = draw(st.sampled_from(["", "", "", ' xml:base="https://elsewhere.example/"']))
    return f"<item{attr}>{space}{space.join(parts)}{space}</item>"


@st.composite
def feeds(draw: st.DrawFn) -> bytes:
    head = draw(
        st.sampled_from(
            [
                '<?xml version="1.0" encoding="UTF-8"?>',
                "<?xml version='1.0' encoding='utf-8'?>\n",
                '<?xml version="1.0"?>',
                "",
                '<?xml version="1.0" encoding="ISO-8859-1"?>',
                "\ufeff",
                "\n",
            ]
        )
    )
    version = draw(st.sampled_from(["2.0", "2.0", "2.0", "0.91"]))
    namespaces = draw(
        st.sampled_from(
            [
                "",
                ' xmlns:dc="http://purl.org/dc/elements/1.1/"'
                ' xmlns:content="http://purl.org/rss/1.0/modules/content/"'
                ' xmlns:atom="http://www.w3.org/2005/Atom"',
            ]
        )
    )
    if "dc:" not in namespaces:
        namespaces = (
            ' xmlns:dc="http://purl.org/dc/elements/1.1/"'
            ' xmlns:content="http://purl.org/rss/1.0/modules/content/"'
            ' xmlns:atom="http://www.w3.org/2005/Atom"'
        )
    channel: list[str] = []
    if draw(st.integers(0, 4)):
        channel.append(f"<title>{draw(encoded_text())}</title>")
    channel.append(f"<link>{escape(draw(LINKS))}</link>")
    channel.append("<description>News</description>")
    if draw(st.booleans()):
        channel.append(f'<atom:link href={quoteattr(FEED_URL)} rel="self"/>')
    if draw(st.integers(0, 6)) == 0:
        channel.append(
            draw(
                st.sampled_from(
                    ["<image><title>Logo</title><url>/l.png</url></image>", "<!-- c -->"]
                )
            )
        )
    channel += draw(st.lists(items(), max_size=5))
    body = f'{head}<rss version="{version}"{namespaces}><channel>{"".join(channel)}</channel></rss>'
    encoding = "latin-1" if "ISO-8859-1" in head else "utf-8"
    return body.encode(encoding, errors="xmlcharrefreplace")


def _same(body: bytes, url: str = FEED_URL) -> bool:
    """Whether the fast path answered (it must then agree with feedparser)."""
    fast = _plain_rss(body, url)
    if fast is None:
        return False
    assert fast == _feedparser_feed(body, url)
    return True


@CHECK
@given(feeds())
def test_plain_rss_agrees_with_feedparser(body: bytes):
    _same(body)


# What a plain feed's text holds: no markup, no C1 controls (feedparser reads those as cp1252).
PLAIN_CHARS = st.characters(
    min_codepoint=0x20,
    max_codepoint=0x2FF,
    exclude_characters="<>&" + "".join(map(chr, range(0x80, 0xA0))),
)
PLAIN_ITEM = (
    "<item><title>{title}</title><link>{link}</link><guid>{link}</guid>"
    "<pubDate>{date}</pubDate><description>{summary}</description></item>"
)


@CHECK
@given(
    st.lists(
        st.tuples(
            st.text(
                PLAIN_CHARS,
                min_size=1,
                max_size=60,
            ),
            st.from_regex(r"https://www\.example\.com/blog/[a-z0-9-]{1,20}/", fullmatch=True),
            st.sampled_from(["Mon, 01 Dec 2025 09:00:00 GMT", "2025-11-30T10:00:00+01:00"]),
            st.text(
                PLAIN_CHARS,
                max_size=200,
            ),
        ),
        max_size=6,
    )
)
def test_plain_rss_takes_plain_feeds(entries: list[tuple[str, str, str, str]]):
    body = (
        '<?xml version="1.0" encoding="UTF-8"?><rss version="2.0"><channel>'
        "<title>Acme blog</title><link>https://www.example.com/blog/</link>"
        + "".join(
            PLAIN_ITEM.format(title=escape(t), link=link, date=d, summary=escape(s))
            for t, link, d, s in entries
        )
        + "</channel></rss>"
    ).encode()
    assert _same(body)


def test_bundled_feeds_agree():
    """Every feed of the fixture sites: parse_feed's answer is feedparser's."""
    found = 0
    for path in sorted(SITES.rglob("*")):
        if not path.is_file():
            continue
        body = path.read_bytes()
        if b"<rss" not in body[:2000] and b"<feed" not in body[:2000]:
            continue
        url = f"https://{path.relative_to(SITES).as_posix()}"
        found += 1
        assert parse_feed(body, url) == _feedparser_feed(body, url)
    assert found >= 5
