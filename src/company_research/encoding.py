"""Turning response bodies into text: BOM, header charset, <meta> charset, UTF-8, detector."""

from __future__ import annotations

import codecs
import functools
import importlib
import re

__all__ = ["decode_body", "media_type"]

_SNIFF_BYTES = 4096
_DETECT_BYTES = 64 * 1024

_BOMS = (
    (codecs.BOM_UTF32_LE, "utf-32-le"),
    (codecs.BOM_UTF32_BE, "utf-32-be"),
    (codecs.BOM_UTF8, "utf-8"),
    (codecs.BOM_UTF16_LE, "utf-16-le"),
    (codecs.BOM_UTF16_BE, "utf-16-be"),
)

# WHATWG Encoding Standard labels that name a different decoder than Python's codec of that
# name: browsers decode "iso-8859-1" and "us-ascii" as windows-1252, and so must we.
_WHATWG_ALIASES = {
    "iso-8859-1": "cp1252",
    "iso8859-1": "cp1252",
    "iso_8859-1": "cp1252",
    "latin1": "cp1252",
    "latin-1": "cp1252",
    "l1": "cp1252",
    "us-ascii": "cp1252",
    "ascii": "cp1252",
    "ansi_x3.4-1968": "cp1252",
    "iso-8859-9": "cp1254",
    "latin5": "cp1254",
    "iso-8859-11": "cp874",
    "tis-620": "cp874",
    "gb2312": "gb18030",
    "gbk": "gb18030",
    "x-gbk": "gb18030",
    "euc-kr": "cp949",
    "ks_c_5601-1987": "cp949",
    "x-sjis": "shift_jis",
}
# Labels we never act on: utf-7 is a known XSS vector, x-user-defined is not a text encoding.
_IGNORED_LABELS = frozenset({"utf-7", "utf7", "x-user-defined"})
# Python codecs that are no web page's charset.
_PYTHON_ONLY_CODECS = frozenset(
    {"utf-7", "idna", "punycode", "unicode-escape", "raw-unicode-escape", "undefined", "charmap"}
)
# Detector guesses that are almost always wrong on web pages (EBCDIC, BOM-less UTF-16/32).
_UNTRUSTED_GUESSES = ("cp037", "cp273", "cp424", "cp500", "cp875", "cp1026", "cp1140")
_UNTRUSTED_GUESSES += ("utf_16", "utf_32", "utf_7")

_CHARSET_PARAM = re.compile(r"""charset\s*=\s*["']?\s*([A-Za-z0-9_:.+\-]+)""", re.IGNORECASE)
_META_CHARSET = re.compile(
    rb"""<meta\b[^>]*?\bcharset\s*=\s*["']?\s*([A-Za-z0-9_:.+\-]+)""", re.IGNORECASE
)
_XML_ENCODING = re.compile(
    rb"""^\s*<\?xml\b[^>]*?\bencoding\s*=\s*["']([A-Za-z0-9_:.+\-]+)""", re.IGNORECASE
)


def media_type(content_type: str | None) -> str:
    """``"Text/HTML; charset=UTF-8"`` -> ``"text/html"``; "" when there is no header."""
    if not content_type:
        return ""
    return content_type.split(";", 1)[0].strip().lower()


@functools.lru_cache(maxsize=128)
def _codec(label: str) -> str | None:
    """The Python codec for a charset label, after WHATWG aliasing; None if unusable."""
    name = label.strip().strip("\"'").lower()
    if not name or name in _IGNORED_LABELS:
        return None
    name = _WHATWG_ALIASES.get(name, name)
    try:
        codec = codecs.lookup(name).name
        b"a".decode(codec)  # rejects codecs that are not text encodings (base64, rot13...)
    except (LookupError, ValueError, TypeError):
        return None
    return None if codec in _PYTHON_ONLY_CODECS else codec


@functools.cache
def _single_byte(codec: str) -> bool:
    """True for codecs where every byte is one character: decoding them cannot go wrong."""
    try:
        module = importlib.import_module("encodings." + codec.replace("-", "_"))
    except ImportError:
        return False
    return hasattr(module, "decoding_table") or hasattr(module, "decoding_map")


def _try_decode(body: bytes, codec: str) -> str | None:
    """The text if the bytes fit the codec, else None. A multi-byte character cut off at the
    end (a body truncated at the size cap) still fits."""
    if _single_byte(codec):
        return body.decode(codec, errors="replace")
    try:
        decoder = codecs.getincrementaldecoder(codec)(errors="strict")
        text = decoder.decode(body, final=False)
    except (UnicodeDecodeError, LookupError, ValueError):
        return None
    leftover = decoder.getstate()[0]
    return text + ("\ufffd" if leftover else "")


def _declared_in_document(body: bytes) -> str | None:
    head = body[:_SNIFF_BYTES]
    match = _XML_ENCODING.match(head) or _META_CHARSET.search(head)
    if not match:
        return None
    codec = _codec(match.group(1).decode("ascii", errors="replace"))
    # A document that could be read as ASCII to find its <meta> is not UTF-16 (WHATWG rule).
    if codec and codec.startswith(("utf-16", "utf-32")):
        return "utf-8"
    return codec


def _detect(body: bytes) -> str | None:
    from charset_normalizer import from_bytes

    try:
        best = from_bytes(body[:_DETECT_BYTES]).best()
    except Exception:  # a detector bug must not lose the page; the fallbacks follow
        return None
    if best is None or not best.encoding:
        return None
    codec = _codec(best.encoding)
    if codec is None or codec.replace("-", "_").startswith(_UNTRUSTED_GUESSES):
        return None
    return codec


def decode_body(body: bytes, content_type: str | None) -> str:
    """Decode a response body as a browser would; never raises.

    Order: byte-order mark; Content-Type charset; ``<meta>`` or XML-declaration charset in
    the first 4 KB; strict UTF-8; charset_normalizer's guess on the first 64 KB; cp1252 with
    replacement characters. A declared multi-byte charset the bytes do not fit (the common
    "charset=UTF-8" header on a windows-1252 page) is skipped rather than trusted.
    """
    if not body:
        return ""
    for bom, codec in _BOMS:
        if body.startswith(bom):
            return body[len(bom) :].decode(codec, errors="replace")
    declared: list[str] = []
    if content_type:
        match = _CHARSET_PARAM.search(content_type)
        codec = _codec(match.group(1)) if match else None
        if codec:
            declared.append(codec)
    codec = _declared_in_document(body)
    if codec:
        declared.append(codec)
    for codec in declared:
        text = _try_decode(body, codec)
        if text is not None:
            return text
    text = _try_decode(body, "utf-8")
    if text is not None:
        return text
    codec = _detect(body)
    if codec:
        text = _try_decode(body, codec)
        if text is not None:
            return text
    # A declared CJK charset with a few bad bytes still reads better as itself than as cp1252.
    if declared and declared[0] != "utf-8":
        return body.decode(declared[0], errors="replace")
    return body.decode("cp1252", errors="replace")
