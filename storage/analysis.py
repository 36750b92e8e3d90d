"""The analysts' Python API, imported as `cleanwire`: a read-only Database of typed results.

connect(url) opens any SQLAlchemy URL (or a SQLite file path) with
storage.engine.open_engine(read_only=True), the engine the analysts' commands use: SQLite
in mode=ro with query_only and a read-only authorizer, PostgreSQL in read-only
transactions. Every method calls the function its CLI command calls: articles through
storage.export's statement and streaming batches, search through storage.search,
history through storage.versions, duplicates through storage.duplicates, stats through
storage.stats, sql through storage.readonly.

Types: times are aware UTC datetimes (datetime64[us, UTC] in pandas, timestamp[us, UTC]
in Arrow), authors and tags are lists of strings, ids nullable integers where the column
is. Articles stream in batches (a server-side cursor on PostgreSQL), so iter_articles(),
articles(chunksize=...) and arrow(stream=True) read any number of rows in flat memory.
pandas and pyarrow are optional (the `analyst` extra).
"""

from __future__ import annotations

import importlib
import os
import warnings
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, fields, make_dataclass
from datetime import UTC, date, datetime, timedelta
from functools import lru_cache
from typing import TYPE_CHECKING, Any

from sqlalchemy import Engine

from .duplicates import DuplicateRow, duplicate_groups, group_rows, jaccard_to_copied
from .engine import open_engine, redact_url, resolve_database_url
from .errors import MissingDependency, QueryError
from .export import (
    BATCH_ROWS,
    FIELDS,
    INT_FIELDS,
    LIST_FIELDS,
    TIME_FIELDS,
    arrow_type,
    article_batches,
    parse_fields,
)
from .filters import ArticleFilter, parse_day_or_time
from .readonly import DEFAULT_TIMEOUT, QueryLimits, open_query
from .search import SearchHit, SearchOptions, search
from .sqlhelp import aware_utc
from .stats import SiteStats, site_stats
from .versions import Version, history

if TYPE_CHECKING:
    import pandas
    import pyarrow

INSTALL_HINT = "pip install 'cleanwire[analyst]'"
# integer fields that may be NULL: pandas' nullable Int64 (the others are int64)
NULLABLE_INT_FIELDS = frozenset({"crawl_run_id", "duplicate_of", "cluster_id"})
Moment = datetime | date | str | None


@dataclass(frozen=True, slots=True)
class ArticleRow:
    """One article with every field (storage.export.FIELDS, the names article_view uses)."""

    article_id: int
    site: str | None
    url: str
    canonical_url: str | None
    title: str | None
    authors: list[str] | None
    published_at: datetime | None
    modified_at: datetime | None
    language: str | None
    section: str | None
    tags: list[str] | None
    description: str | None
    image_url: str | None
    word_count: int
    text: str
    content_hash: str | None
    first_seen_at: datetime
    last_fetched_at: datetime
    crawl_run_id: int | None
    duplicate_of: int | None
    cluster_id: int | None


_FIELD_TYPES = {f.name: f.type for f in fields(ArticleRow)}  # names: storage.export.FIELDS


@lru_cache(maxsize=64)
def row_type(selected: tuple[str, ...]) -> type:
    """The frozen dataclass of rows holding the fields selected (ArticleRow for all)."""
    if selected == FIELDS:
        return ArticleRow
    return make_dataclass("ArticleRow", [(f, _FIELD_TYPES[f]) for f in selected],
                          frozen=True, slots=True)


def connect(url: str | os.PathLike[str] | None = None) -> Database:
    """A read-only Database: url is any SQLAlchemy URL (sqlite:///news.db,
    postgresql://user@host/db) or a SQLite file path; None: $CLEANWIRE_DATABASE_URL, else
    ./cleanwire.db, as the CLI's --db. Raises DatabaseError when it cannot be opened."""
    resolved = resolve_database_url(os.fspath(url) if url is not None else None)
    return Database(open_engine(resolved, read_only=True), resolved)


