"""Benchmark server: generated company sites on loopback, with latency and per-host counters.

Run as a separate process (`python benchmarks/server.py [DELAY]`, default 0.1 s) so that its
CPU does not compete with the code being measured for one interpreter's GIL; it prints its base
URL on stdout. Each site is served at http://127.0.0.1:PORT/<domain>/..., the layout
`--resolve DOMAIN=BASE/DOMAIN` expects. Control endpoints (not counted, no delay):

    GET /_bench/stats             requests, statuses, bytes, max in flight, per host and total
    GET /_bench/log               every (host, path, status, bytes, arrived, answered) since
                                  the last reset, times from time.time()
    GET /_bench/reset             zero the counters
    GET /_bench/delay?seconds=S   set the delay before every later answer
    GET /_bench/warm?companies=N  build companies 0..N-1 now, so no crawl waits for generation

It shares the measured program's two cores, so its own CPU is kept small: one thread, one
asyncio event loop, an asyncio.Protocol per connection with a minimal HTTP/1.1 parser (GET
only, keep-alive, no request bodies: anything else is answered 400 or 501 and the connection
closed), the delay as a timer on the loop, and each answer written with one send (headers
precomputed per page). Answers are byte for byte those of the http.server version it replaced
(status line, Server and Date headers included), except for malformed requests.

A site is built (sitegen, ~35 ms) on its first request, on the event loop, so that request
holds up the others for that long; run.py warms every company before it measures, and
`/_bench/warm` lets other connections be served between two companies.
"""

from __future__ import annotations

import asyncio
import contextlib
import gzip
import hashlib
import json
import socket
import sys
import time
import traceback
from collections import defaultdict
from email.utils import formatdate
from http import HTTPStatus
from http.server import DEFAULT_ERROR_CONTENT_TYPE, DEFAULT_ERROR_MESSAGE
from pathlib import Path
from urllib.parse import parse_qs, unquote, urlsplit

sys.path.insert(0, str(Path(__file__).resolve().parent))

from sitegen import build_company, domain_of

# What http.server answered with (BaseHTTPRequestHandler.version_string()): kept so that the
# answers, and anything a client stores of them, do not change with the server's rewrite.
SERVER = f"BaseHTTP/0.6 Python/{sys.version.split()[0]}"
CACHE_CONTROL = "max-age=0, must-revalidate"
MAX_HEAD = 65536  # bytes of request line and headers (http.server: 65536 per line)
MAX_BUFFERED = 1 << 20  # bytes a client may send ahead of its answers (pipelining)


class Counters:
    """Requests, bytes and concurrency per host (one thread: no lock needed)."""

    def __init__(self) -> None:
        self.reset()

    def reset(self) -> None:
        self.requests: dict[str, int] = defaultdict(int)
        self.statuses: dict[str, dict[int, int]] = defaultdict(lambda: defaultdict(int))
        self.bytes: dict[str, int] = defaultdict(int)
        self.in_flight: dict[str, int] = defaultdict(int)
        self.max_in_flight: dict[str, int] = defaultdict(int)
        self.total_in_flight = 0
        self.max_total_in_flight = 0
        self.log: list[tuple[str, str, int, int, float, float]] = []

    def enter(self, host: str) -> None:
        in_flight = self.in_flight[host] = self.in_flight[host] + 1
        if in_flight > self.max_in_flight[host]:
            self.max_in_flight[host] = in_flight
        self.total_in_flight += 1
        if self.total_in_flight > self.max_total_in_flight:
            self.max_total_in_flight = self.total_in_flight

    def leave(self, host: str, path: str, status: int, size: int, arrived: float) -> None:
        self.in_flight[host] -= 1
        self.total_in_flight -= 1
        self.requests[host] += 1
        self.statuses[host][status] += 1
        self.bytes[host] += size
        self.log.append((host, path, status, size, arrived, time.time()))

    def snapshot(self) -> dict:
        statuses: dict[int, int] = defaultdict(int)
        for per_host in self.statuses.values():
            for status, count in per_host.items():
                statuses[status] += count
        return {
            "requests": sum(self.requests.values()),
            "bytes": sum(self.bytes.values()),
            "statuses": {str(k): v for k, v in sorted(statuses.items())},
            "hosts": len(self.requests),
            "max_in_flight_per_host": max(self.max_in_flight.values(), default=0),
            "max_in_flight_total": self.max_total_in_flight,
            "per_host": {
                h: {
                    "requests": self.requests[h],
                    "bytes": self.bytes[h],
                    "max_in_flight": self.max_in_flight[h],
                    "statuses": {str(k): v for k, v in self.statuses[h].items()},
                }
                for h in self.requests
            },
        }


