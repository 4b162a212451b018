"""Recognising responses that are not content: bot checks, captchas, login walls, JS-only shells."""

from __future__ import annotations

import functools
import html as htmllib
import re
from collections.abc import Mapping

__all__ = ["detect_block", "javascript_only", "visible_text"]

# -- marker tables (lower case; matched against the lower-cased first 300 KB) ---------------

SCAN_CHARS = 300_000
NEAR_EMPTY = 300  # visible characters: an interstitial, a widget and a line of text
SMALL_PAGE = 1500  # visible characters: a challenge or sign-in page with its boilerplate
LOGIN_PAGE = 1000  # visible characters around a password field for it to be the page's point
JS_ONLY_TEXT = 200  # visible characters below which a page with scripts is a JS shell

CLOUDFLARE = "a Cloudflare bot check"
CAPTCHA = "a captcha"
LOGIN = "a login wall"
DENIED = "access denied"
BROWSER_CHECK = "a browser check (JavaScript and cookies required)"

# (reason, markers): any marker anywhere in the page means a block, whatever its size.
# Only page titles and vendor code that appear on the challenge page itself, never on the
# protected site's ordinary pages.
DEFINITE_MARKERS: tuple[tuple[str, tuple[str, ...]], ...] = (
    (CLOUDFLARE, ("<title>just a moment...</title>", "<title>just a moment…</title>",
                  "attention required! | cloudflare",
                  "window._cf_chl_opt", "cf-browser-verification", "cf_chl_prog")),
    ("a DataDome bot check", ("geo.captcha-delivery.com", "ct.captcha-delivery.com")),
    ("a PerimeterX bot check", ('id="px-captcha"', "_pxcaptcha")),
    ("a Sucuri firewall block", ("sucuri website firewall - access denied",)),
    ("an Imperva bot check", ("incapsula incident id",)),
)  # fmt: skip


def _screens(markers: tuple[str, ...]) -> tuple[tuple[str, tuple[str, ...]], ...]:
    """markers grouped under a substring each of them contains ("captcha" for both
    "px-captcha" and "geo.captcha-delivery.com"): a page without that substring, as nearly
    every page is, is then searched once per group rather than once per marker."""
    groups: dict[str, list[str]] = {}
    for marker in markers:
        screen = next((s for s in _SCREEN_WORDS if s in marker), marker)
        groups.setdefault(screen, []).append(marker)
    return tuple((screen, tuple(found)) for screen, found in groups.items())


_SCREEN_WORDS = ("captcha", "just a moment", "cf_chl", "cloudflare", "sucuri", "incapsula")
_DEFINITE_SCREENS = tuple((reason, _screens(markers)) for reason, markers in DEFINITE_MARKERS)

# (reason, markers): these also appear in ordinary pages that load the vendor's script, so
# they count only on a near-empty page that is not an app shell, or a small page with a
# blocking status (401/403/429/503).
WEAK_MARKERS: tuple[tuple[str, tuple[str, ...]], ...] = (
    (CLOUDFLARE, ("cf-chl", "challenge-platform", "cdn-cgi/challenge")),
    ("a DataDome bot check", ("captcha-delivery.com", "datadome")),
    ("a PerimeterX bot check", ("px-captcha", "press & hold", "press &amp; hold", "perimeterx")),
    ("an Imperva bot check", ("_incapsula_resource", "incapsula")),
    ("an AWS WAF bot check", ("awswaf", "aws-waf-token", "aws waf")),
    ("a Sucuri firewall block", ("sucuri website firewall", "sucuri cloudproxy")),
    (BROWSER_CHECK, ("enable javascript and cookies to continue",
                     "please enable cookies", "checking your browser before accessing",
                     "please turn javascript on and reload the page",
                     "verify you are a human", "verifying you are human")),
)  # fmt: skip
# Vendor snippets on ordinary pages that would otherwise match a weak marker: Cloudflare
# injects its bot-detection script into pages it serves normally.
BENIGN_SNIPPETS = ("/cdn-cgi/challenge-platform/scripts/jsd/main.js",)

CAPTCHA_WIDGETS = (
    "g-recaptcha", "google.com/recaptcha", "recaptcha/api.js", "h-captcha", "hcaptcha.com",
    "cf-turnstile", "challenges.cloudflare.com/turnstile", "captcha-container", "funcaptcha",
    "arkoselabs",
)  # fmt: skip
# Words a captcha interstitial uses about itself (a contact form with a captcha does not).
CAPTCHA_WORDS = (
    "robot", "human", "verify", "verification", "security check", "unusual traffic",
    "captcha", "automated", "suspicious",
)  # fmt: skip

AKAMAI_DENIED = re.compile(
    r"reference(?:\s|&#32;)*(?:#|&#35;)\s*[0-9a-f]+(?:\.|&#46;)", re.IGNORECASE
)
DENIED_TITLES = ("access denied", "403 forbidden", "forbidden", "request blocked", "blocked")

LOGIN_TITLES = (
    "sign in", "sign-in", "signin", "log in", "login", "log-in", "anmelden", "anmeldung",
    "einloggen", "connexion", "se connecter", "iniciar sesión", "iniciar sesion", "accedi",
    "inloggen", "aanmelden", "entrar", "acessar", "zaloguj", "logga in", "kirjaudu",
)  # fmt: skip
PASSWORD_INPUT = re.compile(r"<input\b[^>]{0,500}\btype\s*=\s*[\"']?password", re.IGNORECASE)

