"""Duplicates: URL variants -> one row, exact copies -> duplicate_of, near copies -> cluster_id.

Real text: ../shared/seeds (five outlets' versions of one Reuters story: 003 and 004
wire copies with different boilerplate, 002 a rewrite, 000/001 topic pages sharing
teaser sentences). Runs on SQLite and, when reachable, PostgreSQL (test_storage's
fixtures). The default threshold (0.5) is the one under test.
"""

from __future__ import annotations

import json
import os
import random
import subprocess
import sys
from collections.abc import Iterator
from datetime import timedelta
from pathlib import Path

import pytest
from pg_helpers import scratch_database
from sqlalchemy import Engine, func, select, text, update
from test_storage import T0, make_page, make_record

from cleaners.fingerprint import content_hash
from cleaners.minhash import Signer, estimated_jaccard, text_signature
from storage.dedup import DEFAULT_NEAR_DUP_THRESHOLD
from storage.engine import open_engine
from storage.errors import WriteError
from storage.lsh import bands_and_rows
from storage.models import Article, ArticleMinHash, ArticleUrl
from storage.repository import PageRecord, Repository

ROOT = Path(__file__).resolve().parent.parent
SHARED = ROOT.parent / "shared"
SEEDS = SHARED / "seeds"
PAGES = SHARED / "fixtures" / "pages"
UNIQUE = "duplicate_of IS NULL AND (cluster_id IS NULL OR cluster_id = id)"


def _seed(prefix: str) -> str:
    if not SEEDS.is_dir():
        pytest.skip(f"shared seeds not found at {SEEDS}")
    return next(SEEDS.glob(f"{prefix}_*.txt")).read_text("utf-8")


def seed_003_body() -> str:
    """Seed 003 without its stock-ticker header and comment-box footer."""
    lines = [line for line in _seed("003").splitlines()
             if "Decreased By" not in line and "No Change" not in line]
    body = "\n".join(lines)
    return body.split("\nComments")[0].strip()


def seed_004_body() -> str:
    """Seed 004 up to its "Related News" / "More News" tail."""
    return _seed("004").split("\nRelated News")[0].strip()


def other_boilerplate() -> str:
    """Another outlet's chrome: headlines of unrelated stories and a footer."""
    related = _seed("004").split("Related Posts\n")[1].split("\nMore News")[0]
    return "Latest\n" + related + "\nShare this article\nFollow us for more world news"


def shared_teasers() -> list[str]:
    """The teaser sentences both topic pages (seeds 000 and 001) carry."""
    first = set(_seed("000").splitlines())
    return [line for line in _seed("001").splitlines() if line in first and line.strip()]


def record(url: str, body: str, at_minutes: float = 0, site: str | None = None,
           page_type: str = "article", **kw: object) -> PageRecord:
    page = make_page(url, body, content_hash=content_hash(body), page_type=page_type,
                     title=kw.pop("title", "Zelenskiy ready to exchange soldiers"), **kw)
    rec = make_record(page, T0 + timedelta(minutes=at_minutes))
    name = site or url.split("/")[2]
    rec.site_name, rec.site_host = name, name
    return rec


def article(engine: Engine, url: str) -> Article:
    repo = Repository(engine)
    found = repo.find_article(url)
    assert found is not None, url
    return found


def unique_ids(engine: Engine) -> set[int]:
    with engine.connect() as conn:
        return set(conn.scalars(text(f"SELECT id FROM articles WHERE {UNIQUE}")))




# --- real text: seeds ---------------------------------------------------------------


def test_wire_copy_with_other_boilerplate_clusters(repo: Repository, engine: Engine) -> None:
    """Seed 003 (ticker header, comment footer) and the same Reuters text under another
    outlet's chrome: different bytes, different content_hash, one cluster."""
    copy = other_boilerplate() + "\n" + seed_003_body()
    repo.store(None, [record("https://brecorder.example/news/1", _seed("003"), 0),
                      record("https://wire.example/world/zelenskiy", copy, 30)])
    first = article(engine, "https://brecorder.example/news/1")
    second = article(engine, "https://wire.example/world/zelenskiy")
    assert first.content_hash != second.content_hash
    assert second.duplicate_of is None
    assert first.cluster_id == second.cluster_id == first.id
    assert unique_ids(engine) == {first.id}


