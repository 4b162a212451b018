"""Telling bot checks, captchas and login walls from content, and JS shells from real pages."""

from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from company_research.challenge import detect_block, javascript_only, visible_text

CLOUDFLARE_CHALLENGE = """<!DOCTYPE html><html lang="en-US"><head><title>Just a moment...</title>
<meta http-equiv="Content-Type" content="text/html; charset=UTF-8">
<meta http-equiv="X-UA-Compatible" content="IE=Edge"><meta name="robots" content="noindex,nofollow">
<meta name="viewport" content="width=device-width,initial-scale=1">
<style>*{box-sizing:border-box;margin:0;padding:0}</style>
<meta http-equiv="refresh" content="390"></head><body class="no-js">
<div class="main-wrapper" role="main">
<div class="main-content"><noscript><div id="challenge-error-title"><div class="h2">
<span class="icon-wrapper"><div class="heading-icon warning-icon"></div></span>
<span id="challenge-error-text">Enable JavaScript and cookies to continue</span>
</div></div></noscript>
</div></div><script>(function(){window._cf_chl_opt={cvId: '3',cZone: "www.acme.com",
cType: 'managed',cRay: '8a1b2c3d4e5f6a7b',cH: 'abc',cUPMDTk: "\\/?__cf_chl_tk=xyz",
cFPWv: 'g',cTTimeMs: '1000',cMTimeMs: '390000',cTplV: 5,cTplB: 'cf',cK: "",
fa: "\\/?__cf_chl_f_tk=xyz",md: "abc",cRq: {ru: 'aHR0cHM6Ly93d3cuYWNtZS5jb20v'}};
var cpo = document.createElement('script');
cpo.src = '/cdn-cgi/challenge-platform/h/g/orchestrate/chl_page/v1?ray=8a1b2c3d4e5f6a7b';
window._cf_chl_opt.cOgUHash = location.hash === '' && location.href.indexOf('#') !== -1
? '#' : location.hash;
document.getElementsByTagName('head')[0].appendChild(cpo);}());</script></body></html>"""

CLOUDFLARE_BLOCK = """<!DOCTYPE html>
<!--[if lt IE 7]> <html class="no-js ie6 oldie" lang="en-US"> <![endif]-->
<head><title>Attention Required! | Cloudflare</title></head><body><div id="cf-wrapper">
<h1 data-translate="block_headline">Sorry, you have been blocked</h1>
<h2 class="cf-subheadline">You are unable to access acme.com</h2>
<p>Cloudflare Ray ID: <strong class="font-semibold">8a1b2c3d4e5f6a7b</strong></p></div>
</body></html>"""

DATADOME = """<html><head><title>acme.com</title><style>#cmsg{animation: A 1.5s;}</style></head>
<body style="margin:0"><p id="cmsg">Please enable JS and disable any ad blocker</p>
<script data-cfasync="false">var dd={'rt':'c','cid':'AHrlqAAAAAMA','hsh':'2A','t':'bv',
'host':'geo.captcha-delivery.com','cookie':'abc'}</script>
<script data-cfasync="false" src="https://ct.captcha-delivery.com/c.js"></script>
</body></html>"""

PERIMETERX = """<!DOCTYPE html><html lang="en"><head>
<title>Access to this page has been denied</title>
</head><body><div class="page-title-wrapper"><div class="page-title"><h1>Before we continue...</h1>
</div></div><div class="content-wrapper"><div class="content"><p>Press &amp; Hold to confirm you are
a human (and not a bot).</p><div id="px-captcha"></div></div></div>
<script src="/AbCdEf12/captcha/captcha.js?a=c&m=0"></script></body></html>"""

AKAMAI = """<HTML><HEAD>
<TITLE>Access Denied</TITLE>
</HEAD><BODY>
<H1>Access Denied</H1>
You don't have permission to access "http&#58;&#47;&#47;www&#46;acme&#46;com&#47;" on this server.
<P>
Reference&#32;&#35;18&#46;4f1e1402&#46;1700000000&#46;1a2b3c4d
<P>https&#58;&#47;&#47;errors&#46;edgesuite&#46;net&#47;18&#46;4f1e1402</P>
</BODY>
</HTML>"""

