"""Re-cleaning: the current cleaner over stored captures, in the crawl's cleaning pool.

Recleaner reads the articles of a scope that point at a capture (storage/reclean.py) in id
order, BATCH at a time; reads each capture back (storage.captures.read_capture), cleans
the batch's pages concurrently in a CleaningPool (crawler/pool/cleaning_pool.py: the
same workers, options and time limit as a crawl's, the MinHash signature made there
too) and hands the results to Repository.apply_reclean, which writes the batch and the
run's progress in one transaction. A capture that is missing or damaged, and a page
the cleaner gives no result for, are counted failures; a page the cleaner no longer
calls an article is counted and left as stored. A stop request (first Ctrl-C / SIGTERM)
ends the run after the batch under way; a kill loses at most that batch, which the next
run with the same arguments does again.
"""

from __future__ import annotations

import asyncio
import re
from collections.abc import Callable
from dataclasses import dataclass, field

from cleaners import CLEANER_VERSION, CleanOptions
from crawler.pool.cleaning_pool import CleaningPool
from storage.boilerplate import BoilerplateRule, learn_boilerplate
from storage.captures import CaptureReadError, read_capture
from storage.reclean import RecleanCounts, Recleaned, RecleanScope, Target, recleaned, targets
from storage.repository import Repository

BATCH = 100  # articles per transaction
_CHARSET = re.compile(r"charset\s*=\s*[\"']?([\w.:-]+)", re.IGNORECASE)

#: failure reasons of a run's counts (failures_by_reason), beside the cleaner's own
CAPTURE_MISSING = "capture: no row"
CAPTURE_UNREADABLE = "capture: unreadable"


@dataclass
class SiteOptions:
    """The CleanOptions a crawl of each site would clean with: its profile's noise selectors
    (when a sites file is given) and the boilerplate learned from what the store holds,
    learned once per site at the run's start; a crawl keeps no listing's text."""

    repository: Repository
    noise: Callable[[str], tuple[str, ...]] = lambda _site: ()
    learn: bool = True
    rule: BoilerplateRule = field(default_factory=BoilerplateRule)
    _known: dict[str, CleanOptions] = field(default_factory=dict)

    def __call__(self, site: str) -> CleanOptions:
        if site not in self._known:
            learned = (learn_boilerplate(self.repository.engine, site, self.rule) if self.learn
                       else frozenset())
            self._known[site] = CleanOptions(extra_noise_selectors=self.noise(site),
                                             boilerplate_lines=learned, listing_text=False)
        return self._known[site]


class Recleaner:
    """One reclean run: reads, cleans and writes batch after batch until done or stopped."""

    def __init__(self, repository: Repository, pool: CleaningPool, scope: RecleanScope,
                 options: Callable[[str], CleanOptions], run_id: int, counts: RecleanCounts,
                 batch: int = BATCH,
                 progress: Callable[[RecleanCounts], None] = lambda _counts: None) -> None:
        self.repository = repository
        self.pool = pool
        self.scope = scope
        self.options = options
        self.run_id = run_id
        self.counts = counts
        self.batch = batch
        self.progress = progress
        self.stopping = False  # set by a stop request: end after the batch under way

    async def run(self) -> RecleanCounts:
        """Every batch of the scope after counts.last_article_id; the counts at the end."""
        while not self.stopping:
            found = targets(self.repository.engine, self.scope, self.counts.last_article_id,
                            self.batch)
            if not found:
                break
            results = await asyncio.gather(*(self._clean(target) for target in found))
            self.counts.read += len(found)
            self.counts.last_article_id = found[-1].article_id
            self.repository.apply_reclean(
                self.run_id, [result for result in results if result is not None], self.counts)
            self.progress(self.counts)
        return self.counts

    async def _clean(self, target: Target) -> Recleaned | None:
        """The target's capture cleaned again (None when it failed or is no article now)."""
        if target.capture is None:
            self.counts.fail(CAPTURE_MISSING)
            return None
        try:
            response = await asyncio.to_thread(read_capture, target.capture)
        except CaptureReadError:
            self.counts.fail(CAPTURE_UNREADABLE)
            return None
        content_type = response.header("Content-Type") or ""
        charset = _CHARSET.search(content_type)
        cleaned = await self.pool.clean(response.body, response.url or target.url,
                                        self.options(target.site),
                                        charset[1] if charset else None, sign=True)
        if cleaned.page is None:
            self.counts.fail(cleaned.error or "clean: no result")
            return None
        if cleaned.page.page_type != "article":
            self.counts.not_article += 1
            return None
        return recleaned(target, cleaned.page, self.scope.cleaner or CLEANER_VERSION,
                         cleaned.signature)
