"""Store: the local SQLite file (via sqlite-utils). All SQL lives here; migrations run on open."""

from __future__ import annotations

import json
import os
import sqlite3
import zlib
from collections.abc import Callable, Iterator
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


def _m001_initial(db: sqlite_utils.Database) -> None:
    db["companies"].create(
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
    db["pages"].create(
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
    db["pages"].create_index(["company"])
    db["pages"].enable_fts(["title", "text"], create_triggers=True, tokenize="unicode61")
    db["fetch_log"].create(
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
    db["fetch_log"].create_index(["company"])
    db["posts"].create(
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
    db["posts"].create_index(["company"])
    db["facts"].create(
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
    db["reviews"].create(
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
    db["reviews"].create_index(["company"])
    db["briefs"].create({"id": int, "company": str, "generated_at": str, "json": str}, pk="id")
    db["briefs"].create_index(["company"])
    db["runs"].create(
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


# Numbered, append-only: never edit a released migration; add the next one.
MIGRATIONS: list[tuple[str, Callable[[Any], None]]] = [("m001_initial", _m001_initial)]


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
        self.db["companies"].upsert(row, pk="domain")

    def company(self, domain: str) -> dict[str, Any] | None:
        rows = list(self.db["companies"].rows_where("domain = ?", [domain]))
        return rows[0] if rows else None

    # -- pages --------------------------------------------------------------------------
    def validators(self, domain: str) -> dict[str, tuple[str | None, str | None]]:
        sql = "select url, etag, last_modified from pages where company = ? and gone = 0"
        return {url: (etag, lm) for url, etag, lm in self.db.execute(sql, [domain]).fetchall()}

    def page(self, url: str) -> StoredPage | None:
        rows = list(self.db["pages"].rows_where("url = ?", [url]))
        return _page_from_row(rows[0]) if rows else None

    def pages(self, domain: str) -> list[StoredPage]:
        rows = self.db["pages"].rows_where("company = ? and gone = 0", [domain], order_by="url")
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
            "html": zlib.compress(page.html.encode("utf-8"), 6),
            "published": page.published,
            "gone": 0,
        }
        self.db["pages"].upsert(row, pk="url")

    def mark_seen(self, url: str, fetched_at: str) -> None:
        """A 304: the stored copy is still current."""
        self.db.execute(
            "update pages set fetched_at = ?, gone = 0 where url = ?", [fetched_at, url]
        )

    def mark_gone(self, url: str) -> None:
        self.db.execute("update pages set gone = 1 where url = ?", [url])

    # -- fetch log, posts, facts ------------------------------------------------------------
    def log_fetches(self, run_id: int, domain: str, records: list[Any]) -> None:
        self.db["fetch_log"].insert_all(
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
        )

    def save_posts(self, domain: str, posts: list[dict[str, Any]]) -> None:
        for post in posts:
            existing = list(self.db["posts"].rows_where("url = ?", [post["url"]]))
            first_seen = existing[0]["first_seen"] if existing else _now()
            self.db["posts"].upsert({**post, "company": domain, "first_seen": first_seen}, pk="url")

    def replace_facts(self, domain: str, facts: list[dict[str, Any]]) -> None:
        self.db.execute("delete from facts where company = ?", [domain])
        self.db["facts"].insert_all(
            {**fact, "company": domain, "updated_at": _now()} for fact in facts
        )

    def facts(self, domain: str) -> list[dict[str, Any]]:
        return list(self.db["facts"].rows_where("company = ?", [domain], order_by="rowid"))

    # -- briefs and runs ----------------------------------------------------------------
    def save_brief(self, domain: str, brief: dict[str, Any]) -> None:
        self.db["briefs"].insert(
            {"company": domain, "generated_at": brief["generated_at"], "json": json.dumps(brief)}
        )

    def latest_brief(self, domain: str) -> dict[str, Any] | None:
        rows = list(
            self.db["briefs"].rows_where("company = ?", [domain], order_by="id desc", limit=1)
        )
        return json.loads(rows[0]["json"]) if rows else None

    def start_run(self, domain: str, command: str) -> int:
        table = self.db["runs"]
        table.insert(
            {"company": domain, "command": command, "started_at": _now(), "outcome": "running"}
        )
        return int(table.last_pk)

    def finish_run(self, run_id: int, outcome: str, **counts: Any) -> None:
        self.db["runs"].update(run_id, {"ended_at": _now(), "outcome": outcome, **counts})

    def runs(self, domain: str) -> list[dict[str, Any]]:
        return list(self.db["runs"].rows_where("company = ?", [domain], order_by="id"))

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
    )


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
        conn = sqlite3.connect(str(path), timeout=30, isolation_level=None)
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
    db = sqlite_utils.Database(conn)
    store = Store(db, path)
    _migrate(store)
    return store


def _migrate(store: Store) -> None:
    db = store.db
    existing = set(db.table_names())
    if existing and "migrations" not in existing:
        raise StoreError(f"{store.path} is an SQLite file but not a company-research database")
    if "migrations" not in existing:
        db["migrations"].create({"name": str, "applied_at": str}, pk="name")
    done = {row["name"] for row in db["migrations"].rows}
    for name, migration in MIGRATIONS:
        if name in done:
            continue
        with store.transaction():
            migration(db)
            db["migrations"].insert({"name": name, "applied_at": _now()})


def schema_version(store: Store) -> str:
    names = [row["name"] for row in store.db["migrations"].rows_where(order_by="name")]
    return names[-1] if names else "none"
