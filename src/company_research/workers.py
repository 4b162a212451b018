"""Worker processes for a refresh: a long watchlist uses every core, and every host stays polite.

A refresh is CPU-bound (parsing, extracting, the brief) once pages come back quickly, so one
process uses one core. The refreshing process forks helpers once it has imported the pipeline
(fork_workers, where that is safe) or runs `python -m company_research.workers` ones, and
talks to each over a pipe each way (a started one's stdin and stdout), one JSON object a line:

    parent -> worker  {"op": "start", "settings": {...}, "refused": {...}}
    worker -> parent  {"op": "ready"}
    parent -> worker  {"op": "company", "domain": "acme.com"}        (one more per "done")
    worker -> parent  {"op": "acquire", "id": 7, "host": "acme.com", "delay": 0.0}
    parent -> worker  {"op": "grant", "id": 7}
    worker -> parent  {"op": "release", "id": 7}
    worker -> parent  {"op": "done", "digest": {...}}
    parent -> worker  {"op": "end"}                                   (no more companies)
    worker -> parent  {"op": "fatal", "error": "StoreError", "message": "..."}

Host slots are the point. A company's own site is crawled by one process at a time: the
parent never has two companies of one registrable domain (acme.com, shop.acme.com) under way
in different processes, so a worker keeps the slots of the hosts of the companies it crawls
itself, with no round trip. Every other host (the review sites every company asks) is
shared: its slots come from the parent's Politeness, the only one that hands them out, so it
never sees more than `per_host_concurrency` requests at once from all processes together,
nor a shorter gap than its Crawl-delay. Each worker opens the same SQLite store (WAL; every
crawl is one transaction, as in one process).
"""

from __future__ import annotations

import asyncio
import contextlib
import dataclasses
import functools
import itertools
import json
import os
import signal
import sys
import threading
import time
from collections import deque
from collections.abc import AsyncIterator, Callable
from pathlib import Path
from typing import TYPE_CHECKING, Any, BinaryIO, NoReturn

from company_research import errors
from company_research.fetch import Politeness, _HostState, wait_turn
from company_research.scope import registrable_domain
from company_research.settings import Settings

if TYPE_CHECKING:
    from company_research.refresh import CompanyDigest
    from company_research.watch import WatchEntry

# A worker process costs its start-up (~0.35 s of CPU to import the pipeline when started, a
# few ms when forked, plus its own connections and robots.txt reads), and one core
# is kept busy by about this many companies crawled at once (each spends most of its time
# waiting on the network): below these, another process does not pay for itself.
COMPANIES_PER_PROCESS = 8
CONCURRENCY_PER_PROCESS = 6
MAX_PROCESSES = 4


def default_processes(companies: int, concurrency: int) -> int:
    """How many processes a refresh of `companies` at `concurrency` at a time should crawl in:
    one per core this process may run on, at most MAX_PROCESSES, each with enough companies
    at a time to keep a core busy and enough companies in all to pay for starting it
    (1: this process alone; more: that many worker processes, this one handing out slots)."""
    try:
        cores = len(os.sched_getaffinity(0))
    except AttributeError:  # not on Linux
        cores = os.cpu_count() or 1
    return max(
        1,
        min(
            cores,
            MAX_PROCESSES,
            concurrency // CONCURRENCY_PER_PROCESS,
            companies // COMPANIES_PER_PROCESS,
        ),
    )


def shares(concurrency: int, processes: int) -> list[int]:
    """`concurrency` companies at a time split between `processes` worker processes."""
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


# -- starting workers ----------------------------------------------------------------------
# Modules a worker needs to crawl, imported before forking so that every worker has them.
PRELOAD = (
    "company_research.pipeline",
    "company_research.crawl",
    "company_research.extract",
    "company_research.summarise",
    "company_research.store",
    "company_research.reviews.collect",
    "company_research.transport",
    "company_research.feeds",  # feedparser only for feeds it cannot read (imported then)
    "protego",
)


