"""Site-level boilerplate learned from stored articles: blocks that recur on many pages.

A line such as "Sign up for our morning briefing" that survives extraction on
every article of a site is not part of any article. The crawler learns these
lines from what is already stored for the site and passes them to the cleaner
(cleaners never read the database themselves).
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass

from sqlalchemy import select
from sqlalchemy.engine import Engine

from cleaners.postclean import normalise_line

from .models import Article, Site
from .sites import site_condition


@dataclass(frozen=True)
class BoilerplateRule:
    """How often a block must recur, among the site's latest `sample` articles, to count."""

    sample: int = 300
    min_pages: int = 8
    min_share: float = 0.3
    max_chars: int = 300  # long blocks are real prose even when quoted often


def recurring_blocks(texts: list[str], rule: BoilerplateRule) -> frozenset[str]:
    """Normalised blocks present in at least max(min_pages, min_share * len(texts)) texts."""
    counts: Counter[str] = Counter()
    for text in texts:
        blocks = {normalise_line(b) for b in text.split("\n") if b.strip()}
        counts.update(b for b in blocks if len(b) <= rule.max_chars)
    needed = max(rule.min_pages, rule.min_share * len(texts))
    return frozenset(b for b, n in counts.items() if n >= needed)


def learn_boilerplate(engine: Engine, site_name: str,
                      rule: BoilerplateRule | None = None) -> frozenset[str]:
    """The recurring blocks of a site's most recently fetched articles (empty if too few);
    site_name: a label or a host (storage.sites.site_condition)."""
    rule = rule or BoilerplateRule()
    query = (select(Article.text).join(Site, Site.id == Article.site_id)
             .where(site_condition(site_name))
             .order_by(Article.last_fetched_at.desc()).limit(rule.sample))
    with engine.connect() as connection:
        texts = [t for (t,) in connection.execute(query) if t]
    if len(texts) < rule.min_pages:
        return frozenset()
    return recurring_blocks(texts, rule)
