"""A loopback HTTP server for saved sites: the demo, the tests and offline copies use it."""

from __future__ import annotations

import hashlib
import json
import mimetypes
import sys
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from email.utils import formatdate
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any
from urllib.parse import unquote, urlsplit

CONTENT_TYPES = {
    ".html": "text/html; charset=utf-8",
    ".htm": "text/html; charset=utf-8",
    ".xml": "application/xml",
    ".rss": "application/rss+xml",
    ".atom": "application/atom+xml",
    ".json": "application/json",
    ".txt": "text/plain; charset=utf-8",
    ".gz": "application/gzip",
    ".css": "text/css",
    ".js": "application/javascript",
    ".png": "image/png",
    ".jpg": "image/jpeg",
    ".svg": "image/svg+xml",
}
INDEX_FILES = ("index.html", "index.xml", "index.json")


@dataclass
class RequestLog:
    """What the server was asked, for tests and benchmarks to assert on."""

    lines: list[tuple[str, str, int]] = field(default_factory=list)  # (host, path, status)
    lock: threading.Lock = field(default_factory=threading.Lock)
    in_flight: dict[str, int] = field(default_factory=dict)
    max_in_flight: dict[str, int] = field(default_factory=dict)
    # (time.monotonic(), path) of each request as it arrived, per site
    arrivals: dict[str, list[tuple[float, str]]] = field(default_factory=dict)

    def enter(self, site: str, path: str = "") -> None:
        with self.lock:
            self.arrivals.setdefault(site, []).append((time.monotonic(), path))
            self.in_flight[site] = self.in_flight.get(site, 0) + 1
            self.max_in_flight[site] = max(self.max_in_flight.get(site, 0), self.in_flight[site])

    def leave(self, site: str) -> None:
        with self.lock:
            self.in_flight[site] -= 1

    def add(self, host: str, path: str, status: int) -> None:
        with self.lock:
            self.lines.append((host, path, status))

    def paths(self, site: str) -> list[str]:
        with self.lock:
            return [p for (h, p, _s) in self.lines if h == site]

    def clear(self) -> None:
        with self.lock:
            self.lines.clear()
            self.max_in_flight.clear()
            self.arrivals.clear()


class SiteServer(ThreadingHTTPServer):
    daemon_threads = True
    allow_reuse_address = True

    def __init__(self, root: Path | list[Path], log: RequestLog) -> None:
        super().__init__(("127.0.0.1", 0), SiteHandler)
        self.roots = [root] if isinstance(root, Path) else list(root)
        self.root = self.roots[0]
        self.log = log
        self.down: set[str] = set()  # sites that answer 503 (tests switch them off)
        self.delay = 0.0  # seconds before each answer, like a real website's latency

    def handle_error(self, request: Any, client_address: Any) -> None:
        """A client that hangs up (a killed crawl, a timeout) is normal here, not a traceback."""
        if isinstance(sys.exc_info()[1], ConnectionError):
            return
        super().handle_error(request, client_address)

    @property
    def base_url(self) -> str:
        return f"http://127.0.0.1:{self.server_address[1]}"

    def resolve_map(self, hosts: list[str] | None = None) -> dict[str, str]:
        """HOST -> BASE_URL for every site folder (or the ones named)."""
        names = hosts or sorted(
            {p.name for root in self.roots for p in root.iterdir() if p.is_dir()}
        )
        return {name: f"{self.base_url}/{name}" for name in names if not name.startswith("_")}

    def site_dir(self, site: str) -> Path:
        """The folder serving `site`: the first root that has it."""
        for root in self.roots:
            if (root / site).is_dir():
                return root / site
        return self.root / site


