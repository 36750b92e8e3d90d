"""What went wrong in a crawl, for its summary: an example URL per reason, unreachable hosts,
the first non-article pages that declared themselves articles."""

from __future__ import annotations

from collections import Counter as Tally
from typing import Any
from urllib.parse import urlsplit

from scrapy import signals

from crawler.items import FetchItem, PageItem
from storage.contract import (
    DECLARED_EXAMPLES,
    REASONED_OUTCOMES,
    UNREACHABLE_REASONS,
    Outcome,
    clean_failure_outcome,
    declared_example_key,
    example_key,
    unreachable_key,
)


class FailureExamples:
    """Keeps, in the crawl's stats, the first URL of each failure and skip reason, and the
    hosts every request to which failed without an answer (DNS, refused, timeout)."""

    def __init__(self, crawler: Any) -> None:
        self.crawler = crawler
        self.answered: set[str] = set()  # hosts that sent something back at least once
        self.unanswered: dict[str, Tally[str]] = {}
        self.declared = 0  # example URLs kept of non-articles that declared an article

    @classmethod
    def from_crawler(cls, crawler: Any) -> FailureExamples:
        ext = cls(crawler)
        crawler.signals.connect(ext.item_scraped, signal=signals.item_scraped)
        crawler.signals.connect(ext.spider_closed, signal=signals.spider_closed)
        return ext

    def item_scraped(self, item: Any, **_: Any) -> None:
        if isinstance(item, FetchItem):
            outcome, reason = item.outcome, item.error
        elif isinstance(item, PageItem):
            reason = item.error
            outcome = clean_failure_outcome(reason) if reason else Outcome.NEW
            self.declared_example(item)
        else:
            return
        host = urlsplit(item.url).netloc
        if reason and outcome in REASONED_OUTCOMES:
            key = example_key(outcome, reason)
            if self.crawler.stats.get_value(key) is None:
                self.crawler.stats.set_value(key, item.url)
        if outcome == Outcome.FAILED and reason in UNREACHABLE_REASONS:
            self.unanswered.setdefault(host, Tally())[reason] += 1
        elif outcome != Outcome.SKIPPED:  # a page, a discovery document, an HTTP error
            self.answered.add(host)

    def declared_example(self, item: PageItem) -> None:
        """Keep the first DECLARED_EXAMPLES pages typed non-article that declared an article
        (CleanPage.declared_article; counted by the cleaning service)."""
        page = item.clean
        if (page is not None and page.page_type != "article" and page.declared_article
                and self.declared < DECLARED_EXAMPLES):
            self.crawler.stats.set_value(declared_example_key(self.declared), item.url)
            self.declared += 1

    def spider_closed(self, spider: Any, reason: str) -> None:
        for host, reasons in self.unanswered.items():
            if host not in self.answered:
                self.crawler.stats.set_value(unreachable_key(host),
                                             reasons.most_common(1)[0][0])
