"""Transport: one small httpx connection pool per host, and one TLS context for the process."""

from __future__ import annotations

import asyncio
import concurrent.futures
import contextlib
import importlib
import socket
import ssl
import threading
import weakref
from collections import OrderedDict
from typing import Any

from company_research.fetch import import_httpx

import_httpx()  # before `import httpx`: skips importing its command line
import httpx  # noqa: E402

# httpcore, and anyio's asyncio backend and streams, are otherwise imported by the first
# request, halfway to sending it: `research` starts a thread (opening the store) just before
# that request, and the two would take turns at the GIL. Imported now, the first request
# has only itself to build. Not every version has these modules: then they load as before.
for _name in ("httpcore", "httpcore._backends.anyio", "anyio._backends._asyncio"):
    with contextlib.suppress(ImportError):
        importlib.import_module(_name)

# Idle per-host pools kept open; beyond this the least recently used idle ones are closed (a
# refresh of 100 companies must not keep hundreds of sockets open). Pools in use are never
# closed, so a refresh of N companies at once holds about N pools.
MAX_IDLE_POOLS = 8

# Linux delays the ACK of what a connection receives (up to 40 ms) once the connection looks
# interactive, as a kept-alive one does after its first request and answer. A server that
# writes an answer's headers and its body separately, with Nagle's algorithm on (as Python's
# http.server and others do), holds the body back until the headers are acknowledged: each
# answer after a connection's first then took 40 ms more. TCP_QUICKACK acknowledges at once;
# it lasts until the connection sends again, so it is set on each answer (Linux only).
_QUICKACK = getattr(socket, "TCP_QUICKACK", None)

# The socket under each connection's stream: anyio builds every attribute of a stream (and asks
# the kernel for its peer address) each time one is asked for, 9 us a response.
_sockets: weakref.WeakKeyDictionary[Any, socket.socket | None] = weakref.WeakKeyDictionary()

_tls_lock = threading.Lock()
_tls_future: concurrent.futures.Future[ssl.SSLContext] | None = None
_tls_thread: threading.Thread | None = None
_plain_context: ssl.SSLContext | None = None


def tls_context() -> concurrent.futures.Future[ssl.SSLContext]:
    """The verifying TLS context (certifi's bundle, as httpx builds it), built once per process
    on a thread: loading the bundle costs 0.03-0.1 s of CPU, and releases the GIL while it
    reads, so a crawl's first plain work overlaps it."""
    global _tls_future, _tls_thread
    with _tls_lock:
        if _tls_future is None:
            future: concurrent.futures.Future[ssl.SSLContext] = concurrent.futures.Future()

            def build() -> None:
                try:
                    context = httpx.create_ssl_context(verify=True, trust_env=False)
                except BaseException as exc:  # handed to whoever waits for the context
                    future.set_exception(exc)
                else:
                    future.set_result(context)

            _tls_thread = threading.Thread(target=build, name="tls-context", daemon=True)
            _tls_thread.start()
            _tls_future = future
        return _tls_future


def settle_tls_context() -> None:
    """Wait until the TLS context is built and its thread has ended: before forking refresh
    workers, which then share it (started early, it is built while the caller imports)."""
    future = tls_context()
    with contextlib.suppress(Exception):  # a failure is handed to each request that needs it
        future.result()
    if _tls_thread is not None:
        _tls_thread.join()


def _unused_context() -> ssl.SSLContext:
    """What a plain-http pool is given (httpx would otherwise load certifi's bundle for it): it
    never makes a TLS connection, and with no trusted roots any attempt would fail closed."""
    global _plain_context
    if _plain_context is None:
        _plain_context = ssl.SSLContext(ssl.PROTOCOL_TLS_CLIENT)
    return _plain_context


class _Cookies(httpx.Cookies):
    """The client's cookies. httpx hands every answer to the cookie jar, building urllib
    stand-ins for the request and the answer first (23 us); one that sets no cookie (nearly
    all) is now left out, which is all the jar would have done with it."""

    def extract_cookies(self, response: httpx.Response) -> None:
        headers = response.headers
        if "set-cookie" in headers or "set-cookie2" in headers:
            super().extract_cookies(response)