def _headers(pairs: list[tuple[str, str]]) -> bytes:
    """Header lines and the blank line that ends them."""
    return "".join(f"{name}: {value}\r\n" for name, value in pairs).encode("latin-1") + b"\r\n"


class Page:
    """One page, with the header lines of its three possible answers precomputed."""

    __slots__ = ("etag", "gzipped", "not_modified", "packed", "plain", "raw")

    def __init__(self, body: bytes, ctype: str) -> None:
        self.etag = '"' + hashlib.sha256(body).hexdigest()[:20] + '"'
        self.raw = body
        self.packed = gzip.compress(body, 6)
        cached = [("ETag", self.etag), ("Cache-Control", CACHE_CONTROL)]
        gz = [("Content-Encoding", "gzip"), ("Vary", "Accept-Encoding")]
        ctype_h = ("Content-Type", ctype)
        self.plain = _headers([ctype_h, ("Content-Length", str(len(body))), *cached])
        self.gzipped = _headers([ctype_h, ("Content-Length", str(len(self.packed))), *cached, *gz])
        self.not_modified = _headers([ctype_h, *cached])  # no Content-Length on a 304


class Sites:
    """Generated companies, built on first request and kept (compressed) for the run."""

    def __init__(self) -> None:
        self.cache: dict[str, dict[str, Page] | None] = {}

    def page(self, domain: str, path: str) -> Page | None:
        site = self.cache.get(domain)
        if site is None and domain not in self.cache:
            site = self.cache[domain] = self._build(domain)
        return site.get(path) if site else None

    def build(self, domain: str) -> bool:
        """Build a site unless it is known already; whether that took any work."""
        if domain in self.cache:
            return False
        self.cache[domain] = self._build(domain)
        return True

    @staticmethod
    def _build(domain: str) -> dict[str, Page] | None:
        try:
            number = int(domain.rsplit("-", 1)[1].split(".")[0])
        except (IndexError, ValueError):
            return None
        company = build_company(number)
        if company.domain != domain:
            return None
        return {path: Page(page.body, page.content_type) for path, page in company.pages.items()}


class Status:
    """Status line, Server and Date of each status, made again once a second."""

    def __init__(self) -> None:
        self.second = -1
        self.lines: dict[int, bytes] = {}

    def line(self, status: int) -> bytes:
        now = time.time()
        if int(now) != self.second:
            self.second = int(now)
            self.lines = {}
        line = self.lines.get(status)
        if line is None:
            date = formatdate(now, usegmt=True)
            phrase = HTTPStatus(status).phrase
            line = f"HTTP/1.1 {status} {phrase}\r\nServer: {SERVER}\r\nDate: {date}\r\n"
            line = self.lines[status] = line.encode("latin-1")
        return line