INCAPSULA = """<html style="height:100%"><head><META NAME="ROBOTS" CONTENT="NOINDEX, NOFOLLOW">
<meta name="format-detection" content="telephone=no">
<meta name="viewport" content="initial-scale=1.0">
</head><body style="margin:0px;height:100%"><iframe id="main-iframe"
src="/_Incapsula_Resource?CWUDNSAI=23&xinfo=10-1-0%200NNN%20RT&incident_id=0-1&edet=12"
frameborder=0 width="100%" height="100%">Request unsuccessful.</iframe></body></html>"""

AWS_WAF = """<!DOCTYPE html><html lang="en"><head><meta charset="utf-8"><title></title>
<script>window.awsWafCookieDomainList = [];window.gokuProps = {"key":"AQIDAHj","iv":"A6wePz"};
</script><script src="https://3e3c.edge.sdk.awswaf.com/3e3c/challenge.js"></script></head>
<body><div id="challenge-container"></div><noscript><h1>JavaScript is disabled</h1></noscript>
<script>AwsWafIntegration.checkForceRefresh().then((forceRefresh) => {});</script></body></html>"""

SUCURI = """<html><head><title>Sucuri WebSite Firewall - Access Denied</title></head><body>
<h2>Access Denied - Sucuri Website Firewall</h2><p>Block reason: bad bot.</p></body></html>"""

RECAPTCHA_INTERSTITIAL = """<html><head><title>Security check</title>
<script src="https://www.google.com/recaptcha/api.js" async defer></script></head><body>
<form method="post"><p>Please verify that you are not a robot.</p>
<div class="g-recaptcha" data-sitekey="6Lc_xyz"></div><button>Continue</button></form>
</body></html>"""

TURNSTILE_EMPTY = """<html><head><script src="https://challenges.cloudflare.com/turnstile/v0/api.js">
</script></head><body><div class="cf-turnstile" data-sitekey="0x4AAA"></div></body></html>"""

HCAPTCHA_EMPTY = """<html><body><div class="h-captcha" data-sitekey="10000000-ffff"></div>
<script src="https://js.hcaptcha.com/1/api.js"></script></body></html>"""

COOKIE_WALL = """<html><head><title>acme.com</title></head><body>
<p>Please enable cookies.</p><p>Checking your browser before accessing acme.com.</p>
</body></html>"""

LOGIN_PAGE = """<!DOCTYPE html><html><head><title>Sign in | Acme Portal</title></head><body>
<header><a href="/">Acme</a></header><main><h1>Welcome back</h1>
<form action="/session" method="post"><label>Email <input type="email" name="email"></label>
<label>Password <input type="password" name="password"></label>
<button type="submit">Sign in</button><a href="/forgot">Forgot password?</a></form></main>
<footer>© 2024 Acme Inc. <a href="/privacy">Privacy</a></footer></body></html>"""

SSO_PAGE = """<html><head><title>Anmelden - Kundenportal</title></head><body>
<h1>Anmelden</h1><button>Mit Microsoft anmelden</button></body></html>"""

LOREM = (
    "Acme Robotics builds parcel-sorting robots for logistics companies across Europe. "
    "Founded in 2014 in Bristol, we now employ 180 people in four countries. Our mission is "
    "to make every warehouse safer and faster. "
) * 12

CONTACT_WITH_RECAPTCHA = f"""<!DOCTYPE html><html><head><title>Contact us – Acme Robotics</title>
<script src="https://www.google.com/recaptcha/api.js" async defer></script></head><body>
<nav><a href="/">Home</a> <a href="/about">About</a> <a href="/careers">Careers</a>
<a href="/login">Log in</a></nav>
<main><h1>Contact us</h1><p>{LOREM}</p>
<form action="/contact" method="post"><input name="name"><input type="email" name="email">
<textarea name="message"></textarea><div class="g-recaptcha" data-sitekey="6Lc_abc"></div>
<button>Send</button></form></main><footer>Acme Robotics Ltd, 1 Dock Road, Bristol</footer>
</body></html>"""

