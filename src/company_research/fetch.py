"""Fetch: the only code that talks HTTP. Politeness, robots.txt, caps, redirects, retries."""

from __future__ import annotations

import asyncio
import collections
import contextlib
import email.utils
import random
import sys
import threading
import time
import types
import weakref
import zlib
from collections.abc import AsyncIterator, Callable, Iterable, Iterator
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import TYPE_CHECKING, Any
from urllib.parse import urljoin, urlsplit

from company_research import errors
from company_research.challenge import detect_block
from company_research.encoding import decode_body, media_type
from company_research.models import FetchedPage
from company_research.scope import host_of, in_scope, is_private_address, resolve_url
from company_research.settings import Settings

if TYPE_CHECKING:
    import httpx
    from protego import Protego

HTML_TYPES = frozenset({"text/html", "application/xhtml+xml"})
FEED_TYPES = frozenset(
    {
        "application/rss+xml",
        "application/atom+xml",
        "application/xml",
        "text/xml",
        "application/rdf+xml",
        "application/feed+json",
        "application/json",
    }
)
SITEMAP_TYPES = FEED_TYPES | {"text/plain", "application/gzip", "application/x-gzip"}
# Headers every request of ours carries. make_client makes them the client's own, so that
# httpx does not merge them into its defaults again for each request (a fifth of the CPU of
# building one); a Fetcher on a client without them sends them with each request.
REQUEST_HEADERS = {
    "Accept": "text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8",
    "Accept-Encoding": "gzip, deflate",
    "Accept-Language": "en, *;q=0.5",
}
RETRY_STATUSES = frozenset({429, 500, 502, 503, 504})
REDIRECT_STATUSES = frozenset({301, 302, 303, 307, 308})


@dataclass(frozen=True)
class FetchRecord:
    """One line of the fetch log: what we asked, what came back."""

    url: str
    status: int | None
    bytes: int
    elapsed_ms: int
    fetched_at: str
    error: str | None = None


def make_client(
    settings: Settings, transport: httpx.AsyncBaseTransport | None = None
) -> httpx.AsyncClient:
    """The one place an HTTP client is built: HTTP/1.1, our timeouts, no automatic redirects.
    `transport` replaces the network (tests, the demo); by default each host gets a small
    connection pool of its own (transport.PerHostTransport)."""
    httpx = import_httpx()
    if transport is None:
        from company_research.transport import PerHostTransport, tls_context

        if _may_use_tls(settings):
            tls_context()  # starts building on a thread; the first https pool waits for it
        # 32 responses open at once across hosts, as the one shared pool of 32 allowed.
        transport = PerHostTransport(per_host=settings.per_host_concurrency, max_connections=32)
    from company_research.transport import Client

    timeout = httpx.Timeout(
        settings.read_timeout, connect=settings.connect_timeout, pool=settings.page_deadline
    )
    return Client(
        http2=False,
        follow_redirects=False,
        timeout=timeout,
        transport=transport,
        headers={"User-Agent": settings.user_agent, **REQUEST_HEADERS},
        trust_env=False,
    )


def _may_use_tls(settings: Settings) -> bool:
    """False when every request goes to a --resolve base over plain http (tests, benchmarks,
    the demo): they never need certifi's bundle loaded."""
    if not settings.resolved_only:
        return True
    return any(base.lower().startswith("https:") for base in settings.resolve.values())


def import_httpx() -> Any:
    """httpx without its own command line: `import httpx` also imports httpx._main (click,
    rich, pygments), a tenth of a second before the first request that we never use."""
    if "httpx" not in sys.modules:
        stub = types.ModuleType("httpx._main")  # no `main` in it: httpx falls back to a stub
        sys.modules["httpx._main"] = stub
        try:
            import httpx  # noqa: F401
        finally:
            if sys.modules.get("httpx._main") is stub:
                del sys.modules["httpx._main"]
    return sys.modules["httpx"]


_now = (-1, "")  # (a second, its ISO 8601 form): each second is formatted once


def now_iso() -> str:
    """The current UTC time to the second, ISO 8601 (asked twice a request)."""
    global _now
    second = int(time.time())
    if second != _now[0]:
        _now = (second, datetime.fromtimestamp(second, UTC).isoformat())
    return _now[1]


