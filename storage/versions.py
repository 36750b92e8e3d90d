"""Edit tracking: earlier texts of an article in article_versions, and reading them back.

Repository.store calls archive_changed() for the articles a batch found changed (and
Repository.apply_reclean for those `cleanwire reclean` found changed), before its upsert
and in the same transaction: the stored (old) rows are copied
set-based (INSERT ... SELECT) and their version numbers bumped, so the upsert
leaves the article row holding the latest text with the next version number.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import Connection, Engine, String, insert, literal, select, update
from sqlalchemy import exc as sa_exc

from .contract import VersionReason
from .dedup import find_article_id
from .engine import error_line
from .errors import StorageError
from .models import Article, ArticleVersion
from .sqlhelp import chunks


@dataclass(frozen=True)
class Version:
    """One text of an article; the last one of history() is the current article row."""

    version: int
    title: str | None
    text: str
    content_hash: str | None
    modified_at: datetime | None
    fetched_at: datetime
    # why the next version replaced this one (VersionReason; None for the current row and
    # for rows archived before revision 0007), and the cleaner that made this one
    reason: str | None = None
    cleaner_version: str | None = None


class UnknownArticle(StorageError):
    """No article is stored under that URL."""


def archive_changed(connection: Connection, urls: Sequence[str],
                    reason: VersionReason = VersionReason.REFETCH) -> None:
    """Copy the stored rows of urls to article_versions and bump their version numbers.

    Each archived row keeps the capture and cleaner version it was made from, and the
    reason the text replacing it was made (a crawl's re-fetch, or `cleanwire reclean`)."""
    articles, versions = Article.__table__, ArticleVersion.__table__
    wanted = sorted(set(urls))
    for chunk in chunks(wanted):
        old = select(articles.c.id, articles.c.version, articles.c.title, articles.c.text,
                     articles.c.content_hash, articles.c.modified_at,
                     articles.c.last_fetched_at, literal(str(reason), String(10)),
                     articles.c.capture_id, articles.c.cleaner_version,
                     ).where(articles.c.url.in_(chunk))
        connection.execute(insert(versions).from_select(
            ["article_id", "version", "title", "text", "content_hash", "modified_at",
             "fetched_at", "reason", "capture_id", "cleaner_version"], old))
        connection.execute(update(articles).where(articles.c.url.in_(chunk))
                           .values(version=articles.c.version + 1))


def history(engine: Engine, url: str) -> list[Version]:
    """Every stored text of the article at url, oldest first; UnknownArticle if none.
    url is read as the crawl reads it (storage.dedup.find_article_id): any variant of a
    stored article's URL (tracking parameters, www., trailing slash, aliases) finds it."""
    return article_history(engine, url)[1]


def article_history(engine: Engine, url: str) -> tuple[str, list[Version]]:
    """(the stored url of the article url names, its versions oldest first)."""
    articles, versions = Article.__table__, ArticleVersion.__table__
    try:
        with engine.connect() as connection:
            article_id = find_article_id(connection, url)
            current = None if article_id is None else connection.execute(
                select(articles.c.id, articles.c.version, articles.c.title, articles.c.text,
                       articles.c.content_hash, articles.c.modified_at,
                       articles.c.last_fetched_at, articles.c.url,
                       articles.c.cleaner_version)
                .where(articles.c.id == article_id)).first()
            if current is None:
                raise UnknownArticle(f"no article stored under {url} (nor under any URL "
                                     "the crawl reads as the same page)")
            older = connection.execute(
                select(versions.c.version, versions.c.title, versions.c.text,
                       versions.c.content_hash, versions.c.modified_at, versions.c.fetched_at,
                       versions.c.reason, versions.c.cleaner_version)
                .where(versions.c.article_id == current.id).order_by(versions.c.version)).all()
    except sa_exc.SQLAlchemyError as exc:
        raise StorageError(f"could not read the article history: {error_line(exc)}") from exc
    return current.url, [Version(*row) for row in older] + [
        Version(*current[1:7], cleaner_version=current[8])]