CAPTCHA_PROSE = f"""<html><head><title>Why we dropped CAPTCHA from our checkout – Acme Blog</title>
</head><body><article><h1>Why we dropped CAPTCHA</h1><p>{LOREM}</p>
<p>Every captcha costs conversions; a reCAPTCHA or hCaptcha challenge is a tax on humans.</p>
</article></body></html>"""

HEADER_LOGIN_FORM = f"""<html><head><title>Acme Robotics – Home</title></head><body>
<header><form class="login-dropdown"><input name="user"><input type="password" name="pw">
<button>Log in</button></form></header><main><h1>Robots that sort parcels</h1><p>{LOREM}</p>
</main></body></html>"""

# Ordinary page served through Cloudflare with its bot-detection script injected.
CLOUDFLARE_NORMAL = f"""<html><head><title>Acme</title></head><body><p>{LOREM}</p>
<script>(function(){{var a=document.createElement('script');
a.src='/cdn-cgi/challenge-platform/scripts/jsd/main.js';document.head.appendChild(a);}})();
</script></body></html>"""

SMALL_CLOUDFLARE_NORMAL = """<html><head><title>Imprint – Acme</title></head><body>
<h1>Imprint</h1><p>Acme Robotics Ltd, 1 Dock Road, Bristol BS1 4RN. Company no. 0123456.</p>
<script>var s='/cdn-cgi/challenge-platform/scripts/jsd/main.js';</script></body></html>"""

CRA_SHELL = """<!doctype html><html lang="en"><head><meta charset="utf-8"><title>Acme</title>
<link href="/static/css/main.073c9b0a.css" rel="stylesheet"></head><body>
<noscript>You need to enable JavaScript to run this app.</noscript><div id="root"></div>
<script src="/static/js/main.a1b2c3.js"></script></body></html>"""

NEXT_SHELL = """<!DOCTYPE html><html><head><meta charSet="utf-8"/><title>Globex</title>
<script src="/_next/static/chunks/webpack.js" defer=""></script></head><body>
<div id="__next"></div><script id="__NEXT_DATA__" type="application/json">
{"props":{"pageProps":{"hero":"We build payment rails for the internet with a long description
that is only in JSON and never rendered on the server so nobody sees it without JavaScript."}},
"page":"/","query":{},"buildId":"abc","nextExport":true}</script></body></html>"""

NEXT_SSR = f"""<!DOCTYPE html><html><head><meta charSet="utf-8"/><title>Globex</title>
<script src="/_next/static/chunks/webpack.js" defer=""></script></head><body>
<div id="__next"><header><a href="/">Globex</a></header><main><h1>Payment rails</h1>
<p>{LOREM}</p></main></div><script id="__NEXT_DATA__" type="application/json">
{{"props":{{"pageProps":{{}}}},"page":"/"}}</script></body></html>"""

VUE_SHELL = """<html><head><title>App</title></head><body><div id="app"></div>
<script type="module" src="/assets/index.js"></script></body></html>"""