class BenchServer:
    """What every connection shares: delay, counters, sites."""

    def __init__(self, delay: float = 0.1) -> None:
        self.delay = delay
        self.counters = Counters()
        self.sites = Sites()
        self.status = Status()

    def answer(self, host: str, path: str, inm: str, accept: str) -> tuple[bytes, int, int]:
        """(bytes to write, status, body size) for a site's page."""
        status_line = self.status.line
        found = self.sites.page(host, path)
        if found is None:
            if not path.endswith("/") and self.sites.page(host, path + "/"):
                return self.response(301, b"", "text/html", [("Location", path + "/")]), 301, 0
            body = b"<h1>Not found</h1>"
            return self.response(404, body, "text/html; charset=utf-8"), 404, len(body)
        if inm and found.etag in inm.replace(" ", "").split(","):
            return status_line(304) + found.not_modified, 304, 0
        if "gzip" in accept.lower():
            body = found.packed
            return status_line(200) + found.gzipped + body, 200, len(body)
        body = found.raw
        return status_line(200) + found.plain + body, 200, len(body)

    def response(
        self, status: int, body: bytes, ctype: str, extra: list[tuple[str, str]] | None = None
    ) -> bytes:
        head = [("Content-Type", ctype), ("Content-Length", str(len(body))), *(extra or ())]
        return self.status.line(status) + _headers(head) + body

    def error(self, status: int, explain: str) -> bytes:
        """An error page as http.server's send_error writes one; the connection closes after."""
        phrase = HTTPStatus(status).phrase
        body = DEFAULT_ERROR_MESSAGE % {"code": status, "message": phrase, "explain": explain}
        return self.response(
            status, body.encode(), DEFAULT_ERROR_CONTENT_TYPE, [("Connection", "close")]
        )


