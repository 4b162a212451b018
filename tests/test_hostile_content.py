"""Page content is data, never code: a hostile site (fixtures/hostile/evil-payload.com) puts
script, event handlers, javascript: links, raw Markdown/HTML, terminal escapes and bidi
overrides in every text slot; every real output format is checked for what survives."""

from __future__ import annotations

import json
import re
from collections.abc import Iterator

import lxml.html
import pytest

from company_research.loopback import SiteServer, serve_sites
from company_research.render import render_brief, validate_brief

from .conftest import ROOT, run_research

HOSTILE = ROOT / "fixtures" / "hostile"
DOMAIN = "evil-payload.com"
# Anything a terminal acts on: C0 controls but newline and tab, DEL and C1 (0x9b is CSI),
# bidi embeddings/overrides/isolates and other invisible reordering characters.
TERMINAL_UNSAFE = re.compile(
    "[\x00-\x08\x0b-\x1f\x7f-\x9f\u061c\u200b\u200e\u200f\u202a-\u202e\u2066-\u2069\ufeff]"
)
SCRIPT_URL = re.compile(r"(?i)^\s*(javascript|vbscript|data|livescript)\s*:")
DANGEROUS_TAGS = {"script", "iframe", "object", "embed", "svg", "math", "img", "form", "base"}


@pytest.fixture(scope="module")
def server() -> Iterator[SiteServer]:
    with serve_sites(HOSTILE) as srv:
        yield srv


@pytest.fixture(scope="module")
def outputs(tmp_path_factory: pytest.TempPathFactory, server: SiteServer) -> dict[str, str]:
    db = tmp_path_factory.mktemp("hostile") / "research.db"
    resolve = [f"{DOMAIN}={server.base_url}/{DOMAIN}"]
    first = run_research(
        DOMAIN, "--db", str(db), "--format", "json", "--resolve", resolve[0], "--no-reviews"
    )
    assert first.returncode == 0, first.stderr
    assert "Traceback" not in first.stderr
    result = {"research-json": first.stdout, "stderr": first.stderr, "db": str(db)}
    for fmt in ("json", "md", "html", "text"):
        run = run_research("brief", DOMAIN, "--db", str(db), "--format", fmt)
        assert run.returncode == 0, run.stderr
        result[fmt] = run.stdout
    return result


def test_the_payloads_were_read(outputs: dict[str, str]):
    # The test means something only if hostile text reached the brief in the first place.
    brief = json.loads(outputs["json"])
    validate_brief(brief)
    assert "alert" in outputs["json"]
    assert brief["mission"] is not None and "payload" in brief["mission"]["text"]
    assert brief["posts"]


@pytest.mark.parametrize("fmt", ["research-json", "json", "md", "html", "text", "stderr"])
def test_no_terminal_control_reaches_the_screen(outputs: dict[str, str], fmt: str):
    found = TERMINAL_UNSAFE.findall(outputs[fmt])
    assert not found, [hex(ord(c)) for c in found[:10]]


def test_json_keeps_the_data_escaped(outputs: dict[str, str]):
    assert json.loads(outputs["json"]) == json.loads(outputs["research-json"])


def test_html_brief_has_no_active_content(outputs: dict[str, str]):
    html = outputs["html"]
    root = lxml.html.document_fromstring(html)
    tags = {el.tag for el in root.iter() if isinstance(el.tag, str)}
    assert not tags & DANGEROUS_TAGS, tags & DANGEROUS_TAGS
    for el in root.iter():
        if not isinstance(el.tag, str):
            continue
        for name, value in el.attrib.items():
            assert not name.lower().startswith("on"), (el.tag, name, value)
            assert not SCRIPT_URL.match(value), (el.tag, name, value)
            if name in ("href", "src", "action", "formaction"):
                assert value.startswith(("https://", "http://", "#")), value
    # Not even as inert text: nothing a lax sanitiser could revive later.
    assert "javascript:" not in html.lower()
    assert not re.search(r"(?i)\bon(error|load|click|mouseover)\s*=", html)
    assert "<script" not in html.lower()


def test_markdown_has_no_raw_html_or_script_links(outputs: dict[str, str]):
    md = outputs["md"]
    assert not re.search(r"<[A-Za-z!/?]", md), re.findall(r"<[A-Za-z!/?].{0,30}", md)[:5]
    targets = re.findall(r"(?<!\\)\]\(([^)\s]*)", md)
    assert targets, "the brief cites its sources with links"
    for target in targets:
        assert target.startswith(("https://", "http://", "#")), target
    assert not re.search(r"(?<!\\)!\[", md)  # no image (a tracking pixel) from a page


def test_colored_terminal_output_has_only_our_own_styles(outputs: dict[str, str]):
    brief = json.loads(outputs["json"])
    text = render_brief(brief, "text", color=True, width=100)
    ours = re.compile(r"\x1b\[[0-9;]*m")  # rich's SGR styles
    rest = ours.sub("", text)
    assert not TERMINAL_UNSAFE.findall(rest)


def test_nothing_off_site_was_fetched(server: SiteServer, outputs: dict[str, str]):
    paths = server.log.paths(DOMAIN)
    assert paths and all(p.startswith("/") for p in paths)
    assert not any("alert" in p or "javascript" in p for p in paths)


def test_search_prints_page_text_safely(outputs: dict[str, str]):
    run = run_research("search", "payload", "--db", outputs["db"])
    assert run.returncode == 0, run.stderr
    assert "evil-payload.com" in run.stdout
    assert not TERMINAL_UNSAFE.findall(run.stdout + run.stderr)
