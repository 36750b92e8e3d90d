"""Adaptive revisits: the policy (storage/revisits.py), the frontier's decisions at an injected
time (crawler/incremental.py), and the schedule the repository keeps in a real database
(SQLite file and, when reachable, PostgreSQL), including databases from before revision 0006."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy import Engine, text
from sqlalchemy.exc import IntegrityError

from cleaners.model import CleanPage
from crawler.config import ConfigError
from crawler.incremental import Frontier, revisit_options
from storage.contract import Outcome, Revisit
from storage.engine import head_revision, migrate, open_engine
from storage.frontier import KnownArticle, known_articles
from storage.repository import FetchRecord, PageRecord, Repository
from storage.revisits import DEFAULT_INTERVALS, RevisitMode, RevisitPolicy, revisit_reason

H = 3600.0
DAY = 86400.0
T0 = datetime(2026, 12, 1, 12, 0, tzinfo=UTC)


# ---- the policy ---------------------------------------------------------------------------

def test_intervals_grow_while_nothing_changes_and_stop_at_the_longest() -> None:
    policy = RevisitPolicy()
    assert policy.intervals == DEFAULT_INTERVALS == (H, 3 * H, 9 * H, DAY, 2 * DAY)
    steps, interval = [], policy.first
    for _ in range(7):
        steps.append(interval)
        interval = policy.next_interval(interval, changed=False)
    assert steps == [H, 3 * H, 9 * H, DAY, 2 * DAY, 2 * DAY, 2 * DAY]


def test_a_change_resets_the_interval_to_the_first() -> None:
    policy = RevisitPolicy()
    for current in (H, 9 * H, 2 * DAY, None):
        assert policy.next_interval(current, changed=True) == H
    assert policy.next_interval(None, changed=False) == H  # never scheduled: the first
    # an interval of an older policy moves to the next longer of this one
    assert policy.next_interval(2 * H, changed=False) == 3 * H
    assert policy.next_interval(5 * DAY, changed=False) == 2 * DAY
    assert RevisitPolicy.due_at(T0, 3 * H) == T0 + timedelta(hours=3)


def test_intervals_must_be_positive_and_increasing() -> None:
    for bad in ((), (0.0, H), (3 * H, H), (H, H)):
        with pytest.raises(ValueError, match="positive and increasing"):
            RevisitPolicy(bad)


def _reason(mode: RevisitMode = RevisitMode.DUE, *, now: float = 10 * H,
            first_seen: float = 0.0, last_fetched: float = 0.0, next_due: float | None = H,
            lastmod: float | None = None, refresh_after: float = 2 * DAY) -> Revisit | None:
    return revisit_reason(mode, now=now, first_seen=first_seen, last_fetched=last_fetched,
                          next_due=next_due, lastmod=lastmod, refresh_after=refresh_after)


def test_revisit_reason_due_only_after_next_due_and_inside_refresh_after() -> None:
    assert _reason(now=0.5 * H) is None  # not due yet
    assert _reason(now=H) is Revisit.DUE  # due at next_due exactly
    assert _reason(now=10 * H, next_due=None) is Revisit.DUE  # never scheduled (old rows)
    assert _reason(now=2 * DAY) is None  # first seen refresh_after ago: left alone
    assert _reason(now=2 * DAY - 1) is Revisit.DUE
    assert _reason(refresh_after=0.0) is None  # "0s": never re-fetched


def test_revisit_reason_lastmod_and_modes() -> None:
    newer, older = 0.5 * H, -H
    assert _reason(now=0.1 * H, lastmod=newer) is Revisit.LASTMOD  # newer than our fetch
    assert _reason(now=0.1 * H, lastmod=older) is None
    assert _reason(now=3 * DAY, lastmod=newer) is Revisit.LASTMOD  # even when settled
    assert _reason(RevisitMode.ALL, now=0.1 * H) is Revisit.FORCED
    assert _reason(RevisitMode.ALL, now=30 * DAY) is Revisit.FORCED
    assert _reason(RevisitMode.ALL, lastmod=newer) is Revisit.LASTMOD
    for now in (0.1 * H, 10 * H, 30 * DAY):
        assert _reason(RevisitMode.NONE, now=now, lastmod=newer) is None


# ---- the frontier at an injected time -----------------------------------------------------

def _known(first: datetime, fetched: datetime, due: datetime | None,
           etag: str | None = '"v1"') -> KnownArticle:
    return KnownArticle(fetched, first, etag, None, due)


def test_frontier_decides_at_its_injected_time() -> None:
    url = "https://news.example/a/"
    article = _known(T0, T0, T0 + timedelta(hours=1))
    for now, expected in ((T0 + timedelta(minutes=30), "skip"),
                          (T0 + timedelta(minutes=61), Revisit.DUE),
                          (T0 + timedelta(days=3), "skip")):
        frontier = Frontier(2 * DAY, now=now)
        frontier.add(url, article)
        decision, headers = frontier.decide(url)
        assert decision == expected, now
        assert headers == ({"If-None-Match": '"v1"'} if expected == Revisit.DUE else {})
    frontier = Frontier(2 * DAY, now=T0 + timedelta(minutes=1))
    frontier.add(url, article)
    later = (T0 + timedelta(minutes=30)).isoformat()
    assert frontier.decide(url, lastmod=later) == (Revisit.LASTMOD, {})  # a plain GET
    assert frontier.decide("https://news.example/new/") == ("fetch", {})


def test_frontier_modes_and_the_reasons_it_remembers() -> None:
    url = "https://news.example/a/?utm_source=x"
    settled = _known(T0 - timedelta(days=30), T0 - timedelta(days=29), None)
    forced = Frontier(2 * DAY, now=T0, mode=RevisitMode.ALL)
    forced.add("https://news.example/a/", settled)
    assert forced.decide(url) == (Revisit.FORCED, {"If-None-Match": '"v1"'})
    none = Frontier(2 * DAY, now=T0, mode=RevisitMode.NONE)
    none.add("https://news.example/a/", _known(T0, T0, None))
    assert none.decide(url, lastmod=(T0 + timedelta(hours=1)).isoformat())[0] == "skip"
    assert forced.revisit_of(url) is None
    forced.requested(url, Revisit.FORCED)
    assert forced.revisit_of("https://news.example/a/") is Revisit.FORCED


def test_a_known_redirect_is_decided_like_its_article_and_asks_for_the_article() -> None:
    url, alias = "https://news.example/a/", "https://news.example/moved/"
    frontier = Frontier(2 * DAY, now=T0 + timedelta(minutes=5))
    frontier.add(url, _known(T0, T0, T0 + timedelta(hours=1)))
    frontier.add_alias(alias, url)
    frontier.add_alias("https://news.example/gone/", "https://news.example/never-stored/")
    assert len(frontier) == 1  # articles, not their aliases
    assert frontier.decide(alias) == ("skip", {})  # not due yet, like the article
    assert frontier.decide("https://news.example/gone/") == ("fetch", {})
    later = Frontier(2 * DAY, now=T0 + timedelta(hours=2))
    later.add(url, _known(T0, T0, T0 + timedelta(hours=1)))
    later.add_alias(alias, url)
    assert later.decide(alias) == (Revisit.DUE, {"If-None-Match": '"v1"'})
    assert later.stored_url(alias) == url  # the spider asks for the article itself


def test_revisit_options_from_settings() -> None:
    settings = {"CLEANWIRE_REVISIT": "all", "CLEANWIRE_REVISIT_INTERVALS": "30m, 2h,1d",
                "CLEANWIRE_REVISIT_NOW": "2026-12-01T13:00:00Z"}
    options = revisit_options(settings.get)
    assert options.mode is RevisitMode.ALL
    assert options.policy.intervals == (1800.0, 7200.0, DAY)
    assert options.clock() == T0 + timedelta(hours=1)
    default = revisit_options({}.get)
    assert (default.mode, default.policy, default.now) == (RevisitMode.DUE, RevisitPolicy(),
                                                           None)
    for name, bad in (("CLEANWIRE_REVISIT", "sometimes"),
                      ("CLEANWIRE_REVISIT_INTERVALS", "3h,1h"),
                      ("CLEANWIRE_REVISIT_INTERVALS", "soon"),
                      ("CLEANWIRE_REVISIT_NOW", "yesterday")):
        with pytest.raises(ConfigError, match=name):
            revisit_options({name: bad}.get)


# ---- the schedule in the database ---------------------------------------------------------

def _page(url: str, body: str) -> CleanPage:
    return CleanPage(
        url=url, canonical_url=None, page_type="article", title="T", authors=[],
        published=None, modified=None, language="en", section=None, tags=[],
        description=None, image=None, sitename=None, text=body,
        word_count=len(body.split()), content_hash=f"h-{body}")


def _store(repo: Repository, url: str, body: str, at: datetime,
           revisit: Revisit | None = None) -> str:
    record = PageRecord(_page(url, body), FetchRecord(url, 200, fetched_at=at, revisit=revisit),
                        "site", "site.example")
    return repo.store(None, [record])[0]


def _schedule(engine: Engine, url: str) -> tuple[int | None, datetime | None]:
    known = dict(known_articles(engine, "site"))
    with engine.connect() as conn:
        interval = conn.execute(text("SELECT revisit_interval FROM articles WHERE url = :u"),
                                {"u": url}).scalar_one()
    return interval, known[url].next_due_at


def test_repository_grows_the_interval_on_no_change_and_resets_it_on_a_change(
        engine: Engine) -> None:
    repo, url = Repository(engine), "https://site.example/story"
    assert _store(repo, url, "first words", T0) == Outcome.NEW
    assert _schedule(engine, url) == (3600, T0 + timedelta(hours=1))
    t1 = T0 + timedelta(hours=1)
    assert _store(repo, url, "first words", t1, Revisit.DUE) == Outcome.UNCHANGED
    assert _schedule(engine, url) == (3 * 3600, t1 + timedelta(hours=3))
    t2 = t1 + timedelta(hours=3)  # a 304 is a re-fetch without change too
    repo.store(None, [], [FetchRecord(url, 304, outcome=Outcome.NOT_MODIFIED, fetched_at=t2,
                                      revisit=Revisit.DUE)])
    assert _schedule(engine, url) == (9 * 3600, t2 + timedelta(hours=9))
    t3 = t2 + timedelta(hours=9)
    assert _store(repo, url, "edited words", t3, Revisit.DUE) == Outcome.UPDATED
    assert _schedule(engine, url) == (3600, t3 + timedelta(hours=1))
    # a late copy (fetched before the stored one) changes nothing
    assert _store(repo, url, "edited words", t2) == Outcome.UNCHANGED
    repo.store(None, [], [FetchRecord(url, 304, outcome=Outcome.NOT_MODIFIED, fetched_at=t2)])
    assert _schedule(engine, url) == (3600, t3 + timedelta(hours=1))
    with engine.connect() as conn:
        reasons = conn.execute(text("SELECT fetched_at, revisit FROM fetches WHERE url = :u "
                                    "ORDER BY fetched_at, id"), {"u": url}).all()
    # one row per (url, fetched_at): the late copies at t2 add none
    assert [r for _, r in reasons] == [None, "due", "due", "due"]


def test_custom_intervals_are_used_by_the_repository(engine: Engine) -> None:
    repo, url = Repository(engine, revisits=RevisitPolicy((600.0, 7200.0))), "https://site.example/c"
    _store(repo, url, "words", T0)
    _store(repo, url, "words", T0 + timedelta(minutes=10))
    _store(repo, url, "words", T0 + timedelta(minutes=20))
    assert _schedule(engine, url) == (7200, T0 + timedelta(minutes=20, hours=2))


def test_the_database_refuses_an_unknown_revisit_reason(engine: Engine) -> None:
    insert = text("INSERT INTO fetches (url, outcome, revisit, fetched_at) "
                  "VALUES (:u, 'unchanged', :r, :t)")
    with engine.begin() as conn:
        for i, reason in enumerate(Revisit):
            conn.execute(insert, {"u": f"https://x.example/{i}", "r": str(reason), "t": T0})
    with pytest.raises(IntegrityError), engine.begin() as conn:
        conn.execute(insert, {"u": "https://x.example/bad", "r": "whim", "t": T0})


def test_articles_stored_before_0006_are_due_once_then_scheduled(db_url: str) -> None:
    engine = open_engine(db_url, migrate=False)
    try:
        migrate(engine, "0005")
        with engine.begin() as conn:
            conn.execute(text("INSERT INTO sites (name, host) VALUES ('site', 'site.example')"))
            conn.execute(text(
                "INSERT INTO articles (url, site_id, title, authors, tags, text, word_count, "
                "content_hash, first_seen_at, last_fetched_at) VALUES (:u, 1, 'T', '[]', '[]', "
                "'old words', 2, 'h-old words', :at, :at)"), {"u": "https://site.example/old",
                                                               "at": T0})
        assert migrate(engine) == head_revision()
        url = "https://site.example/old"
        assert _schedule(engine, url) == (None, None)  # never scheduled
        frontier = Frontier(2 * DAY, now=T0 + timedelta(minutes=5))
        for known_url, known in known_articles(engine, "site"):
            frontier.add(known_url, known)
        assert frontier.decide(url)[0] == Revisit.DUE  # due at once, then on the schedule
        t1 = T0 + timedelta(minutes=5)
        assert _store(Repository(engine), url, "old words", t1, Revisit.DUE) == Outcome.UNCHANGED
        assert _schedule(engine, url) == (3600, t1 + timedelta(hours=1))
    finally:
        engine.dispose()


# ---- pages fetched lately (a killed run's) --------------------------------------------------

def test_recently_fetched_holds_back_any_outcome_but_discovery_and_listings(
        engine: Engine) -> None:
    from storage.frontier import recently_fetched

    repo = Repository(engine)
    run = repo.start_run("crawl", {}, "site", "site.example")
    other = repo.start_run("crawl", {}, "elsewhere", "elsewhere.example")
    base = "https://site.example"
    rows = [("/timeout", Outcome.FAILED, "timeout"), ("/paywalled", Outcome.PAYWALLED, None),
            ("/file.pdf", Outcome.SKIPPED, "not html"), ("/other", Outcome.OTHER, None),
            ("/section/", Outcome.LISTING, None), ("/feed.xml", Outcome.FEED, None),
            ("/sitemap.xml", Outcome.SITEMAP, None), ("/robots.txt", Outcome.ROBOTS, None),
            ("/abandoned", Outcome.SKIPPED, "interrupted")]
    repo.store(run, [], [FetchRecord(base + path, 200, error, outcome, fetched_at=T0)
                         for path, outcome, error in rows])
    repo.store(run, [], [FetchRecord(base + "/old", 500, "http 500", Outcome.FAILED,
                                     fetched_at=T0 - timedelta(hours=2))])
    repo.store(other, [], [FetchRecord("https://elsewhere.example/x", 404, "http 404",
                                       Outcome.FAILED, fetched_at=T0)])
    recent = set(recently_fetched(engine, "site", T0 - timedelta(hours=1)))
    assert recent == {base + p for p in ("/timeout", "/paywalled", "/file.pdf", "/other")}


def test_frontier_holds_back_recent_urls_unless_revisit_all() -> None:
    url = "https://site.example/failed-lately"
    for mode, expected in ((RevisitMode.DUE, "recent"), (RevisitMode.NONE, "recent"),
                           (RevisitMode.ALL, "fetch")):
        frontier = Frontier(2 * DAY, now=T0, mode=mode)
        frontier.add_recent(url)
        assert frontier.decide(url + "?utm_source=x")[0] == expected  # by its URL key
        assert frontier.decide("https://site.example/new")[0] == "fetch"
    # a stored article fetched lately is decided by its schedule, as before
    due = Frontier(2 * DAY, now=T0 + timedelta(hours=2))
    due.add(url, _known(T0, T0, T0 + timedelta(hours=1)))
    due.add_recent(url)
    assert due.decide(url)[0] == Revisit.DUE


def test_recent_fetch_window_setting() -> None:
    assert revisit_options({}.get).recent_window == 3600.0
    assert revisit_options({"CLEANWIRE_RECENT_FETCH_WINDOW": "0"}.get).recent_window == 0.0
    assert revisit_options({"CLEANWIRE_RECENT_FETCH_WINDOW": "90m"}.get).recent_window == 5400
    with pytest.raises(ConfigError, match="CLEANWIRE_RECENT_FETCH_WINDOW"):
        revisit_options({"CLEANWIRE_RECENT_FETCH_WINDOW": "soon"}.get)