class Connection(asyncio.Protocol):
    """One client connection: its requests are answered one after another, in order."""

    def __init__(self, server: BenchServer) -> None:
        self.server = server
        self.transport: asyncio.Transport = None  # type: ignore[assignment]  # until connected
        self.buffer = b""
        self.busy = False  # a request is being answered (waiting for its delay, or warming)
        self.eof = False
        self.task: asyncio.Task | None = None

    # -- asyncio callbacks --------------------------------------------------------------------
    def connection_made(self, transport: asyncio.BaseTransport) -> None:
        self.transport = transport
        sock = transport.get_extra_info("socket")
        if sock is not None:
            # As nginx, Apache and CDNs: with Nagle on, an answer after the connection's first
            # can wait for the client's delayed ACK (asyncio sets it too; said here on purpose).
            sock.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)

    def data_received(self, data: bytes) -> None:
        self.buffer = self.buffer + data if self.buffer else data
        if not self.busy:
            self._next()
        elif len(self.buffer) > MAX_BUFFERED:
            self.transport.abort()

    def eof_received(self) -> bool:
        self.eof = True
        if not self.busy:
            self._next()
        return True  # keep the transport: a request read before the EOF is still answered

    # -- requests -----------------------------------------------------------------------------
    def _next(self) -> None:
        """Answer the requests the buffer holds, until one has to wait for its delay."""
        while not self.busy:
            transport = self.transport
            if transport.is_closing():
                return
            buffer = self.buffer
            if buffer[:1] in (b"\r", b"\n"):
                buffer = self.buffer = buffer.lstrip(b"\r\n")  # RFC 9112 2.2: ignore blank lines
            end = buffer.find(b"\r\n\r\n")
            skip = 4
            if end < 0:
                end = buffer.find(b"\n\n")
                skip = 2
            if end < 0:
                if len(buffer) > MAX_HEAD:
                    self._fail(400, "Request header too large")
                elif self.eof:
                    transport.close()
                return
            self.buffer = buffer[end + skip :]
            self._request(buffer[:end].decode("latin-1"))

    def _fail(self, status: int, explain: str) -> None:
        transport = self.transport
        if not transport.is_closing():
            transport.write(self.server.error(status, explain))
            transport.close()

    def _request(self, head: str) -> None:
        lines = head.split("\n")
        words = lines[0].split()
        if len(words) != 3 or words[2] not in ("HTTP/1.1", "HTTP/1.0"):
            self._fail(400, "Bad request syntax")
            return
        headers: dict[str, str] = {}
        last: str | None = None  # the header a folded line continues ("": one not kept)
        for line in lines[1:]:
            if line[:1] in (" ", "\t"):  # obsolete line folding
                if last is None:
                    self._fail(400, "Bad header line")
                    return
                if last:
                    headers[last] += " " + line.strip()
                continue
            name, colon, value = line.partition(":")
            if not colon or not name or name != name.strip():
                self._fail(400, "Bad header line")
                return
            last = name.lower()
            if last in headers:
                last = ""  # the first of repeated headers counts, as with http.server
            else:
                headers[last] = value.strip()
        method, target, version = words
        if method != "GET":
            self._fail(501, f"Unsupported method ({method!r})")
            return
        if headers.get("content-length", "0") != "0" or "transfer-encoding" in headers:
            self._fail(400, "Request bodies are not read here")
            return
        connection = headers.get("connection", "").lower()
        keep = connection == "keep-alive" if version == "HTTP/1.0" else connection != "close"
        if target.startswith("//"):
            target = "/" + target.lstrip("/")  # as http.server: no open redirect via //host
        parts = urlsplit(target)
        path = unquote(parts.path)
        if path.startswith("/_bench/"):
            self._control(path, parse_qs(parts.query), keep)
            return
        host, _, rest = path.lstrip("/").partition("/")
        rest = "/" + rest
        server = self.server
        server.counters.enter(host)
        arrived = time.time()
        inm = headers.get("if-none-match", "")
        accept = headers.get("accept-encoding", "")
        if server.delay:
            self.busy = True
            asyncio.get_running_loop().call_later(
                server.delay, self._reply, host, rest, inm, accept, keep, arrived
            )
        else:
            self._reply(host, rest, inm, accept, keep, arrived)

    def _reply(
        self, host: str, path: str, inm: str, accept: str, keep: bool, arrived: float
    ) -> None:
        """Write a counted answer (after the delay); it leaves the in-flight count once written."""
        status, size = 500, 0
        transport = self.transport
        try:
            data, status, size = self.server.answer(host, path, inm, accept)
            if not transport.is_closing():
                transport.write(data)
        except Exception:
            traceback.print_exc()
            keep = False
        finally:
            self.server.counters.leave(host, path, status, size, arrived)
        self._done(keep)

    def _done(self, keep: bool) -> None:
        self.busy = False
        if keep:
            self._next()
        else:
            self.transport.close()

    # -- control endpoints --------------------------------------------------------------------
    def _control(self, path: str, query: dict[str, list[str]], keep: bool) -> None:
        server = self.server
        counters = server.counters
        try:
            if path == "/_bench/stats":
                payload: object = counters.snapshot()
            elif path == "/_bench/log":
                payload = counters.log
            elif path == "/_bench/reset":
                counters.reset()
                payload = {"ok": True}
            elif path == "/_bench/delay":
                server.delay = float(query.get("seconds", ["0"])[0])
                payload = {"delay": server.delay}
            elif path == "/_bench/warm":
                count = int(query.get("companies", ["0"])[0])
                self.busy = True
                self.task = asyncio.get_running_loop().create_task(self._warm(count, keep))
                return
            else:
                self.transport.write(server.response(404, b"{}", "application/json"))
                self._done(keep)
                return
            self._json(payload, keep)
        except Exception:
            traceback.print_exc()
            self._done(False)

    async def _warm(self, count: int, keep: bool) -> None:
        """Build companies one at a time, letting other connections be answered in between."""
        try:
            for number in range(count):
                if self.server.sites.build(domain_of(number)):
                    await asyncio.sleep(0)
            self._json({"warm": count}, keep)
        except Exception:
            traceback.print_exc()
            self._done(False)

    def _json(self, payload: object, keep: bool) -> None:
        body = json.dumps(payload).encode()
        transport = self.transport
        if not transport.is_closing():
            transport.write(self.server.response(200, body, "application/json"))
        self._done(keep)


async def serve(delay: float, port: int = 0) -> None:
    """Serve until cancelled; print the base URL first."""
    server = BenchServer(delay)
    loop = asyncio.get_running_loop()
    listener = await loop.create_server(
        lambda: Connection(server), "127.0.0.1", port, backlog=512, reuse_address=True
    )
    print(f"http://127.0.0.1:{listener.sockets[0].getsockname()[1]}", flush=True)
    async with listener:
        await listener.serve_forever()


def main() -> None:
    delay = float(sys.argv[1]) if len(sys.argv) > 1 else 0.1
    # SIGTERM keeps its default action (the process ends at once, as before); Ctrl-C ends
    # asyncio.run with KeyboardInterrupt, which is not worth a traceback.
    with contextlib.suppress(KeyboardInterrupt):
        asyncio.run(serve(delay))


if __name__ == "__main__":
    main()
