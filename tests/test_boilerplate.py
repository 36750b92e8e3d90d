"""Site boilerplate learned from stored articles and dropped from later cleanings."""

from __future__ import annotations

import pytest
from cli_helpers import cleanwire, rows

from cleaners import CleanOptions, clean_page
from cleaners.postclean import normalise_line
from storage.boilerplate import BoilerplateRule, recurring_blocks

PLEDGE = "Fixture Times journalism is funded by readers in every county of the land."


def test_recurring_blocks_need_enough_pages_and_share():
    texts = [f"Story {i} opens here with its own words.\n\n{PLEDGE}" for i in range(10)]
    texts += [f"Story {i} has no pledge at all." for i in range(10, 20)]
    rule = BoilerplateRule(min_pages=8, min_share=0.3)
    assert recurring_blocks(texts, rule) == {normalise_line(PLEDGE)}
    assert recurring_blocks(texts, BoilerplateRule(min_pages=11)) == frozenset()
    assert recurring_blocks(texts, BoilerplateRule(min_share=0.6)) == frozenset()
    assert recurring_blocks(texts, BoilerplateRule(max_chars=20)) == frozenset()


def test_clean_page_drops_known_boilerplate_lines():
    body = "".join(f"<p>Paragraph {i} of a long enough article about harbour cranes and the "
                   f"ships that wait for them outside the breakwater.</p>" for i in range(6))
    html = f"<html><body><article><h1>Cranes</h1>{body}<p>{PLEDGE}</p></article></body></html>"
    assert PLEDGE in clean_page(html.encode(), "https://x.example/a").text
    options = CleanOptions(boilerplate_lines=frozenset({normalise_line(PLEDGE)}))
    text = clean_page(html.encode(), "https://x.example/a", options).text
    assert PLEDGE not in text and "Paragraph 5 of a long enough article" in text


@pytest.mark.slow
def test_second_crawl_learns_and_drops_site_boilerplate(fixture_site, tmp_path):
    site = fixture_site
    fixture_site.slow_seconds = 3
    for article in site.site.linked_articles[:12]:
        html = site.site.article_html(site.base_url, article)
        last = article.paragraphs[-1]
        site.set_page(article.path, html.replace(last, f"{last}</p>\n<p>{PLEDGE}", 1))
    db = tmp_path / "news.db"
    args = ("crawl", site.url("/"), "--db", str(db), "--timeout", "2", "--max-page-bytes",
            "1000000")
    assert cleanwire(*args).returncode == 0
    with_pledge = rows(db, "select count(*) from articles where text like ?", f"%{PLEDGE}%")
    assert with_pledge[0][0] >= 10  # extraction alone keeps it: it looks like prose
    for article in site.site.linked_articles[:12]:  # re-rendered (new ETag): no 304 this time
        site.set_page(article.path, site.site.article_html(site.base_url, article).replace(
            article.paragraphs[-1], f"{article.paragraphs[-1]}</p>\n<p>{PLEDGE}", 1)
            + "<!-- re-rendered -->")
    proc = cleanwire(*args, "--revisit", "all")  # right after the first: none is due yet
    assert proc.returncode == 0, proc.stderr
    assert rows(db, "select count(*) from articles where text like ?", f"%{PLEDGE}%") == [(0,)]
    first = site.site.linked_articles[0]
    text = rows(db, "select text from articles where url = ?", first.url(site.base_url))[0][0]
    assert first.first_sentence in text
