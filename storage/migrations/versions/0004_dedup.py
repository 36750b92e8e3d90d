"""Duplicates: article_urls aliases, duplicate_of, near-duplicate clusters (issue 6).

Revision ID: 0004
Revises: 0003
Create Date: 2026-11-23
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0004"
down_revision: str | None = "0003"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table("articles") as batch:
        batch.add_column(sa.Column("duplicate_of", sa.Integer(), nullable=True))
        batch.add_column(sa.Column("cluster_id", sa.Integer(), nullable=True))
        batch.create_foreign_key("fk_articles_duplicate_of_articles", "articles",
                                 ["duplicate_of"], ["id"])
        batch.create_index("ix_articles_duplicate_of", ["duplicate_of"])
        batch.create_index("ix_articles_cluster_id", ["cluster_id"])


def downgrade() -> None:
    with op.batch_alter_table("articles") as batch:
        batch.drop_index("ix_articles_cluster_id")
        batch.drop_index("ix_articles_duplicate_of")
        batch.drop_constraint("fk_articles_duplicate_of_articles", type_="foreignkey")
        batch.drop_column("cluster_id")
        batch.drop_column("duplicate_of")