def can_fork() -> bool:
    """Whether workers may be forked from this process: on Linux (macOS's system libraries
    are not safe across fork without exec), with no other thread running (a lock a thread held
    at the fork stays held in the copy for ever), unless RESEARCH_WORKER_START=exec."""
    return (
        sys.platform.startswith("linux")
        and hasattr(os, "fork")
        and threading.active_count() == 1
        and os.environ.get("RESEARCH_WORKER_START", "fork").strip().lower() != "exec"
    )


class ForkedWorker:
    """A worker forked from the refreshing process after its imports: it skips a new
    interpreter's start and the pipeline's imports (~0.35 s of CPU each). Seen from the event
    loop like an asyncio subprocess (stdin, stdout, stderr, wait, kill); `connect` first."""

    def __init__(self, pid: int, to_worker: int, from_worker: int, its_stderr: int) -> None:
        self.pid = pid
        self._fds = (to_worker, from_worker, its_stderr)
        self._exit: asyncio.Future[int] | None = None
        self._open = True  # not yet connected nor discarded

    async def connect(self, limit: int) -> None:
        loop = asyncio.get_running_loop()
        to_worker, from_worker, its_stderr = self._fds
        self.stdout = asyncio.StreamReader(limit=limit)
        self.stderr = asyncio.StreamReader(limit=limit)
        for reader, fd in ((self.stdout, from_worker), (self.stderr, its_stderr)):
            protocol = asyncio.StreamReaderProtocol(reader)
            await loop.connect_read_pipe(functools.partial(_same, protocol), os.fdopen(fd, "rb", 0))
        self.stdin, _ = await loop.connect_write_pipe(
            asyncio.Protocol, os.fdopen(to_worker, "wb", 0)
        )
        exited: asyncio.Future[int] = loop.create_future()
        self._exit = exited

        def ended(code: int) -> None:
            if not exited.done():
                exited.set_result(code)

        def reap() -> None:  # a thread: waitpid blocks until the worker ends
            _, status = os.waitpid(self.pid, 0)
            with contextlib.suppress(RuntimeError):  # the loop closed meanwhile
                loop.call_soon_threadsafe(ended, os.waitstatus_to_exitcode(status))

        threading.Thread(target=reap, name=f"reap-{self.pid}", daemon=True).start()

    def discard(self) -> None:
        """A worker never connected (the refresh ended first): its pipes closed, it ends."""
        if not self._open:
            return
        self._open = False
        if self._exit is None:
            for fd in self._fds:
                with contextlib.suppress(OSError):
                    os.close(fd)
            with contextlib.suppress(ChildProcessError):
                os.waitpid(self.pid, 0)

    async def wait(self) -> int:
        assert self._exit is not None
        return await asyncio.shield(self._exit)

    def kill(self) -> None:
        os.kill(self.pid, signal.SIGKILL)


def _same(protocol: asyncio.StreamReaderProtocol) -> asyncio.StreamReaderProtocol:
    return protocol


def fork_workers(count: int) -> list[ForkedWorker]:
    """`count` workers forked from this process, with the pipeline imported first; none where
    forking is not safe (see can_fork; the refresh then starts `python -m
    company_research.workers` instead). Call before the event loop and any thread start, with
    no SQLite connection open (Store.close, then Store.reopen)."""
    import importlib

    if count < 1 or not can_fork():
        return []
    try:  # the TLS context once for all (~30 ms of CPU), built on a thread while we import
        from company_research.transport import settle_tls_context, tls_context

        tls_context()
    except ImportError:
        settle_tls_context = None  # type: ignore[assignment]
    for name in PRELOAD:
        with contextlib.suppress(ImportError):
            importlib.import_module(name)
    if settle_tls_context is not None:
        settle_tls_context()
    if threading.active_count() != 1:  # an import started a thread
        return []
    for stream in (sys.stdout, sys.stderr):  # what is buffered would be written by every copy
        with contextlib.suppress(OSError, ValueError, AttributeError):
            stream.flush()
    started: list[ForkedWorker] = []
    ours: list[int] = []  # this process's ends of every worker's pipes, kept from later workers
    for _ in range(count):
        to_read, to_worker = os.pipe()
        from_worker, to_write = os.pipe()
        its_stderr, err_write = os.pipe()
        ours += [to_worker, from_worker, its_stderr]
        try:
            pid = os.fork()
        except OSError:
            for fd in (to_worker, from_worker, its_stderr, to_read, to_write, err_write):
                os.close(fd)
            break
        if pid == 0:
            _forked_child(to_read, to_write, err_write, ours)
        for fd in (to_read, to_write, err_write):
            os.close(fd)
        started.append(ForkedWorker(pid, to_worker, from_worker, its_stderr))
    return started