class Database:
    """A read-only cleanwire database. Close it (or use it in a with block) when done."""

    def __init__(self, engine: Engine, url: str) -> None:
        self.engine = engine
        self.url = redact_url(url)

    def __repr__(self) -> str:
        return f"<cleanwire.Database {self.url}>"

    def __enter__(self) -> Database:
        return self

    def __exit__(self, *_exc: object) -> None:
        self.close()

    def close(self) -> None:
        """Close every connection of the pool (a reader still iterating stops working)."""
        self.engine.dispose()

    # --- articles -----------------------------------------------------------------------

    def iter_articles(self, *, site: str | None = None, lang: str | None = None,
                      since: Moment = None, until: Moment = None, unique: bool = False,
                      fields: Sequence[str] | str | None = None,
                      batch_size: int = BATCH_ROWS) -> Iterator[Any]:
        """The selected articles as frozen dataclass rows (ArticleRow for every field), in
        id order, streamed batch_size rows at a time: memory stays flat however many.

        site: a site name or host; lang: a language code; since (inclusive) / until
        (exclusive; a date or a 'YYYY-MM-DD' string means the end of that day): dates,
        datetimes (naive ones are UTC) or ISO 8601 strings, on published_at;
        unique: leave out exact copies and the non-representative members of near-copy
        clusters; fields: which fields (default all, storage.export.FIELDS).
        """
        selected, flt = _request(site, lang, since, until, unique, fields)
        make = row_type(selected)
        batches = _batches(self.engine, selected, flt, batch_size)  # bad input raises here
        return (make(*row) for batch in batches for row in batch)

    def articles(self, *, site: str | None = None, lang: str | None = None,
                 since: Moment = None, until: Moment = None, unique: bool = False,
                 fields: Sequence[str] | str | None = None,
                 chunksize: int | None = None) -> pandas.DataFrame | Iterator[pandas.DataFrame]:
        """The selected articles (see iter_articles) as a pandas DataFrame, typed: times
        datetime64[us, UTC], authors/tags lists, nullable ids Int64. With chunksize, an
        iterator of DataFrames of at most chunksize rows (flat memory, like read_sql's)."""
        pd = _pandas("db.articles()")
        selected, flt = _request(site, lang, since, until, unique, fields)
        if chunksize is not None:
            if chunksize < 1:
                raise QueryError("chunksize must be at least 1")
            return (_article_frame(pd, selected, [batch])
                    for batch in _batches(self.engine, selected, flt, chunksize))
        return _article_frame(pd, selected, _batches(self.engine, selected, flt, BATCH_ROWS))

    def arrow(self, *, site: str | None = None, lang: str | None = None,
              since: Moment = None, until: Moment = None, unique: bool = False,
              fields: Sequence[str] | str | None = None, stream: bool = False,
              batch_size: int = BATCH_ROWS) -> pyarrow.Table | pyarrow.RecordBatchReader:
        """The selected articles (see iter_articles) as a pyarrow Table, with the types of a
        Parquet export (timestamp[us, UTC], list<string>, int64, string); with stream=True
        a RecordBatchReader of batch_size-row batches read as it is consumed."""
        pa = _pyarrow("db.arrow()")
        selected, flt = _request(site, lang, since, until, unique, fields)
        schema = _schema(pa, selected)
        batches = _record_batches(pa, schema, _batches(self.engine, selected, flt, batch_size))
        if stream:
            return pa.RecordBatchReader.from_batches(schema, batches)
        return pa.Table.from_batches(list(batches), schema=schema)

    # --- the other readers ------------------------------------------------------------------

    def search(self, query: str, *, site: str | None = None, lang: str | None = None,
               since: Moment = None, until: Moment = None, unique: bool = False,
               limit: int = 20, frame: bool = True) -> pandas.DataFrame | list[SearchHit]:
        """Full-text search, best first (`cleanwire search`): SQLite takes FTS5 syntax,
        PostgreSQL websearch syntax. A DataFrame (article_id, score, title, snippet, site,
        published_at, language, url), or with frame=False a list of SearchHit."""
        flt = _filter(site, lang, since, until, unique)
        hits = search(self.engine, query, flt, SearchOptions(limit=limit))
        return _records(hits, SearchHit, "db.search()") if frame else hits

    def history(self, url: str, *, frame: bool = True) -> pandas.DataFrame | list[Version]:
        """Every stored text of the article at url, oldest first (`cleanwire history`):
        version, title, text, content_hash, modified_at, fetched_at; the last row is the
        current text. UnknownArticle when no article is stored under url."""
        versions = history(self.engine, url)
        return _records(versions, Version, "db.history()") if frame else versions

    def duplicates(self, *, site: str | None = None, since: Moment = None,
                   frame: bool = True) -> pandas.DataFrame | list[DuplicateRow]:
        """Duplicate groups member by member (`cleanwire duplicates`): group, kind, role,
        copy_of, jaccard, article_id, site, first_seen_at, url, title. site: groups with a
        member on that site; since: groups with a member first seen then or later."""
        groups = duplicate_groups(self.engine, site=site, since=_moment(since, end=False))
        rows = group_rows(groups, jaccard_to_copied(self.engine, groups))
        return _records(rows, DuplicateRow, "db.duplicates()") if frame else rows

    def stats(self, *, site: str | None = None,
              frame: bool = True) -> pandas.DataFrame | list[SiteStats]:
        """One health row per site (`cleanwire stats`): articles, languages {code: share},
        published range, last crawl and outcome, fetches and failures {reason: count},
        extraction shares, flags (a list of what looks wrong)."""
        stats = site_stats(self.engine, site)
        if not frame:
            return stats
        pd = _pandas("db.stats()")
        rows = [{
            "site": s.site, "articles": s.articles, "languages": dict(s.languages),
            "first_published": s.first_published, "last_published": s.last_published,
            "last_crawl": s.last_crawl, "last_outcome": s.last_outcome, "fetches": s.fetches,
            "failures": dict(s.failures), "failure_rate": s.failure_rate,
            "median_words": s.median_words, "short_share": s.short_share,
            "no_date_share": s.no_date_share, "no_author_share": s.no_author_share,
            "non_articles": s.non_articles, "declared_non_articles": s.declared_non_articles,
            "declared_share": s.declared_share, "huge_articles": s.huge_articles,
            "exact_copies": s.exact_copies, "near_copies": s.near_copies, "flags": s.flags(),
        } for s in stats]
        frame_ = pd.DataFrame(rows, columns=_STATS_COLUMNS)
        return _with_times(pd, frame_, ("first_published", "last_published", "last_crawl"))

    def sql(self, query: str, *, limit: int | None = None,
            timeout: float = DEFAULT_TIMEOUT) -> pandas.DataFrame:
        """One read-only query (`cleanwire sql`: the same guards and time limit) as a
        DataFrame, values as the driver returns them; limit: at most that many rows (a
        warning says when more were left out)."""
        pd = _pandas("db.sql()")
        if limit is not None and limit < 1:
            raise QueryError("limit must be at least 1 (None: all rows)")
        with open_query(self.engine, query, QueryLimits(timeout=timeout, max_rows=limit)) \
                as stream:
            rows = list(stream.rows)
        if stream.cut:
            warnings.warn(f"sql: showing the first {len(rows):,} rows; the query has more "
                          "(limit=None for all)", stacklevel=2)
        return pd.DataFrame.from_records(rows, columns=stream.columns)