_named = threading.local()  # .depth: how many named_asyncio() blocks this thread is in


@contextlib.contextmanager
def named_asyncio() -> Iterator[None]:
    """Tell sniffio, for the block, that this thread runs asyncio (trio tells it the same of
    its own loop). anyio and httpcore ask sniffio which library runs twenty times a request,
    and it otherwise works it out each time from asyncio.current_task(). Blocks may nest and
    interleave (crawls running side by side): the name is set by the first and put back by
    the last to end. Use it only around code that runs on an asyncio loop in this thread."""
    try:
        import sniffio
    except ImportError:  # anyio then assumes asyncio by itself
        yield
        return
    depth = getattr(_named, "depth", 0)
    if depth == 0:
        _named.previous = sniffio.thread_local.name
        sniffio.thread_local.name = "asyncio"
    _named.depth = depth + 1
    try:
        yield
    finally:
        _named.depth -= 1
        if _named.depth == 0:
            sniffio.thread_local.name = _named.previous


# The most turns of the event loop an answer waits for the loop to be quiet before its CPU
# work starts: a bound, should something keep the loop busy all along.
QUIET_MAX_TURNS = 64
# Where the loop's queue of ready callbacks cannot be seen (an event loop other than
# asyncio's own), an answer waits this many turns instead: what a request woken by a freed
# slot takes to reach its socket (the politeness semaphore, httpcore's pool event and
# connection lock, anyio's send).
QUIET_TURNS = 4
_quiet_locks: weakref.WeakKeyDictionary[asyncio.AbstractEventLoop, asyncio.Lock] = (
    weakref.WeakKeyDictionary()
)


async def quiet_loop() -> None:
    """Return once the event loop has nothing else ready to run: call it before CPU work
    (parsing an answer, building a brief) so that the answers already in are read first, the
    slots they free are taken, and the requests waiting for those slots are sent. Parsing a
    page takes milliseconds; a request that waited for it went out that much later, and with
    it the next round of a crawl.

    One caller at a time waits (the others queue behind it), so that two answers waiting for
    each other to finish never keep each other waiting."""
    loop = asyncio.get_running_loop()
    lock = _quiet_locks.get(loop)
    if lock is None:
        lock = _quiet_locks[loop] = asyncio.Lock()
    async with lock:
        # asyncio's loop keeps its ready callbacks in `_ready`. Each turn polls the sockets
        # before it runs them, so an empty queue when we resume means nothing else is due.
        ready = getattr(loop, "_ready", None)
        if not isinstance(ready, collections.deque):
            for _ in range(QUIET_TURNS):
                await asyncio.sleep(0)
            return
        for _ in range(QUIET_MAX_TURNS):
            await asyncio.sleep(0)
            if not ready:
                return


class _HostState:
    def __init__(self, concurrency: int) -> None:
        self.semaphore = asyncio.Semaphore(concurrency)
        self.last_done = float("-inf")  # when the latest answer from this host ended
        self.turn = asyncio.Lock()  # with a delay: held by the one request under way
        self.delay = 0.0
        self.robots: Protego | None = None
        self.robots_verdict: str | None = None  # None (parsed), "allow-all", "disallow-all"
        self.robots_loaded = False
        self.robots_lock = asyncio.Lock()
        self.robots_body: str | None = None
        self.robots_error: str | None = None  # why robots.txt could not be read (5xx, network)


