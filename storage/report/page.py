"""The report as one HTML file: alerts first, then the charts overall and per site."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta
from html import escape

from sqlalchemy import Engine

from storage.health import (
    History,
    SiteHealth,
    Thresholds,
    alerts_of,
    check,
    history_span,
    load_history,
)

from . import charts, data
from .charts import Chart

RECENT_RUNS_SHOWN = 20
_STYLE = """
body{font-family:system-ui,-apple-system,"Segoe UI",Roboto,sans-serif;margin:2em auto;
max-width:1100px;color:#222;padding:0 1em}
h1{margin-bottom:.2em}h2{margin-top:2em;border-bottom:1px solid #ddd}
figure{margin:1.5em 0}figcaption{color:#555;margin:.3em 0 .6em}
figure h3{margin:0}table{border-collapse:collapse;font-size:.9em;margin:1em 0}
td,th{border:1px solid #ddd;padding:.25em .5em;text-align:left;vertical-align:top}
th{background:#f5f5f5}.alert{color:#b71c1c}.ok{color:#2e7d32}.muted{color:#777}
td.url{word-break:break-all;max-width:40em}
"""


@dataclass(frozen=True)
class Report:
    html: str
    charts: int  # how many charts it draws
    alerts: int


def build_report(engine: Engine, now: datetime, days: int, thresholds: Thresholds,
                 site: str | None = None) -> Report:
    """The report over the days before now (and the alerts as `cleanwire health` sees them)."""
    since = now - timedelta(days=days)
    earliest, until = history_span(thresholds, now)
    full = load_history(engine, min(since, earliest), until, site)
    healths = check(full, thresholds, now)
    shown = History(since, full.until,
                    [f for f in full.fetches if f.run_started >= since],
                    [a for a in full.articles if a.first_seen_at >= since],
                    [r for r in full.runs if r.started_at >= since], full.last_runs)
    return render(shown, healths, now, days, site)


def render(history: History, healths: list[SiteHealth], now: datetime, days: int,
           site: str | None = None) -> Report:
    alerts = alerts_of(healths)
    groups = data.site_groups(history, keep={a.site for a in alerts})
    extraction = data.extraction_per_day(history, groups)
    top = data.top_failures(history)
    labels = data.outcome_labels(history)
    overall = [
        charts.articles_per_day(data.articles_per_day(history, groups), groups),
        charts.outcomes_per_day(data.outcomes_per_day(history, labels), labels),
        charts.languages(data.languages(history, groups), groups),
        charts.median_words(extraction, groups),
        charts.extraction_shares(extraction, groups),
        charts.failures(top),
        charts.runs(data.runs(history, groups), groups),
    ]
    per_site = [charts.outcomes_per_day(rows, labels, title=f"{label}: fetch outcomes per day")
                for label, rows in data.outcomes_per_day_by_site(history, groups, labels).items()]
    scope = f"site {site}" if site else f"{len(groups.order)} sites"
    parts = [
        "<!DOCTYPE html>", '<html lang="en"><head><meta charset="utf-8">',
        '<meta name="viewport" content="width=device-width, initial-scale=1">',
        # nothing is fetched at view time: no script, no font, no image outside this file
        "<meta http-equiv=\"Content-Security-Policy\" content=\"default-src 'none'; "
        "style-src 'unsafe-inline'; img-src data:\">",
        f"<title>cleanwire site health, {escape(now.strftime('%Y-%m-%d %H:%M'))} UTC</title>",
        f"<style>{_STYLE}</style></head><body>",
        "<h1>cleanwire site health</h1>",
        f'<p class="muted">{escape(scope)}, the {days} days to '
        f"{escape(now.strftime('%Y-%m-%d %H:%M'))} UTC: {len(history.articles)} articles, "
        f"{len(history.fetches)} fetches, {len(history.runs)} crawl runs.</p>",
        _alerts(alerts, healths),
        "<h2>All sites</h2>",
        *(_figure(c) for c in overall[:5]),
        _figure(overall[5]), _failure_table(top),
        _figure(overall[6]), _runs_table(history),
        "<h2>Per site</h2>",
        '<p class="muted">Sites by volume (articles stored, then fetches); at most '
        f"{data.MAX_SITES} by name (a site with an alert always), the rest together.</p>",
        *(_figure(c) for c in per_site),
        "</body></html>",
    ]
    return Report("\n".join(parts), len(overall) + len(per_site), len(alerts))


def _figure(chart: Chart) -> str:
    return (f'<figure id="{escape(chart.key)}"><h3>{escape(chart.title)}</h3>'
            f"<figcaption>{escape(chart.caption)}</figcaption>{chart.svg()}</figure>")


def _alerts(alerts: list, healths: list[SiteHealth]) -> str:
    if not alerts:
        return (f'<p class="ok"><strong>No alerts:</strong> {len(healths)} sites as usual '
                "against their own baseline.</p>")
    rows = "".join(f"<tr><td>{escape(a.site)}</td><td class=\"alert\">{escape(a.name)}</td>"
                   f"<td>{escape(a.category)}</td><td>{escape(a.message)}</td></tr>"
                   for a in alerts)
    return (f'<h2 class="alert">{len(alerts)} alert{"s" if len(alerts) > 1 else ""}</h2>'
            "<table><tr><th>site</th><th>alert</th><th>kind</th><th>numbers</th></tr>"
            f"{rows}</table>")


def _failure_table(top: list[data.Failure]) -> str:
    if not top:
        return ""
    rows = "".join(f"<tr><td>{escape(f.reason)}</td><td>{f.fetches}</td><td>{f.sites}</td>"
                   f'<td class="url">{escape(f.example)}</td></tr>' for f in top)
    return ("<table><tr><th>reason</th><th>fetches</th><th>sites</th><th>example URL</th></tr>"
            f"{rows}</table>")


def _runs_table(history: History) -> str:
    last = sorted(history.runs, key=lambda r: r.started_at, reverse=True)[:RECENT_RUNS_SHOWN]
    if not last:
        return ""
    rows = "".join(
        f"<tr><td>{escape(r.started_at.strftime('%Y-%m-%d %H:%M'))}</td><td>{escape(r.site)}</td>"
        f"<td>{escape(r.command)}</td><td>{escape(r.outcome)}</td>"
        f"<td>{'' if r.seconds is None else f'{r.seconds:.0f} s'}</td>"
        f"<td>{r.pages_fetched}</td><td>{r.articles}</td><td>{r.failed}</td></tr>" for r in last)
    return (f"<table><caption>The last {len(last)} crawl runs</caption><tr><th>started "
            "(UTC)</th><th>site</th><th>command</th><th>outcome</th><th>duration</th>"
            f"<th>pages</th><th>articles</th><th>failed</th></tr>{rows}</table>")
