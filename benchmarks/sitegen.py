"""Generated company sites for the benchmarks: many companies, the page kinds of a real site.

Every company is a deterministic function of its number: the same number always gives the same
pages (and so the same ETags), so a second crawl sees an unchanged site. Pages are built like
real CMS output: a head full of meta tags, inline CSS and JSON-LD, a mega-menu, a cookie
banner, analytics scripts and a large footer around the content, 30-80 KB of HTML each.
"""

from __future__ import annotations

import json
import random
from dataclasses import dataclass, field
from email.utils import formatdate
from html import escape

PREFIXES = (
    "north", "bright", "cedar", "harbor", "iron", "lumen", "maple", "nova", "orbit", "pine",
    "quartz", "river", "silver", "summit", "tidal", "vector", "willow", "zephyr", "amber", "cobalt",
)  # fmt: skip
SUFFIXES = (
    "forge", "works", "labs", "stack", "field", "line", "point", "scale", "wave", "craft",
    "logic", "grid", "path", "flow", "leaf", "stone", "bridge", "ware", "shift", "beam",
)  # fmt: skip
INDUSTRIES = (
    ("logistics", "freight visibility", "shippers and forwarders", "containers and vessel calls"),
    ("fintech", "treasury automation", "finance teams", "payments and cash positions"),
    ("healthtech", "clinical scheduling", "hospitals and clinics", "rosters and patient flow"),
    ("developer tools", "API documentation", "engineering teams", "specs and reference docs"),
    ("energy", "grid analytics", "utilities and installers", "meters and substations"),
    ("retail", "inventory planning", "independent retailers", "stock and suppliers"),
    ("manufacturing", "machine monitoring", "plant managers", "lines and sensors"),
    ("education", "course authoring", "universities and trainers", "lessons and assessments"),
)
NOUNS = (
    "platform", "team", "customer", "workflow", "report", "dashboard", "partner", "release",
    "integration", "forecast", "pipeline", "dataset", "region", "market", "product", "service",
    "engineer", "operator", "project", "insight", "process", "quality", "standard", "network",
)  # fmt: skip
VERBS = (
    "builds", "improves", "measures", "connects", "simplifies", "tracks", "delivers", "supports",
    "automates", "explains", "reduces", "scales", "secures", "shares", "plans", "reviews",
)  # fmt: skip
ADJECTIVES = (
    "reliable", "open", "fast", "careful", "practical", "clear", "measurable", "shared", "modern",
    "honest", "accurate", "flexible", "secure", "durable", "thoughtful", "useful", "local",
)  # fmt: skip
VALUE_NAMES = (
    ("Customers first", "We start every decision from the problem a customer has told us about."),
    ("Own the outcome", "Whoever starts a piece of work sees it through to the result it was for."),
    ("Write it down", "Decisions, designs and postmortems are written so anyone can follow them."),
    ("Be candid", "We say what we think, kindly and early, and we expect the same back."),
    ("Keep it simple", "The simplest thing that solves the problem beats the clever one."),
    ("Learn in public", "We share what we learn, including the mistakes that taught it."),
    ("Sustainable pace", "Good work comes from rested people; we plan for a long career here."),
)
CSS_RULES = (
    ".site-header{position:sticky;top:0;z-index:50;background:#fff;border-bottom:1px solid #e5e7eb}",
    ".mega-menu{display:grid;grid-template-columns:repeat(4,minmax(0,1fr));gap:1.5rem;padding:2rem}",
    ".btn{display:inline-flex;align-items:center;border-radius:.375rem;padding:.5rem 1rem;font-weight:600}",
    ".btn-primary{background:#1d4ed8;color:#fff}.btn-primary:hover{background:#1e40af}",
    ".card{border:1px solid #e5e7eb;border-radius:.75rem;padding:1.5rem;box-shadow:0 1px 2px rgba(0,0,0,.05)}",
    ".footer-grid{display:grid;grid-template-columns:repeat(5,minmax(0,1fr));gap:2rem}",
    ".cookie-banner{position:fixed;bottom:0;left:0;right:0;padding:1rem;background:#111827;color:#f9fafb}",
    ".hero h1{font-size:clamp(2rem,5vw,3.5rem);line-height:1.1;letter-spacing:-.02em}",
    "@media (max-width:768px){.mega-menu{grid-template-columns:1fr}.footer-grid{grid-template-columns:1fr 1fr}}",
)
ICON = (
    '<svg class="icon" width="16" height="16" viewBox="0 0 24 24" aria-hidden="true">'
    '<path d="M12 2l3.09 6.26L22 9.27l-5 4.87 1.18 6.88L12 17.77l-6.18 3.25L7 14.14 2 9.27'
    'l6.91-1.01L12 2z" fill="currentColor"/></svg>'
)


