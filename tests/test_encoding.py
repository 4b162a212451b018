"""Decoding bodies the way browsers do, whatever the server and the page claim."""

from __future__ import annotations

import codecs

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from company_research.encoding import decode_body, media_type

GERMAN = "Über uns – Qualität für Häuser und Gärten, schöne Grüße aus Köln. „Wir bauen“ seit 1998."
LATIN1_PAGE = f"""<!DOCTYPE html>
<html lang="de"><head>
<meta http-equiv="Content-Type" content="text/html; charset=iso-8859-1">
<title>Müller &amp; Söhne GmbH</title></head>
<body><h1>Über uns</h1><p>{GERMAN}</p><p>Preis: 20 €</p></body></html>"""


def test_header_charset_wins_over_meta() -> None:
    body = "<meta charset='utf-8'><p>Grüße</p>".encode("cp1252")
    assert "Grüße" in decode_body(body, "text/html; charset=windows-1252")


def test_meta_http_equiv_latin1_is_decoded_as_cp1252() -> None:
    # WHATWG: "iso-8859-1" means windows-1252, so the en dash, quotes and euro sign survive.
    text = decode_body(LATIN1_PAGE.encode("cp1252"), "text/html")
    assert GERMAN in text
    assert "20 €" in text


def test_header_latin1_is_decoded_as_cp1252() -> None:
    body = "<p>Preis: 20 € – “netto”</p>".encode("cp1252")
    assert decode_body(body, 'text/html; charset="ISO-8859-1"') == "<p>Preis: 20 € – “netto”</p>"


def test_meta_charset_attribute() -> None:
    page = '<html><head><meta charset="windows-1251"><title>О компании</title></head></html>'
    assert "О компании" in decode_body(page.encode("cp1251"), None)


def test_xml_declaration_encoding() -> None:
    feed = '<?xml version="1.0" encoding="ISO-8859-15"?><rss><title>Café €</title></rss>'
    assert "Café €" in decode_body(feed.encode("iso8859-15"), "application/xml")


@pytest.mark.parametrize("codec", ["utf-8-sig", "utf-16", "utf-16-be", "utf-32"])
def test_byte_order_mark_beats_a_wrong_header(codec: str) -> None:
    text = "<p>Ärger über Öl – 日本</p>"
    body = text.encode(codec)
    if codec == "utf-16-be":
        body = codecs.BOM_UTF16_BE + body
    assert decode_body(body, "text/html; charset=iso-8859-1") == text


def test_utf16_bom_without_header() -> None:
    page = "\ufeff<html><body><h1>Über uns</h1></body></html>"
    assert decode_body(page.encode("utf-16-le"), None) == page[1:]


def test_undeclared_utf8() -> None:
    assert decode_body(GERMAN.encode("utf-8"), "text/html") == GERMAN


def test_utf8_header_on_a_cp1252_page_is_not_trusted() -> None:
    # A server-wide "charset=UTF-8" on legacy pages: the bytes do not fit, so look further.
    body = f"<html><body><p>{GERMAN}</p></body></html>".encode("cp1252")
    text = decode_body(body, "text/html; charset=UTF-8")
    assert "\ufffd" not in text
    assert "Qualität für Häuser" in text


def test_body_cut_inside_a_utf8_character_keeps_the_rest() -> None:
    body = "<p>Grüße aus Köln</p><p>Ö".encode()[:-1]  # truncated at the size cap
    text = decode_body(body, "text/html; charset=utf-8")
    assert text.startswith("<p>Grüße aus Köln</p><p>")


def test_shift_jis_declared() -> None:
    page = "<html><head><meta charset=Shift_JIS></head><body>会社概要</body></html>"
    assert "会社概要" in decode_body(page.encode("shift_jis"), None)


@pytest.mark.parametrize("label", ["bogus", "base64", "rot13", "x-user-defined", "utf-7", ""])
def test_unusable_declared_charsets_are_ignored(label: str) -> None:
    assert decode_body("Grüße".encode(), f"text/html; charset={label}") == "Grüße"


def test_undecodable_bytes_still_give_text() -> None:
    text = decode_body(b"\x81\x8d\x8f\x90\x9d abc", None)
    assert "abc" in text


def test_empty_body() -> None:
    assert decode_body(b"", "text/html; charset=utf-8") == ""


@pytest.mark.parametrize(
    ("header", "expected"),
    [
        ("Text/HTML; charset=UTF-8", "text/html"),
        ("application/xhtml+xml", "application/xhtml+xml"),
        (" application/rss+xml ;charset=utf-8", "application/rss+xml"),
        ("", ""),
        (None, ""),
    ],
)
def test_media_type(header: str | None, expected: str) -> None:
    assert media_type(header) == expected


@settings(max_examples=100, deadline=None)
@given(
    st.binary(max_size=2000),
    st.one_of(
        st.none(),
        st.text(max_size=40),
        st.sampled_from(["text/html; charset=utf-8", "text/html; charset=iso-8859-1",
                         "text/html;charset=shift_jis", "text/html; charset=utf-16"]),
    ),
)  # fmt: skip
def test_decode_body_never_raises(body: bytes, content_type: str | None) -> None:
    assert isinstance(decode_body(body, content_type), str)


@settings(max_examples=100, deadline=None)
@given(st.text(max_size=300))
def test_utf8_text_round_trips(text: str) -> None:
    body = text.encode("utf-8", errors="surrogatepass")
    try:
        body.decode("utf-8")
    except UnicodeDecodeError:
        return
    if body.startswith(codecs.BOM_UTF8):
        return
    assert decode_body(body, "text/html; charset=utf-8") == text