def test_seed_003_and_004_do_not_cluster(repo: Repository, engine: Engine) -> None:
    """004 is not a verbatim wire copy but a re-worded one ("Kyiv is ready to hand over
    captured North Korean troops ... if they can arrange exchanges" vs 003's "... soldiers
    to their leader Kim Jong Un if he can facilitate their exchange"): hardly any 5-word
    run survives, so the Jaccard is ~0.01 whole and still < 0.1 with the tails cut.
    Near-duplicate detection links copies, not retellings: they stay apart."""
    signer = Signer()
    whole = estimated_jaccard(signer.signature(_seed("003")), signer.signature(_seed("004")))
    bodies = estimated_jaccard(signer.signature(seed_003_body()),
                               signer.signature(seed_004_body()))
    assert whole < 0.1 and bodies < 0.1 < DEFAULT_NEAR_DUP_THRESHOLD
    repo.store(None, [record("https://brecorder.example/news/1", _seed("003"), 0),
                      record("https://fullnews.example/zelensky", _seed("004"), 10)])
    assert article(engine, "https://brecorder.example/news/1").cluster_id is None
    assert article(engine, "https://fullnews.example/zelensky").cluster_id is None


def test_rewrite_does_not_cluster(repo: Repository, engine: Engine) -> None:
    """002 retells the same facts in its own words (same story, not the same copy)."""
    repo.store(None, [record("https://brecorder.example/news/1", _seed("003"), 0),
                      record("https://rewrite.example/zelenskyy-proposes", _seed("002"), 5)])
    assert article(engine, "https://brecorder.example/news/1").cluster_id is None
    assert article(engine, "https://rewrite.example/zelenskyy-proposes").cluster_id is None


def test_listings_take_no_part(repo: Repository, engine: Engine) -> None:
    """The two topic pages share teaser sentences, but they are listings: no signature,
    no cluster, no duplicate link, even stored twice on two sites."""
    repo.store(None, [
        record("https://a.example/topic/north-korea", _seed("000"), 0, page_type="listing"),
        record("https://b.example/tags/north-korea", _seed("001"), 1, page_type="listing"),
        record("https://c.example/topic/north-korea", _seed("000"), 2, page_type="listing"),
    ])
    with engine.connect() as conn:
        assert conn.scalar(select(func.count()).select_from(ArticleMinHash)) == 0
        assert conn.execute(select(Article.cluster_id, Article.duplicate_of)).all() == [
            (None, None)] * 3


def test_shared_teasers_alone_do_not_make_near_duplicates(
        repo: Repository, engine: Engine) -> None:
    """Two different articles that both carry the topic pages' teaser sentences."""
    teasers = "\n".join(shared_teasers())
    assert len(shared_teasers()) >= 2
    repo.store(None, [
        record("https://a.example/story/1", teasers + "\n" + _seed("002") + "\n" + teasers, 0),
        record("https://b.example/story/2", teasers + "\n" + seed_004_body() + "\n" + teasers, 1),
    ])
    assert article(engine, "https://a.example/story/1").cluster_id is None
    assert article(engine, "https://b.example/story/2").cluster_id is None