@pytest.mark.parametrize(
    ("status", "html", "headers", "reason"),
    [
        (403, CLOUDFLARE_CHALLENGE, {"Server": "cloudflare"}, "a Cloudflare bot check"),
        (200, CLOUDFLARE_CHALLENGE, None, "a Cloudflare bot check"),
        (403, CLOUDFLARE_BLOCK, None, "a Cloudflare bot check"),
        (200, "<html><body>ok</body></html>", {"CF-Mitigated": "challenge"},
         "a Cloudflare bot check"),
        (403, DATADOME, None, "a DataDome bot check"),
        (403, PERIMETERX, None, "a PerimeterX bot check"),
        (403, AKAMAI, None, "access denied"),
        (200, AKAMAI, None, "access denied"),
        (200, INCAPSULA, None, "an Imperva bot check"),
        (202, AWS_WAF, None, "an AWS WAF bot check"),
        (403, SUCURI, None, "a Sucuri firewall block"),
        (200, RECAPTCHA_INTERSTITIAL, None, "a captcha"),
        (200, TURNSTILE_EMPTY, None, "a captcha"),
        (429, HCAPTCHA_EMPTY, None, "a captcha"),
        (200, COOKIE_WALL, None, "a browser check (JavaScript and cookies required)"),
        (200, LOGIN_PAGE, None, "a login wall"),
        (200, SSO_PAGE, None, "a login wall"),
        (401, "<html><body><h1>Unauthorized</h1></body></html>", None, "a login wall"),
        (403, "<html><head><title>403 Forbidden</title></head><body><h1>Forbidden</h1></body>",
         None, "access denied"),
    ],
)  # fmt: skip
def test_blocks_are_recognised(
    status: int, html: str, headers: dict[str, str] | None, reason: str
) -> None:
    assert detect_block(status, html, headers) == reason


@pytest.mark.parametrize(
    "html",
    [
        CONTACT_WITH_RECAPTCHA,
        CAPTCHA_PROSE,
        HEADER_LOGIN_FORM,
        CLOUDFLARE_NORMAL,
        SMALL_CLOUDFLARE_NORMAL,
        CRA_SHELL,
        NEXT_SHELL,
        NEXT_SSR,
        VUE_SHELL,
        "",
        "<html><body><h1>Acme</h1><p>Short page.</p></body></html>",
        f"<html><head><title>Login to our new partner portal, announced today</title></head>"
        f"<body><article><p>{LOREM}</p></article></body></html>",
    ],
)
def test_content_is_not_flagged(html: str) -> None:
    assert detect_block(200, html, {"server": "cloudflare"}) is None


def test_javascript_only_shells() -> None:
    assert javascript_only(CRA_SHELL)
    assert javascript_only(NEXT_SHELL)
    assert javascript_only(VUE_SHELL)


@pytest.mark.parametrize(
    "html",
    [NEXT_SSR, CONTACT_WITH_RECAPTCHA, CAPTCHA_PROSE, "", "<p>tiny static page, no scripts</p>"],
)
def test_pages_with_text_are_not_javascript_only(html: str) -> None:
    assert not javascript_only(html)


def test_visible_text_skips_head_scripts_styles_and_comments() -> None:
    html = (
        "<html><head><title>T</title><style>p{}</style></head><body><!-- hidden -->"
        "<p>Hello&nbsp;<b>world</b></p><script>var x='<p>no</p>';</script>"
        "<noscript>enable js</noscript><svg><text>logo</text></svg><p>bye</p><script>"
    )
    assert visible_text(html) == "Hello world bye"


@settings(max_examples=100, deadline=None)
@given(st.integers(100, 599), st.text(max_size=500))
def test_detect_block_never_raises_on_random_text(status: int, text: str) -> None:
    result = detect_block(status, text, {"X": text[:10]})
    assert result is None or isinstance(result, str)
    javascript_only(text)


PAGE_FRAGMENTS = st.sampled_from(
    ["<script>", "</script>", "<title>", "</title>", "Just a moment", "<!--", "-->",
     "<input type=password>", "<div id=root>", "</div>", "captcha", "g-recaptcha", "Sign in",
     "<noscript>", "<style>", "Reference #18.", "Access Denied", "datadome", "text " * 20, "<"]
)  # fmt: skip


@settings(max_examples=100, deadline=None)
@given(st.lists(PAGE_FRAGMENTS, max_size=40), st.sampled_from([200, 403, 429, 503]))
def test_detect_block_never_raises_on_mutated_markup(parts: list[str], status: int) -> None:
    html = "".join(parts)
    result = detect_block(status, html)
    assert result is None or isinstance(result, str)
    assert isinstance(javascript_only(html), bool)
