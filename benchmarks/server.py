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
asyncio event loop watching non-blocking sockets (loop.add_reader), a minimal HTTP/1.1 parser
(GET only, keep-alive, `Connection: close`, no request bodies: anything else is answered 400
or 501 and the connection closed), the delay as a timer on the loop (call_later, what
asyncio.sleep uses, without a task per request), and each answer written with one send
(header lines precomputed per page). Answers are byte for byte those of the http.server
version it replaced (status line, Server and Date headers included), except for malformed
requests; a request counts as in flight from its arrival until the last byte of its answer
is handed to the socket.

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


class Connection:
    """One client connection: its requests are answered one after another, in order.

    A non-blocking socket watched with loop.add_reader/add_writer rather than an asyncio
    Protocol: a transport costs an accept task, a future and several turns of the loop per
    connection, and a refresh opens one for every two requests or so (about 400 for 100
    companies); the Protocol version of this server used 10-15% more CPU in that refresh.
    """

    __slots__ = (
        "buffer", "busy", "closed", "closing", "eof", "fd", "loop", "out", "pending", "server",
        "sock", "task",
    )  # fmt: skip

    def __init__(self, server: BenchServer, sock: socket.socket) -> None:
        self.server = server
        self.sock = sock
        self.loop = asyncio.get_running_loop()
        self.buffer = b""
        self.busy = False  # a request is being answered (waiting for its delay, or warming)
        self.eof = False  # the client will send no more
        self.closing = False  # no more requests: close once the output is sent
        self.closed = False
        self.out = b""  # what the socket has not taken yet
        self.pending: list[tuple[str, str, int, int, float]] = []  # counted once fully sent
        self.task: asyncio.Task | None = None
        # The loop is given the descriptor, not the socket: it looks each one up first, and the
        # KeyError for a new one formats the socket's repr (two system calls).
        self.fd = sock.fileno()
        self.loop.add_reader(self.fd, self._readable)

    # -- the socket ---------------------------------------------------------------------------
    def _readable(self) -> None:
        try:
            data = self.sock.recv(65536)
        except (BlockingIOError, InterruptedError):
            return
        except OSError:
            self.abort()
            return
        if data:
            self.buffer = self.buffer + data if self.buffer else data
            if len(self.buffer) > MAX_BUFFERED:  # sent far ahead of its answers
                self.abort()
            elif not self.busy:
                self._next()
        else:
            self.loop.remove_reader(self.fd)
            self.eof = True
            if not self.busy:
                self._next()  # a request read before the EOF is still answered

    def write(self, data: bytes) -> bool:
        """Send; False if part of it waits for the socket to be writable."""
        if self.closed:
            return True
        if self.out:
            self.out += data
            return False
        try:
            sent = self.sock.send(data)
        except (BlockingIOError, InterruptedError):
            sent = 0
        except OSError:
            self.abort()
            return True
        if sent == len(data):
            return True
        self.out = data[sent:]
        self.loop.add_writer(self.fd, self._writable)
        return False

    def _writable(self) -> None:
        try:
            sent = self.sock.send(self.out)
        except (BlockingIOError, InterruptedError):
            return
        except OSError:
            self.abort()
            return
        self.out = self.out[sent:]
        if self.out:
            return
        self.loop.remove_writer(self.fd)
        self._count_sent()
        if self.closing:
            self.abort()
        elif not self.busy:
            self._next()

    def _count_sent(self, failed: bool = False) -> None:
        """Answers leave the in-flight count once their last byte is sent; those the connection
        failed to send count as status 500, 0 bytes, as with http.server."""
        leave = self.server.counters.leave
        for host, path, status, size, arrived in self.pending:
            leave(host, path, 500 if failed else status, 0 if failed else size, arrived)
        self.pending.clear()

    def close(self) -> None:
        """Close once what was written has been sent; read no more requests."""
        self.closing = True
        if not self.out:
            self.abort()

    def abort(self) -> None:
        """Close now."""
        if self.closed:
            return
        self.closed = self.closing = True
        if not self.eof:
            self.loop.remove_reader(self.fd)
        if self.out:
            self.loop.remove_writer(self.fd)
            self.out = b""
        self.sock.close()
        self._count_sent(failed=True)

    # -- requests -----------------------------------------------------------------------------
    def _next(self) -> None:
        """Answer the requests the buffer holds, until one has to wait (delay, output, warm)."""
        while not (self.busy or self.closing or self.out):
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
                    self.close()
                return
            self.buffer = buffer[end + skip :]
            self._request(buffer[:end].decode("latin-1"))

    def _fail(self, status: int, explain: str) -> None:
        self.write(self.server.error(status, explain))
        self.close()

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
        if target[:1] == "/":
            if target[:2] == "//":
                target = "/" + target.lstrip("/")  # as http.server: no open redirect via //host
            # What urlsplit gives for a path (it has no scheme, no netloc, no whitespace).
            target, _, query = target.partition("#")[0].partition("?")
        else:
            parts = urlsplit(target)
            target, query = parts.path, parts.query
        path = unquote(target)
        if path.startswith("/_bench/"):
            self._control(path, parse_qs(query), keep)
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
            self.loop.call_later(server.delay, self._reply, host, rest, inm, accept, keep, arrived)
        else:
            self._reply(host, rest, inm, accept, keep, arrived)

    def _reply(
        self, host: str, path: str, inm: str, accept: str, keep: bool, arrived: float
    ) -> None:
        """Write a counted answer (after the delay); it leaves the in-flight count once sent."""
        status, size = 500, 0
        sent = True
        try:
            data, status, size = self.server.answer(host, path, inm, accept)
            sent = self.write(data)
            if self.closed:  # the client is gone: not answered
                status, size = 500, 0
        except Exception:
            traceback.print_exc()
            keep = False
        finally:
            if sent:
                self.server.counters.leave(host, path, status, size, arrived)
            else:
                self.pending.append((host, path, status, size, arrived))
        self._done(keep)

    def _done(self, keep: bool) -> None:
        self.busy = False
        if keep:
            self._next()
        else:
            self.close()

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
                self.task = self.loop.create_task(self._warm(count, keep))
                return
            else:
                self.write(server.response(404, b"{}", "application/json"))
                self._done(keep)
                return
        except Exception:
            traceback.print_exc()
            self._done(False)
            return
        self._json(payload, keep)

    async def _warm(self, count: int, keep: bool) -> None:
        """Build companies one at a time, letting other connections be answered in between."""
        try:
            for number in range(count):
                if self.server.sites.build(domain_of(number)):
                    await asyncio.sleep(0)
        except Exception:
            traceback.print_exc()
            self._done(False)
            return
        self._json({"warm": count}, keep)

    def _json(self, payload: object, keep: bool) -> None:
        self.write(self.server.response(200, json.dumps(payload).encode(), "application/json"))
        self._done(keep)