class Politeness:
    """Per-host limits, delays and robots.txt verdicts; share one across concurrent crawls
    (a refresh of many companies) so that a host shared by them is still treated politely."""

    def __init__(self, settings: Settings) -> None:
        self.settings = settings
        self._hosts: dict[str, _HostState] = {}
        # Sites that refused us this run (review sites: 403, a bot check): asked once only.
        self.refused: dict[str, str] = {}
        self.on_refuse: list[Callable[[str, str], None]] = []  # told of each new refusal

    def refuse(self, site: str, reason: str) -> None:
        """Remember that `site` refused us (for the rest of this run, in every process)."""
        if site not in self.refused:
            self.refused[site] = reason
            for listener in self.on_refuse:
                listener(site, reason)

    def host(self, host: str) -> _HostState:
        state = self._hosts.get(host)
        if state is None:
            state = _HostState(self.settings.per_host_concurrency)
            state.delay = self.settings.min_delay
            self._hosts[host] = state
        return state

    def known(self, host: str) -> _HostState | None:
        return self._hosts.get(host)

    @contextlib.asynccontextmanager
    async def slot(self, host: str, state: _HostState) -> AsyncIterator[None]:
        """Hold one of `host`'s request slots for one request. A host with a delay (robots.txt's
        Crawl-delay) gets one request at a time, each starting `delay` seconds after the
        previous answer ended, so the site sees the gap it asked for whatever the network
        and our event loop add. A refresh in several processes asks the refreshing process
        for its slots instead (workers.py), so the limits hold across processes."""
        async with state.semaphore:
            if state.delay > 0:
                async with state.turn:
                    await wait_turn(state)
                    try:
                        yield
                    finally:
                        state.last_done = time.monotonic()
            else:
                try:
                    yield
                finally:  # a Crawl-delay learnt meanwhile counts from the end of this one
                    state.last_done = max(state.last_done, time.monotonic())


async def wait_turn(state: _HostState) -> None:
    """Sleep until `delay` after this host's previous answer ended (call holding state.turn)."""
    wait = state.last_done + state.delay - time.monotonic()
    if wait > 0:
        await asyncio.sleep(wait)