_STATS_COLUMNS = [
    "site", "articles", "languages", "first_published", "last_published", "last_crawl",
    "last_outcome", "fetches", "failures", "failure_rate", "median_words", "short_share",
    "no_date_share", "no_author_share", "non_articles", "declared_non_articles",
    "declared_share", "huge_articles", "exact_copies", "near_copies", "flags",
]


# --- helpers -------------------------------------------------------------------------------


def _pandas(what: str) -> Any:
    return _optional("pandas", what, "a pandas DataFrame")


def _pyarrow(what: str) -> Any:
    return _optional("pyarrow", what, "a pyarrow Table")


def _optional(module: str, what: str, returns: str) -> Any:
    """The optional module, or MissingDependency naming the install for what needs it."""
    try:
        return importlib.import_module(module)
    except ImportError as exc:
        raise MissingDependency(f"{what} returns {returns}: {INSTALL_HINT} "
                                "(or use db.iter_articles())") from exc


def _moment(value: Moment, *, end: bool) -> datetime | None:
    """since/until as an aware UTC datetime; a date (or 'YYYY-MM-DD') given as an end is
    the end of that day, as in the CLI."""
    if value is None:
        return None
    if isinstance(value, datetime):  # pandas.Timestamp too
        return aware_utc(value)
    if isinstance(value, date):
        moment = datetime(value.year, value.month, value.day, tzinfo=UTC)
        return moment + timedelta(days=1) if end else moment
    if isinstance(value, str):
        return parse_day_or_time(value, end=end)
    raise QueryError(f"since/until must be a date, a datetime or an ISO 8601 string, "
                     f"not {type(value).__name__}")


def _filter(site: str | None, lang: str | None, since: Moment, until: Moment,
            unique: bool) -> ArticleFilter:
    return ArticleFilter(site=site, language=lang, since=_moment(since, end=False),
                         until=_moment(until, end=True), unique=bool(unique))


