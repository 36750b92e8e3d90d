"""The values a batch write carries: fetch and page records, a run's counts, article columns.

FetchRecord and PageRecord are what the crawl (and import-warc, reclean) hand to
storage.repository.Repository.store; RunCounts totals a run's fetch outcomes the way the
summary and crawl_runs read them; cleaned_columns / provenance map a clean page onto the
articles row. Pure values and functions: no connection is opened here.
"""

from __future__ import annotations

import functools
from collections.abc import Mapping
from dataclasses import dataclass, field, fields, replace
from datetime import UTC, date, datetime
from typing import TYPE_CHECKING, Any

from sqlalchemy import Table
from sqlalchemy.types import String

from cleaners import CLEANER_VERSION

from .captures import CaptureRecord
from .contract import (
    DISCOVERY_OUTCOMES,
    PAGE_TYPE_OUTCOMES,
    FieldSource,
    Outcome,
)
from .engine import redact_text
from .models import URL_LENGTH, Article
from .sqlhelp import aware_utc

if TYPE_CHECKING:
    from cleaners.model import CleanPage


_SECRET_KEYS = ("password", "passwd", "secret", "token")


def utcnow() -> datetime:
    return datetime.now(UTC)


@dataclass
class FetchRecord:
    """One fetch attempt: what the crawler saw, and what became of it (outcome)."""

    url: str
    status: int | None = None
    error: str | None = None  # reason: "timeout", "too large", "not html", "robots", "http 404"
    outcome: str | None = None  # an Outcome (storage.contract)
    content_type: str | None = None
    bytes: int | None = None
    elapsed_ms: float | None = None
    fetched_at: datetime = field(default_factory=utcnow)  # aware UTC, keep the microseconds
    revisit: str | None = None  # why a stored article was fetched again (contract.Revisit)
    # where the response lies in a WARC file (storage/captures.py): registered in the batch's
    # transaction, pointed at by the fetch's capture row and by the article cleaned from it
    capture: CaptureRecord | None = None
    capture_id: int | None = None  # set by Repository.store once the capture row exists


@dataclass
class PageRecord:
    """A cleaned article ready to store, with the fetch that produced it."""

    page: CleanPage
    fetch: FetchRecord
    # the site is the row of site_host (storage/sites.py); site_name labels it, unless it is
    # the host itself (a crawl by URL: the row keeps the label a profile gave it)
    site_name: str
    site_host: str
    etag: str | None = None
    last_modified: str | None = None
    aliases: tuple[str, ...] = ()  # other URLs that led here (redirects), tracking-free
    # cleaners.minhash.text_signature(page.text) when the caller computed it already (the
    # crawler does, in its cleaning workers); None: store() computes it
    signature: bytes | None = None
    # the cleaner that made page (articles.cleaner_version): this code's, unless said
    cleaner_version: str | None = CLEANER_VERSION


@dataclass(frozen=True)
class SiteCapture:
    """A capture of a page that is not stored as an article (a listing, a page the cleaner
    refused), with the site it belongs to: store() registers it beside the batch."""

    record: CaptureRecord
    site_name: str
    site_host: str


@dataclass
class RunCounts:
    """Totals of one crawl run; failures_by_reason and extra go to crawl_runs.counts (JSON)."""

    pages_fetched: int = 0
    articles_new: int = 0
    articles_updated: int = 0
    articles_unchanged: int = 0
    non_articles: int = 0
    skipped: int = 0
    failed: int = 0
    failures_by_reason: dict[str, int] = field(default_factory=dict)
    extra: dict[str, Any] = field(default_factory=dict)

    def add(self, outcome: str, reason: str | None = None) -> None:
        """Count one fetch by its outcome, as a crawl's counters do (storage.contract):
        everything but "skipped" counts as fetched; a 304 confirms a stored article
        unchanged; feeds, sitemaps and robots.txt count as fetched only; failed and
        skipped fetches count by reason in failures_by_reason."""
        kind = Outcome(outcome)  # ValueError for a value outside the contract
        if kind is not Outcome.SKIPPED:
            self.pages_fetched += 1
        if kind is Outcome.NEW:
            self.articles_new += 1
        elif kind is Outcome.UPDATED:
            self.articles_updated += 1
        elif kind in (Outcome.UNCHANGED, Outcome.NOT_MODIFIED):
            self.articles_unchanged += 1
        elif kind in PAGE_TYPE_OUTCOMES:
            self.non_articles += 1
        elif kind in DISCOVERY_OUTCOMES:
            pass
        else:
            if kind is Outcome.SKIPPED:
                self.skipped += 1
            else:
                self.failed += 1
            key = f"{kind}: {reason or 'unknown'}"
            self.failures_by_reason[key] = self.failures_by_reason.get(key, 0) + 1

    def counts_json(self) -> dict[str, Any]:
        return {**self.extra, "failures_by_reason": dict(self.failures_by_reason)}

    def copy(self) -> RunCounts:
        return replace(self, failures_by_reason=dict(self.failures_by_reason),
                       extra=dict(self.extra))

    def take(self, other: RunCounts) -> None:
        """Become a copy of other (in place: the caller's object holds the new totals)."""
        for name in (f.name for f in fields(self)):
            setattr(self, name, getattr(other, name))

    def columns(self) -> dict[str, Any]:
        """The crawl_runs columns holding these totals (counts: the JSON one)."""
        return {
            "pages_fetched": self.pages_fetched,
            "articles_new": self.articles_new,
            "articles_updated": self.articles_updated,
            "articles_unchanged": self.articles_unchanged,
            "non_articles": self.non_articles,
            "skipped": self.skipped,
            "failed": self.failed,
            "counts": redact_arguments(self.counts_json()),
        }


