"""Schema objects the ORM models do not describe: full-text search and article_view.

Owned here so that migrations, the search code and the schema comparison in the
tests agree on one set of names and one DDL text:

* SQLite: ``articles_fts``, an external-content FTS5 table over articles.title and
  articles.text (content='articles', content_rowid='id'), its shadow tables, and
  three triggers keeping it in sync on insert, update and delete.
* PostgreSQL: ``articles.search_vector``, a stored generated tsvector column
  (title weighted A, text weighted B, the language-neutral 'simple' configuration,
  like FTS5's unicode61 tokenizer) with a GIN index.
* Both: ``article_view``, one row per article with the site name and
  analyst-friendly column names.

The SQLite triggers live on the articles table: a migration that rebuilds articles
(Alembic batch mode copies it and drops the old one) drops them, and the view must
not exist while the table is renamed. ``drop_article_view`` before such a rebuild and
``ensure_analyst_objects`` after it put everything back; storage.engine.migrate()
does both around every upgrade, so later revisions cannot break search by accident.
"""

from __future__ import annotations

from sqlalchemy import Connection, inspect, text

FTS_TABLE = "articles_fts"
# FTS5 creates these next to articles_fts; they are implementation details.
FTS_SHADOW_TABLES = tuple(
    f"{FTS_TABLE}_{suffix}" for suffix in ("data", "idx", "content", "docsize", "config")
)
FTS_TRIGGERS = ("articles_fts_ai", "articles_fts_ad", "articles_fts_au")
ARTICLE_VIEW = "article_view"
PG_SEARCH_COLUMN = "search_vector"
PG_SEARCH_INDEX = "ix_articles_search_vector"
PG_TS_CONFIG = "simple"
# Columns revision 0004 adds; article_view shows them once they exist.
DEDUP_COLUMNS = ("duplicate_of", "cluster_id")

# Names of tables/views/indexes/columns that exist in the database but not in
# storage.models: schema comparisons (Alembic autogenerate) must skip them.
NON_ORM_TABLES = frozenset({FTS_TABLE, *FTS_SHADOW_TABLES, ARTICLE_VIEW})
NON_ORM_INDEXES = frozenset({PG_SEARCH_INDEX})
NON_ORM_COLUMNS = frozenset({("articles", PG_SEARCH_COLUMN)})

# The unique-articles predicate (`--unique`): not a byte-for-byte duplicate, and
# either in no near-duplicate cluster or its representative (the earliest member).
UNIQUE_PREDICATE = (
    "articles.duplicate_of IS NULL "
    "AND (articles.cluster_id IS NULL OR articles.cluster_id = articles.id)"
)

SQLITE_FTS_CREATE = (
    f"CREATE VIRTUAL TABLE IF NOT EXISTS {FTS_TABLE} USING fts5("
    "title, text, content='articles', content_rowid='id', "
    "tokenize='unicode61 remove_diacritics 2')"
)
SQLITE_FTS_TRIGGERS = (
    f"""CREATE TRIGGER IF NOT EXISTS articles_fts_ai AFTER INSERT ON articles BEGIN
  INSERT INTO {FTS_TABLE}(rowid, title, text) VALUES (new.id, new.title, new.text);
END""",
    f"""CREATE TRIGGER IF NOT EXISTS articles_fts_ad AFTER DELETE ON articles BEGIN
  INSERT INTO {FTS_TABLE}({FTS_TABLE}, rowid, title, text)
  VALUES ('delete', old.id, old.title, old.text);
END""",
    f"""CREATE TRIGGER IF NOT EXISTS articles_fts_au AFTER UPDATE OF title, text ON articles
BEGIN
  INSERT INTO {FTS_TABLE}({FTS_TABLE}, rowid, title, text)
  VALUES ('delete', old.id, old.title, old.text);
  INSERT INTO {FTS_TABLE}(rowid, title, text) VALUES (new.id, new.title, new.text);
END""",
)
SQLITE_FTS_REBUILD = f"INSERT INTO {FTS_TABLE}({FTS_TABLE}) VALUES ('rebuild')"

PG_SEARCH_EXPRESSION = (
    f"setweight(to_tsvector('{PG_TS_CONFIG}'::regconfig, coalesce(title, '')), 'A') || "
    f"setweight(to_tsvector('{PG_TS_CONFIG}'::regconfig, coalesce(text, '')), 'B')"
)
PG_SEARCH_CREATE = (
    f"ALTER TABLE articles ADD COLUMN IF NOT EXISTS {PG_SEARCH_COLUMN} tsvector "
    f"GENERATED ALWAYS AS ({PG_SEARCH_EXPRESSION}) STORED",
    f"CREATE INDEX IF NOT EXISTS {PG_SEARCH_INDEX} ON articles USING gin ({PG_SEARCH_COLUMN})",
)
PG_SEARCH_DROP = (
    f"DROP INDEX IF EXISTS {PG_SEARCH_INDEX}",
    f"ALTER TABLE articles DROP COLUMN IF EXISTS {PG_SEARCH_COLUMN}",
)


