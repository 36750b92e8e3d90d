"""WARC imports: how far `cleanwire import-warc` has read each file, for resuming after a kill.

warc_imports: one row per WARC file (absolute path) or URL given to `import-warc`, with the
offset after the last record whose outcome is committed (an article, a non-article page,
a record skipped as a revisit, non-HTML, a non-200 or filtered out). It is written in the
transaction that stores those records, so a resumed import starts exactly there.

Revision ID: 0009
Revises: 0008
Create Date: 2026-12-07
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0009"
down_revision: str | None = "0008"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "warc_imports",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("warc_path", sa.Text(), nullable=False),
        sa.Column("next_offset", sa.BigInteger(), nullable=False),
        sa.Column("records", sa.Integer(), nullable=False),
        sa.Column("crawl_run_id", sa.Integer(), nullable=True),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("finished_at", sa.DateTime(timezone=True), nullable=True),
        sa.ForeignKeyConstraint(["crawl_run_id"], ["crawl_runs.id"],
                                name="fk_warc_imports_crawl_run_id_crawl_runs"),
        sa.PrimaryKeyConstraint("id", name="pk_warc_imports"),
        sa.UniqueConstraint("warc_path", name="uq_warc_imports_warc_path"),
    )
    op.create_index("ix_warc_imports_crawl_run_id", "warc_imports", ["crawl_run_id"])


def downgrade() -> None:
    op.drop_index("ix_warc_imports_crawl_run_id", table_name="warc_imports")
    op.drop_table("warc_imports")
