"""A feed kept in the store reads back as it was fetched, whatever encoding its XML
declaration names: the store keeps its text, and that text is read again as what it now is."""

from __future__ import annotations

import json
import sqlite3
from pathlib import Path

from company_research.loopback import serve_sites
from tests.conftest import resolve_args, run_research

DOMAIN = "kaffeeform-roesterei.de"
TITLES = ["Café-Röstung im Oktober: 12 € für 250 g", "Süße Bohnen aus Äthiopien"]


def _write_site(root: Path) -> None:
    site = root / DOMAIN
    site.mkdir(parents=True)
    (site / "robots.txt").write_text("User-agent: *\nAllow: /\n")
    (site / "index.html").write_text(
        "<!doctype html><html lang='de'><head><meta charset='utf-8'><title>Kaffeeform"
        " Rösterei</title><link rel='alternate' type='application/rss+xml' href='/feed.rss'>"
        "</head><body><main><h1>Kaffeeform Rösterei</h1><p>Wir rösten seit 2014 in Leipzig"
        " Kaffee aus kleinen Farmen, frisch und direkt gehandelt, für Cafés und Zuhause.</p>"
        "</main></body></html>",
        encoding="utf-8",
    )
    items = "".join(
        f"<item><title>{title}</title><link>https://{DOMAIN}/blog/{n}/</link>"
        f"<pubDate>Mon, 0{n + 1} Nov 2026 09:00:00 +0100</pubDate>"
        f"<description>{title} – mehr im Blog.</description></item>"
        for n, title in enumerate(TITLES)
    )
    feed = (
        '<?xml version="1.0" encoding="ISO-8859-15"?><rss version="2.0"><channel>'
        f"<title>Kaffeeform Blog</title><link>https://{DOMAIN}/blog/</link>{items}"
        "</channel></rss>"
    ).replace("–", "-")
    (site / "feed.rss").write_bytes(feed.encode("iso-8859-15"))


def _post_titles(brief: dict) -> list[str]:
    return sorted(post["title"] for post in brief["posts"])


def test_a_latin9_feed_kept_by_older_code_reads_back_unchanged(tmp_path: Path) -> None:
    _write_site(tmp_path / "sites")
    db = tmp_path / "r.db"
    with serve_sites([tmp_path / "sites"]) as server:
        args = ("--db", str(db), "--format", "json", *resolve_args(server))
        first = run_research(DOMAIN, *args)
        assert first.returncode == 0, first.stderr
        assert _post_titles(json.loads(first.stdout)) == sorted(TITLES)
        # A row as older code kept it: the feed's text, nothing derived from it.
        with sqlite3.connect(db) as conn:
            changed = conn.execute("update pages set derived = null where kind = 'feed'")
            assert changed.rowcount == 1
        again = run_research(DOMAIN, "--reviews-only", *args)  # the stored crawl, re-read
    assert again.returncode == 0, again.stderr
    assert _post_titles(json.loads(again.stdout)) == sorted(TITLES)
