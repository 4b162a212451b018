"""Store: the local SQLite file (via sqlite-utils). All SQL lives here; migrations run on open."""

from __future__ import annotations

import functools
import json
import os
import re
import sqlite3
import zlib
from collections.abc import Callable, Iterable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import TYPE_CHECKING, Any

from company_research.errors import StoreError

if TYPE_CHECKING:
    import sqlite_utils


def default_db_path() -> Path:
    """--db, else $RESEARCH_DB, else the platform's user data directory."""
    env = os.environ.get("RESEARCH_DB")
    if env:
        return Path(env).expanduser()
    from platformdirs import user_data_dir

    return Path(user_data_dir("company-research", appauthor=False)) / "research.db"


@dataclass(frozen=True)
class StoredPage:
    """A page as kept: raw HTML (compressed in the file) plus derived text."""

    url: str
    company: str
    kind: str
    status: int
    fetched_at: str
    content_type: str
    etag: str | None
    last_modified: str | None
    content_hash: str
    title: str | None
    text: str
    html: str
    published: str | None = None
    derived: str | None = None  # JSON of what parsing derived (Extraction, feed entries)


def _m001_initial(db: sqlite_utils.Database) -> None:
    db.table("companies").create(
        {
            "domain": str,
            "name": str,
            "added_at": str,
            "last_researched_at": str,
            "last_status": str,
            "watched": int,
            "interview_date": str,
        },
        pk="domain",
    )
    db.table("pages").create(
        {
            "url": str,
            "company": str,
            "kind": str,
            "status": int,
            "fetched_at": str,
            "content_type": str,
            "etag": str,
            "last_modified": str,
            "content_hash": str,
            "title": str,
            "text": str,
            "html": bytes,
            "published": str,
            "gone": int,
        },
        pk="url",
    )
    db.table("pages").create_index(["company"])
    db.table("pages").enable_fts(["title", "text"], create_triggers=True, tokenize="unicode61")
    db.table("fetch_log").create(
        {
            "id": int,
            "run_id": int,
            "company": str,
            "url": str,
            "status": int,
            "bytes": int,
            "elapsed_ms": int,
            "fetched_at": str,
            "error": str,
        },
        pk="id",
    )
    db.table("fetch_log").create_index(["company"])
    db.table("posts").create(
        {
            "url": str,
            "company": str,
            "title": str,
            "published": str,
            "summary": str,
            "source_url": str,
            "first_seen": str,
        },
        pk="url",
    )
    db.table("posts").create_index(["company"])
    db.table("facts").create(
        {
            "company": str,
            "kind": str,
            "key": str,
            "value": str,
            "source_url": str,
            "evidence": str,
            "updated_at": str,
        },
        pk=("company", "kind", "key"),
    )
    db.table("reviews").create(
        {
            "id": str,
            "company": str,
            "site": str,
            "url": str,
            "rating": float,
            "scale": float,
            "title": str,
            "text": str,
            "pros": str,
            "cons": str,
            "author_role": str,
            "date": str,
            "fetched_at": str,
            "content_hash": str,
        },
        pk="id",
    )
    db.table("reviews").create_index(["company"])
    db.table("briefs").create(
        {"id": int, "company": str, "generated_at": str, "json": str}, pk="id"
    )
    db.table("briefs").create_index(["company"])
    db.table("runs").create(
        {
            "id": int,
            "company": str,
            "command": str,
            "started_at": str,
            "ended_at": str,
            "outcome": str,
            "pages_fetched": int,
            "pages_not_modified": int,
            "requests": int,
            "bytes": int,
            "errors": int,
            "message": str,
        },
        pk="id",
    )


def _m002_watch(db: sqlite_utils.Database) -> None:
    """Refresh: derived facts kept with each page (a 304 reuses them), parse counts, a lock."""
    db.table("pages").add_column("derived", str)
    db.table("runs").add_column("pages_parsed", int)
    db.table("locks").create(
        {"name": str, "pid": int, "host": str, "started_at": str, "run_id": int}, pk="name"
    )


def _m003_review_sites(db: sqlite_utils.Database) -> None:
    """Reviews: which page each was read on and whose voice it is (employee or customer);
    each site's rating, scale and count as last read (review_sites)."""
    db.table("reviews").add_column("page_url", str)
    db.table("reviews").add_column("kind", str)
    db.table("reviews").create_index(["company", "site"])
    db.table("review_sites").create(
        {
            "company": str,
            "site": str,
            "label": str,
            "kind": str,
            "url": str,
            "rating": float,
            "scale": float,
            "count": int,
            "fetched_at": str,
        },
        pk=("company", "site"),
    )