def _forked_child(source: int, out: int, its_stderr: int, close: list[int]) -> NoReturn:
    """In a forked worker: its own standard streams, then the worker's life; it never returns
    into the refreshing process's code (that would finish the parent's run a second time)."""
    code = 1
    try:
        for fd in close:
            os.close(fd)
        os.dup2(its_stderr, 2)
        os.dup2(its_stderr, 1)  # anything printed by accident goes to stderr, not the protocol
        os.close(its_stderr)
        null = os.open(os.devnull, os.O_RDONLY)
        os.dup2(null, 0)
        os.close(null)
        sys.stdout = sys.stderr
        code = _work(os.fdopen(source, "rb"), os.fdopen(out, "wb"))
    except BaseException:  # nothing may unwind into the refreshing process's frames
        with contextlib.suppress(BaseException):
            sys.stderr.write(f"a refresh worker failed to start: {sys.exc_info()[1]!r}\n")
    finally:
        with contextlib.suppress(BaseException):
            sys.stderr.flush()
        os._exit(code)


# -- the refreshing process ----------------------------------------------------------------
class WorkerPool:
    """The refreshing process's side: starts workers, feeds them companies from the queue the
    process itself takes from until they are ready, and hands out host slots from its own
    Politeness. Once the workers run, this process only hands out slots: busy crawling too,
    its event loop would answer the workers' requests for slots tens of ms late."""

    def __init__(
        self,
        settings: Settings,
        politeness: Politeness,
        queue: deque[WatchEntry],
        finished: Callable[[CompanyDigest], None],
        concurrency: int,
        workers: int,
        forked: list[ForkedWorker] | None = None,
    ) -> None:
        self.settings = settings
        self.forked = list(forked or [])  # started already (fork_workers); the rest are run
        self.politeness = politeness
        self.queue = queue
        self.finished = finished
        self.companies = asyncio.Semaphore(concurrency)  # at a time, in all processes
        self.used = 0  # worker processes that refreshed at least one company
        self.unsettled = workers  # workers neither ready nor ended yet
        self.running = 0  # workers ready and not ended
        self._senders: list[Callable[[dict[str, Any]], None]] = []
        self._owners: dict[str, tuple[object, int]] = {}  # domain group -> (process, count)
        self._freed = asyncio.Event()
        politeness.on_refuse.append(self._tell_refusal)

    async def take(self, owner: object) -> WatchEntry | None:
        """The next company `owner` (a process) may crawl: the first in the queue whose
        registrable domain no other process has under way (waiting if all have); None when
        the queue is empty. Give it back with `release` when done."""
        while self.queue:
            for index, entry in enumerate(self.queue):
                group = _group(entry.domain)
                holder = self._owners.get(group)
                if holder is None or holder[0] is owner:
                    del self.queue[index]
                    self._owners[group] = (owner, (holder[1] if holder else 0) + 1)
                    return entry
            self._freed.clear()
            await self._freed.wait()
        return None

    def release(self, owner: object, entry: WatchEntry) -> None:
        group = _group(entry.domain)
        holder, count = self._owners.get(group, (owner, 1))
        if count > 1:
            self._owners[group] = (holder, count - 1)
        else:
            self._owners.pop(group, None)
        self._freed.set()

    def taken_over(self) -> bool:
        """Whether the workers have all started (or failed to) and some run: this process
        then stops taking companies itself."""
        return self.unsettled == 0 and self.running > 0

    def _tell_refusal(self, site: str, reason: str) -> None:
        for send in self._senders:
            send({"op": "refused", "site": site, "reason": reason})

    async def run_worker(self, concurrency: int) -> None:
        """One worker process, from start to its last company, with up to `concurrency` at a
        time. A worker that cannot start leaves its share to the others; one that dies fails
        the companies it held."""
        limit = 1 << 26  # a line is one message; a digest with many changes is long
        proc: ForkedWorker | asyncio.subprocess.Process
        try:
            if self.forked:
                proc = self.forked.pop()
                await proc.connect(limit)
            else:
                proc = await asyncio.create_subprocess_exec(
                    sys.executable,
                    "-m",
                    "company_research.workers",
                    stdin=asyncio.subprocess.PIPE,
                    stdout=asyncio.subprocess.PIPE,
                    stderr=asyncio.subprocess.PIPE,  # kept: its last line says why it died
                    limit=limit,
                )
        except OSError:
            self.unsettled -= 1
            return
        assert proc.stdin is not None and proc.stdout is not None and proc.stderr is not None
        last_words: deque[str] = deque(maxlen=1)
        reading_stderr = asyncio.create_task(_last_line(proc.stderr, last_words))
        held: dict[int, asyncio.Event] = {}
        grants: set[asyncio.Task[None]] = set()
        assigned: dict[str, int] = {}
        stdin = proc.stdin

        def send(message: dict[str, Any]) -> None:
            if not stdin.is_closing():
                stdin.write(json.dumps(message).encode() + b"\n")

        waiting: dict[str, list[asyncio.Event]] = {}  # companies given, until "done"
        ended = asyncio.Event()

        async def feed() -> None:
            """Give the worker companies one after another, while it lives."""
            while self.queue and not ended.is_set():
                async with self.companies:
                    entry = await self.take(proc)
                    if entry is None:
                        break
                    try:
                        if ended.is_set():
                            self.queue.appendleft(entry)
                            break
                        domain = entry.domain
                        done = asyncio.Event()
                        waiting.setdefault(domain, []).append(done)
                        assigned[domain] = assigned.get(domain, 0) + 1
                        send({"op": "company", "domain": domain})
                        await done.wait()
                    finally:
                        self.release(proc, entry)

        async def feed_all() -> None:
            await asyncio.gather(*(feed() for _ in range(concurrency)))
            send({"op": "end"})

        feeding: asyncio.Task[None] | None = None

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
        ready = False
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
                    ready = True
                    self.unsettled -= 1
                    self.running += 1
                    feeding = asyncio.create_task(feed_all())
                elif op == "done":
                    done_here += 1
                    self.used += done_here == 1
                    digest = digest_from_json(message["digest"])
                    if assigned.get(digest.domain):
                        assigned[digest.domain] -= 1
                    self.finished(digest)
                    if waiting.get(digest.domain):
                        waiting[digest.domain].pop(0).set()
                elif op == "refused":
                    self.politeness.refuse(str(message["site"]), str(message["reason"]))
                elif op == "fatal":
                    fatal = message
        finally:
            if ready:
                self.running -= 1
            else:
                self.unsettled -= 1
            ended.set()
            for events in waiting.values():
                for done in events:
                    done.set()
            if feeding is not None:
                feeding.cancel()
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
            with contextlib.suppress(Exception):
                await asyncio.wait_for(reading_stderr, timeout=5)
        if fatal:
            raise _error_from(fatal)
        from company_research.refresh import Change, CompanyDigest

        said = f": {last_words[0]}" if last_words else ""
        why = f"its worker process ended unexpectedly (exit code {code}{said}); stored data kept"
        for domain, count in assigned.items():
            for _ in range(count):
                self.finished(
                    CompanyDigest(
                        domain, "failed", [Change("unreachable", f"could not refresh: {why}", None)]
                    )
                )


