"""SQLAlchemy 2.0 typed models: sites, crawl_runs, articles, fetches, article_versions, crawl_locks.

Times are stored in UTC (naive on SQLite, timestamptz on PostgreSQL) and
always come back as aware UTC datetimes (see UtcDateTime).
authors, tags, arguments and counts are JSON (JSONB on PostgreSQL), written as UTF-8 text.
Constraint and index names follow NAMING_CONVENTION so that migrations can
refer to them by name on every dialect.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import (
    JSON,
    BigInteger,
    CheckConstraint,
    DateTime,
    Dialect,
    Float,
    ForeignKey,
    Index,
    Integer,
    LargeBinary,
    MetaData,
    String,
    Text,
)
from sqlalchemy.dialects.postgresql import JSONB
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column
from sqlalchemy.types import TypeDecorator

from cleaners.minhash import SCHEME

from .contract import outcome_check, revisit_check
from .sqlhelp import aware_utc

NAMING_CONVENTION = {
    "ix": "ix_%(column_0_label)s",
    "uq": "uq_%(table_name)s_%(column_0_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}

# Column lengths the repository clips free text to (PostgreSQL enforces them).
URL_LENGTH = 2048


class UtcDateTime(TypeDecorator[datetime]):
    """A timezone-aware UTC datetime on every dialect.

    Naive values written are taken to be UTC; aware ones are converted.
    SQLite keeps the naive UTC value; PostgreSQL keeps timestamptz.
    """

    impl = DateTime(timezone=True)
    cache_ok = True

    def process_bind_param(self, value: datetime | None, dialect: Dialect) -> datetime | None:
        if value is None:
            return None
        value = aware_utc(value)
        if dialect.name == "sqlite":
            return value.replace(tzinfo=None)
        return value

    def process_result_value(self, value: datetime | None, dialect: Dialect) -> datetime | None:
        if value is None:
            return None
        return aware_utc(value)


JsonType = JSON().with_variant(JSONB(), "postgresql")


class Base(DeclarativeBase):
    metadata = MetaData(naming_convention=NAMING_CONVENTION)


class Site(Base):
    """One row per host (normalised, unique: see storage/sites.py); name is its label, the
    profile that crawls it (several hosts of one profile share it), else the host itself."""

    __tablename__ = "sites"

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(200), index=True)
    host: Mapped[str] = mapped_column(String(255), unique=True, index=True)


class CrawlRun(Base):
    __tablename__ = "crawl_runs"

    id: Mapped[int] = mapped_column(primary_key=True)
    site_id: Mapped[int | None] = mapped_column(ForeignKey("sites.id"), index=True)
    command: Mapped[str] = mapped_column(String(50))
    arguments: Mapped[dict[str, Any]] = mapped_column(JsonType, default=dict)
    started_at: Mapped[datetime] = mapped_column(UtcDateTime())
    finished_at: Mapped[datetime | None] = mapped_column(UtcDateTime())
    outcome: Mapped[str] = mapped_column(String(30), default="running")
    pages_fetched: Mapped[int] = mapped_column(Integer, default=0)
    articles_new: Mapped[int] = mapped_column(Integer, default=0)
    articles_updated: Mapped[int] = mapped_column(Integer, default=0)
    articles_unchanged: Mapped[int] = mapped_column(Integer, default=0)
    non_articles: Mapped[int] = mapped_column(Integer, default=0)
    skipped: Mapped[int] = mapped_column(Integer, default=0)
    failed: Mapped[int] = mapped_column(Integer, default=0)
    # failures by reason, plus any extra counters
    counts: Mapped[dict[str, Any]] = mapped_column(JsonType, default=dict)


class Article(Base):
    __tablename__ = "articles"

    id: Mapped[int] = mapped_column(primary_key=True)
    url: Mapped[str] = mapped_column(String(URL_LENGTH), unique=True)
    canonical_url: Mapped[str | None] = mapped_column(String(URL_LENGTH), index=True)
    site_id: Mapped[int | None] = mapped_column(ForeignKey("sites.id"), index=True)
    title: Mapped[str | None] = mapped_column(Text)
    authors: Mapped[list[str]] = mapped_column(JsonType, default=list)
    published_at: Mapped[datetime | None] = mapped_column(UtcDateTime(), index=True)
    modified_at: Mapped[datetime | None] = mapped_column(UtcDateTime())
    language: Mapped[str | None] = mapped_column(String(16), index=True)
    section: Mapped[str | None] = mapped_column(String(300))
    tags: Mapped[list[str]] = mapped_column(JsonType, default=list)
    description: Mapped[str | None] = mapped_column(Text)
    image_url: Mapped[str | None] = mapped_column(String(URL_LENGTH))
    sitename: Mapped[str | None] = mapped_column(String(300))
    text: Mapped[str] = mapped_column(Text, default="")
    word_count: Mapped[int] = mapped_column(Integer, default=0)
    content_hash: Mapped[str | None] = mapped_column(String(64), index=True)
    http_etag: Mapped[str | None] = mapped_column(String(300))
    http_last_modified: Mapped[str | None] = mapped_column(String(100))
    first_seen_at: Mapped[datetime] = mapped_column(UtcDateTime())
    last_fetched_at: Mapped[datetime] = mapped_column(UtcDateTime())
    # adaptive revisits (storage/revisits.py): seconds between re-fetches, and when the
    # next is due (NULL: never scheduled, due now)
    revisit_interval: Mapped[int | None] = mapped_column(Integer)
    next_due_at: Mapped[datetime | None] = mapped_column(UtcDateTime())
    crawl_run_id: Mapped[int | None] = mapped_column(ForeignKey("crawl_runs.id"), index=True)
    # duplicates (see storage/dedup.py): the first-seen article with the same content_hash,
    # and the near-duplicate cluster's id (its earliest member's id; NULL when alone)
    duplicate_of: Mapped[int | None] = mapped_column(ForeignKey("articles.id"), index=True)
    cluster_id: Mapped[int | None] = mapped_column(Integer, index=True)
    # edit tracking (see storage/versions.py): 1 for the first text seen, +1 per change;
    # earlier versions are rows of article_versions
    version: Mapped[int] = mapped_column(Integer, default=1, server_default="1")
    # provenance (issue 23): the raw capture this text was cleaned from, the cleaner that
    # cleaned it, and where each metadata field came from (storage.contract.FieldSource)
    capture_id: Mapped[int | None] = mapped_column(ForeignKey("captures.id"), index=True)
    cleaner_version: Mapped[str | None] = mapped_column(String(40))
    title_source: Mapped[str | None] = mapped_column(String(20))
    author_source: Mapped[str | None] = mapped_column(String(20))
    date_source: Mapped[str | None] = mapped_column(String(20))


class Fetch(Base):
    __tablename__ = "fetches"
    # One row per fetch attempt; (url, fetched_at) identifies it, so re-storing
    # the same batch does not duplicate the log.
    __table_args__ = (Index("ix_fetches_url_fetched_at", "url", "fetched_at", unique=True),
                      CheckConstraint(outcome_check(), name="outcome"),
                      CheckConstraint(revisit_check(), name="revisit"))

    id: Mapped[int] = mapped_column(primary_key=True)
    crawl_run_id: Mapped[int | None] = mapped_column(ForeignKey("crawl_runs.id"), index=True)
    url: Mapped[str] = mapped_column(String(URL_LENGTH))
    status: Mapped[int | None] = mapped_column(Integer)
    error: Mapped[str | None] = mapped_column(String(300))
    outcome: Mapped[str | None] = mapped_column(String(30))  # storage.contract.Outcome
    content_type: Mapped[str | None] = mapped_column(String(200))
    bytes: Mapped[int | None] = mapped_column(Integer)
    elapsed_ms: Mapped[float | None] = mapped_column(Float)
    fetched_at: Mapped[datetime] = mapped_column(UtcDateTime())
    # why a stored article was fetched again (storage.contract.Revisit); NULL: not stored
    revisit: Mapped[str | None] = mapped_column(String(10))


class ArticleVersion(Base):
    """An earlier text of an article, archived when a re-fetch found it changed."""

    __tablename__ = "article_versions"
    __table_args__ = (
        Index("ix_article_versions_article_id_version", "article_id", "version", unique=True),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    article_id: Mapped[int] = mapped_column(ForeignKey("articles.id", ondelete="CASCADE"))
    version: Mapped[int] = mapped_column(Integer)
    title: Mapped[str | None] = mapped_column(Text)
    text: Mapped[str] = mapped_column(Text, default="")
    content_hash: Mapped[str | None] = mapped_column(String(64))
    modified_at: Mapped[datetime | None] = mapped_column(UtcDateTime())  # as the page said
    fetched_at: Mapped[datetime] = mapped_column(UtcDateTime())  # last fetch of this version
    # why the text that replaced this one was made (storage.contract.VersionReason; NULL:
    # before revision 0007, a re-fetch), and the capture and cleaner of this version
    reason: Mapped[str | None] = mapped_column(String(10))
    capture_id: Mapped[int | None] = mapped_column(ForeignKey("captures.id"), index=True)
    cleaner_version: Mapped[str | None] = mapped_column(String(40))


class Capture(Base):
    """One WARC response record holding a fetched page as received (storage/captures.py)."""

    __tablename__ = "captures"
    __table_args__ = (
        Index("ix_captures_warc_path_offset", "warc_path", "offset", unique=True),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    url: Mapped[str] = mapped_column(String(URL_LENGTH), index=True)
    site_id: Mapped[int | None] = mapped_column(ForeignKey("sites.id"), index=True)
    # the file as written (absolute), the record's byte offset in it and its length on disk
    # (compressed, for a gzip-per-record file): enough to read the record back alone
    warc_path: Mapped[str] = mapped_column(Text)
    offset: Mapped[int] = mapped_column(BigInteger)
    length: Mapped[int] = mapped_column(BigInteger)
    record_id: Mapped[str | None] = mapped_column(String(100))  # WARC-Record-ID
    payload_digest: Mapped[str | None] = mapped_column(String(100))  # WARC-Payload-Digest
    status: Mapped[int | None] = mapped_column(Integer)
    content_type: Mapped[str | None] = mapped_column(String(200))
    fetched_at: Mapped[datetime] = mapped_column(UtcDateTime(), index=True)
    fetch_id: Mapped[int | None] = mapped_column(ForeignKey("fetches.id"), index=True)
    source: Mapped[str] = mapped_column(String(10))  # storage.contract.CaptureSource


class WarcImport(Base):
    """How far `import-warc` has read one WARC file: the offset after the last record whose
    outcome is committed (crawler/warcimport, storage/warcimports.py), for resuming."""

    __tablename__ = "warc_imports"

    id: Mapped[int] = mapped_column(primary_key=True)
    # the absolute path of a local file, or the URL it was streamed from
    warc_path: Mapped[str] = mapped_column(Text, unique=True)
    next_offset: Mapped[int] = mapped_column(BigInteger, default=0)
    records: Mapped[int] = mapped_column(Integer, default=0)  # records read up to next_offset
    crawl_run_id: Mapped[int | None] = mapped_column(ForeignKey("crawl_runs.id"), index=True)
    updated_at: Mapped[datetime] = mapped_column(UtcDateTime())
    finished_at: Mapped[datetime | None] = mapped_column(UtcDateTime())  # read to its end


class CrawlLock(Base):
    """One row per site being crawled: who holds it, and when it last proved alive."""

    __tablename__ = "crawl_locks"

    site: Mapped[str] = mapped_column(String(200), primary_key=True)
    pid: Mapped[int] = mapped_column(Integer)
    host: Mapped[str] = mapped_column(String(255))
    acquired_at: Mapped[datetime] = mapped_column(UtcDateTime())
    heartbeat_at: Mapped[datetime] = mapped_column(UtcDateTime())


class ArticleUrl(Base):
    """Every known URL of an article (see storage/dedup.py): its own url (kind "primary")
    and the variants, redirects and canonical URLs that lead to it; url_key is
    cleaners.urlkeys.article_key(url), so a lookup by any variant finds the article."""

    __tablename__ = "article_urls"

    url: Mapped[str] = mapped_column(String(URL_LENGTH), primary_key=True)
    url_key: Mapped[str] = mapped_column(String(URL_LENGTH), index=True)
    article_id: Mapped[int] = mapped_column(ForeignKey("articles.id"), index=True)
    kind: Mapped[str] = mapped_column(String(16))  # primary|redirect|canonical|amp|variant
    first_seen_at: Mapped[datetime] = mapped_column(UtcDateTime())


class ArticleMinHash(Base):
    """An article's MinHash signature (little-endian uint32 hash values) and the scheme that
    made it (cleaners.minhash.SCHEME): signatures of another scheme are not compared."""

    __tablename__ = "article_minhash"

    article_id: Mapped[int] = mapped_column(ForeignKey("articles.id"), primary_key=True)
    signature: Mapped[bytes] = mapped_column(LargeBinary)
    scheme: Mapped[str] = mapped_column(String(40), default=SCHEME,
                                        server_default="affine32/s1/p128/w5")