def test_fixture_page_bodies_are_not_near_duplicates(repo: Repository, engine: Engine) -> None:
    """The shared fixture pages' article bodies: related_more_news is seed 004's story,
    ticker_comments seed 003's; hard_* are the same bodies in harder markup (same text:
    exact copies), the rest are other stories."""
    if not PAGES.is_dir():
        pytest.skip(f"shared fixture pages not found at {PAGES}")
    records = []
    for minute, path in enumerate(sorted(PAGES.glob("*.json"))):
        meta = json.loads(path.read_text("utf-8"))
        body = "\n".join(meta.get("body") or [])
        if meta.get("page_type") == "article" and body:
            records.append(record(f"https://{path.stem}.example/a", body, minute))
    repo.store(None, records)
    with engine.connect() as conn:
        rows = conn.execute(select(Article.url, Article.duplicate_of, Article.cluster_id,
                                   Article.content_hash)).all()
    by_hash: dict[str, list[str]] = {}
    for url, _dup, _cluster, digest in rows:
        by_hash.setdefault(digest, []).append(url)
    clustered = {url for url, _dup, cluster, _ in rows if cluster is not None}
    exact = {url for urls in by_hash.values() if len(urls) > 1 for url in urls}
    assert clustered >= exact  # an exact copy is a near copy too
    groups = {cluster for _, _, cluster, _ in rows if cluster is not None}
    assert len(groups) <= len(rows) // 2
    assert len(unique_ids(engine)) == len(rows) - len(clustered) + len(groups)


# --- URLs ---------------------------------------------------------------------------


def test_url_variants_are_one_row(repo: Repository, engine: Engine) -> None:
    first = record("https://www.news.example/world/story-1", "First version of the story", 0,
                   site="news")
    first.aliases = ("https://news.example/s/abc123",)
    assert repo.store(None, [first]) == ["new"]
    later = [
        record("http://news.example/world/story-1/", "First version of the story", 10,
               site="news"),
        record("https://m.news.example/world/story-1", "First version of the story", 20,
               site="news"),
        record("https://news.example/world/story-1/amp/", "Second version of the story", 30,
               site="news"),
        record("https://news.example/print/story-1", "Second version of the story", 40,
               site="news", canonical_url="https://news.example/world/story-1"),
    ]
    assert repo.store(None, later) == ["unchanged", "unchanged", "updated", "unchanged"]
    assert repo.count_articles() == 1
    row = repo.get_article("https://www.news.example/world/story-1")
    assert row is not None and row.text == "Second version of the story"
    assert row.first_seen_at == T0
    for url in ("https://news.example/s/abc123", "http://www.news.example/world/story-1",
                "https://amp.news.example/world/story-1?amp=1",
                "https://news.example/print/story-1", "https://news.example/world/story-1/"):
        found = repo.find_article(url)
        assert found is not None and found.id == row.id, url
    assert repo.find_article("https://news.example/world/story-2") is None
    with engine.connect() as conn:
        kinds = dict(conn.execute(select(ArticleUrl.url, ArticleUrl.kind)).all())
    assert kinds["https://www.news.example/world/story-1"] == "primary"
    assert kinds["https://news.example/s/abc123"] == "redirect"
    assert kinds["https://news.example/world/story-1/amp/"] == "amp"
    assert kinds["https://m.news.example/world/story-1"] == "variant"
    assert kinds["https://news.example/print/story-1"] == "variant"
    assert kinds["https://news.example/world/story-1"] == "canonical"


def test_variants_in_one_batch_are_one_row(repo: Repository) -> None:
    batch = [
        record("https://amp.news.example/world/story-2/amp", "Story two text", 5, site="news"),
        record("https://news.example/world/story-2", "Story two text", 0, site="news"),
        record("https://www.news.example/world/story-2/", "Story two, revised", 9, site="news"),
    ]
    repo.store(None, batch)
    assert repo.count_articles() == 1
    row = repo.get_article("https://news.example/world/story-2")  # the first fetched
    assert row is not None and row.text == "Story two, revised"


def test_a_redirect_alias_does_not_merge_two_articles(repo: Repository) -> None:
    """"/latest" redirected to story 5 yesterday and to story 6 today: two articles."""
    five = record("https://news.example/world/story-5", "Story five", 0, site="news")
    five.aliases = ("https://news.example/latest",)
    six = record("https://news.example/world/story-6", "Story six", 60, site="news")
    six.aliases = ("https://news.example/latest",)
    repo.store(None, [five])
    repo.store(None, [six])
    assert repo.count_articles() == 2
    found = repo.find_article("https://news.example/latest")
    assert found is not None and found.url == "https://news.example/world/story-5"


