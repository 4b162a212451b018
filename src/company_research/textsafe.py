"""Make text and URLs taken from web pages safe to show in a terminal, Markdown or HTML."""

from __future__ import annotations

import re
from urllib.parse import quote, urlsplit, urlunsplit

__all__ = ["clean_text", "md_escape", "safe_url"]

# Terminal escape sequences, 7-bit and 8-bit forms. String sequences (OSC, DCS, SOS, PM, APC)
# run to BEL or ST; an unterminated one is cut at the end of its line so that a stray
# introducer cannot swallow the rest of the page.
_ESCAPES = re.compile(
    r"(?:\x1b\[|\x9b)[0-?]*[ -/]*[@-~]"  # CSI: colours, cursor moves, clear screen
    r"|(?:\x1b[\]PX^_]|[\x90\x98\x9d\x9e\x9f])[^\x07\x1b\x9c\n]*(?:\x07|\x1b\\|\x9c)?"
    r"|\x1b[ -/]*[0-~]"  # two-character and nF escapes: ESC c, ESC 7, ESC ( B ...
)
_NEWLINES = re.compile(r"\r\n?|[\x85\u2028\u2029]")
_CONTROLS = re.compile(r"[\x00-\x08\x0e-\x1f\x7f-\x9f]")
# Invisible characters that reorder or hide text (Trojan Source, homograph and ASCII-smuggling
# tricks): bidi embeddings, overrides and isolates, marks, zero-width space, word joiner, BOM,
# Mongolian vowel separator, tag characters; lone surrogates and non-characters break encoders.
_INVISIBLE = re.compile(
    "[\u061c\u180e\u200b\u200e\u200f\u202a-\u202e\u2060-\u2064\u2066-\u2069\ufeff"
    "\ufff9-\ufffb\ufffe\uffff\U000e0000-\U000e007f\ud800-\udfff]"
)
# ZWJ and ZWNJ are needed inside Persian, Indic and emoji text, where both neighbours are
# non-ASCII; next to ASCII or space they only serve to make "pay<ZWJ>pal" look like "paypal".
_JOINERS = re.compile(r"(?<![^\x00-\x7f\s])[\u200c\u200d]|[\u200c\u200d](?![^\x00-\x7f\s])")
_SPACES = re.compile(r"[^\S\n]+")
_BLANK_LINES = re.compile(r"\n{3,}")

# Markdown: characters that start inline constructs anywhere, and block markers at line start.
_MD_INLINE = re.compile(r"[\\`*_\[\]<>#|~]|!(?=\[)|&(?=#?\w+;)|(?<=\])\(")
_MD_ENTITIES = {"<": "&lt;", ">": "&gt;"}  # entities, so no "<script" is left even escaped
_MD_LIST_MARK = re.compile(r"^([^\S\n]*)([-+=])", re.MULTILINE)  # bullets, setext underlines
_MD_ORDINAL = re.compile(r"^([^\S\n]*\d{1,9})([.)])", re.MULTILINE)  # "1." and "1)" lists

_URL_SAFE = "/:@!$&*+,;=-._~%?#"  # RFC 3986 reserved and unreserved, minus ' ( ) [ ]
_URL_CONTROLS = re.compile(r"[\x00-\x1f\x7f-\x9f]")
_HOST = re.compile(r"^(?:[^\s/\\?#@<>\"'`^{}|()\[\]]+|\[[0-9A-Fa-f:.]+\])(?::\d{1,5})?$")


def clean_text(s: str) -> str:
    """Page text fit to show: no control or escape sequences, no hidden characters, tidy spaces.

    Newlines survive (CR, NEL and Unicode separators become "\\n"); runs of other whitespace,
    tabs included, become one space; lines are trimmed and at most one blank line is kept.
    """
    s = _ESCAPES.sub("", s)
    s = _NEWLINES.sub("\n", s)
    s = s.replace("\x0b", " ").replace("\x0c", " ")
    s = _CONTROLS.sub("", s)
    s = _INVISIBLE.sub("", s)
    s = _JOINERS.sub("", s)
    lines = (_SPACES.sub(" ", line).strip() for line in s.split("\n"))
    return _BLANK_LINES.sub("\n\n", "\n".join(lines)).strip()


def md_escape(s: str) -> str:
    """Escape `s` so Markdown shows it as text: no links, images, raw HTML, tables or headings.

    Bare http(s) URLs may still be autolinked by GFM renderers; their visible text is the URL.
    """
    s = _MD_INLINE.sub(lambda m: _MD_ENTITIES.get(m.group(0)) or "\\" + m.group(0), s)
    s = _MD_ORDINAL.sub(r"\1\\\2", s)
    return _MD_LIST_MARK.sub(r"\1\\\2", s)


def safe_url(url: str | None) -> str | None:
    """The URL if it is an absolute http(s) URL, made safe to embed; None otherwise.

    Control and invisible characters are removed and the ends trimmed first (as browsers do,
    so "java\\tscript:" is caught); the scheme is lower-cased; URLs with credentials are
    refused (they spoof hosts); spaces and characters that could end a Markdown link or an
    HTML attribute are percent-encoded.
    """
    if not url:
        return None
    url = _INVISIBLE.sub("", _URL_CONTROLS.sub("", _ESCAPES.sub("", url))).strip()
    try:
        parts = urlsplit(url)
    except ValueError:  # e.g. an unbalanced "[" in the host
        return None
    if parts.scheme not in ("http", "https"):  # urlsplit lower-cases the scheme
        return None
    if not parts.netloc or not _HOST.match(parts.netloc):
        return None
    path, query, fragment = (quote(p, safe=_URL_SAFE) for p in parts[2:])
    return urlunsplit((parts.scheme, parts.netloc, path, query, fragment))
