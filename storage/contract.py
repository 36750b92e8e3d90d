"""The crawl's contract with the store, named once: fetch outcomes, failure reasons, counters.

Everything that writes or reads these spells them through this module: the spider and
the pipelines (Scrapy stats keys, fetches.outcome and fetches.error), the store
(crawl_runs columns and counts, the fetches check constraint of migration 0005), the
progress line and the summary, `cleanwire stats`, and docs/schema.md (a test holds its
list of outcomes equal to Outcome).

Reasons are short texts stored in fetches.error, "<kind>" or "<kind>: <detail>" ("http 404",
"timeout", "timeout: clean", "refused: scheme", "clean: worker crashed"); a counter is a
Scrapy stats key "cleanwire/<name>", and a fetch that failed or was skipped is also counted
under "cleanwire/<outcome>/<reason>", from which crawl_runs.counts.failures_by_reason
("<outcome>: <reason>") is rebuilt.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from enum import StrEnum
from typing import Any


class Outcome(StrEnum):
    """fetches.outcome: what became of one fetch attempt."""

    NEW = "new"  # an article stored for the first time
    UPDATED = "updated"  # a stored article whose text or title changed
    UNCHANGED = "unchanged"  # fetched again, same text and title
    NOT_MODIFIED = "not modified"  # a 304 answer to a conditional GET: not re-cleaned
    LISTING = "listing"  # a page the cleaner typed as a listing (not stored)
    PAYWALLED = "paywalled"  # a page whose only text is a paywall stub (not stored)
    OTHER = "other"  # an error page, an empty shell... (not stored)
    FEED = "feed"  # discovery documents: read for URLs, not stored
    SITEMAP = "sitemap"
    ROBOTS = "robots"
    FAILED = "failed"  # fetches.error says why
    SKIPPED = "skipped"  # not fetched, or fetched and refused; fetches.error says why


ARTICLE_OUTCOMES: frozenset[Outcome] = frozenset({Outcome.NEW, Outcome.UPDATED,
                                                  Outcome.UNCHANGED})
#: page types of the cleaner (cleaners.model.PAGE_TYPES) that are recorded, not stored
PAGE_TYPE_OUTCOMES: frozenset[Outcome] = frozenset({Outcome.LISTING, Outcome.PAYWALLED,
                                                    Outcome.OTHER})
DISCOVERY_OUTCOMES: frozenset[Outcome] = frozenset({Outcome.FEED, Outcome.SITEMAP,
                                                    Outcome.ROBOTS})
#: outcomes whose fetches.error holds a reason
REASONED_OUTCOMES: frozenset[Outcome] = frozenset({Outcome.FAILED, Outcome.SKIPPED})


class Revisit(StrEnum):
    """fetches.revisit: why a crawl fetched a stored article again (NULL: it was not stored)."""

    DUE = "due"  # its revisit interval had passed (storage.revisits)
    LASTMOD = "lastmod"  # a sitemap lastmod / feed updated newer than its last fetch
    FORCED = "forced"  # `crawl --revisit all`


def revisit_check() -> str:
    """SQL of the fetches.revisit check constraint: NULL or one of Revisit."""
    listed = ", ".join(f"'{revisit}'" for revisit in Revisit)
    return f"revisit IS NULL OR revisit IN ({listed})"


class VersionReason(StrEnum):
    """article_versions.reason: what made the text that replaced an archived version."""

    REFETCH = "refetch"  # a crawl fetched the page again and its text or title changed
    RECLEAN = "reclean"  # `cleanwire reclean` cleaned the stored capture again


class CaptureSource(StrEnum):
    """captures.source: how a WARC record came to be in the store."""

    CRAWL = "crawl"  # written by a crawl, scrape or worker (crawler's capture writer)
    IMPORT = "import"  # a record of a WARC file given to `cleanwire import-warc`


class FieldSource(StrEnum):
    """articles.title_source / author_source / date_source: where a field was read.

    The cleaner names them (cleaners.model.FIELD_SOURCES, each one of these values)."""

    JSON_LD = "json-ld"
    META = "meta"  # <meta> tags: OpenGraph, Dublin Core, article:*, citation_*
    MICRODATA = "microdata"  # itemprop
    BYLINE = "byline"  # a byline or dateline in the page's markup
    HEADING = "heading"  # the page's <h1>
    TITLE_TAG = "title"  # <title>
    URL = "url"  # the page's URL (a /2024/05/01/ path)
    TEXT = "text"  # the article text itself
    HTTP = "http"  # HTTP Last-Modified
    SCRIPT = "script"  # inline JSON state of a <script> (Next.js, Nuxt)


def page_type_outcome(page_type: str) -> Outcome:
    """The outcome of a cleaned page the cleaner did not call an article."""
    outcome = Outcome(page_type)
    if outcome not in PAGE_TYPE_OUTCOMES:
        raise ValueError(f"{page_type!r} is not a non-article page type")
    return outcome


class Reason:
    """fetches.error texts: constants for the fixed ones, functions for the ones with a detail."""

    TIMEOUT = "timeout"
    DNS = "dns"
    CONNECTION_REFUSED = "connection refused"
    CONNECTION_LOST = "connection lost"
    DATA_LOSS = "data loss"
    TOO_LARGE = "too large"
    TOO_LARGE_HEADERS = "too large headers"  # CLEANWIRE_MAX_HEADER_BYTES (crawler/download.py)
    TOO_MANY_REDIRECTS = "too many redirects"
    IGNORED = "ignored"
    ROBOTS = "robots"
    NOT_HTML = "not html"
    NOT_A_FEED = "not a feed"
    NOT_A_SITEMAP = "not a sitemap"
    # sitemaps not fetched (recorded once per crawl, each counted): nested deeper than
    # CLEANWIRE_SITEMAP_MAX_DEPTH, or past CLEANWIRE_MAX_SITEMAPS of the crawl
    SITEMAP_DEPTH = "sitemap depth"
    TOO_MANY_SITEMAPS = "too many sitemaps"
    REFUSED_SCHEME = "refused: scheme"
    REFUSED_PRIVATE = "refused: private address"
    BLOCKED_CHALLENGE = "blocked: challenge"
    STORE_ERROR = "store error"
    URL_TOO_LONG = "url too long"
    INTERRUPTED = "interrupted"  # in flight when the crawl was stopped: abandoned (skipped)
    CLEAN_TIMEOUT = "timeout: clean"  # the cleaner ran past its time limit (a failure)
    CLEAN_NO_RESULT = "clean: no result"
    CLEAN_WORKER_CRASHED = "clean: worker crashed"
    CLEAN_POOL_CLOSED = "clean: pool closed"
    CLEAN_TOO_DEEP = "clean: document too deeply nested"
    CLEAN_OUT_OF_MEMORY = "clean: out of memory"
    # import-warc: records of a WARC file that hold no page to clean (counted, not fatal)
    WARC_REVISIT = "revisit record"  # a WARC revisit record: the payload is elsewhere
    WARC_TRUNCATED = "truncated record"  # the file ends inside the record (a cut download)
    WARC_DAMAGED = "damaged record"  # the record or its payload cannot be decoded

    @staticmethod
    def http(status: int) -> str:
        return f"http {status}"

    @staticmethod
    def blocked(status: int) -> str:
        return f"blocked: {status}"

    @staticmethod
    def clean(detail: str) -> str:
        """The cleaner refused the page (CleanError's message: "binary content", ...)."""
        return f"clean: {detail}"

    @staticmethod
    def clean_internal(exc: BaseException) -> str:
        return f"clean: internal error: {type(exc).__name__}"


def clean_failure_outcome(reason: str) -> Outcome:
    """A page the cleaner gave up on: failed when it ran out of time, else skipped (refused)."""
    return Outcome.FAILED if reason == Reason.CLEAN_TIMEOUT else Outcome.SKIPPED


class Counter(StrEnum):
    """Scrapy stats keys of a crawl (crawler.stats), read by the store, progress and summary."""

    FETCHED = "cleanwire/fetched"  # responses received (pages, discovery documents, errors)
    ARTICLES_NEW = "cleanwire/articles_new"
    ARTICLES_UPDATED = "cleanwire/articles_updated"
    ARTICLES_UNCHANGED = "cleanwire/articles_unchanged"
    NON_ARTICLES = "cleanwire/non_articles"  # pages typed listing, paywalled or other
    # of those, the pages that declared themselves articles (CleanPage.declared_article)
    DECLARED_NON_ARTICLES = "cleanwire/declared_non_articles"
    DUPLICATES_EXACT = "cleanwire/duplicates_exact"
    DUPLICATES_NEAR = "cleanwire/duplicates_near"
    DUPLICATE_URLS = "cleanwire/duplicate_urls"  # seen again, not fetched
    OVER_BUDGET = "cleanwire/over_budget"  # not queued: --max-pages reached (shared crawls)
    KNOWN_ARTICLES = "cleanwire/known_articles"  # stored before this crawl (incremental)
    KNOWN_SKIPPED = "cleanwire/known_skipped"  # stored, not due (or left alone): not fetched
    # fetched by a crawl of the site within CLEANWIRE_RECENT_FETCH_WINDOW (any outcome but
    # a discovery document or a listing), not stored as an article: not fetched again
    RECENT_SKIPPED = "cleanwire/recent_skipped"
    NOT_MODIFIED = "cleanwire/not_modified"
    REFETCH_DUE = "cleanwire/refetch_due"  # re-fetches by Revisit (fetches.revisit)
    REFETCH_LASTMOD = "cleanwire/refetch_lastmod"
    REFETCH_FORCED = "cleanwire/refetch_forced"
    BACKLOG = "cleanwire/backlog"
    SITEMAPS_TOO_DEEP = "cleanwire/sitemaps_too_deep"  # not fetched: Reason.SITEMAP_DEPTH
    SITEMAPS_OVER_CAP = "cleanwire/sitemaps_over_cap"  # not fetched: Reason.TOO_MANY_SITEMAPS
    REQUEUED_FROM_DEAD_WORKERS = "cleanwire/requeued_from_dead_workers"
    REQUEUED_ON_CLOSE = "cleanwire/requeued_on_close"
    # in this worker's in-flight set but never handed to it (a lost reply): given back
    ORPHANS_RETURNED = "cleanwire/orphans_returned"
    QUEUE_ERROR = "cleanwire/queue_error"  # a text: why the shared queue was lost
    CLEAN_MS = "cleanwire/clean_ms"
    BOILERPLATE_LINES = "cleanwire/boilerplate_lines"
    ROBOTS_UNREACHABLE = "cleanwire/robots_unreachable"  # hosts whose robots.txt gave a 5xx
    DROPPED_URLS = "cleanwire/dropped_urls"  # canonical/image URLs not http(s), not stored
    RETRY_WAIT_S = "cleanwire/retry_wait_s"
    WARC_FILES = "cleanwire/warc_files"  # import-warc: files read (to their end or resumed)
    WARC_RECORDS = "cleanwire/warc_records"  # import-warc: WARC records read, of every type
    WARC_FILTERED = "cleanwire/warc_filtered"  # import-warc: left out by --site/--lang/--since
    CAPTURES = "cleanwire/captures"  # pages written to WARC (crawler/capture/)
    CAPTURE_BYTES = "cleanwire/capture_bytes"  # their response records' bytes on disk
    CAPTURE_ERRORS = "cleanwire/capture_errors"  # pages not captured: the write failed
    RUN_ID = "cleanwire/run_id"
    OUTCOME = "cleanwire/outcome"

    @property
    def name_in_counts(self) -> str:
        """The key under which crawl_runs.counts keeps this counter."""
        return self.value.removeprefix(_PREFIX)


_PREFIX = "cleanwire/"

ARTICLE_COUNTERS: Mapping[Outcome, Counter] = {
    Outcome.NEW: Counter.ARTICLES_NEW,
    Outcome.UPDATED: Counter.ARTICLES_UPDATED,
    Outcome.UNCHANGED: Counter.ARTICLES_UNCHANGED,
}
#: an incremental crawl's re-fetches of stored articles, by why they were made
REFETCH_COUNTERS: Mapping[Revisit, Counter] = {
    Revisit.DUE: Counter.REFETCH_DUE,
    Revisit.LASTMOD: Counter.REFETCH_LASTMOD,
    Revisit.FORCED: Counter.REFETCH_FORCED,
}
#: counters kept in crawl_runs.counts beside failures_by_reason (when not zero)
RUN_COUNTERS: tuple[Counter, ...] = (
    Counter.KNOWN_ARTICLES, Counter.KNOWN_SKIPPED, Counter.RECENT_SKIPPED, Counter.NOT_MODIFIED,
    Counter.REFETCH_DUE, Counter.REFETCH_LASTMOD, Counter.REFETCH_FORCED,
    Counter.REQUEUED_FROM_DEAD_WORKERS, Counter.REQUEUED_ON_CLOSE, Counter.ORPHANS_RETURNED,
    Counter.ROBOTS_UNREACHABLE, Counter.DROPPED_URLS,
    Counter.SITEMAPS_TOO_DEEP, Counter.SITEMAPS_OVER_CAP, Counter.DECLARED_NON_ARTICLES,
    Counter.WARC_FILES, Counter.WARC_RECORDS, Counter.WARC_FILTERED,
    Counter.CAPTURES, Counter.CAPTURE_BYTES, Counter.CAPTURE_ERRORS,
)


def reason_counter(outcome: Outcome | str, reason: str) -> str:
    """The stats key counting fetches of a reasoned outcome (failed, skipped) by reason."""
    if Outcome(outcome) not in REASONED_OUTCOMES:
        raise ValueError(f"{outcome!r} fetches have no reason")
    return f"{_PREFIX}{outcome}/{reason}"


def page_type_counter(page_type: str) -> str:
    """The stats key counting non-article pages of one type (beside NON_ARTICLES)."""
    return f"{Counter.NON_ARTICLES}/{page_type_outcome(page_type)}"


def non_articles_by_type(stats: Mapping[str, Any]) -> dict[str, int]:
    """page type -> non-article pages of a crawl, read back from its stats, sorted."""
    prefix = f"{Counter.NON_ARTICLES}/"
    return {key[len(prefix):]: int(value) for key, value in sorted(stats.items())
            if key.startswith(prefix)}


def count(stats: Mapping[str, Any], counter: Counter) -> int:
    """One counter's value in a crawl's stats (0 when never counted); ValueError for a
    name that is not a Counter (a misspelt key would silently read 0)."""
    return int(stats.get(Counter(counter), 0) or 0)


def reasons(stats: Mapping[str, Any], outcome: Outcome | str) -> dict[str, int]:
    """reason -> fetches of one reasoned outcome, read back from a crawl's stats, sorted."""
    prefix = f"{_PREFIX}{Outcome(outcome)}/"
    return {key[len(prefix):]: int(value) for key, value in sorted(stats.items())
            if key.startswith(prefix)}


def reason_totals(stats: Mapping[str, Any]) -> dict[Outcome, int]:
    """Fetches that failed and that were skipped, from a crawl's stats."""
    return {outcome: sum(reasons(stats, outcome).values()) for outcome in
            (Outcome.FAILED, Outcome.SKIPPED)}


#: reasons that say the host itself could not be reached (no HTTP answer at all)
UNREACHABLE_REASONS: frozenset[str] = frozenset({Reason.DNS, Reason.CONNECTION_REFUSED,
                                                 Reason.TIMEOUT})
_EXAMPLE = f"{_PREFIX}example/"
_UNREACHABLE = f"{_PREFIX}unreachable/"


def example_key(outcome: Outcome | str, reason: str) -> str:
    """The stats key holding the first URL that failed or was skipped for reason."""
    return f"{_EXAMPLE}{reason_counter(outcome, reason).removeprefix(_PREFIX)}"


def examples(stats: Mapping[str, Any], outcome: Outcome | str) -> dict[str, str]:
    """reason -> an example URL, for the fetches of one reasoned outcome."""
    prefix = f"{_EXAMPLE}{Outcome(outcome)}/"
    return {key[len(prefix):]: str(value) for key, value in sorted(stats.items())
            if key.startswith(prefix)}


#: example URLs a crawl keeps of its non-article pages that declared themselves articles
DECLARED_EXAMPLES = 2
_DECLARED_EXAMPLE = f"{_EXAMPLE}{Counter.DECLARED_NON_ARTICLES.name_in_counts}/"


def declared_example_key(index: int) -> str:
    """The stats key of the index-th (0-based) non-article page that declared itself one."""
    return f"{_DECLARED_EXAMPLE}{index + 1}"


def declared_examples(stats: Mapping[str, Any]) -> list[str]:
    """Up to DECLARED_EXAMPLES URLs of non-article pages that declared themselves articles."""
    return [str(stats[key]) for key in (declared_example_key(i) for i in
                                        range(DECLARED_EXAMPLES)) if key in stats]


def unreachable_key(host: str) -> str:
    """The stats key of a host every request to which failed without an answer: its reason."""
    return f"{_UNREACHABLE}{host}"


def unreachable_hosts(stats: Mapping[str, Any]) -> dict[str, str]:
    """host -> reason (dns, connection refused, timeout) for hosts that never answered."""
    return {key[len(_UNREACHABLE):]: str(value) for key, value in sorted(stats.items())
            if key.startswith(_UNREACHABLE)}


@dataclass(frozen=True)
class Tally:
    """A crawl's headline numbers, read from its stats: what the progress line and the
    summary both print (so the last progress line and the summary agree)."""

    fetched: int
    articles_new: int
    articles_updated: int
    articles_unchanged: int
    non_articles: int
    skipped: int
    failed: int

    @property
    def stored(self) -> int:
        return self.articles_new + self.articles_updated + self.articles_unchanged


def tally(stats: Mapping[str, Any]) -> Tally:
    """The Tally of a crawl's stats so far."""
    totals = reason_totals(stats)
    return Tally(fetched=count(stats, Counter.FETCHED),
                 articles_new=count(stats, Counter.ARTICLES_NEW),
                 articles_updated=count(stats, Counter.ARTICLES_UPDATED),
                 articles_unchanged=count(stats, Counter.ARTICLES_UNCHANGED),
                 non_articles=count(stats, Counter.NON_ARTICLES),
                 skipped=totals[Outcome.SKIPPED], failed=totals[Outcome.FAILED])


def failures_by_reason(stats: Mapping[str, Any]) -> dict[str, int]:
    """crawl_runs.counts' failures_by_reason: "<outcome>: <reason>" -> fetches."""
    out: dict[str, int] = {}
    for outcome in (Outcome.FAILED, Outcome.SKIPPED):
        out.update({f"{outcome}: {reason}": n for reason, n in reasons(stats, outcome).items()})
    return dict(sorted(out.items()))


def outcome_check() -> str:
    """SQL of the fetches.outcome check constraint: NULL or one of Outcome."""
    listed = ", ".join(f"'{outcome}'" for outcome in Outcome)
    return f"outcome IS NULL OR outcome IN ({listed})"
