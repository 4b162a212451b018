"""A crawl sends what it can before it does CPU work: an answer is parsed only once the answers
that came in with it have been read and the requests waiting for the slots they free have gone
out. Asserted on the order of events (what the server had received when the first page was
parsed), never on how long anything took."""

from __future__ import annotations

import asyncio
import threading
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import httpx
import pytest

from company_research import crawl, fetch
from company_research.loopback import RequestLog, SiteHandler, SiteServer
from company_research.pipeline import research
from company_research.settings import Settings
from company_research.transport import PerHostTransport

DOMAIN = "quickturn-example.com"
# The pages the home page links to, one of each kind the crawl reads (no blog, no feed).
PAGES = {
    "/about/": "About us",
    "/mission/": "Our mission",
    "/values/": "Our values",
    "/products/": "Products",
    "/careers/": "Careers",
}
WAIT = 5.0  # seconds a hook waits for the other side: only a failing run ever waits this long


def _page(title: str, links: str = "") -> str:
    text = " ".join(
        f"{title} sentence {i} about what Quickturn does for its customers." for i in range(12)
    )
    return (
        f'<!doctype html><html lang="en"><head><title>{title} | Quickturn</title></head>'
        f"<body><nav>{links}</nav><main><h1>{title}</h1><p>{text}</p></main></body></html>"
    )


def _site(root: Path) -> None:
    site = root / DOMAIN
    site.mkdir(parents=True)
    (site / "robots.txt").write_text("User-agent: *\nAllow: /\n")
    links = "".join(f'<a href="{path}">{title}</a>' for path, title in PAGES.items())
    (site / "index.html").write_text(_page("Quickturn", links))
    for path, title in PAGES.items():
        folder = site / path.strip("/")
        folder.mkdir()
        (folder / "index.html").write_text(_page(title))


class _Held:
    """The server side of the race: the first two page requests are held; the first is answered
    once the second has arrived, the second once the client says so (see _Hooked)."""

    def __init__(self) -> None:
        self.lock = threading.Condition()
        self.arrived: list[str] = []  # page paths, in the order their requests arrived
        self.release_second = threading.Event()
        self.second_written = threading.Event()

    def pages_arrived(self) -> int:
        with self.lock:
            return len(self.arrived)


def _handler(held: _Held) -> type[SiteHandler]:
    class Handler(SiteHandler):
        def _answer(self, *, head: bool) -> None:
            path = "/" + self.path.lstrip("/").split("/", 1)[-1]
            if path not in PAGES:
                super()._answer(head=head)
                return
            with held.lock:
                held.arrived.append(path)
                order = len(held.arrived)
                held.lock.notify_all()
                if order == 1:
                    held.lock.wait_for(lambda: len(held.arrived) >= 2, timeout=WAIT)
            if order == 2:
                held.release_second.wait(WAIT)
            super()._answer(head=head)
            if order == 2:
                held.second_written.set()

    return Handler


class _Hooked(httpx.AsyncBaseTransport):
    """The real transport; when the first page's answer comes in, the event loop stops (as it
    would in a long step) until the server has written the second page's answer too: both are
    then waiting in their sockets, as when two answers arrive together."""

    def __init__(self, inner: PerHostTransport, held: _Held) -> None:
        self.inner = inner
        self.held = held

    async def handle_async_request(self, request: httpx.Request) -> httpx.Response:
        response = await self.inner.handle_async_request(request)
        path = "/" + request.url.path.lstrip("/").split("/", 1)[-1]
        if path in PAGES and not self.held.release_second.is_set():
            self.held.release_second.set()
            self.held.second_written.wait(WAIT)
        return response

    async def aclose(self) -> None:
        await self.inner.aclose()


@pytest.fixture
def held_server(tmp_path: Path) -> Iterator[tuple[SiteServer, _Held]]:
    _site(tmp_path / "sites")
    held = _Held()
    server = SiteServer(tmp_path / "sites", RequestLog())
    server.RequestHandlerClass = _handler(held)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield server, held
    finally:
        held.release_second.set()
        server.shutdown()
        server.server_close()
        thread.join(timeout=5)


def test_requests_waiting_for_a_slot_go_out_before_an_answer_is_parsed(
    held_server: tuple[SiteServer, _Held], tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Two slots per host, five pages: two in flight, three waiting. Both answers come in
    together; the two requests their slots let go must reach the server before either answer
    is parsed (with one slot freed per parse, the second waited for the first page's parse)."""
    server, held = held_server
    parsed_when: list[tuple[str, list[str]]] = []  # (page parsed, page requests the server had)
    extract_page = crawl.extract_page

    def watched(url: str, html: str, kind: str, *args: Any, **kwargs: Any) -> Any:
        path = url.split(DOMAIN, 1)[-1]
        if path in PAGES and not parsed_when:
            # The loop is stopped here, so whatever it sent before this parse has gone out;
            # give the server (its own threads) the time to take those requests in.
            with held.lock:
                held.lock.wait_for(lambda: len(held.arrived) >= 4, timeout=WAIT)
                parsed_when.append((path, list(held.arrived)))
        return extract_page(url, html, kind, *args, **kwargs)

    monkeypatch.setattr(crawl, "extract_page", watched)
    settings = Settings(
        db_path=tmp_path / "research.db",
        resolve=server.resolve_map([DOMAIN]),
        resolved_only=True,
        per_host_concurrency=2,
        reviews=False,
    )
    transport = _Hooked(PerHostTransport(per_host=2, max_connections=32), held)
    result = research(DOMAIN, settings, transport=transport)

    assert parsed_when, "no page of the site was parsed"
    first, had = parsed_when[0]
    assert first in held.arrived[:2]
    assert len(had) >= 4, f"when {first} was parsed the server had only received {had}"
    assert sorted(held.arrived) == sorted(PAGES)  # each page asked for once
    assert server.log.max_in_flight[DOMAIN] <= 2  # politeness as before
    cited = {s["url"] for s in result.brief["sources"]}
    assert f"https://{DOMAIN}/about/" in cited


def _chain(turns: int, done: list[int], n: int) -> Any:
    async def run() -> None:
        for _ in range(turns):
            await asyncio.sleep(0)
        done.append(n)

    return run()


def test_quiet_loop_returns_once_nothing_else_is_ready() -> None:
    async def main() -> list[str]:
        done: list[int] = []
        events: list[str] = []
        tasks = [asyncio.create_task(_chain(turns, done, turns)) for turns in (3, 9, 20)]

        async def parse(name: str) -> None:
            await fetch.quiet_loop()
            events.append(f"{name} after {sorted(done)}")

        await asyncio.gather(parse("a"), parse("b"), *tasks)
        return events

    events = asyncio.run(main())
    # Both waiters return (neither keeps the other waiting), each after all the other work.
    assert events == ["a after [3, 9, 20]", "b after [3, 9, 20]"]


def test_quiet_loop_is_bounded_when_the_loop_never_rests() -> None:
    async def main() -> bool:
        stop = asyncio.Event()

        async def busy() -> None:
            while not stop.is_set():
                await asyncio.sleep(0)

        spinner = asyncio.create_task(busy())
        await fetch.quiet_loop()
        returned = not spinner.done()
        stop.set()
        await spinner
        return returned

    assert asyncio.run(main())