def test_canonical_names_the_row_for_later_fetches(repo: Repository) -> None:
    """A page stored under its own URL with a same-site canonical; a later fetch of the
    canonical URL updates that row. A canonical on another site or the home page is ignored."""
    repo.store(None, [record("https://news.example/a/1234-long-slug", "Text A", 0, site="news",
                             canonical_url="https://news.example/world/story-3")])
    repo.store(None, [record("https://news.example/world/story-3", "Text A", 10, site="news")])
    assert repo.count_articles() == 1
    repo.store(None, [
        record("https://syndic.example/x", "Text B", 20,
               canonical_url="https://news.example/world/story-3"),
        record("https://news.example/other", "Text C", 30, site="news",
               canonical_url="https://news.example/"),
        record("https://news.example/another", "Text D", 40, site="news",
               canonical_url="https://news.example/"),
    ])
    assert repo.count_articles() == 4


# --- exact copies, determinism, persistence -------------------------------------------


def test_exact_copy_across_sites_gets_duplicate_of(repo: Repository, engine: Engine) -> None:
    body = seed_003_body()
    repo.store(None, [record("https://one.example/a", body, 0)])
    repo.store(None, [record("https://two.example/b", body, 60),
                      record("https://three.example/c", body + "\n\n", 60)])
    first, second, third = (article(engine, u) for u in (
        "https://one.example/a", "https://two.example/b", "https://three.example/c"))
    assert first.duplicate_of is None
    assert second.duplicate_of == third.duplicate_of == first.id
    assert first.cluster_id == second.cluster_id == third.cluster_id == first.id
    assert unique_ids(engine) == {first.id}


def test_exact_copies_in_one_batch_ordered_by_fetch_time_then_url(
        repo: Repository, engine: Engine) -> None:
    body = seed_004_body()
    repo.store(None, [record("https://z.example/late", body, 5),
                      record("https://y.example/b", body, 0),
                      record("https://x.example/a", body, 0)])
    origin = article(engine, "https://x.example/a")
    assert origin.duplicate_of is None
    assert article(engine, "https://y.example/b").duplicate_of == origin.id
    assert article(engine, "https://z.example/late").duplicate_of == origin.id


def test_late_arrival_becomes_the_origin(repo: Repository, engine: Engine) -> None:
    """A copy first seen earlier (a late batch) takes over as the group's origin."""
    body = seed_003_body()
    repo.store(None, [record("https://later.example/a", body, 60)])
    repo.store(None, [record("https://earlier.example/a", body, 0)])
    earlier, later = article(engine, "https://earlier.example/a"), article(
        engine, "https://later.example/a")
    assert earlier.duplicate_of is None and later.duplicate_of == earlier.id
    assert earlier.cluster_id == later.cluster_id == earlier.id
    assert unique_ids(engine) == {earlier.id}


def _mixed_batch() -> list[PageRecord]:
    copy = other_boilerplate() + "\n" + seed_003_body()
    return [
        record("https://brecorder.example/news/1", _seed("003"), 0),
        record("https://wire.example/world/zelenskiy", copy, 0),
        record("https://mirror.example/zelenskiy", copy, 0),
        record("https://trim.example/z", "\n".join(seed_003_body().split("\n")[:-6]), 3),
        record("https://rewrite.example/zelenskyy-proposes", _seed("002"), 1),
        record("https://fullnews.example/zelensky", _seed("004"), 2),
        record("https://a.example/topic", _seed("000"), 4, page_type="listing"),
    ]


