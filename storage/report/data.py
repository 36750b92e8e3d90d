"""Chart rows from a History: per day, per site (at most MAX_SITES, the rest grouped)."""

from __future__ import annotations

import statistics
from collections import Counter, defaultdict
from collections.abc import Collection
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from storage.health import History

MAX_SITES = 12  # sites shown by name in a chart; the rest are grouped as one
TOP_REASONS = 10
FAILURE_KINDS = ("failed", "blocked")
#: outcome groups of the fetch-outcome chart, in stacking order; "failed" is split into
#: "failed: <reason>" for the FAILED_REASONS most frequent reasons and "failed: other"
OUTCOME_ORDER = ("stored", "not modified", "non-article", "skipped", "blocked", "failed")
FAILED_REASONS = 4
OTHER_FAILURES = "failed: other"

Row = dict[str, Any]


def day(value: datetime) -> str:
    return value.strftime("%Y-%m-%d")


@dataclass(frozen=True)
class SiteGroups:
    """The sites by volume (articles, then fetches), the first MAX_SITES kept by name."""

    order: tuple[str, ...]  # every site, largest first
    shown: tuple[str, ...]  # the first MAX_SITES
    other: str | None  # the label of the rest ("12 other sites"), None when none

    def label(self, site: str) -> str:
        return site if site in self.shown or self.other is None else self.other

    @property
    def labels(self) -> list[str]:
        return list(self.shown) + ([self.other] if self.other else [])


def site_groups(history: History, limit: int = MAX_SITES,
                keep: Collection[str] = ()) -> SiteGroups:
    """Sites by volume; the first limit are shown by name, the sites in keep (those with
    an alert) always among them."""
    articles = Counter(a.site for a in history.articles)
    fetches = Counter(f.site for f in history.fetches)
    order = tuple(sorted(history.sites(), key=lambda s: (-articles[s], -fetches[s], s)))
    kept = [s for s in order if s in keep][:limit]
    named = set(kept + [s for s in order if s not in keep][:limit - len(kept)])
    shown = tuple(s for s in order if s in named)
    rest = len(order) - len(shown)
    other = None if rest <= 0 else f"{rest} other site{'s' if rest > 1 else ''}"
    return SiteGroups(order, shown, other)


def articles_per_day(history: History, groups: SiteGroups) -> list[Row]:
    counts = Counter((day(a.first_seen_at), groups.label(a.site)) for a in history.articles)
    return [{"day": d, "site": s, "articles": n} for (d, s), n in sorted(counts.items())]


def outcome_labels(history: History) -> list[str]:
    """The fetch-outcome chart's groups in stacking order, failures split by their most
    frequent reasons (the same split on every chart of one report)."""
    reasons = Counter(f.error or "unknown" for f in history.fetches if f.kind == "failed")
    top = [f"failed: {reason}" for reason, _ in reasons.most_common(FAILED_REASONS)]
    rest = [OTHER_FAILURES] if len(reasons) > FAILED_REASONS else []
    return [k for k in OUTCOME_ORDER if k != "failed"] + top + rest


def _outcome(kind: str, error: str | None, labels: Collection[str]) -> str:
    if kind != "failed":
        return kind
    label = f"failed: {error or 'unknown'}"
    return label if label in labels else OTHER_FAILURES


def outcomes_per_day(history: History, labels: list[str]) -> list[Row]:
    """Fetches per day by outcome group, of outcome_labels() (discovery documents left out)."""
    counts = Counter((day(f.fetched_at), _outcome(f.kind, f.error, labels))
                     for f in history.fetches if f.kind != "discovery")
    return [{"day": d, "outcome": k, "fetches": n, "order": labels.index(k)}
            for (d, k), n in sorted(counts.items())]


def outcomes_per_day_by_site(history: History, groups: SiteGroups,
                             labels: list[str]) -> dict[str, list[Row]]:
    """outcomes_per_day of each site group, by label, largest first."""
    parts = {label: History(history.since, history.until) for label in groups.labels}
    for f in history.fetches:
        parts[groups.label(f.site)].fetches.append(f)
    return {label: outcomes_per_day(part, labels) for label, part in parts.items()}


def languages(history: History, groups: SiteGroups) -> list[Row]:
    counts = Counter((a.language or "unknown", groups.label(a.site)) for a in history.articles)
    totals = Counter(a.language or "unknown" for a in history.articles)
    top = [lang for lang, _ in totals.most_common(MAX_SITES)]
    rows: Counter[tuple[str, str]] = Counter()
    for (lang, s), n in counts.items():
        rows[(lang if lang in top else "other", s)] += n
    return [{"language": lang, "site": s, "articles": n} for (lang, s), n in sorted(rows.items())]


def extraction_per_day(history: History, groups: SiteGroups) -> list[Row]:
    """Per day and site group: median words, and the shares without a date, without an
    author, typed non-article (of the pages fetched) and duplicated."""
    words: dict[tuple[str, str], list[int]] = defaultdict(list)
    flags: dict[tuple[str, str], Counter[str]] = defaultdict(Counter)
    for a in history.articles:
        key = (day(a.first_seen_at), groups.label(a.site))
        words[key].append(a.word_count)
        flags[key].update({"no date": a.no_date, "no author": a.no_author,
                           "duplicate": a.duplicate})
    pages: Counter[tuple[str, str]] = Counter()
    non_articles: Counter[tuple[str, str]] = Counter()
    for f in history.fetches:
        kind = f.kind
        if kind in ("stored", "not modified", "non-article"):
            key = (day(f.fetched_at), groups.label(f.site))
            pages[key] += 1
            non_articles[key] += kind == "non-article"
    rows: list[Row] = []
    for key in sorted(set(words) | set(pages)):
        d, s = key
        n = len(words.get(key, []))
        row: Row = {"day": d, "site": s, "median words": None}
        if n:
            row["median words"] = float(statistics.median(words[key]))
            for name in ("no date", "no author", "duplicate"):
                row[name] = flags[key][name] / n
        if pages[key]:
            row["non-article"] = non_articles[key] / pages[key]
        rows.append(row)
    return rows


def long_shares(rows: list[Row]) -> list[Row]:
    """extraction_per_day's shares as one row per (day, site, measure)."""
    return [{"day": r["day"], "site": r["site"], "measure": name, "share": r[name]}
            for r in rows for name in ("no date", "no author", "non-article", "duplicate")
            if r.get(name) is not None]


@dataclass(frozen=True)
class Failure:
    reason: str
    fetches: int
    sites: int
    example: str


def top_failures(history: History, limit: int = TOP_REASONS) -> list[Failure]:
    counts: Counter[str] = Counter()
    sites: dict[str, set[str]] = defaultdict(set)
    examples: dict[str, str] = {}
    for f in history.fetches:
        if f.kind in FAILURE_KINDS:
            reason = f.error or "unknown"
            counts[reason] += 1
            sites[reason].add(f.site)
            examples.setdefault(reason, f.url)
    return [Failure(reason, n, len(sites[reason]), examples[reason])
            for reason, n in counts.most_common(limit)]


def runs(history: History, groups: SiteGroups) -> list[Row]:
    return [{"started": r.started_at.strftime("%Y-%m-%dT%H:%M:%S"), "site": groups.label(r.site),
             "minutes": round(r.seconds / 60, 3) if r.seconds is not None else None,
             "outcome": r.outcome, "articles": r.articles, "pages": r.pages_fetched}
            for r in history.runs]