def parse_timestamp(value: str | datetime | date | None) -> datetime | None:
    """An ISO 8601 string as an aware UTC datetime.

    No offset means UTC; a bare date is midnight UTC; anything unparseable is None.
    """
    if value is None:
        return None
    if isinstance(value, datetime):
        parsed = value
    elif isinstance(value, date):
        parsed = datetime(value.year, value.month, value.day)
    elif isinstance(value, str):
        text = value.strip()
        if text.endswith("z"):
            text = text[:-1] + "Z"
        try:
            parsed = datetime.fromisoformat(text)
        except ValueError:
            return None
    else:
        return None
    try:
        return aware_utc(parsed)
    except (OverflowError, ValueError):
        return None


def redact_arguments(value: Any, key: str = "") -> Any:
    """value made JSON-safe with every database password (URL or password=...) hidden."""
    if key and any(secret in key.lower() for secret in _SECRET_KEYS) and value not in (None, ""):
        return "***"
    if isinstance(value, Mapping):
        return {str(k): redact_arguments(v, str(k)) for k, v in value.items()}
    if isinstance(value, list | tuple | set | frozenset):
        return [redact_arguments(v) for v in value]
    if value is None or isinstance(value, bool | int | float):
        return value
    return redact_text(str(value))


def _clean(value: Any) -> Any:
    """Strings without NUL characters (PostgreSQL rejects them), lists cleaned item by item."""
    if isinstance(value, str):
        return value.replace("\x00", "")
    if isinstance(value, list):
        return [_clean(v) for v in value]
    return value


def fit_columns(table: Table, row: dict[str, Any]) -> dict[str, Any]:
    """row with NULs removed and strings clipped to their column's length."""
    limits = _lengths(table)
    out = {}
    for name, value in row.items():
        value = _clean(value)
        if isinstance(value, str) and name in limits:
            value = value[: limits[name]]
        out[name] = value
    return out


@functools.cache
def _lengths(table: Table) -> dict[str, int]:
    """The string columns of table that have a length, with it."""
    return {column.name: column.type.length for column in table.columns
            if isinstance(column.type, String) and column.type.length}


#: the articles columns the cleaner's result fills (cleaned_columns), in table order
CLEANED_COLUMNS = ("canonical_url", "title", "authors", "published_at", "modified_at",
                   "language", "section", "tags", "description", "image_url", "sitename",
                   "text", "word_count", "content_hash")


def cleaned_columns(page: CleanPage) -> dict[str, Any]:
    """The articles columns holding what the cleaner made of a page (CLEANED_COLUMNS)."""
    return {
        "canonical_url": _url_or_none(page.canonical_url),
        "title": page.title,
        "authors": list(page.authors or []),
        "published_at": parse_timestamp(page.published),
        "modified_at": parse_timestamp(page.modified),
        "language": page.language,
        "section": page.section,
        "tags": list(page.tags or []),
        "description": page.description,
        "image_url": _url_or_none(page.image),
        "sitename": page.sitename,
        "text": page.text or "",
        "word_count": page.word_count or 0,
        "content_hash": page.content_hash,
    }


def provenance(page: CleanPage, cleaner_version: str | None) -> dict[str, Any]:
    """The articles columns saying which cleaner made a page and where its title, authors
    and published date were read (a value outside storage.contract.FieldSource is None)."""
    return {"cleaner_version": cleaner_version,
            "title_source": _field_source(page.title_source),
            "author_source": _field_source(page.author_source),
            "date_source": _field_source(page.date_source)}


def article_values(page: CleanPage, cleaner_version: str | None) -> dict[str, Any]:
    """cleaned_columns and provenance of page as the store writes them (NULs gone, clipped)."""
    return fit_columns(Article.__table__,
                       {**cleaned_columns(page), **provenance(page, cleaner_version)})


def _field_source(value: str | None) -> str | None:
    return value if value in _FIELD_SOURCES else None


_FIELD_SOURCES = frozenset(str(source) for source in FieldSource)


def _url_or_none(value: str | None) -> str | None:
    """A URL that fits its column, or None (a clipped URL would be a wrong one)."""
    return value if value is not None and len(value) <= URL_LENGTH else None
