"""Repository: crawl runs, articles and fetches written in whole-batch transactions.

store() writes one batch (clean pages + their fetches + extra fetch rows) in a
single transaction with dialect upserts (INSERT ... ON CONFLICT on SQLite and
PostgreSQL): it is all-or-nothing and idempotent, so a crash mid-batch leaves
nothing half-written and re-storing the same batch duplicates nothing. Given the run's
totals so far, it adds the batch's fetch rows to them and writes them to the run's
crawl_runs row in that same transaction (last: the run's own row, locked by no other
writer), so a run killed at any moment has counters that match its committed fetch rows.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, replace
from datetime import datetime
from typing import TYPE_CHECKING, Any

from sqlalchemy import Connection, Engine, Table, bindparam, func, select, update
from sqlalchemy import exc as sa_exc
from sqlalchemy.orm import Session

from .captures import record_captures
from .contract import Outcome, Reason, VersionReason
from .dedup import (
    DEFAULT_NEAR_DUP_THRESHOLD,
    Deduplicator,
    find_article_id,
    is_exact_copy,
    is_near_copy,
)
from .engine import error_line, session_factory, write_connection
from .errors import RunNotFoundError, StorageError, WriteError
from .frontier import touch_not_modified
from .models import URL_LENGTH, Article, Capture, CrawlRun, Fetch
from .records import (
    CLEANED_COLUMNS,
    FetchRecord,
    PageRecord,
    RunCounts,
    SiteCapture,
    article_values,
    cleaned_columns,
    fit_columns,
    parse_timestamp,
    provenance,
    redact_arguments,
    utcnow,
)
from .revisits import RevisitPolicy
from .sites import adopt_hosts, label_of, normal_host, site_row_id
from .sqlhelp import aware_utc, chunks, dialect_insert
from .versions import archive_changed

if TYPE_CHECKING:
    from sqlalchemy.dialects.sqlite import Insert as SQLiteInsert

    from .reclean import RecleanCounts, Recleaned

# the records are defined in storage/records.py; callers import them from here too
__all__ = ["CLEANED_COLUMNS", "FetchRecord", "PageRecord", "Repository", "RunCounts",
           "SiteCapture", "article_values", "parse_timestamp"]


@dataclass
class _Known:
    content_hash: str | None
    title: str | None
    last_fetched_at: datetime
    revisit_interval: int | None = None


class Repository:
    """Reads and writes cleanwire's tables through one Engine (see storage.engine.open_engine)."""

    def __init__(
        self, engine: Engine, near_dup_threshold: float = DEFAULT_NEAR_DUP_THRESHOLD,
        revisits: RevisitPolicy | None = None, clock: Callable[[], datetime] = utcnow,
    ) -> None:
        self.engine = engine
        self.clock = clock  # when runs start and finish (tests inject simulated days)
        self.revisits = revisits or RevisitPolicy()  # next-due times of stored articles
        self._dedup = Deduplicator(near_dup_threshold)
        self._site_ids: dict[tuple[str, str | None], int] = {}
        self._sessions = session_factory(engine)

    # --- runs ---------------------------------------------------------------

    def start_run(
        self,
        command: str,
        arguments: dict[str, Any],
        site_name: str | None = None,
        site_host: str | None = None,
        site_hosts: Sequence[str] = (),
    ) -> int:
        """Record the start of a run; arguments are stored with passwords redacted.

        The run belongs to the row of site_host (else of site_name taken as a host); a
        site_name other than the host labels it and the existing rows of site_hosts (a
        profile adopting hosts crawled by URL before, see storage/sites.py)."""
        created: dict[tuple[str, str | None], int] = {}
        with self._writing(f"could not start {command} run") as connection:
            site_id = None
            if site_name or site_host:
                host = normal_host(site_host or site_name or "")
                label = label_of(site_name, host)
                if label and site_hosts:
                    adopt_hosts(connection, site_hosts, label)
                site_id = self._site_id(connection, site_name, host, created)
            row = fit_columns(
                CrawlRun.__table__,
                {
                    "site_id": site_id,
                    "command": command,
                    "arguments": redact_arguments(arguments),
                    "started_at": self.clock(),
                    "outcome": "running",
                    "counts": {},
                },
            )
            result = connection.execute(CrawlRun.__table__.insert().values(**row))
            run_id = int(result.inserted_primary_key[0])
        self._site_ids.update(created)
        return run_id

    def finish_run(self, run_id: int, outcome: str, counts: RunCounts) -> None:
        """Record the end of a run with its outcome ("ok", "failed", "interrupted", ...)."""
        values = {"finished_at": self.clock(), "outcome": outcome, **counts.columns()}
        with self._writing(f"could not finish run {run_id}") as connection:
            result = connection.execute(
                update(CrawlRun.__table__)
                .where(CrawlRun.__table__.c.id == run_id)
                .values(**fit_columns(CrawlRun.__table__, values))
            )
            if result.rowcount == 0:
                raise RunNotFoundError(f"no crawl run with id {run_id}")

    # --- batches ------------------------------------------------------------

    def store(
        self,
        run_id: int | None,
        pages: Sequence[PageRecord],
        fetches: Sequence[FetchRecord] = (),
        *,
        captures: Sequence[SiteCapture] = (),
        after: Callable[[Connection], None] | None = None,
        counts: RunCounts | None = None,
    ) -> list[str]:
        """Write a batch in one transaction; returns per page "new" | "updated" | "unchanged".

        Articles are keyed by url. "unchanged": same content_hash and title as
        stored (the row is still refreshed and last_fetched_at bumped); "updated":
        text or title changed (first_seen_at kept). Each stored page's next revisit is
        scheduled (storage/revisits.py): the first interval when new or changed, the next
        longer one when unchanged (a 304 too). A page older than the stored
        copy (a late batch) changes nothing and counts as "unchanged". A page
        whose url is longer than the column is not stored and reports "skipped".
        Each page's fetch row is written with that outcome, then the extra
        fetches (failures, listings). The captures (FetchRecord.capture of pages and
        fetches, and the extra SiteCaptures) are registered first (storage/captures.py):
        each article row points at its page's, each capture at its fetch row.
        counts: the run's totals before this batch (with run_id): the batch's fetch rows are
        added (RunCounts.add) and the totals written to the run's crawl_runs row in the same
        transaction; counts is updated in place once the batch has committed. after, when
        given, runs last in the same transaction (import-warc records how far it has read).
        Raises WriteError; nothing is written (nor counted) then.
        """
        outcomes: list[str] = []
        created: dict[tuple[str, str | None], int] = {}
        with self._writing(f"could not store a batch of {len(pages)} pages") as connection:
            pages = self._dedup.resolve_urls(connection, pages)  # URL variants -> one row
            # captures first: new rows of this process's own files (no lock shared with
            # another batch), whose ids the article rows and fetch rows then carry
            pages, linked = self._record_captures(connection, run_id, pages, fetches, captures,
                                                  created)
            known = self._known_articles(connection, [r.page.url for r in pages])
            article_rows: dict[str, dict[str, Any]] = {}
            first_seen: dict[str, datetime] = {}
            fetch_rows: list[dict[str, Any]] = []
            for record in pages:
                outcome, error = self._stage_page(
                    connection, run_id, record, known, article_rows, first_seen, created
                )
                outcomes.append(outcome)
                fetch = replace(record.fetch, outcome=outcome, error=record.fetch.error or error)
                fetch_rows.append(self._fetch_row(run_id, fetch))
            fetch_rows.extend(self._fetch_row(run_id, fetch) for fetch in fetches)
            archive_changed(connection, [r.page.url for r, o in zip(pages, outcomes, strict=True)
                                         if o == Outcome.UPDATED])
            touch_not_modified(connection, [(f.url, aware_utc(f.fetched_at)) for f in fetches
                                            if f.outcome == Outcome.NOT_MODIFIED],
                               self.revisits)
            self._upsert_articles(connection, list(article_rows.values()))
            self._dedup.after_upsert(connection, pages, outcomes)  # aliases, duplicates
            written = self._insert_fetches(connection, fetch_rows)
            self._link_captures(connection, linked)
            totals = None
            if counts is not None and run_id is not None:
                totals = counts.copy()
                for row in written:
                    if row["outcome"]:  # None only where a caller left it to the store
                        totals.add(row["outcome"], row["error"])
                self._write_counts(connection, run_id, totals)
            if after is not None:
                after(connection)
        self._site_ids.update(created)
        if totals is not None and counts is not None:  # committed: the caller's totals move
            counts.take(totals)
        return outcomes

    @staticmethod
    def _write_counts(connection: Connection, run_id: int, totals: RunCounts) -> None:
        """The run's totals so far, written to its crawl_runs row (outcome left alone)."""
        connection.execute(update(CrawlRun.__table__)
                           .where(CrawlRun.__table__.c.id == run_id)
                           .values(**fit_columns(CrawlRun.__table__, totals.columns())))

    def _record_captures(
        self, connection: Connection, run_id: int | None, pages: Sequence[PageRecord],
        fetches: Sequence[FetchRecord], captures: Sequence[SiteCapture],
        created: dict[tuple[str, str | None], int],
    ) -> tuple[Sequence[PageRecord], list[tuple[int, str, datetime]]]:
        """Register the batch's captures (storage.captures.record_captures): the pages' and
        the fetches' (FetchRecord.capture) and the extra ones (SiteCapture, import-warc's
        non-article pages). The pages come back with their capture_id set, with the
        (capture id, url, fetched_at) of every capture for _link_captures. A capture's site is its
        page's, a SiteCapture's own, or for another fetch the crawl run's."""
        if (not captures and not any(r.fetch.capture for r in pages)
                and not any(f.capture for f in fetches)):
            return pages, []
        run_site = (connection.scalar(select(CrawlRun.site_id).where(CrawlRun.id == run_id))
                    if run_id is not None else None)
        records = [replace(r.fetch.capture, site_id=self._site_id(
                       connection, r.site_name, r.site_host, created))
                   for r in pages if r.fetch.capture is not None]
        records += [replace(f.capture, site_id=run_site)
                    for f in fetches if f.capture is not None]
        records += [replace(c.record, site_id=c.record.site_id or self._site_id(
                        connection, c.site_name, c.site_host, created)) for c in captures]
        ids = record_captures(connection, records)
        # a capture's fetch row: its fetch's url and time (a SiteCapture's own, which its
        # caller gives the fetch row it stores beside it)
        keys = [(f.url, f.fetched_at) for f in (*(r.fetch for r in pages), *fetches)
                if f.capture is not None]
        keys += [(c.record.url, c.record.fetched_at) for c in captures]
        linked = [(capture_id, url, at) for capture_id, (url, at) in zip(ids, keys, strict=True)]
        each = iter(ids)  # the pages' come first: their article rows point at them
        pages = [replace(r, fetch=replace(r.fetch, capture_id=next(each)))
                 if r.fetch.capture is not None else r for r in pages]
        return pages, linked

    @staticmethod
    def _link_captures(connection: Connection,
                       linked: Sequence[tuple[int, str, datetime]]) -> None:
        """captures.fetch_id of the batch's captures: the fetch row of the same url and time."""
        fetch = Fetch.__table__
        rows = [{"c_id": capture_id, "f_url": url, "f_at": aware_utc(fetched_at)}
                for capture_id, url, fetched_at in linked]
        if not rows:
            return
        fetch_id = (select(fetch.c.id).where(fetch.c.url == bindparam("f_url"),
                                             fetch.c.fetched_at == bindparam("f_at"))
                    .scalar_subquery())
        connection.execute(update(Capture.__table__)
                           .where(Capture.__table__.c.id == bindparam("c_id"))
                           .values(fetch_id=fetch_id), rows)

    def _stage_page(
        self,
        connection: Connection,
        run_id: int | None,
        record: PageRecord,
        known: dict[str, _Known],
        article_rows: dict[str, dict[str, Any]],
        first_seen: dict[str, datetime],
        created: dict[tuple[str, str | None], int],
    ) -> tuple[str, str | None]:
        """Decide one page's outcome and queue its article row; returns (outcome, error)."""
        url = record.page.url
        if len(url) > URL_LENGTH:
            return Outcome.SKIPPED, Reason.URL_TOO_LONG
        site_id = self._site_id(connection, record.site_name, record.site_host, created)
        row = self._article_row(run_id, record, site_id)
        fetched = row["last_fetched_at"]
        previous = known.get(url)
        if previous is None:
            outcome = Outcome.NEW
        elif fetched < previous.last_fetched_at:
            return "unchanged", None  # older than what is stored: keep the stored copy
        elif (previous.content_hash, previous.title) == (row["content_hash"], row["title"]):
            outcome = Outcome.UNCHANGED
        else:
            outcome = Outcome.UPDATED
        interval = self.revisits.next_interval(
            previous.revisit_interval if previous else None, changed=outcome != Outcome.UNCHANGED)
        row["revisit_interval"] = int(interval)
        row["next_due_at"] = self.revisits.due_at(fetched, interval)
        first_seen[url] = min(first_seen.get(url, fetched), fetched)
        row["first_seen_at"] = first_seen[url]
        article_rows[url] = row
        known[url] = _Known(row["content_hash"], row["title"], fetched, row["revisit_interval"])
        return outcome, None

    @staticmethod
    def _article_row(run_id: int | None, record: PageRecord, site_id: int) -> dict[str, Any]:
        page = record.page
        fetched = aware_utc(record.fetch.fetched_at)
        return fit_columns(
            Article.__table__,
            {
                "url": page.url,
                "site_id": site_id,
                **cleaned_columns(page),
                "http_etag": record.etag,
                "http_last_modified": record.last_modified,
                "capture_id": record.fetch.capture_id,  # registered first in store()
                "first_seen_at": fetched,
                "last_fetched_at": fetched,
                "crawl_run_id": run_id,
                **provenance(page, record.cleaner_version),
            },
        )

    @staticmethod
    def _fetch_row(run_id: int | None, fetch: FetchRecord) -> dict[str, Any]:
        return fit_columns(
            Fetch.__table__,
            {
                "crawl_run_id": run_id,
                "url": fetch.url,
                "status": fetch.status,
                "error": fetch.error,
                "outcome": fetch.outcome,
                "content_type": fetch.content_type,
                "bytes": fetch.bytes,
                "elapsed_ms": fetch.elapsed_ms,
                "fetched_at": aware_utc(fetch.fetched_at) if fetch.fetched_at is not None else None,
                "revisit": fetch.revisit,
            },
        )

    def _known_articles(self, connection: Connection, urls: list[str]) -> dict[str, _Known]:
        table = Article.__table__
        wanted = sorted({url for url in urls if len(url) <= URL_LENGTH})
        known: dict[str, _Known] = {}
        for chunk in chunks(wanted):
            rows = connection.execute(
                select(
                    table.c.url, table.c.content_hash, table.c.title, table.c.last_fetched_at,
                    table.c.revisit_interval,
                ).where(table.c.url.in_(chunk))
            )
            for url, content_hash, title, last_fetched_at, interval in rows:
                known[url] = _Known(content_hash, title, last_fetched_at, interval)
        return known

    def _upsert_articles(self, connection: Connection, rows: list[dict[str, Any]]) -> None:
        if not rows:
            return
        rows = sorted(rows, key=lambda row: row["url"])  # one lock order for concurrent batches
        table = Article.__table__
        stmt = self._insert(table)
        kept = ("id", "url", "first_seen_at", "version")  # version: see storage/versions.py
        stmt = stmt.on_conflict_do_update(
            index_elements=[table.c.url],
            set_={c.name: stmt.excluded[c.name] for c in table.columns if c.name not in kept},
            # a late (older) copy never overwrites a newer one, even under concurrency
            where=table.c.last_fetched_at <= stmt.excluded.last_fetched_at,
        )
        connection.execute(stmt, rows)

    def _insert_fetches(self, connection: Connection,
                        rows: list[dict[str, Any]]) -> list[dict[str, Any]]:
        """Insert the fetch rows (one per url and time); returns the rows meant to be written."""
        unique: dict[tuple[str, Any], dict[str, Any]] = {}
        for row in rows:
            unique.setdefault((row["url"], row["fetched_at"]), row)
        if not unique:
            return []
        stmt = self._insert(Fetch.__table__).on_conflict_do_nothing(
            index_elements=["url", "fetched_at"]
        )
        connection.execute(stmt, list(unique.values()))
        return list(unique.values())

    def _site_id(
        self, connection: Connection, name: str | None, host: str,
        created: dict[tuple[str, str | None], int],
    ) -> int:
        """The id of host's row, made or labelled as needed (storage/sites.py); ids made in
        this transaction go to the cache only on commit."""
        key = normal_host(host or name or "")
        label = label_of(name, key)
        cached = self._site_ids.get((key, label)) or created.get((key, label))
        if cached is not None:
            return cached
        found = site_row_id(connection, key, label)
        created[(key, label)] = found
        return found

    def _insert(self, table: Table) -> SQLiteInsert:
        return dialect_insert(self.engine, table)

    @contextmanager
    def _writing(self, what: str) -> Iterator[Connection]:
        """One write transaction; database errors become WriteError after the rollback."""
        try:
            with write_connection(self.engine) as connection:
                yield connection
        except sa_exc.SQLAlchemyError as exc:
            raise WriteError(f"{what}: {error_line(exc)}") from exc

    # --- reclean (storage/reclean.py, crawler/reclean.py) -----------------------

    def apply_reclean(self, run_id: int, batch: Sequence[Recleaned],
                      counts: RecleanCounts) -> None:
        """Write one batch of re-cleaned articles and the run's progress in one transaction.

        A changed article is archived (article_versions, reason "reclean", with the capture
        and cleaner of the old text) and updated in place: the cleaned columns, provenance,
        version + 1; url, fetch times and revisit schedule stay. The FTS triggers (SQLite)
        and the generated tsvector (PostgreSQL) follow the update; exact-copy links and
        near-duplicate clusters of the articles whose text changed are redone as a crawl's
        "updated" outcome does (Deduplicator.after_update). An unchanged article only gets
        its provenance columns. An article stored again since it was read (its version
        moved on) is left alone, and counted unchanged. counts (each result added to it
        here) is written to the run's row in the same transaction.
        """
        table = Article.__table__
        with self._writing(f"could not store a reclean batch of {len(batch)}") as connection:
            self._dedup.lock(connection)
            current = {}
            for chunk in chunks(sorted({r.target.article_id for r in batch})):
                current.update(connection.execute(
                    select(table.c.id, table.c.version).where(table.c.id.in_(chunk))).all())
            fresh = [r for r in batch if current.get(r.target.article_id) == r.target.version]
            for result in fresh:
                counts.add(result)
            counts.unchanged += len(batch) - len(fresh)
            changed = [r for r in fresh if r.changed]
            archive_changed(connection, [r.target.url for r in changed], VersionReason.RECLEAN)
            columns = (*CLEANED_COLUMNS, "cleaner_version", "title_source", "author_source",
                       "date_source")
            if changed:
                connection.execute(
                    update(table).where(table.c.id == bindparam("b_id"))
                    .values({c: bindparam(f"b_{c}") for c in columns}),
                    [{"b_id": r.target.article_id, **{f"b_{c}": r.values[c] for c in columns}}
                     for r in changed])
            moved = [r for r in fresh if not r.changed and r.provenance_moved]
            if moved:
                kept = columns[len(CLEANED_COLUMNS):]
                connection.execute(
                    update(table).where(table.c.id == bindparam("b_id"))
                    .values({c: bindparam(f"b_{c}") for c in kept}),
                    [{"b_id": r.target.article_id, **{f"b_{c}": r.values[c] for c in kept}}
                     for r in moved])
            texts = [r for r in changed if "text" in r.changed]
            if texts:
                self._dedup.after_update(connection, [
                    PageRecord(page=replace(r.page, url=r.target.url), fetch=FetchRecord(
                        r.target.url), site_name=r.target.site, site_host="",
                        signature=r.signature) for r in texts])
            connection.execute(update(CrawlRun.__table__)
                               .where(CrawlRun.__table__.c.id == run_id)
                               .values(articles_updated=counts.changed,
                                       articles_unchanged=counts.unchanged,
                                       failed=counts.failed, counts=counts.to_json()))

    # --- reads (tests, CLI) -------------------------------------------------

    @contextmanager
    def _reading(self) -> Iterator[Session]:
        try:
            with self._sessions() as session:
                yield session
        except sa_exc.SQLAlchemyError as exc:
            raise StorageError(f"could not read the database: {error_line(exc)}") from exc

    def get_article(self, url: str) -> Article | None:
        with self._reading() as session:
            return session.scalars(select(Article).where(Article.url == url)).one_or_none()

    def find_article(self, url: str) -> Article | None:
        """The article stored under url or under any URL variant or alias of it."""
        with self._reading() as session:
            article_id = find_article_id(session.connection(), url)
            return None if article_id is None else session.get(Article, article_id)

    def run_duplicates(self, run_id: int) -> tuple[int, int]:
        """(exact copies, near copies) among the articles a crawl run stored or refreshed."""
        articles = Article.__table__
        query = select(
            func.count().filter(is_exact_copy(articles)),
            func.count().filter(is_near_copy(articles)),
        ).where(articles.c.crawl_run_id == run_id)
        with self._reading() as session:
            exact, near = session.execute(query).one()
        return int(exact or 0), int(near or 0)

    def count_articles(self) -> int:
        with self._reading() as session:
            return int(session.scalar(select(func.count()).select_from(Article)) or 0)

    def get_run(self, run_id: int) -> CrawlRun | None:
        with self._reading() as session:
            return session.get(CrawlRun, run_id)

    def recent_fetches(self, run_id: int, limit: int | None = None) -> list[Fetch]:
        """The fetches of a run, oldest first (the last `limit` of them if given)."""
        with self._reading() as session:
            query = select(Fetch).where(Fetch.crawl_run_id == run_id)
            if limit is not None:
                rows = session.scalars(query.order_by(Fetch.id.desc()).limit(limit)).all()
                return list(reversed(rows))
            return list(session.scalars(query.order_by(Fetch.id)).all())
