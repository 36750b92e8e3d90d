"""Adaptive revisits: articles.revisit_interval and articles.next_due_at, fetches.revisit.

Rows stored before this revision get NULL for both: never scheduled, so the next crawl
finds each such article inside its refresh window due once, and schedules it from then on
(storage/revisits.py). fetches.revisit is held to storage.contract.Revisit by a check.

Revision ID: 0006
Revises: 0005
Create Date: 2026-12-07
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0006"
down_revision: str | None = "0005"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

# storage.contract.Revisit as of this revision; a later reason needs a revision of its own
REVISITS = ("due", "lastmod", "forced")


def revisit_check(revisits: Sequence[str]) -> str:
    listed = ", ".join(f"'{value}'" for value in revisits)
    return f"revisit IS NULL OR revisit IN ({listed})"


def upgrade() -> None:
    # plain ADD COLUMNs (no table rebuild): triggers and indexes on articles stay as they are
    op.add_column("articles", sa.Column("revisit_interval", sa.Integer(), nullable=True))
    op.add_column("articles", sa.Column("next_due_at", sa.DateTime(timezone=True),
                                        nullable=True))
    with op.batch_alter_table("fetches") as batch:
        batch.add_column(sa.Column("revisit", sa.String(length=10), nullable=True))
        batch.create_check_constraint("revisit", revisit_check(REVISITS))


def downgrade() -> None:
    with op.batch_alter_table("fetches") as batch:
        batch.drop_constraint("revisit", type_="check")
        batch.drop_column("revisit")
    # a plain DROP COLUMN (SQLite 3.35+): a rebuild of articles would trip over the rows
    # of article_urls, article_versions and article_minhash that refer to it
    for column in ("next_due_at", "revisit_interval"):
        op.execute(f"ALTER TABLE articles DROP COLUMN {column}")
