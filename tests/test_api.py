"""The Python API (`import cleanwire`) on a crawled database, SQLite and PostgreSQL.

One real crawl of the local fixture site per backend fills the database (PostgreSQL:
a scratch database on 127.0.0.1:5432, skipped with the reason when absent). Checked:
types (aware UTC times, lists, nullable ids), filters, unique, streaming, read-only,
and that the API and the CLI give the same answers.
"""

from __future__ import annotations

import json
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, fields
from datetime import UTC, date, datetime
from pathlib import Path

import pandas as pd
import pyarrow as pa
import pytest
from cli_helpers import cleanwire as run_cleanwire
from cli_helpers import cli
from fixture_site import ArticleSpec, FixtureServer, FixtureSite
from pg_helpers import pg_admin_url, scratch_database
from sqlalchemy import text
from sqlalchemy.exc import DBAPIError

import cleanwire
from storage.engine import open_engine
from storage.export import FIELDS

pytestmark = pytest.mark.slow


@dataclass(frozen=True)
class Crawled:
    url: str  # SQLAlchemy URL
    backend: str
    site: FixtureSite
    base_url: str

    @property
    def stored(self) -> list[ArticleSpec]:
        """The articles the crawl stores: the linked and sitemap ones and /slow/."""
        assert self.site.slow_article is not None
        return [*self.site.articles, self.site.slow_article]

    def by_url(self) -> dict[str, ArticleSpec]:
        return {a.url(self.base_url): a for a in self.stored}


@pytest.fixture(scope="module", params=["sqlite", "postgresql"])
def crawled(request: pytest.FixtureRequest,
            tmp_path_factory: pytest.TempPathFactory) -> Iterator[Crawled]:
    def crawl(url: str) -> Crawled:
        with FixtureServer(slow_seconds=1) as server:
            proc = run_cleanwire("crawl", server.url("/"), "--db", url, "--timeout", "2",
                                 "--max-page-bytes", "1000000")
            assert proc.returncode == 0, proc.stderr
            return Crawled(url, request.param, server.site, server.base_url)

    if request.param == "sqlite":
        yield crawl(f"sqlite:///{tmp_path_factory.mktemp('api')}/news.db")
        return
    with scratch_database(pg_admin_url()) as url:
        yield crawl(url)


@pytest.fixture
def db(crawled: Crawled) -> Iterator[cleanwire.Database]:
    with cleanwire.connect(crawled.url) as database:
        yield database


@contextmanager
def marked_duplicates(crawled: Crawled) -> Iterator[tuple[list[int], int, int, int]]:
    """Mark article 2 an exact copy of 1 and put 3 and 4 in one near-copy cluster (4 its
    representative), as storage/dedup.py would; undone afterwards."""
    engine = open_engine(crawled.url)
    try:
        with engine.begin() as conn:
            ids = list(conn.scalars(text("select id from articles order by id")))
            exact, near, representative = ids[1], ids[2], ids[3]
            conn.execute(text("update articles set duplicate_of = :o where id = :i"),
                         {"o": ids[0], "i": exact})
            conn.execute(text("update articles set cluster_id = :c where id in (:a, :b)"),
                         {"c": representative, "a": near, "b": representative})
        yield ids, exact, near, representative
    finally:
        with engine.begin() as conn:
            conn.execute(text("update articles set duplicate_of = null, cluster_id = null"))
        engine.dispose()


# --- types ----------------------------------------------------------------------------------


def test_articles_frame_is_typed_and_matches_the_site(crawled: Crawled,
                                                      db: cleanwire.Database) -> None:
    frame = db.articles()
    assert list(frame.columns) == list(FIELDS)
    specs = crawled.by_url()
    assert set(frame["url"]) == set(specs)
    for name in ("published_at", "modified_at", "first_seen_at", "last_fetched_at"):
        assert str(frame[name].dtype) == "datetime64[us, UTC]", name
    assert frame["article_id"].dtype == "int64" and frame["word_count"].dtype == "int64"
    for name in ("crawl_run_id", "duplicate_of", "cluster_id"):
        assert str(frame[name].dtype) == "Int64", name
    assert frame["duplicate_of"].isna().all()
    assert frame["article_id"].is_monotonic_increasing
    for row in frame.itertuples():
        spec = specs[row.url]
        assert row.published_at == pd.Timestamp(spec.published_at)
        assert row.authors == list(spec.authors)
        assert isinstance(row.authors, list) and isinstance(row.tags, list)
        assert row.language == spec.language and row.title == spec.title