class Client(httpx.AsyncClient):
    """httpx's client with _Cookies as its cookie jar (make_client builds one)."""

    def __init__(self, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self.cookies = kwargs.get("cookies")  # type: ignore[assignment]

    @property
    def cookies(self) -> httpx.Cookies:
        return self._research_cookies

    @cookies.setter
    def cookies(self, cookies: Any) -> None:
        self._research_cookies = _Cookies(cookies)


class _HostPool:
    __slots__ = ("active", "transport")

    def __init__(self, transport: httpx.AsyncHTTPTransport) -> None:
        self.transport = transport
        self.active = 0  # responses handed out and not yet closed


class PerHostTransport(httpx.AsyncBaseTransport):
    """Routes each request to a small connection pool of its own host (scheme, address, port
    and Host header: sites mapped by --resolve onto one server still get a pool each).

    httpcore checks every connection of a pool for readability on each request it assigns and
    each response it releases; with one pool of up to 32 for every host that was a tenth of a
    refresh's CPU (0.5 ms a request). A pool per host holds at most as many connections as we send requests to one host at
    once. At most `max_connections` responses are open at a time across all hosts, as the one
    shared pool allowed."""

    def __init__(
        self,
        *,
        per_host: int,
        max_connections: int,
        keepalive_expiry: float = 5.0,
        max_idle_pools: int = MAX_IDLE_POOLS,
    ) -> None:
        # Slack over per_host: two crawls with their own politeness may share a client.
        self._limits = httpx.Limits(
            max_connections=per_host + 2,
            max_keepalive_connections=per_host,
            keepalive_expiry=keepalive_expiry,
        )
        self._pools: OrderedDict[tuple[Any, ...], _HostPool] = OrderedDict()
        self._slots = asyncio.Semaphore(max_connections)
        self._max_idle_pools = max_idle_pools
        self._closed = False

    async def __aenter__(self) -> PerHostTransport:
        return self

    async def __aexit__(self, *exc_info: object) -> None:
        await self.aclose()

    async def handle_async_request(self, request: httpx.Request) -> httpx.Response:
        if self._closed:
            raise RuntimeError("the transport is closed")
        url = request.url
        key = (url.raw_scheme, url.raw_host, url.port, request.headers.get("host"))
        await self._take_slot(request)
        try:
            pool = self._pools.get(key)
            if pool is None:
                pool = await self._open(key)
            else:
                self._pools.move_to_end(key)
                pool.active += 1  # before any await: an idle pool may be closed meanwhile
        except BaseException:
            self._slots.release()
            raise
        try:
            response = await pool.transport.handle_async_request(request)
        except BaseException:
            pool.active -= 1
            self._slots.release()
            raise
        response.stream = _Released(response.stream, pool, self._slots)
        if _QUICKACK is not None:
            _ack_now(response)
        return response

    async def _open(self, key: tuple[Any, ...]) -> _HostPool:
        """The pool for key, created if need be, counted as in use."""
        if key[0] in (b"https", b"wss"):
            verify = await asyncio.wrap_future(tls_context())
        else:
            verify = _unused_context()
        pool = self._pools.get(key)  # another request may have opened it while we waited
        if pool is not None:
            self._pools.move_to_end(key)
            pool.active += 1
            return pool
        pool = _HostPool(httpx.AsyncHTTPTransport(verify=verify, limits=self._limits))
        pool.active = 1
        self._pools[key] = pool
        try:
            await self._close_idle()
        except BaseException:
            pool.active -= 1
            raise
        return pool

    async def _close_idle(self) -> None:
        """Close the least recently used idle pools beyond the cap."""
        excess = len(self._pools) - self._max_idle_pools
        if excess <= 0:
            return
        # Taken out of the table before the first await, so no request picks one up meanwhile.
        idle = [key for key, pool in self._pools.items() if not pool.active][:excess]
        closing = [self._pools.pop(key) for key in idle]
        for pool in closing:
            await pool.transport.aclose()

    async def _take_slot(self, request: httpx.Request) -> None:
        if not self._slots.locked():
            await self._slots.acquire()  # does not suspend
            return
        timeout = request.extensions.get("timeout", {}).get("pool")
        try:
            async with asyncio.timeout(timeout):
                await self._slots.acquire()
        except TimeoutError:
            raise httpx.PoolTimeout("no connection free in time") from None

    async def aclose(self) -> None:
        self._closed = True
        pools, self._pools = list(self._pools.values()), OrderedDict()
        for pool in pools:
            await pool.transport.aclose()


def _ack_now(response: httpx.Response) -> None:
    """Acknowledge what the connection of `response` has received, now (see _QUICKACK): its
    headers are in, its body may be waiting on the server for that acknowledgement."""
    stream = response.extensions.get("network_stream")
    if stream is None or _QUICKACK is None:
        return
    try:
        sock = _sockets[stream]
    except (KeyError, TypeError):  # not seen yet; or a stream that cannot be weakly referred to
        sock = stream.get_extra_info("socket")
        if sock is not None and sock.type != socket.SOCK_STREAM:
            sock = None
        with contextlib.suppress(TypeError):
            _sockets[stream] = sock
    if sock is None:
        return
    with contextlib.suppress(OSError):  # a closed or non-TCP socket: nothing to acknowledge
        sock.setsockopt(socket.IPPROTO_TCP, _QUICKACK, 1)


class _Released(httpx.AsyncByteStream):
    """A response body that gives its slot back and marks its pool idle once closed; iterating
    it is iterating the pool's own stream (no extra generator per chunk)."""

    __slots__ = ("_closed", "_pool", "_slots", "_stream")

    def __init__(self, stream: Any, pool: _HostPool, slots: asyncio.Semaphore) -> None:
        self._stream = stream
        self._pool = pool
        self._slots = slots
        self._closed = False

    def __aiter__(self) -> Any:
        return self._stream.__aiter__()

    async def aclose(self) -> None:
        if not self._closed:
            self._closed = True
            self._pool.active -= 1
            self._slots.release()
        await self._stream.aclose()