# Numbered, append-only: never edit a released migration; add the next one.
MIGRATIONS: list[tuple[str, Callable[[Any], None]]] = [
    ("m001_initial", _m001_initial),
    ("m002_watch", _m002_watch),
    ("m003_review_sites", _m003_review_sites),
]


def _now() -> str:
    return datetime.now(UTC).replace(microsecond=0).isoformat()


class Store:
    """One SQLite file. Open it with `open_store`; writes happen in `transaction()` blocks."""

    def __init__(self, db: sqlite_utils.Database, path: Path) -> None:
        self.db = db
        self.path = path

    @contextmanager
    def transaction(self) -> Iterator[None]:
        conn = self.db.conn
        conn.execute("BEGIN IMMEDIATE")
        try:
            yield
        except BaseException:
            conn.execute("ROLLBACK")
            raise
        conn.execute("COMMIT")

    def close(self) -> None:
        self.db.conn.close()

    def reopen(self) -> None:
        """A new connection to the same file, the old one closed: around a fork, which must
        not copy an open SQLite connection (its locks and WAL index) into the child."""
        self.close()
        self.db = open_store(self.path).db

    # The writes a crawl makes for every page and company, in plain SQL: sqlite-utils'
    # upsert and insert_all read the table's schema again on every call, which was most of
    # the store's share of a refresh's CPU. Table and column names come from this module.
    def _upsert(self, table: str, row: dict[str, Any], pk: tuple[str, ...]) -> None:
        """Insert `row`, or update those of its columns that are not `pk` if the key exists."""
        columns = tuple(row)
        sql = _upsert_sql(table, columns, pk)
        self.db.conn.execute(sql, tuple(row.values()))

    def _insert_all(self, table: str, rows: Iterable[dict[str, Any]]) -> None:
        batches: dict[tuple[str, ...], list[tuple[Any, ...]]] = {}
        for row in rows:
            batches.setdefault(tuple(row), []).append(tuple(row.values()))
        for columns, values in batches.items():
            names = ", ".join(_ident(c) for c in columns)
            marks = ", ".join("?" for _ in columns)
            sql = f"insert into {_ident(table)} ({names}) values ({marks})"  # noqa: S608 (_ident)
            self.db.conn.executemany(sql, values)

    # -- companies ----------------------------------------------------------------------
    def touch_company(
        self, domain: str, *, name: str | None = None, status: str | None = None
    ) -> None:
        existing = self.company(domain)
        row: dict[str, Any] = {"domain": domain}
        if existing is None:
            row.update(added_at=_now(), watched=0)
        if name:
            row["name"] = name
        if status:
            row.update(last_status=status, last_researched_at=_now())
        self._upsert("companies", row, ("domain",))

    def company(self, domain: str) -> dict[str, Any] | None:
        cursor = self.db.conn.execute("select * from companies where domain = ?", [domain])
        found = cursor.fetchone()
        return dict(zip([d[0] for d in cursor.description], found, strict=True)) if found else None

    # -- pages --------------------------------------------------------------------------
    def validators(self, domain: str) -> dict[str, tuple[str | None, str | None]]:
        sql = "select url, etag, last_modified from pages where company = ? and gone = 0"
        return {url: (etag, lm) for url, etag, lm in self.db.execute(sql, [domain]).fetchall()}

    def page(self, url: str) -> StoredPage | None:
        rows = list(self.db.table("pages").rows_where("url = ?", [url]))
        return _page_from_row(rows[0]) if rows else None

    def pages(self, domain: str) -> list[StoredPage]:
        rows = self.db.table("pages").rows_where(
            "company = ? and gone = 0", [domain], order_by="url"
        )
        return [_page_from_row(r) for r in rows]

    def save_page(self, page: StoredPage) -> None:
        row = {
            "url": page.url,
            "company": page.company,
            "kind": page.kind,
            "status": page.status,
            "fetched_at": page.fetched_at,
            "content_type": page.content_type,
            "etag": page.etag,
            "last_modified": page.last_modified,
            "content_hash": page.content_hash,
            "title": page.title,
            "text": page.text,
            "html": zlib.compress(page.html.encode("utf-8"), 3),  # level 6: 2x the CPU, 8% smaller
            "published": page.published,
            "derived": page.derived,
            "gone": 0,
        }
        self._upsert("pages", row, ("url",))

    def mark_seen(self, url: str, fetched_at: str, derived: str | None = None) -> None:
        """A 304: the stored copy is still current (derived: re-derived facts to keep)."""
        self.db.execute(
            "update pages set fetched_at = ?, gone = 0, derived = coalesce(?, derived) "
            "where url = ?",
            [fetched_at, derived, url],
        )

    def mark_gone(self, url: str) -> None:
        self.db.execute("update pages set gone = 1 where url = ?", [url])

    # -- fetch log, posts, facts ------------------------------------------------------------
    def log_fetches(self, run_id: int, domain: str, records: list[Any]) -> None:
        self._insert_all(
            "fetch_log",
            [
                {
                    "run_id": run_id,
                    "company": domain,
                    "url": r.url,
                    "status": r.status,
                    "bytes": r.bytes,
                    "elapsed_ms": r.elapsed_ms,
                    "fetched_at": r.fetched_at,
                    "error": r.error,
                }
                for r in records
            ],
        )

    def save_posts(self, domain: str, posts: list[dict[str, Any]]) -> None:
        for post in posts:
            known = self.db.conn.execute(
                "select first_seen from posts where url = ?", [post["url"]]
            ).fetchone()
            first_seen = known[0] if known else _now()
            self._upsert("posts", {**post, "company": domain, "first_seen": first_seen}, ("url",))

    def replace_facts(self, domain: str, facts: list[dict[str, Any]]) -> None:
        self.db.execute("delete from facts where company = ?", [domain])
        self._insert_all(
            "facts", ({**fact, "company": domain, "updated_at": _now()} for fact in facts)
        )

    def facts(self, domain: str) -> list[dict[str, Any]]:
        return list(self.db.table("facts").rows_where("company = ?", [domain], order_by="rowid"))

    # -- reviews ----------------------------------------------------------------------------
    def save_review_site(self, row: dict[str, Any]) -> None:
        """A site's rating, scale and count for a company as read now (replaces the last)."""
        self.db.table("review_sites").upsert(row, pk=("company", "site"))

    def review_sites(self, domain: str) -> list[dict[str, Any]]:
        return list(
            self.db.table("review_sites").rows_where("company = ?", [domain], order_by="site")
        )

    def add_reviews(self, rows: list[dict[str, Any]]) -> int:
        """Insert reviews not stored yet (by id); returns how many were new."""
        if not rows:
            return 0
        known = {
            r["id"]
            for r in rows
            if self.db.execute("select 1 from reviews where id = ?", [r["id"]]).fetchone()
        }
        new = [r for r in rows if r["id"] not in known]
        self.db.table("reviews").insert_all(new, pk="id", ignore=True)
        return len({r["id"] for r in new})

    def reviews(self, domain: str) -> list[dict[str, Any]]:
        return list(
            self.db.table("reviews").rows_where("company = ?", [domain], order_by="date desc, id")
        )

    # -- briefs and runs ----------------------------------------------------------------
    def save_brief(self, domain: str, brief: dict[str, Any]) -> None:
        self._insert_all(
            "briefs",
            [{"company": domain, "generated_at": brief["generated_at"], "json": json.dumps(brief)}],
        )

    def latest_brief(self, domain: str) -> dict[str, Any] | None:
        rows = list(
            self.db.table("briefs").rows_where("company = ?", [domain], order_by="id desc", limit=1)
        )
        return json.loads(rows[0]["json"]) if rows else None

    def start_run(self, domain: str | None, command: str) -> int:
        cursor = self.db.conn.execute(
            "insert into runs (company, command, started_at, outcome) values (?, ?, ?, ?)",
            [domain, command, _now(), "running"],
        )
        return int(cursor.lastrowid or 0)

    def finish_run(self, run_id: int, outcome: str, **counts: Any) -> None:
        values = {"ended_at": _now(), "outcome": outcome, **counts}
        assignments = ", ".join(f"{_ident(column)} = ?" for column in values)
        sql = f"update runs set {assignments} where id = ?"  # noqa: S608 (names checked by _ident)
        self.db.conn.execute(sql, [*values.values(), run_id])

    def runs(self, domain: str) -> list[dict[str, Any]]:
        return list(self.db.table("runs").rows_where("company = ?", [domain], order_by="id"))

    def run(self, run_id: int) -> dict[str, Any] | None:
        rows = list(self.db.table("runs").rows_where("id = ?", [run_id]))
        return rows[0] if rows else None

    def refresh_runs(self) -> list[dict[str, Any]]:
        """The rows of whole refreshes (one per `research refresh`; company is null)."""
        where = "company is null and command = 'refresh'"
        return list(self.db.table("runs").rows_where(where, order_by="id"))

    def fetch_log(self, run_id: int) -> list[dict[str, Any]]:
        return list(self.db.table("fetch_log").rows_where("run_id = ?", [run_id], order_by="id"))

    # -- watchlist and refresh --------------------------------------------------------------
    def watch(self, domain: str, interview_date: str | None = None) -> bool:
        """Put domain on the watchlist; True if it was not on it before."""
        existing = self.company(domain)
        row: dict[str, Any] = {"domain": domain, "watched": 1}
        if existing is None:
            row["added_at"] = _now()
        if interview_date is not None:
            row["interview_date"] = interview_date
        self.db.table("companies").upsert(row, pk="domain")
        return not (existing and existing["watched"])

    def unwatch(self, domain: str) -> bool:
        """Take domain off the watchlist (its stored data stays); False if it was not on it."""
        cursor = self.db.execute(
            "update companies set watched = 0, interview_date = null "
            "where domain = ? and watched = 1",
            [domain],
        )
        return cursor.rowcount > 0

    def watchlist(self) -> list[dict[str, Any]]:
        """Watched companies with their last refresh attempt and last successful one."""
        sql = (
            "select c.domain, c.name, c.added_at, c.last_researched_at, c.last_status, "
            "c.interview_date, (select max(r.ended_at) from runs r where r.company = c.domain "
            "and r.outcome = 'ok') as last_ok "
            "from companies c where c.watched = 1 order by c.domain"
        )
        cursor = self.db.execute(sql)
        names = [d[0] for d in cursor.description]
        return [dict(zip(names, row, strict=True)) for row in cursor.fetchall()]

    def post_urls(self, domain: str) -> set[str]:
        sql = "select url from posts where company = ?"
        return {row[0] for row in self.db.execute(sql, [domain]).fetchall()}

    def page_index(self, domain: str) -> dict[str, dict[str, Any]]:
        """url -> {kind, title, fetched_at} of the pages currently stored (not gone)."""
        sql = "select url, kind, title, fetched_at from pages where company = ? and gone = 0"
        rows = self.db.execute(sql, [domain]).fetchall()
        return {url: {"kind": k, "title": t, "fetched_at": f} for url, k, t, f in rows}

    def last_run_id(self, domain: str) -> int | None:
        row = self.db.execute("select max(id) from runs where company = ?", [domain]).fetchone()
        return row[0] if row else None

    def acquire_lock(self, name: str, pid: int, host: str, is_stale: Callable[..., bool]) -> Any:
        """Take the named lock, atomically; None when taken, else the holder's row.
        is_stale(row) says whether a holder's lock may be taken over (its process is gone)."""
        with self.transaction():
            rows = list(self.db.table("locks").rows_where("name = ?", [name]))
            if rows and not is_stale(rows[0]):
                return rows[0]
            self.db.table("locks").upsert(
                {"name": name, "pid": pid, "host": host, "started_at": _now(), "run_id": None},
                pk="name",
            )
        return None

    def interrupt_runs(self, command: str, message: str) -> int:
        """Mark runs of `command` still 'running' as interrupted (their process died: killed,
        power cut); call only while holding the lock that makes such runs exclusive."""
        cursor = self.db.execute(
            "update runs set outcome = 'interrupted', ended_at = ?, message = ? "
            "where outcome = 'running' and command = ?",
            [_now(), message, command],
        )
        return cursor.rowcount

    def set_lock_run(self, name: str, pid: int, run_id: int) -> None:
        self.db.execute(
            "update locks set run_id = ? where name = ? and pid = ?", [run_id, name, pid]
        )

    def release_lock(self, name: str, pid: int, host: str) -> None:
        self.db.execute(
            "delete from locks where name = ? and pid = ? and host = ?", [name, pid, host]
        )

    def search(self, query: str, limit: int = 20) -> list[dict[str, Any]]:
        sql = (
            "select pages.url, pages.company, pages.title, "
            "snippet(pages_fts, 1, '[', ']', ' … ', 12) as snippet "
            "from pages_fts join pages on pages.rowid = pages_fts.rowid "
            "where pages_fts match ? and pages.gone = 0 order by rank limit ?"
        )
        cursor = self.db.execute(sql, [_fts_query(query), limit])
        names = [d[0] for d in cursor.description]
        return [dict(zip(names, row, strict=True)) for row in cursor.fetchall()]