@dataclass(frozen=True)
class Page:
    """One generated response: body, content type and the URLs it lets a crawler discover."""

    path: str
    body: bytes
    content_type: str
    links: tuple[str, ...] = ()  # paths on the same site this response reveals


@dataclass
class Company:
    """A generated company: its domain and every page of its site."""

    number: int
    domain: str
    name: str
    pages: dict[str, Page] = field(default_factory=dict)

    def depths(self) -> dict[str, int]:
        """The discovery round in which a crawler can first know each path (robots.txt = 1).

        A crawler knows nothing but the home page URL and robots.txt at the start; every other
        URL is revealed by a response (a link, a sitemap entry, a feed link): its depth is one
        more than the shallowest response that reveals it.
        """
        depth = {"/robots.txt": 1}
        frontier = ["/robots.txt"]
        while frontier:
            nxt: list[str] = []
            for path in frontier:
                page = self.pages.get(path)
                links = page.links if page else ()
                if path == "/robots.txt":
                    links = ("/", *links)  # the home page waits for robots.txt
                for link in links:
                    if link not in depth:
                        depth[link] = depth[path] + 1
                        nxt.append(link)
            frontier = nxt
        return depth


def domain_of(number: int) -> str:
    prefix = PREFIXES[number % len(PREFIXES)]
    suffix = SUFFIXES[(number // len(PREFIXES)) % len(SUFFIXES)]
    return f"{prefix}{suffix}-{number:03d}.com"


class _Text:
    def __init__(self, rng: random.Random, subject: str, thing: str) -> None:
        self.rng = rng
        self.subject = subject
        self.thing = thing

    def sentence(self) -> str:
        r = self.rng
        words = [
            r.choice((self.subject, "Our team", "The platform", "Every customer", "This release")),
            r.choice(VERBS),
            r.choice(ADJECTIVES),
            r.choice(NOUNS) + "s",
            r.choice(("for", "across", "with", "through", "beyond")),
            self.thing,
        ]
        tail = " ".join(r.choice(NOUNS) for _ in range(r.randint(2, 6)))
        return f"{' '.join(words)}, and {r.choice(VERBS)} the {tail}."

    def paragraph(self, sentences: int = 4) -> str:
        return " ".join(self.sentence() for _ in range(sentences))


def build_company(number: int, *, posts: int = 12, products: int = 8) -> Company:
    """Every page of company `number`, generated deterministically."""
    rng = random.Random(number * 7919 + 13)
    domain = domain_of(number)
    name = domain.split("-")[0].capitalize()
    _industry, offering, audience, thing = INDUSTRIES[number % len(INDUSTRIES)]
    text = _Text(rng, name, thing)
    company = Company(number, domain, name)
    site = f"https://{domain}"
    values_page = number % 3 == 0  # some sites keep values on a page of their own under About

    product_slugs = [f"{rng.choice(ADJECTIVES)}-{rng.choice(NOUNS)}-{i}" for i in range(products)]
    job_slugs = [
        f"{rng.choice(('senior', 'staff', 'junior'))}-{rng.choice(NOUNS)}-engineer-{i}"
        for i in range(6)
    ]
    post_slugs = [
        f"{rng.choice(ADJECTIVES)}-{rng.choice(NOUNS)}s-{rng.choice(NOUNS)}-{i}"
        for i in range(posts)
    ]
    post_dates = [f"2025-{12 - (i % 12):02d}-{1 + (i * 7) % 27:02d}" for i in range(posts)]

    nav = [
        ("/about/", "About"),
        ("/products/", "Products"),
        ("/careers/", "Careers"),
        ("/blog/", "Blog"),
        ("/contact/", "Contact"),
    ]
    footer = [
        ("/privacy/", "Privacy policy"),
        ("/imprint/", "Imprint"),
        ("/contact/", "Contact"),
        ("/careers/", "Jobs"),
        ("/blog/", "Blog"),
    ]

    def chrome(path: str, title: str, description: str, main: str, extra_head: str = "") -> Page:
        menu = "".join(
            f'<div class="mega-col"><a class="mega-link" href="/products/{s}/">{ICON}'
            f"<span>{escape(s.replace('-', ' ').title())}</span></a>"
            f'<p class="mega-desc">{escape(text.paragraph(2))}</p></div>'
            for s in product_slugs
        )
        nav_html = "".join(
            f'<li class="menu-item menu-item-type-post_type"><a href="{h}">{t}</a></li>'
            for h, t in nav
        )
        foot_cols = "".join(
            f'<div class="footer-col"><h4 class="footer-title">{t}</h4><ul>'
            + "".join(
                f'<li><a href="{h}">{escape(rng.choice(NOUNS).title())} {t.lower()}</a></li>'
                for _ in range(6)
            )
            + "</ul></div>"
            for h, t in footer
        )
        css = "\n".join(rng.sample(CSS_RULES, len(CSS_RULES)) * 14)
        tracking = json.dumps(
            {
                "site": domain,
                "consent": {"necessary": True, "analytics": False},
                "events": [
                    {"id": f"evt-{i}", "selector": f".cta-{i}", "name": rng.choice(NOUNS)}
                    for i in range(150)
                ],
            }
        )
        org = json.dumps(
            {
                "@context": "https://schema.org",
                "@type": "Organization",
                "name": name,
                "url": site + "/",
                "foundingDate": str(1990 + number % 30),
                "description": f"{name} makes {offering} software for {audience}.",
                "sameAs": [f"https://www.linkedin.com/company/{name.lower()}-{number}"],
            }
        )
        path = ICON[ICON.index("<path") : ICON.rindex("</svg>")]
        sprite = "".join(
            f'<symbol id="i{i}" viewBox="0 0 24 24">{path}</symbol>' for i in range(24)
        )
        html = f"""<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>{escape(title)}</title>
<meta name="description" content="{escape(description)}">
<meta property="og:title" content="{escape(title)}">
<meta property="og:site_name" content="{escape(name)}">
<meta property="og:url" content="{site}{path}">
<link rel="canonical" href="{site}{path}">
<link rel="alternate" type="application/rss+xml" title="{escape(name)} blog" href="/blog/feed.xml">
<style id="theme-css">{css}</style>
<script type="application/ld+json">{org}</script>
{extra_head}
<script>window.dataLayer=window.dataLayer||[];window.__CONFIG__={tracking};</script>
</head>
<body class="page page-template-default">
<a class="skip-link screen-reader-text" href="#content">Skip to content</a>
<header class="site-header" role="banner">
<div class="site-branding"><a href="/" rel="home">{ICON}{escape(name)}</a></div>
<nav class="main-navigation" aria-label="Main"><ul class="menu">{nav_html}</ul>
<div class="mega-menu" hidden>{menu}</div></nav>
</header>
<main id="content" class="site-main">
{main}
</main>
<footer class="site-footer" role="contentinfo"><div class="footer-grid">{foot_cols}</div>
<p class="copyright">&copy; 2025 {escape(name)} Inc. All rights reserved.</p></footer>
<div class="cookie-banner" id="cookie-consent"><p>We use cookies to improve your experience.
Read our <a href="/privacy/">privacy policy</a>.</p><button class="btn">Accept</button></div>
<svg xmlns="http://www.w3.org/2000/svg" style="display:none">{sprite}</svg>
<script src="/assets/app.js" defer></script>
</body>
</html>
"""
        links = tuple(
            dict.fromkeys(
                [h for h, _ in nav]
                + [h for h, _ in footer]
                + [f"/products/{s}/" for s in product_slugs]
                + ["/blog/feed.xml"]
                + _hrefs(main)
            )
        )
        return Page(path, html.encode(), "text/html; charset=utf-8", links)

    def section(heading: str, paragraphs: int = 2, cls: str = "section") -> str:
        body = "".join(
            f"<p>{escape(text.paragraph(rng.randint(3, 5)))}</p>" for _ in range(paragraphs)
        )
        return f'<section class="{cls}"><h2>{escape(heading)}</h2>{body}</section>'

    values = rng.sample(VALUE_NAMES, 5)
    mission = (
        f"Our mission is to make {offering} {rng.choice(ADJECTIVES)} for {audience}, "
        f"so that nobody has to guess about their {thing}."
    )
    values_html = (
        '<section class="values"><h2>Our values</h2><ul>'
        + "".join(f"<li><strong>{escape(v)}.</strong> {escape(d)}</li>" for v, d in values)
        + "</ul></section>"
    )

    # Home
    cards = "".join(
        f'<div class="card"><h3><a href="/products/{s}/">{escape(s.replace("-", " ").title())}</a></h3>'
        f"<p>{escape(text.paragraph(2))}</p></div>"
        for s in product_slugs[:6]
    )
    latest = "".join(
        f'<li><a href="/blog/{s}/">{escape(s.replace("-", " ").capitalize())}</a> '
        f'<time datetime="{d}">{d}</time></li>'
        for s, d in zip(post_slugs[:3], post_dates[:3], strict=True)
    )
    home_main = (
        f'<section class="hero"><h1>{escape(offering.capitalize())} for {escape(audience)}</h1>'
        f"<p>{escape(name)} gives {escape(audience)} one shared view of their {escape(thing)}.</p>"
        f'<a class="btn btn-primary" href="/contact/">Book a demo</a></section>'
        f'<section class="features">{cards}</section>'
        + section("Why teams choose us", 3)
        + f'<section class="latest"><h2>Latest from the blog</h2><ul>{latest}</ul></section>'
    )
    company.pages["/"] = chrome(
        "/",
        f"{name} | {offering.capitalize()} for {audience}",
        f"{name} makes {offering} software for {audience}.",
        home_main,
    )

    # About (+ values page for some)
    about_main = (
        f"<h1>About {escape(name)}</h1>"
        + section("Our story", 3)
        + f'<section class="mission"><h2>Our mission</h2><p>{escape(mission)}</p></section>'
        + (
            '<p>Read about <a href="/about/values/">our values</a>.</p>'
            if values_page
            else values_html
        )
        + section("Leadership", 2)
        + section("Offices", 1)
    )
    company.pages["/about/"] = chrome(
        "/about/", f"About us | {name}", f"The story and mission of {name}.", about_main
    )
    if values_page:
        company.pages["/about/values/"] = chrome(
            "/about/values/",
            f"Our values | {name}",
            f"What {name} values.",
            f"<h1>Our values</h1>{values_html}" + section("How we work", 2),
        )

    # Products
    product_list = "".join(
        f'<li><a href="/products/{s}/">{escape(s.replace("-", " ").title())}</a>: '
        f"{escape(text.sentence())}</li>"
        for s in product_slugs
    )
    company.pages["/products/"] = chrome(
        "/products/",
        f"Products | {name}",
        f"The {offering} products of {name}.",
        f"<h1>Products</h1><ul class='products'>{product_list}</ul>" + section("Platform", 2),
    )
    for s in product_slugs:
        company.pages[f"/products/{s}/"] = chrome(
            f"/products/{s}/",
            f"{s.replace('-', ' ').title()} | {name}",
            text.sentence(),
            f"<h1>{escape(s.replace('-', ' ').title())}</h1>"
            + section("Overview", 3)
            + section("Features", 3),
        )

    # Careers
    jobs = "".join(
        f'<li><a href="/careers/{j}/">{escape(j.replace("-", " ").title())}</a></li>'
        for j in job_slugs
    )
    company.pages["/careers/"] = chrome(
        "/careers/",
        f"Careers | {name}",
        f"Join {name}.",
        "<h1>Careers</h1>"
        + section("Life at the company", 3)
        + f"<section><h2>Open positions</h2><ul>{jobs}</ul></section>",
    )
    for j in job_slugs:
        company.pages[f"/careers/{j}/"] = chrome(
            f"/careers/{j}/", f"{j} | {name}", text.sentence(), section("The role", 3)
        )

    # Blog: index, posts, RSS
    index_items = "".join(
        f'<article class="post-card"><h2><a href="/blog/{s}/">{escape(s.replace("-", " ").capitalize())}</a></h2>'
        f'<time datetime="{d}">{d}</time><p>{escape(text.sentence())}</p></article>'
        for s, d in zip(post_slugs, post_dates, strict=True)
    )
    company.pages["/blog/"] = chrome(
        "/blog/", f"Blog | {name}", f"News from {name}.", f"<h1>Blog</h1>{index_items}"
    )
    for s, d in zip(post_slugs, post_dates, strict=True):
        posting = json.dumps(
            {
                "@context": "https://schema.org",
                "@type": "BlogPosting",
                "headline": s.replace("-", " ").capitalize(),
                "datePublished": d,
                "url": f"{site}/blog/{s}/",
            }
        )
        company.pages[f"/blog/{s}/"] = chrome(
            f"/blog/{s}/",
            f"{s.replace('-', ' ').capitalize()} | {name}",
            text.sentence(),
            f'<article class="post"><header><h1>{escape(s.replace("-", " ").capitalize())}</h1>'
            f'<time datetime="{d}">{d}</time></header>'
            + "".join(f"<p>{escape(text.paragraph(5))}</p>" for _ in range(16))
            + "</article>",
            extra_head=f'<script type="application/ld+json">{posting}</script>',
        )
    # As WordPress writes them: HTML in CDATA (content:encoded), dc:creator, categories.
    items = "".join(
        f"<item><title>{escape(s.replace('-', ' ').capitalize())}</title>"
        f"<link>{site}/blog/{s}/</link>"
        f"<dc:creator><![CDATA[{name} team]]></dc:creator>"
        f"<pubDate>{formatdate(_epoch(d), usegmt=True)}</pubDate>"
        f"<category><![CDATA[News]]></category>"
        f'<guid isPermaLink="false">{site}/?p={1000 + i}</guid>'
        f"<description><![CDATA[{escape(text.paragraph(2))} [&#8230;]]]></description>"
        "<content:encoded><![CDATA["
        + "".join(f"<p>{escape(text.paragraph(4))}</p>" for _ in range(3))
        + "]]></content:encoded></item>"
        for i, (s, d) in enumerate(zip(post_slugs[:10], post_dates[:10], strict=True))
    )
    rss = (
        '<?xml version="1.0" encoding="UTF-8"?><rss version="2.0" '
        'xmlns:content="http://purl.org/rss/1.0/modules/content/" '
        'xmlns:dc="http://purl.org/dc/elements/1.1/" '
        'xmlns:atom="http://www.w3.org/2005/Atom"><channel>'
        f"<title>{escape(name)} blog</title>"
        f'<atom:link href="{site}/blog/feed.xml" rel="self" type="application/rss+xml" />'
        f"<link>{site}/blog/</link><description>News</description>"
        "<language>en-US</language><generator>https://wordpress.org/?v=6.6.2</generator>"
        f"{items}</channel></rss>"
    )
    company.pages["/blog/feed.xml"] = Page(
        "/blog/feed.xml",
        rss.encode(),
        "application/rss+xml; charset=utf-8",
        tuple(f"/blog/{s}/" for s in post_slugs[:10]),
    )

    # Small pages
    for path, title in (
        ("/contact/", "Contact"),
        ("/privacy/", "Privacy policy"),
        ("/imprint/", "Imprint"),
    ):
        company.pages[path] = chrome(
            path, f"{title} | {name}", title, f"<h1>{title}</h1>" + section(title, 2)
        )

    # Sitemap and robots.txt
    paths = [p for p in company.pages if p.endswith("/")]
    urls = "".join(f"<url><loc>{site}{p}</loc><lastmod>2025-11-01</lastmod></url>" for p in paths)
    company.pages["/sitemap.xml"] = Page(
        "/sitemap.xml",
        f'<?xml version="1.0" encoding="UTF-8"?><urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">{urls}</urlset>'.encode(),
        "application/xml",
        tuple(paths),
    )
    company.pages["/robots.txt"] = Page(
        "/robots.txt",
        f"User-agent: *\nDisallow: /wp-admin/\nDisallow: /search/\n\nSitemap: {site}/sitemap.xml\n".encode(),
        "text/plain; charset=utf-8",
        ("/sitemap.xml",),
    )
    return company


def _hrefs(fragment: str) -> list[str]:
    import re

    return [h for h in re.findall(r'href="(/[^"]*)"', fragment)]


def _epoch(day: str) -> float:
    import datetime

    return datetime.datetime.fromisoformat(day + "T09:00:00+00:00").timestamp()