class Fetcher:
    """Fetches URLs of one company politely; keeps a log of every request it made."""

    def __init__(
        self,
        client: httpx.AsyncClient,
        settings: Settings,
        domain: str,
        validators: dict[str, tuple[str | None, str | None]] | None = None,
        politeness: Politeness | None = None,
    ) -> None:
        self.client = client
        self.settings = settings
        self.domain = domain
        self.validators = {} if settings.fresh else dict(validators or {})
        self.log: list[FetchRecord] = []
        self.notices: list[str] = []
        self.politeness = politeness or Politeness(settings)
        # REQUEST_HEADERS go with each request unless the client sends them all by itself
        # (make_client's): the server sees the same headers, in the same order, either way.
        own = all(client.headers.get(k) == v for k, v in REQUEST_HEADERS.items())
        self._headers = {} if own else dict(REQUEST_HEADERS)

    def use_validators(self, validators: dict[str, tuple[str | None, str | None]]) -> None:
        """ETag/Last-Modified per URL for conditional requests (ignored with --fresh)."""
        self.validators = {} if self.settings.fresh else dict(validators)

    def _host(self, host: str) -> _HostState:
        return self.politeness.host(host)

    async def allowed(self, url: str) -> bool:
        """robots.txt verdict for url (fetched once per host; RFC 9309 on errors)."""
        if not self.settings.obey_robots:
            return True
        parts = urlsplit(url)
        state = self._host(parts.hostname or "")
        async with state.robots_lock:
            if not state.robots_loaded:
                await self._load_robots(f"{parts.scheme}://{parts.netloc}/robots.txt", state)
                state.robots_loaded = True
        if state.robots_verdict == "allow-all":
            return True
        if state.robots_verdict == "disallow-all" or state.robots is None:
            return False
        return bool(state.robots.can_fetch(url, self.settings.user_agent))

    def robots_text(self, host: str) -> str | None:
        state = self.politeness.known(host)
        return state.robots_body if state else None

    async def _load_robots(self, robots_url: str, state: _HostState) -> None:
        from protego import Protego

        try:
            status, headers, body, _final = await self._request(robots_url, conditional=False)
        except errors.FetchError as exc:
            # RFC 9309: unreachable robots.txt means "assume disallowed for now"; a redirect
            # off-site or a 4xx-ish failure means there is no robots.txt we can honour.
            state.robots_verdict = (
                "allow-all" if exc.status and exc.status < 500 else "disallow-all"
            )
            if state.robots_verdict == "disallow-all":
                state.robots_error = exc.reason
            return
        if 400 <= status < 500 and status != 429:
            state.robots_verdict = "allow-all"
            return
        if status >= 500 or status == 429:  # 429 means "slow down", not "no robots.txt"
            state.robots_verdict = "disallow-all"
            state.robots_error = f"robots.txt answered HTTP {status}"
            return
        text = decode_body(body, headers.get("content-type"))[:500_000]
        state.robots_body = text
        try:
            state.robots = Protego.parse(text)
        except Exception:
            state.robots_verdict = "allow-all"
            return
        delay = state.robots.crawl_delay(self.settings.user_agent)
        if delay:
            capped = min(float(delay), self.settings.max_crawl_delay)
            state.delay = max(state.delay, capped)
            if float(delay) > capped:
                self.notices.append(
                    f"{host_of(robots_url)} asks for a {delay:g}s crawl delay; we wait {capped:g}s"
                )

    async def fetch(
        self,
        url: str,
        *,
        accept: Iterable[str] = HTML_TYPES,
        max_bytes: int | None = None,
        conditional: bool = True,
    ) -> FetchedPage:
        """GET url within scope and politeness; raise FetchError (a subclass) on any failure."""
        if not await self.allowed(url):
            failure = self._host(host_of(url)).robots_error
            reason = f"unreachable ({failure})" if failure else "robots.txt disallows it"
            self._record(url, None, 0, 0, reason)
            if failure:
                raise errors.FetchError(url, failure)
            raise errors.DisallowedError(url, reason)
        started = time.monotonic()
        status, headers, body, final_url = await self._request(
            url, conditional=conditional, max_bytes=max_bytes
        )
        elapsed_ms = int((time.monotonic() - started) * 1000)
        # What follows (decoding, the bot-check test, the caller's parsing) is CPU work:
        # answers that came in with this one and requests they let go are seen to first.
        await quiet_loop()
        ctype = media_type(headers.get("content-type"))
        etag, modified = headers.get("etag"), headers.get("last-modified")
        if status == 304:  # answered for final_url: the hop we held validators for
            stored_etag, stored_modified = self.validators.get(final_url, (None, None))
            return FetchedPage(
                url=final_url,
                requested_url=url,
                status=304,
                content_type=ctype,
                body=b"",
                text="",
                fetched_at=now_iso(),
                elapsed_ms=elapsed_ms,
                etag=etag or stored_etag,
                last_modified=modified or stored_modified,
                not_modified=True,
            )
        if status >= 400:
            if status in (401, 403, 429, 503):  # bot checks and login walls answer with these
                reason = detect_block(
                    status, decode_body(body, headers.get("content-type")), headers
                )
                if reason:
                    raise errors.ChallengeError(final_url, reason, status=status)
            raise errors.FetchError(final_url, _status_reason(status, headers), status=status)
        accepted = frozenset(accept)
        if ctype and ctype not in accepted and not _sniff_ok(body, accepted):
            raise errors.BadContentTypeError(final_url, f"content type {ctype!r}", status=status)
        if accepted & HTML_TYPES and _looks_binary(body):
            raise errors.BadContentTypeError(
                final_url, f"binary data served as {ctype or 'a page'}", status=status
            )
        text = decode_body(body, headers.get("content-type"))
        if accepted & HTML_TYPES:
            reason = detect_block(status, text, headers)
            if reason:
                raise errors.ChallengeError(final_url, reason, status=status)
        return FetchedPage(
            url=final_url,
            requested_url=url,
            status=status,
            content_type=ctype or "text/html",
            body=body,
            text=text,
            fetched_at=now_iso(),
            elapsed_ms=elapsed_ms,
            etag=etag,
            last_modified=modified,
        )

    async def _request(
        self, url: str, *, conditional: bool, max_bytes: int | None = None
    ) -> tuple[int, dict[str, str], bytes, str]:
        """Follow redirects by hand, checking every hop against scope and robots."""
        current = url
        for _hop in range(self.settings.max_redirects + 1):
            status, headers, body = await self._request_once(
                current, conditional=conditional, max_bytes=max_bytes
            )
            if status not in REDIRECT_STATUSES:
                return status, headers, body, current
            location = headers.get("location")
            if not location:
                return status, headers, body, current
            target = self._unresolve(urljoin(current, location.strip()))
            self._check_scope(target)
            if (
                target != url
                and not current.endswith("/robots.txt")
                and not await self.allowed(target)
            ):
                raise errors.DisallowedError(target, "robots.txt disallows the redirect target")
            current = target
        raise errors.FetchError(url, f"more than {self.settings.max_redirects} redirects")

    def _check_scope(self, url: str) -> None:
        host = host_of(url)
        scheme = urlsplit(url).scheme
        if scheme not in ("http", "https"):
            raise errors.OutOfScopeError(url, f"redirect to a {scheme or 'bad'} URL")
        if is_private_address(host):
            raise errors.OutOfScopeError(url, "redirect to a private or local address")
        if not in_scope(url, self.domain):
            raise errors.OutOfScopeError(url, f"redirect off {self.domain}")

    def _unresolve(self, url: str) -> str:
        """A Location that points into a --resolve base maps back to the site's own URL."""
        for host, base in self.settings.resolve.items():
            if url.startswith(base + "/") or url == base:
                return f"https://{host}{url[len(base) :] or '/'}"
        return url

    async def _request_once(
        self, url: str, *, conditional: bool, max_bytes: int | None
    ) -> tuple[int, dict[str, str], bytes]:
        import httpx

        host = host_of(url)
        state = self._host(host)
        headers = dict(self._headers)
        if conditional and url in self.validators:
            etag, modified = self.validators[url]
            if etag:
                headers["If-None-Match"] = etag
            if modified:
                headers["If-Modified-Since"] = modified
        target = resolve_url(url, self.settings.resolve)
        if target == url and self.settings.resolved_only:
            raise errors.OutOfScopeError(url, "not mapped by --resolve (resolved-only mode)")
        if target != url:
            headers["Host"] = host
            headers["X-Forwarded-Proto"] = urlsplit(url).scheme
        else:
            await _refuse_private_dns(url, host)
        cap = max_bytes or self.settings.max_body_bytes
        last_error = "no attempt"
        for attempt in range(self.settings.retries + 1):
            started = time.monotonic()
            try:
                async with self.politeness.slot(host, state):
                    async with asyncio.timeout(self.settings.page_deadline):
                        status, resp_headers, body = await self._stream(target, headers, cap, url)
            except errors.FetchError as exc:
                self._record(url, exc.status, 0, _ms(started), exc.reason)
                raise
            except (httpx.TransportError, TimeoutError, httpx.StreamError) as exc:
                last_error = _describe(exc)
                self._record(url, None, 0, _ms(started), last_error)
                # A page that used its whole deadline (or stalled past the read timeout) will
                # not do better at once: retrying it would multiply the worst case per page.
                timed_out = isinstance(exc, TimeoutError | httpx.TimeoutException)
                if attempt < self.settings.retries and not timed_out:
                    await asyncio.sleep(self._backoff(attempt, None))
                    continue
                raise errors.FetchError(url, last_error) from exc
            self._record(url, status, len(body), _ms(started), None)
            if status in RETRY_STATUSES and attempt < self.settings.retries:
                wait = self._backoff(attempt, resp_headers.get("retry-after"))
                if wait > self.settings.max_retry_after:
                    return status, resp_headers, body
                await asyncio.sleep(wait)
                continue
            return status, resp_headers, body
        raise errors.FetchError(url, last_error)

    async def _stream(
        self, target: str, headers: dict[str, str], cap: int, url: str
    ) -> tuple[int, dict[str, str], bytes]:
        async with self.client.stream("GET", target, headers=headers) as resp:
            resp_headers = {k.lower(): v for k, v in resp.headers.items()}
            if resp.status_code in REDIRECT_STATUSES or resp.status_code == 304:
                return resp.status_code, resp_headers, b""
            declared = resp_headers.get("content-length", "")
            if declared.isdigit() and int(declared) > cap:
                raise errors.TooLargeError(url, f"body of {int(declared):,} bytes is over the cap")
            decoder = _Decoder(resp_headers.get("content-encoding", ""), url)
            chunks: list[bytes] = []
            size = 0
            async for raw in resp.aiter_raw():
                piece = decoder.feed(raw, cap - size + 1)
                size += len(piece)
                if size > cap:
                    raise errors.TooLargeError(url, f"body over the {cap:,}-byte cap")
                chunks.append(piece)
            return resp.status_code, resp_headers, b"".join(chunks)

    def _backoff(self, attempt: int, retry_after: str | None) -> float:
        if retry_after:
            seconds = _parse_retry_after(retry_after)
            if seconds is not None:
                return seconds
        return self.settings.backoff_base * (2**attempt) * (1 + random.random() / 2)  # noqa: S311

    def _record(self, url: str, status: int | None, size: int, ms: int, error: str | None) -> None:
        self.log.append(FetchRecord(url, status, size, ms, now_iso(), error))


