"""A loopback site server with named fault behaviours per path (test-only; scrapy's mock
server is the model): status, redirect, hang, slow drip, reset, huge body, gzip bomb, raw body.

Faults are keyed by (site, path) in `server.faults`; a path of "*" faults every path of the
site, and "/robots.txt" can be faulted like any other path. Everything else is served by the
shipped loopback server unchanged.
"""

from __future__ import annotations

import functools
import socket
import struct
import threading
import zlib
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import unquote, urlsplit

from company_research.loopback import RequestLog, SiteHandler, SiteServer

CHUNK = 64 * 1024


@dataclass(frozen=True)
class Fault:
    """One behaviour. `kind` is one of: status, redirect, hang, drip, reset, huge, bomb, body."""

    kind: str
    status: int = 200
    headers: dict[str, str] = field(default_factory=dict)
    body: bytes = b""
    content_type: str = "text/html; charset=utf-8"
    location: str = ""
    size: int = 0  # huge: bytes to stream
    declare_length: bool = False  # huge: send Content-Length (else the body runs to close)
    interval: float = 0.5  # drip: seconds between bytes


@functools.cache
def gzip_bomb(inflated: int = 512 * 1024**2) -> bytes:
    """A gzip stream of `inflated` zero bytes (512 MiB -> about 500 KB), built once per session."""
    packer = zlib.compressobj(9, zlib.DEFLATED, 31)
    zeros = bytes(CHUNK * 16)
    parts = [packer.compress(zeros) for _ in range(inflated // len(zeros))]
    parts.append(packer.flush())
    return b"".join(parts)


class FaultServer(SiteServer):
    def __init__(self, root: Path, log: RequestLog) -> None:
        super().__init__(root, log)
        self.faults: dict[tuple[str, str], Fault] = {}
        self.stopping = threading.Event()  # releases hanging handlers at shutdown
        self.bytes_sent: dict[str, int] = {}

    def fault_for(self, site: str, path: str) -> Fault | None:
        return self.faults.get((site, path)) or self.faults.get((site, "*"))


class FaultHandler(SiteHandler):
    server: FaultServer

    def _answer(self, *, head: bool) -> None:
        parts = unquote(urlsplit(self.path).path).lstrip("/").split("/", 1)
        site, rest = parts[0], "/" + (parts[1] if len(parts) > 1 else "")
        fault = self.server.fault_for(site, rest)
        if fault is None:
            super()._answer(head=head)
            return
        self.server.log.add(site, rest, fault.status)
        try:
            getattr(self, f"_fault_{fault.kind}")(fault, site, rest)
        except (BrokenPipeError, ConnectionResetError):
            self.close_connection = True  # the client gave up reading: what we want

    def _head(self, status: int, ctype: str, headers: dict[str, str], length: int | None) -> None:
        self.send_response(status)
        self.send_header("Content-Type", ctype)
        if length is not None:
            self.send_header("Content-Length", str(length))
        else:
            self.send_header("Connection", "close")
            self.close_connection = True
        for name, value in headers.items():
            self.send_header(name, value)
        self.end_headers()

    def _fault_status(self, fault: Fault, _site: str, _path: str) -> None:
        body = fault.body or f"<h1>HTTP {fault.status}</h1>".encode()
        self._head(fault.status, fault.content_type, fault.headers, len(body))
        self.wfile.write(body)

    _fault_body = _fault_status

    def _fault_redirect(self, fault: Fault, _site: str, path: str) -> None:
        self.send_response(fault.status if fault.status >= 300 else 302)
        self.send_header("Location", fault.location.replace("{path}", path))
        self.send_header("Content-Length", "0")
        self.end_headers()

    def _fault_hang(self, fault: Fault, _site: str, _path: str) -> None:
        self._head(200, fault.content_type, {}, 100_000)
        self.wfile.write(b"<!doctype html><html><head><title>wait")
        self.wfile.flush()
        self.server.stopping.wait(120)

    def _fault_drip(self, fault: Fault, _site: str, _path: str) -> None:
        body = fault.body or b"<!doctype html><html><body>" + b"." * 10_000
        self._head(200, fault.content_type, {}, len(body))
        for i in range(len(body)):
            if self.server.stopping.wait(fault.interval):
                return
            self.wfile.write(body[i : i + 1])
            self.wfile.flush()

    def _fault_reset(self, _fault: Fault, _site: str, _path: str) -> None:
        self._head(200, "text/html", {}, 50_000)
        self.wfile.write(b"<!doctype html><html><body><p>cut")
        self.wfile.flush()
        # SO_LINGER 0: close() sends RST instead of FIN, as a crashed proxy does.
        self.connection.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, struct.pack("ii", 1, 0))
        self.connection.close()
        self.close_connection = True

    def _fault_huge(self, fault: Fault, site: str, _path: str) -> None:
        length = fault.size if fault.declare_length else None
        self._head(200, fault.content_type, {}, length)
        self.wfile.write(b"<!doctype html><html><body>")
        block = b"<p>" + b"x" * (CHUNK - 8) + b"</p>\n"
        sent = 0
        while sent < fault.size and not self.server.stopping.is_set():
            self.wfile.write(block)  # the same block again: the server holds 64 KB, not 300 MB
            sent += len(block)
            self.server.bytes_sent[site] = self.server.bytes_sent.get(site, 0) + len(block)

    def _fault_bomb(self, fault: Fault, _site: str, _path: str) -> None:
        body = gzip_bomb()
        headers = {"Content-Encoding": "gzip", **fault.headers}
        self._head(200, fault.content_type, headers, len(body))
        self.wfile.write(body)


@contextmanager
def serve_faults(root: Path) -> Iterator[FaultServer]:
    """Serve every folder of `root` with fault injection on a free loopback port."""
    server = FaultServer(root, RequestLog())
    server.RequestHandlerClass = FaultHandler
    thread = threading.Thread(target=server.serve_forever, name="fault-sites", daemon=True)
    thread.start()
    try:
        yield server
    finally:
        server.stopping.set()
        server.shutdown()
        server.server_close()
        thread.join(timeout=5)