def _request(site: str | None, lang: str | None, since: Moment, until: Moment, unique: bool,
             selected: Sequence[str] | str | None) -> tuple[tuple[str, ...], ArticleFilter]:
    if selected is not None and not isinstance(selected, str):
        selected = ",".join(selected)
    try:
        names = parse_fields(selected)
    except ValueError as exc:
        raise QueryError(str(exc)) from exc
    return names, _filter(site, lang, since, until, unique)


def _batches(engine: Engine, selected: tuple[str, ...], flt: ArticleFilter,
             size: int) -> Iterator[Sequence[Sequence[Any]]]:
    if size < 1:
        raise QueryError("batch_size must be at least 1")
    return article_batches(engine, selected, flt, size, what="reading articles")


def _schema(pa: Any, selected: tuple[str, ...]) -> Any:
    return pa.schema([(f, arrow_type(pa, f)) for f in selected])


def _record_batches(pa: Any, schema: Any,
                    batches: Iterator[Sequence[Sequence[Any]]]) -> Iterator[Any]:
    """Each batch of rows as an Arrow RecordBatch of schema."""
    for batch in batches:
        columns = list(zip(*batch, strict=True)) if batch else [() for _ in schema]
        yield pa.RecordBatch.from_arrays(
            [pa.array(list(values), type=schema.field(i).type)
             for i, values in enumerate(columns)], schema=schema)


def _article_frame(pd: Any, selected: tuple[str, ...],
                   batches: Iterator[Sequence[Sequence[Any]]] | list[Any]) -> Any:
    """A typed DataFrame of the rows of batches. With pyarrow, each batch becomes Arrow
    columns as it comes (compact, and no Python objects pile up for the garbage collector
    to walk); without, only column lists are kept meanwhile."""
    try:
        import pyarrow as pa
    except ImportError:
        return _article_frame_lists(pd, selected, batches)
    schema = _schema(pa, selected)
    table = pa.Table.from_batches(list(_record_batches(pa, schema, iter(batches))),
                                  schema=schema)
    lists = {f: table.column(f).to_pylist() for f in selected if f in LIST_FIELDS}
    table = table.drop_columns(list(lists))
    nullable = {schema.field(f).type: pd.Int64Dtype() for f in selected
                if f in NULLABLE_INT_FIELDS}
    frame = table.to_pandas(self_destruct=True, split_blocks=True,
                            types_mapper=nullable.get if nullable else None)
    del table
    for name in selected:
        if name in INT_FIELDS and name not in NULLABLE_INT_FIELDS:
            frame[name] = frame[name].astype("int64")
    for name, values in lists.items():
        frame[name] = pd.Series(values, dtype=object, index=frame.index)
    return frame[list(selected)]


def _article_frame_lists(pd: Any, selected: tuple[str, ...],
                         batches: Iterator[Sequence[Sequence[Any]]] | list[Any]) -> Any:
    """_article_frame without pyarrow: column lists, converted at the end."""
    columns: list[list[Any]] = [[] for _ in selected]
    for batch in batches:
        for column, values in zip(columns, zip(*batch, strict=True), strict=True):
            column.extend(values)
    data = {}
    for name, values in zip(selected, columns, strict=True):
        data[name] = _series(pd, name, values)
        values.clear()
    return pd.DataFrame(data, columns=list(selected))


def _series(pd: Any, name: str, values: list[Any]) -> Any:
    if name in TIME_FIELDS:
        return pd.Series(pd.to_datetime(values, utc=True), dtype="datetime64[us, UTC]")
    if name in INT_FIELDS:
        return pd.Series(pd.array(values, dtype="Int64" if name in NULLABLE_INT_FIELDS
                                  else "int64"))
    if name in LIST_FIELDS:
        return pd.Series(values, dtype=object)
    return pd.Series(values, dtype=pd.Series([""]).dtype)  # pandas' string dtype, even empty


def _records(rows: Sequence[Any], kind: type, what: str) -> Any:
    """A DataFrame with kind's fields as columns; datetime fields as datetime64[us, UTC]."""
    pd = _pandas(what)
    names = [f.name for f in fields(kind)]
    frame = pd.DataFrame.from_records([tuple(getattr(r, n) for n in names) for r in rows],
                                      columns=names)
    times = [f.name for f in fields(kind) if "datetime" in str(f.type)]
    return _with_times(pd, frame, times)


def _with_times(pd: Any, frame: Any, names: Sequence[str]) -> Any:
    for name in names:
        frame[name] = pd.Series(pd.to_datetime(list(frame[name]), utc=True),
                                index=frame.index, dtype="datetime64[us, UTC]")
    return frame


__all__ = ["ArticleRow", "Database", "connect", "row_type"]