def _accept(server: BenchServer, listener: socket.socket) -> None:
    """Take every connection waiting on the listening socket."""
    while True:
        try:
            sock, _ = listener.accept()
        except (BlockingIOError, InterruptedError):
            return
        except OSError:  # out of file descriptors, a connection reset before it was taken...
            traceback.print_exc()
            return
        sock.setblocking(False)
        # As nginx, Apache and CDNs: with Nagle on, an answer written after the connection's
        # first can wait for the client's delayed ACK (up to 40 ms).
        sock.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
        Connection(server, sock)


async def serve(delay: float, port: int = 0) -> None:
    """Serve until cancelled; print the base URL first."""
    server = BenchServer(delay)
    listener = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    listener.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    listener.bind(("127.0.0.1", port))
    listener.listen(512)
    listener.setblocking(False)
    loop = asyncio.get_running_loop()
    loop.add_reader(listener.fileno(), _accept, server, listener)
    print(f"http://127.0.0.1:{listener.getsockname()[1]}", flush=True)
    await loop.create_future()  # until cancelled (Ctrl-C)


def main() -> None:
    delay = float(sys.argv[1]) if len(sys.argv) > 1 else 0.1
    # SIGTERM keeps its default action (the process ends at once, as before); Ctrl-C ends
    # asyncio.run with KeyboardInterrupt, which is not worth a traceback.
    with contextlib.suppress(KeyboardInterrupt):
        asyncio.run(serve(delay))


if __name__ == "__main__":
    main()
