"""Edit tracking: earlier texts of an article in article_versions, and reading them back.

Repository.store calls archive_changed() for the articles a batch found changed,
before its upsert and in the same transaction: the stored (old) rows are copied
set-based (INSERT ... SELECT) and their version numbers bumped, so the upsert
leaves the article row holding the latest text with the next version number.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import Connection, Engine, insert, select, update
from sqlalchemy import exc as sa_exc

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


class UnknownArticle(StorageError):
    """No article is stored under that URL."""


def archive_changed(connection: Connection, urls: Sequence[str]) -> None:
    """Copy the stored rows of urls to article_versions and bump their version numbers."""
    articles, versions = Article.__table__, ArticleVersion.__table__
    wanted = sorted(set(urls))
    for chunk in chunks(wanted):
        old = select(articles.c.id, articles.c.version, articles.c.title, articles.c.text,
                     articles.c.content_hash, articles.c.modified_at,
                     articles.c.last_fetched_at, articles.c.capture_id
                     ).where(articles.c.url.in_(chunk))
        connection.execute(insert(versions).from_select(
            ["article_id", "version", "title", "text", "content_hash", "modified_at",
             "fetched_at", "capture_id"], old))
        connection.execute(update(articles).where(articles.c.url.in_(chunk))
                           .values(version=articles.c.version + 1))


def history(engine: Engine, url: str) -> list[Version]:
    """Every stored text of the article at url, oldest first; UnknownArticle if none."""
    articles, versions = Article.__table__, ArticleVersion.__table__
    try:
        with engine.connect() as connection:
            current = connection.execute(
                select(articles.c.id, articles.c.version, articles.c.title, articles.c.text,
                       articles.c.content_hash, articles.c.modified_at,
                       articles.c.last_fetched_at).where(articles.c.url == url)).first()
            if current is None:
                raise UnknownArticle(f"no article stored under {url}")
            older = connection.execute(
                select(versions.c.version, versions.c.title, versions.c.text,
                       versions.c.content_hash, versions.c.modified_at, versions.c.fetched_at)
                .where(versions.c.article_id == current.id).order_by(versions.c.version)).all()
    except sa_exc.SQLAlchemyError as exc:
        raise StorageError(f"could not read the article history: {error_line(exc)}") from exc
    return [Version(*row) for row in older] + [Version(*current[1:])]