BLOCKING_STATUSES = frozenset({401, 403, 429, 503})
JS_ROOTS = re.compile(
    r"<div\b[^>]{0,200}\bid\s*=\s*[\"']?(?:root|app|__next|__nuxt|___gatsby|svelte)\b",
    re.IGNORECASE,
)

# One literal "<" first: the regex engine then skips to each "<" instead of trying every offset.
_HIDDEN = re.compile(
    r"<(?:!--|(script|style|noscript|template|svg|head|iframe|object)\b[^>]{0,2000}>)",
    re.IGNORECASE,
)
_TAG = re.compile(r"<[^>]{0,2000}>")
_SPACE = re.compile(r"\s+")
_TITLE = re.compile(r"<title\b[^>]{0,500}>(.{0,500}?)</title", re.IGNORECASE | re.DOTALL)
_SCRIPT = re.compile(r"<script\b", re.IGNORECASE)
_FORM = re.compile(r"<(?:form|input|button)\b", re.IGNORECASE)
_TITLE_SEPARATOR = re.compile(r"\s+[|\-–—:·•]\s+")


def visible_text(html: str) -> str:
    """Roughly what a reader sees: text outside head, script, style, noscript, svg, comments."""
    if len(html) <= SCAN_CHARS:
        return _shared_visible_text(html)
    return _visible_text(html)


# A crawled page is checked twice, by detect_block when it is fetched and by javascript_only
# when it is extracted a moment later: both then read the same visible text. The key is the
# page's string (its hash is kept on the string, and the hit is an identity check); a few
# dozen pages are in flight at once, so a few dozen entries keep every page's text.
@functools.lru_cache(maxsize=48)
def _shared_visible_text(html: str) -> str:
    return _visible_text(html)


def _visible_text(html: str) -> str:
    parts: list[str] = []
    pos = 0
    closers: dict[str, re.Pattern[str]] = {}
    while True:
        match = _HIDDEN.search(html, pos)
        if not match:
            parts.append(html[pos:])
            break
        parts.append(html[pos : match.start()])
        if match.group(0) == "<!--":
            end = html.find("-->", match.end())
            pos = len(html) if end < 0 else end + 3
            continue
        name = match.group(1).lower()
        closer = closers.setdefault(name, re.compile(rf"</{name}\s*>", re.IGNORECASE))
        end_match = closer.search(html, match.end())
        pos = len(html) if end_match is None else end_match.end()
    text = _TAG.sub(" ", "".join(parts))
    return " ".join(htmllib.unescape(text).split())  # split() splits where the regex \s does


def _title(html: str) -> str:
    match = _TITLE.search(html)
    return _SPACE.sub(" ", htmllib.unescape(match.group(1))).strip().lower() if match else ""


def _has_any(text: str, markers: tuple[str, ...]) -> bool:
    return any(marker in text for marker in markers)


def javascript_only(html: str) -> bool:
    """True for a page that shows (almost) nothing until its scripts run: an SPA shell."""
    sample = html[: SCAN_CHARS * 4]
    if not _SCRIPT.search(sample):
        return False
    return len(visible_text(sample)) < JS_ONLY_TEXT


def detect_block(status: int, html: str, headers: Mapping[str, str] | None = None) -> str | None:
    """A short reason when a response is a bot check, captcha or login wall; None for content.

    Plain single-page-app shells are not blocks (see javascript_only): the caller reports
    those as JavaScript-only sites.
    """
    lowered_headers = {str(k).lower(): str(v).lower() for k, v in (headers or {}).items()}
    if lowered_headers.get("cf-mitigated", "").strip() == "challenge":
        return CLOUDFLARE
    sample = html[:SCAN_CHARS]
    lower = sample.lower()
    present: dict[str, bool] = {}
    for reason, screens in _DEFINITE_SCREENS:
        for screen, markers in screens:
            if screen not in present:
                present[screen] = screen in lower
            if present[screen] and _has_any(lower, markers):
                return reason
    for snippet in BENIGN_SNIPPETS:
        lower = lower.replace(snippet, "")
    text = visible_text(sample)
    size = len(text)
    small = size < SMALL_PAGE
    blocking = status in BLOCKING_STATUSES
    interstitial = size < NEAR_EMPTY and not JS_ROOTS.search(sample)
    if interstitial or (blocking and small):
        for reason, markers in WEAK_MARKERS:
            if _has_any(lower, markers):
                return reason
    if not small:  # every test below holds only for a small page (NEAR_EMPTY, LOGIN_PAGE <)
        return None
    if _has_any(lower, CAPTCHA_WIDGETS) and (
        size < NEAR_EMPTY or blocking or _has_any(text.lower(), CAPTCHA_WORDS)
    ):
        return CAPTCHA
    title = _title(sample)
    if AKAMAI_DENIED.search(sample) and "access denied" in lower:
        return DENIED
    if blocking and title.startswith(DENIED_TITLES):
        return DENIED
    if size < LOGIN_PAGE and PASSWORD_INPUT.search(sample):
        return LOGIN
    if status == 401 or (_is_login_title(title) and _FORM.search(sample)):
        return LOGIN
    return None


def _is_login_title(title: str) -> bool:
    for segment in _TITLE_SEPARATOR.split(title):
        segment = segment.strip(" .!")
        if any(segment == t or segment.startswith(t + " ") for t in LOGIN_TITLES):
            return True
    return False