async def _last_line(stream: asyncio.StreamReader, keep: deque[str]) -> None:
    """Read a worker's stderr to its end (so it never blocks on a full pipe), keeping its last
    line, cleaned for a terminal: a Python error's last line names the exception."""
    from company_research.textsafe import clean_text

    while line := await stream.readline():
        text = clean_text(line.decode("utf-8", "replace")).strip()
        if text:
            keep.append(text[:300])


def _group(domain: str) -> str:
    """Companies that may share hosts (acme.com, shop.acme.com) share a group."""
    return registrable_domain(domain) or domain


def _error_from(message: dict[str, Any]) -> errors.ResearchError:
    kind = getattr(errors, str(message.get("error")), None)
    text = str(message.get("message") or "a worker process failed")
    if isinstance(kind, type) and issubclass(kind, errors.ResearchError):
        return kind(text)
    return errors.ResearchError(text)


# -- a worker process ----------------------------------------------------------------------
class BrokeredPoliteness(Politeness):
    """A worker's Politeness: robots.txt and delays are learnt here; the slots of a shared
    host (not one of the companies this process crawls) are asked of the refreshing process,
    which holds the limits for all processes."""

    def __init__(
        self,
        settings: Settings,
        send: Callable[[dict[str, Any]], None],
        refused: dict[str, str],
        shared: frozenset[str],
    ) -> None:
        super().__init__(settings)
        self._send = send
        self._ids = itertools.count(1)
        self._waiting: dict[int, asyncio.Future[None]] = {}
        self.refused.update(refused)
        self.crawling: dict[str, int] = {}  # companies under way here (domain -> count)
        self._shared = shared  # registrable domains every company may ask (review sites)

    def _own(self, host: str) -> bool:
        """A host of a company this process is crawling, and of no review site."""
        if any(host == d or host.endswith("." + d) for d in self._shared):
            return False
        return any(host == d or host.endswith("." + d) for d in self.crawling)

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
        if self._own(host):  # no other process crawls it now: keep its slots here
            async with super().slot(host, state):
                yield
            return
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

    politeness = BrokeredPoliteness(settings, send, refused, _review_domains())
    store = open_store(settings.db_path)
    running: set[asyncio.Task[None]] = set()

    async def one(domain: str) -> None:
        politeness.crawling[domain] = politeness.crawling.get(domain, 0) + 1
        try:
            digest = await _refresh_company(domain, settings, store, client, politeness)
        except errors.ResearchError as exc:  # the store failed: the whole refresh stops
            send({"op": "fatal", "error": type(exc).__name__, "message": str(exc)})
            inbox.put_nowait(None)
            return
        finally:
            politeness.crawling[domain] -= 1
            if not politeness.crawling[domain]:
                del politeness.crawling[domain]
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


