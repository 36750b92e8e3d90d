"""The SQL behind each report chart, as Datasette canned queries (SQLite), for any file name.

datasette_queries() gives them in metadata's "queries" form, named report_<chart key>;
metadata.yml carries them for cleanwire.db (tests/test_health_report.py holds the two
equal), and metadata_for(name) keys them by another database's name. Each takes an
optional :days (default 30) counted back from now, as `cleanwire report --days` does.
"""

from __future__ import annotations

from typing import Any

from storage.contract import ARTICLE_OUTCOMES, PAGE_TYPE_OUTCOMES, Outcome

from ..health import BLOCKED_PREFIX, NO_SITE

PREFIX = "report_"
_SINCE = "datetime('now', '-' || coalesce(nullif(:days, ''), 30) || ' days')"


def _listed(outcomes: Any) -> str:
    return ", ".join(f"'{o}'" for o in sorted(outcomes))


#: fetches.outcome/error -> the chart's outcome group (storage.health.FetchRow.kind)
_KIND = f"""CASE
    WHEN f.error LIKE '{BLOCKED_PREFIX}%' THEN 'blocked'
    WHEN f.outcome IN ({_listed(ARTICLE_OUTCOMES)}) THEN 'stored'
    WHEN f.outcome = '{Outcome.NOT_MODIFIED}' THEN 'not modified'
    WHEN f.outcome IN ({_listed(PAGE_TYPE_OUTCOMES)}) THEN 'non-article'
    WHEN f.outcome = '{Outcome.SKIPPED}' THEN 'skipped'
    WHEN f.outcome = '{Outcome.FAILED}' THEN 'failed'
    ELSE 'discovery' END"""
_FETCHES = f"""fetches AS f
JOIN crawl_runs AS r ON r.id = f.crawl_run_id
LEFT JOIN sites AS s ON s.id = r.site_id
WHERE r.started_at >= {_SINCE}"""
_SITE = f"coalesce(s.name, '{NO_SITE}')"
_NO_AUTHOR = "(a.authors IS NULL OR json_array_length(a.authors) = 0)"
_DUPLICATE = "(a.duplicate_of IS NOT NULL OR coalesce(a.cluster_id, a.id) != a.id)"

#: chart key (storage.report.charts) -> (title, description, SQL)
QUERIES: dict[str, tuple[str, str, str]] = {
    "articles_per_day": (
        "Report: articles stored per day", "New articles by the day first stored, per site.",
        f"""SELECT date(a.first_seen_at) AS day, {_SITE} AS site, count(*) AS articles
FROM articles AS a LEFT JOIN sites AS s ON s.id = a.site_id
WHERE a.first_seen_at >= {_SINCE}
GROUP BY day, site
ORDER BY day DESC, articles DESC"""),
    "fetch_outcomes_per_day": (
        "Report: fetch outcomes per day",
        "Page fetches per day and site by what became of them, failures by reason "
        "(discovery documents left out).",
        f"""SELECT day, site, outcome, count(*) AS fetches
FROM (SELECT date(f.fetched_at) AS day, {_SITE} AS site,
             CASE {_KIND} WHEN 'failed' THEN 'failed: ' || coalesce(f.error, 'unknown')
             ELSE {_KIND} END AS outcome
      FROM {_FETCHES})
WHERE outcome != 'discovery'
GROUP BY day, site, outcome
ORDER BY day DESC, site, outcome"""),
    "languages": (
        "Report: languages", "Articles stored in the period by language and site.",
        f"""SELECT coalesce(a.language, 'unknown') AS language, {_SITE} AS site,
       count(*) AS articles
FROM articles AS a LEFT JOIN sites AS s ON s.id = a.site_id
WHERE a.first_seen_at >= {_SINCE}
GROUP BY language, site
ORDER BY articles DESC"""),
    "median_words_per_day": (
        "Report: median words per article",
        "Per day and site; a line that falls by half is a template change.",
        f"""WITH ranked AS (
  SELECT date(a.first_seen_at) AS day, {_SITE} AS site, a.word_count,
         row_number() OVER (PARTITION BY date(a.first_seen_at), a.site_id
                            ORDER BY a.word_count) AS rn,
         count(*) OVER (PARTITION BY date(a.first_seen_at), a.site_id) AS n
  FROM articles AS a LEFT JOIN sites AS s ON s.id = a.site_id
  WHERE a.first_seen_at >= {_SINCE})
SELECT day, site, avg(word_count) AS median_words, max(n) AS articles
FROM ranked WHERE rn IN ((n + 1) / 2, (n + 2) / 2)
GROUP BY day, site
ORDER BY day DESC, site"""),
    "extraction_shares_per_day": (
        "Report: extraction health over time",
        "Per day and site: shares of new articles without a date, without an author, "
        "duplicated; share of fetched pages typed non-article.",
        f"""WITH art AS (
  SELECT date(a.first_seen_at) AS day, {_SITE} AS site,
         round(avg(a.published_at IS NULL), 3) AS no_date,
         round(avg({_NO_AUTHOR}), 3) AS no_author,
         round(avg({_DUPLICATE}), 3) AS duplicate
  FROM articles AS a LEFT JOIN sites AS s ON s.id = a.site_id
  WHERE a.first_seen_at >= {_SINCE}
  GROUP BY day, site),
pages AS (
  SELECT date(f.fetched_at) AS day, {_SITE} AS site,
         round(avg({_KIND} = 'non-article'), 3) AS non_article
  FROM {_FETCHES} AND {_KIND} IN ('stored', 'not modified', 'non-article')
  GROUP BY day, site)
SELECT art.day, art.site, art.no_date, art.no_author, art.duplicate, pages.non_article
FROM art LEFT JOIN pages ON pages.day = art.day AND pages.site = art.site
ORDER BY art.day DESC, art.site"""),
    "top_failure_reasons": (
        "Report: top failure reasons", "Failed and blocked fetches by reason, with an example.",
        f"""SELECT coalesce(f.error, 'unknown') AS reason, count(*) AS fetches,
       count(DISTINCT r.site_id) AS sites, min(f.url) AS example_url
FROM {_FETCHES} AND {_KIND} IN ('failed', 'blocked')
GROUP BY reason
ORDER BY fetches DESC
LIMIT 10"""),
    "crawl_runs": (
        "Report: crawl runs", "Each crawl with its duration and outcome, latest first.",
        f"""SELECT r.id, r.started_at, {_SITE} AS site, r.command, r.outcome,
       round((julianday(r.finished_at) - julianday(r.started_at)) * 86400, 1) AS seconds,
       r.pages_fetched, r.articles_new + r.articles_updated + r.articles_unchanged AS articles,
       r.failed
FROM crawl_runs AS r LEFT JOIN sites AS s ON s.id = r.site_id
WHERE r.started_at >= {_SINCE}
ORDER BY r.started_at DESC"""),
}


def datasette_queries() -> dict[str, dict[str, str]]:
    """The canned queries as Datasette metadata's "queries" mapping."""
    return {f"{PREFIX}{key}": {"title": title, "description": description, "sql": sql}
            for key, (title, description, sql) in QUERIES.items()}


def metadata_for(database: str) -> dict[str, Any]:
    """Datasette metadata with the report's queries for the database named database (the
    file's stem: "news" for news.db)."""
    return {"databases": {database: {"queries": datasette_queries()}}}