def test_iter_articles_rows_are_frozen_dataclasses_with_python_types(
        crawled: Crawled, db: cleanwire.Database) -> None:
    rows = list(db.iter_articles())
    assert [f.name for f in fields(cleanwire.ArticleRow)] == list(FIELDS)
    assert all(type(r) is cleanwire.ArticleRow for r in rows)
    specs = crawled.by_url()
    for row in rows:
        assert row.published_at.tzinfo is not None
        assert row.published_at.utcoffset().total_seconds() == 0
        assert row.published_at == specs[row.url].published_at
        assert row.authors == list(specs[row.url].authors)
        assert isinstance(row.word_count, int) and row.word_count > 0
    with pytest.raises(AttributeError):
        rows[0].title = "changed"  # type: ignore[misc]
    some = next(db.iter_articles(fields=["url", "published_at"]))
    assert [f.name for f in fields(some)] == ["url", "published_at"]
    assert some.published_at == rows[0].published_at


def test_arrow_has_the_parquet_export_types(db: cleanwire.Database) -> None:
    table = db.arrow()
    assert table.schema.names == list(FIELDS)
    assert table.schema.field("published_at").type == pa.timestamp("us", tz="UTC")
    assert table.schema.field("authors").type == pa.list_(pa.string())
    assert table.schema.field("article_id").type == pa.int64()
    assert table.num_rows == len(db.articles(fields=["article_id"]))
    assert table.column("authors").to_pylist() == list(db.articles()["authors"])


# --- filters and unique -----------------------------------------------------------------------


def test_filters_select_what_the_site_says(crawled: Crawled, db: cleanwire.Database) -> None:
    specs = crawled.stored
    german = db.articles(lang="de", fields=["url", "language"])
    assert set(german["url"]) == {a.url(crawled.base_url) for a in specs if a.language == "de"}
    assert german["url"].size > 0
    day = date(2025, 1, 10)
    days = {a.url(crawled.base_url) for a in specs
            if day <= a.published_at.astimezone(UTC).date() <= date(2025, 1, 12)}
    for since, until in (("2025-01-10", "2025-01-12"), (day, date(2025, 1, 12)),
                         (datetime(2025, 1, 10), datetime(2025, 1, 13, tzinfo=UTC))):
        got = db.articles(since=since, until=until, fields=["url"])
        assert set(got["url"]) == days, (since, until)
    assert days
    host = crawled.base_url.split("//")[1]
    assert len(db.articles(site=host, fields=["url"])) == len(specs)
    assert db.articles(site="no-such-site").empty
    assert db.articles(site="no-such-site").columns.tolist() == list(FIELDS)


def test_bad_arguments_are_one_line_query_errors(db: cleanwire.Database) -> None:
    with pytest.raises(cleanwire.QueryError, match="unknown field"):
        db.articles(fields=["url", "nope"])
    with pytest.raises(cleanwire.QueryError, match="invalid date"):
        db.articles(since="last tuesday")
    with pytest.raises(cleanwire.QueryError, match="since/until"):
        db.articles(until=12)  # type: ignore[arg-type]
    with pytest.raises(cleanwire.QueryError, match="chunksize"):
        db.articles(chunksize=0)
    with pytest.raises(cleanwire.QueryError, match="unknown field"):  # at the call
        db.iter_articles(fields=["nope"])
    with pytest.raises(cleanwire.QueryError, match="batch_size"):
        db.iter_articles(batch_size=0)
    with pytest.raises(cleanwire.UnknownArticle):
        db.history("http://example.invalid/never")