class _Decoder:
    """Content-Encoding decoder with a bound on output per call (gzip bombs stop at the cap)."""

    def __init__(self, encoding: str, url: str) -> None:
        encoding = encoding.strip().lower()
        self.url = url
        if encoding in ("", "identity"):
            self._zlib = None
        elif encoding in ("gzip", "x-gzip", "deflate"):
            self._zlib = zlib.decompressobj(47)  # 32+15: gzip or zlib header, auto-detected
            self._raw_deflate = encoding == "deflate"
        else:
            raise errors.FetchError(url, f"unsupported content encoding {encoding!r}")

    def feed(self, data: bytes, limit: int) -> bytes:
        if self._zlib is None:
            return data
        try:
            out = self._zlib.decompress(data, max(limit, 1))
        except zlib.error as exc:
            if self._raw_deflate:
                self._zlib = zlib.decompressobj(-15)
                self._raw_deflate = False
                return self.feed(data, limit)
            raise errors.FetchError(self.url, "corrupt compressed body") from exc
        if self._zlib.unconsumed_tail:
            raise errors.TooLargeError(self.url, "compressed body inflates past the cap")
        return out


async def _refuse_private_dns(url: str, host: str) -> None:
    """A name (not mapped by --resolve) whose DNS answer is a private, loopback or link-local
    address is out of scope: a public site has no business sending us into a LAN."""
    import socket

    if is_private_address(host):
        raise errors.OutOfScopeError(url, "a private or local address")
    if not host or _is_ip_literal(host):
        return
    try:
        infos = await asyncio.get_running_loop().getaddrinfo(host, None, type=socket.SOCK_STREAM)
    except (OSError, UnicodeError):
        return  # the client reports the DNS failure itself, with its own message
    for info in infos:
        address = str(info[4][0])
        if is_private_address(address):
            raise errors.OutOfScopeError(url, f"{host} resolves to the private address {address}")