def _state(url: str, order: list[PageRecord], batches: int) -> dict[str, tuple]:
    engine = open_engine(url)
    try:
        repo = Repository(engine)
        size = -(-len(order) // batches)
        for start in range(0, len(order), size):
            repo.store(None, order[start : start + size])
        with engine.connect() as conn:
            rows = conn.execute(select(Article.id, Article.url, Article.duplicate_of,
                                       Article.cluster_id)).all()
        urls = {row.id: row.url for row in rows}
        return {row.url: (urls.get(row.duplicate_of), urls.get(row.cluster_id))
                for row in rows}
    finally:
        engine.dispose()


@pytest.fixture
def two_fresh_urls(db_url: str, tmp_path: Path) -> Iterator[tuple[str, str]]:
    if db_url.startswith("sqlite"):
        yield db_url, f"sqlite:///{tmp_path}/second.db"
        return
    with scratch_database(db_url.rsplit("/", 1)[0]) as second:
        yield db_url, second


@pytest.mark.parametrize("batches", [1, 3])
def test_same_input_same_clusters_whatever_the_order(
        two_fresh_urls: tuple[str, str], batches: int) -> None:
    batch = _mixed_batch()
    shuffled = batch[:]
    random.Random(7).shuffle(shuffled)
    first = _state(two_fresh_urls[0], batch, batches)
    second = _state(two_fresh_urls[1], shuffled[::-1], batches)
    assert first == second
    origin = "https://brecorder.example/news/1"
    # same fetch time: the smaller url is the exact group's origin
    assert first["https://mirror.example/zelenskiy"] == (None, origin)
    assert first["https://wire.example/world/zelenskiy"] == ("https://mirror.example/zelenskiy",
                                                           origin)
    assert first["https://trim.example/z"] == (None, origin)
    for alone in ("https://rewrite.example/zelenskyy-proposes",
                  "https://fullnews.example/zelensky",
                  "https://a.example/topic"):
        assert first[alone] == (None, None), alone


def _template(seed: int, words: int = 300) -> str:
    """A fixed text of random words: what templated articles (results, reports) share."""
    rng = random.Random(seed)
    return " ".join(f"w{rng.randrange(5000)}" for _ in range(words))


def _report(i: int, template: str) -> str:
    return f"{template}\nFigures for report {i}: {i * 7} units across {i * 3} sites."


def test_a_growing_cluster_costs_each_batch_one_comparison(repo: Repository,
                                                            engine: Engine) -> None:
    """Templated articles (results, earnings reports) make one cluster that grows all crawl
    long: a new member is compared with one member of it, not with all, and the cluster's
    members are not read back (a 50,000-page crawl with 2,500 such articles slowed down
    as the cluster grew)."""
    template = _template(1)
    for start in range(0, 60, 10):
        before = (repo._dedup.signatures_read, repo._dedup.members_read)
        repo.store(None, [record(f"https://reports.example/r{i}", _report(i, template), i)
                          for i in range(start, start + 10)])
    first = article(engine, "https://reports.example/r0")
    with engine.connect() as conn:
        clusters = set(conn.scalars(select(Article.cluster_id)))
    assert clusters == {first.id}
    # the last batch: its ten articles against a cluster of fifty
    assert repo._dedup.signatures_read - before[0] == 1
    assert repo._dedup.members_read - before[1] <= 12


def test_an_article_that_bridges_two_clusters_joins_every_member(engine: Engine) -> None:
    """Two clusters that one article nearly duplicates become one, every member relabelled
    with the earliest member's id, here the bridging article's, first seen earliest."""
    repo = Repository(engine, near_dup_threshold=0.3)
    one, two = _template(1, 150), _template(2, 150)
    repo.store(None, [record(f"https://one.example/{i}", _report(i, one), 10 + i)
                      for i in range(4)])
    repo.store(None, [record(f"https://two.example/{i}", _report(i, two), 20 + i)
                      for i in range(4)])
    heads = {article(engine, f"https://{name}.example/{i}").cluster_id
             for name in ("one", "two") for i in range(4)}
    assert heads == {article(engine, "https://one.example/0").id,
                     article(engine, "https://two.example/0").id}
    repo.store(None, [record("https://bridge.example/both", f"{one}\n{two}", 5)])
    bridge = article(engine, "https://bridge.example/both")
    with engine.connect() as conn:
        assert set(conn.scalars(select(Article.cluster_id))) == {bridge.id}


def test_new_process_uses_stored_signatures_not_texts(db_url: str) -> None:
    first = open_engine(db_url)
    Repository(first).store(None, [record("https://brecorder.example/news/1", _seed("003"), 0),
                                   record("https://rewrite.example/r", _seed("002"), 1)])
    with first.begin() as conn:  # the texts are gone: only signatures can match now
        conn.execute(text("UPDATE articles SET text = ''"))
    first.dispose()

    second = open_engine(db_url)
    try:
        repo = Repository(second)
        copy = other_boilerplate() + "\n" + seed_003_body()
        repo.store(None, [record("https://wire.example/world/zelenskiy", copy, 30)])
        assert repo._dedup.index.loads == 2  # the two stored signatures, read once
        repo.store(None, [record("https://wire2.example/z", copy + "\nMore", 40)])
        assert repo._dedup.index.loads == 2  # its own writes are already indexed
        origin = article(second, "https://brecorder.example/news/1")
        assert article(second, "https://wire.example/world/zelenskiy").cluster_id == origin.id
        assert article(second, "https://wire2.example/z").cluster_id == origin.id
    finally:
        second.dispose()


def test_other_writers_rows_are_caught_up(db_url: str) -> None:
    engine = open_engine(db_url)
    try:
        reader, writer = Repository(engine), Repository(engine)
        reader.store(None, [record("https://x.example/unrelated", _seed("002"), 0)])
        writer.store(None, [record("https://brecorder.example/news/1", _seed("003"), 1)])
        copy = other_boilerplate() + "\n" + seed_003_body()
        reader.store(None, [record("https://wire.example/world/zelenskiy", copy, 30)])
        origin = article(engine, "https://brecorder.example/news/1")
        assert article(engine, "https://wire.example/world/zelenskiy").cluster_id == origin.id
    finally:
        engine.dispose()


def test_a_rolled_back_batch_leaves_no_ghost_in_the_index(
        repo: Repository, engine: Engine, monkeypatch: pytest.MonkeyPatch) -> None:
    def boom(*_args: object) -> None:
        raise WriteError("disk full")

    monkeypatch.setattr(repo, "_insert_fetches", boom)  # fails after the dedup hook ran
    with pytest.raises(WriteError):
        repo.store(None, [record("https://brecorder.example/news/1", _seed("003"), 0)])
    monkeypatch.undo()
    assert repo.count_articles() == 0
    copy = other_boilerplate() + "\n" + seed_003_body()
    repo.store(None, [record("https://wire.example/world/zelenskiy", copy, 30)])
    assert article(engine, "https://wire.example/world/zelenskiy").cluster_id is None
    repo.store(None, [record("https://brecorder.example/news/1", _seed("003"), 40)])
    wire = article(engine, "https://wire.example/world/zelenskiy")
    assert article(engine, "https://brecorder.example/news/1").cluster_id == wire.id


def test_duplicates_command_lists_groups(db_url: str, capsys: pytest.CaptureFixture[str]
                                         ) -> None:
    from crawler.cli import main

    engine = open_engine(db_url)
    try:
        Repository(engine).store(None, _mixed_batch())
    finally:
        engine.dispose()
    assert main(["duplicates", "--db", db_url, "--format", "json"]) == 0
    rows = json.loads(capsys.readouterr().out)
    assert {r["url"] for r in rows} == {
        "https://brecorder.example/news/1", "https://wire.example/world/zelenskiy",
        "https://mirror.example/zelenskiy", "https://trim.example/z"}
    roles = {r["url"]: r["role"] for r in rows}
    assert roles["https://brecorder.example/news/1"] == "likely origin"
    assert roles["https://wire.example/world/zelenskiy"] == "exact copy"
    assert roles["https://mirror.example/zelenskiy"] == "near copy"
    assert {r["kind"] for r in rows} == {"near copies"}  # one copy is near: a near group
    jaccard = {r["url"]: r["jaccard"] for r in rows}
    assert jaccard["https://brecorder.example/news/1"] is None  # the origin
    assert jaccard["https://wire.example/world/zelenskiy"] == 1.0  # of the mirror's text
    assert 0.5 <= jaccard["https://mirror.example/zelenskiy"] < 1.0  # of the origin's
    ids = {r["url"]: r["article_id"] for r in rows}
    copied = {r["url"]: r["copy_of"] for r in rows}
    assert copied["https://wire.example/world/zelenskiy"] == ids["https://mirror.example/zelenskiy"]
    assert copied["https://mirror.example/zelenskiy"] == ids["https://brecorder.example/news/1"]
    assert main(["duplicates", "--db", db_url, "--site", "nowhere.example"]) == 0
    assert "likely origin" not in capsys.readouterr().out
    assert main(["duplicates", "--db", db_url, "--since", "2030-01-01", "--format", "csv"]) == 0
    assert capsys.readouterr().out.strip() == ",".join(
        ("group", "kind", "role", "copy_of", "jaccard", "article_id", "site", "first_seen_at",
         "url", "title"))
    assert main(["duplicates", "--db", db_url, "--since", "yesterday"]) == 2


def test_band_index_runs_stay_capped_and_queries_stay_exact() -> None:
    """Runs stop merging at MAX_RUN entries (no memory peak growing with the store);
    every query still finds what one big run would."""
    import numpy as np

    from storage.lsh import BandIndex

    rng = np.random.default_rng(5)
    signatures = rng.integers(0, 2**32, size=(3000, 128), dtype=np.uint64)
    signatures[1500:1600] = signatures[:100]  # copies: each must find its original
    capped, whole = BandIndex(0.5), BandIndex(0.5)
    capped.MAX_RUN, capped.BUFFER = 4096, 1024  # ~160 articles a run
    whole.MAX_RUN = 10**9
    for article_id, values in enumerate(signatures):
        capped.insert(article_id, values)
        whole.insert(article_id, values)
    assert len(capped._runs) > 10 and all(len(k) <= 4096 for k, _ in capped._runs)
    for article_id in (*range(0, 3000, 97), *range(1500, 1600, 7)):
        assert capped.query(signatures[article_id]) == whole.query(signatures[article_id])
    assert {0, 1500} <= capped.query(signatures[1500])
    bulk = BandIndex(0.5)
    bulk.MAX_RUN = 4096
    bulk.insert_many(np.arange(3000), signatures)
    assert bulk.size == 3000 and all(len(k) <= 4096 for k, _ in bulk._runs)
    assert bulk.query(signatures[1550]) == whole.query(signatures[1550])


def test_band_index_entries_take_eight_bytes_and_unrelated_texts_rarely_meet() -> None:
    """A band entry is a 32-bit key and a 32-bit id; the shorter key makes unrelated
    signatures share a band only by rare accident (each accident costs one candidate,
    checked against the stored signature)."""
    import numpy as np

    from storage.lsh import BandIndex

    rng = np.random.default_rng(11)
    stored = rng.integers(0, 2**32, size=(5000, 128), dtype=np.uint64)
    index = BandIndex(0.5)
    index.insert_many(np.arange(5000), stored)
    entries = 5000 * index.bands
    assert all(k.dtype == np.uint32 for k, _ in index._runs)
    assert index.nbytes() == 8 * entries
    strangers = rng.integers(0, 2**32, size=(2000, 128), dtype=np.uint64)
    met = sum(bool(index.query(values)) for values in strangers)
    assert met <= 10, met  # expected ~1 (2000 queries x bands x entries / 2**32)
    assert 4321 in index.query(stored[4321])


@pytest.mark.parametrize("num_perm", [64, 128, 256])
def test_bands_and_rows_are_datasketchs_choice(num_perm: int) -> None:
    """BandIndex picks its bands and rows without scipy; for every threshold from 0.05 to
    1.0 (step 0.01) the choice is the one datasketch.MinHashLSH makes."""
    from datasketch.lsh import _optimal_param

    for step in range(5, 101):
        threshold = step / 100
        assert bands_and_rows(threshold, num_perm) == _optimal_param(
            threshold, num_perm, 0.5, 0.5), threshold


def test_storing_without_signing_loads_neither_datasketch_nor_scipy(tmp_path: Path) -> None:
    """A crawl process whose cleaning workers sign the articles imports the store and
    writes batches with the signatures given: datasketch (and the ~0.8 s of scipy it
    loads) stays out of that process, and the near copy still joins its cluster."""
    vocabulary = [f"word{i}" for i in range(400)]
    rng = random.Random(3)
    first = " ".join(rng.choice(vocabulary) for _ in range(300))
    second = first + " and one more sentence at the end."
    script = """
import sys
from dataclasses import replace
from test_storage import make_page, make_record
from storage.engine import open_engine
from storage.repository import Repository
assert "datasketch" not in sys.modules and "scipy" not in sys.modules, "loaded on import"
db, first, second, sig1, sig2 = sys.argv[1:]
repo = Repository(open_engine("sqlite:///" + db))
for url, text, sig in (("https://a.example/1", first, sig1), ("https://b.example/2", second, sig2)):
    page = make_page(url, open(text).read())
    repo.store(None, [replace(make_record(page), signature=bytes.fromhex(sig))], [])
print(",".join(m for m in ("datasketch", "scipy") if m in sys.modules) or "none")
"""
    texts = []
    for name, body in (("first.txt", first), ("second.txt", second)):
        (tmp_path / name).write_text(body, encoding="utf-8")
        texts.append(str(tmp_path / name))
    signatures = [text_signature(first), text_signature(second)]
    assert all(signatures)
    db = tmp_path / "db.sqlite"
    env = {**os.environ, "PYTHONPATH": os.pathsep.join([str(ROOT), str(ROOT / "tests")])}
    done = subprocess.run([sys.executable, "-c", script, str(db), *texts,
                           *(sig.hex() for sig in signatures if sig)],
                          cwd=ROOT, capture_output=True, text=True, timeout=120, env=env)
    assert done.returncode == 0, done.stderr[-800:]
    assert done.stdout.strip() == "none"
    engine = open_engine(f"sqlite:///{db}")
    try:
        one, two = article(engine, "https://a.example/1"), article(engine, "https://b.example/2")
        assert two.cluster_id == one.id  # the given signatures were stored and matched
    finally:
        engine.dispose()


def test_each_signature_names_its_scheme_and_another_scheme_is_not_compared(
        repo: Repository, engine: Engine) -> None:
    """article_minhash.scheme records cleaners.minhash.SCHEME; a signature made with another
    scheme (another datasketch hash, seed or shingle size) is never compared with new ones."""
    from cleaners.minhash import SCHEME

    copy = other_boilerplate() + "\n" + seed_003_body()
    repo.store(None, [record("https://brecorder.example/news/1", _seed("003"), 0)])
    first = article(engine, "https://brecorder.example/news/1")
    with engine.begin() as connection:
        schemes = connection.execute(select(ArticleMinHash.scheme)).scalars().all()
        assert schemes == [SCHEME]
        connection.execute(update(ArticleMinHash).values(scheme="other/s9/p128/w5"))
    fresh = Repository(engine)  # a new process: its index is built from stored signatures
    fresh.store(None, [record("https://wire.example/world/zelenskiy", copy, 30)])
    second = article(engine, "https://wire.example/world/zelenskiy")
    assert second.cluster_id is None and first.cluster_id is None