def test_unique_leaves_out_exact_and_near_copies(crawled: Crawled,
                                                 db: cleanwire.Database) -> None:
    with marked_duplicates(crawled) as (ids, exact, near, representative):
        everything = list(db.articles(fields=["article_id"])["article_id"])
        unique = list(db.articles(unique=True, fields=["article_id"])["article_id"])
        assert everything == ids
        assert unique == [i for i in ids if i not in (exact, near)]
        assert [r.article_id for r in db.iter_articles(unique=True)] == unique
        assert db.arrow(unique=True).column("article_id").to_pylist() == unique
        hits = db.search("the OR der OR le", limit=100)
        unique_hits = db.search("the OR der OR le", unique=True, limit=100)
        assert {exact, near} & set(hits["article_id"])
        assert not {exact, near} & set(unique_hits["article_id"])
        frame = db.articles(fields=["article_id", "duplicate_of", "cluster_id"])
        assert frame.set_index("article_id").loc[exact, "duplicate_of"] == ids[0]
        # the same groups as `cleanwire duplicates`
        groups = db.duplicates()
        ran = cli("duplicates", "--db", crawled.url, "--format", "json")
        assert ran.returncode == 0, ran.stderr
        listed = json.loads(ran.stdout)
        assert sorted(groups["article_id"]) == sorted([ids[0], exact, near, representative])
        assert [(r["group"], r["kind"], r["role"], r["article_id"]) for r in listed] == \
            list(groups[["group", "kind", "role", "article_id"]].itertuples(index=False,
                                                                            name=None))
        assert str(groups["first_seen_at"].dtype) == "datetime64[us, UTC]"
        assert db.duplicates(site="no-such-site").empty
        assert all(isinstance(r, cleanwire.DuplicateRow) for r in db.duplicates(frame=False))


# --- streaming ----------------------------------------------------------------------------------