def _fts_query(query: str) -> str:
    """Quote each word so user input is never FTS syntax."""
    words = [w.replace('"', "") for w in query.split() if w.replace('"', "")]
    return " ".join(f'"{w}"' for w in words) or '""'


def _page_from_row(row: dict[str, Any]) -> StoredPage:
    html = zlib.decompress(row["html"]).decode("utf-8") if row["html"] else ""
    return StoredPage(
        url=row["url"],
        company=row["company"],
        kind=row["kind"],
        status=row["status"],
        fetched_at=row["fetched_at"],
        content_type=row["content_type"] or "",
        etag=row["etag"],
        last_modified=row["last_modified"],
        content_hash=row["content_hash"] or "",
        title=row["title"],
        text=row["text"] or "",
        html=html,
        published=row["published"],
        derived=row.get("derived"),
    )


@functools.cache
def _upsert_sql(table: str, columns: tuple[str, ...], pk: tuple[str, ...]) -> str:
    names = ", ".join(_ident(c) for c in columns)
    marks = ", ".join("?" for _ in columns)
    keys = ", ".join(_ident(c) for c in pk)
    updates = ", ".join(f"{_ident(c)} = excluded.{_ident(c)}" for c in columns if c not in pk)
    action = f"do update set {updates}" if updates else "do nothing"
    on = f"on conflict ({keys}) {action}"
    return f"insert into {_ident(table)} ({names}) values ({marks}) {on}"  # noqa: S608 (_ident)


