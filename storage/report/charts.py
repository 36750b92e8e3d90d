"""The report's charts: Vega-Lite specs built with altair, rendered to SVG by vl-convert."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import altair as alt

from . import data
from .data import Row, SiteGroups

WIDTH, HEIGHT = 640, 180
SMALL_WIDTH = 300
OUTCOME_COLOURS = {"stored": "#2e7d32", "not modified": "#81c784", "non-article": "#90a4ae",
                   "skipped": "#cfd8dc", "blocked": "#8e24aa"}
FAILURE_COLOURS = ("#b71c1c", "#e53935", "#ef5350", "#e57373", "#ffab91")  # by frequency


@dataclass(frozen=True)
class Chart:
    """One chart of the report: its title, a one-line caption, and the Vega-Lite spec."""

    key: str  # its canned query in queries.py has the same name
    title: str
    caption: str
    spec: dict[str, Any]

    def svg(self) -> str:
        import vl_convert

        return vl_convert.vegalite_to_svg(self.spec)


def _site_colour(groups: SiteGroups) -> alt.Color:
    return alt.Color("site:N", sort=groups.labels,
                     scale=alt.Scale(domain=groups.labels, scheme="tableau20"),
                     legend=alt.Legend(title="site (by volume)"))


def _base(rows: list[Row], width: int = WIDTH, height: int = HEIGHT) -> alt.Chart:
    return alt.Chart(alt.Data(values=rows)).properties(width=width, height=height)


def _empty(key: str, title: str, caption: str) -> Chart:
    spec = _base([{"x": 0}], height=30).mark_text(text="no data in this period").encode(
        x=alt.X("x:Q", axis=None)).to_dict(validate=False)
    return Chart(key, title, caption, spec)


def articles_per_day(rows: list[Row], groups: SiteGroups) -> Chart:
    key, title = "articles_per_day", "Articles stored per day"
    caption = "New articles by the day cleanwire first stored them, stacked by site."
    if not rows:
        return _empty(key, title, caption)
    chart = _base(rows).mark_bar().encode(
        x=alt.X("day:T", title=None, timeUnit="yearmonthdate"),
        y=alt.Y("sum(articles):Q", title="articles"),
        color=_site_colour(groups),
        order=alt.Order("site_rank:Q"),
    ).transform_calculate(site_rank=f"indexof({groups.labels!r}, datum.site)")
    return Chart(key, title, caption, chart.to_dict(validate=False))


def outcomes_per_day(rows: list[Row], labels: list[str], title: str = "Fetch outcomes per day",
                     width: int = WIDTH) -> Chart:
    key = "fetch_outcomes_per_day"
    caption = ("Page fetches by outcome: stored, 304, typed non-article, skipped, blocked "
               "(403/429/challenge), failed by reason.")
    if not rows:
        return _empty(key, title, caption)
    colours = dict(OUTCOME_COLOURS)
    colours.update(zip([k for k in labels if k.startswith("failed")], FAILURE_COLOURS,
                       strict=False))
    present = [k for k in labels if any(r["outcome"] == k for r in rows)]
    chart = _base(rows, width).mark_bar().encode(
        x=alt.X("day:T", title=None, timeUnit="yearmonthdate"),
        y=alt.Y("sum(fetches):Q", title="fetches"),
        color=alt.Color("outcome:N", sort=present, scale=alt.Scale(
            domain=present, range=[colours[k] for k in present])),
        order=alt.Order("order:Q"),
    )
    return Chart(key, title, caption, chart.to_dict(validate=False))


def languages(rows: list[Row], groups: SiteGroups) -> Chart:
    key, title = "languages", "Languages"
    caption = "Articles stored in the period by detected language, split by site."
    if not rows:
        return _empty(key, title, caption)
    chart = _base(rows, height=max(60, 22 * len({r["language"] for r in rows}))).mark_bar().encode(
        y=alt.Y("language:N", sort="-x", title=None),
        x=alt.X("sum(articles):Q", title="articles"),
        color=_site_colour(groups),
    )
    return Chart(key, title, caption, chart.to_dict(validate=False))


def median_words(rows: list[Row], groups: SiteGroups) -> Chart:
    key, title = "median_words_per_day", "Median words per article"
    caption = "A site whose line falls by half likely changed its template (see the alerts)."
    rows = [r for r in rows if r.get("median words") is not None]
    if not rows:
        return _empty(key, title, caption)
    chart = _base(rows).mark_line(point=True).encode(
        x=alt.X("day:T", title=None, timeUnit="yearmonthdate"),
        y=alt.Y("median words:Q", title="median words"),
        color=_site_colour(groups),
    )
    return Chart(key, title, caption, chart.to_dict(validate=False))


def extraction_shares(rows: list[Row], groups: SiteGroups) -> Chart:
    key, title = "extraction_shares_per_day", "Extraction health over time"
    caption = ("Per day: share of new articles without a date, without an author, duplicated, "
               "and share of fetched pages typed non-article.")
    long = data.long_shares(rows)
    if not long:
        return _empty(key, title, caption)
    chart = _base(long, SMALL_WIDTH, 120).mark_line().encode(
        x=alt.X("day:T", title=None, timeUnit="yearmonthdate"),
        y=alt.Y("share:Q", axis=alt.Axis(format="%"), scale=alt.Scale(domain=[0, 1]),
                title=None),
        color=_site_colour(groups),
    ).facet(facet=alt.Facet("measure:N", title=None,
                            sort=["no date", "no author", "non-article", "duplicate"]),
            columns=2)
    return Chart(key, title, caption, chart.to_dict(validate=False))


def failures(top: list[data.Failure]) -> Chart:
    key, title = "top_failure_reasons", "Top failure reasons"
    caption = "Failed and blocked fetches in the period by reason (example URLs in the table)."
    if not top:
        return _empty(key, title, caption)
    rows = [{"reason": f.reason, "fetches": f.fetches} for f in top]
    chart = _base(rows, height=max(60, 22 * len(rows))).mark_bar(color="#d32f2f").encode(
        y=alt.Y("reason:N", sort="-x", title=None),
        x=alt.X("fetches:Q", title="fetches"),
    )
    return Chart(key, title, caption, chart.to_dict(validate=False))


def runs(rows: list[Row], groups: SiteGroups) -> Chart:
    key, title = "crawl_runs", "Crawl runs"
    caption = "Each crawl by its start and duration; a cross: it ended other than ok."
    rows = [dict(r, ended="ok" if r["outcome"] == "ok" else "not ok")
            for r in rows if r["minutes"] is not None]
    if not rows:
        return _empty(key, title, caption)
    chart = _base(rows).mark_point(filled=True, size=50, opacity=0.8).encode(
        x=alt.X("started:T", title=None),
        y=alt.Y("minutes:Q", title="duration (minutes)"),
        color=_site_colour(groups),
        shape=alt.Shape("ended:N", title="outcome", sort=["ok", "not ok"],
                        scale=alt.Scale(domain=["ok", "not ok"], range=["circle", "cross"])),
    )
    return Chart(key, title, caption, chart.to_dict(validate=False))