def _review_domains() -> frozenset[str]:
    """The registrable domains of the review sites: hosts every company's crawl may ask."""
    try:
        from company_research.reviews.registry import adapters

        return frozenset(site.domain for site in adapters().values() if site.domain)
    except Exception:  # an adapter that fails to load is skipped where reviews are read
        return frozenset()


def _read_lines(
    loop: asyncio.AbstractEventLoop, inbox: asyncio.Queue[Any], source: BinaryIO
) -> None:
    """Thread: the parent's messages onto the loop; None when the parent is gone."""
    for line in source:
        loop.call_soon_threadsafe(inbox.put_nowait, json.loads(line))
    loop.call_soon_threadsafe(inbox.put_nowait, None)


def _work(source: BinaryIO, out: BinaryIO) -> int:
    """A worker's life, from the parent's "start" to its end: the exit code."""
    line = source.readline()
    if not line:  # the refreshing process ended before it gave this worker anything
        return 0
    start = json.loads(line)
    settings = settings_from_json(start.get("settings") or {})

    async def run() -> None:
        inbox: asyncio.Queue[Any] = asyncio.Queue()
        threading.Thread(
            target=_read_lines, args=(asyncio.get_running_loop(), inbox, source), daemon=True
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
    return code


def main() -> None:
    """`python -m company_research.workers`, started by a refresh: see the module docstring."""
    out = os.fdopen(os.dup(1), "wb")
    os.dup2(2, 1)  # anything printed by accident goes to stderr, not into the protocol
    sys.stdout = sys.stderr
    os._exit(_work(sys.stdin.buffer, out))


if __name__ == "__main__":
    main()