def _ident(name: str) -> str:
    """A table or column name of ours, quoted; anything else is a programming error."""
    if not _IDENTIFIER.fullmatch(name):
        raise ValueError(f"not a column name: {name!r}")
    return f'"{name}"'


_IDENTIFIER = re.compile(r"[a-z_][a-z0-9_]*")


def open_store(path: Path | None = None) -> Store:
    """Open (creating if needed) and migrate the store; StoreError with a reason otherwise."""
    import sqlite_utils

    path = Path(path) if path else default_db_path()
    if path.exists() and path.is_dir():
        raise StoreError(f"--db {path} is a directory, not a database file")
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        raise StoreError(f"cannot create the folder for {path}: {exc.strerror}") from exc
    if path.exists() and not os.access(path, os.R_OK | os.W_OK):
        raise StoreError(f"cannot read and write {path} (check its permissions)")
    try:
        # check_same_thread=False: `research` opens the store on a worker thread while its
        # first request is in flight; a Store is still used by one thread at a time.
        conn = sqlite3.connect(str(path), timeout=30, isolation_level=None, check_same_thread=False)
        # Check whose file this is before any pragma: switching another application's
        # database to WAL would already rewrite its header.
        tables = {r[0] for r in conn.execute("select name from sqlite_master where type='table'")}
        if tables and "migrations" not in tables:
            conn.close()
            raise StoreError(f"{path} is an SQLite file but not a company-research database")
        conn.execute("pragma journal_mode = wal")
        conn.execute("pragma busy_timeout = 30000")
        conn.execute("pragma foreign_keys = on")
        conn.execute("select count(*) from sqlite_master").fetchone()
    except sqlite3.DatabaseError as exc:
        raise StoreError(f"{path} is not a company-research database ({exc})") from exc
    # No sqlite-utils plugins: we register none, and looking for them scans every installed
    # package's entry points (20 ms on each start of the command).
    db = sqlite_utils.Database(conn, execute_plugins=False)
    store = Store(db, path)
    _migrate(store)
    return store


def _migrate(store: Store) -> None:
    db = store.db
    existing = set(db.table_names())
    if existing and "migrations" not in existing:
        raise StoreError(f"{store.path} is an SQLite file but not a company-research database")
    if "migrations" not in existing:
        db.table("migrations").create({"name": str, "applied_at": str}, pk="name")
    done = {row["name"] for row in db.table("migrations").rows}
    for name, migration in MIGRATIONS:
        if name in done:
            continue
        with store.transaction():
            migration(db)
            db.table("migrations").insert({"name": name, "applied_at": _now()})


def schema_version(store: Store) -> str:
    names = [row["name"] for row in store.db.table("migrations").rows_where(order_by="name")]
    return names[-1] if names else "none"
