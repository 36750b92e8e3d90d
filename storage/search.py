"""Full-text search over articles: FTS5 + bm25 on SQLite, tsvector + ts_rank on PostgreSQL.

search() returns ranked SearchHit values with a highlighted snippet. The query text
is always a bound parameter; FTS5 query syntax errors become a one-line QueryError.
SQLite takes FTS5 syntax (words, "phrases", AND/OR/NOT, prefix*, NEAR(...));
PostgreSQL takes websearch syntax (words, "phrases", or, -word).
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import (
    Connection,
    Engine,
    Select,
    bindparam,
    column,
    func,
    inspect,
    literal_column,
    select,
    table,
)
from sqlalchemy import exc as sa_exc

from .engine import error_line
from .errors import QueryError
from .filters import ArticleFilter, conditions
from .models import Article, Site
from .schema_objects import FTS_TABLE, PG_SEARCH_COLUMN, PG_TS_CONFIG

# bm25 column weights: a hit in the title counts ten times one in the text
TITLE_WEIGHT, TEXT_WEIGHT = 10.0, 1.0
# snippet length in tokens; a quoted phrase longer than this widens it (FTS5 marks a phrase
# only when the whole of it is in the snippet), up to SNIPPET_MAX_TOKENS (FTS5's limit: 64)
SNIPPET_TOKENS = 16
SNIPPET_MAX_TOKENS = 64
_PHRASE = re.compile(r'"((?:[^"]|"")*)"')
_TOKEN = re.compile(r"\w+")


def snippet_tokens(query: str) -> int:
    """Snippet length for query: SNIPPET_TOKENS, or its longest quoted phrase and a margin."""
    longest = max((len(_TOKEN.findall(p)) for p in _PHRASE.findall(query)), default=0)
    return min(max(SNIPPET_TOKENS, longest + 4), SNIPPET_MAX_TOKENS)


@dataclass(frozen=True)
class SearchHit:
    """One ranked result; score: higher is better (-bm25 on SQLite, ts_rank on PostgreSQL)."""

    article_id: int
    score: float
    title: str | None
    snippet: str
    site: str | None
    published_at: datetime | None
    language: str | None
    url: str


@dataclass(frozen=True)
class SearchOptions:
    """How many hits and how matches are marked in the snippet."""

    limit: int = 20
    start_mark: str = "["
    end_mark: str = "]"
    ellipsis: str = "…"


def search(
    engine: Engine, query: str, flt: ArticleFilter, options: SearchOptions | None = None
) -> list[SearchHit]:
    """The best matches for query among the articles flt selects, best first."""
    options = options or SearchOptions()
    if not query.strip():
        raise QueryError("search: the query is empty")
    if options.limit < 1:
        raise QueryError("search: --limit must be at least 1")
    with engine.connect() as connection:
        _require_index(connection)
        statement = (
            _sqlite_statement(flt, options, snippet_tokens(query))
            if connection.dialect.name == "sqlite"
            else _postgresql_statement(flt, options)
        )
        try:
            rows = connection.execute(statement, {"q": query, "limit": options.limit}).all()
        except sa_exc.OperationalError as exc:
            raise QueryError(_syntax_message(query, exc)) from exc
        except sa_exc.SQLAlchemyError as exc:
            raise QueryError(f"search failed: {error_line(exc)}") from exc
    return [
        SearchHit(r.id, float(r.score), r.title, _one_line(r.snippet), r.site, r.published_at,
                  r.language, r.url)
        for r in rows
    ]


def _syntax_message(query: str, exc: sa_exc.DBAPIError) -> str:
    detail = error_line(exc).removeprefix("fts5: ")
    return (f"search: cannot parse query {query!r} ({detail}); "
            'quote words or phrases, e.g. "covid-19" or "foo:"')


def _one_line(snippet: str | None) -> str:
    return " ".join((snippet or "").split())


def _require_index(connection: Connection) -> None:
    inspector = inspect(connection)
    if connection.dialect.name == "sqlite":
        present = FTS_TABLE in inspector.get_table_names()
    else:
        present = PG_SEARCH_COLUMN in {c["name"] for c in inspector.get_columns("articles")}
    if not present:
        raise QueryError("this database has no full-text index yet: run `cleanwire db upgrade`")


def _base(flt: ArticleFilter, *columns: object) -> Select:
    statement = select(
        Article.id,
        *columns,
        Article.title,
        Site.name.label("site"),
        Article.published_at,
        Article.language,
        Article.url,
    ).outerjoin(Site, Site.id == Article.site_id)
    return statement.where(*conditions(flt))


def _sqlite_statement(flt: ArticleFilter, options: SearchOptions, tokens: int) -> Select:
    fts = table(FTS_TABLE, column("rowid"))
    fts_ref = literal_column(FTS_TABLE)
    rank = func.bm25(fts_ref, TITLE_WEIGHT, TEXT_WEIGHT)
    snippet = func.snippet(
        fts_ref, -1, options.start_mark, options.end_mark, options.ellipsis, tokens
    )
    statement = _base(flt, (-rank).label("score"), snippet.label("snippet"))
    return (
        statement.join(fts, fts.c.rowid == Article.id)
        .where(fts_ref.op("MATCH")(bindparam("q")))
        .order_by(rank, Article.id)
        .limit(bindparam("limit"))
    )


def _postgresql_statement(flt: ArticleFilter, options: SearchOptions) -> Select:
    config = literal_column(f"'{PG_TS_CONFIG}'::regconfig")
    tsquery = func.websearch_to_tsquery(config, bindparam("q"))
    vector = literal_column(f"articles.{PG_SEARCH_COLUMN}")
    rank = func.ts_rank(vector, tsquery)
    best = (
        select(Article.id.label("hit_id"), rank.label("score"))
        .outerjoin(Site, Site.id == Article.site_id)
        .where(vector.op("@@")(tsquery), *conditions(flt))
        .order_by(rank.desc(), Article.id)
        .limit(bindparam("limit"))
        .subquery("best")
    )
    marks = (f"StartSel={options.start_mark}, StopSel={options.end_mark}, "
             f"FragmentDelimiter={options.ellipsis}, MaxFragments=2, MaxWords=20, MinWords=8")
    headline = func.ts_headline(config, Article.text, tsquery, marks)
    statement = _base(ArticleFilter(), best.c.score, headline.label("snippet"))
    return statement.join(best, best.c.hit_id == Article.id).order_by(
        best.c.score.desc(), Article.id
    )