class SiteHandler(BaseHTTPRequestHandler):
    server: SiteServer
    protocol_version = "HTTP/1.1"
    # TCP_NODELAY, as nginx, Apache and CDNs set on kept-alive connections: with Nagle on,
    # an answer written in two parts (headers, body) waits for the client's delayed ACK.
    disable_nagle_algorithm = True

    def log_message(self, format: str, *args: object) -> None:
        pass  # requests are recorded in RequestLog, not printed

    def do_HEAD(self) -> None:
        self._serve(head=True)

    def do_GET(self) -> None:
        self._serve(head=False)

    def _serve(self, *, head: bool) -> None:
        site = unquote(urlsplit(self.path).path).lstrip("/").split("/", 1)[0]
        # In flight from arrival until the answer starts: a client that waits for the whole
        # answer before its next request never overlaps with it (had `leave` come after the
        # write, this thread could still be on its way there when the next request arrives).
        self.server.log.enter(site, self.path)
        try:
            if self.server.delay:
                time.sleep(self.server.delay)
        finally:
            self.server.log.leave(site)
        self._answer(head=head)

    def _answer(self, *, head: bool) -> None:
        parts = urlsplit(self.path)
        segments = unquote(parts.path).lstrip("/").split("/", 1)
        site = segments[0]
        rest = "/" + (segments[1] if len(segments) > 1 else "")
        site_dir = self.server.site_dir(site)
        if not site or not site_dir.is_dir() or site.startswith((".", "_")):
            self._send(404, b"no such site\n", "text/plain", head=head, site=site, path=rest)
            return
        if site in self.server.down:
            self._send(
                503, b"down for maintenance\n", "text/plain", head=head, site=site, path=rest
            )
            return
        config = _site_config(site_dir)
        query = f"?{parts.query}" if parts.query else ""
        canonical = config.get("canonical")
        if canonical:
            want = urlsplit(canonical)
            host = (self.headers.get("Host") or "").split(":")[0].lower()
            proto = (self.headers.get("X-Forwarded-Proto") or "").lower()
            is_loopback = host in ("127.0.0.1", "localhost", "")
            if not is_loopback and (host != want.hostname or (proto and proto != want.scheme)):
                self._redirect(f"{canonical.rstrip('/')}{rest}{query}", site, rest, head)
                return
        redirects = config.get("redirects", {})
        if rest in redirects:
            self._redirect(redirects[rest], site, rest, head)
            return
        target = _find_file(site_dir, f"{rest}@{parts.query}") if parts.query else None
        target = target if isinstance(target, Path) else _find_file(site_dir, rest)
        if target == "add-slash":
            self._redirect(rest + "/" + query, site, rest, head)
            return
        if target is None:
            page_404 = site_dir / "_404.html"
            body = page_404.read_bytes() if page_404.is_file() else b"<h1>Not found</h1>"
            self._send(404, body, "text/html; charset=utf-8", head=head, site=site, path=rest)
            return
        assert isinstance(target, Path)  # "add-slash" and None were answered above
        body = target.read_bytes()
        ctype = config.get("content_types", {}).get(rest) or _content_type(target, body)
        etag = '"' + hashlib.sha1(body).hexdigest()[:16] + '"'  # noqa: S324 (a cache tag)
        headers = {
            "ETag": etag,
            "Last-Modified": formatdate(target.stat().st_mtime, usegmt=True),
            **config.get("headers", {}).get(rest, {}),
        }
        status = int(config.get("statuses", {}).get(rest, 200))
        if status != 200:
            self._send(status, body, ctype, head=head, site=site, path=rest, extra=headers)
            return
        if self.headers.get("If-None-Match") == etag:
            self._send(304, b"", ctype, head=True, site=site, path=rest, extra=headers)
            return
        self._send(200, body, ctype, head=head, site=site, path=rest, extra=headers)

    def _redirect(self, location: str, site: str, path: str, head: bool) -> None:
        self._send(
            301, b"", "text/html", head=head, site=site, path=path, extra={"Location": location}
        )

    def _send(
        self,
        status: int,
        body: bytes,
        ctype: str,
        *,
        head: bool,
        site: str,
        path: str,
        extra: dict[str, str] | None = None,
    ) -> None:
        self.server.log.add(site, path, status)
        self.send_response(status)
        self.send_header("Content-Type", ctype)
        self.send_header("Content-Length", str(len(body)))
        for name, value in (extra or {}).items():
            self.send_header(name, value)
        self.end_headers()
        if not head:
            try:
                self.wfile.write(body)
            except (BrokenPipeError, ConnectionResetError):
                self.close_connection = True  # the client stopped reading (a size cap, a kill)


def _site_config(site_dir: Path) -> dict:
    path = site_dir / "_site.json"
    if not path.is_file():
        return {}
    return json.loads(path.read_text(encoding="utf-8"))


def _find_file(site_dir: Path, path: str) -> Path | str | None:
    relative = path.lstrip("/")
    if any(part.startswith(("_", ".")) for part in relative.split("/") if part):
        return None
    candidate = (site_dir / relative).resolve()
    if not candidate.is_relative_to(site_dir.resolve()):
        return None
    if path.endswith("/") or not relative:
        for name in INDEX_FILES:
            if (candidate / name).is_file():
                return candidate / name
        return None
    if candidate.is_file():
        return candidate
    with_html = candidate.with_name(candidate.name + ".html")
    if with_html.is_file():
        return with_html
    if candidate.is_dir():
        return "add-slash"
    return None


def _content_type(path: Path, body: bytes = b"") -> str:
    known = CONTENT_TYPES.get(path.suffix.lower()) or mimetypes.guess_type(path.name)[0]
    if known:
        return known
    # Extensionless pages (/review/acme.com, /de/acme/kommentare) are HTML, as sites serve them.
    if body[:200].lstrip().lower().startswith((b"<!doctype html", b"<html")):
        return "text/html; charset=utf-8"
    return "application/octet-stream"


@contextmanager
def serve_sites(root: Path | list[Path]) -> Iterator[SiteServer]:
    """Serve every folder of `root` (or of several roots) as a site on a free loopback port,
    for the `with` block."""
    server = SiteServer(root, RequestLog())
    thread = threading.Thread(target=server.serve_forever, name="loopback-sites", daemon=True)
    thread.start()
    try:
        yield server
    finally:
        server.shutdown()
        server.server_close()
        thread.join(timeout=5)
