"""Duplicates: article_urls aliases, duplicate_of, near-duplicate clusters (issue 6).

Revision ID: 0004
Revises: 0003
Create Date: 2026-11-23
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

from storage import schema_objects

revision: str = "0004"
down_revision: str | None = "0003"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    bind = op.get_bind()
    # a view on articles blocks the table rebuild (SQLite) and pins its columns (PostgreSQL)
    schema_objects.drop_article_view(bind)
    with op.batch_alter_table("articles") as batch:
        batch.add_column(sa.Column("duplicate_of", sa.Integer(), nullable=True))
        batch.add_column(sa.Column("cluster_id", sa.Integer(), nullable=True))
        batch.create_foreign_key("fk_articles_duplicate_of_articles", "articles",
                                 ["duplicate_of"], ["id"])
        batch.create_index("ix_articles_duplicate_of", ["duplicate_of"])
        batch.create_index("ix_articles_cluster_id", ["cluster_id"])
    op.create_table(
        "article_urls",
        sa.Column("url", sa.String(length=2048), nullable=False),
        sa.Column("url_key", sa.String(length=2048), nullable=False),
        sa.Column("article_id", sa.Integer(), nullable=False),
        sa.Column("kind", sa.String(length=16), nullable=False),
        sa.Column("first_seen_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(["article_id"], ["articles.id"],
                                name="fk_article_urls_article_id_articles"),
        sa.PrimaryKeyConstraint("url", name="pk_article_urls"),
    )
    op.create_index("ix_article_urls_url_key", "article_urls", ["url_key"])
    op.create_index("ix_article_urls_article_id", "article_urls", ["article_id"])
    op.create_table(
        "article_minhash",
        sa.Column("article_id", sa.Integer(), nullable=False),
        sa.Column("signature", sa.LargeBinary(), nullable=False),
        sa.ForeignKeyConstraint(["article_id"], ["articles.id"],
                                name="fk_article_minhash_article_id_articles"),
        sa.PrimaryKeyConstraint("article_id", name="pk_article_minhash"),
    )

    # SQLite: the rebuild dropped the FTS triggers; re-create them and resync the index
    schema_objects.create_search(bind)
    schema_objects.create_article_view(bind)  # now with duplicate_of, cluster_id, is_duplicate


def downgrade() -> None:
    bind = op.get_bind()
    schema_objects.drop_article_view(bind)
    op.drop_table("article_minhash")
    op.drop_index("ix_article_urls_article_id", table_name="article_urls")
    op.drop_index("ix_article_urls_url_key", table_name="article_urls")
    op.drop_table("article_urls")
    with op.batch_alter_table("articles") as batch:
        batch.drop_index("ix_articles_cluster_id")
        batch.drop_index("ix_articles_duplicate_of")
        batch.drop_constraint("fk_articles_duplicate_of_articles", type_="foreignkey")
        batch.drop_column("cluster_id")
        batch.drop_column("duplicate_of")
    schema_objects.create_search(bind)
    schema_objects.create_article_view(bind)  # as revision 0002 made it
