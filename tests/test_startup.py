"""Start-up of `research DOMAIN`: what is imported before the first request, and the pieces
that keep it short (no timings here: those live in benchmarks/)."""

from __future__ import annotations

import json
import socket
import subprocess
import sys

import httpx
import pytest

from company_research import crawl, pipeline
from company_research.transport import _ack_now

from .conftest import run_research


def test_pipeline_imports_no_crawl_store_or_parser() -> None:
    """`research` sends robots.txt before the crawl, the store and lxml are imported."""
    code = (
        "import json, sys, company_research.pipeline; "
        "print(json.dumps(sorted(m for m in ('company_research.crawl', 'company_research.store',"
        " 'company_research.extract', 'lxml', 'sqlite_utils', 'feedparser') if m in sys.modules)))"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert json.loads(out.stdout) == []


def test_pipeline_still_exports_the_crawl_names() -> None:
    from company_research.pipeline import Crawl, FeedRecord, PageRecord, Progress, stored_crawl

    assert (Crawl, FeedRecord, PageRecord, Progress, stored_crawl) == (
        crawl.Crawl,
        crawl.FeedRecord,
        crawl.PageRecord,
        crawl.Progress,
        crawl.stored_crawl,
    )
    with pytest.raises(AttributeError):
        pipeline.no_such_name  # noqa: B018


def test_ack_now_tolerates_answers_without_a_tcp_socket() -> None:
    class _Stream:
        def __init__(self, sock: object) -> None:
            self.sock = sock

        def get_extra_info(self, name: str) -> object:
            return self.sock if name == "socket" else None

    _ack_now(httpx.Response(200))  # a mock transport: no network stream at all
    left, right = socket.socketpair()  # a Unix socket: no TCP options
    try:
        _ack_now(httpx.Response(200, extensions={"network_stream": _Stream(left)}))
    finally:
        left.close()
        right.close()
    closed = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    closed.close()
    _ack_now(httpx.Response(200, extensions={"network_stream": _Stream(closed)}))


def test_default_command_errors_match_the_full_app() -> None:
    """`research DOMAIN` builds only its own command: usage errors read as before."""
    result = run_research("acme.com", "--format", "xml")
    assert result.returncode == 2
    assert "Usage: research DOMAIN [OPTIONS]" in result.stderr
    assert "Try 'research company --help' for help." in result.stderr
    assert "'xml' is not one of 'text', 'md', 'html', 'json', 'pdf'" in result.stderr
