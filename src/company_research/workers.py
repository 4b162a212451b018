"""Worker processes for a refresh: a long watchlist uses every core, and every host stays polite.

A refresh is CPU-bound (parsing, extracting, the brief) once pages come back quickly, so one
process uses one core. The refreshing process runs `python -m company_research.workers` helpers
and talks to each over its stdin and stdout, one JSON object per line:

    parent -> worker  {"op": "start", "settings": {...}, "refused": {...}}
    worker -> parent  {"op": "ready"}
    parent -> worker  {"op": "company", "domain": "acme.com"}        (one more per "done")
    worker -> parent  {"op": "acquire", "id": 7, "host": "acme.com", "delay": 0.0}
    parent -> worker  {"op": "grant", "id": 7}
    worker -> parent  {"op": "release", "id": 7}
    worker -> parent  {"op": "done", "digest": {...}}
    parent -> worker  {"op": "end"}                                   (no more companies)
    worker -> parent  {"op": "fatal", "error": "StoreError", "message": "..."}

Host slots are the point: the parent's Politeness is the only one that hands them out, so a
host shared by companies in different processes (a review site) never sees more than
`per_host_concurrency` requests at once nor a shorter gap than its Crawl-delay. Each worker
opens the same SQLite store (WAL; every crawl is one transaction, as in one process).
"""

from __future__ import annotations

import asyncio
import contextlib
import dataclasses
import itertools
import json
import os
import sys
import threading
import time
from collections import deque
from collections.abc import AsyncIterator, Callable
from pathlib import Path
from typing import TYPE_CHECKING, Any, BinaryIO

from company_research import errors
from company_research.fetch import Politeness, _HostState, wait_turn
from company_research.settings import Settings

if TYPE_CHECKING:
    from company_research.refresh import CompanyDigest
    from company_research.watch import WatchEntry

# A worker process costs its start-up (~0.3 s of CPU to import the pipeline): below this many
# due companies per process it does not pay for itself.
COMPANIES_PER_PROCESS = 8
MAX_PROCESSES = 4


