"""Tests for textsafe: page text and URLs made safe for terminals, Markdown and HTML."""

from __future__ import annotations

import re

import pytest
from hypothesis import given
from hypothesis import strategies as st

from company_research.textsafe import clean_text, md_escape, safe_url


def test_clean_text_removes_ansi_csi_and_osc_sequences():
    osc8 = "\x1b]8;;https://evil.example\x1b\\click\x1b]8;;\x1b\\"
    hostile = f"Hi\x1b[2J\x1b[31mred\x1b[0m {osc8} \x1b]0;pwned\x07end"
    assert clean_text(hostile) == "Hired click end"


def test_clean_text_removes_8bit_c1_sequences_and_controls():
    assert clean_text("a\x9b2Jb\x9d0;title\x9cc\x00\x07\x08\x7fd") == "abcd"


def test_clean_text_unterminated_osc_only_swallows_its_line():
    assert clean_text("keep\x1b]8;;https://evil.example\nnext line") == "keep\nnext line"


def test_clean_text_removes_bidi_overrides_and_isolates():
    trojan = "admin\u202e\u2066 txt.exe\u2069\u202c"
    assert clean_text(trojan) == "admin txt.exe"
    assert not re.search("[\u202a-\u202e\u2066-\u2069\u200e\u200f]", clean_text(trojan))


def test_clean_text_removes_zero_width_spoofing_but_keeps_script_joiners():
    assert clean_text("pay\u200bpal p\u200dy\u200cpal \ufeffx\u2060y") == "paypal pypal xy"
    persian = "\u0645\u06cc\u200c\u062e\u0648\u0627\u0647\u0645"  # ZWNJ is part of the word
    family = "\U0001f468\u200d\U0001f469\u200d\U0001f467"
    assert clean_text(persian) == persian
    assert clean_text(family) == family


def test_clean_text_removes_tag_characters_used_to_smuggle_hidden_text():
    assert clean_text("ok\U000e0069\U000e0067\U000e006e\U000e006f\U000e0072\U000e0065") == "ok"


def test_clean_text_collapses_whitespace_within_lines_and_keeps_newlines():
    text = "  Harbor\t\tlight \u00a0 makes  \x0bboats \r\nsecond\r\n\n\n\n\nthird\u2028fourth  "
    assert clean_text(text) == "Harbor light makes boats\nsecond\n\nthird\nfourth"


def test_md_escape_prevents_links_images_html_and_tables():
    text = "[x](javascript:alert(1)) ![img](http://e/x.png) <script>alert(1)</script> a | b"
    escaped = md_escape(text)
    assert "](" not in escaped.replace("\\](", "")
    assert "<" not in escaped.replace("\\<", "")
    assert "|" not in escaped.replace("\\|", "")
    assert escaped.startswith("\\[x\\]")
    assert "\\!\\[img\\]" in escaped


def test_md_escape_prevents_block_markers_at_line_start():
    escaped = md_escape("# Heading\n- item\n+ item\n1. first\n2) second\n> quote\n===")
    assert escaped.splitlines() == [
        "\\# Heading",
        "\\- item",
        "\\+ item",
        "1\\. first",
        "2\\) second",
        "&gt; quote",
        "\\===",
    ]


def test_md_escape_escapes_emphasis_code_and_entities_but_keeps_prose_readable():
    assert (
        md_escape("*bold* _it_ `code` ~~s~~ &amp; \\")
        == "\\*bold\\* \\_it\\_ \\`code\\` \\~\\~s\\~\\~ \\&amp; \\\\"
    )
    assert md_escape("R&D, 2.5 million - up 10%! Great.") == "R&D, 2.5 million - up 10%! Great."


@pytest.mark.parametrize(
    ("url", "expected"),
    [
        ("https://harborlight.io/about", "https://harborlight.io/about"),
        ("  HTTPS://Harborlight.io/about\n", "https://Harborlight.io/about"),
        ("http://127.0.0.1:8000/a b", "http://127.0.0.1:8000/a%20b"),
        ('https://x.io/a?q="><script>', "https://x.io/a?q=%22%3E%3Cscript%3E"),
        (
            "https://x.io/) [y](javascript:alert(1)",
            "https://x.io/%29%20%5By%5D%28javascript:alert%281%29",
        ),
        ("javascript:alert(1)", None),
        (" JaVaScRiPt:alert(1)", None),
        ("java\tscript:alert(1)", None),
        ("\x01javascript:alert(1)", None),
        ("data:text/html,<script>alert(1)</script>", None),
        ("vbscript:msgbox(1)", None),
        ("ftp://files.example.com/x", None),
        ("//evil.example/x", None),
        ("/relative/path", None),
        ("https:evil.example", None),
        ("https://harborlight.io@evil.example/", None),
        ("https://evil.example\\@harborlight.io/", None),
        ("", None),
        (None, None),
    ],
)
def test_safe_url(url, expected):
    assert safe_url(url) == expected


@given(st.text())
def test_clean_text_never_leaves_escapes_or_controls(text):
    cleaned = clean_text(text)
    assert not re.search(r"[\x00-\x08\x0b-\x1f\x7f-\x9f\u202a-\u202e\u2066-\u2069]", cleaned)
    assert clean_text(cleaned) == cleaned


_SCHEMES = st.sampled_from(["http://", "https://", " HTTPS://", "javascript:", "data:", ""])


@given(st.tuples(_SCHEMES, st.text()).map("".join))
def test_safe_url_only_returns_http_urls_without_breaking_characters(text):
    url = safe_url(text)
    if url is not None:
        assert url.startswith(("http://", "https://"))
        assert not re.search(r"[\s\"<>()`\\\x00-\x1f\x7f-\x9f]", url)
