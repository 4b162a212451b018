"""Benchmark server: generated company sites on loopback, with latency and per-host counters.

Run as a separate process (`python benchmarks/server.py`) so that its CPU does not compete with
the code being measured for one interpreter's GIL; it prints its base URL on stdout. Each site
is served at http://127.0.0.1:PORT/<domain>/..., the layout `--resolve DOMAIN=BASE/DOMAIN`
expects. Control endpoints (not counted):

    GET /_bench/stats             requests, statuses, bytes, max in flight, per host and total
    GET /_bench/log               every (host, path, status, bytes) served since the last reset
    GET /_bench/reset             zero the counters
    GET /_bench/delay?seconds=S   set the delay before every answer
    GET /_bench/warm?companies=N  build companies 0..N-1 now, so no crawl waits for generation
"""

from __future__ import annotations

import gzip
import hashlib
import json
import sys
import threading
import time
from collections import defaultdict
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from urllib.parse import parse_qs, unquote, urlsplit

sys.path.insert(0, str(Path(__file__).resolve().parent))

import contextlib

from sitegen import build_company


class Counters:
    """Requests, bytes and concurrency per host, safe across handler threads."""

    def __init__(self) -> None:
        self.lock = threading.Lock()
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
        with self.lock:
            self.in_flight[host] += 1
            self.max_in_flight[host] = max(self.max_in_flight[host], self.in_flight[host])
            self.total_in_flight += 1
            self.max_total_in_flight = max(self.max_total_in_flight, self.total_in_flight)

    def leave(self, host: str, path: str, status: int, size: int, arrived: float) -> None:
        with self.lock:
            self.in_flight[host] -= 1
            self.total_in_flight -= 1
            self.requests[host] += 1
            self.statuses[host][status] += 1
            self.bytes[host] += size
            self.log.append((host, path, status, size, arrived, time.time()))

    def snapshot(self) -> dict:
        with self.lock:
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


class Sites:
    """Generated companies, built on first request and kept (compressed) for the run."""

    def __init__(self) -> None:
        self.lock = threading.Lock()
        self.cache: dict[str, dict[str, tuple[str, str, bytes, bytes]] | None] = {}

    def page(self, domain: str, path: str) -> tuple[str, str, bytes, bytes] | None:
        """(etag, content type, raw body, gzipped body) of a path, or None."""
        with self.lock:
            if domain not in self.cache:
                self.cache[domain] = self._build(domain)
            site = self.cache[domain]
        return site.get(path) if site else None

    @staticmethod
    def _build(domain: str) -> dict[str, tuple[str, str, bytes, bytes]] | None:
        try:
            number = int(domain.rsplit("-", 1)[1].split(".")[0])
        except (IndexError, ValueError):
            return None
        company = build_company(number)
        if company.domain != domain:
            return None
        pages = {}
        for path, page in company.pages.items():
            etag = '"' + hashlib.sha256(page.body).hexdigest()[:20] + '"'
            pages[path] = (etag, page.content_type, page.body, gzip.compress(page.body, 6))
        return pages


class BenchServer(ThreadingHTTPServer):
    daemon_threads = True
    allow_reuse_address = True
    request_queue_size = 512

    def __init__(self, port: int = 0) -> None:
        super().__init__(("127.0.0.1", port), Handler)
        self.delay = 0.1
        self.counters = Counters()
        self.sites = Sites()


class Handler(BaseHTTPRequestHandler):
    server: BenchServer
    protocol_version = "HTTP/1.1"
    # TCP_NODELAY, as nginx, Apache and CDNs set on kept-alive connections: with Nagle on,
    # an answer written in two parts (headers, body) waits for the client's delayed ACK.
    disable_nagle_algorithm = True

    def log_message(self, format: str, *args: object) -> None:
        pass

    def do_GET(self) -> None:
        parts = urlsplit(self.path)
        path = unquote(parts.path)
        if path.startswith("/_bench/"):
            self._control(path, parse_qs(parts.query))
            return
        host, _, rest = path.lstrip("/").partition("/")
        rest = "/" + rest
        counters = self.server.counters
        counters.enter(host)
        arrived = time.time()
        status, size = 500, 0
        try:
            if self.server.delay:
                time.sleep(self.server.delay)
            status, size = self._answer(host, rest)
        finally:
            counters.leave(host, rest, status, size, arrived)

    def _answer(self, host: str, path: str) -> tuple[int, int]:
        found = self.server.sites.page(host, path)
        if found is None:
            if not path.endswith("/") and self.server.sites.page(host, path + "/"):
                return self._send(301, b"", "text/html", {"Location": path + "/"})
            return self._send(404, b"<h1>Not found</h1>", "text/html; charset=utf-8")
        etag, ctype, raw, packed = found
        headers = {"ETag": etag, "Cache-Control": "max-age=0, must-revalidate"}
        if etag in (self.headers.get("If-None-Match") or "").replace(" ", "").split(","):
            return self._send(304, b"", ctype, headers, head=True)
        if "gzip" in (self.headers.get("Accept-Encoding") or "").lower():
            headers["Content-Encoding"] = "gzip"
            headers["Vary"] = "Accept-Encoding"
            return self._send(200, packed, ctype, headers)
        return self._send(200, raw, ctype, headers)

    def _send(
        self,
        status: int,
        body: bytes,
        ctype: str,
        headers: dict[str, str] | None = None,
        *,
        head: bool = False,
    ) -> tuple[int, int]:
        self.send_response(status)
        self.send_header("Content-Type", ctype)
        if not head:
            self.send_header("Content-Length", str(len(body)))
        for name, value in (headers or {}).items():
            self.send_header(name, value)
        self.end_headers()
        if not head:
            self.wfile.write(body)
        return status, 0 if head else len(body)

    def _control(self, path: str, query: dict[str, list[str]]) -> None:
        counters = self.server.counters
        if path == "/_bench/stats":
            payload: object = counters.snapshot()
        elif path == "/_bench/log":
            with counters.lock:
                payload = list(counters.log)
        elif path == "/_bench/reset":
            with counters.lock:
                counters.reset()
            payload = {"ok": True}
        elif path == "/_bench/delay":
            self.server.delay = float(query.get("seconds", ["0"])[0])
            payload = {"delay": self.server.delay}
        elif path == "/_bench/warm":
            from sitegen import domain_of

            count = int(query.get("companies", ["0"])[0])
            for number in range(count):
                self.server.sites.page(domain_of(number), "/")
            payload = {"warm": count}
        else:
            self._send(404, b"{}", "application/json")
            return
        self._send(200, json.dumps(payload).encode(), "application/json")


def main() -> None:
    delay = float(sys.argv[1]) if len(sys.argv) > 1 else 0.1
    server = BenchServer()
    server.delay = delay
    print(f"http://127.0.0.1:{server.server_address[1]}", flush=True)
    with contextlib.suppress(KeyboardInterrupt):
        server.serve_forever()


if __name__ == "__main__":
    main()
