"""Re-cleaning's store side: the articles to re-clean, what a new result changes, its run row.

`cleanwire reclean` (crawler/reclean.py) reads articles that point at a capture in id order,
a batch at a time (targets()); for each it compares the cleaner's new result with the
stored row (Recleaned.changed, over COMPARED_COLUMNS) and hands the batch to
Repository.apply_reclean, which writes it in one transaction with the run's progress
(its crawl_runs row: counts.last_article_id and the totals). A run killed mid-way is
taken up again by the next one with the same arguments (unfinished_run): it starts after
the last committed batch, and an article it sees twice compares equal the second time,
so no version is ever made twice.
"""

from __future__ import annotations

import os
import socket
from dataclasses import dataclass, field
from datetime import datetime
from typing import TYPE_CHECKING, Any

from sqlalchemy import Engine, or_, select, update
from sqlalchemy.orm import Session

from .captures import CaptureRecord, captures_for
from .models import Article, Capture, CrawlRun, Site
from .repository import CLEANED_COLUMNS, article_values
from .sqlhelp import aware_utc

if TYPE_CHECKING:
    from cleaners.model import CleanPage

RECLEAN_COMMAND = "reclean"
#: the columns compared to decide that an article changed (word_count and content_hash
#: follow the text); any difference archives the old row with the reason "reclean"
COMPARED_COLUMNS = tuple(c for c in CLEANED_COLUMNS if c not in ("word_count", "content_hash"))
#: provenance columns: updated in place when they differ, never a new version by themselves
PROVENANCE_COLUMNS = ("cleaner_version", "title_source", "author_source", "date_source")


@dataclass(frozen=True)
class RecleanScope:
    """Which articles: a site (name or host), captured in [since, until) (captures.fetched_at),
    and with only_changed_cleaner, those a cleaner other than `cleaner` made."""

    site: str | None = None
    since: datetime | None = None
    until: datetime | None = None
    only_changed_cleaner: bool = False
    cleaner: str = ""

    def arguments(self) -> dict[str, Any]:
        """The scope as crawl_runs.arguments (a resumed run must have the same)."""
        return {"site": self.site, "since": self.since.isoformat() if self.since else None,
                "until": self.until.isoformat() if self.until else None,
                "only_changed_cleaner": self.only_changed_cleaner, "cleaner": self.cleaner}


@dataclass(frozen=True)
class Target:
    """A stored article to re-clean: its row as stored, and its capture (None: no row)."""

    article_id: int
    url: str
    site: str
    version: int
    capture: CaptureRecord | None
    stored: dict[str, Any]  # COMPARED_COLUMNS and PROVENANCE_COLUMNS


@dataclass
class Recleaned:
    """An article's new cleaning: the row values, and which compared columns differ."""

    target: Target
    page: CleanPage
    values: dict[str, Any]  # CLEANED_COLUMNS and PROVENANCE_COLUMNS, fitted to the table
    changed: tuple[str, ...]  # COMPARED_COLUMNS whose value differs
    signature: bytes | None = None

    @property
    def provenance_moved(self) -> bool:
        return any(self.values[c] != self.target.stored[c] for c in PROVENANCE_COLUMNS)


def recleaned(target: Target, page: CleanPage, cleaner: str,
              signature: bytes | None = None) -> Recleaned:
    """Compare the new page with the stored row (values as the store would write them)."""
    values = article_values(page, cleaner)
    changed = tuple(c for c in COMPARED_COLUMNS if not _same(values[c], target.stored[c]))
    return Recleaned(target, page, values, changed, signature)


def _same(new: Any, old: Any) -> bool:
    if isinstance(new, datetime) and isinstance(old, datetime):
        return aware_utc(new) == aware_utc(old)
    if isinstance(new, list) or isinstance(old, list):
        return list(new or []) == list(old or [])
    return new == old


