"""The client's connection pools: one small pool per host, reused connections, a bound on the
sockets kept open across many hosts, and no TLS set-up for plain-http runs."""

from __future__ import annotations

import asyncio
import json
import ssl
import sys
from dataclasses import dataclass, field

import httpx
import pytest

from company_research.fetch import Fetcher, Politeness, make_client
from company_research.settings import Settings
from company_research.transport import PerHostTransport, tls_context


@dataclass
class Counts:
    """What a loopback HTTP/1.1 keep-alive server saw."""

    accepted: int = 0
    open: int = 0
    in_flight: int = 0
    max_in_flight: int = 0
    hosts: list[str] = field(default_factory=list)
    release: asyncio.Event | None = None  # when set, a /hold request waits for it


async def _serve(counts: Counts, delay: float = 0.0) -> asyncio.Server:
    async def handle(reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        counts.accepted += 1
        counts.open += 1
        try:
            while True:
                try:
                    head = await reader.readuntil(b"\r\n\r\n")
                except (asyncio.IncompleteReadError, ConnectionError):
                    return
                lines = head.decode("latin-1").split("\r\n")
                path = lines[0].split(" ")[1]
                host = next(
                    (ln.split(":", 1)[1].strip() for ln in lines if ln.lower().startswith("host:")),
                    "",
                )
                counts.hosts.append(host)
                counts.in_flight += 1
                counts.max_in_flight = max(counts.max_in_flight, counts.in_flight)
                if path == "/hold" and counts.release is not None:
                    await counts.release.wait()
                elif delay:
                    await asyncio.sleep(delay)
                counts.in_flight -= 1
                body = f"<!doctype html><title>{host}{path}</title>".encode()
                writer.write(
                    b"HTTP/1.1 200 OK\r\ncontent-type: text/html\r\n"
                    + f"content-length: {len(body)}\r\n\r\n".encode()
                    + body
                )
                await writer.drain()
        finally:
            counts.open -= 1
            writer.close()

    return await asyncio.start_server(handle, "127.0.0.1", 0)


def _base(server: asyncio.Server) -> str:
    host, port = server.sockets[0].getsockname()[:2]
    return f"http://{host}:{port}"


async def _settled(counts: Counts, open_at_most: int) -> None:
    """Give the server's handlers a moment (up to 2 s) to see the client's closes."""
    for _ in range(200):
        if counts.open <= open_at_most:
            return
        await asyncio.sleep(0.01)


def _settings(hosts: list[str], base: str) -> Settings:
    return Settings(
        resolve={h: f"{base}/{h}" for h in hosts},
        resolved_only=True,
        obey_robots=False,
        min_delay=0.0,
    )


def test_one_host_reuses_its_connections() -> None:
    async def run() -> Counts:
        counts = Counts()
        server = await _serve(counts)
        settings = _settings(["acme.com"], _base(server))
        async with make_client(settings) as client:
            fetcher = Fetcher(client, settings, "acme.com")
            for n in range(10):
                page = await fetcher.fetch(f"https://acme.com/page{n}")
                assert page.status == 200
                assert f"acme.com/acme.com/page{n}" in page.text
        await _settled(counts, 0)
        server.close()
        return counts

    counts = asyncio.run(run())
    assert counts.accepted == 1
    assert counts.hosts == ["acme.com"] * 10
    assert counts.open == 0  # closing the client closed its connections


def test_many_hosts_keep_a_bounded_number_of_sockets_open() -> None:
    """A refresh of many companies closes the idle pools of hosts it is done with."""
    hosts = [f"company{n:02}.com" for n in range(30)]

    async def run() -> tuple[Counts, int]:
        counts = Counts()
        server = await _serve(counts)
        settings = _settings(hosts, _base(server))
        politeness = Politeness(settings)
        async with make_client(settings) as client:

            async def crawl(host: str) -> None:
                fetcher = Fetcher(client, settings, host, politeness=politeness)
                pages = await asyncio.gather(
                    *(fetcher.fetch(f"https://{host}/p{n}") for n in range(6))
                )
                assert all(page.status == 200 for page in pages)

            gate = asyncio.Semaphore(4)

            async def one(host: str) -> None:
                async with gate:
                    await crawl(host)

            await asyncio.gather(*(one(h) for h in hosts))
            await _settled(counts, 8 * settings.per_host_concurrency)
            open_while_idle = counts.open
        await _settled(counts, 0)
        server.close()
        return counts, open_while_idle

    counts, open_while_idle = asyncio.run(run())
    assert len(counts.hosts) == 30 * 6
    # Each host's pool holds at most per_host connections; only 8 idle pools are kept.
    assert open_while_idle <= 8 * Settings().per_host_concurrency
    assert counts.open == 0


def test_a_pool_in_use_is_never_closed_for_another_host() -> None:
    """A slow response on one host survives many other hosts' pools opening and closing."""

    async def run() -> tuple[int, list[int], Counts]:
        counts = Counts(release=asyncio.Event())
        server = await _serve(counts)
        base = _base(server)
        transport = PerHostTransport(per_host=2, max_connections=32, max_idle_pools=1)
        async with httpx.AsyncClient(transport=transport) as client:
            held = asyncio.create_task(client.get(f"{base}/hold", headers={"Host": "slow.com"}))
            while counts.in_flight == 0:
                await asyncio.sleep(0.01)
            others = [
                (await client.get(f"{base}/x", headers={"Host": f"h{n}.com"})).status_code
                for n in range(5)
            ]
            counts.release.set()
            held_status = (await held).status_code
        await _settled(counts, 0)
        server.close()
        return held_status, others, counts

    held_status, others, counts = asyncio.run(run())
    assert held_status == 200
    assert others == [200] * 5
    assert counts.open == 0


def test_responses_open_at_once_are_capped_across_hosts() -> None:
    async def run() -> Counts:
        counts = Counts()
        server = await _serve(counts, delay=0.02)
        base = _base(server)
        transport = PerHostTransport(per_host=4, max_connections=3)
        async with httpx.AsyncClient(transport=transport) as client:
            answers = await asyncio.gather(
                *(client.get(f"{base}/x", headers={"Host": f"h{n % 6}.com"}) for n in range(24))
            )
        server.close()
        assert [a.status_code for a in answers] == [200] * 24
        return counts

    counts = asyncio.run(run())
    assert counts.max_in_flight <= 3


def test_https_pools_verify_with_one_shared_context() -> None:
    context = tls_context().result(timeout=30)
    assert context is tls_context().result(timeout=30)
    assert context.verify_mode == ssl.CERT_REQUIRED
    assert context.check_hostname
    assert context.cert_store_stats()["x509_ca"] > 0


def test_plain_http_runs_never_load_the_certificate_bundle() -> None:
    """Tests, benchmarks and the demo fetch over http from --resolve bases: no TLS set-up."""
    script = """
import asyncio, json, sys
from company_research import transport
from company_research.fetch import Fetcher, make_client
from company_research.settings import Settings

settings = Settings(resolve={"acme.com": sys.argv[1]}, resolved_only=True, obey_robots=False)

async def run():
    async with make_client(settings) as client:
        page = await Fetcher(client, settings, "acme.com").fetch("https://acme.com/")
    return page.status

status = asyncio.run(run())
print(json.dumps({"status": status, "tls": transport._tls_future is not None}))
"""

    async def run() -> str:
        counts = Counts()
        server = await _serve(counts)
        proc = await asyncio.create_subprocess_exec(
            sys.executable,
            "-c",
            script,
            f"{_base(server)}/acme.com",
            stdout=asyncio.subprocess.PIPE,
        )
        out, _ = await proc.communicate()
        server.close()
        return out.decode()

    assert json.loads(asyncio.run(run())) == {"status": 200, "tls": False}


async def _echo_server(heads: list[str]) -> asyncio.Server:
    """Records each request head; /set answers with a cookie, anything else with the Cookie
    header it was sent (empty without one)."""

    async def handle(reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        try:
            while True:
                try:
                    head = (await reader.readuntil(b"\r\n\r\n")).decode("latin-1")
                except (asyncio.IncompleteReadError, ConnectionError):
                    return
                heads.append(head)
                lines = head.split("\r\n")
                path = lines[0].split(" ")[1]
                cookie = next(
                    (
                        ln.split(":", 1)[1].strip()
                        for ln in lines
                        if ln.lower().startswith("cookie:")
                    ),
                    "",
                )
                extra = "set-cookie: session=abc; Path=/\r\n" if path.endswith("/set") else ""
                body = cookie.encode()
                writer.write(
                    f"HTTP/1.1 200 OK\r\ncontent-type: text/html\r\n{extra}"
                    f"content-length: {len(body)}\r\n\r\n".encode()
                    + body
                )
                await writer.drain()
        finally:
            writer.close()

    return await asyncio.start_server(handle, "127.0.0.1", 0)


def test_cookies_an_answer_sets_are_sent_back() -> None:
    """Answers that set no cookie skip the cookie jar; one that sets one still fills it."""

    async def run() -> tuple[list[str], dict[str, str]]:
        heads: list[str] = []
        server = await _echo_server(heads)
        base = _base(server)
        async with make_client(Settings()) as client:
            before = (await client.get(f"{base}/plain")).text
            await client.get(f"{base}/set")
            after = (await client.get(f"{base}/echo")).text
            jar = dict(client.cookies)
            client.cookies = {"lang": "de"}  # replacing the jar keeps the client's kind of jar
            replaced = (await client.get(f"{base}/echo")).text
            await client.get(f"{base}/set")
            both = (await client.get(f"{base}/echo")).text
        server.close()
        return [before, after, replaced, both], jar

    texts, jar = asyncio.run(run())
    assert texts[:3] == ["", "session=abc", "lang=de"]
    assert sorted(texts[3].split("; ")) == ["lang=de", "session=abc"]
    assert jar == {"session": "abc"}


def test_every_request_carries_our_headers_whichever_client_sends_it() -> None:
    """make_client's client sends the Accept headers by itself; a Fetcher on another client
    sends them with each request: the server sees the same request either way."""

    async def run() -> list[list[str]]:
        heads: list[str] = []
        server = await _echo_server(heads)
        settings = _settings(["acme.com"], _base(server))
        async with make_client(settings) as ours:
            await Fetcher(ours, settings, "acme.com").fetch("https://acme.com/a")
        agent = {"User-Agent": settings.user_agent}
        async with httpx.AsyncClient(headers=agent) as plain:
            await Fetcher(plain, settings, "acme.com").fetch("https://acme.com/a")
        server.close()
        return [head.split("\r\n")[1:] for head in heads]

    ours, plain = asyncio.run(run())
    assert ours == plain
    assert "Accept-Language: en, *;q=0.5" in ours
    assert "Accept-Encoding: gzip, deflate" in ours
    assert "Host: acme.com" in ours
    assert any(line.startswith("User-Agent: company-research/") for line in ours)


def test_sniffio_is_told_asyncio_while_crawls_run_and_untold_after() -> None:
    """named_asyncio() blocks overlap (crawls side by side): the first sets the name, the last
    to end puts it back, whichever order they end in."""
    import sniffio

    from company_research.fetch import named_asyncio

    seen: list[str | None] = []

    async def crawl(entered: asyncio.Event, leave: asyncio.Event) -> None:
        with named_asyncio():
            entered.set()
            seen.append(sniffio.current_async_library())
            await leave.wait()

    async def run() -> None:
        a_in, b_in, a_out, b_out = (asyncio.Event() for _ in range(4))
        a = asyncio.create_task(crawl(a_in, a_out))
        await a_in.wait()
        b = asyncio.create_task(crawl(b_in, b_out))
        await b_in.wait()
        a_out.set()
        await a  # the first to start ends first: the second still runs under the name
        seen.append(sniffio.thread_local.name)
        b_out.set()
        await b
        seen.append(sniffio.thread_local.name)

    assert sniffio.thread_local.name is None
    asyncio.run(run())
    assert seen == ["asyncio", "asyncio", "asyncio", None]
    assert sniffio.thread_local.name is None
    with pytest.raises(sniffio.AsyncLibraryNotFoundError):
        sniffio.current_async_library()
