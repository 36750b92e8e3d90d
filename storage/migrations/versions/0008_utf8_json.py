"""UTF-8 JSON: rewrite ASCII-escaped JSON values ("\\u041b...") as the characters they name.

Until this revision SQLite's JSON columns (articles.authors and tags, crawl_runs.arguments
and counts) were written by json.dumps with ensure_ascii=True, so `authors LIKE '%Лида%'`
found nothing and Datasette showed escapes. storage.engine now writes UTF-8 JSON; this
revision rewrites the rows stored before it, in batches, only those holding a backslash
escape. The values are unchanged (the same JSON, re-encoded). PostgreSQL's JSONB stores
values decoded already: nothing to do there. Downgrade leaves the rows as they are (both
spellings are the same JSON).

Revision ID: 0008
Revises: 0007
Create Date: 2026-12-07
"""

from __future__ import annotations

import json
from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0008"
down_revision: str | None = "0007"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

# table -> its JSON columns, as of this revision
JSON_COLUMNS: dict[str, tuple[str, ...]] = {
    "articles": ("authors", "tags"),
    "crawl_runs": ("arguments", "counts"),
}
BATCH = 1000


def _utf8(value: str | None) -> str | None:
    """value re-encoded without \\u escapes; None, or text that is not JSON, as it is."""
    if value is None or "\\u" not in value:
        return value
    try:
        return json.dumps(json.loads(value), ensure_ascii=False)
    except ValueError:
        return value


def upgrade() -> None:
    connection = op.get_bind()
    if connection.dialect.name != "sqlite":
        return  # JSONB: stored decoded
    for table, columns in JSON_COLUMNS.items():
        rewrite_table(connection, table, columns)


def rewrite_table(connection: sa.Connection, table: str, columns: tuple[str, ...]) -> int:
    """Rewrite the escaped JSON of table's columns in id order, BATCH rows at a time;
    returns the number of rows changed."""
    escaped = " OR ".join(f"instr({c}, '\\u') > 0" for c in columns)
    listed = ", ".join(columns)
    assignments = ", ".join(f"{c} = :{c}" for c in columns)
    changed, last = 0, 0
    while True:
        rows = connection.execute(sa.text(
            f"SELECT id, {listed} FROM {table} WHERE id > :last AND ({escaped}) "
            f"ORDER BY id LIMIT {BATCH}"), {"last": last}).all()
        if not rows:
            return changed
        updates = []
        for row in rows:
            values = {c: _utf8(v) for c, v in zip(columns, row[1:], strict=True)}
            if any(values[c] != v for c, v in zip(columns, row[1:], strict=True)):
                updates.append({"row_id": row[0], **values})
        if updates:
            connection.execute(
                sa.text(f"UPDATE {table} SET {assignments} WHERE id = :row_id"), updates)
            changed += len(updates)
        last = rows[-1][0]


def downgrade() -> None:
    pass  # the same JSON either way
