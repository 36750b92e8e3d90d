"""Contracts in the schema: fetches.outcome is one of storage.contract.Outcome (a check
constraint), and each stored MinHash signature names its scheme (article_minhash.scheme).

Revision ID: 0005
Revises: 0004
Create Date: 2026-12-07
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0005"
down_revision: str | None = "0004"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

# storage.contract.Outcome as of this revision; a later outcome needs a revision of its own
# (tests/test_contract.py stores every Outcome in a migrated database)
OUTCOMES = ("new", "updated", "unchanged", "not modified", "listing", "paywalled", "other",
            "feed", "sitemap", "robots", "failed", "skipped")


def outcome_check(outcomes: Sequence[str]) -> str:
    listed = ", ".join(f"'{value}'" for value in outcomes)
    return f"outcome IS NULL OR outcome IN ({listed})"


# cleaners.minhash.SCHEME of every signature stored before this revision
SCHEME = "affine32/s1/p128/w5"


def upgrade() -> None:
    with op.batch_alter_table("fetches") as batch:
        batch.create_check_constraint("outcome", outcome_check(OUTCOMES))
    op.add_column("article_minhash", sa.Column("scheme", sa.String(length=40), nullable=False,
                                               server_default=SCHEME))


def downgrade() -> None:
    with op.batch_alter_table("article_minhash") as batch:
        batch.drop_column("scheme")
    with op.batch_alter_table("fetches") as batch:
        batch.drop_constraint("outcome", type_="check")
