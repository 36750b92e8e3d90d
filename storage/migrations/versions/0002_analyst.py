"""Analysts' database: full-text search (FTS5 / tsvector), article_view (issue 4).

SQLite: the external-content FTS5 table articles_fts over articles(title, text), kept
in sync by triggers and rebuilt from the rows already there, so an old database
becomes searchable. PostgreSQL: articles.search_vector (generated tsvector) + GIN.
Both: article_view. The DDL lives in storage.schema_objects.

Revision ID: 0002
Revises: 0001
Create Date: 2026-11-23
"""

from __future__ import annotations

from collections.abc import Sequence

from alembic import op

from storage import schema_objects

revision: str = "0002"
down_revision: str | None = "0001"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    connection = op.get_bind()
    schema_objects.create_search(connection, rebuild=True)
    schema_objects.create_article_view(connection)


def downgrade() -> None:
    connection = op.get_bind()
    schema_objects.drop_article_view(connection)
    schema_objects.drop_search(connection)
