"""Parsing pages on a second core: the small process pool a refresh of many companies shares."""

from __future__ import annotations

import asyncio
import contextlib
import contextvars
import importlib
import os
import signal
from collections.abc import Callable, Iterator
from typing import TYPE_CHECKING, Any, TypeVar

if TYPE_CHECKING:  # imported when a pool starts: a one-company crawl never needs them
    from concurrent.futures import ProcessPoolExecutor

__all__ = ["MIN_COMPANIES", "WORKERS", "parse_pool", "run"]

T = TypeVar("T")

WORKERS = 2
# Starting the workers costs about 0.4 s of CPU each (a fresh interpreter importing lxml,
# trafilatura...); parsing costs about 0.07 s a company. Below this many companies the
# pool would cost more than it saves.
MIN_COMPANIES = 12
# What a worker imports before its first page, so the first pages do not wait on imports.
WORKER_MODULES = ("company_research.extract",)


class _Pool:
    def __init__(self, executor: ProcessPoolExecutor) -> None:
        self.executor = executor
        self.broken = False


_POOL: contextvars.ContextVar[_Pool | None] = contextvars.ContextVar("parse_pool", default=None)


def _init_worker(modules: tuple[str, ...]) -> None:
    # Ctrl-C reaches the whole process group: the parent handles it and shuts the pool down,
    # a worker must not print a traceback of its own.
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    for name in modules:
        importlib.import_module(name)


@contextlib.contextmanager
def parse_pool(companies: int) -> Iterator[bool]:
    """Within this block, run() parses in WORKERS processes when there are enough companies
    to repay starting them and a second core to use; yields whether a pool is in use."""
    if companies < MIN_COMPANIES or (os.cpu_count() or 1) < 2:
        yield False
        return
    import multiprocessing
    from concurrent.futures import ProcessPoolExecutor

    try:
        executor = ProcessPoolExecutor(
            WORKERS,
            # spawn, not fork: forking a process that runs an event loop and threads is unsafe
            mp_context=multiprocessing.get_context("spawn"),
            initializer=_init_worker,
            initargs=(WORKER_MODULES,),
        )
    except (OSError, ValueError, NotImplementedError):
        yield False
        return
    token = _POOL.set(_Pool(executor))
    try:
        yield True
    finally:
        _POOL.reset(token)
        executor.shutdown(wait=True, cancel_futures=True)


async def run(func: Callable[..., T], *args: Any) -> T:
    """func(*args) in the pool of the enclosing parse_pool() block, else here. The function
    must be pure (same arguments, same result): a worker that dies or an argument that does
    not pickle makes it run here instead, so the result never depends on where it ran."""
    pool = _POOL.get()
    if pool is not None and not pool.broken:
        from concurrent.futures.process import BrokenProcessPool

        try:
            return await asyncio.get_running_loop().run_in_executor(pool.executor, func, *args)
        except BrokenProcessPool:
            pool.broken = True  # every later call parses here; the refresh goes on
        except Exception:  # noqa: S110 - pickling errors, or func's own: run it here
            pass
    return func(*args)