def _is_ip_literal(host: str) -> bool:
    import ipaddress

    try:
        ipaddress.ip_address(host.strip("[]"))
    except ValueError:
        return False
    return True


def _looks_binary(body: bytes) -> bool:
    """NUL bytes in the head of a body never occur in a page (UTF-16 pages carry a BOM)."""
    head = body[:4096]
    if head.startswith((b"\xff\xfe", b"\xfe\xff")):
        return False
    return b"\x00" in head


def _sniff_ok(body: bytes, accepted: frozenset[str]) -> bool:
    head = body[:512].lstrip().lower()
    if accepted & HTML_TYPES:
        return head.startswith((b"<!doctype html", b"<html"))
    return head.startswith((b"<?xml", b"<rss", b"<feed", b"<urlset", b"<sitemapindex"))


def _status_reason(status: int, headers: dict[str, str]) -> str:
    """'HTTP 429 (rate limited; it asks us to wait 3600s)': what a user can act on."""
    wait = _parse_retry_after(headers.get("retry-after", ""))
    if status == 429:
        return f"HTTP 429 (rate limited; it asks us to wait {wait:.0f}s)" if wait else "HTTP 429"
    if status == 503 and wait:
        return f"HTTP 503 (unavailable; it asks us to come back in {wait:.0f}s)"
    return f"HTTP {status}"


def _parse_retry_after(value: str) -> float | None:
    value = value.strip()
    if value.isdigit():
        return float(value)
    try:
        when = email.utils.parsedate_to_datetime(value)
    except (TypeError, ValueError):
        return None
    if when.tzinfo is None:
        when = when.replace(tzinfo=UTC)
    return max(0.0, (when - datetime.now(UTC)).total_seconds())


def _describe(exc: Exception) -> str:
    import httpx

    if isinstance(exc, TimeoutError | httpx.TimeoutException):
        return "timed out"
    if isinstance(exc, httpx.ConnectError):
        return "could not connect"
    if isinstance(exc, httpx.RemoteProtocolError):
        return "connection closed mid-response"
    if isinstance(exc, httpx.ReadError | httpx.WriteError):
        return "connection reset mid-response"
    return type(exc).__name__


def _ms(started: float) -> int:
    return int((time.monotonic() - started) * 1000)
