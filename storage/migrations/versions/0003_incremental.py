"""Incremental crawls: article_versions, articles.version, crawl locks (issue 5).

Revision ID: 0003
Revises: 0002
Create Date: 2026-11-23
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

from storage import schema_objects

revision: str = "0003"
down_revision: str | None = "0002"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def _time() -> sa.DateTime:
    return sa.DateTime(timezone=True)


def upgrade() -> None:
    # a plain ADD COLUMN (no table rebuild): triggers and indexes on articles stay as they are
    op.add_column("articles", sa.Column("version", sa.Integer(), nullable=False,
                                        server_default="1"))
    op.create_table(
        "article_versions",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("article_id", sa.Integer(), nullable=False),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.Column("title", sa.Text(), nullable=True),
        sa.Column("text", sa.Text(), nullable=False),
        sa.Column("content_hash", sa.String(64), nullable=True),
        sa.Column("modified_at", _time(), nullable=True),
        sa.Column("fetched_at", _time(), nullable=False),
        sa.PrimaryKeyConstraint("id", name="pk_article_versions"),
        sa.ForeignKeyConstraint(["article_id"], ["articles.id"], ondelete="CASCADE",
                                name="fk_article_versions_article_id_articles"),
    )
    op.create_index("ix_article_versions_article_id_version", "article_versions",
                    ["article_id", "version"], unique=True)
    op.create_table(
        "crawl_locks",
        sa.Column("site", sa.String(200), nullable=False),
        sa.Column("pid", sa.Integer(), nullable=False),
        sa.Column("host", sa.String(255), nullable=False),
        sa.Column("acquired_at", _time(), nullable=False),
        sa.Column("heartbeat_at", _time(), nullable=False),
        sa.PrimaryKeyConstraint("site", name="pk_crawl_locks"),
    )


def downgrade() -> None:
    bind = op.get_bind()
    schema_objects.drop_article_view(bind)  # a view on articles blocks the SQLite rebuild
    op.drop_table("crawl_locks")
    op.drop_index("ix_article_versions_article_id_version", table_name="article_versions")
    op.drop_table("article_versions")
    with op.batch_alter_table("articles") as batch:
        batch.drop_column("version")
    schema_objects.create_search(bind)  # the SQLite rebuild dropped the FTS triggers
    schema_objects.create_article_view(bind)