def test_streaming_reads_in_batches_and_holds_a_cursor_meanwhile(
        crawled: Crawled, db: cleanwire.Database) -> None:
    whole = db.articles(fields=["article_id", "published_at", "authors"])
    chunks = list(db.articles(fields=["article_id", "published_at", "authors"], chunksize=4))
    assert all(len(c) <= 4 for c in chunks) and len(chunks) == -(-len(whole) // 4)
    joined = pd.concat(chunks, ignore_index=True)
    pd.testing.assert_frame_equal(joined, whole)
    assert str(chunks[0]["published_at"].dtype) == "datetime64[us, UTC]"
    reader = db.arrow(stream=True, batch_size=4, fields=["article_id"])
    assert isinstance(reader, pa.RecordBatchReader)
    sizes = [batch.num_rows for batch in reader]
    assert max(sizes) == 4 and sum(sizes) == len(whole)

    rows = db.iter_articles(batch_size=3, fields=["article_id"])
    first = next(rows)
    assert first.article_id == whole["article_id"][0]
    assert db.engine.pool.checkedout() == 1  # the query is still being read
    if crawled.backend == "postgresql":  # a server-side cursor, fetched a batch at a time
        engine = open_engine(crawled.url)
        try:
            with engine.connect() as other:
                queries = list(other.scalars(text(
                    "select query from pg_stat_activity where datname = current_database() "
                    "and pid <> pg_backend_pid()")))
        finally:
            engine.dispose()
        assert any(q.startswith("FETCH FORWARD ") for q in queries), queries
    rest = [r.article_id for r in rows]
    assert [first.article_id, *rest] == list(whole["article_id"])
    assert db.engine.pool.checkedout() == 0


# --- search, history, stats, sql ------------------------------------------------------------


def test_search_history_stats_agree_with_the_cli(crawled: Crawled,
                                                 db: cleanwire.Database) -> None:
    article = crawled.site.articles[0]
    url = article.url(crawled.base_url)
    hits = db.search('"' + article.first_sentence.replace('"', " ") + '"', limit=3)
    assert hits["url"][0] == url and hits["title"][0] == article.title
    assert str(hits["published_at"].dtype) == "datetime64[us, UTC]"
    assert hits["published_at"][0] == pd.Timestamp(article.published_at)
    assert isinstance(db.search("economy", frame=False)[0], cleanwire.SearchHit)

    versions = db.history(url)
    assert list(versions["version"]) == [1]
    assert versions["title"][0] == article.title
    assert str(versions["fetched_at"].dtype) == "datetime64[us, UTC]"

    [stats] = db.stats().to_dict("records")
    ran = cli("stats", "--db", crawled.url, "--format", "json")
    [listed] = json.loads(ran.stdout)
    assert stats["articles"] == listed["articles"] == len(db.articles(fields=["url"]))
    assert stats["median_words"] == listed["median_words"]
    assert stats["flags"] == listed["flags"] == []
    assert next(iter(stats["languages"])) == "en"
    assert stats["last_outcome"] == "ok"
    assert isinstance(stats["last_crawl"], pd.Timestamp) and stats["last_crawl"].tz is not None

    count = db.sql("select count(*) as n from articles")
    assert count["n"][0] == stats["articles"]


def test_the_database_cannot_be_changed_through_the_api(crawled: Crawled,
                                                        db: cleanwire.Database) -> None:
    with pytest.raises(cleanwire.QueryError, match="refused"):
        db.sql("delete from articles")
    with pytest.raises(DBAPIError), db.engine.connect() as conn:
        conn.exec_driver_sql("DELETE FROM articles")
    with pytest.raises(DBAPIError), db.engine.begin() as conn:
        conn.exec_driver_sql("UPDATE articles SET title = 'x'")
    assert db.articles(fields=["title"])["title"].ne("x").all()
    assert len(db.articles(fields=["url"])) == len(crawled.stored)


# --- connecting, optional dependencies -------------------------------------------------------


def test_connect_takes_a_path_or_url_and_names_a_missing_file(crawled: Crawled,
                                                              tmp_path: Path) -> None:
    if crawled.backend == "sqlite":
        path = crawled.url.removeprefix("sqlite:///")
        with cleanwire.connect(Path(path)) as db:
            assert len(db.articles(fields=["url"])) == len(crawled.stored)
    with pytest.raises(cleanwire.DatabaseError, match="database file not found"):
        cleanwire.connect(tmp_path / "missing.db")
    assert not (tmp_path / "missing.db").exists()
    assert cleanwire.__version__
    assert set(cleanwire.__all__) <= set(dir(cleanwire))


def test_without_pyarrow_articles_are_the_same_frame(db: cleanwire.Database,
                                                     monkeypatch: pytest.MonkeyPatch) -> None:
    with_arrow = db.articles()
    empty = db.articles(lang="xx")
    monkeypatch.setitem(sys.modules, "pyarrow", None)
    pd.testing.assert_frame_equal(db.articles(), with_arrow)
    pd.testing.assert_frame_equal(db.articles(lang="xx"), empty)
    with pytest.raises(cleanwire.MissingDependency, match=r"cleanwire\[analyst\]"):
        db.arrow()


def test_without_pandas_the_error_names_the_extra(db: cleanwire.Database,
                                                  monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setitem(sys.modules, "pandas", None)  # import pandas raises ImportError
    with pytest.raises(cleanwire.MissingDependency, match=r"pip install 'cleanwire\[analyst\]'"):
        db.articles()
    with pytest.raises(ImportError):
        db.stats()
    assert next(db.iter_articles(fields=["url"])).url  # no pandas needed
    assert db.stats(frame=False)[0].articles > 0


def test_the_walkthrough_in_docs_runs(crawled: Crawled) -> None:
    """Every `>>>` statement of docs/analysis.md, in order, on the crawled database."""
    import re

    text = (Path(__file__).resolve().parent.parent / "docs" / "analysis.md").read_text("utf-8")
    blocks = re.findall(r"```python\n(.*?)```", text, re.S)
    statements: list[str] = []
    for block in blocks:
        for line in block.splitlines():
            if line.startswith(">>> "):
                statements.append(line[4:])
            elif line.startswith("... ") and statements:
                statements[-1] += "\n" + line[4:]
    assert len(statements) >= 6
    namespace: dict[str, object] = {
        "db": cleanwire.connect(crawled.url)}
    try:
        for statement in statements:
            source = statement.replace("http://127.0.0.1:8000", crawled.base_url)
            exec(compile(source, "docs/analysis.md", "single"), namespace)
    finally:
        namespace["db"].close()  # type: ignore[attr-defined]