@dataclass
class RecleanCounts:
    """A run's totals, kept in crawl_runs.counts after every batch."""

    read: int = 0  # articles looked at (their capture read, or not)
    changed: int = 0  # a new version made
    unchanged: int = 0
    failed: int = 0  # capture missing or damaged, or the cleaner gave no result
    not_article: int = 0  # the cleaner now calls the page a listing, paywalled, other: left
    provenance_only: int = 0  # of unchanged: only cleaner_version / sources updated
    by_field: dict[str, int] = field(default_factory=dict)  # changed articles per column
    failures_by_reason: dict[str, int] = field(default_factory=dict)
    last_article_id: int = 0  # every article up to this id is done
    resumed: int = 0  # times a killed or stopped run was taken up again

    def fail(self, reason: str) -> None:
        self.failed += 1
        self.failures_by_reason[reason] = self.failures_by_reason.get(reason, 0) + 1

    def add(self, result: Recleaned) -> None:
        if result.changed:
            self.changed += 1
            for column in result.changed:
                self.by_field[column] = self.by_field.get(column, 0) + 1
        else:
            self.unchanged += 1
            self.provenance_only += int(result.provenance_moved)

    def to_json(self) -> dict[str, Any]:
        return {"read": self.read, "changed": self.changed, "unchanged": self.unchanged,
                "failed": self.failed, "not_article": self.not_article,
                "provenance_only": self.provenance_only,
                "by_field": dict(sorted(self.by_field.items())),
                "failures_by_reason": dict(sorted(self.failures_by_reason.items())),
                "last_article_id": self.last_article_id, "resumed": self.resumed,
                "pid": os.getpid(), "host": socket.gethostname()}

    @classmethod
    def from_json(cls, data: dict[str, Any]) -> RecleanCounts:
        names = ("read", "changed", "unchanged", "failed", "not_article", "provenance_only",
                 "last_article_id", "resumed")
        counts = cls(**{n: int(data.get(n) or 0) for n in names})
        counts.by_field = {str(k): int(v) for k, v in (data.get("by_field") or {}).items()}
        counts.failures_by_reason = {str(k): int(v) for k, v in
                                     (data.get("failures_by_reason") or {}).items()}
        return counts


def targets(engine: Engine, scope: RecleanScope, after_id: int, limit: int) -> list[Target]:
    """The next `limit` articles of scope with a capture, by id, after after_id."""
    columns = [getattr(Article, c) for c in (*COMPARED_COLUMNS, *PROVENANCE_COLUMNS)]
    query = (select(Article.id, Article.url, Site.name, Article.version, Article.capture_id,
                    *columns)
             .join(Site, Site.id == Article.site_id)
             .where(Article.capture_id.is_not(None), Article.id > after_id))
    if scope.site:
        query = query.where(or_(Site.name == scope.site, Site.host == scope.site))
    if scope.since is not None or scope.until is not None:
        query = query.join(Capture, Capture.id == Article.capture_id)
        if scope.since is not None:
            query = query.where(Capture.fetched_at >= scope.since)
        if scope.until is not None:
            query = query.where(Capture.fetched_at < scope.until)
    if scope.only_changed_cleaner:
        query = query.where(or_(Article.cleaner_version.is_(None),
                                Article.cleaner_version != scope.cleaner))
    query = query.order_by(Article.id).limit(limit)
    names = (*COMPARED_COLUMNS, *PROVENANCE_COLUMNS)
    with Session(engine) as session:
        rows = session.execute(query).all()
        records = captures_for(session, {row[4] for row in rows})
    return [Target(row[0], row[1], row[2], row[3], records.get(row[4]),
                   dict(zip(names, row[5:], strict=True))) for row in rows]


@dataclass(frozen=True)
class UnfinishedRun:
    run_id: int
    counts: RecleanCounts
    pid: int | None
    host: str | None

    def alive(self) -> bool:
        """Is the process that ran it still running (on this host)?"""
        if not self.pid or self.host != socket.gethostname() or self.pid == os.getpid():
            return False
        try:
            os.kill(self.pid, 0)
        except ProcessLookupError:
            return False
        except PermissionError:
            return True
        return True


def unfinished_run(engine: Engine, scope: RecleanScope) -> UnfinishedRun | None:
    """The latest reclean run, when it has the same arguments and did not finish ("ok")."""
    query = (select(CrawlRun.id, CrawlRun.outcome, CrawlRun.arguments, CrawlRun.counts)
             .where(CrawlRun.command == RECLEAN_COMMAND).order_by(CrawlRun.id.desc()).limit(1))
    with engine.connect() as connection:
        row = connection.execute(query).first()
    if row is None or row.outcome == "ok" or (row.arguments or {}) != scope.arguments():
        return None
    data = row.counts or {}
    return UnfinishedRun(row.id, RecleanCounts.from_json(data), data.get("pid"),
                         data.get("host"))


def reopen_run(engine: Engine, run_id: int, counts: RecleanCounts) -> None:
    """Mark an unfinished run running again, for this process to take it up."""
    with engine.begin() as connection:
        connection.execute(update(CrawlRun.__table__).where(CrawlRun.__table__.c.id == run_id)
                           .values(outcome="running", finished_at=None, counts=counts.to_json()))
