"""Raw captures and provenance: the captures table, and which capture and cleaner made each text.

captures: one row per WARC response record kept by a crawl or read by `import-warc`
(storage/captures.py). articles and article_versions point at the capture they were
cleaned from and record the cleaner version; articles record where their title, authors
and date came from (storage.contract.FieldSource); article_versions record why the text
that replaced them was made (storage.contract.VersionReason). Rows from before this
revision keep NULL in every new column: no capture, cleaner and source unknown.

Revision ID: 0007
Revises: 0006
Create Date: 2026-12-07
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0007"
down_revision: str | None = "0006"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "captures",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("url", sa.String(length=2048), nullable=False),
        sa.Column("site_id", sa.Integer(), nullable=True),
        sa.Column("warc_path", sa.Text(), nullable=False),
        sa.Column("offset", sa.BigInteger(), nullable=False),
        sa.Column("length", sa.BigInteger(), nullable=False),
        sa.Column("record_id", sa.String(length=100), nullable=True),
        sa.Column("payload_digest", sa.String(length=100), nullable=True),
        sa.Column("status", sa.Integer(), nullable=True),
        sa.Column("content_type", sa.String(length=200), nullable=True),
        sa.Column("fetched_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("fetch_id", sa.Integer(), nullable=True),
        sa.Column("source", sa.String(length=10), nullable=False),
        sa.ForeignKeyConstraint(["site_id"], ["sites.id"], name="fk_captures_site_id_sites"),
        sa.ForeignKeyConstraint(["fetch_id"], ["fetches.id"], name="fk_captures_fetch_id_fetches"),
        sa.PrimaryKeyConstraint("id", name="pk_captures"),
    )
    op.create_index("ix_captures_url", "captures", ["url"])
    op.create_index("ix_captures_site_id", "captures", ["site_id"])
    op.create_index("ix_captures_fetched_at", "captures", ["fetched_at"])
    op.create_index("ix_captures_fetch_id", "captures", ["fetch_id"])
    op.create_index("ix_captures_warc_path_offset", "captures", ["warc_path", "offset"],
                    unique=True)
    # plain ADD COLUMNs (no table rebuild): triggers and indexes on articles stay as they are;
    # the references are declared in the models, SQLite does not add them to a live table
    add_capture_reference("articles")
    for name, column in (
        ("cleaner_version", sa.String(length=40)),
        ("title_source", sa.String(length=20)),
        ("author_source", sa.String(length=20)),
        ("date_source", sa.String(length=20)),
    ):
        op.add_column("articles", sa.Column(name, column, nullable=True))
    op.create_index("ix_articles_capture_id", "articles", ["capture_id"])
    add_capture_reference("article_versions")
    for name, column in (
        ("reason", sa.String(length=10)),
        ("cleaner_version", sa.String(length=40)),
    ):
        op.add_column("article_versions", sa.Column(name, column, nullable=True))
    op.create_index("ix_article_versions_capture_id", "article_versions", ["capture_id"])


def add_capture_reference(table: str) -> None:
    """table.capture_id referring to captures.id, named, without rebuilding the table.

    SQLite accepts a named REFERENCES clause in ADD COLUMN when the default is NULL;
    PostgreSQL takes the column, then the constraint.
    """
    name = f"fk_{table}_capture_id_captures"
    if op.get_bind().dialect.name == "sqlite":
        op.execute(f"ALTER TABLE {table} ADD COLUMN capture_id INTEGER "
                   f"CONSTRAINT {name} REFERENCES captures (id)")
    else:
        op.add_column(table, sa.Column("capture_id", sa.Integer(), nullable=True))
        op.create_foreign_key(name, table, "captures", ["capture_id"], ["id"])


def downgrade() -> None:
    if op.get_bind().dialect.name == "postgresql":
        for table in ("articles", "article_versions"):
            op.drop_constraint(f"fk_{table}_capture_id_captures", table, type_="foreignkey")
    op.drop_index("ix_article_versions_capture_id", "article_versions")
    op.drop_index("ix_articles_capture_id", "articles")
    # a plain DROP COLUMN (SQLite 3.35+): a rebuild of articles would trip over the rows
    # of article_urls, article_versions and article_minhash that refer to it
    for column in ("cleaner_version", "capture_id", "reason"):
        op.execute(f"ALTER TABLE article_versions DROP COLUMN {column}")
    for column in ("date_source", "author_source", "title_source", "cleaner_version",
                   "capture_id"):
        op.execute(f"ALTER TABLE articles DROP COLUMN {column}")
    op.drop_table("captures")
