"""Site identity: sites.host is the key (unique), sites.name a label (no longer unique).

Before, a site was its name: crawling a host by URL (name = the host) and then through a
profile (name = the profile's) made two rows for one host, the articles moving to the second.
Rows that share a host (normalised: lower-case, no leading "www.") are merged into the one
with the lowest id: articles.site_id, crawl_runs.site_id and captures.site_id (the only
references to sites) are re-pointed, the others deleted. The merged row keeps the
profile's name as its label (of several profiles, the one that crawled last), else the
host. A row without a host takes its name as the host. Rows are not split: a profile's row
of before, holding the articles of all its hosts, stays one row (keyed by the host it was
recorded with).

SQLite cannot drop the UNIQUE(name) constraint in place; sites is rebuilt under the same
name with foreign key checks deferred to the commit, by when every article and crawl run
points at a row again. Downgrade: names made unique again (a row whose label another row
already has is named after its host) and the old constraints restored.

Revision ID: 0010
Revises: 0009
Create Date: 2026-12-07
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0010"
down_revision: str | None = "0009"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

_COPY = "_sites_0007"


def _key(host: str | None, name: str) -> str:
    """The normalised host of a row (the rule of storage.sites.normal_host at this revision)."""
    text = (host or "").strip() or name.strip()
    return text.lower().rstrip(".").removeprefix("www.")[:255]


def _merge(bind: sa.Connection) -> list[dict[str, object]]:
    """Re-point the references to rows sharing a host and delete those rows; returns the
    name and host each kept row is to get (once name is no longer unique)."""
    rows = bind.execute(sa.text("SELECT id, name, host FROM sites ORDER BY id")).all()
    latest_run = dict(bind.execute(sa.text(
        "SELECT site_id, max(id) FROM crawl_runs WHERE site_id IS NOT NULL GROUP BY site_id")
    ).all())
    groups: dict[str, list[tuple[int, str]]] = defaultdict(list)
    for site_id, name, host in rows:
        groups[_key(host, name)].append((site_id, name))
    kept: list[dict[str, object]] = []
    for key, members in groups.items():
        keep = members[0][0]
        labelled = [(latest_run.get(i, 0), -i, name) for i, name in members
                    if _key(None, name) != key]
        label = max(labelled)[2] if labelled else key
        others = [i for i, _ in members[1:]]
        if others:
            for table in ("articles", "crawl_runs", "captures"):
                bind.execute(sa.text(f"UPDATE {table} SET site_id = :keep "
                                     "WHERE site_id IN :others")
                             .bindparams(sa.bindparam("others", expanding=True)),
                             {"keep": keep, "others": others})
            bind.execute(sa.text("DELETE FROM sites WHERE id IN :others")
                         .bindparams(sa.bindparam("others", expanding=True)),
                         {"others": others})
        kept.append({"name": label[:200], "host": key, "id": keep})
    return kept


def _unique_names(bind: sa.Connection) -> None:
    """Each label kept by its lowest-id row; the other rows sharing it take their host."""
    rows = bind.execute(sa.text("SELECT id, name, host FROM sites ORDER BY id")).all()
    taken = {name for _, name, _ in rows}
    seen: set[str] = set()
    for site_id, name, host in rows:
        if name not in seen:
            seen.add(name)
            continue
        new = host if host not in taken else f"{host} #{site_id}"
        taken.add(new)
        seen.add(new)
        bind.execute(sa.text("UPDATE sites SET name = :name WHERE id = :id"),
                     {"name": new[:200], "id": site_id})


def _rebuild_sqlite(bind: sa.Connection, *, unique_name: bool) -> None:
    """Recreate sites with its rows and ids; the foreign keys of articles, crawl_runs and
    captures are checked at the commit (the rows are back by then). article_view names sites and is
    resolved when queried, so it survives the drop."""
    constraint = ", CONSTRAINT uq_sites_name UNIQUE (name)" if unique_name else ""
    for statement in (
        "PRAGMA defer_foreign_keys = ON",
        f"DROP TABLE IF EXISTS {_COPY}",
        f"CREATE TABLE {_COPY} AS SELECT id, name, host FROM sites",
        "DROP TABLE sites",
        "CREATE TABLE sites (id INTEGER NOT NULL, name VARCHAR(200) NOT NULL, "
        f"host VARCHAR(255) NOT NULL, CONSTRAINT pk_sites PRIMARY KEY (id){constraint})",
        f"INSERT INTO sites (id, name, host) SELECT id, name, host FROM {_COPY}",
        f"DROP TABLE {_COPY}",
    ):
        bind.execute(sa.text(statement))


def upgrade() -> None:
    bind = op.get_bind()
    kept = _merge(bind)
    if bind.dialect.name == "sqlite":
        _rebuild_sqlite(bind, unique_name=False)
    else:
        op.drop_constraint("uq_sites_name", "sites", type_="unique")
        op.drop_index("ix_sites_host", table_name="sites")
    if kept:
        bind.execute(sa.text("UPDATE sites SET name = :name, host = :host WHERE id = :id"),
                     kept)
    op.create_index("ix_sites_host", "sites", ["host"], unique=True)
    op.create_index("ix_sites_name", "sites", ["name"])


def downgrade() -> None:
    bind = op.get_bind()
    _unique_names(bind)
    if bind.dialect.name == "sqlite":
        _rebuild_sqlite(bind, unique_name=True)
    else:
        op.drop_index("ix_sites_name", table_name="sites")
        op.drop_index("ix_sites_host", table_name="sites")
        op.create_unique_constraint("uq_sites_name", "sites", ["name"])
    op.create_index("ix_sites_host", "sites", ["host"])