def default_processes(companies: int, concurrency: int) -> int:
    """How many processes a refresh of `companies` at `concurrency` at a time should use: one
    per core this process may run on, at most MAX_PROCESSES, none idle for want of work."""
    try:
        cores = len(os.sched_getaffinity(0))
    except AttributeError:  # not on Linux
        cores = os.cpu_count() or 1
    return max(1, min(cores, MAX_PROCESSES, concurrency, companies // COMPANIES_PER_PROCESS))


def shares(concurrency: int, processes: int) -> list[int]:
    """`concurrency` companies at a time split between `processes` (the first is this one)."""
    processes = max(1, min(processes, concurrency))
    return [concurrency // processes + (i < concurrency % processes) for i in range(processes)]


def settings_to_json(settings: Settings) -> dict[str, Any]:
    out = {f.name: getattr(settings, f.name) for f in dataclasses.fields(settings)}
    out["db_path"] = str(settings.db_path) if settings.db_path is not None else None
    return out


def settings_from_json(data: dict[str, Any]) -> Settings:
    known = {f.name for f in dataclasses.fields(Settings)}
    values = {k: v for k, v in data.items() if k in known}
    if values.get("db_path") is not None:
        values["db_path"] = Path(values["db_path"])
    return Settings(**values)


def digest_to_json(digest: CompanyDigest) -> dict[str, Any]:
    return dataclasses.asdict(digest)


def digest_from_json(data: dict[str, Any]) -> CompanyDigest:
    from company_research.refresh import Change, CompanyDigest

    changes = [Change(**c) for c in data.pop("changes", [])]
    return CompanyDigest(**data, changes=changes)


# -- the refreshing process ----------------------------------------------------------------
class WorkerPool:
    """The refreshing process's side: starts workers, feeds them companies from the queue the
    process itself also takes from, and hands out host slots from its own Politeness."""

    def __init__(
        self,
        settings: Settings,
        politeness: Politeness,
        queue: deque[WatchEntry],
        finished: Callable[[CompanyDigest], None],
    ) -> None:
        self.settings = settings
        self.politeness = politeness
        self.queue = queue
        self.finished = finished
        self.used = 0  # worker processes that refreshed at least one company
        self._senders: list[Callable[[dict[str, Any]], None]] = []
        politeness.on_refuse.append(self._tell_refusal)

    def _tell_refusal(self, site: str, reason: str) -> None:
        for send in self._senders:
            send({"op": "refused", "site": site, "reason": reason})

    async def run_worker(self, concurrency: int) -> None:
        """One worker process, from start to its last company. A worker that cannot start
        leaves its share to the others; one that dies fails the companies it held."""
        try:
            proc = await asyncio.create_subprocess_exec(
                sys.executable,
                "-m",
                "company_research.workers",
                stdin=asyncio.subprocess.PIPE,
                stdout=asyncio.subprocess.PIPE,
                limit=1 << 26,  # a line is one message; a digest with many changes is long
            )
        except OSError:
            return
        assert proc.stdin is not None and proc.stdout is not None
        held: dict[int, asyncio.Event] = {}
        grants: set[asyncio.Task[None]] = set()
        assigned: dict[str, int] = {}
        stdin = proc.stdin

        def send(message: dict[str, Any]) -> None:
            if not stdin.is_closing():
                stdin.write(json.dumps(message).encode() + b"\n")

        def assign() -> None:
            if self.queue:
                domain = self.queue.popleft().domain
                assigned[domain] = assigned.get(domain, 0) + 1
                send({"op": "company", "domain": domain})
            else:
                send({"op": "end"})

        async def grant(ident: int, host: str, delay: float) -> None:
            state = self.politeness.host(host)
            state.delay = max(state.delay, min(float(delay), self.settings.max_crawl_delay))
            async with state.semaphore:
                released = held[ident] = asyncio.Event()
                if state.delay > 0:  # as Politeness.slot: one at a time, delay after each
                    async with state.turn:
                        await wait_turn(state)
                        send({"op": "grant", "id": ident})
                        await released.wait()
                        state.last_done = time.monotonic()
                else:
                    send({"op": "grant", "id": ident})
                    await released.wait()
                    state.last_done = max(state.last_done, time.monotonic())

        fatal: dict[str, Any] | None = None
        done_here = 0
        try:
            send(
                {
                    "op": "start",
                    "settings": settings_to_json(self.settings),
                    "refused": self.politeness.refused,
                }
            )
            self._senders.append(send)
            while line := await proc.stdout.readline():
                message = json.loads(line)
                op = message.get("op")
                if op == "acquire":
                    task = asyncio.create_task(
                        grant(int(message["id"]), str(message["host"]), message["delay"])
                    )
                    grants.add(task)
                    task.add_done_callback(grants.discard)
                elif op == "release":
                    event = held.pop(int(message["id"]), None)
                    if event:
                        event.set()
                elif op == "ready":
                    for _ in range(concurrency):
                        assign()
                elif op == "done":
                    done_here += 1
                    self.used += done_here == 1
                    digest = digest_from_json(message["digest"])
                    if assigned.get(digest.domain):
                        assigned[digest.domain] -= 1
                    self.finished(digest)
                    assign()
                elif op == "refused":
                    self.politeness.refuse(str(message["site"]), str(message["reason"]))
                elif op == "fatal":
                    fatal = message
        finally:
            self._senders.remove(send)
            for task in grants:
                task.cancel()
            for event in held.values():
                event.set()
            with contextlib.suppress(Exception):
                stdin.close()
            try:  # it stops when its stdin closes; one that does not is ended
                code = await asyncio.wait_for(proc.wait(), timeout=30)
            except TimeoutError:
                with contextlib.suppress(ProcessLookupError):
                    proc.kill()
                code = await proc.wait()
        if fatal:
            raise _error_from(fatal)
        from company_research.refresh import Change, CompanyDigest

        why = f"its worker process ended unexpectedly (exit code {code}); stored data kept"
        for domain, count in assigned.items():
            for _ in range(count):
                self.finished(
                    CompanyDigest(
                        domain, "failed", [Change("unreachable", f"could not refresh: {why}", None)]
                    )
                )


def _error_from(message: dict[str, Any]) -> errors.ResearchError:
    kind = getattr(errors, str(message.get("error")), None)
    text = str(message.get("message") or "a worker process failed")
    if isinstance(kind, type) and issubclass(kind, errors.ResearchError):
        return kind(text)
    return errors.ResearchError(text)


# -- a worker process ----------------------------------------------------------------------
class BrokeredPoliteness(Politeness):
    """A worker's Politeness: robots.txt and delays are learnt here, but every request slot is
    asked of the refreshing process, which holds the limits for all processes."""

    def __init__(
        self, settings: Settings, send: Callable[[dict[str, Any]], None], refused: dict[str, str]
    ) -> None:
        super().__init__(settings)
        self._send = send
        self.refused.update(refused)
        self._ids = itertools.count(1)
        self._waiting: dict[int, asyncio.Future[None]] = {}

    def refuse(self, site: str, reason: str) -> None:
        if site not in self.refused:
            self.refused[site] = reason
            self._send({"op": "refused", "site": site, "reason": reason})

    def heard_refusal(self, site: str, reason: str) -> None:
        """Another process was refused by `site`: do not ask it either."""
        self.refused.setdefault(site, reason)

    def granted(self, ident: int) -> None:
        waiter = self._waiting.pop(ident, None)
        if waiter is None or waiter.done():  # given up on (cancelled) meanwhile: give it back
            self._send({"op": "release", "id": ident})
        else:
            waiter.set_result(None)

    @contextlib.asynccontextmanager
    async def slot(self, host: str, state: _HostState) -> AsyncIterator[None]:
        ident = next(self._ids)
        waiter = self._waiting[ident] = asyncio.get_running_loop().create_future()
        self._send({"op": "acquire", "id": ident, "host": host, "delay": state.delay})
        await waiter  # if cancelled here, granted() releases the slot when it comes
        try:
            yield
        finally:
            self._send({"op": "release", "id": ident})


async def _serve(
    settings: Settings, refused: dict[str, str], inbox: asyncio.Queue[Any], out: BinaryIO
) -> None:
    from company_research.fetch import make_client
    from company_research.refresh import _refresh_company
    from company_research.store import open_store

    def send(message: dict[str, Any]) -> None:
        try:
            out.write(json.dumps(message).encode() + b"\n")
            out.flush()
        except OSError:  # the refreshing process is gone (killed): stop, keep what is stored
            inbox.put_nowait(None)

    politeness = BrokeredPoliteness(settings, send, refused)
    store = open_store(settings.db_path)
    running: set[asyncio.Task[None]] = set()

    async def one(domain: str) -> None:
        try:
            digest = await _refresh_company(domain, settings, store, client, politeness)
        except errors.ResearchError as exc:  # the store failed: the whole refresh stops
            send({"op": "fatal", "error": type(exc).__name__, "message": str(exc)})
            inbox.put_nowait(None)
            return
        send({"op": "done", "digest": digest_to_json(digest)})

    try:
        async with make_client(settings) as client:
            send({"op": "ready"})
            while True:
                message = await inbox.get()
                if message is None:  # the refreshing process is gone: stop at once
                    return
                op = message.get("op")
                if op == "grant":
                    politeness.granted(int(message["id"]))
                elif op == "refused":
                    politeness.heard_refusal(str(message["site"]), str(message["reason"]))
                elif op == "company":
                    task = asyncio.create_task(one(str(message["domain"])))
                    running.add(task)
                    task.add_done_callback(running.discard)
                elif op == "end":
                    break
            # No more companies: keep answering grants until those running are done.
            while running:
                getter = asyncio.ensure_future(inbox.get())
                done, _ = await asyncio.wait(
                    {getter, *running}, return_when=asyncio.FIRST_COMPLETED
                )
                if getter in done:
                    message = getter.result()
                    if message is None:
                        break
                    if message.get("op") == "grant":
                        politeness.granted(int(message["id"]))
                    elif message.get("op") == "refused":
                        politeness.heard_refusal(str(message["site"]), str(message["reason"]))
                else:
                    getter.cancel()
    finally:
        for task in running:
            task.cancel()
        store.close()


def _read_lines(loop: asyncio.AbstractEventLoop, inbox: asyncio.Queue[Any]) -> None:
    """Thread: the parent's messages onto the loop; None when the parent is gone."""
    for line in sys.stdin.buffer:
        loop.call_soon_threadsafe(inbox.put_nowait, json.loads(line))
    loop.call_soon_threadsafe(inbox.put_nowait, None)


def main() -> None:
    """`python -m company_research.workers`, started by a refresh: see the module docstring."""
    out = os.fdopen(os.dup(1), "wb")
    os.dup2(2, 1)  # anything printed by accident goes to stderr, not into the protocol
    sys.stdout = sys.stderr
    start = json.loads(sys.stdin.buffer.readline() or b"{}")
    settings = settings_from_json(start.get("settings") or {})

    async def run() -> None:
        inbox: asyncio.Queue[Any] = asyncio.Queue()
        threading.Thread(
            target=_read_lines, args=(asyncio.get_running_loop(), inbox), daemon=True
        ).start()
        await _serve(settings, dict(start.get("refused") or {}), inbox, out)

    code = 0
    try:
        asyncio.run(run())
    except errors.ResearchError as exc:
        message = {"op": "fatal", "error": type(exc).__name__, "message": str(exc)}
        with contextlib.suppress(OSError):
            out.write(json.dumps(message).encode() + b"\n")
        code = exc.exit_code or 1
    except (KeyboardInterrupt, BrokenPipeError):
        code = 130
    except Exception as exc:  # a bug: one line to the parent, never a traceback
        message = {
            "op": "fatal",
            "error": "ResearchError",
            "message": f"a refresh worker failed: {type(exc).__name__}: {exc}",
        }
        with contextlib.suppress(OSError):
            out.write(json.dumps(message).encode() + b"\n")
        code = 1
    with contextlib.suppress(OSError):
        out.flush()
    sys.stderr.flush()
    os._exit(code)


if __name__ == "__main__":
    main()