def article_view_sql(*, dedup: bool) -> str:
    """CREATE VIEW article_view; dedup=True adds duplicate_of, cluster_id, is_duplicate."""
    dedup_columns = (
        "  a.duplicate_of AS duplicate_of,\n"
        "  a.cluster_id AS cluster_id,\n"
        f"  CASE WHEN {UNIQUE_PREDICATE.replace('articles.', 'a.')} THEN 0 ELSE 1 END"
        " AS is_duplicate,\n"
        if dedup
        else ""
    )
    return (
        f"CREATE VIEW {ARTICLE_VIEW} AS SELECT\n"
        "  a.id AS article_id,\n"
        "  s.name AS site,\n"
        "  s.host AS site_host,\n"
        "  a.url AS url,\n"
        "  a.canonical_url AS canonical_url,\n"
        "  a.title AS title,\n"
        "  a.authors AS authors,\n"
        "  a.published_at AS published_at,\n"
        "  a.modified_at AS modified_at,\n"
        "  a.language AS language,\n"
        "  a.section AS section,\n"
        "  a.tags AS tags,\n"
        "  a.description AS description,\n"
        "  a.image_url AS image_url,\n"
        "  a.word_count AS word_count,\n"
        "  a.text AS text,\n"
        "  a.content_hash AS content_hash,\n"
        "  a.first_seen_at AS first_seen_at,\n"
        "  a.last_fetched_at AS last_fetched_at,\n"
        f"{dedup_columns}"
        "  a.crawl_run_id AS crawl_run_id\n"
        "FROM articles AS a LEFT JOIN sites AS s ON s.id = a.site_id"
    )


def drop_article_view(connection: Connection) -> None:
    """Drop article_view if present (before anything that rebuilds or renames articles)."""
    connection.execute(text(f"DROP VIEW IF EXISTS {ARTICLE_VIEW}"))


def create_article_view(connection: Connection) -> None:
    """(Re)create article_view for the articles columns present right now."""
    columns = {c["name"] for c in inspect(connection).get_columns("articles")}
    drop_article_view(connection)
    connection.execute(text(article_view_sql(dedup=set(DEDUP_COLUMNS) <= columns)))


def create_search(connection: Connection, *, rebuild: bool = True) -> None:
    """The full-text index for the dialect of connection, filled from existing rows."""
    if connection.dialect.name == "sqlite":
        connection.execute(text(SQLITE_FTS_CREATE))
        for statement in SQLITE_FTS_TRIGGERS:
            connection.execute(text(statement))
        if rebuild:
            connection.execute(text(SQLITE_FTS_REBUILD))
    elif connection.dialect.name == "postgresql":
        # a generated column is computed for every existing row when it is added
        for statement in PG_SEARCH_CREATE:
            connection.execute(text(statement))


def drop_search(connection: Connection) -> None:
    """Remove the full-text index (downgrade)."""
    if connection.dialect.name == "sqlite":
        for trigger in FTS_TRIGGERS:
            connection.execute(text(f"DROP TRIGGER IF EXISTS {trigger}"))
        connection.execute(text(f"DROP TABLE IF EXISTS {FTS_TABLE}"))
    elif connection.dialect.name == "postgresql":
        for statement in PG_SEARCH_DROP:
            connection.execute(text(statement))


def _sqlite_triggers_missing(connection: Connection) -> bool:
    names = ", ".join(f"'{t}'" for t in FTS_TRIGGERS)
    found = connection.execute(
        text(f"SELECT count(*) FROM sqlite_master WHERE type = 'trigger' AND name IN ({names})")
    ).scalar_one()
    return found != len(FTS_TRIGGERS)


def ensure_analyst_objects(connection: Connection) -> None:
    """Put back whatever a table rebuild removed: FTS triggers (+ a rebuild), the view.

    Also creates (and fills) a missing full-text index on a database past revision 0002
    (one migrated while 0002 was still empty). A no-op below revision 0002.
    """
    tables = set(inspect(connection).get_table_names())
    if "articles" not in tables or _revision(connection) in (None, "0001"):
        return
    if connection.dialect.name == "sqlite":
        if FTS_TABLE not in tables or _sqlite_triggers_missing(connection):
            create_search(connection, rebuild=True)
    elif connection.dialect.name == "postgresql":
        columns = {c["name"] for c in inspect(connection).get_columns("articles")}
        if PG_SEARCH_COLUMN not in columns:
            create_search(connection)
    if _view_outdated(connection):
        create_article_view(connection)


def _revision(connection: Connection) -> str | None:
    from alembic.runtime.migration import MigrationContext

    return MigrationContext.configure(connection).get_current_revision()


def _view_outdated(connection: Connection) -> bool:
    """article_view is missing (a later revision dropped it to rebuild articles).

    It is not upgraded to the dedup columns here: on PostgreSQL a view that uses
    duplicate_of/cluster_id would block revision 0004's downgrade, so the revision that
    adds those columns owns the view with them (see docs/schema.md).
    """
    return ARTICLE_VIEW not in inspect(connection).get_view_names()


def include_object(obj: object, name: str | None, type_: str, reflected: bool,
                   compare_to: object) -> bool:
    """Alembic include_object hook: skip the objects listed above in schema comparisons."""
    if type_ == "table":
        return name not in NON_ORM_TABLES
    if type_ == "index":
        return name not in NON_ORM_INDEXES
    if type_ == "column":
        table = getattr(getattr(obj, "table", None), "name", None)
        return (table, name) not in NON_ORM_COLUMNS
    return True
